import SimCore
import Wasm

/// Whether a canister runs messages (interface spec, "canister_status").
public enum CanisterStatus: UInt32, Hashable, Sendable, CustomStringConvertible {
    /// It runs messages.
    case running = 1
    /// It finishes open calls and accepts no new ones.
    case stopping = 2
    /// It runs nothing.
    case stopped = 3

    /// `"running"`, `"stopping"` or `"stopped"`.
    public var description: String {
        switch self {
        case .running: "running"
        case .stopping: "stopping"
        case .stopped: "stopped"
        }
    }
}

/// A line the canister printed with `ic0.debug_print`: kept, numbered, with the time of the
/// message that printed it (like the IC's canister logs, it survives a trap of that message).
public struct CanisterLogEntry: Hashable, Sendable {
    /// Its number in the canister's log, from 0.
    public var index: UInt64
    /// The time of the message that printed it (nanoseconds since 1970).
    public var timeNanos: UInt64
    /// What was printed.
    public var message: String
}

/// A canister's installed code: the compiled module and its instance (heap, globals, table).
public struct CanisterCode: Sendable {
    /// What never changes while the code is installed, shared by every copy (copying the code
    /// then costs the instance's references only).
    final class Shared: Sendable {
        let module: CompiledModule
        let moduleHash: SHA256Digest
        /// The exported functions by name, and the update and query methods by method name
        /// (looked up only).
        let exports: [String: UInt32]
        let updates: [String: UInt32]
        let queries: [String: UInt32]
        /// Whether the module's memory is 64-bit (its callbacks then take an i64 environment).
        let isMemory64: Bool
        /// Its imports resolved against the System API, once for every canister installed
        /// from it, or why they cannot be.
        let linked: Result<LinkedImports, InstantiationError>
        /// Whether it imports a stable-memory function, `ic0.is_controller`, and an
        /// environment-variable function: nothing else reads a canister's stable memory,
        /// controllers or environment variables, so a message's session is lent them only
        /// then (the others never touch those parts of the canister's, cold among thousands).
        let importsStableMemory: Bool
        let importsIsController: Bool
        let importsEnvironmentVariables: Bool

        init(module: CompiledModule, moduleHash: SHA256Digest) {
            self.module = module
            self.moduleHash = moduleHash
            isMemory64 = module.module.declaresMemory64
            let imports = SystemAPI.imports(forMemory64: isMemory64)
            linked = Result { () throws(InstantiationError) in try LinkedImports(module, imports: imports) }
            let imported = Set(module.module.imports.lazy.filter { $0.module == "ic0" }.map(\.name))
            importsStableMemory = !imported.isDisjoint(with: SystemAPI.stableMemoryFunctionNames)
            importsIsController = imported.contains("is_controller")
            importsEnvironmentVariables = !imported.isDisjoint(with: SystemAPI.environmentVariableFunctionNames)
            var exports: [String: UInt32] = [:]
            for export in module.module.exports {
                if case .function(let index) = export.descriptor, exports[export.name] == nil { exports[export.name] = index }
            }
            self.exports = exports
            var updates: [String: UInt32] = [:]
            var queries: [String: UInt32] = [:]
            for (name, index) in exports {
                if name.hasPrefix("canister_update ") { updates[String(name.dropFirst("canister_update ".count))] = index }
                if name.hasPrefix("canister_query ") { queries[String(name.dropFirst("canister_query ".count))] = index }
            }
            self.updates = updates
            self.queries = queries
        }
    }

    let shared: Shared
    /// The module.
    public var module: CompiledModule { shared.module }
    /// SHA-256 of the module's bytes (the IC's module hash).
    public var moduleHash: SHA256Digest { shared.moduleHash }
    /// The instance: what orthogonal persistence keeps between messages.
    public internal(set) var instance: WasmInstance

    init(_ prepared: PreparedModule, instance: WasmInstance) {
        shared = prepared.shared
        self.instance = instance
    }

    /// The function exported as `name`, if any.
    func function(_ name: String) -> UInt32? { shared.exports[name] }

    /// Calls `body` with the instance itself (not a copy).
    mutating func withInstance<Result>(_ body: (inout WasmInstance) -> Result) -> Result {
        body(&instance)
    }
}

/// A compiled module made ready to install: its exports and methods looked up once, and shared
/// by every canister installed from it (their code then shares one table, which stays in the
/// cache while thousands of canisters run it).
public struct PreparedModule: Sendable {
    let shared: CanisterCode.Shared

    /// `module`, whose bytes hash to `moduleHash`.
    public init(_ module: CompiledModule, moduleHash: SHA256Digest) {
        shared = CanisterCode.Shared(module: module, moduleHash: moduleHash)
    }
}

