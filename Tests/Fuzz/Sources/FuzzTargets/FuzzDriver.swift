import Foundation
import ICSim

/// The fuzz executables' `main` in a plain build (without libFuzzer):
///
/// - `fuzz-TARGET FILE|DIRECTORY...` runs the target on each file (every file of a directory),
///   recursively), e.g. a crash libFuzzer saved, or a corpus;
/// - `fuzz-TARGET --random N [--seed S]` runs N seeded random inputs (random bytes for the
///   generator, mutated seed inputs for the loaders), which is how CI keeps the harnesses
///   working without libFuzzer;
/// - `fuzz-wasm-differential --write-module INPUT OUT.wasm` writes the module an input
///   generates, for a regression test.
public enum FuzzDriver {
    public static func main(_ target: FuzzTarget) {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let status: Int32
        switch arguments.first {
        case "--random": status = random(target, arguments)
        case "--write-module": status = writeModule(arguments)
        case "--write-seeds": status = writeSeeds(target, arguments)
        case nil, "--help": status = usage(target)
        default: status = replay(target, arguments)
        }
        exit(status)
    }

    static func usage(_ target: FuzzTarget) -> Int32 {
        print("""
            usage: fuzz-\(target.rawValue) FILE|DIRECTORY...     run the target on each input
                   fuzz-\(target.rawValue) --random N [--seed S]  run N seeded random inputs
                   fuzz-wasm-differential --write-module INPUT OUT.wasm
                   fuzz-candid --write-seeds DIRECTORY          write the seed inputs
            Built with Tests/Fuzz/fuzz.sh, the same executable is a libFuzzer target (see Docs/Testing.md).
            """)
        return 2
    }

    static func replay(_ target: FuzzTarget, _ paths: [String]) -> Int32 {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                print("fuzz-\(target.rawValue): \(path): no such file or directory")
                return 2
            }
            if isDirectory.boolValue {
                let enumerator = FileManager.default.enumerator(atPath: path)
                var found: [String] = []
                while let name = enumerator?.nextObject() as? String {
                    var isSubdirectory: ObjCBool = false
                    if FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isSubdirectory), !isSubdirectory.boolValue {
                        found.append(path + "/" + name)
                    }
                }
                files += found.sorted()
            } else {
                files.append(path)
            }
        }
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                print("fuzz-\(target.rawValue): \(file): cannot read")
                return 2
            }
            target.run(Array(data))
        }
        print("fuzz-\(target.rawValue): \(files.count) inputs, no findings")
        return 0
    }

    static func random(_ target: FuzzTarget, _ arguments: [String]) -> Int32 {
        guard arguments.count >= 2, let count = Int(arguments[1]) else { return usage(target) }
        var seed: UInt64 = 1
        if arguments.count == 4, arguments[2] == "--seed", let value = UInt64(arguments[3]) { seed = value }
        var stream = SplitMixBytes(seed: seed)
        for _ in 0..<count { target.run(RandomInputs.input(for: target, &stream)) }
        print("fuzz-\(target.rawValue): \(count) random inputs from seed \(seed), no findings")
        return 0
    }

    /// Writes the target's random-input seeds (Candid's) as files into a directory, for
    /// libFuzzer's starting corpus.
    static func writeSeeds(_ target: FuzzTarget, _ arguments: [String]) -> Int32 {
        guard target == .candid, arguments.count == 2 else { return usage(target) }
        for (index, seed) in RandomInputs.candidSeeds.enumerated() {
            guard FileManager.default.createFile(atPath: "\(arguments[1])/seed-\(index)", contents: Data(seed)) else {
                print("fuzz-candid: cannot write into \(arguments[1])")
                return 1
            }
        }
        return 0
    }

    static func writeModule(_ arguments: [String]) -> Int32 {
        guard arguments.count == 3, let data = FileManager.default.contents(atPath: arguments[1]) else { return usage(.wasmDifferential) }
        var generator = ProgramGenerator(Array(data))
        let module = ProgramEncoder.module(generator.program())
        guard FileManager.default.createFile(atPath: arguments[2], contents: Data(module)) else {
            print("fuzz-wasm-differential: cannot write \(arguments[2])")
            return 1
        }
        return 0
    }
}

/// Random inputs without libFuzzer: bytes for the generator; for the loaders, a valid input
/// (a generated module, the default scenario) with a few bytes flipped, inserted or removed.
enum RandomInputs {
    static func input(for target: FuzzTarget, _ stream: inout SplitMixBytes) -> [UInt8] {
        let program = stream.bytes(Int(stream.next() % 512))
        switch target {
        case .wasmDifferential: return program
        case .wasmLoad, .wasmRun:
            var generator = ProgramGenerator(program)
            return mutate(ProgramEncoder.module(generator.program()), &stream)
        case .scenarioLoad: return mutate(Array(Scenario.builtinDefault.json.utf8), &stream)
        case .candid: return mutate(candidSeeds[Int(stream.next() % UInt64(candidSeeds.count))], &stream)
        }
    }

    /// Valid Candid inputs to mutate, each with its form byte (0 binary, 1 text, 2 service):
    /// messages ICSim's own encoder writes from texts, the texts, and a service description.
    static let candidSeeds: [[UInt8]] = {
        let texts = [
            "(5 : nat)",
            "(record { a = 1 : nat; b = vec { \"x\"; \"y\" } }, opt variant { ok = -5 : int })",
            "(blob \"\\00\\ff\", principal \"aaaaa-aa\", vec { 1.5 : float64 }, null)",
        ]
        let messages = texts.compactMap { text -> [UInt8]? in
            guard let typed = try? CandidText.parseTypedArguments(text) else { return nil }
            return try? CandidBinary.encode(typed.values, as: typed.types)
        }
        let service = "type t = record { head : nat; tail : opt t }; service : (text) -> { f : (t) -> (vec t) query }"
        let binaries: [[UInt8]] = messages.map { [0] + $0 }
        let textInputs: [[UInt8]] = texts.map { [1] + Array($0.utf8) }
        let services: [[UInt8]] = [[2] + Array(service.utf8)]
        return binaries + textInputs + services
    }()

    static func mutate(_ bytes: [UInt8], _ stream: inout SplitMixBytes) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<(stream.next() % 4) where !bytes.isEmpty {
            let index = Int(stream.next() % UInt64(bytes.count))
            switch stream.next() % 3 {
            case 0: bytes[index] = UInt8(truncatingIfNeeded: stream.next())
            case 1: bytes.insert(UInt8(truncatingIfNeeded: stream.next()), at: index)
            default: bytes.remove(at: index)
            }
        }
        return bytes
    }
}
