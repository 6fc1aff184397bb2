import Testing

/// `icsim subnet --data-centres`: the subnet runs on the IC's twelve data centres instead of
/// the six cloud regions.
@Suite("icsim subnet --data-centres")
struct SubnetDataCentresCommandTests {
    @Test func runsOnTheICsDataCentres() {
        let result = runTool(["subnet", "--nodes", "4", "--duration", "10s", "--data-centres"])
        #expect(result.code == 0, "\(result.errors)")
        #expect(result.output.contains("network: Brussels, Chicago, Dallas, Fremont, Geneva, Ljubljana, Munich, Orlando, Singapore, Stockholm, Tokyo, Zurich; "),
                "\(result.output)")
        #expect(result.output.contains("safety: no two different blocks finalized at any height"))
        let cloud = runTool(["subnet", "--nodes", "4", "--duration", "10s"])
        #expect(cloud.output.contains("network: us-east, us-west, eu-west, eu-central, ap-northeast, ap-southeast; "), "the default is unchanged")
    }

    @Test func theFlagTakesNoValue() {
        let result = runTool(["subnet", "--data-centres=yes"])
        #expect(result.code == 2)
        #expect(result.errors.contains("--data-centres: takes no value"), "\(result.errors)")
    }
}
