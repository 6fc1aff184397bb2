import ICSim

/// Subnets with no load for 10 virtual minutes: the consensus layer's cost (issue 4's
/// benchmark). The unit is virtual seconds, so the throughput column is the virtual-to-wall
/// ratio; the checksum is the number of events processed (in hex), for events per second.
func subnetBenchmarks() -> [Benchmark] {
    [13, 40].map { nodes in
        Benchmark(name: "subnet-\(nodes)-10min", unit: "virtual s", units: 600) {
            var simulation = Simulation(model: SubnetSimulation(configuration: SubnetConfiguration(nodeCount: nodes, seed: 1)))
            simulation.model.start(&simulation.scheduler)
            _ = simulation.run(.until(.zero + .seconds(600)))
            precondition(simulation.model.safety.violation == nil, "an honest subnet stays safe")
            return simulation.eventsProcessed
        }
    }
}
