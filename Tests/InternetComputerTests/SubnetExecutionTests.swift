import Foundation
import Testing
import SimCore
import Wasm
import Consensus
import ExecutionLayer
@testable import InternetComputer
import ICSimTestSupport

/// Consensus and execution together: ingress messages enter blocks as payload, run in the
/// round of the height that finalizes them, and are answered; every message once, in block
/// order, the same way on every run; faults delay answers but lose none.
@Suite("Subnet execution")
struct SubnetExecutionTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../ExecutionLayerTests/Fixtures/c")
    static let counter = CanisterID(1)

    static func wasm(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: fixtures.appendingPathComponent("\(name).wasm")))
    }

    static func le64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }

    /// `count` increments of the counter, one every `interval`, from 1 s.
    static func configuration(nodes: Int, messages count: Int, every interval: SimDuration, seed: UInt64 = 1) throws -> SubnetConfiguration {
        var configuration = SubnetConfiguration(nodeCount: nodes, seed: seed)
        configuration.canisters = [CanisterSetup(id: counter, wasm: try wasm("counter"))]
        configuration.ingress = (0..<count).map { index in
            SubmittedIngress(at: .zero + .seconds(1) + interval * Int64(index),
                             IngressMessage(id: UInt64(index + 1), sender: .user(UInt64(index % 7)), receiver: counter, method: "inc", argument: []))
        }
        return configuration
    }

    static func run(_ configuration: SubnetConfiguration, seconds: Int64) -> SubnetSimulation {
        var simulation = Simulation(model: SubnetSimulation(configuration: configuration))
        simulation.model.start(&simulation.scheduler)
        _ = simulation.run(.until(.zero + .seconds(seconds)))
        return simulation.model
    }

    @Test func everyIncrementIsAnsweredOnceInBlockOrder() throws {
        let subnet = Self.run(try Self.configuration(nodes: 4, messages: 60, every: .milliseconds(50)), seconds: 20)
        let outcomes = subnet.execution.outcomes
        #expect(outcomes.count == 60)
        #expect(outcomes.map(\.outcome.status) == (1...60).map { IngressStatus.replied(Self.le64(UInt64($0))) },
                "the counter counts each message once, in the order blocks hold them")
        #expect(Set(outcomes.map(\.id)) == Set(1...60))
        let fastestFinalization = try #require(subnet.metrics.finalizationLatency.minimum)
        let answers = subnet.execution.ingress.latency
        #expect(try #require(answers.minimum) >= fastestFinalization, "an answer comes no earlier than a finalization")
        #expect(try #require(answers.maximum) < .seconds(3), "\(String(describing: answers.maximum))")
        #expect(subnet.execution.executedHeight == subnet.safety.finalizedHeightMax)
        #expect(subnet.safety.violation == nil)
    }

    @Test func answersBecomeVisibleOnceTheirHeightIsCertified() throws {
        var configuration = try Self.configuration(nodes: 7, messages: 30, every: .milliseconds(80), seed: 6)
        configuration.byzantine = [ByzantineAssignment(node: 2, behaviors: [.silent]), ByzantineAssignment(node: 5, behaviors: [.silent])]
        let subnet = Self.run(configuration, seconds: 12)
        let outcomes = subnet.execution.outcomes.map(\.outcome)
        #expect(outcomes.count == 30)
        for outcome in outcomes {
            let certified = try #require(outcome.certifiedAt, "certified by the 5 honest nodes")
            #expect(certified >= outcome.executedAt)
            #expect(certified - outcome.executedAt < .milliseconds(600), "about one message delay after execution")
        }
        #expect(subnet.certification.conflicts.isEmpty)
        let honest = [0, 1, 3, 4, 6]
        #expect(honest.allSatisfy { subnet.replicas[$0].certifier.certifiedHeight >= subnet.execution.executedHeight - 2 })
        #expect(subnet.metrics.messages[ArtifactKind.certificationShare.rawValue] > 0)
    }

    @Test func aFullBlockCarriesAtMostTheLimit() throws {
        var configuration = try Self.configuration(nodes: 4, messages: 30, every: .nanoseconds(0))
        configuration.consensus.payloadItemsMax = 8
        let subnet = Self.run(configuration, seconds: 15)
        #expect(subnet.execution.outcomes.count == 30)
        #expect(subnet.execution.rounds >= 4, "30 messages at 8 per block need 4 blocks")
    }

    @Test func answersSurviveCrashesAndLoss() throws {
        var configuration = try Self.configuration(nodes: 7, messages: 80, every: .milliseconds(100), seed: 3)
        configuration.network.faults = [NetworkFault(.loss(try Probability.percent(20)), from: .zero + .seconds(2), until: .zero + .seconds(6))]
        configuration.nodeFaults = [NodeFault(node: 0, .crash, from: .zero + .seconds(1), until: .zero + .seconds(5))]
        let subnet = Self.run(configuration, seconds: 40)
        #expect(subnet.execution.outcomes.count == 80, "nothing lost: \(subnet.execution.outcomes.count) of 80")
        #expect(subnet.execution.outcomes.map(\.outcome.status) == (1...80).map { IngressStatus.replied(Self.le64(UInt64($0))) })
    }

    @Test func theSameRunTwiceGivesTheSameAnswersStatesAndTrace() throws {
        let configuration = try Self.configuration(nodes: 4, messages: 20, every: .milliseconds(70), seed: 9)
        var runs: [(SubnetSimulation, String)] = []
        for _ in 0..<2 {
            var simulation = Simulation(model: SubnetSimulation(configuration: configuration))
            simulation.model.start(&simulation.scheduler)
            _ = simulation.run(.until(.zero + .seconds(10)))
            runs.append((simulation.model, simulation.traceHash.hexDigest))
        }
        let (first, second) = (runs[0].0.execution, runs[1].0.execution)
        #expect(first.outcomes.map(\.id) == second.outcomes.map(\.id))
        #expect(first.outcomes.map(\.outcome) == second.outcomes.map(\.outcome))
        #expect(first.stateHashes == second.stateHashes && first.stateHashes.count == Int(first.executedHeight))
        #expect(runs[0].1 == runs[1].1)
    }

    @Test func aDifferentArgumentChangesTheStateHashAndTheTrace() throws {
        let configuration = try Self.configuration(nodes: 4, messages: 5, every: .milliseconds(70), seed: 9)
        var changed = configuration
        changed.ingress[2].message.method = "echo"
        changed.ingress[2].message.argument = [1, 2, 3]
        var hashes: [(states: [SHA256Digest], trace: String)] = []
        for candidate in [configuration, changed] {
            var simulation = Simulation(model: SubnetSimulation(configuration: candidate))
            simulation.model.start(&simulation.scheduler)
            _ = simulation.run(.until(.zero + .seconds(6)))
            hashes.append((simulation.model.execution.stateHashes, simulation.traceHash.hexDigest))
        }
        #expect(hashes[0].states.last != hashes[1].states.last)
        #expect(hashes[0].trace != hashes[1].trace)
    }

    @Test func inspectionStopsAMessageBeforeItEntersABlock() throws {
        var configuration = SubnetConfiguration(nodeCount: 4, seed: 2)
        let timer = CanisterID(8)
        configuration.canisters = [CanisterSetup(id: timer, wasm: try Self.wasm("timer"))]
        configuration.ingress = [
            SubmittedIngress(at: .zero + .seconds(1), IngressMessage(id: 1, sender: .user(1), receiver: timer, method: "forbidden", argument: [])),
            SubmittedIngress(at: .zero + .seconds(1), IngressMessage(id: 2, sender: .user(1), receiver: timer, method: "ping", argument: [])),
        ]
        let subnet = Self.run(configuration, seconds: 5)
        let forbidden = try #require(subnet.execution.outcome(of: 1))
        guard case .rejected(let reject) = forbidden.status else { Issue.record("not rejected: \(forbidden)"); return }
        #expect(reject.errorCode == .canisterRejectedMessage)
        #expect(forbidden.certifiedAt == forbidden.submittedAt, "answered by the receiving replica, not a block")
        #expect(subnet.execution.outcome(of: 2)?.status == .replied(Array("pong".utf8)))
    }

    @Test func everyReplicaExecutingOnItsOwnReachesTheSameStates() throws {
        var configuration = try Self.configuration(nodes: 4, messages: 40, every: .milliseconds(60), seed: 4)
        configuration.executesOnEveryReplica = true
        configuration.nodeFaults = [NodeFault(node: 3, .crash, from: .zero + .seconds(1), until: .zero + .seconds(4))]
        let subnet = Self.run(configuration, seconds: 12)
        let execution = subnet.execution
        #expect(execution.disagreement == nil, "\(String(describing: execution.disagreement))")
        let replicas = try subnet.replicas.map { try #require($0.ownExecution) }
        for (node, replica) in replicas.enumerated() {
            #expect(replica.height == subnet.metrics.finalizedHeights[node], "node \(node) executed what it finalized")
            #expect(replica.height > 10)
        }
        #expect(execution.outcomes.count == 40)
    }

    @Test func aRestartedReplicaReplaysFromItsCheckpointToTheSameState() throws {
        var configuration = try Self.configuration(nodes: 4, messages: 60, every: .milliseconds(80), seed: 8)
        configuration.executesOnEveryReplica = true
        configuration.nodeFaults = [NodeFault(node: 2, .crash, from: .zero + .seconds(4), until: .zero + .seconds(7))]
        configuration.checkpoints.intervalHeights = 4
        configuration.checkpoints.stateSyncLagHeights = 1_000  // replay, never sync
        var simulation = Simulation(model: SubnetSimulation(configuration: configuration))
        simulation.model.start(&simulation.scheduler)
        _ = simulation.run(.until(.zero + .seconds(14)))
        let execution = simulation.model.execution
        #expect(execution.restarts == 1)
        #expect(execution.heightsReplayed > 0, "it replayed the heights after its checkpoint")
        #expect(execution.disagreement == nil, "\(String(describing: execution.disagreement))")
        let replica = try #require(simulation.model.replicas[2].ownExecution)
        #expect(replica.height == simulation.model.metrics.finalizedHeights[2])
        #expect(replica.height > 20, "and kept up after the restart")
        #expect(execution.stateSyncs == 0)
    }

    @Test func aReplicaFarBehindFetchesACheckpointInsteadOfReplaying() throws {
        var configuration = try Self.configuration(nodes: 4, messages: 150, every: .milliseconds(100), seed: 12)
        configuration.executesOnEveryReplica = true
        configuration.checkpoints.intervalHeights = 10
        configuration.nodeFaults = [NodeFault(node: 3, .crash, from: .zero + .seconds(3), until: .zero + .seconds(14))]
        var simulation = Simulation(model: SubnetSimulation(configuration: configuration))
        simulation.model.start(&simulation.scheduler)
        _ = simulation.run(.until(.zero + .seconds(20)))
        let model = simulation.model
        #expect(model.execution.restarts == 1)
        #expect(model.execution.stateSyncs == 1, "one fetch of the latest checkpoint")
        #expect(model.execution.disagreement == nil, "the fetched checkpoint and what follows give the subnet's state")
        let replica = try #require(model.replicas[3].ownExecution)
        #expect(replica.height == model.metrics.finalizedHeights[3])
        #expect(model.replicas[3].queuedHeight == replica.height)
        #expect(model.replicas[3].executionBusyUntil <= simulation.now, "it executed what it finalized since")
        #expect(model.execution.outcomes.count == 150)
    }

    @Test func checkpointsTakeTimeToWriteBeforeTheirHeightIsCertified() throws {
        var configuration = SubnetConfiguration(nodeCount: 4, seed: 5)
        configuration.canisters = [CanisterSetup(id: Self.counter, wasm: try Self.wasm("kv"))]
        configuration.ingress = (0..<200).map { index in
            SubmittedIngress(at: .zero + .seconds(1) + .milliseconds(20) * Int64(index), IngressMessage(
                id: UInt64(index + 1), sender: .user(1), receiver: Self.counter, method: "put",
                argument: [8] + Array("key \(1_000 + index)".utf8) + Array(repeating: 5, count: 3_000)))
        }
        configuration.checkpoints.intervalHeights = 8
        configuration.checkpoints.diskBytesPerSecond = 1_000_000  // 1 MB/s: a slow disk shows
        let subnet = Self.run(configuration, seconds: 12)
        #expect(subnet.execution.outcomes.count == 200)
        let checkpoints = subnet.execution.checkpointWrites.keys.sorted()
        #expect(checkpoints.count >= 2 && checkpoints.allSatisfy { $0 % 8 == 0 })
        let written = checkpoints.reduce(UInt64(0)) { $0 + (subnet.execution.checkpointWrites[$1]?.writtenBytes ?? 0) }
        #expect(written >= 200 * 4_096, "every new key's page is written once: \(written) bytes")
        for height in checkpoints {
            let bytes = try #require(subnet.execution.checkpointWrites[height]).writtenBytes
            let executed = subnet.execution.executionTimes[Int(height) - 1]
            let certified = try #require(subnet.certification.firstCertification[height]).time
            #expect(certified - executed >= .nanoseconds(Int64(bytes) * 1_000), "height \(height): \(bytes) bytes")
        }
    }

    @Test func aReplicaThatDivergesIsCaught() throws {
        var configuration = try Self.configuration(nodes: 4, messages: 30, every: .milliseconds(60), seed: 4)
        configuration.executesOnEveryReplica = true
        var simulation = Simulation(model: SubnetSimulation(configuration: configuration))
        simulation.model.start(&simulation.scheduler)
        _ = simulation.run(.until(.zero + .seconds(2)))
        #expect(simulation.model.execution.disagreement == nil)
        // Replica 2's counter gains a cycle no other replica has.
        var counter = try #require(simulation.model.replicas[2].ownExecution?.state.canister(Self.counter))
        counter.cycles = counter.cycles + Cycles(1)
        simulation.model.replicas[2].ownExecution?.state.add(counter)
        _ = simulation.run(.until(.zero + .seconds(4)))
        let disagreement = try #require(simulation.model.execution.disagreement)
        #expect(disagreement.node == 2)
    }

    @Test func slowExecutionHoldsBackCertificationAndSlowsConsensus() throws {
        // 400 increments, 20 a second: with cores of 20 M instructions a second, a round of
        // ten messages (10 x 2 M of overhead) takes a second, longer than a block.
        let fast = try Self.configuration(nodes: 4, messages: 400, every: .milliseconds(50), seed: 9)
        var slow = fast
        slow.round.instructionsPerSecondPerCore = 20_000_000
        try Self.expectSlowRoundsThrottleConsensus(fast: fast, slow: slow)
    }

    /// Runs `fast` and `slow` (the same subnet with longer rounds) for 25 s: consensus slows to
    /// execution's pace, every replica of the slow one certifies behind what it finalized by a
    /// bounded backlog (the notary delay's backlog term), and answers come a second later.
    static func expectSlowRoundsThrottleConsensus(fast: SubnetConfiguration, slow: SubnetConfiguration) throws {
        let quick = run(fast, seconds: 25)
        let lagging = run(slow, seconds: 25)
        let finalized = (quick: quick.metrics.finalizedHeightMin, lagging: lagging.metrics.finalizedHeightMin)
        #expect(finalized.lagging * 3 < finalized.quick * 2, "consensus slows down to execution's pace: \(finalized)")
        for node in lagging.replicas.indices {
            let lag = lagging.replicas[node].consensus.finalizedHeight - lagging.replicas[node].certifier.certifiedHeight
            #expect(lag >= 1 && lag < 10, "node \(node): \(lag) heights")
            #expect(quick.replicas[node].consensus.finalizedHeight - quick.replicas[node].certifier.certifiedHeight <= 1)
        }
        let latency = (quick: try #require(quick.execution.ingress.latency.quantile(1, 2)),
                       lagging: try #require(lagging.execution.ingress.latency.quantile(1, 2)))
        #expect(latency.lagging > latency.quick + .seconds(1), "\(latency)")
    }

    @Test func callsThatOutliveTheirExpiryEndExpired() throws {
        // Two of four nodes are down from 1.5 s to 6 s: no block is finalized meanwhile.
        var configuration = try Self.configuration(nodes: 4, messages: 20, every: .milliseconds(250), seed: 3)
        configuration.ingressTimeToLive = .seconds(2)
        configuration.nodeFaults = [NodeFault(node: 1, .crash, from: .zero + .milliseconds(1_500), until: .zero + .seconds(6)),
                                    NodeFault(node: 2, .crash, from: .zero + .milliseconds(1_500), until: .zero + .seconds(6))]
        let subnet = Self.run(configuration, seconds: 15)
        let execution = subnet.execution
        let expired = execution.ingress.expiredCalls(at: .zero + .seconds(15))
        #expect(!expired.isEmpty && !execution.ingress.droppedExpired.isEmpty, "calls submitted during the stall expire")
        #expect(Set(execution.ingress.droppedExpired).isSubset(of: Set(expired)), "a call dropped for its expiry is expired for its user")
        for id in UInt64(1)...20 {
            let outcome = execution.outcome(of: id)
            let deadline = configuration.ingress[Int(id) - 1].at + .seconds(2)
            let certifiedInTime = (outcome?.certifiedAt).map { $0 <= deadline } ?? false
            #expect(expired.contains(id) != certifiedInTime, "call \(id) ends exactly one way: \(String(describing: outcome))")
        }
        // Calls submitted after the stall are answered; the counter counts only inducted calls.
        #expect(execution.outcome(of: 20)?.status == .replied(Self.le64(UInt64(20 - execution.ingress.droppedExpired.count))))
    }

    @Test func badCanistersAndIngressAreProblems() throws {
        var configuration = SubnetConfiguration(nodeCount: 4)
        configuration.canisters = [CanisterSetup(id: Self.counter, wasm: [0, 97, 115, 109]), CanisterSetup(id: Self.counter, wasm: try Self.wasm("counter")),
                                   CanisterSetup(id: .management, wasm: try Self.wasm("counter"))]
        configuration.ingress = [
            SubmittedIngress(at: .zero, IngressMessage(id: 1, sender: .anonymous, receiver: Self.counter, method: "inc", argument: [])),
            SubmittedIngress(at: .zero, IngressMessage(id: 1, sender: .anonymous, receiver: Self.counter, method: "inc", argument: [])),
        ]
        let problems = configuration.problems()
        #expect(problems.count == 4, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("canisters[2].id: \(UInt64.max) is reserved") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("canisters[0]: CANISTER_ERROR (IC0505)") }, "\(problems)")
        #expect(problems.contains("canisters[1].id: canister \(Self.counter) is listed twice"))
        #expect(problems.contains("ingress[1].message.id: message 1 is submitted twice"))
        var late = SubnetConfiguration(nodeCount: 4)
        late.ingress = [SubmittedIngress(at: .zero, IngressMessage(id: 1, sender: .anonymous, receiver: Self.counter, method: "inc", argument: [],
                                                                  expiryNanos: SubnetExecution.epochNanos + 301_000_000_000))]
        late.ingressTimeToLive = .zero
        #expect(late.problems().contains { $0.hasPrefix("ingressTimeToLive: must be positive") })
        late.ingressTimeToLive = .seconds(300)
        #expect(late.problems().contains { $0.hasPrefix("ingress[0].message.expiryNanos: ") }, "\(late.problems())")
    }
}
