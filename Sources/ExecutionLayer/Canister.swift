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
    /// The module.
    public let module: CompiledModule
    /// SHA-256 of the module's bytes (the IC's module hash).
    public let moduleHash: SHA256Digest
    /// The instance: what orthogonal persistence keeps between messages.
    public internal(set) var instance: WasmInstance
    /// The exported functions by name (looked up only).
    let exports: [String: UInt32]

    init(module: CompiledModule, moduleHash: SHA256Digest, instance: WasmInstance) {
        self.module = module
        self.moduleHash = moduleHash
        self.instance = instance
        var exports: [String: UInt32] = [:]
        for export in module.module.exports {
            if case .function(let index) = export.descriptor, exports[export.name] == nil { exports[export.name] = index }
        }
        self.exports = exports
    }

    /// The function exported as `name`, if any.
    func function(_ name: String) -> UInt32? { exports[name] }
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
    /// Its compute allocation, in percent (0-100).
    public var computeAllocationPercent = 0
    /// Its freezing threshold, in seconds.
    public var freezingThresholdSeconds: UInt64 = 2_592_000
    /// Its code, once installed.
    public internal(set) var code: CanisterCode?
    /// Its stable memory (kept across upgrades).
    public internal(set) var stableMemory: LinearMemory
    /// The data it certified with `ic0.certified_data_set` (at most 32 bytes).
    public internal(set) var certifiedData: [UInt8] = []
    /// When its global timer fires (nanoseconds since 1970; 0: not set).
    public internal(set) var globalTimerNanos: UInt64 = 0
    /// How many times its code changed (install, upgrade, reinstall, uninstall).
    public internal(set) var version: UInt64 = 0
    /// What it printed.
    public internal(set) var log: [CanisterLogEntry] = []

    /// An empty canister (no code) with `cycles` and `controllers`, whose stable memory may
    /// grow to `stableMemoryPagesMax` pages of 64 KiB.
    public init(id: CanisterID, controllers: [Principal], cycles: Cycles, stableMemoryPagesMax: UInt32 = LinearMemory.pagesMax) {
        self.id = id
        self.controllers = controllers
        self.cycles = cycles
        stableMemory = LinearMemory(minimumPages: 0, maximumPages: stableMemoryPagesMax)
    }

    /// The exported method `name` of `kind` ("canister_update", "canister_query", ...), if the
    /// installed module has it.
    func exportedFunction(_ kind: String, _ name: String) -> UInt32? {
        code?.function("\(kind) \(name)")
    }

    /// Appends what a message printed.
    mutating func appendLog(_ lines: [String], timeNanos: UInt64) {
        for line in lines {
            log.append(CanisterLogEntry(index: UInt64(log.count), timeNanos: timeNanos, message: line))
        }
    }
}
