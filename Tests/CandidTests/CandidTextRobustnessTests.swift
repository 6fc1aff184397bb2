import Testing
@testable import Candid

/// Hostile text: mutated inputs must be rejected with a ``CandidError`` or read into values
/// that print stably; the deepest nesting allowed must work end to end.
@Suite struct CandidTextRobustnessTests {
    static let corpus: [(text: String, types: String)] = [
        (#"(42, "hi", opt record { a = 1; b = vec { 1; 2 } })"#, "(int, text, opt record { a : nat; b : vec nat8 })"),
        (#"(variant { ok = blob "\00\ff" }, principal "w7x7r-cok77-xa")"#, "(variant { ok : blob; err : text }, principal)"),
        (#"(record { 1.5; -0x1f; "\u{2603}" }, func "aaaaa-aa".m)"#, "(record { float64; int; text }, func () -> ())"),
        ("(/* c */ null, opt opt null, vec {}, (5 : nat8)) // end", "(null, opt opt null, vec int, nat8)"),
    ]

    static let insertions = ["(", ")", "{", "}", ";", ",", ":", "=", "opt ", "vec ", "record ", "variant ", "\"", "\\", "/*",
                             "*/", "//", "0x", "-", "1e", "_", "\u{0}", "☃", "blob ", "principal ", "nat", "99999999999999999999",
                             "\\u{", ".", "inf", " : nat", "->", "\n"]

    @Test func mutatedTextIsRejectedOrReadsStably() throws {
        var generator = CandidRandomValues(seed: 0xF022)
        var accepted = 0
        var rejected = 0
        for (text, typesText) in Self.corpus {
            let types = try CandidText.parseTypes(typesText)
            for _ in 0..<300 {
                let mutated = Self.mutate(text, &generator)
                for target in [types, nil] {
                    do {
                        let values = try CandidText.parseArguments(mutated, as: target)
                        accepted += 1
                        let printed = CandidText.print(values, types: target)
                        let reread = try CandidText.parseArguments(printed, as: target)
                        #expect(CandidText.print(reread, types: target) == printed, "\(mutated)")
                    } catch {
                        rejected += 1
                        #expect(error.description.hasPrefix("at "), "\(mutated): \(error)")
                    }
                }
            }
        }
        #expect(accepted > 100 && rejected > 100)
    }

    @Test func mutatedServiceDescriptionsAreRejectedOrConsistent() throws {
        let text = """
        type list = opt record { head : nat; tail : list };
        type f = func (list) -> (variant { a; b : text }) query;
        service : (nat) -> { get : f; put : (record { "k" : text; 2 : blob }) -> () oneway }
        """
        var generator = CandidRandomValues(seed: 0xD1D)
        var accepted = 0
        for _ in 0..<600 {
            let mutated = Self.mutate(text, &generator)
            guard let description = try? CandidServiceDescription.parse(mutated) else { continue }
            accepted += 1
            for method in description.methods {
                let printed = "func " + CandidText.print(method.function)
                #expect(try CandidText.parseType(printed, in: description.environment) == .function(method.function), "\(mutated)")
            }
        }
        #expect(accepted > 10)
    }

    @Test func theDeepestAllowedNestingWorksEndToEnd() throws {
        let depth = CandidTextParser.nestingDepthMax - 1
        let text = "(" + String(repeating: "opt ", count: depth) + "5)"
        let parsed = try CandidText.parseTypedArguments(text)
        let printed = CandidText.print(parsed.values, types: parsed.types)
        #expect(try CandidText.parseArguments(printed, as: parsed.types) == parsed.values)
        let type = String(repeating: "vec ", count: depth) + "nat"
        #expect(throws: Never.self) { try CandidText.parseType(type) }
        #expect(throws: CandidError.self) { try CandidText.parseType("vec " + type + " extra") }
    }

    @Test func hugeLiteralsAreBounded() throws {
        let digits = String(repeating: "9", count: CandidTextNumbers.digitsMax + 1)
        #expect(throws: CandidError.self) { try CandidText.parseArguments("(\(digits))", as: [.nat]) }
        let allowed = String(repeating: "9", count: 2_000)
        let value = try CandidText.parseArguments("(\(allowed))", as: [.nat])
        #expect(CandidText.print(value) == "((\(allowed) : nat))")
    }

    static func mutate(_ text: String, _ generator: inout CandidRandomValues) -> String {
        var characters = Array(text)
        for _ in 0...generator.next(below: 3) {
            let position = generator.next(below: characters.count + 1)
            switch generator.next(below: 3) {
            case 0:
                let end = min(characters.count, position + generator.next(below: 6))
                characters.removeSubrange(position..<end)
            case 1:
                let end = min(characters.count, position + generator.next(below: 10))
                characters.insert(contentsOf: characters[position..<end], at: position)
            default:
                characters.insert(contentsOf: insertions[generator.next(below: insertions.count)], at: position)
            }
        }
        return String(characters)
    }
}
