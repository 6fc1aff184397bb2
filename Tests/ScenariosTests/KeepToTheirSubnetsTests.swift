import Testing
import SimCore
import ICSim
import ICSimTestSupport
@testable import Scenarios

/// Clients that keep to their subnets (``InternetComputerUsers/keepToTheirSubnets``): a subnet
/// then runs up to the cross-subnet delay past the floor, and no further than the answer
/// lookahead past an answer of its own the users have not handled (Docs/Determinism.md,
/// "Subnets in parallel"). The run must still be the one-event run.
@Suite("Clients keeping to their subnets")
struct KeepToTheirSubnetsTests {
    /// Two subnets calling each other (users on "front" call a canister that calls "back"),
    /// and closed-loop synchronous callers on "back" with a short network delay, who call
    /// again as soon as an answer reaches them (the answer lookahead is 7 ms, far below the
    /// cross-subnet delay). Nothing else touches "back", so its stretches are long and an
    /// answer's consequences fall inside them unless its answers bound them.
    static func oneSubnetClients(seconds: Int64) throws -> Scenario {
        var scenario = try WindowedRunTests.scenario("cross-subnet-calls", seconds: seconds)
        scenario.clients.removeAll { $0.name == "local-reads" }
        var synchronous = ClientSpecification(name: "sync-callers", call: .update, canister: "counter", method: "inc",
                                              load: .closedLoop(users: 4, thinkTime: .zero))
        synchronous.agent = .synchronous
        synchronous.networkDelay = .milliseconds(7)
        synchronous.networkJitter = .milliseconds(3)
        scenario.clients.append(synchronous)
        return scenario
    }

    /// `scenario` on `threads` threads, with or without the clients' claim: its report, trace
    /// hash and stretches.
    static func run(_ scenario: Scenario, threads: Int, claim: Bool = true) throws -> (json: String, traceHash: String, stretches: UInt64) {
        var simulation = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil })
        simulation.clients.mayKeepToTheirSubnets = claim
        #expect(simulation.clients.keepToTheirSubnets == claim)
        simulation.run(threads: threads)
        return (ScenarioReport(simulation).json, simulation.traceHash, simulation.internetComputer.stretchesRun)
    }

    @Test func theClaimGivesTheOneEventRunOnEveryThreadCount() throws {
        let scenario = try Self.oneSubnetClients(seconds: 6)
        var stepped = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil })
        stepped.runOneEventAtATime(until: .zero + scenario.duration)
        #expect(stepped.workload.statistics.allSatisfy { $0.sent > 0 }, "every client must make calls to mean something")
        #expect((stepped.workload.statistics.last?.replied ?? 0) >= 10, "the synchronous callers' answers must flow")
        for threads in [1, 2, 3] {
            let claimed = try Self.run(scenario, threads: threads)
            #expect(claimed.traceHash == stepped.traceHash, "\(threads) threads")
            #expect(claimed.json == ScenarioReport(stepped).json, "\(threads) threads")
        }
    }

    /// On mainnet's 37 subnets the claim lets a subnet run past the floor's answer lookahead:
    /// the same run in fewer, longer stretches.
    @Test func theClaimLengthensTheStretchesOfMainnet() throws {
        let scenario = try WindowedRunTests.scenario("mainnet-topology", seconds: 3)
        let claimed = try Self.run(scenario, threads: 1)
        let unclaimed = try Self.run(scenario, threads: 1, claim: false)
        #expect(claimed.traceHash == unclaimed.traceHash && claimed.json == unclaimed.json)
        #expect(claimed.stretches * 5 < unclaimed.stretches * 4, "claimed \(claimed.stretches), unclaimed \(unclaimed.stretches)")
    }

    /// A client calling several subnets (a scripted user's steps on both) voids the claim.
    @Test func aClientOnSeveralSubnetsClaimsNothing() throws {
        var scenario = try Self.oneSubnetClients(seconds: 1)
        let steps = [CallStep(method: "inc", canister: "counter"), CallStep(method: "get", canister: "caller", call: .query)]
        scenario.clients.append(ClientSpecification(name: "both-subnets", steps: steps))
        let simulation = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil })
        #expect(simulation.clients.touches != nil)
        #expect(!simulation.clients.keepToTheirSubnets)
    }
}
