import SimCore
import Consensus

extension Scenario {
    /// What `icsim` runs with no scenario file: a 13-node application subnet over six cloud
    /// regions running the built-in counter canister under mixed load (an open loop of 20
    /// update calls a second, Poisson arrivals; 20 closed-loop users reading the counter with
    /// queries, 100 ms think time), and one Byzantine node (node 4, an equivocating block
    /// maker) among the 12 honest ones, for a virtual minute. `icsim run --print-scenario`
    /// writes it out as JSON.
    public static var builtinDefault: Scenario {
        var scenario = Scenario(name: "default")
        scenario.description = "A 13-node application subnet running a counter canister under mixed load, with one equivocating Byzantine node"
        scenario.seed = 42
        scenario.duration = .seconds(60)
        scenario.canisters = [ScenarioCanister(name: "counter", wasm: .builtin("counter"))]
        var updates = ClientSpecification(name: "increments", call: .update, canister: "counter", method: "inc",
                                          load: .openLoop(ratePerSecond: 20, poisson: true))
        updates.from = .seconds(1)
        var queries = ClientSpecification(name: "reads", call: .query, canister: "counter", method: "get",
                                          load: .closedLoop(users: 20, thinkTime: .milliseconds(100)))
        queries.from = .seconds(1)
        scenario.clients = [updates, queries]
        scenario.faults = [ScenarioFault(.byzantine(nodes: [4], behaviors: [.equivocatingMaker(groups: [])]))]
        scenario.expectations.latency = [
            LatencyBound(calls: .kind(.update), perMille: 990, maximum: .seconds(4)),
            LatencyBound(calls: .kind(.query), perMille: 990, maximum: .milliseconds(200)),
        ]
        scenario.expectations.throughput = [ThroughputBound(calls: .client("increments"), minimumPerSecond: 10)]
        return scenario
    }
}
