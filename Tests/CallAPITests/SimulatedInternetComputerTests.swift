import Testing
import ICSim

/// The call API over the built-in C counter (Tests/ExecutionLayerTests/Fixtures/c/counter.c:
/// numbers are 8 bytes little-endian).
@Suite struct SimulatedInternetComputerTests {
    static let counter = BuiltinCanisters.module(named: "counter") ?? []
    static let owner = Principal.user(7)

    static func number(_ bytes: [UInt8]) -> UInt64 {
        bytes.prefix(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    static func deployedCounter(_ ic: inout SimulatedInternetComputer) throws -> CanisterID {
        try ic.deploy(wasm: counter, controller: owner)
    }

    @Test func updatesGoThroughConsensusAndQueriesReadTheResult() throws {
        var ic = try SimulatedInternetComputer()
        let canister = try Self.deployedCounter(&ic)
        for expected in 1...3 as ClosedRange<UInt64> {
            let reply = try ic.update(canister, "inc")
            #expect(Self.number(reply) == expected)
        }
        let value = try ic.query(canister, "get")
        #expect(Self.number(value) == 3)
        // An update takes rounds of consensus and certification: seconds of virtual time.
        #expect(ic.now > .zero + .milliseconds(500))
    }

    @Test func aQueryMethodCalledAsAnUpdateKeepsNoChange() throws {
        var ic = try SimulatedInternetComputer()
        let canister = try Self.deployedCounter(&ic)
        let replicated = try ic.update(canister, "inc_in_query")
        #expect(Self.number(replicated) == 1, "it runs and replies")
        let value = try ic.query(canister, "get")
        #expect(Self.number(value) == 0, "but its change is discarded, as the IC discards a replicated query's")
    }

    @Test func rejectsAreTyped() throws {
        var ic = try SimulatedInternetComputer()
        let canister = try Self.deployedCounter(&ic)
        do {
            _ = try ic.update(canister, "reject")
            Issue.record("a reject was expected")
        } catch {
            #expect(error.reject?.code == .canisterReject)
            #expect(error.reject?.message == "no thanks")
        }
        do {
            _ = try ic.update(canister, "inc_then_trap")
            Issue.record("a trap was expected")
        } catch {
            #expect(error.reject?.code == .canisterError)
        }
        let value = try ic.query(canister, "get")
        #expect(Self.number(value) == 0, "the trapping message's change was rolled back")
        do {
            _ = try ic.update(canister, "no_such_method")
            Issue.record("an unknown method was expected to be rejected")
        } catch {
            #expect(error.reject?.code == .canisterError, "the IC rejects a call to a method a module lacks with CANISTER_ERROR (IC0536)")
        }
    }

    @Test func theCallerAndTheControllerAreWhoTheTestSays() throws {
        var ic = try SimulatedInternetComputer()
        let canister = try Self.deployedCounter(&ic)
        let caller = try ic.update(canister, "whoami", sender: .user(42))
        #expect(caller == Principal.user(42).bytes)
        // Only a controller may reinstall.
        do {
            try ic.installCode(canister, wasm: Self.counter, mode: .reinstall, sender: .user(42))
            Issue.record("a reinstall by a non-controller was expected to be rejected")
        } catch {
            #expect(error.reject?.errorCode == .canisterInvalidController)
        }
        _ = try ic.update(canister, "inc")
        try ic.installCode(canister, wasm: Self.counter, argument: [9, 0, 0, 0, 0, 0, 0, 0], mode: .reinstall, sender: Self.owner)
        let value = try ic.query(canister, "get")
        #expect(Self.number(value) == 9)
    }

    @Test func aCanisterMayHaveSeveralControllers() throws {
        var ic = try SimulatedInternetComputer()
        let alice = Principal.user(21), bob = Principal.user(22)
        let canister = try ic.createCanister(controller: alice, controllers: [alice, bob])
        try ic.installCode(canister, wasm: Self.counter, sender: bob)
        let reply = try ic.update(canister, "inc")
        #expect(Self.number(reply) == 1)
        do {
            try ic.installCode(canister, wasm: Self.counter, mode: .reinstall, sender: .user(23))
            Issue.record("only alice and bob control it")
        } catch {
            #expect(error.reject?.errorCode == .canisterInvalidController)
        }
    }

    @Test func timeAdvancesOnlyWhenAsked() throws {
        var ic = try SimulatedInternetComputer()
        let canister = try Self.deployedCounter(&ic)
        let before = ic.now
        _ = try ic.query(canister, "get")
        #expect(ic.now == before, "a query takes no virtual time")
        ic.advanceTime(by: .seconds(30))
        #expect(ic.now == before + .seconds(30))
        let heights = ic.simulation.executedHeight(onSubnet: 0)
        let ticked = ic.tick(rounds: 3)
        #expect(ticked)
        #expect(ic.simulation.executedHeight(onSubnet: 0) >= heights + 3)
        let time = Self.number(try ic.update(canister, "time"))
        // The reply came once certified: after the block that executed it.
        #expect(time > ic.timeNanos - 10_000_000_000 && time <= ic.timeNanos, "ic0.time is the block's time, just before the answer")
    }

    @Test func aCrashedMinorityDoesNotStopCallsButAPartitionedMajorityDoes() throws {
        var ic = try SimulatedInternetComputer()
        let canister = try Self.deployedCounter(&ic)
        let crashed = (0..<4).map { ic.crash(node: $0) }
        #expect(crashed == [true, true, true, true])
        let crashedTwice = ic.crash(node: 0)
        #expect(!crashedTwice, "already down")
        let first = try ic.update(canister, "inc")
        #expect(Self.number(first) == 1, "13 nodes tolerate f = 4 crashes")
        let restarted = (0..<4).map { ic.restart(node: $0) }
        #expect(restarted == [true, true, true, true])
        let restartedTwice = ic.restart(node: 0)
        #expect(!restartedTwice, "already up")

        ic.injectNetworkFault(.split(groups: [Array(0..<7), Array(7..<13)]))
        do {
            _ = try ic.update(canister, "inc")
            Issue.record("no group of a 7/6 split holds the 9 nodes a height needs")
        } catch {
            #expect(error == .expired)
        }
        let healed = ic.healNetwork()
        #expect(healed == 1)
        let afterHeal = try ic.update(canister, "inc")
        #expect(Self.number(afterHeal) >= 2, "after the heal the subnet goes on (the expired call may have executed late)")
    }

    @Test func callsToUnknownCanistersFail() throws {
        var ic = try SimulatedInternetComputer()
        do {
            _ = try ic.update(CanisterID(12_345), "inc")
            Issue.record("a call to a canister of no subnet was expected to fail")
        } catch {
            #expect(error == .noSuchSubnet(CanisterID(12_345)))
        }
        #expect(throws: ConfigurationErrors.self) { try SimulatedInternetComputer(subnetCount: 0) }
    }

    @Test func twoRunsOfTheSameCallsAreIdentical() throws {
        func run() throws -> (String, SimInstant, [UInt8]) {
            var ic = try SimulatedInternetComputer(seed: 5)
            let canister = try Self.deployedCounter(&ic)
            _ = try ic.update(canister, "inc")
            ic.crash(node: 2)
            let reply = try ic.update(canister, "inc")
            return (ic.simulation.traceHash, ic.now, reply)
        }
        let first = try run()
        let second = try run()
        #expect(first.0 == second.0 && first.1 == second.1 && first.2 == second.2)
    }
}
