import SimCore
import Consensus

/// The synchronous call endpoint's waits (`/api/v3/canister/.../call`, Docs/Model.md,
/// "Clients"): a replica holds a call's connection until the call's answer is certified
/// there. The shell keeps, per replica, the calls waiting, and when the replica's certified
/// height grows (or a message is answered on submission) records those now answered, for
/// whoever connects the subnet to its users (``takeAnsweredWaits()``).
extension SubnetSimulation {
    /// The call `token` waits at replica `node` for the answer to message `id` to be
    /// certified there: `true` if it already is (nothing is recorded then).
    package mutating func awaitAnswer(_ id: UInt64, atReplica node: Int, token: Int) -> Bool {
        precondition(replicas.indices.contains(node), "replica \(node) of \(replicas.count)")
        guard !answerVisible(id, at: node) else { return true }
        syncWaits[node].append((id, token))
        return false
    }

    /// Whether message `id`'s answer is visible at replica `node`: answered on submission, or
    /// at a height the replica has certified.
    func answerVisible(_ id: UInt64, at node: Int) -> Bool {
        // The height only: reading the whole outcome also looked its status up (half the cost
        // of scanning the waits at every certification under a backlog).
        guard let answered = execution.answerHeight(of: id) else { return false }
        guard let height = answered else { return true }
        return replicas[node].certifier.certifiedHeight >= height
    }

    /// Replica `node`'s certified height grew at `time`: its waits whose answers are now
    /// certified end.
    mutating func releaseWaits(atReplica node: Int, _ time: SimInstant) {
        guard !syncWaits[node].isEmpty else { return }
        var still: [(id: UInt64, token: Int)] = []
        for wait in syncWaits[node] {
            if answerVisible(wait.id, at: node) {
                answeredWaits.append(AnsweredWait(token: wait.token, time: time, status: requestStatus(of: wait.id, atReplica: node)))
            } else {
                still.append(wait)
            }
        }
        syncWaits[node] = still
    }

    /// Message `id` was answered on submission at `time` (refused by `canister_inspect_message`):
    /// the waits for it end, at every replica.
    mutating func releaseWaits(forRefused id: UInt64, _ time: SimInstant) {
        for node in syncWaits.indices where syncWaits[node].contains(where: { $0.id == id }) {
            for wait in syncWaits[node] where wait.id == id {
                answeredWaits.append(AnsweredWait(token: wait.token, time: time, status: requestStatus(of: id, atReplica: node)))
            }
            syncWaits[node].removeAll { $0.id == id }
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
