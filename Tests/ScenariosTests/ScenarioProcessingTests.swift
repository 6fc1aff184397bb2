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

    static func dissemination(_ value: String) -> String {
        ScenarioLoaderTests.minimal(adding: #""subnets": [{"name": "app", "dissemination": \#(value)}]"#)
    }

    @Test func subnetsTakeTheICsDisseminationUnlessChanged() throws {
        let plain = try ScenarioLoader.load(ScenarioLoaderTests.minimal)
        #expect(plain.configuration(modules: [[]]).subnets.first?.dissemination == .internetComputer)
        let changed = try ScenarioLoader.load(Self.dissemination(#"{"hashesInBlocks": false, "pushThresholdBytes": 4096}"#))
        var expected = DisseminationConfiguration.internetComputer
        expected.hashesInBlocks = false
        expected.pushThresholdBytes = 4_096
        #expect(changed.subnets.first?.dissemination?.configuration == expected)
        #expect(try ScenarioLoader.load(changed.json) == changed)
        let direct = try ScenarioLoader.load(Self.dissemination(#""direct""#))
        #expect(direct.subnets.first?.dissemination?.configuration == .direct)
        #expect(try ScenarioLoader.load(direct.json) == direct)
    }

    @Test func badDisseminationIsReportedWhereItIs() {
        #expect(ScenarioLoaderTests.problems(Self.dissemination(#""gossip""#))
            == [#"subnets[0].dissemination: expected "direct" or an object (gossipsIngress, hashesInBlocks, strippedIngressBytes, pushThresholdBytes), found "gossip""#])
        #expect(ScenarioLoaderTests.problems(Self.dissemination(#"{"pushThresholdBytes": -1}"#)).count == 1)
        #expect(ScenarioLoaderTests.problems(Self.dissemination(#"{"gossipsIngress": 1}"#)).first?.hasPrefix("subnets[0].dissemination.gossipsIngress: ") == true)
    }
}

/// The `blockRate` expectation: a calibration's range of finalized heights per second.
@Suite("Block-rate expectations")
struct BlockRateExpectationTests {
    static func scenario(_ bound: String) -> String {
        ScenarioLoaderTests.minimal(adding: #""subnets": [{"name": "app"}], "expectations": {"blockRate": [\#(bound)]}"#)
    }

    @Test func aBoundIsReadAndWrittenBack() throws {
        let scenario = try ScenarioLoader.load(Self.scenario(#"{"subnet": "app", "min": 1.02, "max": 1.38}"#))
        #expect(scenario.expectations.blockRate == [BlockRateBound(subnet: "app", minimumPerSecond: 1.02, maximumPerSecond: 1.38)])
        #expect(try ScenarioLoader.load(scenario.json) == scenario)
    }

    @Test func badBoundsAreReportedWhereTheyAre() {
        #expect(ScenarioLoaderTests.problems(Self.scenario(#"{"subnet": "nns", "min": 1}"#))
            == [#"expectations.blockRate[0].subnet: no subnet is named "nns"; the subnets are "app""#])
        #expect(ScenarioLoaderTests.problems(Self.scenario(#"{"subnet": "app", "min": 2, "max": 1}"#))
            == [#"expectations.blockRate[0].max: expected at least "min" (2), found 1"#])
    }
}
