import SimCore

extension LatencyMatrix {
    /// The twelve IC data centres of the IC's published round-trip table ("Node network
    /// latency", measured September 2023), in the table's (alphabetical) order.
    public static let icDataCentreNames = [
        "Brussels", "Chicago", "Dallas", "Fremont", "Geneva", "Ljubljana",
        "Munich", "Orlando", "Singapore", "Stockholm", "Tokyo", "Zurich",
    ]

    /// The one-way delay between two nodes in the same data centre: 0.5 ms, the same as inside
    /// a cloud region (``cloudRegions``). The IC's table has no within-data-centre figure; a
    /// round trip on one data centre's network is well under a millisecond, so this is an
    /// upper end. With one node per data centre, only a subnet of more than twelve nodes (or
    /// more nodes than a named list of data centres) puts two nodes in one. Docs/Model.md,
    /// "Network".
    public static let icWithinDataCentreDelay = SimDuration.microseconds(500)

    /// The IC's own network: one-way delays between its twelve data centres, half the
    /// round-trip times the IC publishes ("Node network latency", September 2023), kept exact
    /// in nanoseconds (17.65 ms round trip: 8,825,000 ns one way), and
    /// ``icWithinDataCentreDelay`` inside a data centre. Sources in Docs/Model.md, "Network".
    public static let icDataCentres: LatencyMatrix = {
        // Round trips in hundredths of a millisecond, upper triangle, in `icDataCentreNames`
        // order: Brussels, Chicago, Dallas, Fremont, Geneva, Ljubljana, Munich, Orlando,
        // Singapore, Stockholm, Tokyo, Zurich.
        let roundTrips: [[Int64]] = [
            [0, 10_200, 12_100, 14_300, 1_765, 2_740, 1_835, 10_600, 16_700, 3_660, 22_300, 1_607],
            [0, 0, 2_460, 5_905, 11_800, 13_000, 11_000, 4_940, 24_950, 11_750, 15_200, 12_150],
            [0, 0, 0, 5_380, 13_200, 13_700, 12_700, 3_705, 27_600, 13_100, 13_900, 12_950],
            [0, 0, 0, 0, 14_500, 15_600, 14_500, 6_770, 19_100, 16_100, 10_900, 14_700],
            [0, 0, 0, 0, 0, 2_695, 1_790, 11_200, 25_750, 3_830, 24_800, 1_605],
            [0, 0, 0, 0, 0, 0, 1_755, 12_300, 25_800, 4_200, 23_500, 2_210],
            [0, 0, 0, 0, 0, 0, 0, 11_800, 25_100, 3_750, 24_600, 1_235],
            [0, 0, 0, 0, 0, 0, 0, 0, 25_000, 13_100, 16_600, 11_100],
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 19_550, 17_700, 20_025],
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 26_000, 3_690],
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 23_000],
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ]
        let names = icDataCentreNames
        var oneWay = [[SimDuration]](repeating: [SimDuration](repeating: icWithinDataCentreDelay, count: names.count), count: names.count)
        for row in names.indices {
            for column in names.indices where row != column {
                // Half of hundredths of a millisecond: 5,000 ns each, exact.
                oneWay[row][column] = .nanoseconds(roundTrips[min(row, column)][max(row, column)] * 5_000)
            }
        }
        return subset(of: names, oneWay: oneWay)
    }()

    /// The order in which a subnet's nodes fill the data centres: the continents take turns
    /// (Europe, North America, Asia), each continent's data centres in alphabetical order, so
    /// that every run of consecutive data centres spans continents the way mainnet spreads a
    /// subnet's nodes: Brussels, Chicago, Singapore, Geneva, Dallas, Tokyo, Ljubljana,
    /// Fremont, Munich, Orlando, Stockholm, Zurich.
    public static let icDataCentreSpreadOrder = [
        "Brussels", "Chicago", "Singapore", "Geneva", "Dallas", "Tokyo",
        "Ljubljana", "Fremont", "Munich", "Orlando", "Stockholm", "Zurich",
    ]

    /// Each of `nodeCount` nodes' data centre (an index into ``icDataCentres``): node i in
    /// ``icDataCentreSpreadOrder``[(firstDataCentre + i) mod 12], so one node per data centre
    /// and round-robin when there are more nodes than data centres (13 nodes: the first data
    /// centre holds two). `firstDataCentre` (taken modulo 12) lets the subnets of one
    /// scenario start at different data centres.
    public static func icDataCentrePlacement(nodeCount: Int, firstDataCentre: Int = 0) -> [Int] {
        let order = icDataCentreSpreadOrder.compactMap { icDataCentreNames.firstIndex(of: $0) }
        precondition(order.count == icDataCentreNames.count, "the spread order names every data centre once")
        let start = ((firstDataCentre % order.count) + order.count) % order.count
        return (0..<max(nodeCount, 0)).map { order[(start + $0) % order.count] }
    }

    /// The data centres `names` (each one of ``icDataCentreNames``), in that order, with
    /// their delays from ``icDataCentres``; `nil` if a name is not an IC data centre.
    public static func icDataCentreSubset(_ names: [String]) -> LatencyMatrix? {
        let all = icDataCentres
        let indices = names.compactMap { all.regions.firstIndex(of: $0) }
        guard !names.isEmpty, indices.count == names.count else { return nil }
        return subset(of: names, oneWay: indices.map { row in indices.map { all.oneWay[row][$0] } })
    }

    /// A matrix built from tables that are square and non-negative by construction.
    private static func subset(of names: [String], oneWay: [[SimDuration]]) -> LatencyMatrix {
        guard let matrix = try? LatencyMatrix(regions: names, oneWay: oneWay) else {
            preconditionFailure("a built-in data-centre table is square and non-negative")
        }
        return matrix
    }
}

extension NetworkConfiguration {
    /// `nodeCount` nodes on the IC's own network (``LatencyMatrix/icDataCentres``), one per
    /// data centre in ``LatencyMatrix/icDataCentreSpreadOrder`` starting at
    /// `firstDataCentre`, round-robin beyond twelve nodes; jitter and uplinks as
    /// ``init(nodeCount:)`` (which keeps the six cloud regions, the default).
    public static func icDataCentres(nodeCount: Int, firstDataCentre: Int = 0) -> NetworkConfiguration {
        var configuration = NetworkConfiguration(nodeCount: nodeCount)
        configuration.latency = .icDataCentres
        configuration.placement = LatencyMatrix.icDataCentrePlacement(nodeCount: nodeCount, firstDataCentre: firstDataCentre)
        return configuration
    }
}
