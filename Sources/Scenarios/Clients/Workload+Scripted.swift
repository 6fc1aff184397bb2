import SimCore
import ExecutionLayer
import InternetComputer

/// What a client's call number `n` is: a load client's every call is the same; a scripted
/// client's call `n` is its step `n`.
struct PlannedCall {
    /// Update call or query.
    var call: CallKind
    /// The method.
    var method: String
    /// The target's subnet.
    var subnet: Int
    /// The target canister.
    var canister: CanisterID
    /// The step, for a scripted client.
    var step: Int32?
}

extension Workload {
    /// Client `client`'s call number `number`.
    func plannedCall(_ client: Int, number: UInt64) -> PlannedCall {
        let specification = specifications[client]
        guard let steps = specification.steps else {
            return PlannedCall(call: specification.call, method: specification.method, subnet: targets[client].subnet, canister: targets[client].canister)
        }
        // A scripted client starts a step only while it has one (``nextCall``).
        precondition(number < UInt64(steps.count), "scripted client \(client) has no step \(number)")
        let step = Int(number)
        let target = stepTargets[client][step]
        return PlannedCall(call: steps[step].call, method: steps[step].method, subnet: target.subnet, canister: target.canister, step: Int32(step))
    }

    /// Whether client `client`'s call number `number` is an update call or a query (what
    /// ``plannedCall(_:number:)`` says, without building the planned call).
    func plannedKind(_ client: Int, number: UInt64) -> CallKind {
        guard let steps = specifications[client].steps else { return specifications[client].call }
        precondition(number < UInt64(steps.count), "scripted client \(client) has no step \(number)")
        return steps[Int(number)].call
    }

    /// The argument of step `number` (Candid text was encoded before the run).
    static func stepArgument(_ steps: [CallStep], number: UInt64) -> [UInt8] {
        guard number < UInt64(steps.count) else { return [] }
        return steps[Int(number)].argument.bytes ?? []
    }

    /// Who makes client `client`'s call number `number` as user `user`: the step's caller,
    /// else the client's, else the user's own principal.
    mutating func sender(client: Int, user: Int, number: UInt64) -> Principal {
        if let steps = specifications[client].steps, number < UInt64(steps.count), let caller = steps[Int(number)].caller { return caller }
        return sender(client: client, user: user)
    }

    /// The subnet and canister update call `call` went to.
    package func target(of call: UpdateCall) -> (subnet: Int, canister: CanisterID) {
        guard let step = call.step else { return targets[Int(call.client)] }
        return stepTargets[Int(call.client)][Int(step)]
    }

    /// What a query's user receives when the boundary node finds no replica up: counted as a
    /// transient system error (Docs/Model.md, "Clients").
    static let noReplicaUp = CallAnswer.rejected(code: RejectCode.systemTransient.rawValue, errorCode: nil, message: "no replica up")

    /// Counts `answer` for client `client`, and records it as the outcome of `step` for a
    /// scripted client.
    mutating func record(_ answer: CallAnswer, client: Int, step: Int?, sentAt: SimInstant, at time: SimInstant) {
        answers[client].record(answer)
        if let step { stepOutcomes[client].append(StepOutcome(step: step, answer: answer, sentAt: sentAt, endedAt: time)) }
    }
}

extension Scenario {
    /// The subnet and canister ID of the canister named `name` (the first canister when none
    /// is: only for scenarios whose references were validated).
    func target(ofCanisterNamed name: String) -> (subnet: Int, canister: CanisterID) {
        let index = canisterIndex(named: name) ?? 0
        let subnet = canisters.indices.contains(index) ? subnetIndex(of: canisters[index]) ?? 0 : 0
        return (subnet, Scenario.canisterID(index))
    }
}
