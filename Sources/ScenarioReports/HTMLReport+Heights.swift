import SimCore
import InternetComputer

/// The finalized-height plots: per subnet, the highest, median and lowest node's height over
/// time (a node that stalls pulls the lowest line away, and hovering names it), instead of a
/// line per node; with more than four subnets, one plot of the subnets' finalization rates.
extension HTMLReport {
    /// When each finalized-height sample was taken, in seconds (sample i at bucket i's start).
    func sampleSeconds(_ index: Int) -> Double {
        min(Double(Int64(index) * report.bucket.nanoseconds), Double(report.scenario.duration.nanoseconds)) / 1e9
    }

    func heightCharts() -> [SVGChart] {
        if report.subnets.count <= 4 { return report.subnets.map(heightChart) }
        return [finalizationRateChart()]
    }

    /// The nodes at `height` in `sample`, as `node 3` or `nodes 0-6`.
    static func nodesAt(_ height: UInt64, _ sample: [UInt64]) -> String {
        ScenarioReport.nodes(sample.indices.filter { sample[$0] == height })
    }

    func heightChart(_ subnet: ScenarioReport.SubnetSummary) -> SVGChart {
        let samples = subnet.finalizedSamples.filter { !$0.isEmpty }
        func line(_ name: String, _ color: String, _ dash: String?, pick: @escaping ([UInt64]) -> UInt64) -> SVGChart.Series {
            var hovers: [Double: String] = [:]
            let points = samples.enumerated().map { index, sample -> (x: Double, y: Double) in
                let height = pick(sample)
                hovers[Double(height)] = hovers[Double(height)] ?? Self.nodesAt(height, sample)
                return (sampleSeconds(index), Double(height))
            }
            return SVGChart.Series(name: name, points: points, color: color, dash: dash,
                                   hover: { height in "height \(Int64(height)) (\(hovers[height] ?? "no node"))" })
        }
        let series = [
            line("highest node", "#2ca02c", nil) { $0.max() ?? 0 },
            line("median node", "#1f77b4", "2 2") { $0.sorted()[$0.count / 2] },
            line("lowest node", "#d62728", nil) { $0.min() ?? 0 },
        ]
        let top = Double(samples.last?.max() ?? 1)
        return timeChart(title: "Finalized height, subnet \(subnet.name) (\(subnet.nodes) nodes): highest, median and lowest node",
                         yLabel: "finalized height", y: .linearFromZero(upTo: top), series: series)
    }

    /// Blocks finalized per second (by the subnet's lowest node) in each time bucket: the
    /// slowest, median and fastest subnet.
    func finalizationRateChart() -> SVGChart {
        let rates: [[Double]] = report.subnets.map { subnet in
            let lowest = subnet.finalizedSamples.map { $0.min() ?? 0 }
            return lowest.indices.dropFirst().map { index in
                let seconds = sampleSeconds(index) - sampleSeconds(index - 1)
                return seconds > 0 ? Double(lowest[index] &- min(lowest[index], lowest[index - 1])) / seconds : 0
            }
        }
        let samples = rates.map(\.count).min() ?? 0
        func line(_ name: String, _ color: String, _ dash: String?, rank: @escaping (Int) -> Int) -> SVGChart.Series {
            let points = (0..<samples).map { index -> (x: Double, y: Double) in
                let sorted = rates.map { $0[index] }.sorted()
                return ((sampleSeconds(index) + sampleSeconds(index + 1)) / 2, sorted[rank(sorted.count)])
            }
            return SVGChart.Series(name: name, points: points, color: color, dash: dash, hover: { SubnetReport.fixed($0, decimals: 2) + " blocks/s" })
        }
        let series = samples == 0 ? [] : [
            line("fastest subnet", "#2ca02c", nil) { $0 - 1 },
            line("median subnet", "#1f77b4", "2 2") { $0 / 2 },
            line("slowest subnet", "#d62728", nil) { _ in 0 },
        ]
        let top = series.flatMap(\.points).map(\.y).max() ?? 1
        return timeChart(title: "Blocks finalized per second, over \(report.subnets.count) subnets: fastest, median and slowest",
                         yLabel: "blocks/s", y: .linearFromZero(upTo: top), series: series)
    }
}
