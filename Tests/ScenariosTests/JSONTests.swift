import Testing
import ICSim
@testable import InternetComputer
@testable import Scenarios
import ICSimTestSupport

/// The JSON layer under scenario files: a strict parser that says where and what is wrong,
/// a writer whose output parses back to the same value, and a reader that collects every
/// problem with its path.
@Suite("JSON")
struct JSONTests {
    @Test func valuesParseAndKeepTheirOrderAndText() throws {
        let value = try JSONParser.parse(#"{"seed": 18446744073709551615, "name": "a\"b\\c\u00e9\ud83d\ude00", "z": [1, -2.5e3, true, false, null], "a": {}}"#)
        guard case .object(let members) = value else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.key) == ["seed", "name", "z", "a"], "file order")
        #expect(value["seed"] == .number("18446744073709551615"), "numbers keep their text")
        #expect(value["name"] == .string("a\"b\\cé😀"))
        #expect(value["z"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]))
        #expect(value["a"] == .object([]))
        #expect(try JSONParser.parse(value.formatted()) == value, "what is written parses back")
        #expect(try JSONParser.parse(Array("\u{FEFF} [ ] ".utf8)) == .array([]), "a byte-order mark and spaces are fine")
    }

    @Test(arguments: [
        ("{\"a\": 1,}", 1, 9, "expected a member name in double quotes"),
        ("[1, 2,]", 1, 7, "expected a value"),
        ("{\"a\": 1, \"a\": 2}", 1, 10, "the key \"a\" appears twice in this object"),
        ("{\n  \"a\" 1\n}", 2, 7, "expected ':' after the member name \"a\""),
        ("\"abc", 1, 1, "the string has no closing quote"),
        ("\"a\\x\"", 1, 4, "unknown escape"),
        ("01", 1, 2, "expected the end of the text after the value"),
        ("1.", 1, 3, "expected a digit after the decimal point"),
        ("-", 1, 2, "expected a digit"),
        ("tru", 1, 1, "expected true"),
        ("\"a\u{01}\"", 1, 3, "control character"),
        ("", 1, 1, "expected a value, found the end of the text"),
        ("{\"a\": 1} x", 1, 10, "expected the end of the text"),
        ("// comment\n{}", 1, 1, "expected a value"),
    ])
    func syntaxErrorsSayWhereAndWhat(text: String, line: Int, column: Int, message: String) {
        do {
            let value = try JSONParser.parse(text)
            Issue.record("parsed \(value)")
        } catch {
            #expect(error.line == line && error.column == column, "\(error)")
            #expect(error.message.hasPrefix(message), "\(error)")
        }
    }

    @Test func hostileInputIsRefusedWithoutCrashing() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }  // invalid UTF-8
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse([0x22, 0xE0, 0x80, 0xAF, 0x22]) }  // overlong
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(#""\udc00""#) }  // lone low surrogate
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(#""\ud800x""#) }  // high surrogate alone
        let nested = String(repeating: "[", count: JSONParser.depthMax) + String(repeating: "]", count: JSONParser.depthMax)
        #expect((try? JSONParser.parse(nested)) != nil, "\(JSONParser.depthMax) levels are fine")
    }

    @Test func mutatedDocumentsParseOrFailCleanly() throws {
        // A seeded stream of mutations (bytes replaced, inserted, deleted, truncations) of a
        // valid document: every result either parses, and then writes and parses back to the
        // same value, or throws a syntax error inside the text. None may crash or hang.
        let seed = Array(#"{"a": [1, -2.5e3, true, null, "x\u00e9\n"], "b": {"c": "d", "e": []}, "f": 0}"#.utf8)
        var random = RandomSeed(11).stream("json mutations")
        let alphabet = Array(#"{}[]:,"\-+.eE0123456789 tfnul\/bru"#.utf8) + [0x00, 0x0A, 0xC3, 0xA9, 0xFF, 0xED, 0xA0]
        var parsed = 0
        for _ in 0..<5_000 {
            var bytes = seed
            for _ in 0..<random.int(in: 1...4) {
                let position = random.int(in: 0..<max(bytes.count, 1))
                switch random.int(in: 0..<4) {
                case 0 where !bytes.isEmpty: bytes[position] = alphabet[random.int(in: 0..<alphabet.count)]
                case 1: bytes.insert(alphabet[random.int(in: 0..<alphabet.count)], at: min(position, bytes.count))
                case 2 where !bytes.isEmpty: bytes.remove(at: position)
                default: bytes = Array(bytes.prefix(position))
                }
            }
            do {
                let value = try JSONParser.parse(bytes)
                parsed += 1
                #expect(try JSONParser.parse(value.formatted()) == value)
            } catch {
                #expect(error.offset >= 0 && error.offset <= bytes.count && error.line >= 1 && error.column >= 1, "\(error)")
            }
        }
        #expect(parsed > 0 && parsed < 5_000, "some mutations stay valid JSON, most do not: \(parsed)")
    }

    @Test func theReaderCollectsEveryProblemWithItsPath() throws {
        let document = try JSONParser.parse(#"""
            {"seed": 1.5, "duraton": "10m", "subnets": [{"nodes": 13, "kind": 7}, {"nodes": -1}],
             "timeout": "3 fortnights", "limit": "4MiB", "big": "99999999999GiB", "rate": "fast", "on": 1}
            """#)
        var reader = JSONReader()
        let view = reader.object(document, at: .root, allowed: ["seed", "duration", "subnets", "timeout", "limit", "big", "rate", "on"],
                                 required: ["seed", "duration"])
        let root = try #require(view)
        _ = root["seed"].flatMap { reader.integer($0.value, at: $0.path, in: UInt64.min...UInt64.max) }
        for (element, path) in root["subnets"].flatMap({ reader.array($0.value, at: $0.path) }) ?? [] {
            guard let subnet = reader.object(element, at: path, allowed: ["nodes", "kind"]) else { continue }
            _ = subnet["nodes"].flatMap { reader.integer($0.value, at: $0.path, in: 1...1_000) }
            _ = subnet["kind"].flatMap { reader.string($0.value, at: $0.path) }
        }
        _ = root["timeout"].flatMap { reader.duration($0.value, at: $0.path) }
        let limit = root["limit"].flatMap { reader.size($0.value, at: $0.path) }
        _ = root["big"].flatMap { reader.size($0.value, at: $0.path) }
        _ = root["rate"].flatMap { reader.number($0.value, at: $0.path, in: 0...1e6) }
        _ = root["on"].flatMap { reader.bool($0.value, at: $0.path) }
        #expect(limit == 4 << 20)
        let problems = reader.problems.map(\.description)
        #expect(problems == [
            "duraton: unknown key (did you mean \"duration\"?); expected one of \"seed\", \"duration\", \"subnets\", \"timeout\", \"limit\", \"big\", \"rate\", \"on\"",
            "duration: missing; this key is required",
            "seed: expected an integer from 0 to 18446744073709551615, found 1.5 (a whole number is needed)",
            "subnets[0].kind: expected a string, found a number",
            "subnets[1].nodes: expected an integer from 1 to 1000, found -1 (out of range)",
            "timeout: unknown unit \"fortnights\" in \"3 fortnights\"; expected one of ns, us (or µs), ms, s, m, h",
            "big: expected a size such as \"512B\", \"4KiB\", \"4MiB\", \"1GiB\" or \"2MB\", found \"99999999999GiB\"",
            "rate: expected a number from 0.0 to 1000000.0, found a string",
            "on: expected true or false, found a number",
        ], "\(problems)")
    }

    @Test func pathsReadAsPeopleWriteThem() {
        #expect(JSONPath.root.description == "$")
        #expect(JSONPath.root.appending("faults").appending(2).appending("nodes").appending(0).description == "faults[2].nodes[0]")
        #expect(JSONPath.root.appending("odd key").appending(1).description == #"["odd key"][1]"#)
        #expect(JSONReader.closest(to: "nodse", among: ["nodes", "kind"]) == "nodes")
        #expect(JSONReader.closest(to: "completely", among: ["nodes", "kind"]) == nil)
    }
}
