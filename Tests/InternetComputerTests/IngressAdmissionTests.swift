import Testing
import SimCore
import ExecutionLayer
@testable import InternetComputer

/// Ingress admission (Docs/Model.md, "Ingress admission"): the boundary node's rate limit,
/// the replica's HTTP handler's concurrent call requests and its ingress pool's bound, each
/// refusing with the replica's HTTP status and text, and the subnet's `call` returning the
/// refusal instead of submitting the message.
@Suite("Ingress admission")
struct IngressAdmissionTests {
    func at(_ microseconds: Int64) -> SimInstant { .zero + .microseconds(microseconds) }

    /// An admission of `nodes` replicas with `change` applied to the IC's limits.
    func admission(nodes: Int = 1, _ change: (inout IngressAdmissionConfiguration) -> Void = { _ in }) -> IngressAdmission {
        var configuration = IngressAdmissionConfiguration()
        change(&configuration)
        return IngressAdmission(configuration: configuration, nodeCount: nodes)
    }

    /// Admits message `id` (100 bytes, never expiring) at replica 0 at `time`.
    func admit(_ admission: inout IngressAdmission, _ id: UInt64, at time: SimInstant, node: Int? = 0) -> CallRefusal? {
        admission.admit(id: id, sizeBytes: 100, expiryNanos: .max, at: node, time: time)
    }

    @Test func theDefaultsAreTheReplicasAndTheBoundaryNodesOwn() {
        let defaults = IngressAdmissionConfiguration()
        #expect(defaults.isEnabled && defaults.callConcurrentRequestsMax == 50 && defaults.callHandlingDuration == .milliseconds(1))
        #expect(defaults.ingressPoolMessagesMax == 10_000 && defaults.ingressPoolBytesMax == 100_000_000)
        #expect(defaults.boundaryNodeCallsPerSecondMax == nil, "ic-boundary sets no rate limit by default")
        #expect(defaults.problems().isEmpty && SubnetConfiguration().ingressAdmission == defaults)
    }

    @Test func eachRefusalCarriesTheStatusAndTextTheICAnswersWith() {
        let rate = CallRefusal(.boundaryNodeRateLimit, node: nil)
        #expect(rate.httpStatus == 429 && rate.message == "Rate limit exceeded. Please slow down requests and try again later." && rate.errorCode == nil)
        let busy = CallRefusal(.callConcurrencyLimit, node: 3)
        #expect(busy.httpStatus == 429 && busy.message == "The service is overloaded." && busy.node == 3)
        let full = CallRefusal(.ingressPoolFull, node: 0)
        #expect(full.httpStatus == 503 && full.message == "Service is overloaded, try again later.")
        #expect(full.reason == "HTTP 503" && full.description == "HTTP 503: Service is overloaded, try again later.")
    }

