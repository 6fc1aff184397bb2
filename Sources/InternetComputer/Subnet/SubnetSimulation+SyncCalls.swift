import SimCore
import Consensus

/// A synchronous call waiting at a replica for the certification of its message's answer.
struct SyncWait: Sendable {
    /// The message whose answer it waits for.
    var id: UInt64
    /// The caller's token for the call.
    var token: Int
    /// The replica holding the call.
    var node: Int
    /// Its place among every wait recorded (waits end in this order).
    var sequence: Int
}

/// The synchronous call endpoint's waits (`/api/v3/canister/.../call`, Docs/Model.md,
/// "Clients"): a replica holds a call's connection until the call's answer is certified
/// there. The shell keeps the calls waiting: by message while the message is unanswered, and
/// once it is answered, per replica by the height that answered it; when a replica's
/// certified height grows (or a message is answered on submission) it records those now
/// answered, for whoever connects the subnet to its users (``takeAnsweredWaits()``). Under a
/// backlog of unanswered calls, a certification then looks only at the waits it answers.
extension SubnetSimulation {
    /// The call `token` waits at replica `node` for the answer to message `id` to be
    /// certified there: `true` if it already is (nothing is recorded then).
    package mutating func awaitAnswer(_ id: UInt64, atReplica node: Int, token: Int) -> Bool {
        precondition(replicas.indices.contains(node), "replica \(node) of \(replicas.count)")
        guard !answerVisible(id, at: node) else { return true }
        let wait = SyncWait(id: id, token: token, node: node, sequence: syncWaitsRecorded)
        syncWaitsRecorded += 1
        if let answered = execution.answerHeight(of: id), let height = answered {
            syncWaitsByHeight[node][height, default: []].append(wait)
        } else {
            syncWaitsByMessage[id, default: []].append(wait)
        }
        return false
    }

    /// Whether message `id`'s answer is visible at replica `node`: answered on submission, or
    /// at a height the replica has certified.
    @inline(__always)  // a call from a mutating method copied the whole shell
    func answerVisible(_ id: UInt64, at node: Int) -> Bool {
        // The height only: reading the whole outcome also looked its status up.
        guard let answered = execution.answerHeight(of: id) else { return false }
        guard let height = answered else { return true }
        return replicas[node].certifier.certifiedHeight >= height
    }

    /// The subnet executed `height`: the waits for the messages it answered are filed under
    /// it, at their replicas.
    mutating func fileWaits(answeredAt height: Height) {
        guard !syncWaitsByMessage.isEmpty else { return }
        for id in execution.ingress.messagesAnswered(at: height) {
            for wait in syncWaitsByMessage.removeValue(forKey: id) ?? [] {
                syncWaitsByHeight[wait.node][height, default: []].append(wait)
            }
        }
    }

    /// Replica `node`'s certified height grew at `time`: its waits whose answers are now
    /// certified end, in the order they began.
    mutating func releaseWaits(atReplica node: Int, _ time: SimInstant) {
        guard !syncWaitsByHeight[node].isEmpty else { return }
        let certified = replicas[node].certifier.certifiedHeight
        var released: [SyncWait] = []
        // Each certified height's waits; their order is restored by sorting below.
        for height in syncWaitsByHeight[node].keys.filter({ $0 <= certified }) {
            released += syncWaitsByHeight[node].removeValue(forKey: height) ?? []
        }
        released.sort { $0.sequence < $1.sequence }
        for wait in released {
            answeredWaits.append(AnsweredWait(token: wait.token, time: time, status: requestStatus(of: wait.id, atReplica: node)))
        }
    }

    /// Message `id` was answered on submission at `time` (refused by `canister_inspect_message`,
    /// or a repeated ID): the waits for it end, at every replica, replica by replica.
    mutating func releaseWaits(forRefused id: UInt64, _ time: SimInstant) {
        var released = syncWaitsByMessage.removeValue(forKey: id) ?? []
        for node in syncWaitsByHeight.indices {
            for (height, waits) in syncWaitsByHeight[node] where waits.contains(where: { $0.id == id }) {
                released += waits.filter { $0.id == id }
                let left = waits.filter { $0.id != id }
                syncWaitsByHeight[node][height] = left.isEmpty ? nil : left
            }
        }
        released.sort { ($0.node, $0.sequence) < ($1.node, $1.sequence) }
        for wait in released {
            answeredWaits.append(AnsweredWait(token: wait.token, time: time, status: requestStatus(of: id, atReplica: wait.node)))
        }
    }

    /// What `read_state` of message `id`'s status at replica `node` tells now: its answer
    /// once visible there (``answerVisible(_:at:)``), else pending.
    func requestStatus(of id: UInt64, atReplica node: Int) -> RequestStatus {
        guard answerVisible(id, at: node), let outcome = execution.outcome(of: id) else { return .pending }
        switch outcome.status {
        case .replied(let bytes): return .replied(bytes)
        case .rejected(let reject): return .rejected(reject)
        case .processing: return .pending
        }
    }

    /// The waits answered since the last call (their subnet left at 0 for the caller to
    /// set), each with when its answer became visible and the status it had then.
    package mutating func takeAnsweredWaits() -> [AnsweredWait] {
        defer { answeredWaits = [] }
        return answeredWaits
    }
}
