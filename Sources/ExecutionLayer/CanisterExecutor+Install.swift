import SimCore
import Wasm

extension CanisterExecutor {
    /// `install_code` by `caller`: compiles `wasm`, checks that it is a canister (its
    /// imports are System API functions, its `canister_*` exports known entry points of type
    /// `() -> ()`), instantiates it (running its start function), and runs `canister_init`
    /// with `argument`; an upgrade first runs `canister_pre_upgrade` on the old code and then
    /// `canister_post_upgrade` on the new, keeping stable memory. All or nothing: on any error
    /// or trap the canister is left as it was. Returns the instructions used.
    public func install(
        _ mode: InstallMode, wasm: [UInt8], argument: [UInt8], caller: Principal, timeNanos: UInt64,
        on canister: inout CanisterState
    ) -> Result<UInt64, Reject> {
        if let reject = installRefusal(mode, caller: caller, canister) { return .failure(reject) }
        switch Self.compile(wasm, for: canister.id, limits: configuration.moduleLimits) {
        case .success(let compiled):
            return install(mode, module: compiled, moduleHash: SHA256.hash(wasm), argument: argument, caller: caller,
                           timeNanos: timeNanos, on: &canister)
        case .failure(let reject):
            return .failure(reject)
        }
    }

    /// Compiles `wasm` and checks that it is a canister within `limits` (``ModuleLimits``).
    public static func compile(_ wasm: [UInt8], for canister: CanisterID, limits: ModuleLimits = ModuleLimits()) -> Result<CompiledModule, Reject> {
        if let problem = ModuleValidation.bytesProblem(wasm, limits) {
            return .failure(Reject(.canisterInvalidWasm, "canister \(canister): the Wasm module is invalid: \(problem)"))
        }
        let compiled: CompiledModule
        do { compiled = try CompiledModule.load(Array(wasm)) } catch {
            return .failure(Reject(.canisterInvalidWasm, "canister \(canister): the Wasm module is invalid: \(error)"))
        }
        if let problem = ModuleValidation.problem(compiled.module, limits) {
            return .failure(Reject(.canisterInvalidWasm, "canister \(canister): the Wasm module is invalid: \(problem)"))
        }
        return .success(compiled)
    }

    /// `install_code` with a module compiled (and checked) by ``compile(_:for:)``: canisters
    /// running the same module share its compiled code.
    public func install(
        _ mode: InstallMode, module compiled: CompiledModule, moduleHash: SHA256Digest, argument: [UInt8], caller: Principal,
        timeNanos: UInt64, on canister: inout CanisterState
    ) -> Result<UInt64, Reject> {
        install(mode, prepared: PreparedModule(compiled, moduleHash: moduleHash), argument: argument, caller: caller,
                timeNanos: timeNanos, on: &canister)
    }

    /// `install_code` with a module compiled by ``compile(_:for:)`` and prepared once for every
    /// canister installed from it.
    public func install(
        _ mode: InstallMode, prepared: PreparedModule, argument: [UInt8], caller: Principal, timeNanos: UInt64,
        on canister: inout CanisterState
    ) -> Result<UInt64, Reject> {
        if let reject = installRefusal(mode, caller: caller, canister) { return .failure(reject) }
        var next = canister
        var used: UInt64 = 0
        if mode == .upgrade, let preUpgrade = next.code?.function("canister_pre_upgrade") {
            let session = makeSession(.preUpgrade, next, caller: caller, argument: [], timeNanos: timeNanos)
            switch runInstallStep(preUpgrade, session, &next, budget: configuration.installInstructionsMax) {
            case .success(let instructions): used += instructions
            case .failure(let trap):
                canister.appendLog(of: session, timeNanos: timeNanos)
                return .failure(reject(for: trap, canister.id, in: "canister_pre_upgrade"))
            }
        }
        if mode != .upgrade { next.stableMemory = LinearMemory(minimumPages: 0, maximumPages: next.stableMemory.maximumPages) }
        let startSession = makeSession(.start, next, caller: caller, argument: [], timeNanos: timeNanos)
        let instance: WasmInstance
        do {
            instance = try WasmInstance(prepared.shared.linked.get(), limits: configuration.wasmLimits,
                                        startInstructionLimit: configuration.installInstructionsMax - used, hostState: startSession)
        } catch {
            canister.log = next.log
            canister.appendLog(of: startSession, timeNanos: timeNanos)
            return .failure(instantiationReject(error, canister.id))
        }
        next.stableMemory = startSession.stableMemory
        next.code = CanisterCode(prepared, instance: instance)
        next.installed = next.code?.shared
        next.code?.instance.hostState = nil
        next.appendLog(of: startSession, timeNanos: timeNanos)
        resetForNewCode(mode, &next)
        let entry = mode == .upgrade ? "canister_post_upgrade" : "canister_init"
        if let function = next.code?.function(entry) {
            let session = makeSession(.initialization, next, caller: caller, argument: argument, timeNanos: timeNanos)
            switch runInstallStep(function, session, &next, budget: configuration.installInstructionsMax - used) {
            case .success(let instructions): used += instructions
            case .failure(let trap):
                canister.log = next.log  // what pre_upgrade and the start function printed
                canister.appendLog(of: session, timeNanos: timeNanos)
                return .failure(reject(for: trap, canister.id, in: entry))
            }
        }
        canister = next
        return .success(used)
    }