/// Everything the IC keeps of a canister. A value: copying it is a cheap snapshot (memories
/// are shared copy-on-write), which is how a trapped message is rolled back and how a query
/// runs without changing anything.
public struct CanisterState: Sendable {
    /// The canister.
    public let id: CanisterID
    /// Who may install code and change its settings.
    public var controllers: [Principal]
    /// Whether it runs messages.
    public var status: CanisterStatus = .running
    /// Its cycles balance.
    public var cycles: Cycles
    /// The 4 KiB chunks of its heap and of its stable memory in use, kept up to date by
    /// `code`'s and `stableMemory`'s observers (every change to either goes through them), so
    /// that a message's environment and the idle charge read two numbers beside the balance
    /// instead of both memories' chunk tables (a cache miss each among thousands of canisters).
    private(set) var heapChunksInUse = 0
    private(set) var stableChunksInUse = 0
    /// Its compute allocation, in percent (0-100).
    public var computeAllocationPercent = 0
    /// Its freezing threshold, in seconds.
    public var freezingThresholdSeconds: UInt64 = 2_592_000
    /// Its environment variables (a setting; the System API's `env_var_*` read them).
    public var environmentVariables = EnvironmentVariables()
    /// Its code, once installed.
    public internal(set) var code: CanisterCode? {
        didSet { heapChunksInUse = code?.instance.memoryAllocatedChunkCount ?? 0 }
    }
    /// The unchanging part of `code` (its module, hash and exports), kept beside it so that
    /// reading it never copies the instance; set with `code`.
    var installed: CanisterCode.Shared?
    /// Its stable memory (kept across upgrades).
    public internal(set) var stableMemory: LinearMemory {
        didSet { stableChunksInUse = stableMemory.allocatedChunkCount }
    }
    /// The data it certified with `ic0.certified_data_set` (at most 32 bytes).
    public internal(set) var certifiedData: [UInt8] = []
    /// When its global timer fires (nanoseconds since 1970; 0: not set).
    public internal(set) var globalTimerNanos: UInt64 = 0
    /// How many times its code changed (install, upgrade, reinstall, uninstall).
    public internal(set) var version: UInt64 = 0
    /// How many messages ran on it to their end without trapping, keeping their changes
    /// (updates, callbacks, heartbeats, timers): with `version`, what tells a query cache the
    /// canister may have changed (dfinity/ic's canister version counts both, and more).
    public internal(set) var changesCommitted: UInt64 = 0
    /// What it printed.
    public internal(set) var log: [CanisterLogEntry] = []
    /// Its `wasm_memory_limit` setting in bytes (`nil`: not set; 0: no limit), enforced on
    /// `memory.grow` in updates, `canister_init` and `canister_post_upgrade`.
    public var wasmMemoryLimitBytes: UInt64?
    /// Its `wasm_memory_threshold` setting in bytes (0 by default): with less room than this
    /// under the limit, `canister_on_low_wasm_memory` runs.
    public var wasmMemoryThresholdBytes: UInt64 = 0
    /// Where its low-Wasm-memory hook stands.
    public internal(set) var lowWasmMemoryHook = LowWasmMemoryHookStatus.conditionNotSatisfied

    /// An empty canister (no code) with `cycles` and `controllers`, whose stable memory may
    /// grow to `stableMemoryPagesMax` pages of 64 KiB.
    public init(id: CanisterID, controllers: [Principal], cycles: Cycles, stableMemoryPagesMax: UInt32 = LinearMemory.pagesMax) {
        self.id = id
        self.controllers = controllers
        self.cycles = cycles
        stableMemory = LinearMemory(minimumPages: 0, maximumPages: stableMemoryPagesMax)
        stableChunksInUse = stableMemory.allocatedChunkCount
    }

    /// Calls `body` with the installed instance itself (not a copy); `nil` without code.
    mutating func withInstance<Result>(_ body: (inout WasmInstance) -> Result) -> Result? {
        code?.withInstance(body)
    }

    /// The 4 KiB chunks of heap and stable memory in use (kept beside the balance: the
    /// memories' chunk tables are not read).
    var chunksInUse: Int {
        assert(heapChunksInUse == (code?.instance.memoryAllocatedChunkCount ?? 0) && stableChunksInUse == stableMemory.allocatedChunkCount,
               "the chunk counts follow every change of the code and stable memory")
        return heapChunksInUse + stableChunksInUse
    }

    /// Appends what a message printed (its lines keep their numbers, counting the ones its
    /// session already dropped), then drops the oldest lines past ``SystemAPI/logBytesMax``.
    mutating func appendLog(of session: CallSession, timeNanos: UInt64) {
        guard !session.log.isEmpty else { return }
        var index = (log.last.map { $0.index + 1 } ?? 0) + UInt64(session.logLinesDropped)
        for line in session.log {
            log.append(CanisterLogEntry(index: index, timeNanos: timeNanos, message: line))
            index += 1
        }
        let bytes = log.reduce(0) { $0 + SystemAPI.logBytes(of: $1.message) }
        log.removeFirst(SystemAPI.logOverflow(log.dropLast().lazy.map(\.message), bytes: bytes).dropped)
    }
}
