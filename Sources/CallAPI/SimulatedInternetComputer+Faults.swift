import SimCore
import InternetComputer

/// Faults injected and healed between calls: each starts at the current time and lasts until
/// it is healed, exactly as the same fault configured for that time span would.
extension SimulatedInternetComputer {
    /// Node `node` of subnet `subnet` crashes now; `false` if it is already down.
    /// - Precondition: the subnet and the node exist.
    @discardableResult
    public mutating func crash(node: Int, onSubnet subnet: Int = 0) -> Bool {
        simulation.crash(node: node, onSubnet: subnet, at: now)
    }

    /// Node `node` of subnet `subnet`, crashed by ``crash(node:onSubnet:)``, restarts now
    /// and catches up from its peers; `false` if it was not crashed.
    /// - Precondition: the subnet and the node exist.
    @discardableResult
    public mutating func restart(node: Int, onSubnet subnet: Int = 0) -> Bool {
        simulation.restart(node: node, onSubnet: subnet, at: now)
    }

    /// A network fault on subnet `subnet` from now until ``healNetwork(onSubnet:)``: a
    /// partition, a split, message loss, extra delay, duplication or reordering.
    /// - Precondition: the subnet exists.
    public mutating func injectNetworkFault(_ kind: NetworkFault.Kind, onSubnet subnet: Int = 0) {
        simulation.injectNetworkFault(kind, onSubnet: subnet, at: now)
    }

    /// Ends the injected network faults of subnet `subnet` now; how many ended.
    /// - Precondition: the subnet exists.
    @discardableResult
    public mutating func healNetwork(onSubnet subnet: Int = 0) -> Int {
        simulation.healNetwork(onSubnet: subnet, at: now)
    }
}
