import Wasm

extension CanisterExecutor {
    /// What a call of `input` on `canister` may read besides the message: the subnet's ID, the
    /// root key, the canister's environment variables (if its module imports a function that reads them), what its freezing threshold withholds
    /// (its memory and compute allocation for its freezing threshold's seconds, at the
    /// executor's fees, which the session holds: computed only if read), the call context's instructions so far, and, for a query call on a
    /// certified state, the certificate of its certified data.
    func environment(_ input: MessageInput, _ canister: inout CanisterState) -> CallEnvironment {
        var environment = CallEnvironment()
        environment.subnet = configuration.subnet
        // Read only by modules that import an environment-variable function.
        if canister.installed?.importsEnvironmentVariables ?? true { environment.variables = canister.environmentVariables }
        environment.callContextInstructions = input.callContextInstructions
        environment.callbackInstructionsMax = configuration.updateInstructionsMax
        if fees.isCharged {
            let bytes = UInt64(canister.chunksInUse) * UInt64(LinearMemory.chunkBytes)
            environment.freezingBasis = FreezingBasis(bytes: bytes, computeAllocationPercent: canister.computeAllocationPercent,
                                                      seconds: canister.freezingThresholdSeconds)
        }
        if case .query = input.entry, let time = input.certifiedStateTimeNanos {
            environment.certifiedState = (canister.id, canister.certifiedData, time)
        }
        return environment
    }
}

extension WasmModule {
    /// Whether the module's memory (imported or defined) is 64-bit: its System API imports
    /// then take i64 addresses (interface spec, "WebAssembly module requirements"; a module
    /// without a memory has `I = i32`).
    public var declaresMemory64: Bool {
        for entry in imports {
            if case .memory(let type) = entry.descriptor { return type.isMemory64 }
        }
        return memories.first?.isMemory64 ?? false
    }
}
