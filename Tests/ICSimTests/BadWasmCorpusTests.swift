import Foundation
import Testing
@testable import ICSim
@testable import InternetComputer
@testable import Scenarios
@testable import ScenarioReports
import ExecutionLayer
import Wasm
import ICSimTestSupport

/// Tests/BadInputs/wasm: malformed and hostile modules. Each ends in a clear load error, a
/// refused install or a trap turned into a reject with its IC error code; none crashes the
/// process, hangs it or makes it allocate without bound. Every file of the directory is
/// covered (a new file without a case here fails the first test).
@Suite("Bad input corpus: Wasm")
struct BadWasmCorpusTests {
    static let directory = "Tests/BadInputs/wasm"
    static let controller = Principal.user(1)

    static func module(_ name: String) throws -> [UInt8] { try Fixture.bytes("\(directory)/\(name).wasm") }

    /// Small limits so the hostile loops end in milliseconds in a debug build.
    static let executor: CanisterExecutor = {
        var configuration = ExecutionConfiguration()
        configuration.updateInstructionsMax = 2_000_000
        configuration.queryInstructionsMax = 1_000_000
        return CanisterExecutor(configuration: configuration)
    }()

    static let loadErrors: [String: (malformed: Bool, message: String)] = [
        "truncated": (true, "byte 0xa (10): length out of bounds"),
        "bad-magic": (true, "byte 0x0 (0): magic header not detected: expected \\0asm"),
        "invalid-type": (false, "function 0, byte 0x34 (52): type mismatch: expected i32, found i64"),
    ]
    static let installRefusals: [String: String] = [
        "huge-data-segment": "trapped in instantiation (initialising its segments or running its start function): out of bounds memory access",
        "huge-table": "cannot be instantiated: a table of 4294967295 elements exceeds the limit of 10000000",
        "bad-export-signature": "Wasm module has an invalid function signature. Expected input params [] for 'canister_update add', got [I32].",
        "bad-import-signature": "Wasm module has an invalid function signature. Expected input params [] for 'msg_reply', got [I32].",
        "unknown-import": "Wasm module has an invalid import section. Module imports function 'launch_missiles' from 'ic0' that is not exported by the runtime.",
    ]
    static let runCases = ["infinite-loop", "deep-recursion", "huge-memory-grow", "calls-itself-forever", "writes-every-page",
                           "writes-every-stable-page", "huge-reply", "huge-log", "huge-call-argument", "many-calls"]

    /// The IC's instruction limits, and memories capped at 8 MiB of written pages (1 GiB by
    /// default), for the modules that write or copy a lot.
    static let bulkExecutor: CanisterExecutor = {
        var configuration = ExecutionConfiguration()
        configuration.wasmLimits.memoryBytesHeld = 8 << 20
        return CanisterExecutor(configuration: configuration)
    }()

