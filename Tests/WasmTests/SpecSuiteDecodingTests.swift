import Foundation
import Testing
import Wasm

/// The WebAssembly core spec test suite (../shared/wasm-spec, JSON + .wasm from wast2json), run
/// through the decoder: every module the suite instantiates must decode, and binary modules the
/// suite calls malformed must be rejected. The suite is beside the checkout in CI; in a user's
/// fresh clone it is absent and these tests report themselves disabled.
@Suite("Spec suite: decoding", .enabled(if: SpecSuite.directory != nil, "../shared/wasm-spec is not present"))
struct SpecSuiteDecodingTests {
    /// What the decoder did with one file's modules.
    struct Tally {
        var modulesDecoded = 0
        var modulesFailed: [String] = []
        var malformedRejected = 0
        var malformedAccepted: [String] = []
    }

    func tally(_ name: String) throws -> Tally {
        var tally = Tally()
        for command in try SpecSuite.commands(of: name) {
            guard let filename = command["filename"] as? String, command["module_type"] as? String != "text" else { continue }
            let type = command["type"] as? String ?? ""
            guard type == "module" || type == "assert_malformed" else { continue }
            let bytes = try SpecSuite.module(name, filename)
            let decoded = (try? ModuleDecoder.decode(bytes)) != nil
            let label = "\(filename) (line \(command["line"] ?? "?")): \(command["text"] ?? "")"
            switch (type, decoded) {
            case ("module", true): tally.modulesDecoded += 1
            case ("module", false): tally.modulesFailed.append(label)
            case (_, false): tally.malformedRejected += 1
            default: tally.malformedAccepted.append(label)
            }
        }
        return tally
    }

    @Test func everyModuleDecodesAndMalformedBinariesAreRejected() throws {
        var total = Tally()
        for name in try SpecSuite.nonSIMDFiles() {
            let file = try tally(name)
            total.modulesDecoded += file.modulesDecoded
            total.modulesFailed += file.modulesFailed
            total.malformedRejected += file.malformedRejected
            total.malformedAccepted += file.malformedAccepted
        }
        #expect(total.modulesFailed.isEmpty, "\(total.modulesFailed.prefix(10))")
        #expect(total.modulesDecoded == 1_128)  // the non-SIMD module count the suite README gives
        // Malformed binaries the decoder cannot see yet are all inside function bodies
        // (opcodes, immediates, reserved bytes): the validator's instruction decoding will catch
        // them. This count may only go up.
        #expect(total.malformedRejected >= SpecSuite.malformedRejectedByDecoderAlone,
                "rejected \(total.malformedRejected); accepted: \(total.malformedAccepted)")
        print("spec suite decoding: \(total.modulesDecoded) modules decoded, \(total.malformedRejected) malformed binaries rejected, "
              + "\(total.malformedAccepted.count) left for the validator")
    }
}

/// Locating and reading the converted spec suite.
enum SpecSuite {
    /// Binary-malformed modules the module decoder rejects without decoding instructions.
    static let malformedRejectedByDecoderAlone = 698

    /// ../shared/wasm-spec beside the checkout, if present.
    static let directory: URL? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidate = root.deletingLastPathComponent().appendingPathComponent("shared/wasm-spec")
        return FileManager.default.fileExists(atPath: candidate.appendingPathComponent("command_counts.json").path) ? candidate : nil
    }()

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The test files other than the SIMD ones, sorted.
    static func nonSIMDFiles() throws -> [String] {
        guard let directory else { throw Missing(description: "no spec suite") }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        return names.filter { !$0.hasPrefix("simd_") && !$0.contains(".") && $0 != "LICENSE" }.sorted()
    }

    /// The commands of test file `name`.
    static func commands(of name: String) throws -> [[String: Any]] {
        guard let directory else { throw Missing(description: "no spec suite") }
        let data = try Data(contentsOf: directory.appendingPathComponent("\(name)/\(name).json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let commands = object["commands"] as? [[String: Any]] else {
            throw Missing(description: "\(name).json has no commands array")
        }
        return commands
    }

    /// The bytes of module `filename` of test file `name`.
    static func module(_ name: String, _ filename: String) throws -> [UInt8] {
        guard let directory else { throw Missing(description: "no spec suite") }
        return Array(try Data(contentsOf: directory.appendingPathComponent("\(name)/\(filename)")))
    }
}
