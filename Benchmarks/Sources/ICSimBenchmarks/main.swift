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
let measurements = harness.run(kernelBenchmarks())
if let phold = measurements.first(where: { $0.benchmark.name == "phold" }),
   let peer = measurements.first(where: { $0.benchmark.name == "phold-bare-heap" }) {
    print(String(format: "phold kernel / bare-heap peer: %.2fx the peer's time", phold.median / peer.median))
}
