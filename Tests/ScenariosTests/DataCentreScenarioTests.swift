import Testing
import ICSim
@testable import InternetComputer
@testable import Scenarios

/// A subnet's `"dataCentres"`: the IC's twelve data centres (`true`) or a subset of them by
/// name, instead of the cloud regions; mistakes named with their JSON path; written out and
/// read back equal.
@Suite("Scenario data centres")
struct DataCentreScenarioTests {
    static func scenario(subnets: String) -> String {
        #"{"name": "t", "subnets": "# + subnets + "}"
    }

    static func configuration(_ text: String) throws -> InternetComputerConfiguration {
        let scenario = try ScenarioLoader.load(text)
        return scenario.configuration(modules: try scenario.modules { _ in nil })
    }

    @Test func trueMeansAllTwelveStartingAtTheSubnetsIndex() throws {
        let configuration = try Self.configuration(Self.scenario(subnets: #"[{"name": "a", "dataCentres": true}, {"name": "b", "nodes": 4, "dataCentres": true}, {"name": "c", "nodes": 4}]"#))
        let first = configuration.subnets[0].network
        #expect(first.latency == .icDataCentres)
        #expect(first.placement == LatencyMatrix.icDataCentrePlacement(nodeCount: 13, firstDataCentre: 0))
        let second = configuration.subnets[1].network
        #expect(second.placement.map { second.latency.regions[$0] } == ["Chicago", "Singapore", "Geneva", "Dallas"], "subnet 1 starts one data centre on")
        #expect(configuration.subnets[2].network.latency == .cloudRegions, "a subnet without the key keeps the default")
    }

    @Test func aListIsUsedRoundRobinInTheOrderGiven() throws {
        let configuration = try Self.configuration(Self.scenario(subnets: #"[{"name": "x", "nodes": 2}, {"name": "a", "nodes": 5, "dataCentres": ["Zurich", "Tokyo"]}]"#))
        let network = configuration.subnets[1].network
        #expect(network.latency.regions == ["Zurich", "Tokyo"])
        #expect(network.latency.oneWay == [[.microseconds(500), .milliseconds(115)], [.milliseconds(115), .microseconds(500)]])
        #expect(network.placement == [0, 1, 0, 1, 0], "no offset for a named list")
    }

    @Test(arguments: [
        (#"[{"name": "a", "dataCentres": ["Berlin"]}]"#, #"subnets[0].dataCentres[0]: unknown data centre "Berlin"; expected one of "Brussels", "Chicago""#),
        (#"[{"name": "a", "dataCentres": ["Geneva", "Tokyo", "Geneva"]}]"#, #"subnets[0].dataCentres[2]: data centre "Geneva" is already listed at subnets[0].dataCentres[0]; list each once"#),
        (#"[{"name": "a", "dataCentres": []}]"#, "subnets[0].dataCentres: expected at least one data centre"),
        (#"[{"name": "a", "dataCentres": false}]"#, "subnets[0].dataCentres: expected true (all twelve IC data centres) or an array of data-centre names, found false"),
        (#"[{"name": "a", "dataCentres": "Zurich"}]"#, "subnets[0].dataCentres: expected true (all twelve IC data centres) or an array of data-centre names, found a string"),
        (#"[{"name": "a", "dataCentres": [7]}]"#, "subnets[0].dataCentres[0]: expected a string, found a number"),
        (#"[{"name": "a", "dataCentres": true, "regions": ["us-east"]}]"#,
         #"subnets[0].dataCentres: give only one of "regions" (built-in cloud regions), "dataCentres" (the IC's data centres) or "latency" (an explicit matrix); found "regions", "dataCentres""#),
        (#"[{"name": "a", "dataCentres": true, "latency": {"regions": ["x"], "oneWay": [["1ms"]]}}]"#, #"subnets[0].latency: give only one of "regions""#),
        (#"[{"name": "a", "regions": ["us-east"], "latency": {"regions": ["x"], "oneWay": [["1ms"]]}}]"#, #"subnets[0].latency: give only one of "regions""#),
        (#"[{"name": "a", "dataCentre": true}]"#, #"subnets[0].dataCentre: unknown key (did you mean "dataCentres"?)"#),
    ])
    func mistakesAreNamedWithTheirPath(subnets: String, expected: String) {
        let problems = ScenarioLoaderTests.problems(Self.scenario(subnets: subnets))
        #expect(problems.contains { $0.hasPrefix(expected) }, "\(expected) not among \(problems)")
    }

    @Test func bothFormsReadBackEqual() throws {
        var scenario = Scenario.builtinDefault
        scenario.subnets = [ScenarioSubnet(name: "a"), ScenarioSubnet(name: "b", nodes: 4), ScenarioSubnet(name: "c", nodes: 7)]
        scenario.subnets[0].network = .icDataCentres(nil)
        scenario.subnets[1].network = .icDataCentres(["Singapore", "Fremont", "Stockholm"])
        scenario.canisters[0].subnet = "a"
        #expect(scenario.problems().isEmpty, "\(scenario.problems())")
        let json = scenario.json
        #expect(json.contains(#""dataCentres": true"#) && json.contains(#""dataCentres": ["#), "\(json)")
        let reread = try ScenarioLoader.load(json)
        #expect(reread == scenario)
        #expect(reread.json == json)
        #expect(reread.subnets[2].network == .cloudRegions(nil))
    }
}
