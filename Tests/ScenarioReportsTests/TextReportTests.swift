import Testing
import SimCore
import Consensus
import Scenarios
@testable import ScenarioReports

/// The text report's words for people: grouped counts, durations with units, node lists as
/// ranges, faults and Byzantine behaviours as sentences.
@Suite("Text report sentences")
struct TextReportTests {
    @Test(arguments: [(UInt64(0), "0"), (999, "999"), (1_000, "1,000"), (143_339, "143,339"), (3_191_168_614, "3,191,168,614")])
    func countsAreGrouped(value: UInt64, text: String) {
        #expect(ScenarioReport.grouped(value) == text)
    }

    @Test func bigCountsGivenAsTextAreGroupedToo() {
        #expect(ScenarioReport.grouped("7652970636") == "7,652,970,636")
        #expect(ScenarioReport.grouped("-1234") == "-1,234")
    }

    @Test(arguments: [(SimDuration.zero, "0 s"), (.seconds(10), "10 s"), (.milliseconds(2_466), "2.466 s"),
                      (.microseconds(570_400), "570.4 ms"), (.microseconds(250), "250 µs")])
    func durationsHaveOneStyle(duration: SimDuration, text: String) {
        #expect(ScenarioReport.readable(duration) == text)
    }

    @Test func nodesRunTogetherAsRanges() {
        #expect(ScenarioReport.list([4]) == "4")
        #expect(ScenarioReport.list([0, 1, 2, 3, 4, 5, 6]) == "0-6")
        #expect(ScenarioReport.list([9, 1, 2]) == "1, 2, 9")
        #expect(ScenarioReport.list([0, 1, 2, 5, 7, 8, 9, 12]) == "0-2, 5, 7-9, 12")
    }

    @Test func faultsReadAsSentences() {
        let split = ScenarioFault(.split(groups: [Array(0...6), Array(7...12)]), at: .seconds(10), until: .seconds(30))
        #expect(ScenarioReport.sentence(split) == "from 10 s until 30 s: the network split into {0-6} and {7-12}")
        let byzantine = ScenarioFault(.byzantine(nodes: [10], behaviors: [.delayer(.seconds(2))]), at: .seconds(5), until: .seconds(20))
        #expect(ScenarioReport.sentence(byzantine) == "from 5 s until 20 s: node 10 Byzantine: sends everything 2 s late")
        let equivocating = ScenarioFault(.byzantine(nodes: [4], behaviors: [.equivocatingMaker(groups: [])]), at: .zero, until: nil)
        #expect(ScenarioReport.sentence(equivocating) == "throughout: node 4 Byzantine: as block maker, sends a different block to each half of its peers")
        let crash = ScenarioFault(.crash(nodes: [1, 2, 3]), at: .milliseconds(1_500), until: nil)
        #expect(ScenarioReport.sentence(crash) == "from 1.500 s on: nodes 1-3 crashed")
    }
}
