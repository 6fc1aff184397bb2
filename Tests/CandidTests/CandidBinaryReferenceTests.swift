import Testing
@testable import Candid

/// reference.test.did's and subtypes.test.did's binary assertions, transcribed.
@Suite struct CandidBinaryReferenceTests {
    static let textToNat = CandidType.function(CandidFunctionType(arguments: [.text], results: [.nat]))
    static let textToNatQuery = CandidType.function(CandidFunctionType(arguments: [.text], results: [.nat], modes: [.query]))
    static func service(_ methods: (String, CandidType)...) -> CandidType {
        .service(CandidServiceType(methods: methods.map { CandidServiceType.Method(name: $0.0, type: $0.1) }))
    }

    static let referenceCases: [BlobCase] = [
        BlobCase("principal: ic0", #"DIDL\00\01\68\01\00"#, [.principal], .decodes([.principal(managementCanister)])),
        BlobCase("principal", #"DIDL\00\01\68\01\03\ca\ff\ee"#, [.principal], .decodes([.principal(cafePrincipal)])),
        BlobCase("principal: no tag", #"DIDL\00\01\68\03\ca\ff\ee"#, [.principal], .fails),
        BlobCase("principal: too short", #"DIDL\00\01\68\01\03\ca\ff"#, [.principal], .fails),
        BlobCase("principal: too long", #"DIDL\00\01\68\01\03\ca\ff\ee\ee"#, [.principal], .fails),
        BlobCase("principal: not construct", #"DIDL\01\68\01\00\01\03\ca\ff\ee"#, [.principal], .fails),
        BlobCase("service: not principal", #"DIDL\00\01\68\01\03\ca\ff\ee"#, [service()], .fails),
        BlobCase("service: not primitive type", #"DIDL\00\01\69\01\03\ca\ff\ee"#, [service()], .fails),
        BlobCase("service", #"DIDL\01\69\00\01\00\01\03\ca\ff\ee"#, [service()], .decodes([.service(cafePrincipal)])),
        BlobCase("service with a method", #"DIDL\02\6a\01\71\01\7d\00\69\01\03foo\00\01\01\01\03\ca\ff\ee"#,
                 [service(("foo", textToNat))], .decodes([.service(cafePrincipal)])),
        BlobCase("service with two methods", #"DIDL\02\6a\01\71\01\7d\00\69\02\03foo\00\04foo\32\00\01\01\01\03\ca\ff\ee"#,
                 [service(("foo", textToNat), ("foo2", textToNat))], .decodes([.service(cafePrincipal)])),
        BlobCase("service {} value decodes at principal", #"DIDL\01\69\00\01\00\01\03\ca\ff\ee"#, [.principal], .decodes([.principal(cafePrincipal)])),
        BlobCase("principal: reject empty wire type", #"DIDL\00\01\6f\01\03\ca\ff\ee"#, [.principal], .fails),
        BlobCase("recursive service value decodes at principal", #"DIDL\02\69\01\01m\01\6a\00\01\01\00\01\00\01\03\ca\ff\ee"#,
                 [.principal], .decodes([.principal(cafePrincipal)])),
        BlobCase("principal: reject func wire type", #"DIDL\01\6a\00\00\00\01\00\01\01\03\ca\ff\ee\01\61"#, [.principal], .fails),
        BlobCase("principal: reject record wire type", #"DIDL\01\6c\00\01\00"#, [.principal], .fails),
        BlobCase("principal: reject opt wire type", #"DIDL\01\6e\7d\01\00\00"#, [.principal], .fails),
        BlobCase("service: too long", #"DIDL\02\6a\01\71\01\7d\00\69\03\03foo\00\04foo\32\00\01\01\01\03\ca\ff\ee"#,
                 [service(("foo", textToNat), ("foo2", textToNat))], .fails),
        BlobCase("service: too short", #"DIDL\02\6a\01\71\01\7d\00\69\01\03foo\00\04foo\32\00\01\01\01\03\ca\ff\ee"#,
                 [service(("foo", textToNat), ("foo2", textToNat))], .fails),
        BlobCase("service: unsorted", #"DIDL\02\6a\01\71\01\7d\00\69\02\04foo\32\00\03foo\00\01\01\01\03\ca\ff\ee"#,
                 [service(("foo", textToNat), ("foo2", textToNat))], .fails),
        BlobCase("service: unsorted (but sorted by hash)", #"DIDL\02\6a\01\71\01\7d\00\69\02\09foobarbaz\00\06foobar\00\01\01\01\03\ca\ff\ee"#,
                 [service(("foobar", textToNat), ("foobarbaz", textToNat))], .fails),
        BlobCase("service: invalid unicode", #"DIDL\02\6a\01\71\01\7d\00\69\01\03\e2\28\a1\00\01\01\01\03\ca\ff\ee"#, [.reserved], .fails),
        BlobCase("service: duplicate", #"DIDL\02\6a\01\71\01\7d\00\69\02\03foo\00\03foo\00\01\01\01\03\ca\ff\ee"#, [service(("foo", textToNat))], .fails),
        BlobCase("service: unicode", #"DIDL\05i\02\03foo\01\04\f0\9f\90\82\02j\00\00\01\02j\01\03\01\04\01\01n|l\00\01\00\01\00"#,
                 [service(("🐂", .function(CandidFunctionType(arguments: [.opt(.int)], results: [.record([])], modes: [.query]))),
                          ("foo", .function(CandidFunctionType(arguments: [], results: [], modes: [.oneway]))))],
                 .decodes([.service(managementCanister)])),
        BlobCase("service { foo: principal }", #"DIDL\02\6a\01\71\01\7d\00\69\01\03foo\68\01\01\01\03\ca\ff\ee"#,
                 [service(("foo", producing(.null)))], .fails),
        BlobCase("service { foo: opt bool }", #"DIDL\02\6e\7e\69\01\03foo\00\01\01\01\03\ca\ff\ee"#, [service(("foo", producing(.null)))], .fails),
        BlobCase("func: quote name", #"DIDL\01\6a\00\00\00\01\00\01\01\03\ca\ff\ee\01\61"#,
                 [.function(CandidFunctionType(arguments: [], results: []))], .decodes([.function(service: cafePrincipal, method: "a")])),
        BlobCase("func: wrong tag", #"DIDL\01\6a\00\00\00\01\00\01\00\03\ca\ff\ee\01\61"#, [.function(CandidFunctionType(arguments: [], results: []))], .fails),
        BlobCase("func: unicode", #"DIDL\02j\02|}\01\01\01\01i\00\01\00\01\01\00\04\f0\9f\90\82"#,
                 [.function(CandidFunctionType(arguments: [.int, .nat], results: [service()], modes: [.query]))],
                 .decodes([.function(service: managementCanister, method: "🐂")])),
        BlobCase("func: query", #"DIDL\01\6a\01\71\01\7d\01\01\01\00\01\01\03\ca\ff\ee\03foo"#, [textToNatQuery],
                 .decodes([.function(service: cafePrincipal, method: "foo")])),
        BlobCase("func: composite query", #"DIDL\01\6a\01\71\01\7d\01\03\01\00\01\01\03\ca\ff\ee\03foo"#,
                 [.function(CandidFunctionType(arguments: [.text], results: [.nat], modes: [.compositeQuery]))], .succeeds),
        BlobCase("func: unknown annotation", #"DIDL\01\6a\01\71\01\7d\01\80\01\01\00\01\01\03\ca\ff\ee\03foo"#, [textToNatQuery], .fails),
        BlobCase("func: not primitive", #"DIDL\00\01\6a\01\01\03\ca\ff\ee\01\61"#, [.function(CandidFunctionType(arguments: [], results: []))], .fails),
        BlobCase("func: service not in type table", #"DIDL\01\6a\01\69\01\7d\00\01\00\01\01\03\ca\ff\ee\03foo"#,
                 [.function(CandidFunctionType(arguments: [service()], results: [.nat]))], .fails),
        BlobCase("func: invalid annotation", #"DIDL\01\6a\01\71\01\7d\01\03\01\00\01\01\03\ca\ff\ee\03foo"#, [textToNat], .fails),
        BlobCase("service {} !<: service { foo }", #"DIDL\01\69\00\01\00\01\03\ca\ff\ee"#, [service(("foo", textToNat))], .fails),
        BlobCase("query !<: non-query", #"DIDL\02\6a\01\71\01\7d\01\01\69\01\03foo\00\01\01\01\03\ca\ff\ee"#, [service(("foo", textToNat))], .fails),
        BlobCase("non-query !<: query", #"DIDL\02\6a\01\71\01\7d\00\69\01\03foo\00\01\01\01\03\ca\ff\ee"#, [service(("foo", textToNatQuery))], .fails),
        BlobCase("func () -> () !<: func (text) -> (nat)", #"DIDL\01\6a\00\00\00\01\00\01\01\03\ca\ff\ee\03foo"#, [textToNat], .fails),
        BlobCase("func (text) -> (nat) decodes at func (text, opt text) -> ()", #"DIDL\01\6a\01\71\01\7d\00\01\00\01\01\03\ca\ff\ee\03foo"#,
                 [.function(CandidFunctionType(arguments: [.text, .opt(.text)], results: []))], .succeeds),
    ]

    /// subtypes.test.did: `t1 <: t2` holds iff `func () -> (t1)` decodes at
    /// `opt func () -> (t2)` to a reference rather than `null`. `wire` is the type table and
    /// the index of the function's result type, in the suite's blob notation.
    static func subtype(_ name: String, _ table: String, _ expected: CandidType, holds: Bool) -> BlobCase {
        let reference = CandidValue.function(service: managementCanister, method: "m")
        return BlobCase(name, "DIDL" + table + #"\01\00\01\01\00\01m"#, [.opt(producing(expected))],
                        .decodes([.opt(holds ? reference : nil)]))
    }

    static let subtypeCases: [BlobCase] = [
        subtype("null <: null", #"\01\6a\00\01\7f\00"#, .null, holds: true),
        subtype("nat <: int", #"\01\6a\00\01\7d\00"#, .int, holds: true),
        subtype("int </: nat", #"\01\6a\00\01\7f\00"#, .nat, holds: false),
        subtype("nat </: nat8", #"\01\6a\00\01\7d\00"#, .nat8, holds: false),
        subtype("nat8 </: nat", #"\01\6a\00\01\7b\00"#, .nat, holds: false),
        subtype("nat <: opt bool", #"\01\6a\00\01\7d\00"#, .opt(.bool), holds: true),
        subtype("µ opt <: opt opt nat", #"\02\6a\00\01\01\00\6e\01"#, .opt(.opt(.nat)), holds: true),
        subtype("record {} <: record { a : opt empty }", #"\02\6a\00\01\01\00\6c\00"#, .record([named("a", .opt(.empty))]), holds: true),
        subtype("record {} <: record { a : reserved }", #"\02\6a\00\01\01\00\6c\00"#, .record([named("a", .reserved)]), holds: true),
        subtype("record {} </: record { a : empty }", #"\02\6a\00\01\01\00\6c\00"#, .record([named("a", .empty)]), holds: false),
        subtype("record {} </: record { a : nat }", #"\02\6a\00\01\01\00\6c\00"#, .record([named("a", .nat)]), holds: false),
        subtype("record {} <: record { a : null }", #"\02\6a\00\01\01\00\6c\00"#, .record([named("a", .null)]), holds: true),
        subtype("func () -> () <: func () -> (opt empty)", #"\02\6a\00\01\01\00\6a\00\00\00"#, producing(.opt(.empty)), holds: true),
        subtype("func () -> () </: func () -> (empty)", #"\02\6a\00\01\01\00\6a\00\00\00"#, producing(.empty), holds: false),
        subtype("func () -> () </: func () -> (nat)", #"\02\6a\00\01\01\00\6a\00\00\00"#, producing(.nat), holds: false),
        subtype("func (opt empty) -> () <: func () -> ()", #"\03\6a\00\01\01\00\6a\01\02\00\00\6e\6f"#,
                .function(CandidFunctionType(arguments: [], results: [])), holds: true),
        subtype("func (reserved) -> () <: func () -> ()", #"\02\6a\00\01\01\00\6a\01\70\00\00"#,
                .function(CandidFunctionType(arguments: [], results: [])), holds: true),
        subtype("func (empty) -> () </: func () -> ()", #"\02\6a\00\01\01\00\6a\01\6f\00\00"#,
                .function(CandidFunctionType(arguments: [], results: [])), holds: false),
        subtype("func (nat) -> () </: func () -> ()", #"\02\6a\00\01\01\00\6a\01\7d\00\00"#,
                .function(CandidFunctionType(arguments: [], results: [])), holds: false),
        subtype("variant {} <: variant {0 : nat}", #"\02\6a\00\01\01\00\6b\00"#, variantType((0, .nat)), holds: true),
        subtype("variant {0 : bool} </: variant {0 : nat}", #"\02\6a\00\01\01\00\6b\01\00\7e"#, variantType((0, .nat)), holds: false),
        subtype("variant {0 : bool} </: variant {1 : bool}", #"\02\6a\00\01\01\00\6b\01\00\7e"#, variantType((1, .bool)), holds: false),
        subtype("(µ record) <: (µ record)", #"\02\6a\00\01\01\00\6c\01\00\01"#, .reference("EmptyRecord"), holds: true),
        subtype("empty <: (µ record)", #"\01\6a\00\01\6f\00"#, .reference("EmptyRecord"), holds: true),
        subtype("(µ record) <: record {µ record}", #"\02\6a\00\01\01\00\6c\01\00\01"#, recordType((0, .reference("EmptyRecord"))), holds: true),
        subtype("record {µ record} <: (µ record)", #"\03\6a\00\01\01\00\6c\01\00\02\6c\01\00\02"#, .reference("EmptyRecord"), holds: true),
        subtype("(µ record) <: (μ (record opt))", #"\02\6a\00\01\01\00\6c\01\00\01"#, .reference("MuRecordOpt"), holds: true),
        subtype("(µ variant) </: empty", #"\02\6a\00\01\01\00\6b\01\00\01"#, .empty, holds: false),
        subtype("variant {µ variant} <: (µ variant)", #"\03\6a\00\01\01\00\6b\01\00\02\6b\01\00\02"#, .reference("EmptyVariant"), holds: true),
        subtype("(µ vec) <: vec {µ vec}", #"\02\6a\00\01\01\00\6d\01"#, .vec(.reference("Vec")), holds: true),
        subtype("(µ vec) </: empty", #"\02\6a\00\01\01\00\6d\01"#, .empty, holds: false),
        subtype("service {} <: principal", #"\02\6a\00\01\01\00\69\00"#, .principal, holds: true),
        subtype("service {m:()->()} <: principal", #"\03\6a\00\01\01\00\69\01\01m\02\6a\00\00\00"#, .principal, holds: true),
        subtype("principal </: service {}", #"\01\6a\00\01\68\00"#, service(), holds: false),
        subtype("(µ service) <: principal", #"\03\6a\00\01\01\00\69\01\01m\02\6a\00\01\01\00"#, .principal, holds: true),
        subtype("(future type) <: (opt empty)", #"\02\6a\00\01\01\00\67\00"#, .opt(.empty), holds: true),
        subtype("(future type) </: (nat)", #"\02\6a\00\01\01\00\67\00"#, .nat, holds: false),
    ]

    static let environment: CandidTypeEnvironment = {
        var environment = CandidTypeEnvironment()
        environment.bind("Vec", to: .vec(.reference("Vec")))
        environment.bind("EmptyRecord", to: recordType((0, .reference("EmptyRecord"))))
        environment.bind("MuRecordOpt", to: recordType((0, .opt(.reference("MuRecordOpt")))))
        environment.bind("EmptyVariant", to: variantType((0, .reference("EmptyVariant"))))
        return environment
    }()

    @Test(arguments: referenceCases) func referenceAssertion(_ blobCase: BlobCase) {
        blobCase.check()
    }

    @Test(arguments: subtypeCases) func subtypeAssertion(_ blobCase: BlobCase) {
        blobCase.check(in: Self.environment)
    }
}
