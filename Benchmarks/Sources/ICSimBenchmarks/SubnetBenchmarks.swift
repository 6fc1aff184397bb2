import ICSim

/// Subnets with no load for 10 virtual minutes: the consensus layer's cost (issue 4's
/// benchmark). The unit is virtual seconds, so the throughput column is the virtual-to-wall
/// ratio; the checksum is the number of events processed (in hex), for events per second.
func subnetBenchmarks() -> [Benchmark] {
    let single = [13, 40].map { nodes in
        Benchmark(name: "subnet-\(nodes)-10min", unit: "virtual s", units: 600) {
            var simulation = Simulation(model: SubnetSimulation(configuration: SubnetConfiguration(nodeCount: nodes, seed: 1)))
            simulation.model.start(&simulation.scheduler)
            _ = simulation.run(.until(.zero + .seconds(600)))
            precondition(simulation.model.safety.violation == nil, "an honest subnet stays safe")
            return simulation.eventsProcessed
        }
    }
    return single + [internetComputerBenchmark(subnets: 8)]
}

/// `ic-8x13-10min`: 8 subnets of 13 nodes, no load, 10 virtual minutes in one virtual time
/// (`InternetComputerSimulation`): the cost of several subnets, against 8 times
/// `subnet-13-10min`. Checksum: events processed.
func internetComputerBenchmark(subnets count: Int) -> Benchmark {
    Benchmark(name: "ic-\(count)x13-10min", unit: "virtual s", units: 600) {
        var simulation = InternetComputerSimulation(configuration: InternetComputerConfiguration(subnetCount: count, nodeCount: 13, seed: 1))
        simulation.run(until: .zero + .seconds(600))
        precondition(simulation.subnets.allSatisfy { $0.model.safety.violation == nil }, "honest subnets stay safe")
        return simulation.eventsProcessed
    }
}
