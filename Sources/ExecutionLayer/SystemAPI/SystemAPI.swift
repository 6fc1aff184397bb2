import Wasm

/// The IC's System API: the functions a canister imports from module `ic0` (interface spec,
/// "Overview of imports"; Docs/Model.md, "System API"). Each checks that it is called from a
/// context the spec allows (else it traps), charges its cost (Docs/Model.md, "System API
/// costs": a base cost, plus one instruction per byte copied, plus 1,000 per newly dirtied
/// stable-memory page), and works on the ``CallSession`` the executor lent the instance.
public enum SystemAPI {
    /// The imports to instantiate a canister with: every `ic0` function, with 32-bit
    /// addresses (a module without a memory, or with a 32-bit one).
    public static var imports: Imports { imports32 }

    /// The imports for a module whose memory is 64-bit (`memory64`) or not: the spec's `I`
    /// becomes `i64` or `i32`, and the functions only available with `I = i32` are left out
    /// (interface spec, "Overview of imports").
    public static func imports(forMemory64 memory64: Bool) -> Imports { memory64 ? imports64 : imports32 }

    static let imports32 = makeImports(memory64: false)
    static let imports64 = makeImports(memory64: true)

    static func makeImports(memory64: Bool) -> Imports {
        var imports = Imports()
        for function in functions where function.isAvailable(memory64: memory64) {
            imports.define("ic0", function.name, function: function.hostFunction(memory64: memory64))
        }
        return imports
    }

    /// The names of the functions, in the spec's order.
    public static var functionNames: [String] { functions.map(\.name) }

    /// Whether `name` may be called in `context` (`nil` for an unknown function).
    public static func allows(_ name: String, in context: SystemAPIContext) -> Bool? {
        functions.first { $0.name == name }?.contexts.contains(context)
    }

    /// The type a module must import `name` with, given whether its memory is 64-bit; `nil`
    /// if the System API has no such function for such a module.
    public static func importType(of name: String, memory64: Bool) -> FunctionType? {
        guard let function = functions.first(where: { $0.name == name }), function.isAvailable(memory64: memory64) else { return nil }
        return function.type(memory64: memory64)
    }

    /// The functions only available with 32-bit addresses (interface spec: "only available if
    /// `I = i32`").
    static let i32OnlyNames: Set<String> = [
        "msg_cycles_available", "msg_cycles_refunded", "msg_cycles_accept", "canister_cycle_balance", "call_cycles_add",
        "stable_size", "stable_grow", "stable_write", "stable_read",
    ]

    /// One System API function.
    struct Function: Sendable {
        let name: String
        let parameters: [SystemAPIType]
        let results: [SystemAPIType]
        let contexts: SystemAPIContexts
        let baseCost: UInt64
        /// The work (untyped throws, so the table's closures need no annotations; only traps
        /// are thrown): its result, if it has one. Address-typed (`I`) arguments are read with
        /// ``SystemAPIArgument/address``; address-typed results are returned as i32 (an i64
        /// slot of the same value, for a 64-bit module).
        let body: @Sendable (_ arguments: SystemAPIArguments, _ host: inout HostContext, _ session: CallSession) throws -> Value?

        init(_ name: String, _ parameters: [SystemAPIType], _ results: [SystemAPIType], _ contexts: String, cost: UInt64,
             _ body: @escaping @Sendable (_ arguments: SystemAPIArguments, _ host: inout HostContext, _ session: CallSession) throws -> Value?) {
            precondition(results.count <= 1, "a System API function has at most one result")
            self.name = name
            self.parameters = parameters
            self.results = results
            self.contexts = SystemAPIContexts(contexts)
            baseCost = cost
            self.body = body
        }

        /// Its Wasm type for a module with a 64-bit memory or not.
        func type(memory64: Bool) -> FunctionType {
            FunctionType(parameters: parameters.map { $0.valueType(memory64: memory64) },
                         results: results.map { $0.valueType(memory64: memory64) })
        }

