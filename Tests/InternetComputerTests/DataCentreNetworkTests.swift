import Testing
import SimCore
@testable import InternetComputer

/// The IC's own network: the published round trips between twelve data centres (September
/// 2023), halved exactly; one node per data centre, the continents taking turns.
@Suite("IC data-centre network")
struct DataCentreNetworkTests {
    static let matrix = LatencyMatrix.icDataCentres

    /// The one-way delay between two named data centres.
    static func oneWay(_ from: String, _ to: String) -> SimDuration? {
        guard let row = matrix.regions.firstIndex(of: from), let column = matrix.regions.firstIndex(of: to) else { return nil }
        return matrix.oneWay[row][column]
    }

    static let europe = ["Brussels", "Geneva", "Ljubljana", "Munich", "Stockholm", "Zurich"]
    static let northAmerica = ["Chicago", "Dallas", "Fremont", "Orlando"]
    static let asia = ["Singapore", "Tokyo"]

    static func continent(_ name: String) -> Int {
        europe.contains(name) ? 0 : northAmerica.contains(name) ? 1 : asia.contains(name) ? 2 : -1
    }

    @Test func theMatrixIsSymmetricWithTheTablesTwelveDataCentres() {
        #expect(Self.matrix.regions == ["Brussels", "Chicago", "Dallas", "Fremont", "Geneva", "Ljubljana",
                                        "Munich", "Orlando", "Singapore", "Stockholm", "Tokyo", "Zurich"])
        #expect(Self.matrix.oneWay.count == 12 && Self.matrix.oneWay.allSatisfy { $0.count == 12 })
        for row in 0..<12 {
            #expect(Self.matrix.oneWay[row][row] == .microseconds(500), "inside \(Self.matrix.regions[row])")
            for column in 0..<12 where column != row {
                #expect(Self.matrix.oneWay[row][column] == Self.matrix.oneWay[column][row], "\(row), \(column)")
                #expect(Self.matrix.oneWay[row][column] > .milliseconds(6), "\(row), \(column): every pair is further apart than within a data centre")
            }
        }
    }

    /// Entries against the table, fractional milliseconds kept exact.
    @Test(arguments: [
        ("Brussels", "Geneva", 8_825_000),  // 17.65 ms round trip
        ("Singapore", "Zurich", 100_125_000),  // 200.25
        ("Zurich", "Brussels", 8_035_000),  // 16.07
        ("Munich", "Zurich", 6_175_000),  // 12.35
        ("Chicago", "Singapore", 124_750_000),  // 249.5
        ("Dallas", "Orlando", 18_525_000),  // 37.05
        ("Fremont", "Tokyo", 54_500_000),  // 109
        ("Stockholm", "Tokyo", 130_000_000),  // 260
    ] as [(String, String, Int64)])
    func entriesAreHalfTheTablesRoundTrips(from: String, to: String, nanoseconds: Int64) {
        #expect(Self.oneWay(from, to) == .nanoseconds(nanoseconds))
        #expect(Self.oneWay(to, from) == .nanoseconds(nanoseconds))
    }

    /// The page's own summary of the table: European pairs 12-42 ms round trip,
    /// intercontinental ones 102 ms (Brussels-Chicago) to 276 ms (Dallas-Singapore), the
    /// median about 125 ms.
    @Test func theMatrixMatchesThePagesSummary() {
        var europe: [SimDuration] = []
        var intercontinental: [SimDuration] = []
        var all: [SimDuration] = []
        for (row, from) in Self.matrix.regions.enumerated() {
            for (column, to) in Self.matrix.regions.enumerated() where column > row {
                let roundTrip = Self.matrix.oneWay[row][column] * 2
                all.append(roundTrip)
                if Self.continent(from) != Self.continent(to) { intercontinental.append(roundTrip) }
                if Self.continent(from) == 0 && Self.continent(to) == 0 { europe.append(roundTrip) }
            }
        }
        #expect(all.count == 66 && europe.count == 15)
        #expect(europe.min() == .microseconds(12_350) && europe.max() == .milliseconds(42))
        #expect(intercontinental.min() == .milliseconds(102) && intercontinental.max() == .milliseconds(276))
        #expect(Self.oneWay("Brussels", "Chicago") == .milliseconds(51) && Self.oneWay("Dallas", "Singapore") == .milliseconds(138))
        let sorted = all.sorted()
        #expect((sorted[32].nanoseconds + sorted[33].nanoseconds) / 2 == 125_000_000, "the median of 66 pairs: 123 and 127 ms")
    }

    @Test func aSubsetKeepsTheDelaysInTheOrderGiven() throws {
        let subset = try #require(LatencyMatrix.icDataCentreSubset(["Tokyo", "Zurich", "Chicago"]))
        #expect(subset.regions == ["Tokyo", "Zurich", "Chicago"])
        #expect(subset.oneWay[0][1] == .milliseconds(115) && subset.oneWay[1][2] == .microseconds(60_750) && subset.oneWay[2][0] == .milliseconds(76))
        #expect(subset.oneWay[1][1] == .microseconds(500))
        #expect(LatencyMatrix.icDataCentreSubset(["Tokyo", "Atlantis"]) == nil)
        #expect(LatencyMatrix.icDataCentreSubset([]) == nil)
    }

    /// Thirteen nodes: every data centre once, then the first again; the continents take turns.
    @Test func nodesSpreadOnePerDataCentreThenWrap() {
        let placement = LatencyMatrix.icDataCentrePlacement(nodeCount: 13)
        let names = placement.map { Self.matrix.regions[$0] }
        #expect(names == ["Brussels", "Chicago", "Singapore", "Geneva", "Dallas", "Tokyo", "Ljubljana", "Fremont", "Munich",
                          "Orlando", "Stockholm", "Zurich", "Brussels"])
        #expect(Set(placement.prefix(12)).count == 12)
        #expect(Set(LatencyMatrix.icDataCentreSpreadOrder) == Set(LatencyMatrix.icDataCentreNames))
        #expect(LatencyMatrix.icDataCentreSpreadOrder.count == 12)
        // Any four consecutive data centres of the order span at least two continents.
        let order = LatencyMatrix.icDataCentreSpreadOrder
        for start in order.indices {
            let window = (0..<4).map { order[(start + $0) % order.count] }
            #expect(Set(window.map(Self.continent)).count >= 2, "\(window)")
        }
        // 34 nodes: every data centre holds two or three.
        let large = LatencyMatrix.icDataCentrePlacement(nodeCount: 34)
        let counts = Dictionary(grouping: large, by: { $0 }).mapValues(\.count)
        #expect(counts.count == 12 && counts.values.allSatisfy { (2...3).contains($0) })
    }

    /// Another first data centre rotates the order (taken modulo 12), so the subnets of a
    /// scenario start at different data centres.
    @Test func theFirstDataCentreRotatesTheOrder() {
        let names = { (first: Int) in LatencyMatrix.icDataCentrePlacement(nodeCount: 4, firstDataCentre: first).map { Self.matrix.regions[$0] } }
        #expect(names(0) == ["Brussels", "Chicago", "Singapore", "Geneva"])
        #expect(names(1) == ["Chicago", "Singapore", "Geneva", "Dallas"])
        #expect(names(11) == ["Zurich", "Brussels", "Chicago", "Singapore"])
        #expect(names(13) == names(1) && names(-1) == names(11))
        #expect(LatencyMatrix.icDataCentrePlacement(nodeCount: 0).isEmpty)
    }

    @Test func theConfigurationKeepsTheDefaultsJitterAndUplinks() {
        let cloud = NetworkConfiguration(nodeCount: 13)
        let dataCentres = NetworkConfiguration.icDataCentres(nodeCount: 13, firstDataCentre: 2)
        #expect(cloud.latency == .cloudRegions, "the default stays the six cloud regions")
        #expect(dataCentres.latency == .icDataCentres)
        #expect(dataCentres.placement == LatencyMatrix.icDataCentrePlacement(nodeCount: 13, firstDataCentre: 2))
        #expect(dataCentres.jitter == cloud.jitter && dataCentres.uploadBitsPerSecond == cloud.uploadBitsPerSecond)
        #expect(dataCentres.problems(nodeCount: 13).isEmpty)
        #expect(SubnetConfiguration(nodeCount: 13, seed: 1).network == cloud)
    }

    /// A message from Brussels (node 0) to Geneva (node 3) takes the table's 8.825 ms once
    /// jitter and bandwidth are out of the way; one to the node sharing Brussels 0.5 ms.
    @Test func messagesTakeTheTablesDelay() throws {
        var configuration = NetworkConfiguration.icDataCentres(nodeCount: 13)
        configuration.jitter = try .constant(.zero)
        configuration.uploadBitsPerSecond = 0
        var network = NetworkModel(configuration: configuration, jitter: RandomSeed(1).stream("j"), faults: RandomSeed(1).stream("f"))
        let arrivals = network.send(1_000, from: 0, to: [3, 2, 12], at: .zero)
        #expect(arrivals.map(\.peer) == [3, 2, 12])
        #expect(arrivals.map { $0.time - .zero } == [.nanoseconds(8_825_000), .milliseconds(83) + .microseconds(500), .microseconds(500)])
    }

    /// A 13-node subnet on the IC's data centres is safe and finalizes.
    @Test func aSubnetOnTheDataCentresFinalizes() {
        var configuration = SubnetConfiguration(nodeCount: 13, seed: 3)
        configuration.network = .icDataCentres(nodeCount: 13)
        var simulation = Simulation(model: SubnetSimulation(configuration: configuration))
        simulation.model.start(&simulation.scheduler)
        _ = simulation.run(.until(.zero + .seconds(30)))
        #expect(simulation.model.safety.violation == nil)
        #expect(simulation.model.metrics.finalizedHeightMin > 20, "\(simulation.model.metrics.finalizedHeightMin)")
    }
}
