import Testing
import SimCore
import ICSim
import ICSimTestSupport
@testable import Scenarios

/// Per-subnet window horizons (Docs/Determinism.md, "Subnets in parallel"): a client event
/// bounds the windows of the subnet it touches only, and the run is still the one-event run,
/// on every thread count, with every kind of client, with clients that call several subnets
/// (whose events bound every subnet), and with the clients' per-subnet times turned off.
@Suite("Per-subnet window horizons")
struct PerSubnetHorizonTests {
    /// Two subnets calling each other (`cross-subnet-calls`) with every kind of client added:
    /// closed-loop polling users, a client that bypasses the boundary node with a short
    /// network delay (a short lookahead), and a scripted user whose steps call both subnets.
    static func mixedClients(seconds: Int64) throws -> Scenario {
        var scenario = try WindowedRunTests.scenario("cross-subnet-calls", seconds: seconds)
        var polling = ClientSpecification(name: "polling-users", call: .update, canister: "counter", method: "inc",
                                          load: .closedLoop(users: 3, thinkTime: .milliseconds(70)))
        polling.agent = .polling
        polling.from = .milliseconds(500)
        var direct = ClientSpecification(name: "direct-reads", call: .query, canister: "caller", method: "get",
                                         load: .openLoop(ratePerSecond: 15, poisson: true))
        direct.entry = .roundRobin
        direct.networkDelay = .milliseconds(7)
        direct.networkJitter = .milliseconds(3)
        let steps = [CallStep(method: "inc", canister: "counter"), CallStep(method: "get", canister: "counter", call: .query),
                     CallStep(method: "get", canister: "caller", call: .query), CallStep(method: "inc", canister: "counter")]
        var scripted = ClientSpecification(name: "both-subnets", steps: steps)
        scripted.from = .seconds(2)
        scenario.clients += [polling, direct, scripted]
        return scenario
    }

    /// `scenario` run on `threads` threads (with the clients' per-subnet times unless
    /// `perSubnet` is false, when every client event bounds every subnet): its JSON report,
    /// trace hash, windows and stretches.
    static func run(_ scenario: Scenario, threads: Int, perSubnet: Bool = true) throws -> (json: String, traceHash: String, windows: UInt64, stretches: UInt64) {
        var simulation = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil })
        if !perSubnet { simulation.clients.touches = nil }
        simulation.run(threads: threads)
        let ic = simulation.internetComputer
        return (ScenarioReport(simulation).json, simulation.traceHash, ic.windowsRun, ic.stretchesRun)
    }

    @Test func everyClientKindGivesTheOneEventRunOnEveryThreadCount() throws {
        let scenario = try Self.mixedClients(seconds: 6)
        var stepped = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil })
        stepped.runOneEventAtATime(until: .zero + scenario.duration)
        let oneEvent = (json: ScenarioReport(stepped).json, traceHash: stepped.traceHash)
        #expect(stepped.workload.statistics.allSatisfy { $0.sent > 0 }, "every client must make calls to mean something")
        for threads in [1, 2, 3] {
            let windowed = try Self.run(scenario, threads: threads)
            #expect(windowed.windows > 100)
            #expect(windowed.traceHash == oneEvent.traceHash, "\(threads) threads")
            #expect(windowed.json == oneEvent.json, "\(threads) threads")
        }
    }

    /// Without the clients' per-subnet times (one horizon for every subnet, the fallback of
    /// users that cannot tell) the run is the same; on mainnet's 37 subnets, in more than
    /// twice the stretches (on two subnets about as many).
    @Test(arguments: [("mainnet-topology", Int64(3), true), ("cross-subnet-calls", Int64(6), false)])
    func oneHorizonForAllGivesTheSameRun(name: String, seconds: Int64, fewerStretches: Bool) throws {
        let scenario = try WindowedRunTests.scenario(name, seconds: seconds)
        let perSubnet = try Self.run(scenario, threads: 1)
        let shared = try Self.run(scenario, threads: 1, perSubnet: false)
        #expect(perSubnet.traceHash == shared.traceHash)
        #expect(perSubnet.json == shared.json)
        #expect(!fewerStretches || perSubnet.stretches * 2 < shared.stretches, "per-subnet \(perSubnet.stretches), shared \(shared.stretches)")
        let two = try Self.run(scenario, threads: 2)
        #expect(two.traceHash == perSubnet.traceHash && two.json == perSubnet.json)
    }

    /// A scripted client calling both subnets counts for every subnet; one calling one subnet
    /// counts for it alone.
    @Test func clientsCallingSeveralSubnetsCountForEvery() throws {
        let scenario = try Self.mixedClients(seconds: 3)
        let simulation = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil })
        let subnets = simulation.workload.subnetOfEachClient
        #expect(subnets.count == scenario.clients.count)
        #expect(subnets.last == .some(nil))
        #expect(subnets.dropLast().allSatisfy { $0 != nil })
        #expect(simulation.clients.touches != nil)
    }
}

/// The clients' pending times by subnet.
@Suite("Pending client events by subnet")
struct PendingTouchesTests {
    static func at(_ millis: Int64) -> SimInstant { .zero + .milliseconds(millis) }

    @Test func eachSubnetSeesItsOwnAndEveryonesEvents() {
        var touches = PendingTouches(subnetCount: 3)
        #expect(touches.nextTime(touching: 0) == nil)
        touches.insert(at: Self.at(5), touching: 0)
        touches.insert(at: Self.at(3), touching: 1)
        touches.insert(at: Self.at(9), touching: nil)
        touches.insert(at: Self.at(4), touching: 7)  // unknown subnet: every subnet's
        #expect(touches.nextTime(touching: 0) == Self.at(4))
        #expect(touches.nextTime(touching: 1) == Self.at(3))
        #expect(touches.nextTime(touching: 2) == Self.at(4))
        touches.remove(at: Self.at(3), touching: 1)
        touches.remove(at: Self.at(4), touching: 7)
        #expect(touches.nextTime(touching: 0) == Self.at(5))
        #expect(touches.nextTime(touching: 1) == Self.at(9))
        #expect(touches.nextTime(touching: 2) == Self.at(9))
    }
}
