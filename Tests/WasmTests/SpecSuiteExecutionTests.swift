import Foundation
import Testing
@testable import Wasm

/// The execution half of the spec suite: instantiate each module (with the `spectest` host
/// module), then check `assert_return`, `assert_trap`, `assert_exhaustion`, actions,
/// `assert_uninstantiable`, `assert_unlinkable` and `register` (modules linked through a
/// ``WasmLinker``).
@Suite("Spec suite: execution", .enabled(if: SpecSuite.directory != nil, "../shared/wasm-spec is not present"))
struct SpecSuiteExecutionTests {
    struct Tally {
        var passed = 0
        var failed: [String] = []
        var skippedFiles: [String] = []
        var skippedCommands: [String] = []
    }

    /// Commands the harness cannot express, with the reason (not interpreter failures).
    static let harnessSkips: [String: String] = [:]

    static func value(_ json: [String: Any]) -> Value? {
        guard let type = json["type"] as? String, let text = json["value"] as? String else { return nil }
        switch type {
        case "i32": return UInt32(text).map(Value.i32)
        case "i64": return UInt64(text).map(Value.i64)
        case "f32": return UInt32(text).map(Value.f32)
        case "f64": return UInt64(text).map(Value.f64)
        case "funcref": return .funcref(text == "null" ? nil : UInt32(text))
        case "externref": return .externref(text == "null" ? nil : UInt32(text))
        default: return nil
        }
    }

    /// Whether `actual` matches the expected JSON value (NaN patterns included).
    static func matches(_ actual: Value, _ expected: [String: Any]) -> Bool {
        let text = expected["value"] as? String ?? ""
        switch (actual, text) {
        case (.f32(let bits), "nan:canonical"): return bits & 0x7FFF_FFFF == 0x7FC0_0000
        case (.f32(let bits), "nan:arithmetic"): return bits & 0x7FC0_0000 == 0x7FC0_0000
        case (.f64(let bits), "nan:canonical"): return bits & 0x7FFF_FFFF_FFFF_FFFF == 0x7FF8_0000_0000_0000
        case (.f64(let bits), "nan:arithmetic"): return bits & 0x7FF8_0000_0000_0000 == 0x7FF8_0000_0000_0000
        default: return value(expected) == actual
        }
    }

    /// Runs test file `name` of `directory`, its modules compiled against `costTable`.
    func run(_ name: String, in directory: URL? = SpecSuite.directory, costTable: InstructionCostTable = .internetComputer) throws -> Tally {
        var tally = Tally()
        let commands = try SpecSuite.commands(of: name, in: directory)
        let linker = WasmLinker(imports: Imports.spectest, limits: ExecutionLimits())
        var current: WasmLinker.InstanceID?
        var named: [String: WasmLinker.InstanceID] = [:]
        for command in commands {
            let type = command["type"] as? String ?? ""
            let line = command["line"] as? Int ?? 0
            func fail(_ why: String) { tally.failed.append("\(name):\(line) \(type): \(why)") }
            if let reason = Self.harnessSkips["\(name):\(line)"] {
                tally.skippedCommands.append("\(name):\(line) (\(reason))")
                continue
            }
            switch type {
            case "module":
                guard let filename = command["filename"] as? String else { continue }
                do {
                    let compiled = try CompiledModule.load(try SpecSuite.module(name, filename, in: directory), costTable: costTable)
                    current = try linker.instantiate(compiled)
                    if let moduleName = command["name"] as? String { named[moduleName] = current }
                    tally.passed += 1
                } catch {
                    current = nil
                    fail("instantiation failed: \(error)")
                }
            case "register":
                guard let id = (command["name"] as? String).flatMap({ named[$0] }) ?? current, let alias = command["as"] as? String else {
                    fail("nothing to register")
                    continue
                }
                linker.register(id, as: alias)
                tally.passed += 1
            case "assert_uninstantiable", "assert_unlinkable":
                guard let filename = command["filename"] as? String else { continue }
                let compiled = try? CompiledModule.load(try SpecSuite.module(name, filename, in: directory), costTable: costTable)
                if let compiled, (try? linker.instantiate(compiled)) == nil { tally.passed += 1 } else { fail("instantiated") }
            case "assert_return", "action", "assert_trap", "assert_exhaustion":
                guard let action = command["action"] as? [String: Any] else { continue }
                guard let id = (action["module"] as? String).flatMap({ named[$0] }) ?? current else {
                    fail("no module")
                    continue
                }
                switch (type, Self.perform(action, id, linker)) {
                case ("action", .success): tally.passed += 1
                case ("assert_return", .success(let results)):
                    let expected = command["expected"] as? [[String: Any]] ?? []
                    if results.count == expected.count && zip(results, expected).allSatisfy(Self.matches) {
                        tally.passed += 1
                    } else {
                        fail("returned \(results), expected \(expected.map { $0["value"] ?? "" })")
                    }
                case ("assert_trap", .failure(let trap)), ("assert_exhaustion", .failure(let trap)):
                    let text = command["text"] as? String ?? ""
                    if trap.reason.description.hasPrefix(text) || text.hasPrefix(trap.reason.description) {
                        tally.passed += 1
                    } else {
                        fail("trapped \"\(trap.reason)\", expected \"\(text)\"")
                    }
                case (_, .success(let results)): fail("returned \(results)")
                case (_, .failure(let trap)): fail("trapped \(trap.reason)")
                }
            default: continue
            }
        }
        return tally
    }

    static func perform(_ action: [String: Any], _ id: WasmLinker.InstanceID, _ linker: WasmLinker) -> Result<[Value], Trap> {
        guard let field = action["field"] as? String else { return .failure(Trap(.host("bad action"))) }
        if action["type"] as? String == "get" {
            return linker.global(id, field).map { .success([$0]) } ?? .failure(Trap(.host("no global \(field)")))
        }
        let arguments = (action["args"] as? [[String: Any]] ?? []).compactMap(value)
        do {
            return .success(try linker.invoke(id, field, arguments: arguments, instructionLimit: 1 << 34).results)
        } catch {
            return .failure(error)
        }
    }

    @Test func assertionsPass() throws {
        var total = Tally()
        var perFile: [(String, Int, Int)] = []
        for name in try SpecSuite.nonSIMDFiles() {
            let file = try run(name)
            total.passed += file.passed
            total.failed += file.failed
            total.skippedFiles += file.skippedFiles
            total.skippedCommands += file.skippedCommands
            perFile.append((name, file.passed, file.failed.count))
        }
        print("spec suite execution: \(total.passed) passed, \(total.failed.count) failed, skipped files: \(total.skippedFiles), "
              + "skipped commands: \(total.skippedCommands)")
        for (name, passed, failed) in perFile { print("  spec file \(name): \(passed) passed, \(failed) failed") }
        for failure in total.failed.prefix(40) { print("    \(failure)") }
        #expect(total.failed.isEmpty)
        #expect(total.passed >= 25_150, "no regression below the count reached when this test was written")
    }
}
