import Wasm

// Stable memory: 64 KiB pages kept across upgrades, read and written by copying to and from
// the heap. The 32-bit calls are deprecated but still served (interface spec).

extension SystemAPI {
    /// The names of ``stableMemoryFunctions``: a module that imports none of them never reads
    /// or changes its stable memory.
    static let stableMemoryFunctionNames = Set(stableMemoryFunctions.map(\.name))

    /// What a session holds instead of the canister's stable memory when its module imports
    /// no stable-memory function (nothing can read it).
    static let unlentStableMemory = LinearMemory(minimumPages: 0, maximumPages: 0)

    static let stableMemoryFunctions: [Function] = [
        Function("stable64_size", [], [.i64], "* s", cost: 20) { _, _, session in
            .i64(UInt64(session.stableMemory.pageCount))
        },
        Function("stable64_grow", [.i64], [.i64], "* s", cost: 500) { arguments, _, session in
            .i64(growStable(by: arguments[0].u64, session).map(UInt64.init) ?? UInt64.max)
        },
        Function("stable64_read", [.i64, .i64, .i64], [], "* s", cost: 20) { arguments, host, session in
            try readStable(into: arguments[0].u64, from: arguments[1].u64, size: arguments[2].u64, host: &host, session, "stable64_read")
            return nil
        },
        Function("stable64_write", [.i64, .i64, .i64], [], "* s", cost: 20) { arguments, host, session in
            try writeStable(at: arguments[0].u64, from: arguments[1].u64, size: arguments[2].u64, host: &host, session, "stable64_write")
            return nil
        },
        Function("stable_size", [], [.i32], "* s", cost: 20) { _, _, session in
            .i32(try pages32(session, "stable_size"))
        },
        Function("stable_grow", [.i32], [.i32], "* s", cost: 500) { arguments, _, session in
            _ = try pages32(session, "stable_grow")
            // The 32-bit interface cannot address beyond 4 GiB: growing past it fails.
            guard UInt64(session.stableMemory.pageCount) + UInt64(arguments[0].u32) <= 65_536 else { return .i32(UInt32.max) }
            return .i32(growStable(by: UInt64(arguments[0].u32), session).map { UInt32($0) } ?? UInt32.max)
        },
        Function("stable_read", [.i32, .i32, .i32], [], "* s", cost: 20) { arguments, host, session in
            _ = try pages32(session, "stable_read")
            try readStable(into: UInt64(arguments[0].u32), from: UInt64(arguments[1].u32), size: UInt64(arguments[2].u32),
                           host: &host, session, "stable_read")
            return nil
        },
        Function("stable_write", [.i32, .i32, .i32], [], "* s", cost: 20) { arguments, host, session in
            _ = try pages32(session, "stable_write")
            try writeStable(at: UInt64(arguments[0].u32), from: UInt64(arguments[1].u32), size: UInt64(arguments[2].u32),
                            host: &host, session, "stable_write")
            return nil
        },
    ]

    /// The page count for the 32-bit calls, which trap once stable memory exceeds 4 GiB.
    static func pages32(_ session: CallSession, _ name: String) throws(Trap) -> UInt32 {
        guard session.stableMemory.pageCount <= 65_536 else {
            throw trap(name, "stable memory exceeds 4 GiB; use the 64-bit calls")
        }
        return session.stableMemory.pageCount
    }

    /// Grows stable memory by `pages`; the previous page count, or `nil` if it cannot grow.
    static func growStable(by pages: UInt64, _ session: CallSession) -> UInt32? {
        guard pages <= UInt64(UInt32.max) else { return nil }
        let previous = session.stableMemory.grow(by: UInt32(pages))
        return previous < 0 ? nil : UInt32(previous)
    }

    /// Bytes copied between the heap and stable memory at a time: a large copy goes in
    /// pieces, so the host holds no more than this besides the two memories.
    static let copyPieceBytes: UInt64 = 1 << 16

    /// Copies `size` bytes of stable memory at `offset` into the heap at `destination`.
    static func readStable(into destination: UInt64, from offset: UInt64, size: UInt64, host: inout HostContext,
                           _ session: CallSession, _ name: String) throws(Trap) {
        if let error = outside(offset, size, session.stableMemory.byteCount) { throw trap(name, "stable memory: \(error)") }
        if let error = outside(destination, size, host.memory?.byteCount ?? 0) { throw trap(name, "\(error)") }
        var done: UInt64 = 0
        while done < size {
            let piece = min(size - done, copyPieceBytes)
            let bytes: [UInt8]
            do { bytes = try session.stableMemory.bytes(at: offset + done, count: Int(piece)) } catch {
                throw trap(name, "stable memory: \(error)")
            }
            try host.write(bytes, to: destination + done, for: name)
            guard !host.memoryAllocationRefused else { throw Trap(.hostMemoryLimitExceeded) }
            done += piece
        }
    }

    /// Copies `size` bytes of the heap at `source` into stable memory at `offset`, charging
    /// one instruction a byte and 1,000 for each 4 KiB page it dirties first.
    static func writeStable(at offset: UInt64, from source: UInt64, size: UInt64, host: inout HostContext,
                            _ session: CallSession, _ name: String) throws(Trap) {
        host.charge += size
        if let error = outside(source, size, host.memory?.byteCount ?? 0) { throw trap(name, "\(error)") }
        guard size > 0 else { return }
        let (end, overflow) = offset.addingReportingOverflow(size)
        guard !overflow, end <= UInt64(session.stableMemory.byteCount) else {
            throw trap(name, "stable memory: \(size) bytes at \(offset) are beyond its \(session.stableMemory.byteCount) bytes")
        }
        let chunks = Int(offset / UInt64(LinearMemory.chunkBytes))...Int((end - 1) / UInt64(LinearMemory.chunkBytes))
        host.charge += 1_000 * UInt64(chunks.filter { !session.stableMemory.isChunkDirty($0) }.count)
        // Stable memory holds at most as much storage as the heap may (the host's limit).
        session.stableMemory.chunkAllocationLimit = host.memoryChunkAllocationLimit
        var done: UInt64 = 0
        while done < size {
            let piece = min(size - done, copyPieceBytes)
            do {
                let bytes = try host.readMemory(at: source + done, count: Int(piece))
                try session.stableMemory.write(bytes, at: offset + done)
            } catch {
                throw trap(name, "\(error)")
            }
            guard !session.stableMemory.allocationRefused else { throw Trap(.hostMemoryLimitExceeded) }
            done += piece
        }
    }

    /// The access error of `size` bytes at `address` in a memory of `byteCount` bytes, if
    /// they are not all inside it.
    static func outside(_ address: UInt64, _ size: UInt64, _ byteCount: Int) -> MemoryAccessError? {
        let (end, overflow) = address.addingReportingOverflow(size)
        guard overflow || end > UInt64(byteCount) else { return nil }
        return MemoryAccessError(address: address, count: Int(min(size, UInt64(Int.max))), size: byteCount)
    }
}
