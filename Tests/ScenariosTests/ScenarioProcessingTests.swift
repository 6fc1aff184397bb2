import Testing
import SimCore
import InternetComputer
@testable import Scenarios

/// A subnet's `processing` key: the IC's costs by default, overrides, "instantaneous", errors.
@Suite("Scenario processing")
struct ScenarioProcessingTests {
    static func subnet(_ processing: String) -> String {
        ScenarioLoaderTests.minimal(adding: #""subnets": [{"name": "app", "processing": \#(processing)}]"#)
    }

    @Test func subnetsTakeTheICsProcessingByDefault() throws {
        let scenario = try ScenarioLoader.load(ScenarioLoaderTests.minimal)
        let configuration = try #require(scenario.configuration(modules: [[]]).subnets.first)
        #expect(configuration.processing == .internetComputer)
    }

    @Test func overridesKeepTheRestAndRoundTrip() throws {
        let scenario = try ScenarioLoader.load(Self.subnet(#"{"idlePollInterval": "50ms", "signing": "1ms"}"#))
        let processing = try #require(scenario.subnets.first?.processing)
        var expected = ProcessingConfiguration.internetComputer
        expected.idlePollInterval = .milliseconds(50)
        expected.signing = .milliseconds(1)
        #expect(processing.configuration == expected)
        #expect(try ScenarioLoader.load(scenario.json) == scenario)
    }

    @Test func instantaneousProcessingCostsNothing() throws {
        let scenario = try ScenarioLoader.load(Self.subnet(#""instantaneous""#))
        #expect(scenario.subnets.first?.processing?.configuration == .instantaneous)
        #expect(try ScenarioLoader.load(scenario.json) == scenario)
    }

    @Test func badProcessingIsReportedWhereItIs() {
        #expect(ScenarioLoaderTests.problems(Self.subnet(#""fast""#))
            == [#"subnets[0].processing: expected "instantaneous" or an object of durations, found "fast""#])
        #expect(ScenarioLoaderTests.problems(Self.subnet(#"{"signing": "2m"}"#))
            == [#"subnets[0].processing.signing: "2m" is longer than the most allowed here, 60.000 s"#])
        let unknown = ScenarioLoaderTests.problems(Self.subnet(#"{"sighing": "1ms"}"#))
        #expect(unknown.count == 1 && unknown[0].hasPrefix(#"subnets[0].processing.sighing: unknown key (did you mean "signing"?)"#))
    }
}
