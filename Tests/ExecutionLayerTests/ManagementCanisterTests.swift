import Testing
@testable import ExecutionLayer

/// The management canister (`aaaaa-aa`) as users and canisters call it: create, install,
/// upgrade, reinstall, uninstall, stop (answered once stopped), start, status, deposit and
/// delete, with controllers checked, the IC's error codes, and every cycle accounted for.
@Suite("Management canister")
struct ManagementCanisterTests {
    static let user = CanisterExecutorTests.controller
    static let executor = RoundExecutor()

    /// A subnet with the caller canister, and a round counter for message IDs and times.
    struct Subnet {
        var state = ReplicatedState()
        var nextID: UInt64 = 1
        var round: UInt64 = 0

        /// Runs one round with `method` of `receiver` called by `sender`; the call's answer.
        mutating func call(_ receiver: CanisterID, _ method: String, _ argument: [UInt8] = [], sender: Principal = ManagementCanisterTests.user)
            -> IngressStatus? {
            let id = nextID
            nextID += 1
            run([IngressMessage(id: id, sender: sender, receiver: receiver, method: method, argument: argument)])
            return state.ingressHistory[id]
        }

        mutating func run(_ ingress: [IngressMessage] = []) {
            round += 1
            _ = ManagementCanisterTests.executor.executeRound(ingress: ingress, timeNanos: round * 1_000_000_000, on: &state)
        }
    }

    static func named(_ id: CanisterID) -> [UInt8] { [UInt8(id.principal.bytes.count)] + id.principal.bytes }

    static func install(_ mode: UInt8, _ id: CanisterID, _ wasm: [UInt8], argument: [UInt8] = []) -> [UInt8] {
        let length = UInt32(wasm.count)
        return named(id) + [mode] + (0..<4).map { UInt8(truncatingIfNeeded: length >> (8 * UInt32($0))) } + wasm + argument
    }

    static func created(_ status: IngressStatus?) throws -> CanisterID {
        guard case .replied(let bytes) = status, let id = CanisterID(principal: Principal(bytes: bytes)) else {
            throw ManagementTestError("no canister created: \(String(describing: status))")
        }
        return id
    }

    static func rejected(_ status: IngressStatus?) -> ErrorCode? {
        guard case .rejected(let reject) = status else { return nil }
        return reject.errorCode
    }

    struct ManagementTestError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static let trillion = Cycles(1_000_000_000_000)

    @Test func aCanisterIsCreatedInstalledCalledUpgradedAndDeleted() throws {
        var subnet = Subnet()
        let id = try Self.created(subnet.call(.management, "provisional_create_canister_with_cycles", Self.trillion.littleEndianBytes))
        #expect(subnet.state.canister(id)?.controllers == [Self.user])
        #expect(subnet.state.canister(id)?.cycles == Self.trillion)
        let installed = subnet.call(.management, "install_code", Self.install(0, id, try CanisterExecutorTests.wasm("stable")))
        #expect(installed == .replied([]), "\(String(describing: installed))")
        #expect(subnet.call(id, "inc") == .replied(CanisterExecutorTests.le64(1)))
        #expect(subnet.call(id, "inc") == .replied(CanisterExecutorTests.le64(2)))
        // An upgrade keeps what pre_upgrade saved to stable memory; a reinstall does not.
        #expect(subnet.call(.management, "install_code", Self.install(2, id, try CanisterExecutorTests.wasm("stable"))) == .replied([]))
        #expect(subnet.call(id, "inc") == .replied(CanisterExecutorTests.le64(3)))
        #expect(subnet.call(.management, "install_code", Self.install(1, id, try CanisterExecutorTests.wasm("stable"))) == .replied([]))
        #expect(subnet.call(id, "inc") == .replied(CanisterExecutorTests.le64(1)))
        #expect(subnet.state.canister(id)?.version == 3)
        // Status: running, its cycles, its memory, the module's hash.
        guard case .replied(let status) = subnet.call(.management, "canister_status", Self.named(id)) else { throw ManagementTestError("no status") }
        #expect(status.count == 1 + 16 + 8 + 32 && status[0] == 0)
        // Deleting needs a stopped canister.
        #expect(Self.rejected(subnet.call(.management, "delete_canister", Self.named(id))) == .canisterNotStopped)
        #expect(subnet.call(.management, "stop_canister", Self.named(id)) == .replied([]))
        #expect(Self.rejected(subnet.call(id, "inc")) == .canisterStopped)
        #expect(subnet.call(.management, "delete_canister", Self.named(id)) == .replied([]))
        #expect(subnet.state.canister(id) == nil)
        #expect(Self.rejected(subnet.call(id, "inc")) == .canisterNotFound)
        #expect(subnet.state.cyclesAccountedFor == subnet.state.cyclesMinted, "its cycles were burned with it")
    }

