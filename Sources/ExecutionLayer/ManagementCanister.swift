import SimCore
import Wasm

/// The management canister's methods (`aaaaa-aa`), as canisters and users call them, with the
/// byte encodings of this model (Candid is not modelled; Docs/Execution.md lists them). A
/// canister is named by `[principal length: 1 byte][principal]`.
public enum ManagementMethod: String, Hashable, Sendable, CaseIterable {
    /// Creates an empty canister controlled by the caller, funded by the cycles sent with the
    /// call minus the creation fee; replies with its principal.
    case createCanister = "create_canister"
    /// Creates an empty canister with `[amount: 16 bytes]` cycles made from nothing (as on the
    /// IC's test instances), controlled by the caller, or by the controllers that may follow:
    /// `[count: 1 byte, 1 to 10][canister-style principal]...`; replies with its principal.
    case provisionalCreateCanisterWithCycles = "provisional_create_canister_with_cycles"
    /// `[canister][mode: 1 byte: 0 install, 1 reinstall, 2 upgrade][module length: 4 bytes, little-endian][module][init argument]`.
    case installCode = "install_code"
    /// `[canister]`: removes its code, memories, certified data and timer; rejects the calls
    /// into it that are still open.
    case uninstallCode = "uninstall_code"
    /// `[canister]`: replies once the canister is stopped.
    case stopCanister = "stop_canister"
    /// `[canister]`: runs it again; pending stops are rejected.
    case startCanister = "start_canister"
    /// `[canister]`: removes a stopped canister; its cycles are lost.
    case deleteCanister = "delete_canister"
    /// `[canister]`: replies `[status: 1 byte: 0 running, 1 stopping, 2 stopped][cycles: 16 bytes]
    /// [memory bytes: 8 bytes][module hash: 32 bytes, absent without a module]`.
    case canisterStatus = "canister_status"
    /// `[canister]`: the cycles sent with the call go to the canister.
    case depositCycles = "deposit_cycles"
}

/// What a management call came to.
enum ManagementOutcome {
    case reply([UInt8], refund: Cycles)
    case reject(Reject)
    /// Not answered yet: retried next round (a canister with a paused message) or answered
    /// when the canister stops.
    case later
}

/// Reads a management call's argument.
struct ManagementArgument {
    var bytes: ArraySlice<UInt8>

    mutating func canister() throws(Reject) -> CanisterID {
        guard let length = bytes.popFirst(), bytes.count >= Int(length) else { throw Self.invalid("a canister principal") }
        let principal = Principal(bytes: Array(bytes.prefix(Int(length))))
        bytes = bytes.dropFirst(Int(length))
        guard let id = CanisterID(principal: principal), id != .management else { throw Self.invalid("a canister principal, found \(principal)") }
        return id
    }

    /// The controllers that may end the argument: `nil` if nothing follows, else a count of
    /// 1 to 10 (the IC's most: interface spec, "IC management canister", `controllers`) and
    /// that many principals, each `[length: 1 byte][bytes]`, and nothing after.
    mutating func controllers() throws(Reject) -> [Principal]? {
        guard let count = bytes.popFirst() else { return nil }
        guard (1...10).contains(count) else { throw Self.invalid("1 to 10 controllers, found \(count)") }
        var controllers: [Principal] = []
        for _ in 0..<count {
            guard let length = bytes.popFirst(), length <= 29, bytes.count >= Int(length) else {
                throw Self.invalid("a controller's principal (a length of at most 29 bytes, then its bytes)")
            }
            controllers.append(Principal(bytes: Array(bytes.prefix(Int(length)))))
            bytes = bytes.dropFirst(Int(length))
        }
        guard bytes.isEmpty else { throw Self.invalid("nothing after the controllers, found \(bytes.count) more bytes") }
        return controllers
    }

    mutating func integer(bytes count: Int) throws(Reject) -> [UInt8] {
        guard bytes.count >= count else { throw Self.invalid("\(count) more bytes") }
        defer { bytes = bytes.dropFirst(count) }
        return Array(bytes.prefix(count))
    }

