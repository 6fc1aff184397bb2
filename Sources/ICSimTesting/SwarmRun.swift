import ICSim

/// What one swarm seed came to.
public struct SwarmOutcome: Sendable {
    /// The seed.
    public let seed: UInt64
    /// The scenario it generated (and that reproduces the run: `icsim run` it).
    public let scenario: Scenario
    /// The checks that failed (empty when the run passed). A scenario that does not build
    /// (a generator bug) fails a check named `scenario`.
    public let failedChecks: [ScenarioReport.Check]
    /// Virtual time simulated.
    public let virtualDuration: SimDuration
    /// Events processed.
    public let events: UInt64

    /// Whether every check passed.
    public var passed: Bool { failedChecks.isEmpty }
}

extension SwarmGenerator {
    /// Generates the scenario of `seed` and runs it with every checker.
    public static func run(seed: UInt64, options: SwarmOptions = SwarmOptions()) -> SwarmOutcome {
        run(scenario(seed: seed, options: options))
    }

    /// Runs a (generated) scenario with every checker.
    public static func run(_ scenario: Scenario) -> SwarmOutcome {
        do {
            let modules = try scenario.modules(readFile: { _ in nil })
            var simulation = try ScenarioSimulation(scenario: scenario, modules: modules)
            simulation.run()
            let report = ScenarioReport(simulation)
            return SwarmOutcome(seed: scenario.seed, scenario: scenario, failedChecks: report.checks.filter { !$0.passed },
                                virtualDuration: simulation.now - .zero, events: simulation.eventsProcessed)
        } catch {
            let check = ScenarioReport.Check(name: "scenario", passed: false, detail: "the generated scenario does not build: \(error)")
            return SwarmOutcome(seed: scenario.seed, scenario: scenario, failedChecks: [check], virtualDuration: .zero, events: 0)
        }
    }

    /// Every parameter the seed drew, on one line (JSON of the generated parts).
    public static func parameters(_ scenario: Scenario) -> String {
        guard case .object(let members) = scenario.jsonValue else { return scenario.json }
        let drawn = members.filter { ["seed", "duration", "subnets", "workload", "faults"].contains($0.key) }
        return JSONValue.object(drawn).compact
    }
}
