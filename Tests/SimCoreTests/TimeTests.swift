import Testing
import SimCore

@Suite("Virtual time")
struct TimeTests {
    @Test func constructorsAreExactNanoseconds() {
        #expect(SimDuration.microseconds(3).nanoseconds == 3_000)
        #expect(SimDuration.milliseconds(300).nanoseconds == 300_000_000)
        #expect(SimDuration.seconds(2).nanoseconds == 2_000_000_000)
        #expect(SimDuration.minutes(1) == .seconds(60))
        #expect(SimDuration.hours(1) == .minutes(60))
    }

    @Test func arithmeticOnInstantsAndDurations() {
        let start = SimInstant.zero + .seconds(5)
        let later = start + .milliseconds(250)
        #expect(later - start == .milliseconds(250))
        #expect(start - later == .milliseconds(-250))
        #expect(later - .milliseconds(250) == start)
        #expect(SimDuration.seconds(1) * 3 == .seconds(3))
        #expect(SimDuration.seconds(3) / 2 == .milliseconds(1_500))
        #expect(-SimDuration.seconds(1) < .zero)
    }

    @Test func overflowIsReportedByTheCheckedVariants() {
        #expect(SimDuration.max.addingReportingOverflow(.nanoseconds(1)) == nil)
        #expect(SimDuration.seconds(1).addingReportingOverflow(.seconds(1)) == .seconds(2))
        #expect(SimDuration.seconds(10).multipliedReportingOverflow(by: Int64.max) == nil)
        #expect(SimInstant.max.advancedReportingOverflow(by: .nanoseconds(1)) == nil)
    }

    @Test(arguments: [
        (Int64(12_345_000_000), "12.345 s"),
        (1_000_000_000, "1.000 s"),
        (1_000_000_001, "1.000000001 s"),
        (60_000_000_000, "60.000 s"),
        (300_000_000, "300 ms"),
        (300_250_000, "300.25 ms"),
        (1_500, "1.5 µs"),
        (42, "42 ns"),
        (0, "0 ns"),
        (-2_500_000_000, "-2.500 s"),
    ])
    func descriptionIsReadable(nanoseconds: Int64, expected: String) {
        #expect(SimDuration.nanoseconds(nanoseconds).description == expected)
    }

    @Test(arguments: [
        (Int64(40_894_463), 1, "40.9 ms"), (40_894_463, 3, "40.894 ms"), (40_894_463, 0, "41 ms"),
        (1_234_567_891, 0, "1.235 s"), (1_234_567_891, 9, "1.234567891 s"), (1_500, 0, "2 µs"), (42, 2, "42 ns"),
    ])
    func formattedRoundsToTheRequestedDecimals(nanoseconds: Int64, decimals: Int, expected: String) {
        #expect(SimDuration.nanoseconds(nanoseconds).formatted(decimals: decimals) == expected)
    }

    @Test func instantDescriptionNamesTheTime() {
        #expect((SimInstant.zero + .milliseconds(1_500)).description == "t=1.500 s")
    }

    @Test(arguments: [
        ("300ms", Int64(300_000_000)), ("2.5s", 2_500_000_000), ("10m", 600_000_000_000),
        ("1h", 3_600_000_000_000), ("250us", 250_000), ("250µs", 250_000), ("42ns", 42),
        ("0.1s", 100_000_000), ("1.000000001s", 1_000_000_001), (" 7 ms ", 7_000_000), ("0s", 0),
        (".5s", 500_000_000), ("0.0000000000025h", 9), ("1.5m", 90_000_000_000), ("2.50000000000000000000s", 2_500_000_000),
    ])
    func parsesDurationsExactly(text: String, nanoseconds: Int64) throws {
        #expect(try SimDuration.parse(text) == .nanoseconds(nanoseconds))
    }

    @Test(arguments: [
        ("", DurationParseError.empty),
        ("300", .missingUnit("300")),
        ("ms", .malformedNumber("ms")),
        ("-5s", .malformedNumber("-5s")),
        ("1..5s", .malformedNumber("1..5s")),
        ("5 parsecs", .unknownUnit("parsecs", text: "5 parsecs")),
        ("1.5ns", .finerThanNanosecond("1.5ns")),
        ("1.0000000001s", .finerThanNanosecond("1.0000000001s")),
        ("1.0005ns", .finerThanNanosecond("1.0005ns")),
        ("0.000000000001h", .finerThanNanosecond("0.000000000001h")),
        ("1.2.3s", .malformedNumber("1.2.3s")),
        ("300000000000h", .overflow("300000000000h")),
        ("99999999999999999999ns", .overflow("99999999999999999999ns")),
    ])
    func rejectsMalformedDurationsWithAReason(text: String, expected: DurationParseError) {
        #expect(throws: expected) { try SimDuration.parse(text) }
    }

    @Test func parseErrorsSayWhatIsAccepted() {
        let message = DurationParseError.unknownUnit("d", text: "3d").description
        #expect(message.contains("\"d\"") && message.contains("ms"))
    }
}
