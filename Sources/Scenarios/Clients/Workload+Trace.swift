import SimCore
import InternetComputer

/// The clients' events in the trace: their kinds come from the one registry (``TraceKinds``).
extension Workload: TracedModel {
    public func traceRecord(for event: WorkloadEvent) -> TraceRecord {
        var hasher = StableHasher()
        switch event {
        case .arrival(let client):
            return TraceRecord(kind: TraceKinds.clientArrival, actor: UInt32(client), payloadDigest: 0)
        case .userReady(let client, let user):
            hasher.combine(UInt64(user))
            return TraceRecord(kind: TraceKinds.clientUserReady, actor: UInt32(client), payloadDigest: hasher.finalize())
        case .pollArrives(let call):
            hasher.combine(UInt64(call))
            return TraceRecord(kind: TraceKinds.readStatePoll, actor: 0, payloadDigest: hasher.finalize())
        case .queryArrives(let client, let user, let sentAt, let number, let route):
            hasher.combine(UInt64(user))
            hasher.combine(UInt64(bitPattern: sentAt.nanosecondsSinceStart))
            hasher.combine(number)
            hasher.combine(route.packed)
            return TraceRecord(kind: TraceKinds.queryArrives, actor: UInt32(client), payloadDigest: hasher.finalize())
        case .syncAnswered(let call):
            return TraceRecord(kind: TraceKinds.syncCallAnswered, actor: 0, payloadDigest: UInt64(call))
        case .syncTimeout(let call):
            return TraceRecord(kind: TraceKinds.syncCallTimeout, actor: 0, payloadDigest: UInt64(call))
        case .sample(let index):
            return TraceRecord(kind: TraceKinds.sample, actor: 0, payloadDigest: UInt64(index))
        }
    }
}
