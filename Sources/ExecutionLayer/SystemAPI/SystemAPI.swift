import Wasm

/// The IC's System API: the functions a canister imports from module `ic0` (interface spec,
/// "Overview of imports"; Docs/Model.md, "System API"). Each checks that it is called from a
/// context the spec allows (else it traps), charges its cost (Docs/Model.md, "System API
/// costs": a base cost, plus one instruction per byte copied, plus 1,000 per newly dirtied
/// stable-memory page), and works on the ``CallSession`` the executor lent the instance.
public enum SystemAPI {
    /// The imports to instantiate a canister with: every `ic0` function.
    public static let imports: Imports = {
        var imports = Imports()
        for function in functions {
            imports.define("ic0", function.name, function: function.hostFunction)
        }
        return imports
    }()

    /// The names of the functions, in the spec's order.
    public static var functionNames: [String] { functions.map(\.name) }

    /// Whether `name` may be called in `context` (`nil` for an unknown function).
    public static func allows(_ name: String, in context: SystemAPIContext) -> Bool? {
        functions.first { $0.name == name }?.contexts.contains(context)
    }

    /// One System API function.
    struct Function: Sendable {
        let name: String
        let type: FunctionType
        let contexts: SystemAPIContexts
        let baseCost: UInt64
        /// The work (untyped throws, so the table's closures need no annotations; only traps
        /// are thrown).
        let body: @Sendable (_ arguments: [Value], _ host: inout HostContext, _ session: CallSession) throws -> [Value]

        init(_ name: String, _ parameters: [ValueType], _ results: [ValueType], _ contexts: String, cost: UInt64,
             _ body: @escaping @Sendable (_ arguments: [Value], _ host: inout HostContext, _ session: CallSession) throws -> [Value]) {
            self.name = name
            type = FunctionType(parameters: parameters, results: results)
            self.contexts = SystemAPIContexts(contexts)
            baseCost = cost
            self.body = body
        }

        /// The host function: finds the session, checks the context, charges, runs the body.
        var hostFunction: HostFunction {
            HostFunction(type: type) { [self] (arguments, host) throws(Trap) -> [Value] in
                guard let session = host.hostState as? CallSession else {
                    throw Trap(.host("ic0.\(name) was called outside of a canister call"))
                }
                guard contexts.contains(session.context) else {
                    throw Trap(.host("ic0.\(name) cannot be executed in \(session.context) mode"))
                }
                host.charge += baseCost
                do { return try body(arguments, &host, session) } catch let trap as Trap { throw trap } catch {
                    throw Trap(.host("ic0.\(name): \(error)"))
                }
            }
        }
    }

    static let functions: [Function] = messageFunctions + cycleFunctions + canisterFunctions + callFunctions
        + stableMemoryFunctions + otherFunctions
        + boundedWaitFunctions

    // MARK: Sizes (each also bounds what the host holds for a canister)

    /// Most bytes of a reply or a reject message: 2 MiB, 3 MiB in a non-replicated query
    /// (interface spec, `msg_reply_data_append`: "traps if the total appended data exceeds the
    /// maximum response size"; the sizes are `MAX_INTER_CANISTER_PAYLOAD_IN_BYTES` and
    /// `MAX_NON_REPLICATED_QUERY_REPLY_SIZE` of dfinity/ic's system_api.rs).
    static func responseBytesMax(_ session: CallSession) -> Int {
        session.context.isReplicated ? 2 << 20 : 3 << 20
    }
    /// Most bytes of a call's method name and argument together: 10 MiB, five times the
    /// cross-subnet payload limit, as dfinity/ic's `RequestInPrep` allows within a subnet
    /// (a call to another subnet may carry 2 MiB there; ICSim does not check that).
    static let callBytesMax = 10 << 20
    /// Bytes a canister's log keeps: 4 KiB, the oldest lines dropped first (interface spec,
    /// canister logs: "exceeding the maximum total log size of 4KiB, the oldest logs will be
    /// removed"). Each line counts its text plus 16 bytes (its index and time).
    public static let logBytesMax = 4_096

    /// What a log line counts against ``logBytesMax``.
    static func logBytes(of line: String) -> Int { line.utf8.count + 16 }