    static func invalid(_ expected: String) -> Reject {
        Reject(.invalidManagementPayload, "the management canister's argument is invalid: expected \(expected)")
    }
}

extension RoundExecutor {
    /// Runs the management canister's calls of this round, in the order they came (at the end
    /// of the round: creating and deleting canisters moves positions), and delivers the answers.
    func executeManagement(_ state: inout ReplicatedState, _ round: inout RoundState) {
        let requests = state.managementQueue
        state.managementQueue = []
        for request in requests {
            switch manage(request, &state, &round) {
            case .reply(let bytes, let refund): respond(to: request.origin, .replied(bytes), refund: refund, &state, &round)
            case .reject(let reject): respond(to: request.origin, .rejected(reject), refund: request.cycles, &state, &round)
            case .later: break
            }
        }
        answerStops(&state, &round)
        route(&state, &round)
    }

    /// Runs one management call.
    func manage(_ request: Request, _ state: inout ReplicatedState, _ round: inout RoundState) -> ManagementOutcome {
        guard let method = ManagementMethod(rawValue: request.method) else {
            return .reject(Reject(.unknownManagementMessage, "the management canister has no method \"\(request.method)\""))
        }
        var argument = ManagementArgument(bytes: request.argument[...])
        do throws(Reject) {
            switch method {
            case .createCanister: return create(request, cycles: request.cycles, paid: true, &state)
            case .provisionalCreateCanisterWithCycles:
                let cycles = Cycles(littleEndian: try argument.integer(bytes: 16))
                return create(request, cycles: cycles, paid: false, controllers: try argument.controllers(), &state)
            case .depositCycles:
                let position = try hosted(try argument.canister(), state)
                state.canisters[position].state.cycles = state.canisters[position].state.cycles + request.cycles
                state.markTouched([position])
                return .reply([], refund: .zero)
            default:
                let id = try argument.canister()
                let position = try hosted(id, state)
                guard state.canisters[position].state.controllers.contains(request.caller) else {
                    throw Reject(.canisterInvalidController, "only the controllers of canister \(id) can call \(method.rawValue); \(request.caller) is not one")
                }
                return try manage(method, position, request, &argument, &state, &round)
            }
        } catch {
            return .reject(error)
        }
    }

    /// A controller's call about the canister at `position`.
    func manage(_ method: ManagementMethod, _ position: Int, _ request: Request, _ argument: inout ManagementArgument,
                _ state: inout ReplicatedState, _ round: inout RoundState) throws(Reject) -> ManagementOutcome {
        switch method {
        case .installCode: return try installCode(position, request, &argument, &state, &round)
        case .uninstallCode:
            guard state.canisters[position].pausedBox == nil else { return later(request, &state) }
            uninstall(position, &state, &round)
            return .reply([], refund: request.cycles)
        case .stopCanister:
            let id = state.canisters[position].state.id
            state.stopCanister(id)
            guard state.canisters[position].state.status != .stopped else { return .reply([], refund: request.cycles) }
            state.pendingStops.append(request)
            return .later
        case .startCanister:
            state.startCanister(state.canisters[position].state.id)
            cancelStops(of: state.canisters[position].state.id, &state, &round)
            return .reply([], refund: request.cycles)
        case .deleteCanister:
            let id = state.canisters[position].state.id
            guard state.canisters[position].state.status == .stopped else {
                throw Reject(.canisterNotStopped, "canister \(id) must be stopped before it is deleted")
            }
            // Requests still queued are answered (the callee is gone); refunds of responses
            // for its own calls, which nobody waits for any more, and its balance are burned.
            for input in state.canisters[position].queue {
                switch input {
                case .request(let queued):
                    respond(to: queued.origin, .rejected(Reject(.canisterNotFound, "canister \(id) was deleted")), refund: queued.cycles,
                            &state, &round)
                case .response(let response): state.cyclesBurned = state.cyclesBurned + response.refund
                }
            }
            state.cyclesBurned = state.cyclesBurned + state.canisters[position].state.cycles
            state.remove(id)
            return .reply([], refund: request.cycles)
        case .canisterStatus: return .reply(status(position, state), refund: request.cycles)
        case .createCanister, .provisionalCreateCanisterWithCycles, .depositCycles:
            preconditionFailure("\(method.rawValue) names no controlled canister: manage(_:_:_:) runs it before checking controllers")
        }
    }

