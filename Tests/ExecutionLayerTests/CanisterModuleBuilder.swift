import Wasm
@testable import ExecutionLayer

/// Builds canister modules byte by byte: `ic0` imports (typed as the System API declares
/// them), one memory, exported `() -> ()` functions with given bodies, and optional extra
/// globals, data segments and custom sections.
struct CanisterModuleBuilder {
    /// The `ic0` functions imported, in order: `call(name)` calls one.
    var importNames: [String] = []
    /// Whether imports take 64-bit addresses (the module's memory is then declared 64-bit,
    /// which this branch's decoder does not read: such modules are for linking tests).
    var memory64 = false
    /// The memory's initial pages (`nil`: no memory).
    var memoryPages: UInt32? = 1
    /// Functions: export name, parameters, locals, body (without its final `end`).
    var functions: [(export: String?, parameters: [ValueType], locals: [ValueType], body: [UInt8])] = []
    /// The table's functions (indices into ``functions``), from index 0.
    var table: [Int] = []
    /// Globals (i32, mutable, initialised to 0).
    var globalCount = 0
    /// Custom sections: name and contents.
    var customSections: [(name: String, contents: [UInt8])] = []
    /// Import types replacing the System API's, by name; the module imports come from.
    var importTypes: [String: FunctionType] = [:]
    var importModule = "ic0"
    /// The start function, an index into ``functions``.
    var startFunction: Int?

    init(_ importNames: [String] = []) { self.importNames = importNames }

    /// Adds an exported function.
    mutating func export(_ name: String?, parameters: [ValueType] = [], locals: [ValueType] = [], _ body: [UInt8]) {
        functions.append((name, parameters, locals, body))
    }

    /// `call` of imported function `name`.
    func call(_ name: String) -> [UInt8] {
        guard let index = importNames.firstIndex(of: name) else { preconditionFailure("\(name) is not imported") }
        return [0x10] + Self.u32(UInt32(index))
    }

    /// The module's bytes.
    var bytes: [UInt8] {
        var types: [[UInt8]] = []
        for name in importNames {
            let type = importTypes[name] ?? SystemAPI.importType(of: name, memory64: memory64) ?? FunctionType(parameters: [], results: [])
            types.append([0x60] + Self.vector(type.parameters.map { [$0.rawValue] }) + Self.vector(type.results.map { [$0.rawValue] }))
        }
        let firstFunctionType = UInt32(types.count)
        types += functions.map { [0x60] + Self.vector($0.parameters.map { [$0.rawValue] }) + [0] }
        var module: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
        module += Self.section(1, Self.vector(types))
        module += Self.section(2, Self.vector(importNames.enumerated().map {
            Self.name(importModule) + Self.name($0.element) + [0x00] + Self.u32(UInt32($0.offset))
        }))
        module += Self.section(3, Self.vector(functions.indices.map { Self.u32(firstFunctionType + UInt32($0)) }))
        if !table.isEmpty { module += Self.section(4, Self.vector([[0x70, 0x00] + Self.u32(UInt32(table.count))])) }
        if let pages = memoryPages { module += Self.section(5, Self.vector([[memory64 ? 0x04 : 0x00] + Self.u32(pages)])) }
        if globalCount > 0 { module += Self.section(6, Self.vector(Array(repeating: [0x7F, 0x01, 0x41, 0x00, 0x0B], count: globalCount))) }
        let exports = functions.enumerated().compactMap { index, function in
            function.export.map { Self.name($0) + [0x00] + Self.u32(UInt32(importNames.count + index)) }
        }
        module += Self.section(7, Self.vector(exports))
        if let start = startFunction { module += Self.section(8, Self.u32(UInt32(importNames.count + start))) }
        if !table.isEmpty {
            let indices = Self.vector(table.map { Self.u32(UInt32(importNames.count + $0)) })
            module += Self.section(9, Self.vector([[0x00, 0x41, 0x00, 0x0B] + indices]))
        }
        module += Self.section(10, Self.vector(functions.map { function in
            let locals = Self.vector(function.locals.map { [0x01, $0.rawValue] })
            let body = locals + function.body + [0x0B]
            return Self.u32(UInt32(body.count)) + body
        }))
        for section in customSections { module += Self.section(0, Self.name(section.name) + section.contents) }
        return module
    }

    // MARK: Encoding

