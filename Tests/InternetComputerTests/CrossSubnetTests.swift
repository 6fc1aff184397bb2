import Testing
import SimCore
import Wasm
import Consensus
import ExecutionLayer
@testable import InternetComputer
import ICSimTestSupport

/// Calls between canisters of different subnets, end to end: each subnet runs consensus and
/// executes its blocks; requests and responses travel in streams that the destination reads
/// from the source's certified state and includes in its own blocks.
@Suite("Cross-subnet calls")
struct CrossSubnetTests {
    static let caller = CanisterID(1)
    static let localCounter = CanisterID(2)
    static let remoteCounter = CanisterID(101)

    /// The caller's argument calling `method` of `callee`.
    static func call(_ callee: CanisterID, _ method: String, extra: [UInt8] = []) -> [UInt8] {
        let principal = callee.principal.bytes
        return [UInt8(principal.count)] + principal + Array(method.utf8) + extra
    }

    /// Subnet 0 holds the caller and a counter, subnet 1 another counter (both of `nodes`
    /// nodes); `messages` are submitted to the caller at 1 s, 1.1 s, ...
    static func configuration(nodes: Int = 4, seed: UInt64 = 3, messages: [(method: String, argument: [UInt8])]) throws -> InternetComputerConfiguration {
        var configuration = InternetComputerConfiguration(subnetCount: 2, nodeCount: nodes, seed: seed)
        configuration.subnets[0].canisters = [
            CanisterSetup(id: caller, wasm: try SubnetExecutionTests.wasm("caller")),
            CanisterSetup(id: localCounter, wasm: try SubnetExecutionTests.wasm("counter")),
        ]
        configuration.subnets[1].canisters = [CanisterSetup(id: remoteCounter, wasm: try SubnetExecutionTests.wasm("counter"))]
        configuration.subnets[0].ingress = messages.enumerated().map { index, message in
            SubmittedIngress(at: .zero + .milliseconds(1_000 + 100 * Int64(index)),
                             IngressMessage(id: UInt64(index + 1), sender: .user(1), receiver: caller, method: message.method, argument: message.argument))
        }
        return configuration
    }

    static func run(_ configuration: InternetComputerConfiguration, seconds: Int64) -> InternetComputerSimulation {
        var simulation = InternetComputerSimulation(configuration: configuration)
        simulation.run(until: .zero + .seconds(seconds))
        return simulation
    }

    static func replied(_ text: String, _ bytes: [UInt8] = []) -> IngressStatus { .replied(Array(text.utf8) + bytes) }

    @Test func callsToTheOtherSubnetAreAnsweredThroughStreams() throws {
        let messages = (0..<5).map { _ in (method: "call", argument: Self.call(Self.remoteCounter, "inc")) }
            + [(method: "call", argument: Self.call(Self.localCounter, "inc"))]
        let ic = Self.run(try Self.configuration(messages: messages), seconds: 20)
        let execution = ic.subnets[0].model.execution
        let outcomes = Dictionary(uniqueKeysWithValues: execution.outcomes.map { ($0.id, $0.outcome) })
        #expect(outcomes.count == 6)
        for id in UInt64(1)...5 {
            #expect(outcomes[id]?.status == Self.replied("reply:", SubnetExecutionTests.le64(id)), "message \(id)")
        }
        #expect(outcomes[6]?.status == Self.replied("reply:", SubnetExecutionTests.le64(1)), "the local counter is another")
        // The remote counter ran on subnet 1, in its own rounds.
        let remote = ic.subnets[1].model.execution
        #expect(remote.state.inducted(from: 0) == 5, "five requests inducted from subnet 0")
        #expect(execution.state.inducted(from: 1) == 5, "five responses inducted from subnet 1")
        // A remote answer takes two certifications and two blocks more than a local one.
        let local = try #require(outcomes[6]).certifiedAt! - outcomes[6]!.submittedAt
        let far = try #require(outcomes[1]).certifiedAt! - outcomes[1]!.submittedAt
        #expect(far > local + .milliseconds(500), "remote \(far), local \(local)")
        #expect(ic.subnets.allSatisfy { $0.model.safety.violation == nil })
    }

    @Test func streamsAreGarbageCollectedOnceInducted() throws {
        let messages = (0..<8).map { _ in (method: "call", argument: Self.call(Self.remoteCounter, "inc")) }
        let ic = Self.run(try Self.configuration(messages: messages), seconds: 25)
        #expect(ic.subnets[0].model.execution.outcomes.count == 8)
        // Both streams drained: each side learned from the other's signals what it inducted.
        #expect(ic.subnets[0].model.execution.state.streamMessageCount == 0)
        #expect(ic.subnets[1].model.execution.state.streamMessageCount == 0)
    }

    @Test func rejectsComeBackAcrossSubnets() throws {
        let messages = [
            (method: "call", argument: Self.call(Self.remoteCounter, "reject")),
            (method: "call", argument: Self.call(Self.remoteCounter, "no_such_method")),
            (method: "call", argument: Self.call(Self.remoteCounter, "inc_then_trap")),
            (method: "call", argument: Self.call(CanisterID(999), "inc")),
        ]
        let ic = Self.run(try Self.configuration(messages: messages), seconds: 20)
        let outcomes = Dictionary(uniqueKeysWithValues: ic.subnets[0].model.execution.outcomes.map { ($0.id, $0.outcome.status) })
        #expect(outcomes.count == 4)
        for (id, code) in [(UInt64(1), RejectCode.canisterReject), (2, .canisterError), (3, .canisterError), (4, .destinationInvalid)] {
            guard case .replied(let bytes) = outcomes[id] else {
                Issue.record("message \(id): \(String(describing: outcomes[id]))")
                continue
            }
            #expect(Array(bytes.prefix(8)) == Array("reject:".utf8) + [UInt8(code.rawValue)], "message \(id)")
        }
    }

