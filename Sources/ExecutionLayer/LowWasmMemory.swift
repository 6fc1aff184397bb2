import SimCore

/// Where a canister's `canister_on_low_wasm_memory` hook stands: it runs once each time the
/// room left under the Wasm memory limit falls below the threshold (dfinity/ic
/// `OnLowWasmMemoryHookStatus`: condition not satisfied, ready, executed).
public enum LowWasmMemoryHookStatus: UInt8, Hashable, Sendable {
    /// The canister has at least its threshold of room (the hook may run again once it has
    /// less).
    case conditionNotSatisfied = 0
    /// The room fell below the threshold: the hook is queued.
    case ready = 1
    /// The hook ran; it runs again only after the room rose to the threshold and fell again.
    case executed = 2
}

extension CanisterState {
    /// What the low-memory condition assumes as the limit when none is set: 4 GiB (dfinity/ic
    /// `is_low_wasm_memory_hook_condition_satisfied`).
    public static let defaultWasmMemoryLimitBytes: UInt64 = 4 << 30

    /// Whether the hook's condition holds for a heap of `heapBytes`: the threshold is more
    /// than the room left under the limit (`limit < usage + threshold`, as dfinity/ic writes
    /// it so that a heap past the limit does not underflow).
    func lowWasmMemoryConditionHolds(heapBytes: UInt64) -> Bool {
        let limit = wasmMemoryLimitBytes ?? Self.defaultWasmMemoryLimitBytes
        let (sum, overflow) = heapBytes.addingReportingOverflow(wasmMemoryThresholdBytes)
        return overflow || limit < sum
    }

    /// The most bytes `memory.grow` may take the heap to in `context`, for a canister whose
    /// setting is `limit` (`UInt64.max`: no
    /// limit): `wasm_memory_limit` applies to update methods and to `canister_init` and
    /// `canister_post_upgrade` (the IC also applies it to the start function, and never to
    /// queries, callbacks, system tasks or `canister_pre_upgrade`: dfinity/ic
    /// `MemoryUsage::effective_wasm_memory_limit`); a limit of 0 means none.
    static func heapGrowLimitBytes(_ limit: UInt64?, in context: SystemAPIContext) -> UInt64 {
        guard context == .update || context == .initialization, let limit, limit != 0 else { return .max }
        return limit
    }
}

extension ReplicatedState {
    /// Sets canister `id`'s `wasm_memory_limit` (`nil`: not set) and `wasm_memory_threshold`
    /// (the management canister's `update_settings` fields; ICSim's byte encoding of the
    /// management canister has no settings, so they are set through this call or on the
    /// ``CanisterState`` before it is added), then checks the low-memory condition again.
    /// Whether the canister exists.
    @discardableResult
    public mutating func updateWasmMemorySettings(_ id: CanisterID, limitBytes: UInt64?, thresholdBytes: UInt64) -> Bool {
        guard let position = positions[id] else { return false }
        canisters[position].state.wasmMemoryLimitBytes = limitBytes
        canisters[position].state.wasmMemoryThresholdBytes = thresholdBytes
        markTouched([position])
        refreshLowWasmMemoryHook(position)
        return true
    }

    /// Re-evaluates canister `position`'s low-memory condition on its committed heap: queues
    /// `canister_on_low_wasm_memory` when the condition starts to hold (once per crossing),
    /// and re-arms the hook (dropping a queued run) when it stops holding.
    mutating func refreshLowWasmMemoryHook(_ position: Int) {
        // Field by field (this runs after every message): nothing to do for a canister that
        // never used these settings.
        let status = canisters[position].state.lowWasmMemoryHook
        guard canisters[position].state.wasmMemoryLimitBytes != nil || canisters[position].state.wasmMemoryThresholdBytes != 0
            || status != .conditionNotSatisfied else { return }
        let heapBytes = UInt64(canisters[position].state.code?.instance.memory?.byteCount ?? 0)
        if canisters[position].state.lowWasmMemoryConditionHolds(heapBytes: heapBytes) {
            guard status == .conditionNotSatisfied else { return }
            canisters[position].state.lowWasmMemoryHook = .ready
            guard canisters[position].state.installed?.exports["canister_on_low_wasm_memory"] != nil else { return }
            canisters[position].tasks.append(.onLowWasmMemory)
            markActive(position)
        } else if status != .conditionNotSatisfied {
            canisters[position].state.lowWasmMemoryHook = .conditionNotSatisfied
            canisters[position].tasks.removeAll { $0 == .onLowWasmMemory }
        }
        markTouched([position])
    }

    /// Folds canister `position`'s Wasm memory settings and hook status into its metadata
    /// leaf, only when they are not the defaults (so the digests of canisters that never use
    /// them are what they were before these settings existed).
    func hashWasmMemorySettings(_ position: Int, into hasher: inout SHA256) {
        // Field by field: copying the canister's state would retain and release its parts.
        let limit = canisters[position].state.wasmMemoryLimitBytes
        let threshold = canisters[position].state.wasmMemoryThresholdBytes
        let status = canisters[position].state.lowWasmMemoryHook
        guard limit != nil || threshold != 0 || status != .conditionNotSatisfied else { return }
        hasher.update(uint64LittleEndian: 0x4943_5369_6D2E_776D)  // "ICSim.wm"
        hasher.update(uint64LittleEndian: limit.map { $0 &+ 1 } ?? 0)
        hasher.update(uint64LittleEndian: threshold)
        hasher.update(uint64LittleEndian: UInt64(status.rawValue))
    }
}

extension RoundExecutor {
    /// After a message ended on canister `position`: its heap may have grown.
    func updateLowWasmMemoryHook(_ position: Int, _ state: inout ReplicatedState) {
        state.refreshLowWasmMemoryHook(position)
    }

    /// `canister_on_low_wasm_memory` starts on canister `position` (`ran`: it could pay for
    /// it). It is then executed; a frozen canister's hook is re-armed instead, to run when a
    /// later check finds the condition still holding (the IC keeps it queued until the
    /// canister is unfrozen).
    func lowWasmMemoryHookStarts(_ position: Int, ran: Bool, _ state: inout ReplicatedState) {
        state.canisters[position].state.lowWasmMemoryHook = ran ? .executed : .conditionNotSatisfied
        state.markTouched([position])
    }
}
