import Foundation
import ICSim

/// The counter canister (Tests/ExecutionLayerTests/Fixtures/c/counter.wasm).
func counterWasm() -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../Tests/ExecutionLayerTests/Fixtures/c/counter.wasm")
    guard let data = try? Data(contentsOf: url) else {
        FileHandle.standardError.write(Data("cannot read \(url.path)\n".utf8))
        exit(1)
    }
    return Array(data)
}

/// Update call `index` of the 10k benchmark: one every millisecond, to canister
/// `index * 7919 mod 10000` (so consecutive calls go to different canisters).
func spreadIncrement(_ index: Int) -> SubmittedIngress {
    let receiver = CanisterID(UInt64(index * 7_919 % 10_000))
    let message = IngressMessage(id: UInt64(index), sender: .user(UInt64(index % 1_000)), receiver: receiver, method: "inc", argument: [])
    return SubmittedIngress(at: .zero + .milliseconds(Int64(index)), message)
}

/// The 10k benchmark's run for `seconds` virtual seconds (1,000 calls a second): the calls
/// answered.
func execution10k(_ wasm: [UInt8], seconds: Int) -> UInt64 {
    var configuration = SubnetConfiguration(nodeCount: 13, seed: 1)
    configuration.canisters = (0..<10_000).map { CanisterSetup(id: CanisterID(UInt64($0)), wasm: wasm) }
    configuration.ingress = (0..<(1_000 * seconds)).map(spreadIncrement)
    var simulation = Simulation(model: SubnetSimulation(configuration: configuration))
    simulation.model.start(&simulation.scheduler)
    _ = simulation.run(.until(.zero + .seconds(Int64(seconds))))
    precondition(simulation.model.safety.violation == nil, "an honest subnet stays safe")
    return UInt64(simulation.model.execution.outcomes.count)
}

/// The execution benchmarks of issue 5:
/// - `execution-10k-10min`: a 13-node subnet with 10,000 counter canisters and 1,000 update
///   calls per second spread over them for 10 virtual minutes (unit: virtual seconds;
///   checksum: messages answered); `execution-10k-1min`, its first minute, for profiling;
/// - `execution-100k-install`: 100,000 counter canisters installed into one replicated state
///   and one round run over a sample of them (unit: canisters; checksum: replies), to
///   measure memory per canister (run it alone under `/usr/bin/time -v`).
func executionBenchmarks() -> [Benchmark] {
    let wasm = counterWasm()
    return [
        Benchmark(name: "execution-10k-10min", unit: "virtual s", units: 600) { execution10k(wasm, seconds: 600) },
        // The first minute of the same run: short enough to profile under callgrind.
        Benchmark(name: "execution-10k-1min", unit: "virtual s", units: 60) { execution10k(wasm, seconds: 60) },
        Benchmark(name: "execution-100k-install", unit: "canisters", units: 100_000) {
            var configuration = RoundConfiguration()
            configuration.fees = .free
            let module: CompiledModule
            switch CanisterExecutor.compile(wasm, for: CanisterID(0)) {
            case .success(let compiled): module = compiled
            case .failure(let reject): preconditionFailure("\(reject)")
            }
            let hash = SHA256.hash(wasm)
            var canisters: [CanisterState] = []
            canisters.reserveCapacity(100_000)
            for index in 0..<100_000 {
                var canister = CanisterState(id: CanisterID(UInt64(index)), controllers: [.user(0)], cycles: Cycles(1_000_000_000_000))
                _ = CanisterExecutor().install(.install, module: module, moduleHash: hash, argument: [], caller: .user(0), timeNanos: 0, on: &canister)
                canisters.append(canister)
            }
            var state = ReplicatedState()
            state.add(canisters)
            canisters = []
            let ingress = (0..<1_000).map { IngressMessage(id: UInt64($0), sender: .user(1), receiver: CanisterID(UInt64($0 * 97)), method: "inc", argument: []) }
            let report = RoundExecutor(configuration: configuration).executeRound(ingress: ingress, timeNanos: 1, on: &state)
            return UInt64(report.answered.count)
        },
    ]
}