    @Test func cyclesBalanceAcrossSubnets() throws {
        let messages = (0..<4).map { _ in (method: "call_with_cycles", argument: Self.call(Self.remoteCounter, "accept")) }
            + [(method: "call", argument: Self.call(Self.remoteCounter, "inc"))]
        var ic = InternetComputerSimulation(configuration: try Self.configuration(messages: messages))
        let before = ic.cyclesAccountedFor
        for second in stride(from: Int64(1), through: 20, by: 1) {
            ic.run(until: .zero + .seconds(second))
            #expect(ic.cyclesAccountedFor == before, "at \(second) s")
        }
        let outcomes = ic.subnets[0].model.execution.outcomes
        #expect(outcomes.count == 5)
        for (_, outcome) in outcomes.prefix(4) {
            guard case .replied(let bytes) = outcome.status else {
                Issue.record("\(outcome.status)")
                continue
            }
            #expect(bytes.count == 16, "the refund: 1,000 sent, 300 accepted")
            #expect(Array(bytes.prefix(2)) == [UInt8(700 & 0xFF), UInt8(700 >> 8)])
        }
    }

    @Test func faultsOnBothSubnetsDelayCallsButLoseNone() throws {
        let messages = (0..<20).map { _ in (method: "call", argument: Self.call(Self.remoteCounter, "inc")) }
        var configuration = try Self.configuration(nodes: 7, seed: 11, messages: messages)
        for subnet in 0..<2 {
            configuration.subnets[subnet].byzantine = [ByzantineAssignment(node: 1, behaviors: [.silent])]
            configuration.subnets[subnet].executesOnEveryReplica = true
            configuration.subnets[subnet].nodeFaults = [
                NodeFault(node: 4, .crash, from: .zero + .milliseconds(1_500), until: .zero + .seconds(5)),
            ]
        }
        let ic = Self.run(configuration, seconds: 40)
        let statuses = ic.subnets[0].model.execution.outcomes.map(\.outcome.status)
        #expect(statuses.count == 20)
        let counts = statuses.compactMap { status -> [UInt8]? in
            guard case .replied(let bytes) = status, bytes.count == 14 else { return nil }
            return Array(bytes.suffix(8))
        }
        #expect(Set(counts) == Set((UInt64(1)...20).map(SubnetExecutionTests.le64)), "each call counted once")
        for subnet in ic.subnets {
            #expect(subnet.model.execution.disagreement == nil, "every replica executes the slices to the same state")
            #expect(subnet.model.safety.violation == nil)
        }
    }

    @Test func aRunReplaysExactly() throws {
        let messages = (0..<6).map { index in (method: "call", argument: Self.call(index % 2 == 0 ? Self.remoteCounter : Self.localCounter, "inc")) }
        let configuration = try Self.configuration(nodes: 4, seed: 8, messages: messages)
        let first = Self.run(configuration, seconds: 15)
        let second = Self.run(configuration, seconds: 15)
        #expect(first.traceHash == second.traceHash)
        #expect(first.subnets.map { $0.model.execution.stateHashes } == second.subnets.map { $0.model.execution.stateHashes })
        var other = configuration
        other.subnets[1].seed += 1
        #expect(Self.run(other, seconds: 15).traceHash != first.traceHash)
    }

    @Test func subnetsThatDoNotCallEachOtherRunExactlyAsAlone() {
        var ic = InternetComputerSimulation(configuration: InternetComputerConfiguration(subnetCount: 3, nodeCount: 4, seed: 5))
        ic.run(until: .zero + .seconds(20))
        for subnet in ic.subnets {
            var alone = Simulation(model: SubnetSimulation(configuration: subnet.model.configuration))
            alone.model.start(&alone.scheduler)
            _ = alone.run(.until(.zero + .seconds(20)))
            #expect(subnet.traceHash.hexDigest == alone.traceHash.hexDigest && subnet.eventsProcessed == alone.eventsProcessed)
        }
        #expect(Set(ic.subnets.map(\.model.configuration.seed)).count == 3, "each subnet has a seed of its own")
    }

    @Test func configurationProblemsNameTheirField() throws {
        var configuration = try Self.configuration(messages: [(method: "call", argument: [])])
        configuration.subnets[1].canisters.append(CanisterSetup(id: Self.caller, wasm: try SubnetExecutionTests.wasm("counter")))
        configuration.subnets[1].ingress = configuration.subnets[0].ingress
        let problems = configuration.problems()
        #expect(problems.contains("subnets[1].canisters[1].id: canister \(Self.caller) is already on subnet 0"), "\(problems)")
        #expect(problems.contains("subnets[1].ingress[0].message.id: message 1 is also submitted to subnet 0"), "\(problems)")
        configuration.subnets[0].ingress[0].message.id = 1 << 63
        #expect(configuration.problems().contains("subnets[0].ingress[0].message.id: \(UInt64(1) << 63) is too large (message IDs are below 2^63)"))
        #expect(InternetComputerConfiguration(subnets: []).problems() == ["subnets: at least one subnet is needed"])
    }
}