    /// How many of the oldest `lines` (counting `bytes` in all) to drop so the rest fit in
    /// ``logBytesMax`` (the newest is always kept), and the bytes left.
    static func logOverflow(_ lines: some Sequence<String>, bytes: Int) -> (dropped: Int, bytesLeft: Int) {
        var (dropped, left) = (0, bytes)
        var iterator = lines.makeIterator()
        while left > logBytesMax, let line = iterator.next() {
            left -= logBytes(of: line)
            dropped += 1
        }
        return (dropped, left)
    }
    /// Bytes of an `ic0.trap` message kept in the reject (a simulator bound on what the host
    /// copies; the IC keeps the whole message).
    static let trapMessageBytesMax = 16_384
}

// MARK: - Helpers

extension Value {
    /// The bits of an `i32` argument (the import's type guarantees it is one).
    var u32: UInt32 {
        if case .i32(let value) = self { return value }
        return 0
    }

    /// The bits of an `i64` argument.
    var u64: UInt64 {
        if case .i64(let value) = self { return value }
        return 0
    }
}

extension HostContext {
    /// Reads `size` bytes of the canister's memory at `source`, charging one instruction a byte.
    mutating func read(_ source: UInt64, _ size: UInt64, for name: String) throws(Trap) -> [UInt8] {
        charge += size
        guard size <= UInt64(Int32.max) else { throw Trap(.host("ic0.\(name): \(size) bytes is more than a heap can hold")) }
        do { return try readMemory(at: source, count: Int(size)) } catch {
            throw Trap(.host("ic0.\(name): \(error)"))
        }
    }

    /// Writes `bytes` into the canister's memory at `destination`, one instruction a byte.
    mutating func write(_ bytes: [UInt8], to destination: UInt64, for name: String) throws(Trap) {
        charge += UInt64(bytes.count)
        do { try writeMemory(bytes, at: destination) } catch {
            throw Trap(.host("ic0.\(name): \(error)"))
        }
    }

    /// The `*_copy(dst, offset, size)` idiom: copies `size` bytes of `blob` from `offset` to
    /// `dst`, trapping if the range is not within the blob.
    mutating func copy(_ blob: [UInt8], _ arguments: [Value], for name: String) throws(Trap) {
        let (destination, offset, size) = (UInt64(arguments[0].u32), Int(arguments[1].u32), Int(arguments[2].u32))
        guard offset <= blob.count, size <= blob.count - offset else {
            throw Trap(.host("ic0.\(name): offset \(offset) + size \(size) is beyond the \(blob.count) bytes available"))
        }
        try write(Array(blob[offset..<offset + size]), to: destination, for: name)
    }

    /// Reads a principal of at most 29 bytes.
    mutating func principal(_ source: UInt64, _ size: UInt64, for name: String) throws(Trap) -> Principal {
        guard size <= 29 else { throw Trap(.host("ic0.\(name): a principal has at most 29 bytes, given \(size)")) }
        return Principal(bytes: try read(source, size, for: name))
    }

    /// Reads UTF-8 text (invalid sequences replaced).
    mutating func text(_ source: UInt64, _ size: UInt64, for name: String) throws(Trap) -> String {
        String(decoding: try read(source, size, for: name), as: UTF8.self)
    }

    /// The first `kept` of the `size` bytes at `source` as UTF-8 text (invalid sequences
    /// replaced; "..." marks a cut), charging one instruction a byte of `size`; `nil` if the
    /// `size` bytes are not all inside the memory.
    mutating func textPrefix(_ source: UInt64, _ size: UInt64, keeping kept: Int, for name: String) -> String? {
        charge += size
        let (end, overflow) = source.addingReportingOverflow(size)
        guard !overflow, end <= UInt64(memory?.byteCount ?? 0),
              let bytes = try? readMemory(at: source, count: Int(min(size, UInt64(kept)))) else { return nil }
        return String(decoding: bytes, as: UTF8.self) + (size > UInt64(kept) ? "..." : "")
    }
}

extension SystemAPI {
    /// A trap naming the function.
    static func trap(_ name: String, _ message: String) -> Trap { Trap(.host("ic0.\(name): \(message)")) }

    /// Traps unless no response was given yet.
    static func requireNoResponse(_ session: CallSession, _ name: String) throws(Trap) {
        if session.response != nil || session.callContextAnswered { throw trap(name, "the message was already replied to or rejected") }
    }

    /// Traps unless `size` more bytes after `current` fit in a response (the IC's wording).
    static func requireResponseFits(_ current: Int, _ size: UInt64, _ session: CallSession, _ name: String) throws(Trap) {
        let total = UInt64(current) + size
        let limit = responseBytesMax(session)
        guard total <= UInt64(limit) else { throw trap(name, "application payload size (\(total)) cannot be larger than \(limit)") }
    }
}