    /// The position of canister `id`, which must be on this subnet.
    func hosted(_ id: CanisterID, _ state: ReplicatedState) throws(Reject) -> Int {
        guard let position = state.positions[id] else {
            if state.routing?.subnet(of: id) != nil {
                throw Reject(.canisterNotHostedBySubnet, "canister \(id) is on another subnet (this model's management canister acts on the caller's subnet)")
            }
            throw Reject(.canisterNotFound, "canister \(id) does not exist")
        }
        return position
    }

    /// Puts `request` back for the next round.
    func later(_ request: Request, _ state: inout ReplicatedState) -> ManagementOutcome {
        state.managementQueue.append(request)
        return .later
    }

    /// Creates a canister with `cycles` (less the creation fee when `paid`).
    func create(_ request: Request, cycles: Cycles, paid: Bool, controllers: [Principal]? = nil, _ state: inout ReplicatedState) -> ManagementOutcome {
        let fee = paid ? configuration.fees.scaled(configuration.fees.canisterCreation) : .zero
        guard let balance = cycles.subtracting(fee) else {
            return .reject(Reject(.insufficientCyclesForCreateCanister,
                                  "creating a canister costs \(fee) cycles, and the call sent \(cycles)"))
        }
        state.cyclesBurned = state.cyclesBurned + fee
        if !paid { state.cyclesMinted = state.cyclesMinted + cycles }
        let id = state.nextCreatedCanisterID()
        state.add(CanisterState(id: id, controllers: controllers ?? [request.caller], cycles: balance))
        return .reply(id.principal.bytes, refund: .zero)
    }

    /// `install_code`: runs the install now, charging its instructions to the freest core and
    /// its execution to the canister.
    func installCode(_ position: Int, _ request: Request, _ argument: inout ManagementArgument,
                     _ state: inout ReplicatedState, _ round: inout RoundState) throws(Reject) -> ManagementOutcome {
        guard state.canisters[position].pausedBox == nil else { return later(request, &state) }
        let modeByte = try argument.integer(bytes: 1)[0]
        let modes: [InstallMode] = [.install, .reinstall, .upgrade]
        guard Int(modeByte) < modes.count else { throw ManagementArgument.invalid("a mode of 0, 1 or 2, found \(modeByte)") }
        let length = try argument.integer(bytes: 4).reversed().reduce(0) { $0 << 8 | Int($1) }
        let wasm = try argument.integer(bytes: length)
        var canister = state.canisters[position].state
        let result = executor.install(modes[Int(modeByte)], wasm: wasm, argument: Array(argument.bytes), caller: request.caller,
                                      timeNanos: round.timeNanos, on: &canister)
        let instructions: UInt64
        switch result {
        case .success(let used): instructions = used
        case .failure(let reject): return .reject(reject)
        }
        let fee = Cycles.minimum(configuration.fees.scaled(configuration.fees.executionBase)
            + configuration.fees.scaled(configuration.fees.executionPerInstruction, times: instructions), canister.cycles)
        canister.cycles = canister.cycles - fee
        state.cyclesBurned = state.cyclesBurned + fee
        round.charge(instructions, to: round.freestCore() ?? 0)
        state.canisters[position].state = canister
        state.codeChanged(position)
        return .reply([], refund: request.cycles)
    }

