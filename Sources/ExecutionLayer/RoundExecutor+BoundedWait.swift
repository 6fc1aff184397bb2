/// A bounded-wait call's callback that waits for an answer, keyed by when it expires.
struct CallbackDeadline: Hashable, Sendable, Comparable {
    /// The call's deadline (IC time, nanoseconds, whole seconds).
    var deadlineNanos: UInt64
    /// The canister that made the call, and its callback.
    var canister: CanisterID
    var callback: UInt64

    static func < (left: Self, right: Self) -> Bool {
        (left.deadlineNanos, left.canister.index, left.callback) < (right.deadlineNanos, right.canister.index, right.callback)
    }
}

extension ReplicatedState {
    /// Notes that `canister`'s `callback` waits for a bounded-wait call with `deadlineNanos`
    /// (kept in expiry order: deadline, then canister, then callback).
    mutating func registerCallbackDeadline(_ deadlineNanos: UInt64, canister: CanisterID, callback: UInt64) {
        usesBoundedWait = true
        let entry = CallbackDeadline(deadlineNanos: deadlineNanos, canister: canister, callback: callback)
        var low = callbackDeadlines.startIndex
        var high = callbackDeadlines.endIndex
        while low < high {
            let middle = (low + high) / 2
            if callbackDeadlines[middle] < entry { low = middle + 1 } else { high = middle }
        }
        callbackDeadlines.insert(entry, at: low)
    }

    /// Whether a deadline has passed at `timeNanos`: as the IC compares them, in whole
    /// seconds, the deadline strictly before the time (dfinity/ic `CallContextManager::
    /// expire_callbacks`: deadlines `< now`, with `now` rounded down to a second). 0 never
    /// expires.
    static func hasExpired(_ deadlineNanos: UInt64, at timeNanos: UInt64) -> Bool {
        deadlineNanos != 0 && deadlineNanos / SystemAPI.nanosPerSecond < timeNanos / SystemAPI.nanosPerSecond
    }
}

extension RoundExecutor {
    /// The message of the system's reject when a bounded-wait call's deadline passes (the
    /// IC's wording, dfinity/ic `SystemState::time_out_callbacks`).
    static let deadlineExpiredMessage = "Call deadline has expired."

    /// At the start of a round, after induction: drops the bounded-wait requests in input
    /// queues whose deadline passed (their cycles are lost; the callers' callbacks expire on
    /// their own), then expires the callbacks whose deadline passed, in deadline order.
    /// Nothing happens on a subnet that never saw a bounded-wait call.
    func expireBoundedWaitCalls(_ state: inout ReplicatedState, timeNanos: UInt64) {
        guard state.usesBoundedWait else { return }
        dropExpiredRequests(&state, timeNanos: timeNanos)
        while let first = state.callbackDeadlines.first, ReplicatedState.hasExpired(first.deadlineNanos, at: timeNanos) {
            state.callbackDeadlines.removeFirst()
            expireCallback(first, &state)
        }
    }

    /// Drops the expired bounded-wait requests waiting in the queues of the canisters with
    /// work, in canister order (the IC times out best-effort messages in its queues, except
    /// responses in input queues: dfinity/ic `CanisterQueues::time_out_messages`).
    func dropExpiredRequests(_ state: inout ReplicatedState, timeNanos: UInt64) {
        for position in state.active.sorted() {
            var burned = Cycles.zero
            var dropped = 0
            state.canisters[position].queue.removeAll { input in
                guard case .request(let request) = input, !request.isIngress, ReplicatedState.hasExpired(request.deadlineNanos, at: timeNanos) else { return false }
                burned = burned + request.cycles
                dropped += 1
                return true
            }
            guard dropped > 0 else { continue }
            state.canisters[position].queuedRequests -= dropped
            state.cyclesBurned = state.cyclesBurned + burned
            state.markTouched([position])
        }
    }

    /// Expires one callback: unless its answer already waits in the canister's queue, it is
    /// marked expired and gets a `SYS_UNKNOWN` reject with no refund (interface spec, "Call
    /// expiry"; the IC enqueues a "deadline expired" reject for "expired best-effort
    /// callbacks without a response").
    func expireCallback(_ entry: CallbackDeadline, _ state: inout ReplicatedState) {
        guard let position = state.positions[entry.canister],
              let callback = state.canisters[position].callbacks[entry.callback], !callback.expired else { return }
        let answered = state.canisters[position].queue.contains { input in
            if case .response(let response) = input { return response.callback == entry.callback }
            return false
        }
        guard !answered else { return }
        state.canisters[position].callbacks[entry.callback]?.expired = true
        let reject = Reject(.deadlineExpired, Self.deadlineExpiredMessage)
        state.canisters[position].queue.append(.response(CallResponse(
            receiver: entry.canister, callback: entry.callback, result: .rejected(reject), refund: .zero,
            deadlineNanos: entry.deadlineNanos, deadlineExpired: true)))
        state.markActive(position)
        state.markTouched([position])
    }

    /// Whether `response` is the callee's late answer to a call whose deadline passed: it is
    /// dropped (the cycles it refunds are lost), as the spec says ("even if the callee
    /// produces a response, it will not be delivered to the caller").
    func dropsLateResponse(_ response: CallResponse, _ position: Int, _ state: inout ReplicatedState) -> Bool {
        guard !response.deadlineExpired, state.canisters[position].callbacks[response.callback]?.expired == true else { return false }
        state.cyclesBurned = state.cyclesBurned + response.refund
        return true
    }
}