    @Test func theHandlerServesAtMostTheBoundWithinTheHandlingTime() {
        var admission = admission { $0.callConcurrentRequestsMax = 3; $0.ingressPoolMessagesMax = 1_000 }
        for id in 1...3 { #expect(admit(&admission, UInt64(id), at: at(100)) == nil) }
        #expect(admit(&admission, 4, at: at(500))?.stage == .callConcurrencyLimit, "three arrived within 1 ms")
        #expect(admit(&admission, 5, at: at(1_099))?.stage == .callConcurrencyLimit)
        #expect(admit(&admission, 6, at: at(1_100)) == nil, "the first three are done 1 ms after they arrived")
        // A call evaluated later but arriving earlier (network jitter) meets those that
        // arrived around it, not those evaluated before it.
        #expect(admit(&admission, 7, at: at(600))?.stage == .callConcurrencyLimit, "the three of 100 us are still served at 600 us")
        #expect(admit(&admission, 8, at: at(1_150)) == nil && admit(&admission, 9, at: at(1_160)) == nil)
        #expect(admit(&admission, 10, at: at(1_170))?.stage == .callConcurrencyLimit, "6, 8 and 9 hold the slots")
        #expect(admission.accepted == 6 && admission.refused[CallRefusal.Stage.callConcurrencyLimit.rawValue] == 4)
    }

    @Test func aZeroHandlingTimeTurnsTheConcurrencyLimitOff() {
        var admission = admission { $0.callConcurrentRequestsMax = 1; $0.callHandlingDuration = .zero }
        for id in 1...100 { #expect(admit(&admission, UInt64(id), at: at(7)) == nil) }
    }

    @Test func thePoolRefusesOnceItHoldsMoreThanItsBoundUntilMessagesLeave() {
        var admission = admission { $0.ingressPoolMessagesMax = 2; $0.callHandlingDuration = .zero }
        for id in 1...3 { #expect(admit(&admission, UInt64(id), at: at(10)) == nil, "the bound is exceeded only past it, as exceeds_limit") }
        #expect(admission.poolCount(ofReplica: 0) == 3)
        #expect(admit(&admission, 4, at: at(20)) == CallRefusal(.ingressPoolFull, node: 0))
        #expect(admission.poolCount(ofReplica: 0) == 3, "a refused message takes no place")
        // Messages leave in the order they came: 2 cannot leave before 1.
        admission.purge(0, at: at(30)) { $0 == 2 }
        #expect(admission.poolCount(ofReplica: 0) == 3)
        admission.purge(0, at: at(30)) { $0 <= 2 }
        #expect(admission.poolCount(ofReplica: 0) == 1)
        #expect(admit(&admission, 5, at: at(40)) == nil)
    }

    @Test func thePoolsByteBoundAndExpiryCount() {
        var admission = admission { $0.ingressPoolBytesMax = 250; $0.callHandlingDuration = .zero }
        #expect(admission.admit(id: 1, sizeBytes: 200, expiryNanos: SubnetExecution.timeNanos(at(1_000)), at: 0, time: at(0)) == nil)
        #expect(admission.admit(id: 2, sizeBytes: 100, expiryNanos: .max, at: 0, time: at(0)) == nil)
        #expect(admit(&admission, 3, at: at(500))?.stage == .ingressPoolFull, "300 bytes > 250")
        admission.purge(0, at: at(1_001)) { _ in false }
        #expect(admission.poolCount(ofReplica: 0) == 1, "the expired message left")
        #expect(admit(&admission, 3, at: at(1_001)) == nil)
    }

    @Test func eachReplicaCountsOnlyWhatItReceived() {
        var admission = admission(nodes: 2) { $0.ingressPoolMessagesMax = 0; $0.callHandlingDuration = .zero }
        #expect(admit(&admission, 1, at: at(0), node: 0) == nil)
        #expect(admit(&admission, 2, at: at(0), node: 0) == CallRefusal(.ingressPoolFull, node: 0))
        #expect(admit(&admission, 3, at: at(0), node: 1) == nil, "the other replica's pool holds none of its own")
    }

    @Test func theBoundaryNodeLetsABurstOfOneSecondThroughThenOneCallAnInterval() {
        var admission = admission { $0.boundaryNodeCallsPerSecondMax = 10; $0.callHandlingDuration = .zero }
        for id in 1...10 { #expect(admit(&admission, UInt64(id), at: at(0)) == nil) }
        let refused = admit(&admission, 11, at: at(0))
        #expect(refused == CallRefusal(.boundaryNodeRateLimit, node: nil))
        #expect(admit(&admission, 12, at: at(99_999)) != nil, "one call every 100 ms")
        #expect(admit(&admission, 13, at: at(100_000)) == nil)
        #expect(admit(&admission, 14, at: at(100_001)) != nil)
        #expect(admission.refused[CallRefusal.Stage.boundaryNodeRateLimit.rawValue] == 3 && admission.accepted == 11)
    }

    @Test func turnedOffEveryCallIsAccepted() {
        var admission = admission { $0 = .off }
        for id in 1...20_000 { #expect(admit(&admission, UInt64(id), at: at(0)) == nil) }
        #expect(admission.accepted == 20_000 && admission.refusedTotal == 0)
    }

    @Test func problemsNameTheirField() {
        var configuration = IngressAdmissionConfiguration()
        configuration.callConcurrentRequestsMax = 0
        configuration.boundaryNodeCallsPerSecondMax = 0
        configuration.callHandlingDuration = .milliseconds(-1)
        #expect(configuration.problems() == ["callConcurrentRequestsMax: must be at least 1, found 0", "callHandlingDuration: must be 0 to 1 h, found \(SimDuration.milliseconds(-1))",
                                            "boundaryNodeCallsPerSecondMax: must be 1 to 1000000000, found 0"])
        var subnet = SubnetConfiguration(nodeCount: 4)
        subnet.ingressAdmission.ingressPoolMessagesMax = -1
        #expect(subnet.problems().contains("ingressAdmission.ingressPoolMessagesMax: must not be negative"))
    }

    /// A 4-node subnet with a counter and these limits.
    static func simulation(_ change: (inout IngressAdmissionConfiguration) -> Void) throws -> InternetComputerSimulation {
        var subnet = SubnetConfiguration(nodeCount: 4, seed: 3)
        subnet.canisters = [CanisterSetup(id: CanisterID(1), wasm: try SubnetExecutionTests.wasm("counter"))]
        change(&subnet.ingressAdmission)
        return InternetComputerSimulation(configuration: InternetComputerConfiguration(subnets: [subnet]))
    }

    static func increment(_ id: UInt64) -> IngressMessage {
        IngressMessage(id: id, sender: .user(1), receiver: CanisterID(1), method: "inc", argument: [])
    }

    @Test func aRefusedCallNeverReachesTheSubnetAndAnAcceptedOneIsAnswered() throws {
        // Pools of one message each: with 4 replicas, at most 2 messages each get in at once.
        var ic = try Self.simulation { $0.ingressPoolMessagesMax = 1; $0.callHandlingDuration = .zero }
        var accepted: [UInt64] = [], refused: [CallRefusal] = []
        for id in UInt64(1)...40 {
            switch ic.call(Self.increment(id), toSubnet: 0, at: .zero + .milliseconds(10)) {
            case .success(let receipt):
                #expect(receipt.expiryNanos == SubnetExecution.timeNanos(.zero + .milliseconds(10) + .seconds(300)))
                accepted.append(id)
            case .failure(let refusal): refused.append(refusal)
            }
        }
        #expect(accepted.count == 8, "two per replica: the pool refuses once it holds more than one")
        #expect(refused.count == 32 && refused.allSatisfy { $0.httpStatus == 503 && $0.node != nil })
        let admission = ic.ingressAdmission(ofSubnet: 0)
        #expect(admission.accepted == 8 && admission.refused[CallRefusal.Stage.ingressPoolFull.rawValue] == 32)
        ic.run(until: .zero + .seconds(10))
        for id in accepted { #expect(ic.ingressOutcome(id, onSubnet: 0) != nil, "accepted \(id) was answered") }
        for id in UInt64(1)...40 where !accepted.contains(id) { #expect(ic.ingressOutcome(id, onSubnet: 0) == nil, "refused \(id) never reached the subnet") }
        // Executed messages left the pools (each replica's count drops when a call reaches it):
        // as many calls as before are accepted again.
        let again = (UInt64(41)...80).filter { id in (try? ic.call(Self.increment(id), toSubnet: 0, at: .zero + .seconds(10)).get()) != nil }
        #expect(again.count == 8)
    }

    @Test func withTheLimitsOffTheSubnetRunsAsBefore() throws {
        var limited = try Self.simulation { _ in }
        var open = try Self.simulation { $0 = .off }
        for id in UInt64(1)...50 {
            let time = SimInstant.zero + .milliseconds(Int64(id) * 20)
            #expect(try limited.call(Self.increment(id), toSubnet: 0, at: time).get() == open.call(Self.increment(id), toSubnet: 0, at: time).get())
        }
        limited.run(until: .zero + .seconds(8))
        open.run(until: .zero + .seconds(8))
        #expect(limited.traceHash == open.traceHash, "limits that do not bite change nothing")
    }
}
