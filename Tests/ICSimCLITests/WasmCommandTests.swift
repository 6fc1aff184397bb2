import Foundation
import Testing
@testable import ICSimCLI

@Suite("icsim wasm")
struct WasmCommandTests {
    /// Writes `bytes` to a temporary file and returns its path.
    func file(_ bytes: [UInt8], _ name: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("icsim-\(getpid())-\(name).wasm")
        try Data(bytes).write(to: url)
        return url.path
    }

    static let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
    /// (i32) -> (i32) exported as "inc": local.get 0, i32.const 1, i32.add.
    static let valid: [UInt8] = header
        + [0x01, 0x06, 0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F]
        + [0x03, 0x02, 0x01, 0x00]
        + [0x07, 0x07, 0x01, 0x03, 0x69, 0x6E, 0x63, 0x00, 0x00]
        + [0x0A, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6A, 0x0B]

    @Test func validModuleGetsASummary() throws {
        let path = try file(Self.valid, "valid")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = runTool(["wasm", "validate", path])
        #expect(result.code == 0, "\(result.errors)")
        #expect(result.output.contains("valid WebAssembly module (\(Self.valid.count) bytes)"))
        #expect(result.output.contains("  inc: function 0"))
        #expect(result.output.contains("functions: 1 defined, 0 imported; code 6 bytes"))
    }

    @Test func invalidModuleListsEveryErrorWithItsFunctionAndOffset() throws {
        var broken = Self.valid
        broken[broken.count - 4] = 0x42  // i32.const -> i64.const: i32.add now sees an i64
        let path = try file(broken, "invalid")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = runTool(["wasm", "validate", path])
        #expect(result.code == 2)
        #expect(result.errors.contains("invalid (1 error):"))
        #expect(result.errors.contains("function 0, byte 0x"))
        #expect(result.errors.contains("type mismatch: expected i32, found i64"))
        #expect(!result.errors.contains("icsim help"))
    }

    @Test func malformedAndMissingFilesExitWith2() throws {
        let path = try file(Array(Self.valid.prefix(12)), "truncated")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let truncated = runTool(["wasm", "validate", path])
        #expect(truncated.code == 2 && truncated.errors.contains("malformed: byte 0x"))
        let missing = runTool(["wasm", "validate", "/nonexistent/x.wasm"])
        #expect(missing.code == 2 && missing.errors.contains("/nonexistent/x.wasm: cannot read the module: no such file"))
        #expect(runTool(["wasm"]).errors.contains("expected a subcommand"))
        #expect(runTool(["wasm", "validate"]).errors.contains("expected one .wasm file"))
    }

    /// (i32, i32) -> i32 exported as "div": i32.div_s.
    static let divide: [UInt8] = header
        + [0x01, 0x07, 0x01, 0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F]
        + [0x03, 0x02, 0x01, 0x00]
        + [0x07, 0x07, 0x01, 0x03, 0x64, 0x69, 0x76, 0x00, 0x00]
        + [0x0A, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6D, 0x0B]

    @Test func runPrintsResultsAndStats() throws {
        let path = try file(Self.valid, "run")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = runTool(["wasm", "run", path, "--invoke", "inc", "i32:41", "--stats"])
        #expect(result.code == 0, "\(result.errors)")
        #expect(result.output == "i32:42\n")
        #expect(result.errors.contains("instructions: 3"))
    }

    @Test func runExitCodesForTrapsFuelAndBadArguments() throws {
        let path = try file(Self.divide, "divide")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(runTool(["wasm", "run", path, "--invoke", "div", "i32:-7", "i32:2"]).output == "i32:-3\n")
        let trap = runTool(["wasm", "run", path, "--invoke", "div", "i32:1", "i32:0"])
        #expect(trap.code == 3 && trap.errors.contains("integer divide by zero") && trap.errors.contains("at function 0"))
        let fuel = runTool(["wasm", "run", path, "--invoke", "div", "i32:1", "i32:1", "--fuel", "5"])
        #expect(fuel.code == 4 && fuel.errors.contains("instruction limit"))
        #expect(runTool(["wasm", "run", path, "--invoke", "div", "i32:1", "i32:1", "--fuel", "13"]).code == 0)
        let missing = runTool(["wasm", "run", path, "--invoke", "nope"])
        #expect(missing.code == 2 && missing.errors.contains("no exported function \"nope\""))
        let badArgument = runTool(["wasm", "run", path, "--invoke", "div", "i32:x", "i32:1"])
        #expect(badArgument.code == 2 && badArgument.errors.contains("i32:x: expected an i32"))
        let wrongTypes = runTool(["wasm", "run", path, "--invoke", "div", "i64:1"])
        #expect(wrongTypes.code == 2 && wrongTypes.errors.contains("takes [\"i32\", \"i32\"]"))
    }

    @Test func spectestImportsAreAvailableOnRequest() throws {
        // Imports spectest.global_i32 and exports a function "g" returning it.
        func section(_ id: UInt8, _ contents: [UInt8]) -> [UInt8] { [id, UInt8(contents.count)] + contents }
        func name(_ text: String) -> [UInt8] { [UInt8(text.utf8.count)] + Array(text.utf8) }
        let module: [UInt8] = Self.header
            + section(1, [0x01, 0x60, 0x00, 0x01, 0x7F])
            + section(2, [0x01] + name("spectest") + name("global_i32") + [0x03, 0x7F, 0x00])
            + section(3, [0x01, 0x00])
            + section(7, [0x01] + name("g") + [0x00, 0x00])
            + section(10, [0x01, 0x04, 0x00, 0x23, 0x00, 0x0B])
        let path = try file(module, "spectest")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(runTool(["wasm", "run", path, "--invoke", "g", "--spectest"]).output == "i32:666\n")
        let without = runTool(["wasm", "run", path, "--invoke", "g"])
        #expect(without.code == 2 && without.errors.contains("unknown import spectest.global_i32"))
    }
}
