import Testing
import SimCore
import ExecutionLayer
@testable import InternetComputer

/// The synchronous calls' waits (`/api/v3/.../call`): a call waiting at a replica before its
/// message is answered, or after it is answered but before that replica certified the
/// answering height, ends once, with the answer; one whose answer is already certified there
/// is answered at once.
@Suite("Synchronous call waits")
struct SyncWaitTests {
    static func isReplied(_ status: RequestStatus) -> Bool {
        if case .replied = status { return true }
        return false
    }

    @Test func eachWaitEndsOnceWithItsAnswerOnceItsReplicaCertifiedIt() throws {
        let configuration = try SubnetExecutionTests.configuration(nodes: 4, messages: 40, every: .milliseconds(20))
        var simulation = Simulation(model: SubnetSimulation(configuration: configuration))
        simulation.model.start(&simulation.scheduler)
        // Before anything is answered: messages 1...20 each waited for at two replicas.
        var waiting: Set<Int> = []
        for id in 1...20 {
            let first = simulation.model.awaitAnswer(UInt64(id), atReplica: id % 4, token: id)
            let second = simulation.model.awaitAnswer(UInt64(id), atReplica: (id + 1) % 4, token: 1_000 + id)
            #expect(!first && !second, "message \(id) is not even submitted yet")
            waiting.formUnion([id, 1_000 + id])
        }
        _ = simulation.run(.until(.zero + .milliseconds(2_500)))
        // Some answered by now, some certified, some not yet: messages 21...40 waited for too.
        var atOnce = 0
        for id in 21...40 {
            if simulation.model.awaitAnswer(UInt64(id), atReplica: id % 4, token: id) { atOnce += 1 } else { waiting.insert(id) }
        }
        _ = simulation.run(.until(.zero + .seconds(20)))
        var visibleAt: [Int: SimInstant] = [:]
        for wait in simulation.model.takeAnsweredWaits() {
            #expect(visibleAt.updateValue(wait.time, forKey: wait.token) == nil, "call \(wait.token) answered once")
            #expect(Self.isReplied(wait.status))
        }
        #expect(Set(visibleAt.keys) == waiting, "every wait recorded ended, and only those")
        #expect(waiting.count + atOnce == 60)
        for (token, time) in visibleAt {
            let outcome = try #require(simulation.model.execution.outcome(of: UInt64(token % 1_000)))
            #expect(outcome.certifiedAt != nil && time >= outcome.submittedAt && time <= .zero + .seconds(20), "call \(token)")
        }
        for id in 1...40 {
            let isAnswered = simulation.model.awaitAnswer(UInt64(id), atReplica: id % 4, token: 0)
            #expect(isAnswered, "message \(id) is certified everywhere: answered at once")
        }
        let more = simulation.model.takeAnsweredWaits()
        #expect(more.isEmpty, "nothing more recorded")
    }
}
