import Foundation
import Testing
@testable import Wasm

/// The WebAssembly core spec test suite (../shared/wasm-spec, JSON + .wasm from wast2json), run
/// through the decoder and validator: every module the suite instantiates (or expects to fail
/// only when linking or instantiating) must load, and every binary module it calls malformed or
/// invalid must be rejected. The suite is beside the checkout in CI; in a user's fresh clone it
/// is absent and these tests report themselves disabled. Text-format modules are skipped.
@Suite("Spec suite: loading", .enabled(if: SpecSuite.directory != nil, "../shared/wasm-spec is not present"))
struct SpecSuiteLoadingTests {
    /// What loading did with the suite's modules.
    struct Tally {
        var mustLoad = 0
        var failedToLoad: [String] = []
        var mustFail = 0
        var wronglyLoaded: [String] = []
        /// Rejected, but as malformed when the suite says invalid or the other way round.
        var wrongCategory: [String] = []
        var textSkipped = 0

        mutating func add(_ other: Tally) {
            mustLoad += other.mustLoad
            failedToLoad += other.failedToLoad
            mustFail += other.mustFail
            wronglyLoaded += other.wronglyLoaded
            wrongCategory += other.wrongCategory
            textSkipped += other.textSkipped
        }
    }

    static let loadingCommands: Set<String> = ["module", "assert_unlinkable", "assert_uninstantiable"]
    static let failingCommands: Set<String> = ["assert_malformed", "assert_invalid"]

    func tally(_ name: String, in directory: URL? = SpecSuite.directory) throws -> Tally {
        var tally = Tally()
        for command in try SpecSuite.commands(of: name, in: directory) {
            let type = command["type"] as? String ?? ""
            guard let filename = command["filename"] as? String,
                  Self.loadingCommands.contains(type) || Self.failingCommands.contains(type) else { continue }
            if command["module_type"] as? String == "text" {
                tally.textSkipped += 1
                continue
            }
            let bytes = try SpecSuite.module(name, filename, in: directory)
            let result = Result { () throws(WasmLoadError) in try WasmModule.load(bytes) }
            let label = "\(filename) (line \(command["line"] ?? "?")) \(type) \(command["text"] ?? "")"
            if Self.loadingCommands.contains(type) {
                tally.mustLoad += 1
                if case .failure(let error) = result { tally.failedToLoad.append(label + " -> \(error)") }
            } else {
                tally.mustFail += 1
                switch result {
                case .success: tally.wronglyLoaded.append(label)
                case .failure(let error) where error.isMalformed != (type == "assert_malformed"):
                    tally.wrongCategory.append(label + " -> \(error)")
                case .failure: break
                }
            }
        }
        return tally
    }

    @Test func validModulesLoadAndBrokenOnesAreRejected() throws {
        var total = Tally()
        for name in try SpecSuite.nonSIMDFiles() {
            total.add(try tally(name))
        }
        #expect(total.failedToLoad.isEmpty, "\(total.failedToLoad.count): \(total.failedToLoad.prefix(20))")
        #expect(total.wronglyLoaded.isEmpty, "\(total.wronglyLoaded.count): \(total.wronglyLoaded.prefix(20))")
        #expect(total.wrongCategory.isEmpty, "\(total.wrongCategory.count): \(total.wrongCategory.prefix(40))")
        // The non-SIMD counts the suite's README gives: 1,128 modules + 83 unlinkable + 34
        // uninstantiable; malformed and invalid ones minus the text-format ones.
        #expect(total.mustLoad == 1_128 + 83 + 34)
        print("spec suite loading: \(total.mustLoad - total.failedToLoad.count)/\(total.mustLoad) modules load, "
              + "\(total.mustFail - total.wronglyLoaded.count)/\(total.mustFail) malformed or invalid binaries rejected, "
              + "\(total.textSkipped) text-format modules skipped")
    }
}

/// Locating and reading the converted spec suite.
enum SpecSuite {
    /// ../shared/wasm-spec beside the checkout, if present.
    static let directory: URL? = beside("shared/wasm-spec", marker: "command_counts.json")

    /// ../shared/wasm-spec-memory64 beside the checkout (the memory64 tests of WebAssembly 3.0), if present.
    static let memory64Directory: URL? = beside("shared/wasm-spec-memory64", marker: "PROVENANCE.txt")

    /// The directory `path` beside the checkout, if it holds `marker`.
    static func beside(_ path: String, marker: String) -> URL? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidate = root.deletingLastPathComponent().appendingPathComponent(path)
        return FileManager.default.fileExists(atPath: candidate.appendingPathComponent(marker).path) ? candidate : nil
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The test files other than the SIMD ones, sorted.
    static func nonSIMDFiles(in directory: URL? = directory) throws -> [String] {
        guard let directory else { throw Missing(description: "no spec suite") }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        return names.filter { !$0.hasPrefix("simd_") && !$0.contains(".") && $0 != "LICENSE" }.sorted()
    }

    /// The commands of test file `name`.
    static func commands(of name: String, in directory: URL? = directory) throws -> [[String: Any]] {
        guard let directory else { throw Missing(description: "no spec suite") }
        let raw = try Data(contentsOf: directory.appendingPathComponent("\(name)/\(name).json"))
        guard let object = try JSONSerialization.jsonObject(with: escapingByteOrderMarks(raw)) as? [String: Any],
              let commands = object["commands"] as? [[String: Any]] else {
            throw Missing(description: "\(name).json has no commands array")
        }
        return commands
    }

    /// `data` with every U+FEFF written as raw UTF-8 (EF BB BF) replaced by the escape
    /// `\ufeff`: Foundation's JSON parser drops the raw character from strings (names.wast
    /// exports a function named U+FEFF), but keeps the escaped one.
    static func escapingByteOrderMarks(_ data: Data) -> Data {
        let bytes = Array(data)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if index + 2 < bytes.count, bytes[index] == 0xEF, bytes[index + 1] == 0xBB, bytes[index + 2] == 0xBF {
                result += Array("\\ufeff".utf8)
                index += 3
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return Data(result)
    }

    /// The bytes of module `filename` of test file `name`.
    static func module(_ name: String, _ filename: String, in directory: URL? = directory) throws -> [UInt8] {
        guard let directory else { throw Missing(description: "no spec suite") }
        return Array(try Data(contentsOf: directory.appendingPathComponent("\(name)/\(filename)")))
    }
}
