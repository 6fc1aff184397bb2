import SimCore

/// Faults that start and end while the simulation runs, for callers that decide between
/// steps (the call API's tests: "crash node 3, make a call, restart it"), beside the faults a
/// configuration lays out in advance. Both kinds act the same way: a fault injected at `time`
/// is the fault configured from `time` on, until it is healed.
extension SubnetSimulation {
    /// The end of a fault that is not healed yet: far beyond any run.
    static let openFaultEnd = SimInstant.zero + .nanoseconds(Int64.max / 2)

    /// Node `node` crashes at `time` (it receives nothing, sends nothing and its timers do
    /// not fire until ``restart(_:at:scheduler:)``); `false` if it is already down then.
    /// - Precondition: the node exists.
    package mutating func crash(_ node: Int, at time: SimInstant) -> Bool {
        precondition(replicas.indices.contains(node), "node \(node) of \(replicas.count)")
        guard !isDown(node, at: time) else { return false }
        replicas[node].downtimes.append(NodeFault(node: node, .crash, from: time, until: Self.openFaultEnd))
        replicaHealthChanges &+= 1
        return true
    }

    /// Node `node`, crashed by ``crash(_:at:)``, restarts at `time` with what it persisted
    /// and catches up, as a configured crash ends; `false` if no injected crash was open.
    /// - Precondition: the node exists.
    package mutating func restart(_ node: Int, at time: SimInstant, scheduler: inout Scheduler<Event>) -> Bool {
        precondition(replicas.indices.contains(node), "node \(node) of \(replicas.count)")
        guard let open = replicas[node].downtimes.lastIndex(where: { $0.end == Self.openFaultEnd && $0.start <= time }) else { return false }
        replicas[node].downtimes[open].end = time
        replicaHealthChanges &+= 1
        scheduler.schedule(.restart(node: node), at: time)
        scheduler.schedule(.wakeUp(node: node), at: time)
        return true
    }

    /// A network fault of `kind` starts at `time`, until ``healNetwork(at:)``.
    package mutating func injectNetworkFault(_ kind: NetworkFault.Kind, at time: SimInstant) {
        network.configuration.faults.append(NetworkFault(kind, from: time, until: Self.openFaultEnd))
    }

    /// Every injected network fault still open ends at `time`; how many ended.
    package mutating func healNetwork(at time: SimInstant) -> Int {
        var healed = 0
        for index in network.configuration.faults.indices where network.configuration.faults[index].end == Self.openFaultEnd {
            network.configuration.faults[index].end = max(time, network.configuration.faults[index].start)
            healed += 1
        }
        return healed
    }
}