    @Test func onlyControllersManageACanister() throws {
        var subnet = Subnet()
        let id = try Self.created(subnet.call(.management, "provisional_create_canister_with_cycles", Self.trillion.littleEndianBytes))
        let stranger = Principal.user(99)
        for (method, argument) in [("install_code", Self.install(0, id, try CanisterExecutorTests.wasm("counter"))),
                                   ("stop_canister", Self.named(id)), ("canister_status", Self.named(id)),
                                   ("uninstall_code", Self.named(id)), ("delete_canister", Self.named(id))] {
            #expect(Self.rejected(subnet.call(.management, method, argument, sender: stranger)) == .canisterInvalidController, "\(method)")
        }
        #expect(subnet.call(.management, "deposit_cycles", Self.named(id), sender: stranger) == .replied([]), "anyone may deposit")
    }

    @Test func aCanisterMayBeCreatedWithControllersOtherThanItsCreator() throws {
        var subnet = Subnet()
        let alice = Principal.user(11), bob = Principal.user(12)
        let listed = Self.trillion.littleEndianBytes + [2] + [UInt8(alice.bytes.count)] + alice.bytes + [UInt8(bob.bytes.count)] + bob.bytes
        let id = try Self.created(subnet.call(.management, "provisional_create_canister_with_cycles", listed))
        #expect(subnet.state.canister(id)?.controllers == [alice, bob])
        #expect(Self.rejected(subnet.call(.management, "canister_status", Self.named(id))) == .canisterInvalidController,
                "the creator is not a controller unless listed")
        guard case .replied = subnet.call(.management, "canister_status", Self.named(id), sender: bob) else {
            throw ManagementTestError("a listed controller reads the status")
        }
        let malformed: [[UInt8]] = [
            [0],                                              // no controllers
            [11] + Array(repeating: 0, count: 11),            // more than 10
            [1, 30] + Array(repeating: 7, count: 30),         // a principal longer than 29 bytes
            [1, 5, 1, 2],                                     // cut short
            [1, 1, 4, 9],                                     // bytes after the controllers
        ]
        for tail in malformed {
            #expect(Self.rejected(subnet.call(.management, "provisional_create_canister_with_cycles", Self.trillion.littleEndianBytes + tail))
                    == .invalidManagementPayload, "\(tail)")
        }
    }

    @Test func badCallsGetTheICsErrors() throws {
        var subnet = Subnet()
        #expect(Self.rejected(subnet.call(.management, "raw_rand")) == .unknownManagementMessage)
        #expect(Self.rejected(subnet.call(.management, "provisional_create_canister_with_cycles", [1, 2])) == .invalidManagementPayload)
        #expect(Self.rejected(subnet.call(.management, "canister_status", [10, 1, 2])) == .invalidManagementPayload)
        #expect(Self.rejected(subnet.call(.management, "canister_status", Self.named(CanisterID(77)))) == .canisterNotFound)
        let id = try Self.created(subnet.call(.management, "provisional_create_canister_with_cycles", Self.trillion.littleEndianBytes))
        #expect(Self.rejected(subnet.call(.management, "install_code", Self.install(7, id, []))) == .invalidManagementPayload)
        #expect(Self.rejected(subnet.call(.management, "install_code", Self.install(0, id, [0, 97, 115, 109]))) == .canisterInvalidWasm)
        #expect(Self.rejected(subnet.call(.management, "install_code", Self.install(2, id, try CanisterExecutorTests.wasm("counter"))))
                == .canisterWasmModuleNotFound, "nothing to upgrade")
        #expect(Self.rejected(subnet.call(.management, "create_canister")) == .insufficientCyclesForCreateCanister,
                "a user sends no cycles, and creation costs 500 B")
    }

    @Test func stoppingAnswersOnceTheCanisterStopsAndStartingCancelsIt() throws {
        var subnet = Subnet()
        subnet.state.add(try RoundExecutorTests.canister("caller", RoundExecutorTests.callerID, cycles: 1_000_000_000_000))
        subnet.state.add(try RoundExecutorTests.canister("counter", RoundExecutorTests.counterID, cycles: 1_000_000_000_000))
        // The caller waits on a call to a canister that never answers within the round: one
        // that is stopped (so the call context of the caller stays open for a round).
        let stop = IngressMessage(id: 100, sender: Self.user, receiver: .management, method: "stop_canister", argument: Self.named(RoundExecutorTests.callerID))
        let call = IngressMessage(id: 101, sender: Self.user, receiver: RoundExecutorTests.callerID, method: "call",
                                  argument: RoundExecutorTests.target(.management, "canister_status"))
        subnet.run([call, stop])
        // The caller's call to the management canister is answered at the end of the round,
        // its callback runs in the next one: until then the caller is stopping.
        #expect(subnet.state.canister(RoundExecutorTests.callerID)?.status == .stopping)
        #expect(subnet.state.ingressHistory[100] == .processing)
        subnet.run()
        #expect(subnet.state.canister(RoundExecutorTests.callerID)?.status == .stopped)
        #expect(subnet.state.ingressHistory[100] == .replied([]))
        guard case .replied(let reply) = subnet.state.ingressHistory[101] else { throw ManagementTestError("the call was not answered") }
        #expect(Array(reply.prefix(8)) == Array("reject:".utf8) + [UInt8(RejectCode.canisterReject.rawValue)],
                "the management canister finds no canister in the empty argument")
        // A stop pending when the canister is started again is rejected.
        #expect(subnet.call(.management, "start_canister", Self.named(RoundExecutorTests.callerID)) == .replied([]))
        subnet.run([IngressMessage(id: 200, sender: Self.user, receiver: RoundExecutorTests.callerID, method: "call",
                                   argument: RoundExecutorTests.target(.management, "canister_status")),
                    IngressMessage(id: 201, sender: Self.user, receiver: .management, method: "stop_canister", argument: Self.named(RoundExecutorTests.callerID)),
                    IngressMessage(id: 202, sender: Self.user, receiver: .management, method: "start_canister", argument: Self.named(RoundExecutorTests.callerID))])
        #expect(Self.rejected(subnet.state.ingressHistory[201]) == .canisterStoppingCancelled)
        #expect(subnet.state.canister(RoundExecutorTests.callerID)?.status == .running)
    }

    @Test func uninstallRejectsOpenCallsAndKeepsCycles() throws {
        var subnet = Subnet()
        subnet.state.add(try RoundExecutorTests.canister("caller", RoundExecutorTests.callerID, cycles: 1_000_000_000_000))
        let before = subnet.state.cyclesAccountedFor
        let call = IngressMessage(id: 1, sender: Self.user, receiver: RoundExecutorTests.callerID, method: "call",
                                  argument: RoundExecutorTests.target(.management, "canister_status"))
        let uninstall = IngressMessage(id: 2, sender: Self.user, receiver: .management, method: "uninstall_code", argument: Self.named(RoundExecutorTests.callerID))
        subnet.run([call, uninstall])
        subnet.nextID = 10
        guard case .rejected(let reject) = subnet.state.ingressHistory[1] else { throw ManagementTestError("the open call was not rejected") }
        #expect(reject.code == .canisterReject && reject.message.contains("uninstalled"))
        #expect(subnet.state.ingressHistory[2] == .replied([]))
        let canister = try #require(subnet.state.canister(RoundExecutorTests.callerID))
        #expect(canister.code == nil && canister.version == 2)
        #expect(Self.rejected(subnet.call(RoundExecutorTests.callerID, "call", RoundExecutorTests.target(.management, "x"))) == .canisterWasmModuleNotFound)
        subnet.run()
        #expect(subnet.state.cyclesAccountedFor == before, "fees burned, nothing lost")
    }

    @Test func deletingACanisterAnswersWhatWaitsInItsQueue() throws {
        var subnet = Subnet()
        let id = try Self.created(subnet.call(.management, "provisional_create_canister_with_cycles", Self.trillion.littleEndianBytes))
        #expect(subnet.call(.management, "install_code", Self.install(0, id, try CanisterExecutorTests.wasm("counter"))) == .replied([]))
        #expect(subnet.call(.management, "stop_canister", Self.named(id)) == .replied([]))
        // A round with no instruction budget runs nothing: the call waits in the queue when
        // the canister is deleted at the end of the round.
        var idle = RoundConfiguration()
        idle.roundInstructionsPerCore = 0
        let inc = IngressMessage(id: 100, sender: Self.user, receiver: id, method: "inc", argument: [])
        let delete = IngressMessage(id: 101, sender: Self.user, receiver: .management, method: "delete_canister", argument: Self.named(id))
        _ = RoundExecutor(configuration: idle).executeRound(ingress: [inc, delete], timeNanos: 100_000_000_000, on: &subnet.state)
        #expect(subnet.state.ingressHistory[101] == .replied([]))
        #expect(Self.rejected(subnet.state.ingressHistory[100]) == .canisterNotFound, "the queued call is answered, not lost")
        #expect(subnet.state.cyclesAccountedFor == subnet.state.cyclesMinted)
    }

    @Test func anUninstalledCanisterHasNoHeartbeatToPayFor() throws {
        var subnet = Subnet()
        let id = try Self.created(subnet.call(.management, "provisional_create_canister_with_cycles", Self.trillion.littleEndianBytes))
        #expect(subnet.call(.management, "install_code", Self.install(0, id, try CanisterExecutorTests.wasm("timer"))) == .replied([]))
        let beating = try #require(subnet.state.canister(id)).cycles
        subnet.run()
        #expect(try #require(subnet.state.canister(id)).cycles < beating, "each heartbeat costs its execution")
        #expect(subnet.call(.management, "uninstall_code", Self.named(id)) == .replied([]))
        let silent = try #require(subnet.state.canister(id)).cycles
        for _ in 0..<3 { subnet.run() }
        #expect(try #require(subnet.state.canister(id)).cycles == silent, "no heartbeat runs, none is charged")
        #expect(subnet.call(.management, "install_code", Self.install(0, id, try CanisterExecutorTests.wasm("timer"))) == .replied([]))
        subnet.run()
        #expect(try #require(subnet.state.canister(id)).cycles < silent, "installed again, it beats again")
    }

    @Test func canistersCreateCanistersWithTheCyclesTheySend() throws {
        var fees = RoundConfiguration()
        fees.fees.canisterCreation = 500  // so the caller's 1,000 cycles can pay
        let executor = RoundExecutor(configuration: fees)
        var state = ReplicatedState()
        state.add(try RoundExecutorTests.canister("caller", RoundExecutorTests.callerID, cycles: 1_000_000_000_000))
        let before = state.cyclesAccountedFor
        let call = IngressMessage(id: 1, sender: Self.user, receiver: RoundExecutorTests.callerID, method: "call_with_cycles",
                                  argument: RoundExecutorTests.target(.management, "create_canister"))
        for round in UInt64(1)...3 { _ = executor.executeRound(ingress: round == 1 ? [call] : [], timeNanos: round * 1_000_000_000, on: &state) }
        #expect(state.ingressHistory[1] == .replied(Array(repeating: 0, count: 16)), "all 1,000 cycles kept: none refunded")
        let created = try #require(state.canisters.map(\.state).first { $0.id != RoundExecutorTests.callerID })
        #expect(created.cycles == Cycles(500) && created.controllers == [RoundExecutorTests.callerID.principal])
        #expect(RoutingTable(canistersBySubnet: [[]]).subnet(of: created.id) == 0, "the routing table finds it by its ID")
        #expect(state.cyclesAccountedFor == before)
    }
}
