import ICSim

/// The scenario loader's target.
enum ScenarioHarness {
    /// Scenarios larger than this are loaded and written but not built into a simulation
    /// (building allocates per node, and the loader itself is what is fuzzed).
    static let nodesBuiltMax = 200

    static func load(_ bytes: [UInt8]) {
        let scenario: Scenario
        do {
            scenario = try ScenarioLoader.load(bytes)
        } catch {
            guard !error.problems.isEmpty, !error.description.isEmpty else { finding("a scenario error without problems") }
            return
        }
        let written = scenario.json
        do {
            let again = try ScenarioLoader.load(written)
            guard again == scenario else { finding("a scenario does not read back equal after writing:\n\(written)") }
        } catch {
            finding("a written scenario does not load: \(error)\n\(written)")
        }
        guard scenario.subnets.reduce(0, { $0 + $1.nodeCount }) <= nodesBuiltMax else { return }
        guard let modules = try? scenario.modules(readFile: { _ in nil }) else { return }
        _ = try? ScenarioSimulation(scenario: scenario, modules: modules)
    }
}
