import Testing
@testable import Candid

@Suite struct CandidTextLexerTests {
    private func kinds(_ text: String) throws -> [CandidToken.Kind] {
        try CandidTextLexer.tokens(of: text).map(\.kind).dropLast()
    }

    private func number(_ text: String) throws -> CandidNumberLiteral? {
        guard case .number(let literal) = try kinds(text).first else { return nil }
        return literal
    }

    private func error(_ text: String) -> CandidError? {
        do {
            _ = try CandidTextLexer.tokens(of: text)
            return nil
        } catch {
            return error
        }
    }

    @Test func commentsNestAndAreSkipped() throws {
        #expect(try kinds("/* a /* nested */ still comment */ x // to the end\n y") == [.identifier("x"), .identifier("y")])
        let unterminated = try #require(error("x /* a /* b */"))
        #expect(unterminated.location == .text(line: 1, column: 3))
        #expect(unterminated.message.contains("*/"))
    }

    @Test func numbersWithSeparatorsSignsAndRadixes() throws {
        #expect(try number("1_000_000") == CandidNumberLiteral(isNegative: false, isHexadecimal: false, isFloat: false, digits: "1000000"))
        #expect(try number("-0xff_FF") == CandidNumberLiteral(isNegative: true, isHexadecimal: true, isFloat: false, digits: "ffFF"))
        #expect(try number("+42")?.isNegative == false)
        #expect(try number("1.5e-3") == CandidNumberLiteral(isNegative: false, isHexadecimal: false, isFloat: true, digits: "1.5e-3"))
        #expect(try number("3.")?.isFloat == true)
        #expect(try number("0x1.8p3") == CandidNumberLiteral(isNegative: false, isHexadecimal: true, isFloat: true, digits: "1.8p3"))
        #expect(try number("2E10")?.digits == "2e10")
    }

    @Test func malformedNumbersAreRejectedWithTheirPosition() throws {
        for text in ["1_", "1__0", "12abc", "0x", "1e", "0x1g"] {
            #expect(error(text) != nil, "\(text)")
        }
        #expect(error("(\n  1e)")?.location == .text(line: 2, column: 5))
    }

    @Test func textEscapes() throws {
        #expect(try kinds(#""a\n\r\t\"\'\\b""#) == [.text(Array("a\n\r\t\"'\\b".utf8))])
        #expect(try kinds(#""\ca\FE\00""#) == [.text([0xCA, 0xFE, 0x00])])
        #expect(try kinds(#""\u{2603}\u{1_F600}""#) == [.text(Array("☃😀".utf8))])
        #expect(try kinds("\"☃\"") == [.text(Array("☃".utf8))])
    }

    @Test func badTextLiteralsAreRejected() throws {
        #expect(error(#""\u{2603""#)?.message.contains("unclosed") == true)
        #expect(error(#""\u{D800}""#)?.message.contains("surrogate") == true)
        #expect(error(#""\u{110000}""#) != nil)
        #expect(error(#""\q""#)?.message.contains("unknown escape") == true)
        #expect(error("\"open")?.location == .text(line: 1, column: 1))
    }

    @Test func punctuationAndColumnsCountCharacters() throws {
        let tokens = try CandidTextLexer.tokens(of: "\"☃☃\" -> == != !: x")
        #expect(tokens.map(\.kind).dropLast() == [.text(Array("☃☃".utf8)), .symbol("->"), .symbol("=="), .symbol("!="), .symbol("!"), .symbol(":"), .identifier("x")])
        #expect(tokens[1].position == CandidTextPosition(line: 1, column: 6))
        #expect(error("a # b")?.location == .text(line: 1, column: 3))
    }
}
