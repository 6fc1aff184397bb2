import Testing
import SimCore
import Consensus
import ExecutionLayer
@testable import InternetComputer

/// An ingress message's life, owned by one type (Docs/Model.md, "Ingress expiry", "Update
/// calls"): the expiry is computed once, admission can refuse a message, a block inducts the
/// messages it holds, and an answer becomes visible when its height is first certified.
@Suite("Ingress lifecycle")
struct IngressLifecycleTests {
    func at(_ milliseconds: Int64) -> SimInstant { .zero + .milliseconds(milliseconds) }

    func message(_ id: UInt64, expiryNanos: UInt64 = .max) -> IngressMessage {
        IngressMessage(id: id, sender: .user(1), receiver: CanisterID(1), method: "inc", argument: [], expiryNanos: expiryNanos)
    }

    @Test func theExpiryIsTheEarlierOfTheRequestedOneAndTheTimeToLive() {
        let lifecycle = IngressLifecycle(timeToLive: .seconds(300))
        let latest = SubnetExecution.timeNanos(at(1_000) + .seconds(300))
        #expect(lifecycle.expiryNanos(submittedAt: at(1_000)) == latest)
        #expect(lifecycle.expiryNanos(submittedAt: at(1_000), requested: latest - 5) == latest - 5)
        #expect(lifecycle.expiryNanos(submittedAt: at(1_000), requested: latest + 5) == latest, "never later than the IC allows")
    }

    @Test func aMessageRefusedOnAdmissionIsAnsweredAtOnce() {
        var lifecycle = IngressLifecycle(timeToLive: .seconds(300))
        let reject = Reject(canisterMessage: "no")
        let submitted = lifecycle.submit(SubmittedIngress(at: at(10), message(1)))
        #expect(submitted?.id == 1)
        lifecycle.refused(1, reject, at: at(10))
        let outcome = lifecycle.outcome(of: 1, history: [:])
        #expect(outcome?.status == .rejected(reject) && outcome?.height == nil && outcome?.certifiedAt == at(10))
        #expect(lifecycle.latency.count == 1)
    }

    @Test func anAnswerIsVisibleOnceItsHeightIsCertifiedAndItsStatusIsTheStates() {
        var lifecycle = IngressLifecycle(timeToLive: .seconds(300))
        let admitted = lifecycle.submit(SubmittedIngress(at: at(10), message(7)))
        #expect(admitted?.expiryNanos == lifecycle.expiryNanos(submittedAt: at(10)))
        let again = lifecycle.submit(SubmittedIngress(at: at(20), message(7)))
        #expect(again == nil, "an ID is taken once")
        let block = Block(height: 3, parent: SHA256.hash(string: "parent"), rank: 0, maker: NodeID(0),
                          payload: [PayloadItem(id: 7, sizeBytes: 300), PayloadItem(id: 99, sizeBytes: 10)])
        #expect(lifecycle.messages(of: block).map(\.id) == [7], "only the messages it knows")
        #expect(lifecycle.messages(of: block)[0].expiryNanos == lifecycle.expiryNanos(submittedAt: at(10)), "stored with its expiry")
        lifecycle.executed(height: 3, answered: [7], expired: [], at: at(900))
        let history: IngressHistory = [7: .replied([42])]
        #expect(lifecycle.outcome(of: 7, history: history)?.certifiedAt == nil, "answered, not yet visible")
        #expect(lifecycle.latency.count == 0)
        lifecycle.certified(height: 3, at: at(700))
        let outcome = lifecycle.outcome(of: 7, history: history)
        #expect(outcome?.status == .replied([42]), "the status is read from the state's ingress history")
        #expect(outcome?.certifiedAt == at(900), "never before its round ended")
        #expect(lifecycle.latency.maximum == .milliseconds(890))
        lifecycle.executed(height: 4, answered: [7], expired: [], at: at(2_000))
        #expect(lifecycle.outcomes(history: history).count == 1, "the first answer only")
    }

    @Test func aCallWithNoCertifiedAnswerByItsExpiryIsExpired() {
        var lifecycle = IngressLifecycle(timeToLive: .seconds(2))
        _ = lifecycle.submit(SubmittedIngress(at: at(0), message(1)))
        _ = lifecycle.submit(SubmittedIngress(at: at(0), message(2)))
        lifecycle.executed(height: 1, answered: [1], expired: [], at: at(500))
        lifecycle.certified(height: 1, at: at(600))
        #expect(lifecycle.expiredCalls(at: at(1_999)).isEmpty)
        #expect(lifecycle.expiredCalls(at: at(2_001)) == [2])
        lifecycle.executed(height: 2, answered: [], expired: [2], at: at(2_500))
        #expect(lifecycle.droppedExpired == [2])
    }
}
