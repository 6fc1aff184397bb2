import Foundation

/// `icsim-bench [--filter NAME] [--runs N] [--warmup N]`
func parseHarness(_ arguments: [String]) -> Harness? {
    var harness = Harness()
    var remaining = arguments[...]
    while let argument = remaining.popFirst() {
        guard let value = remaining.popFirst() else { return nil }
        switch argument {
        case "--filter": harness.filter = value
        case "--runs": guard let runs = Int(value), runs > 0 else { return nil }; harness.timedRuns = runs
        case "--warmup": guard let runs = Int(value), runs >= 0 else { return nil }; harness.warmupRuns = runs
        default: return nil
        }
    }
    return harness
}

guard let harness = parseHarness(Array(CommandLine.arguments.dropFirst())) else {
    FileHandle.standardError.write(Data("usage: icsim-bench [--filter NAME] [--runs N] [--warmup N]\n".utf8))
    exit(2)
}
let benchmarks = kernelBenchmarks() + subnetBenchmarks() + executionBenchmarks() + scenarioBenchmarks()
let measurements = harness.run(benchmarks)
// The peer comparison: the kernel against the same PHOLD workload on a bare binary heap,
// run alternately so both see the same host speed.
let selected = Set(measurements.map(\.benchmark.name))
if selected.contains("phold") && selected.contains("phold-bare-heap"),
   let phold = benchmarks.first(where: { $0.name == "phold" }),
   let peer = benchmarks.first(where: { $0.name == "phold-bare-heap" }) {
    let (ratio, checksum) = harness.medianRatio(phold, to: peer)
    print(String(format: "phold kernel time / bare-heap peer time, alternating runs (median of %d pairs): %.2fx  (checksum %llx)",
                 harness.timedRuns, ratio, checksum))
}
