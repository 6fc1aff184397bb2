import Testing
@testable import Candid

/// prim.test.did's binary assertions, transcribed.
@Suite struct CandidBinaryPrimitiveTests {
    static let cases: [BlobCase] = [
        BlobCase("empty", #""#, [], .fails),
        BlobCase("no magic bytes", #"\00\00"#, [], .fails),
        BlobCase("wrong magic bytes", #"DADL"#, [], .fails),
        BlobCase("wrong magic bytes 2", #"DADL\00\00"#, [], .fails),
        BlobCase("overlong typ table length", #"DIDL\80\00\00"#, [], .succeeds),
        BlobCase("overlong arg length", #"DIDL\00\80\00"#, [], .succeeds),
        BlobCase("nullary", #"DIDL\00\00"#, [], .succeeds),
        BlobCase("nullary: too long", #"DIDL\00\00\00"#, [], .fails),
        BlobCase("Additional parameters are ignored", #"DIDL\00\01\7f"#, [], .succeeds),
        BlobCase("Not a primitive type", #"DIDL\00\01\6e"#, [], .fails),
        BlobCase("Out of range type", #"DIDL\00\01\5e"#, [], .fails),
        BlobCase("missing argument: nat fails", #"DIDL\00\00"#, [.nat], .fails),
        BlobCase("missing argument: empty fails", #"DIDL\00\00"#, [.empty], .fails),
        BlobCase("missing argument: null", #"DIDL\00\00"#, [.null], .decodes([.null])),
        BlobCase("missing argument: opt empty", #"DIDL\00\00"#, [.opt(.empty)], .decodes([.opt(nil)])),
        BlobCase("missing argument: opt nat", #"DIDL\00\00"#, [.opt(.nat)], .decodes([.opt(nil)])),
        BlobCase("missing argument: reserved", #"DIDL\00\00"#, [.reserved], .decodes([.reserved])),
        BlobCase("null", #"DIDL\00\01\7f"#, [.null], .decodes([.null])),
        BlobCase("null: wrong type", #"DIDL\00\01\7e"#, [.null], .fails),
        BlobCase("null: too long", #"DIDL\00\01\7f\00"#, [.null], .fails),
        BlobCase("bool: false", #"DIDL\00\01\7e\00"#, [.bool], .decodes([.bool(false)])),
        BlobCase("bool: true", #"DIDL\00\01\7e\01"#, [.bool], .decodes([.bool(true)])),
        BlobCase("bool: missing", #"DIDL\00\01\7e"#, [.bool], .fails),
        BlobCase("bool: out of range", #"DIDL\00\01\7e\02"#, [.bool], .fails),
        BlobCase("bool: out of range ff", #"DIDL\00\01\7e\ff"#, [.bool], .fails),
        BlobCase("nat: 0x7f", #"DIDL\00\01\7d\7f"#, [.nat], .decodes([natValue(127)])),
        BlobCase("nat: leb (two bytes)", #"DIDL\00\01\7d\80\01"#, [.nat], .decodes([natValue(128)])),
        BlobCase("nat: leb (two bytes, all bits)", #"DIDL\00\01\7d\ff\7f"#, [.nat], .decodes([natValue(16383)])),
        BlobCase("nat: leb too short", #"DIDL\00\01\7d\80"#, [.nat], .fails),
        BlobCase("nat: leb overlong", #"DIDL\00\01\7d\80\00"#, [.nat], .decodes([natValue(0)])),
        BlobCase("nat: leb overlong 127", #"DIDL\00\01\7d\ff\00"#, [.nat], .decodes([natValue(127)])),
        BlobCase("nat: big number", #"DIDL\00\01\7d\80\80\98\f4\e9\b5\ca\6a"#, [.nat], .decodes([natValue(60_000_000_000_000_000)])),
        BlobCase("int: -1", #"DIDL\00\01\7c\7f"#, [.int], .decodes([intValue(-1)])),
        BlobCase("int: -64", #"DIDL\00\01\7c\40"#, [.int], .decodes([intValue(-64)])),
        BlobCase("int: leb (two bytes)", #"DIDL\00\01\7c\80\01"#, [.int], .decodes([intValue(128)])),
        BlobCase("int: leb too short", #"DIDL\00\01\7c\80"#, [.int], .fails),
        BlobCase("int: leb overlong (0s)", #"DIDL\00\01\7c\80\00"#, [.int], .decodes([intValue(0)])),
        BlobCase("int: leb overlong (1s)", #"DIDL\00\01\7c\ff\7f"#, [.int], .decodes([intValue(-1)])),
        BlobCase("int: leb not overlong when signed", #"DIDL\00\01\7c\ff\00"#, [.int], .decodes([intValue(127)])),
        BlobCase("int: leb not overlong when signed -128", #"DIDL\00\01\7c\80\7f"#, [.int], .decodes([intValue(-128)])),
        BlobCase("int: big number", #"DIDL\00\01\7c\80\80\98\f4\e9\b5\ca\ea\00"#, [.int], .decodes([intValue(60_000_000_000_000_000)])),
        BlobCase("int: negative big number", #"DIDL\00\01\7c\80\80\e8\8b\96\ca\b5\95\7f"#, [.int], .decodes([intValue(-60_000_000_000_000_000)])),
        BlobCase("nat <: int", #"DIDL\00\01\7d\ff\7f"#, [.int], .decodes([intValue(16383)])),
        BlobCase("nat8: 255", #"DIDL\00\01\7b\ff"#, [.nat8], .decodes([.nat8(255)])),
        BlobCase("nat8: too short", #"DIDL\00\01\7b"#, [.nat8], .fails),
        BlobCase("nat8: too long", #"DIDL\00\01\7b\00\00"#, [.nat8], .fails),
        BlobCase("nat16: 256", #"DIDL\00\01\7a\00\01"#, [.nat16], .decodes([.nat16(256)])),
        BlobCase("nat16: too short", #"DIDL\00\01\7a\00"#, [.nat16], .fails),
        BlobCase("nat32: 4294967295", #"DIDL\00\01\79\ff\ff\ff\ff"#, [.nat32], .decodes([.nat32(4_294_967_295)])),
        BlobCase("nat32: too long", #"DIDL\00\01\79\00\00\00\00\00"#, [.nat32], .fails),
        BlobCase("nat64: max", #"DIDL\00\01\78\ff\ff\ff\ff\ff\ff\ff\ff"#, [.nat64], .decodes([.nat64(.max)])),
        BlobCase("nat64: too short", #"DIDL\00\01\78\00\00\00\00\00\00\00"#, [.nat64], .fails),
        BlobCase("int8: -1", #"DIDL\00\01\77\ff"#, [.int8], .decodes([.int8(-1)])),
        BlobCase("int16: -1", #"DIDL\00\01\76\ff\ff"#, [.int16], .decodes([.int16(-1)])),
        BlobCase("int32: 65535", #"DIDL\00\01\75\ff\ff\00\00"#, [.int32], .decodes([.int32(65535)])),
        BlobCase("int64: -1", #"DIDL\00\01\74\ff\ff\ff\ff\ff\ff\ff\ff"#, [.int64], .decodes([.int64(-1)])),
        BlobCase("int64: too long", #"DIDL\00\01\74\00\00\00\00\00\00\00\00\00"#, [.int64], .fails),
        BlobCase("float32: 3", #"DIDL\00\01\73\00\00\40\40"#, [.float32], .decodes([.float32(3)])),
        BlobCase("float32: -0.5", #"DIDL\00\01\73\00\00\00\bf"#, [.float32], .decodes([.float32(-0.5)])),
        BlobCase("float32: too short", #"DIDL\00\01\73\00\00"#, [.float32], .fails),
        BlobCase("float64: 0.5", #"DIDL\00\01\72\00\00\00\00\00\00\e0\3f"#, [.float64], .decodes([.float64(0.5)])),
        BlobCase("float64: NaN", #"DIDL\00\01\72\01\00\00\00\00\00\f0\7f"#, [.float64], .succeeds),
        BlobCase("float64: max value", #"DIDL\00\01\72\ff\ff\ff\ff\ff\ff\ef\7f"#, [.float64], .decodes([.float64(.greatestFiniteMagnitude)])),
        BlobCase("float64: too long", #"DIDL\00\01\72\00\00\00\00\00\00\00\00\00"#, [.float64], .fails),
        BlobCase("text: empty string", #"DIDL\00\01\71\00"#, [.text], .decodes([.text("")])),
        BlobCase("text: Motoko", #"DIDL\00\01\71\06Motoko"#, [.text], .decodes([.text("Motoko")])),
        BlobCase("text: too long", #"DIDL\00\01\71\05Motoko"#, [.text], .fails),
        BlobCase("text: too short", #"DIDL\00\01\71\07Motoko"#, [.text], .fails),
        BlobCase("text: overlong length leb", #"DIDL\00\01\71\86\00Motoko"#, [.text], .decodes([.text("Motoko")])),
        BlobCase("text: Unicode", #"DIDL\00\01\71\03\e2\98\83"#, [.text], .decodes([.text("☃")])),
        BlobCase("text: Invalid utf8", #"DIDL\00\01\71\03\e2\28\a1"#, [.text], .fails),
        BlobCase("text: Unicode overshoots", #"DIDL\00\01\71\02\e2\98\83"#, [.text], .fails),
        BlobCase("reserved from null", #"DIDL\00\01\7f"#, [.reserved], .decodes([.reserved])),
        BlobCase("reserved from nat", #"DIDL\00\01\7d\80\01"#, [.reserved], .decodes([.reserved])),
        BlobCase("reserved from text", #"DIDL\00\01\71\06Motoko"#, [.reserved], .decodes([.reserved])),
        BlobCase("reserved extra value", #"DIDL\00\00"#, [.reserved], .decodes([.reserved])),
        BlobCase("reserved from too short text", #"DIDL\00\01\71\05Motoko"#, [.reserved], .fails),
        BlobCase("reserved from invalid utf8 text", #"DIDL\00\01\71\03\e2\28\a1"#, [.reserved], .fails),
        BlobCase("cannot decode empty type", #"DIDL\00\01\6f"#, [.empty], .fails),
        BlobCase("okay to decode non-empty value", #"DIDL\01\6e\6f\01\00\00"#, [.opt(.empty)], .decodes([.opt(nil)])),
        BlobCase("multiple arguments", #"DIDL\00\0a\7f\7e\7d\7c\7f\70\7f\7b\7a\79\01\2a\2a\2a\2a\00\2a\00\00\00"#,
                 [.null, .bool, .nat, .int, .null, .reserved, .null, .nat8, .nat16, .nat32],
                 .decodes([.null, .bool(true), natValue(42), intValue(42), .null, .reserved, .null,
                           .nat8(42), .nat16(42), .nat32(42)])),
    ]

    @Test(arguments: cases) func primitiveAssertion(_ blobCase: BlobCase) {
        blobCase.check()
    }

    @Test func naturalsBeyondSixtyFourBitsRoundTrip() throws {
        let big = try #require(CandidNatural(decimal: "340282366920938463463374607431768211457"))
        let bytes = try CandidBinary.encode([.nat(big), .int(CandidInteger(isNegative: true, magnitude: big))], as: [.nat, .int])
        let values = try CandidBinary.decode(bytes, as: [.nat, .int])
        #expect(values == [.nat(big), .int(CandidInteger(isNegative: true, magnitude: big))])
    }

    @Test func numbersAroundTheSixtyThreeBitFastPathDecodeAlike() throws {
        // 9 LEB128 bytes hold 63 bits (read without allocating); 10 take the unbounded path.
        for exponent in [55, 62, 63, 64, 70, 127] {
            var big = CandidNatural(1)
            for _ in 0..<exponent { big.multiplyAdd(2, 0) }
            for natural in [big, big.decremented()] {
                let bytes = try CandidBinary.encode([.nat(natural), .int(CandidInteger(isNegative: true, magnitude: natural)),
                                                     .int(CandidInteger(natural))], as: [.nat, .int, .int])
                #expect(try CandidBinary.decode(bytes, as: [.nat, .int, .int]) == [
                    .nat(natural), .int(CandidInteger(isNegative: true, magnitude: natural)), .int(CandidInteger(natural)),
                ], "2^\(exponent) or one less")
            }
        }
    }

    @Test func signedLEB128MatchesTheSpecExamples() {
        // The Wikipedia/spec example: -123456 is C0 BB 78; 624485 (unsigned) is E5 8E 26.
        #expect(CandidInteger(-123_456).sleb128 == [0xc0, 0xbb, 0x78])
        #expect(CandidNatural(624_485).leb128 == [0xe5, 0x8e, 0x26])
        #expect(CandidInteger(63).sleb128 == [0x3f])
        #expect(CandidInteger(64).sleb128 == [0xc0, 0x00])
        #expect(CandidInteger(-64).sleb128 == [0x40])
        #expect(CandidInteger(-65).sleb128 == [0xbf, 0x7f])
        #expect(CandidNatural.zero.leb128 == [0x00])
        for value: Int64 in [0, 1, -1, 127, -128, 1 << 40, -(1 << 40), .max, .min] {
            #expect(CandidInteger(signedGroups: CandidInteger(value).sleb128.map { $0 & 0x7f }) == CandidInteger(value))
        }
    }
}
