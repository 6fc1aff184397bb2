import SimCore
import Candid
import Consensus
import ExecutionLayer
import InternetComputer

/// A simulated Internet Computer that a test drives call by call, in the spirit of PocketIC:
/// create canisters, install modules, make update calls and queries that return the reply or
/// a typed reject, advance time, and crash nodes or cut the network between calls.
///
/// It is the same model a scenario runs (``InternetComputerSimulation``: consensus, the
/// network, execution and certification on every subnet), driven by one user instead of a
/// workload, and as deterministic: the same configuration and the same sequence of calls give
/// the same replies, times and trace hash. Each call waits in virtual time, never in wall
/// time: an update call steps the simulation until its answer is certified (or its message
/// expires), as an agent's polls would find it.
///
/// ```swift
/// var ic = try SimulatedInternetComputer()
/// let canister = try ic.createCanister(controller: .user(1))
/// try ic.installCode(canister, wasm: module, sender: .user(1))
/// let reply = try ic.update(canister, "inc", sender: .user(1))
/// ```
public struct SimulatedInternetComputer {
    /// The IC being simulated (read it for traces, heights and metrics).
    public internal(set) var simulation: InternetComputerSimulation
    /// The current virtual time: every event up to it has been handled.
    public private(set) var now: SimInstant = .zero
    /// The sender of calls that name none: a user principal.
    public var defaultSender: Principal = .user(0)
    /// The next ingress message ID (unique in the run).
    var nextMessageID: UInt64 = 1
    /// The boundary node's choice of replica for each query.
    var boundaryNode: RandomStream
    /// The Candid interface of each canister deployed with one (looked up, never iterated).
    var interfaces: [CanisterID: CandidInterface] = [:]

    /// An IC of these subnets (each validated first).
    /// - Throws: every problem of the configuration, each naming its field.
    public init(configuration: InternetComputerConfiguration) throws(ConfigurationErrors) {
        let problems = configuration.problems()
        guard problems.isEmpty else {
            throw ConfigurationErrors(problems: problems.map { ConfigurationError(field: "configuration", message: $0) })
        }
        simulation = InternetComputerSimulation(configuration: configuration)
        boundaryNode = RandomSeed(configuration.subnets.first?.seed ?? 0).stream("call API boundary node")
    }

    /// An IC of `subnetCount` application subnets of `nodeCount` nodes each, with the IC's
    /// defaults, every random stream derived from `seed`.
    public init(subnetCount: Int = 1, nodeCount: Int = 13, seed: UInt64 = 1) throws(ConfigurationErrors) {
        try self.init(configuration: InternetComputerConfiguration(subnetCount: subnetCount, nodeCount: nodeCount, seed: seed))
    }

    /// The IC's time now (nanoseconds since 1970), as `ic0.time` would read it.
    public var timeNanos: UInt64 { SubnetExecution.epochNanos + UInt64(max(now.nanosecondsSinceStart, 0)) }

    /// The subnet hosting `canister`, if any.
    public func subnet(of canister: CanisterID) -> Int? {
        simulation.configuration.routing.subnet(of: canister)
    }

    // MARK: Time

    /// Handles every event up to `now + duration`, and makes that the current time.
    /// - Precondition: `duration` is not negative.
    public mutating func advanceTime(by duration: SimDuration) {
        precondition(duration >= .zero, "time only moves forward")
        run(until: now + duration)
    }

    /// Advances until every subnet has executed `rounds` more heights (a round each), or
    /// `limit` of virtual time has passed (a subnet stalled by faults); whether every subnet
    /// got there.
    @discardableResult
    public mutating func tick(rounds: Int = 1, limit: SimDuration = .seconds(600)) -> Bool {
        let targets = simulation.configuration.subnets.indices.map { simulation.executedHeight(onSubnet: $0) + UInt64(max(rounds, 0)) }
        let deadline = now + limit
        return step(until: deadline) { simulation in
            targets.indices.allSatisfy { simulation.executedHeight(onSubnet: $0) >= targets[$0] }
        }
    }

    /// Handles every event up to `time` and makes it the current time.
    mutating func run(until time: SimInstant) {
        while simulation.step(notAfter: time) {}
        now = max(now, time)
    }

    /// Handles events in order until `done` holds after one (then the current time is that
    /// event's, and every other event due by then is handled too) or until `deadline`;
    /// whether `done` came to hold.
    mutating func step(until deadline: SimInstant, _ done: (InternetComputerSimulation) -> Bool) -> Bool {
        if done(simulation) { return true }
        while let next = simulation.nextEventTime, next <= deadline {
            _ = simulation.step(notAfter: next)
            if done(simulation) {
                run(until: next)
                return true
            }
        }
        run(until: deadline)
        return done(simulation)
    }
}
