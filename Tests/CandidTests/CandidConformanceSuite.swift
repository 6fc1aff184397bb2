import Foundation
@testable import Candid

/// The official Candid conformance suite (../shared/candid-tests beside the checkout, from
/// dfinity/candid's test/ directory): its `*.test.did` files read by the grammar of its
/// README, and each assertion run through the binary decoder (`blob "..."` inputs) or the
/// textual parser (text inputs) at the assertion's argument types.
enum CandidConformanceSuite {
    /// ../shared/candid-tests beside the checkout, if present.
    static let directory: URL? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidate = root.deletingLastPathComponent().appendingPathComponent("shared/candid-tests")
        return FileManager.default.fileExists(atPath: candidate.appendingPathComponent("README.md").path) ? candidate : nil
    }()

    /// The suite's files ending in `suffix`, sorted.
    static func files(endingIn suffix: String) throws -> [String] {
        guard let directory else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(suffix) }.sorted()
    }

    /// The text of file `name`.
    static func text(of name: String) throws -> String {
        guard let directory else { throw CandidError("no conformance suite") }
        return try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    /// An assertion's input: Candid text, or a binary message.
    enum Input: Hashable {
        case text([UInt8])
        case binary([UInt8])
    }

    /// What an assertion claims.
    enum Claim: Hashable {
        /// `assert <input> : <tuptype>`.
        case decodes(Input)
        /// `assert <input> !: <tuptype>`.
        case fails(Input)
        /// `assert <input> == <input> : <tuptype>`.
        case equal(Input, Input)
        /// `assert <input> != <input> : <tuptype>`.
        case notEqual(Input, Input)
    }

    /// One assertion, with its types and where it is.
    struct Assertion {
        var claim: Claim
        var types: [CandidType]
        var description: String
        var line: Int

        /// Whether an input is Candid text.
        var hasTextInput: Bool {
            let inputs: [Input] = switch claim {
            case .decodes(let input), .fails(let input): [input]
            case .equal(let left, let right), .notEqual(let left, let right): [left, right]
            }
            return inputs.contains { if case .text = $0 { true } else { false } }
        }
    }

    /// A test file: definitions, then assertions.
    struct TestFile {
        var environment: CandidTypeEnvironment
        var assertions: [Assertion]
    }

    /// `<enctest> ::= <def>;* <test>;*`.
    static func parse(_ text: String) throws(CandidError) -> TestFile {
        var parser = try CandidTextParser(text)
        let definitions = try parser.definitions()
        try CandidTypeChecks(environment: definitions.environment).checkDefinitions(positions: definitions.positions)
        var assertions: [Assertion] = []
        while !parser.isAtEnd {
            assertions.append(try assertion(&parser, environment: definitions.environment))
            _ = parser.accept(";")
        }
        return TestFile(environment: definitions.environment, assertions: assertions)
    }

    private static func assertion(_ parser: inout CandidTextParser, environment: CandidTypeEnvironment) throws(CandidError) -> Assertion {
        let line = parser.current.position.line
        guard parser.acceptKeyword("assert") else { throw parser.error(expected: "`assert`") }
        let first = try input(&parser)
        let claim: Claim
        if parser.accept("!") {
            try parser.expect(":")
            claim = .fails(first)
        } else if parser.accept("==") {
            claim = .equal(first, try input(&parser))
            try parser.expect(":")
        } else if parser.accept("!=") {
            claim = .notEqual(first, try input(&parser))
            try parser.expect(":")
        } else {
            try parser.expect(":")
            claim = .decodes(first)
        }
        let position = parser.current.position
        let types = try parser.tupleType()
        for type in types { try CandidTypeChecks(environment: environment).check(type, at: position) }
        var description = ""
        if case .text(let bytes) = parser.current.kind {
            parser.advance()
            description = String(decoding: bytes, as: UTF8.self)
        }
        return Assertion(claim: claim, types: types, description: description, line: line)
    }

    private static func input(_ parser: inout CandidTextParser) throws(CandidError) -> Input {
        let isBinary = parser.acceptKeyword("blob")
        let bytes = try parser.expectText("an input in quotes")
        return isBinary ? .binary(bytes) : .text(bytes)
    }

    /// The input read at `types`.
    static func read(_ input: Input, as types: [CandidType], in environment: CandidTypeEnvironment) -> Result<[CandidValue], CandidError> {
        Result { () throws(CandidError) -> [CandidValue] in
            switch input {
            case .binary(let bytes):
                return try CandidBinary.decode(bytes, as: types, in: environment)
            case .text(let bytes):
                guard let text = String(validating: bytes, as: UTF8.self) else { throw CandidError("test input is not UTF-8") }
                return try CandidText.parseArguments(text, as: types, in: environment)
            }
        }
    }

    /// Whether the assertion holds; if not, why.
    static func check(_ assertion: Assertion, in environment: CandidTypeEnvironment) -> String? {
        switch assertion.claim {
        case .decodes(let input):
            if case .failure(let error) = read(input, as: assertion.types, in: environment) { return "rejected: \(error)" }
        case .fails(let input):
            if case .success(let values) = read(input, as: assertion.types, in: environment) { return "accepted: \(CandidText.print(values))" }
        case .equal(let left, let right), .notEqual(let left, let right):
            let first = read(left, as: assertion.types, in: environment)
            let second = read(right, as: assertion.types, in: environment)
            switch (first, second) {
            case (.failure(let error), _): return "left side rejected: \(error)"
            case (_, .failure(let error)): return "right side rejected: \(error)"
            case (.success(let a), .success(let b)):
                let wantsEqual = if case .equal = assertion.claim { true } else { false }
                if (a == b) != wantsEqual {
                    return "\(CandidText.print(a, types: assertion.types, in: environment)) \(wantsEqual ? "!=" : "==") \(CandidText.print(b, types: assertion.types, in: environment))"
                }
            }
        }
        return nil
    }

    /// A file's results.
    struct Tally {
        var passed = 0
        var total = 0
        /// How many assertions have a textual input (so the text parser is exercised).
        var textual = 0
        /// `"line N: description: why"` for each failed assertion.
        var failures: [String] = []
    }

    /// Runs every assertion of file `name`.
    static func run(_ name: String) throws -> Tally {
        let file = try parse(try text(of: name))
        var tally = Tally()
        for assertion in file.assertions {
            tally.total += 1
            if assertion.hasTextInput { tally.textual += 1 }
            if let failure = check(assertion, in: file.environment) {
                tally.failures.append("\(name) line \(assertion.line): \(assertion.description): \(failure)")
            } else {
                tally.passed += 1
            }
        }
        return tally
    }
}
