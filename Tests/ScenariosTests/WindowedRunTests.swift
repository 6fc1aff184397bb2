import Testing
import SimCore
import ICSim
import ICSimTestSupport
@testable import Scenarios
@testable import InternetComputer

/// Multi-subnet runs in windows (Docs/Determinism.md, "Subnets in parallel"): the same run,
/// report and trace hash for every thread count, and the same as stepping one event at a time.
@Suite("Windowed multi-subnet runs")
struct WindowedRunTests {
    static func scenario(_ name: String, seconds: Int64) throws -> Scenario {
        var scenario = try ScenarioLoader.load(try Fixture.bytes("Scenarios/\(name).json"))
        scenario.duration = .seconds(seconds)
        return scenario
    }

    /// `scenario` run on `threads` threads: its JSON report, trace hash, the windows run and
    /// the stream slices delivered.
    static func run(_ scenario: Scenario, threads: Int) throws -> (json: String, traceHash: String, windows: UInt64, slices: Int) {
        var simulation = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil })
        simulation.run(threads: threads)
        let ic = simulation.internetComputer
        return (ScenarioReport(simulation).json, simulation.traceHash, ic.windowsRun, ic.slicesDelivered)
    }

    /// 37 subnets (light load on each) and two subnets calling each other's canisters: every
    /// thread count gives the one-thread run byte for byte, more threads than cores included.
    @Test(arguments: [("mainnet-topology", Int64(2), false), ("cross-subnet-calls", Int64(12), true)])
    func everyThreadCountGivesTheSameRun(name: String, seconds: Int64, callsAcross: Bool) throws {
        let scenario = try Self.scenario(name, seconds: seconds)
        let one = try Self.run(scenario, threads: 1)
        #expect(one.windows > 100, "the run must go through windows to mean something: \(one.windows)")
        #expect(!callsAcross || one.slices > 0, "the subnets must exchange stream slices to mean something")
        for threads in [2, 5] {
            let many = try Self.run(scenario, threads: threads)
            #expect(many.traceHash == one.traceHash, "\(name) on \(threads) threads")
            #expect(many.json == one.json, "\(name) on \(threads) threads")
            #expect(many.slices == one.slices, "\(name) on \(threads) threads")
        }
    }

    /// The windows reproduce the one-event-at-a-time run: slices and answers delivered at a
    /// window's end, in publication order, change nothing (on one thread the subnets of a
    /// window run in line, gathering what they publish in one output; on more, on the crew).
    @Test(arguments: ["mainnet-topology", "cross-subnet-calls", "app-subnet-baseline"], [1, 2])
    func windowsReproduceTheOneEventRun(name: String, threads: Int) throws {
        let scenario = try Self.scenario(name, seconds: 4)
        var stepped = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil })
        stepped.runOneEventAtATime(until: .zero + scenario.duration)
        #expect(stepped.internetComputer.windowsRun == 0)
        let windowed = try Self.run(scenario, threads: threads)
        #expect(windowed.windows > 0)
        #expect(windowed.traceHash == stepped.traceHash)
        #expect(windowed.json == ScenarioReport(stepped).json)
    }

    /// A crew whose workers never get a thread (every thread of the machine busy) still
    /// finishes: the coordinator runs every stretch itself, and the run is the one-thread run.
    @Test func aCrewWithoutWorkersFinishesTheSameRun() throws {
        let scenario = try Self.scenario("cross-subnet-calls", seconds: 6)
        let one = try Self.run(scenario, threads: 1)
        var simulation = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil })
        simulation.internetComputer.crewStartsWorkers = false
        simulation.run(threads: 3)
        #expect(simulation.traceHash == one.traceHash)
        #expect(ScenarioReport(simulation).json == one.json)
        #expect(simulation.internetComputer.slicesDelivered == one.slices && one.slices > 0)
    }

    /// A client with no network delay leaves no lookahead: the run steps one event at a time,
    /// on any thread count, and gives the same run.
    @Test func noLookaheadMeansOneEventAtATime() throws {
        var scenario = try Self.scenario("cross-subnet-calls", seconds: 4)
        for index in scenario.clients.indices { scenario.clients[index].networkDelay = .zero }
        let one = try Self.run(scenario, threads: 1)
        let four = try Self.run(scenario, threads: 4)
        #expect(one.windows == 0 && four.windows == 0)
        #expect(one.json == four.json)
    }
}