    /// `uninstall_code`: the canister loses its code and memories; calls into it that are
    /// still open are rejected, and answers to its own calls will find no callback.
    func uninstall(_ position: Int, _ state: inout ReplicatedState, _ round: inout RoundState) {
        let id = state.canisters[position].state.id
        for key in state.canisters[position].callContexts.keys.sorted() {
            guard let context = state.canisters[position].callContexts[key] else { continue }
            let reject = Reject(canisterMessage: "canister \(id) was uninstalled")
            if !context.responded { respond(to: context.origin, .rejected(reject), refund: context.cyclesAvailable, &state, &round) }
            else { state.cyclesBurned = state.cyclesBurned + context.cyclesAvailable }
        }
        state.canisters[position].callContexts = [:]
        state.canisters[position].callbacks = [:]
        state.canisters[position].tasks = []
        state.canisters[position].state.uninstall()
        state.codeChanged(position)
    }

    /// `canister_status`'s reply.
    func status(_ position: Int, _ state: ReplicatedState) -> [UInt8] {
        let canister = state.canisters[position].state
        let status: UInt8 = switch canister.status {
        case .running: 0
        case .stopping: 1
        case .stopped: 2
        }
        let memory = state.canisters[position].memoryBytes
        return [status] + canister.cycles.littleEndianBytes + (0..<8).map { UInt8(truncatingIfNeeded: memory >> (8 * UInt64($0))) }
            + (canister.code?.moduleHash.bytes ?? [])
    }

    /// Answers pending `stop_canister` calls whose canister is now stopped.
    func answerStops(_ state: inout ReplicatedState, _ round: inout RoundState) {
        let pending = state.pendingStops
        state.pendingStops = []
        for request in pending {
            let stopped = state.positions[request.receiverOfManagement].map { state.canisters[$0].state.status == .stopped } ?? true
            if stopped { respond(to: request.origin, .replied([]), refund: request.cycles, &state, &round) } else { state.pendingStops.append(request) }
        }
    }

    /// Rejects the pending stops of canister `id` (it was started again).
    func cancelStops(of id: CanisterID, _ state: inout ReplicatedState, _ round: inout RoundState) {
        let pending = state.pendingStops
        state.pendingStops = []
        for request in pending {
            if request.receiverOfManagement == id {
                respond(to: request.origin, .rejected(Reject(.canisterStoppingCancelled, "canister \(id) was started before it stopped")),
                        refund: request.cycles, &state, &round)
            } else {
                state.pendingStops.append(request)
            }
        }
    }
}

extension Request {
    /// The canister a management call names first (`.management` when it names none).
    var receiverOfManagement: CanisterID {
        var argument = ManagementArgument(bytes: self.argument[...])
        return (try? argument.canister()) ?? .management
    }
}

extension Cycles {
    /// The amount in 16 little-endian bytes.
    init(littleEndian bytes: [UInt8]) {
        let value = bytes.prefix(16).enumerated().reduce((high: UInt64(0), low: UInt64(0))) { partial, element in
            let (index, byte) = element
            return index < 8 ? (partial.high, partial.low | UInt64(byte) << (8 * UInt64(index)))
                : (partial.high | UInt64(byte) << (8 * UInt64(index - 8)), partial.low)
        }
        self.init(high: value.high, low: value.low)
    }
}

extension CanisterState {
    /// What `uninstall_code` leaves: no code, empty memories, no certified data or timer.
    mutating func uninstall() {
        code = nil
        installed = nil
        stableMemory = LinearMemory(minimumPages: 0, maximumPages: stableMemory.maximumPages)
        certifiedData = []
        globalTimerNanos = 0
        version += 1
    }
}

extension ReplicatedState {
    /// An ID for a canister created on this subnet: 2^62 + subnet * 2^32 + a counter (the
    /// routing table places such IDs by their subnet bits).
    mutating func nextCreatedCanisterID() -> CanisterID {
        createdCanisters += 1
        return CanisterID(1 << 62 | UInt64(subnet) << 32 | createdCanisters)
    }

    /// Removes canister `id` (deleted); positions move, so every digest is rebuilt.
    mutating func remove(_ id: CanisterID) {
        guard let position = positions[id] else { return }
        canisters.remove(at: position)
        positions = Dictionary(uniqueKeysWithValues: canisters.enumerated().map { ($0.element.state.id, $0.offset) })
        digests = StateDigests(chunksHashed: digests.chunksHashed)
        rebuildIndexes()
    }
}