        /// Whether a module with a 64-bit memory or not may import it.
        func isAvailable(memory64: Bool) -> Bool { !memory64 || !SystemAPI.i32OnlyNames.contains(name) }

        /// The host function, on the interpreter's value slots: finds the session, checks the
        /// context, charges, runs the body. (An address-typed result returned as an i32 is
        /// already the i64 slot a 64-bit module expects: a slot holds an i32 zero-extended.)
        func hostFunction(memory64: Bool) -> HostFunction {
            HostFunction(type: type(memory64: memory64)) { [self] (slots, host) throws(Trap) -> UInt64? in
                // An exact type test, then a cast that checks nothing more (`as?` asks the
                // runtime, each call); `CallSession` is final.
                guard let state = host.hostState, ObjectIdentifier(Swift.type(of: state)) == ObjectIdentifier(CallSession.self) else {
                    throw Trap(.host("ic0.\(name) was called outside of a canister call"))
                }
                let session = unsafeDowncast(state, to: CallSession.self)
                guard contexts.contains(session.context) else {
                    throw Trap(.host("ic0.\(name) cannot be executed in \(session.context) mode"))
                }
                host.charge += baseCost
                let arguments = SystemAPIArguments(slots: slots, memory64: memory64)
                do { return try body(arguments, &host, session)?.resultSlot } catch let trap as Trap { throw trap } catch {
                    throw Trap(.host("ic0.\(name): \(error)"))
                }
            }
        }
    }

    static let functions: [Function] = messageFunctions + cycleFunctions + canisterFunctions + callFunctions
        + stableMemoryFunctions + otherFunctions + callerInfoFunctions + identityFunctions + costFunctions
        + environmentFunctions + boundedWaitFunctions

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

/// The arguments of a System API call, read from the interpreter's value slots.
struct SystemAPIArguments {
    let slots: HostArguments
    /// Whether the module's memory is 64-bit (address-typed arguments are then i64s).
    let memory64: Bool

    /// Argument `index`.
    subscript(index: Int) -> SystemAPIArgument { SystemAPIArgument(slot: slots[index], memory64: memory64) }
}

extension Value {
    /// A System API result as the interpreter's slot (the functions return only integers).
    var resultSlot: UInt64 {
        switch self {
        case .i32(let bits): UInt64(bits)
        case .i64(let bits): bits
        default: preconditionFailure("a System API function returns an i32 or an i64")
        }
    }
}

/// One argument of a System API call: a slot read as the import's type says it is.
struct SystemAPIArgument {
    let slot: UInt64
    let memory64: Bool

    /// An `i32` argument.
    var u32: UInt32 { UInt32(truncatingIfNeeded: slot) }

    /// An `i64` argument.
    var u64: UInt64 { slot }

    /// An address-typed (`I`) argument: an `i32` zero-extended, or an `i64`.
    var address: UInt64 { memory64 ? slot : UInt64(UInt32(truncatingIfNeeded: slot)) }
}

/// The type of a System API parameter or result: `i32`, `i64`, or the spec's `I`, the address
/// type of the module's memory (`i64` for a 64-bit memory, else `i32`).
enum SystemAPIType: Hashable, Sendable {
    case i32
    case i64
    /// The spec's `I`.
    case address

    /// The Wasm type for a module with a 64-bit memory or not.
    func valueType(memory64: Bool) -> ValueType {
        switch self {
        case .i32: .i32
        case .i64: .i64
        case .address: memory64 ? .i64 : .i32
        }
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
    mutating func copy(_ blob: [UInt8], _ arguments: SystemAPIArguments, for name: String) throws(Trap) {
        try copy(blob, to: arguments[0].address, offset: arguments[1].address, size: arguments[2].address, for: name)
    }

    /// Copies `size` bytes of `blob` from `offset` to `destination`, trapping if the range is
    /// not within the blob.
    mutating func copy(_ blob: [UInt8], to destination: UInt64, offset wideOffset: UInt64, size wideSize: UInt64,
                       for name: String) throws(Trap) {
        let (offset, size) = (Int(clamping: wideOffset), Int(clamping: wideSize))
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
