import Foundation
import Testing
import ICSim
import ICSimTestSupport

/// What the simulator computes stays put: every canonical scenario's JSON report, and the
/// default scenario's, is byte-identical to the one recorded in Tests/RecordedReports (its
/// README says when and how they are re-recorded). The canonical scenarios are checked where
/// ``CanonicalScenarioTests`` runs them, so each runs once.
@Suite("Recorded reports")
struct RecordedReportTests {
    /// The recorded report of `name`, as text.
    static func recorded(_ name: String) throws -> String {
        String(decoding: try Fixture.bytes("Tests/RecordedReports/\(name).json"), as: UTF8.self)
    }

    @Test func everyCanonicalScenarioHasARecordedReport() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Fixture.url("Tests/RecordedReports").path).filter { $0.hasSuffix(".json") }
        #expect(Set(files) == Set((CanonicalScenarioTests.names + ["default"]).map { "\($0).json" }))
    }

    /// Checks `report`, the report of canonical scenario `name` run as written (called by
    /// ``CanonicalScenarioTests``, which runs each scenario once for all its checks).
    static func expectRecorded(_ report: ScenarioReport, name: String) throws {
        #expect(report.json == (try recorded(name)), "Scenarios/\(name).json no longer gives Tests/RecordedReports/\(name).json")
    }

    @Test func theDefaultScenariosReportIsTheRecordedOne() throws {
        var simulation = try ScenarioSimulation(scenario: .builtinDefault, modules: try Scenario.builtinDefault.modules { _ in nil })
        simulation.run()
        #expect(ScenarioReport(simulation).json == (try Self.recorded("default")))
    }
}
