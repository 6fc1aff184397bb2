import Testing
@testable import ICSim
@testable import InternetComputer
@testable import Scenarios
@testable import ScenarioReports
@testable import ICSimTesting
import Consensus
import ICSimTestSupport

/// The swarm generator: deterministic, valid scenarios inside the fault budget, two phases
/// with the convergence phase covering the liveness bound, only the enabled fault kinds.
@Suite("Swarm testing")
struct SwarmTests {
    static let sizes: [Int?] = [nil, 4, 13, 40]

    @Test(arguments: sizes) func everyGeneratedScenarioIsValidAndReadsBackEqual(nodes: Int?) throws {
        for seed in UInt64(1)...150 {
            let scenario = SwarmGenerator.scenario(seed: seed, options: SwarmOptions(nodes: nodes))
            #expect(scenario == SwarmGenerator.scenario(seed: seed, options: SwarmOptions(nodes: nodes)), "seed \(seed): the same scenario each time")
            #expect(scenario.problems().isEmpty, "seed \(seed): \(scenario.problems())")
            #expect(try ScenarioLoader.load(scenario.json) == scenario, "seed \(seed)")
            if let nodes { #expect(scenario.subnets.allSatisfy { $0.nodeCount == nodes }) }
            _ = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil })
        }
    }

    @Test func atMostFNodesPerSubnetAreEverCrashedPausedOrByzantine() {
        var faultsSeen = 0
        for seed in UInt64(1)...400 {
            let scenario = SwarmGenerator.scenario(seed: seed)
            for subnet in scenario.subnets {
                let faulty = Set(scenario.faults.filter { $0.subnet == subnet.name }.flatMap { fault -> [Int] in
                    switch fault.kind {
                    case .crash(let nodes), .pause(let nodes), .byzantine(let nodes, _): nodes
                    default: []
                    }
                })
                #expect(faulty.count <= (subnet.nodeCount - 1) / 3, "seed \(seed), subnet \(subnet.name): \(faulty.sorted())")
            }
            faultsSeen += scenario.faults.count
        }
        #expect(faultsSeen > 400, "the seeds do make faults")
    }

    @Test func faultsEndInTheFaultPhaseAndTheRunOutlastsTheLivenessBound() throws {
        var kindsSeen: Set<String> = []
        for seed in UInt64(1)...300 {
            let scenario = SwarmGenerator.scenario(seed: seed)
            let enabled = scenario.description.components(separatedBy: "enabled: ").last ?? ""
            var lastEnd = SimDuration.zero
            for fault in scenario.faults {
                #expect(enabled.contains(fault.kindName), "seed \(seed): \(fault.kindName) is not among \(enabled)")
                kindsSeen.insert(fault.kindName)
                guard let until = fault.until else {
                    guard case .byzantine(_, let behaviors) = fault.kind, behaviors.contains(where: { if case .twins = $0 { true } else { false } }) else {
                        Issue.record("seed \(seed): only twins run without an end")
                        continue
                    }
                    continue
                }
                #expect(fault.at < until && until <= SwarmOptions().faultPhaseMax)
                lastEnd = max(lastEnd, until)
            }
            let configuration = scenario.configuration(modules: try scenario.modules { _ in nil })
            let bound = configuration.subnets.map { LivenessChecker(configuration: $0).bound }.max() ?? .zero
            #expect(scenario.duration >= lastEnd + bound, "seed \(seed): the convergence phase covers the liveness bound")
        }
        #expect(kindsSeen == Set(SwarmGenerator.faultKinds), "every fault kind appears: \(kindsSeen.sorted())")
    }

    @Test func swarmRunsPassAndCarryTheirScenario() {
        for seed in UInt64(1)...3 {
            let outcome = SwarmGenerator.run(seed: seed, options: SwarmOptions(nodes: 4))
            #expect(outcome.passed, "seed \(seed): \(outcome.failedChecks)")
            #expect(outcome.scenario.seed == seed && outcome.virtualDuration == outcome.scenario.duration && outcome.events > 0)
        }
    }

    @Test func aFailingScenarioFailsItsCheckInTheSwarmRunner() throws {
        // The f+1 fork with the expectation turned around: the swarm runner reports safety.
        var scenario = try ScenarioLoader.load(Array(try Fixture.bytes("Scenarios/f-plus-one-fork.json")))
        scenario.expectations = Expectations()
        let outcome = SwarmGenerator.run(scenario)
        #expect(outcome.failedChecks.map(\.name).contains("safety"), "\(outcome.failedChecks)")
    }

    @Test func theParameterLineIsOneLineOfJSONWithEverythingDrawn() throws {
        let scenario = SwarmGenerator.scenario(seed: 7)
        let line = SwarmGenerator.parameters(scenario)
        #expect(!line.contains("\n"))
        let value = try JSONParser.parse(line)
        for key in ["seed", "duration", "subnets", "workload", "faults"] { #expect(value[key] != nil, "\(key)") }
    }
}