    @Test func everyFileOfTheCorpusHasACase() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Fixture.url(Self.directory).path)
            .filter { $0.hasSuffix(".wasm") }.map { String($0.dropLast(5)) }.sorted()
        let covered = (Array(Self.loadErrors.keys) + Array(Self.installRefusals.keys) + Self.runCases).sorted()
        #expect(names == covered)
    }

    @Test(arguments: loadErrors.keys.sorted()) func malformedAndInvalidModulesGetALoadError(name: String) throws {
        let expected = try #require(Self.loadErrors[name])
        #expect(throws: WasmLoadError.self) { try CompiledModule.load(try Self.module(name)) }
        do {
            _ = try CompiledModule.load(try Self.module(name))
        } catch let error as WasmLoadError {
            #expect(error.isMalformed == expected.malformed, "\(error)")
            #expect(error.description.contains(expected.message), "\(error)")
        }
    }

    @Test(arguments: installRefusals.keys.sorted()) func modulesThatAreNotCanistersAreRefusedAtInstall(name: String) throws {
        var canister = CanisterState(id: CanisterID(9), controllers: [Self.controller], cycles: Cycles(1_000_000_000))
        let result = Self.executor.install(.install, wasm: try Self.module(name), argument: [], caller: Self.controller, timeNanos: 1, on: &canister)
        guard case .failure(let reject) = result else {
            Issue.record("\(name): installed")
            return
        }
        #expect(reject.errorCode == (name == "huge-data-segment" ? .canisterTrapped : .canisterInvalidWasm), "\(reject)")
        #expect(reject.message.contains(try #require(Self.installRefusals[name])), "\(reject.message)")
    }

    static func installed(_ name: String, by executor: CanisterExecutor = executor) throws -> CanisterState {
        var canister = CanisterState(id: CanisterID(9), controllers: [Self.controller], cycles: Cycles(1_000_000_000))
        if case .failure(let reject) = executor.install(.install, wasm: try Self.module(name), argument: [], caller: Self.controller, timeNanos: 1, on: &canister) {
            Issue.record("\(name): \(reject)")
        }
        return canister
    }

    @Test func anInfiniteLoopStopsAtItsInstructionLimit() throws {
        var canister = try Self.installed("infinite-loop")
        let update = Self.executor.update("spin", argument: [], caller: .user(2), timeNanos: 5, on: &canister)
        guard case .rejected(let reject) = update.outcome else { Issue.record("\(update.outcome)"); return }
        #expect(reject.errorCode == .canisterInstructionLimitExceeded && update.instructions <= 2_000_000, "\(reject)")
        let query = Self.executor.query("spin_query", argument: [], caller: .user(2), timeNanos: 6, on: canister)
        guard case .rejected(let queryReject) = query.outcome else { Issue.record("\(query.outcome)"); return }
        #expect(queryReject.errorCode == .canisterInstructionLimitExceeded, "\(queryReject)")
    }

    @Test func unboundedRecursionTrapsAtTheCallDepthLimit() throws {
        var canister = try Self.installed("deep-recursion")
        let result = Self.executor.update("recurse", argument: [], caller: .user(2), timeNanos: 5, on: &canister)
        guard case .rejected(let reject) = result.outcome else { Issue.record("\(result.outcome)"); return }
        #expect(reject.errorCode == .canisterTrapped && reject.message.contains("call stack exhausted"), "\(reject)")
    }

    @Test func growingToFourGiBCostsTheHostOnlyWhatIsWritten() throws {
        var canister = try Self.installed("huge-memory-grow")
        let result = Self.executor.update("grow", argument: [], caller: .user(2), timeNanos: 5, on: &canister)
        #expect(result.outcome == .replied([1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]), "grew from 1 page; the next grow failed")
        let memory = try #require(canister.code?.instance.memory)
        #expect(memory.byteCount == 1 << 32)
        #expect(memory.allocatedChunkCount <= 2, "\(memory.allocatedChunkCount) chunks of 4 KiB held")
    }

    @Test func aCanisterCallingItselfForeverIsOrdinaryLoadForTheSubnet() throws {
        var scenario = Scenario(name: "self-calls")
        scenario.duration = .seconds(20)
        scenario.subnets = [ScenarioSubnet(name: "app", nodes: 4)]
        scenario.canisters = [ScenarioCanister(name: "looper", wasm: .bytes(try Self.module("calls-itself-forever")))]
        var client = ClientSpecification(name: "start", call: .update, canister: "looper", method: "again", load: .openLoop(ratePerSecond: 1, poisson: false))
        client.until = .seconds(1)
        scenario.clients = [client]
        var simulation = try ScenarioSimulation(scenario: scenario, modules: try scenario.modules { _ in nil })
        simulation.run()
        let report = ScenarioReport(simulation)
        for name in ["safety", "liveness", "nothingLost"] {
            #expect(report.checks.first { $0.name == name }?.passed == true, "\(report.text)")
        }
        #expect(report.clients[0].inFlight == 1, "the chain never ends, so its first call is never answered")
        #expect(report.subnets[0].cyclesBurned > .zero, "every call in the chain is paid for")
        #expect(report.subnets[0].instructions > 100 * 1_000, "the chain kept running: \(report.subnets[0].instructions) instructions")
    }

    static func chunksHeld(_ canister: CanisterState) -> Int {
        (canister.code?.instance.memory?.allocatedChunkCount ?? 0) + canister.stableMemory.allocatedChunkCount
    }

    @Test(arguments: ["writes-every-page", "writes-every-stable-page"])
    func aCanisterWritingAllItsMemoryTrapsAtTheHostLimit(name: String) throws {
        var canister = try Self.installed(name, by: Self.bulkExecutor)
        let before = Self.chunksHeld(canister)
        let result = Self.bulkExecutor.update("fill", argument: [], caller: .user(2), timeNanos: 5, on: &canister)
        guard case .rejected(let reject) = result.outcome else { Issue.record("\(result.outcome)"); return }
        #expect(reject.errorCode == .canisterTrapped, "\(reject)")
        #expect(reject.message.contains("host memory limit exceeded") && reject.message.contains("(8 MiB of written pages"), "\(reject.message)")
        #expect(Self.chunksHeld(canister) == before, "the trap left the canister as it was")
        #expect(canister.code?.instance.memory?.byteCount == 65_536 && canister.stableMemory.byteCount == 0)
    }

    /// Each module's method, and what its reject says: a reply past 2 MiB and a call argument
    /// past 10 MiB trap as on the IC; 100 calls of 1 MiB pass what one message may hold.
    static let oversizedPayloads: [String: (method: String, message: String)] = [
        "huge-reply": ("reply", "ic0.msg_reply_data_append: application payload size (3145728) cannot be larger than 2097152"),
        "huge-call-argument": ("send", "ic0.call_data_append: the call's method name and argument (6291461 bytes) and 6291456 more"),
        "many-calls": ("send", "host memory limit exceeded"),
    ]

    @Test(arguments: oversizedPayloads.keys.sorted()) func oversizedPayloadsTrapAndSendNothing(name: String) throws {
        let expected = try #require(Self.oversizedPayloads[name])
        var canister = try Self.installed(name, by: Self.bulkExecutor)
        let result = Self.bulkExecutor.update(expected.method, argument: [], caller: .user(2), timeNanos: 5, on: &canister)
        guard case .rejected(let reject) = result.outcome else { Issue.record("\(result.outcome)"); return }
        #expect(reject.errorCode == .canisterTrapped && result.calls.isEmpty, "\(reject)")
        #expect(reject.message.contains(expected.message), "\(reject.message)")
    }

    @Test func aFloodOfLogLinesKeepsTheLastFourKiB() throws {
        var canister = try Self.installed("huge-log", by: Self.bulkExecutor)
        let result = Self.bulkExecutor.update("print", argument: [], caller: .user(2), timeNanos: 5, on: &canister)
        #expect(result.outcome == .replied([]), "debug_print never traps, even outside the heap")
        let bytes = canister.log.reduce(0) { $0 + $1.message.utf8.count + 16 }
        #expect(bytes <= SystemAPI.logBytesMax, "\(bytes) bytes of log kept")
        #expect(canister.log.last?.message == "(debug message out of memory bounds)")
        #expect(canister.log.last?.index == 1_000, "lines keep their numbers: 1,001 printed")
        _ = Self.bulkExecutor.update("print", argument: [], caller: .user(2), timeNanos: 6, on: &canister)
        let after = canister.log.reduce(0) { $0 + $1.message.utf8.count + 16 }
        #expect(after <= SystemAPI.logBytesMax && canister.log.last?.index == 2_001, "a second message's lines replace the first's")
    }
}