    /// Why `caller` cannot install in `mode` on `canister`, if it cannot.
    func installRefusal(_ mode: InstallMode, caller: Principal, _ canister: CanisterState) -> Reject? {
        guard canister.controllers.contains(caller) else {
            return Reject(.canisterInvalidController, "only the controllers of canister \(canister.id) can install code; \(caller) is not one")
        }
        if mode == .install, canister.code != nil {
            return Reject(.canisterNonEmpty, "canister \(canister.id) already has a module installed; use reinstall or upgrade")
        }
        if mode == .upgrade, canister.code == nil {
            return Reject(.canisterWasmModuleNotFound, "canister \(canister.id) has no module to upgrade")
        }
        return nil
    }

    /// What an install, reinstall or upgrade resets before the new code's init or
    /// post_upgrade runs (which may set them again): the version grows, the timer stops, and
    /// certified data is cleared unless the code was upgraded.
    func resetForNewCode(_ mode: InstallMode, _ canister: inout CanisterState) {
        canister.version += 1
        canister.globalTimerNanos = 0
        if mode != .upgrade { canister.certifiedData = [] }
    }

    /// Runs one step of an install (an entry point) and commits it to `canister`; the
    /// instructions it used, or the trap.
    func runInstallStep(_ function: UInt32, _ session: CallSession, _ canister: inout CanisterState, budget: UInt64) -> Result<UInt64, Trap> {
        guard var code = canister.code else { return .failure(Trap(.host("no module"))) }
        code.instance.memoryGrowLimitBytes = CanisterState.heapGrowLimitBytes(canister.wasmMemoryLimitBytes, in: session.context)
        let (trap, instructions) = run(function, &code.instance, session, limit: budget)
        if let trap { return .failure(trap) }
        canister.code = code
        commit(session, to: &canister)
        canister.appendLog(of: session, timeNanos: session.timeNanos)
        return .success(instructions)
    }

    /// The reject for a module that could not be instantiated: a trap in its start function
    /// or in a segment, or imports the System API does not provide.
    func instantiationReject(_ error: InstantiationError, _ canister: CanisterID) -> Reject {
        switch error {
        case .trapped(let trap): reject(for: trap, canister, in: "instantiation (initialising its segments or running its start function)")
        case .unlinkable(let message), .resourceLimit(let message):
            Reject(.canisterInvalidWasm, "canister \(canister): the Wasm module cannot be instantiated: \(message)")
        }
    }
}

extension CanisterExecutor {
    /// The entry points a canister may export besides its methods.
    static let entryPoints: Set<String> = [
        "canister_init", "canister_pre_upgrade", "canister_post_upgrade", "canister_inspect_message",
        "canister_heartbeat", "canister_global_timer", "canister_on_low_wasm_memory",
    ]
    /// The prefixes of method exports.
    static let methodPrefixes = ["canister_update ", "canister_query ", "canister_composite_query "]

    /// The type of function `index` (imports first) of `module`.
    static func functionType(_ index: UInt32, in module: WasmModule) -> FunctionType? {
        var imported: [UInt32] = []
        for entry in module.imports {
            if case .function(let typeIndex) = entry.descriptor { imported.append(typeIndex) }
        }
        let typeIndices = imported + module.functionTypeIndices
        guard Int(index) < typeIndices.count, Int(typeIndices[Int(index)]) < module.types.count else { return nil }
        return module.types[Int(typeIndices[Int(index)])]
    }
}
