import SimCore
import Consensus

/// Faults decided between steps (``SubnetSimulation``'s injected faults), on one subnet of
/// several: each keeps the lanes' next-event times up to date.
extension InternetComputerSimulation {
    /// Node `node` of subnet `subnet` crashes at `time`; `false` if it is already down.
    /// - Precondition: the subnet and the node exist.
    public mutating func crash(node: Int, onSubnet subnet: Int, at time: SimInstant) -> Bool {
        precondition(subnets.indices.contains(subnet), "subnet \(subnet) of \(subnets.count)")
        return subnets[subnet].model.crash(node, at: time)
    }

    /// Node `node` of subnet `subnet`, crashed by ``crash(node:onSubnet:at:)``, restarts at
    /// `time`; `false` if it had no open injected crash.
    /// - Precondition: the subnet and the node exist, and `time` is not before the subnet's
    /// latest event.
    public mutating func restart(node: Int, onSubnet subnet: Int, at time: SimInstant) -> Bool {
        precondition(subnets.indices.contains(subnet), "subnet \(subnet) of \(subnets.count)")
        let restarted = Self.restart(node, at: time, on: &subnets[subnet])
        lanes.update(subnet + 1, to: subnets[subnet].scheduler.nextEventTime)
        return restarted
    }

    /// Restarts `node` of `subnet` at `time` (in place: the model and its scheduler are
    /// distinct parts of it).
    static func restart(_ node: Int, at time: SimInstant, on subnet: inout Simulation<SubnetSimulation>) -> Bool {
        subnet.model.restart(node, at: time, scheduler: &subnet.scheduler)
    }

    /// A network fault of `kind` on subnet `subnet` from `time` until
    /// ``healNetwork(onSubnet:at:)``.
    /// - Precondition: the subnet exists.
    public mutating func injectNetworkFault(_ kind: NetworkFault.Kind, onSubnet subnet: Int, at time: SimInstant) {
        precondition(subnets.indices.contains(subnet), "subnet \(subnet) of \(subnets.count)")
        subnets[subnet].model.injectNetworkFault(kind, at: time)
    }

    /// Ends subnet `subnet`'s injected network faults at `time`; how many ended.
    /// - Precondition: the subnet exists.
    @discardableResult
    public mutating func healNetwork(onSubnet subnet: Int, at time: SimInstant) -> Int {
        precondition(subnets.indices.contains(subnet), "subnet \(subnet) of \(subnets.count)")
        return subnets[subnet].model.healNetwork(at: time)
    }

    /// The height subnet `subnet` has executed.
    public func executedHeight(onSubnet subnet: Int) -> Height {
        subnets[subnet].model.execution.executedHeight
    }
}