    static func section(_ id: UInt8, _ contents: [UInt8]) -> [UInt8] { [id] + u32(UInt32(contents.count)) + contents }
    static func vector(_ elements: [[UInt8]]) -> [UInt8] { u32(UInt32(elements.count)) + elements.flatMap { $0 } }
    static func name(_ text: String) -> [UInt8] { u32(UInt32(text.utf8.count)) + Array(text.utf8) }

    static func u32(_ value: UInt32) -> [UInt8] {
        var bytes: [UInt8] = []
        var rest = value
        repeat {
            let low = UInt8(rest & 0x7F)
            rest >>= 7
            bytes.append(rest == 0 ? low : low | 0x80)
        } while rest != 0
        return bytes
    }

    static func s64(_ value: Int64) -> [UInt8] {
        var bytes: [UInt8] = []
        var rest = value
        while true {
            let low = UInt8(truncatingIfNeeded: rest & 0x7F)
            rest >>= 7
            if (rest == 0 && low & 0x40 == 0) || (rest == -1 && low & 0x40 != 0) { return bytes + [low] }
            bytes.append(low | 0x80)
        }
    }

    /// `i32.const value`.
    static func i32(_ value: Int32) -> [UInt8] { [0x41] + s64(Int64(value)) }
    /// `i64.const value`.
    static func i64(_ value: Int64) -> [UInt8] { [0x42] + s64(value) }
    /// `local.set`, `local.get`.
    static func set(_ local: UInt32) -> [UInt8] { [0x21] + u32(local) }
    static func get(_ local: UInt32) -> [UInt8] { [0x20] + u32(local) }
    static let drop: [UInt8] = [0x1A]
    /// `i32.store` at the address on the stack, offset 0.
    static let i32Store: [UInt8] = [0x36, 0x02, 0x00]
}

/// Canisters built from ``CanisterModuleBuilder`` modules, installed and called.
enum BuiltCanister {
    static let controller = Principal.user(1)

    /// `builder`'s module installed on canister 7 with `cycles` by `executor`.
    static func installed(_ builder: CanisterModuleBuilder, cycles: Cycles = Cycles(1_000_000_000_000),
                          environment: EnvironmentVariables = EnvironmentVariables(),
                          executor: CanisterExecutor = CanisterExecutor()) throws -> CanisterState {
        var canister = CanisterState(id: CanisterID(7), controllers: [controller], cycles: cycles)
        canister.environmentVariables = environment
        switch executor.install(.install, wasm: builder.bytes, argument: [], caller: controller, timeNanos: 1, on: &canister) {
        case .success: return canister
        case .failure(let reject): throw reject
        }
    }

    /// A body that replies with the `size` bytes `copy` writes: `copy(0, 0, size())`, then
    /// `msg_reply_data_append(0, size())`, `msg_reply`.
    static func replyWithBlob(_ builder: CanisterModuleBuilder, size: String, copy: String) -> [UInt8] {
        typealias B = CanisterModuleBuilder
        return B.i32(0) + B.i32(0) + builder.call(size) + builder.call(copy)
            + B.i32(0) + builder.call(size) + builder.call("msg_reply_data_append") + builder.call("msg_reply")
    }

    /// A body that replies with the 16 bytes at address 0 after `prefix` wrote them.
    static func replyWith16Bytes(_ builder: CanisterModuleBuilder, after prefix: [UInt8]) -> [UInt8] {
        typealias B = CanisterModuleBuilder
        return prefix + B.i32(0) + B.i32(16) + builder.call("msg_reply_data_append") + builder.call("msg_reply")
    }

    /// A body that replies with the 4 bytes (little-endian) of the i32 `value` leaves on the
    /// stack.
    static func replyWithI32(_ builder: CanisterModuleBuilder, _ value: [UInt8]) -> [UInt8] {
        typealias B = CanisterModuleBuilder
        return B.i32(0) + value + B.i32Store + B.i32(0) + B.i32(4) + builder.call("msg_reply_data_append") + builder.call("msg_reply")
    }

    /// A body that replies with the 8 bytes (little-endian) of the i64 `value` leaves on the
    /// stack.
    static func replyWithI64(_ builder: CanisterModuleBuilder, _ value: [UInt8]) -> [UInt8] {
        typealias B = CanisterModuleBuilder
        return B.i32(0) + value + [0x37, 0x03, 0x00] + B.i32(0) + B.i32(8) + builder.call("msg_reply_data_append")
            + builder.call("msg_reply")
    }
}
