import Wasm

// Bounded-wait (best-effort response) calls: `ic0.call_with_best_effort_response` and
// `ic0.msg_deadline` (interface spec, "ic0.call_with_best_effort_response" and
// "ic0.msg_deadline"; Docs/Model.md, "Bounded-wait calls").

extension SystemAPI {
    /// The most seconds a bounded-wait call may wait: larger timeouts are clamped to it
    /// (`MAX_CALL_TIMEOUT_SECONDS` = 300 in dfinity/ic's System API,
    /// rs/embedders/src/wasmtime_embedder/system_api/mod.rs; the spec's `MAX_CALL_TIMEOUT`).
    public static let callTimeoutSecondsMax: UInt32 = 300

    /// Nanoseconds in a second: deadlines are whole seconds (the IC's `CoarseTime`).
    static let nanosPerSecond: UInt64 = 1_000_000_000

    /// The deadline of a call made at `timeNanos` with `timeoutSeconds`: the time plus the
    /// timeout, rounded down to a whole second, as dfinity/ic's `into_request` computes it
    /// (`CoarseTime::floor(time + timeout)`, request_in_prep.rs). Saturates instead of
    /// overflowing.
    public static func deadlineNanos(callTimeNanos timeNanos: UInt64, timeoutSeconds: UInt32) -> UInt64 {
        let (sum, overflow) = timeNanos.addingReportingOverflow(UInt64(timeoutSeconds) * nanosPerSecond)
        let deadline = overflow ? UInt64.max : sum
        return deadline - deadline % nanosPerSecond
    }

    static let boundedWaitFunctions: [Function] = [
        // The IC's contexts and cost (system_api_complexity.rs: 500 instructions).
        Function("call_with_best_effort_response", [.i32], [], "U CQ Ry Rt CRy CRt T", cost: 500) { arguments, _, session in
            guard let call = session.pendingCall else {
                throw trap("call_with_best_effort_response", "no call is being assembled (call ic0.call_new first)")
            }
            guard call.timeoutSeconds == nil else {
                throw trap("call_with_best_effort_response", "the call already has a timeout (at most one per call)")
            }
            let timeout = min(arguments[0].u32, callTimeoutSecondsMax)
            session.pendingCall?.timeoutSeconds = timeout
            session.pendingCall?.deadlineNanos = deadlineNanos(callTimeNanos: session.timeNanos, timeoutSeconds: timeout)
            return nil
        },
        // `Q` of the spec's list is both query contexts; a query method sees 0 even when a
        // bounded-wait call runs it as an update (interface spec, "ic0.msg_deadline").
        Function("msg_deadline", [], [.i64], "U RQ NRQ CQ Ry Rt CRy CRt", cost: 500) { _, _, session in
            switch session.context {
            case .replicatedQuery, .nonReplicatedQuery, .compositeQuery: .i64(0)
            default: .i64(session.deadlineNanos)
            }
        },
    ]
}
