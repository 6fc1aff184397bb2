import Testing
@testable import Candid

/// construct.test.did's binary assertions, transcribed with its type definitions.
@Suite struct CandidBinaryConstructTests {
    static let listFields = [named("head", .int), named("tail", .reference("List"))]
    static let environment: CandidTypeEnvironment = {
        var environment = CandidTypeEnvironment()
        environment.bind("Opt", to: .opt(.reference("Opt")))
        environment.bind("Vec", to: .vec(.reference("Vec")))
        environment.bind("EmptyRecord", to: recordType((0, .reference("EmptyRecord"))))
        environment.bind("OptRec", to: .opt(recordType((0, .reference("OptRec")))))
        environment.bind("List", to: .opt(.record(listFields)))
        environment.bind("List1", to: .opt(.reference("List2")))
        environment.bind("List2", to: .record([named("head", .int), named("tail", .reference("List1"))]))
        environment.bind("EmptyVariant", to: variantType((0, .reference("EmptyVariant"))))
        environment.bind("VariantList", to: .variant([
            named("nil", .null),
            named("cons", .record([named("head", .int), named("tail", .reference("VariantList"))])),
        ]))
        environment.bind("A1", to: .record([named("foo", .int32), named("bar", .bool)]))
        environment.bind("A2", to: .record([
            named("foo", .int32), named("bar", .bool), named("bat", .reference("VariantList")), named("baz", .reference("A1")),
            named("bbb", .reference("List")), named("bib", .variant([named("foo", .null), named("bar", .null)])),
            named("bab", .reference("A1")),
        ]))
        return environment
    }()

    static func list(_ items: [Int64]) -> CandidValue {
        guard let first = items.first else { return .opt(nil) }
        return .opt(.record([CandidFieldValue(label: .named("head"), value: intValue(first)),
                             CandidFieldValue(label: .named("tail"), value: list(Array(items.dropFirst())))]))
    }

    static let tableCases: [BlobCase] = [
        BlobCase("empty table", #"DIDL\00\00"#, [], .succeeds),
        BlobCase("unused type", #"DIDL\01\6e\6f\00"#, [], .succeeds),
        BlobCase("repeated types", #"DIDL\02\6e\6f\6e\6f\00"#, [], .succeeds),
        BlobCase("recursive type", #"DIDL\01\6e\00\00"#, [], .succeeds),
        BlobCase("type too short", #"DIDL\01\6e\00"#, [], .fails),
        BlobCase("vacuous type", #"DIDL\01\00\00"#, [], .fails),
        BlobCase("vacuous type 2", #"DIDL\02\6e\01\00\00"#, [], .fails),
        BlobCase("table entry out of range", #"DIDL\01\6e\01\00"#, [], .fails),
        BlobCase("arg entry out of range", #"DIDL\00\01\00"#, [], .fails),
        BlobCase("arg too short", #"DIDL\00\03\7f\7f"#, [], .fails),
        BlobCase("arg too long", #"DIDL\00\02\7f\7f\7f"#, [], .fails),
        BlobCase("non-primitive in arg list", #"DIDL\00\01\6e\7f\00"#, [], .fails),
        BlobCase("primitive type in the table", #"DIDL\01\7f\00"#, [], .fails),
        BlobCase("principal in the table", #"DIDL\01\68\00"#, [], .fails),
        BlobCase("table entry in the table", #"DIDL\02\6d\7f\00\00"#, [], .fails),
        BlobCase("table too long", #"DIDL\01\6e\6f\6e\6f\00"#, [], .fails),
    ]

    static let optionCases: [BlobCase] = [
        BlobCase("opt: null", #"DIDL\01\6e\7c\01\00\00"#, [.opt(.int)], .decodes([.opt(nil)])),
        BlobCase("opt: type out of range", #"DIDL\01\6e\02\01\00\00"#, [.opt(.int)], .fails),
        BlobCase("opt: 42", #"DIDL\01\6e\7c\01\00\01\2a"#, [.opt(.int)], .decodes([.opt(intValue(42))])),
        BlobCase("opt: out of range", #"DIDL\01\6e\7c\01\00\02\2a"#, [.opt(.int)], .fails),
        BlobCase("opt: too short", #"DIDL\01\6e\7c\01\00\01"#, [.opt(.int)], .fails),
        BlobCase("opt: too long", #"DIDL\01\6e\7c\01\00\00\2a"#, [.opt(.int)], .fails),
        BlobCase("opt: nested", #"DIDL\02\6e\01\6e\7c\01\00\01\01\2a"#, [.opt(.opt(.int))], .decodes([.opt(.opt(intValue(42)))])),
        BlobCase("opt: recursion", #"DIDL\01\6e\00\01\00\01\01\00"#, [.reference("Opt")], .decodes([.opt(.opt(.opt(nil)))])),
        BlobCase("opt: non-recursive type", #"DIDL\01\6e\00\01\00\01\01\00"#, [.opt(.opt(.opt(.empty)))], .decodes([.opt(.opt(.opt(nil)))])),
        BlobCase("opt: extra arg", #"DIDL\00\00"#, [.reference("Opt")], .decodes([.opt(nil)])),
        BlobCase("opt: parsing null : null", #"DIDL\00\01\7f"#, [.opt(.empty)], .decodes([.opt(nil)])),
        BlobCase("opt: parsing invalid bool at opt bool", #"DIDL\01\6e\7e\01\00\01\02"#, [.opt(.bool)], .fails),
        BlobCase("opt: parsing opt null : opt opt bool", #"DIDL\02\6e\01\6e\7e\01\00\01\00"#, [.opt(.opt(.bool))], .decodes([.opt(.opt(nil))])),
        BlobCase("opt: parsing false : opt bool", #"DIDL\00\01\7e\00"#, [.opt(.bool)], .decodes([.opt(.bool(false))])),
        BlobCase("opt: parsing invalid bool at opt bool (bare)", #"DIDL\00\01\7e\02"#, [.opt(.bool)], .fails),
        BlobCase("opt: (null : opt null) at opt opt null", #"DIDL\01\6e\7f\01\00\00"#, [.opt(.opt(.null))], .decodes([.opt(nil)])),
        BlobCase("opt: true : opt opt bool", #"DIDL\00\01\7e\01"#, [.opt(.opt(.bool))], .decodes([.opt(.opt(.bool(true)))])),
        BlobCase("opt: (true : bool) at fix opt fails", #"DIDL\00\01\7e\01"#, [.reference("Opt")], .fails),
        BlobCase("opt: parsing opt opt opt null : Opt", #"DIDL\01\6e\00\01\00\01\01\01\00"#, [.reference("Opt")], .decodes([.opt(.opt(.opt(.opt(nil))))])),
        BlobCase("opt: fix record at fix record opt fails", #"DIDL\01\6c\01\00\00\01\00"#, [.reference("OptRec")], .fails),
        BlobCase("reserved <: opt nat", #"DIDL\00\01\70"#, [.opt(.nat)], .decodes([.opt(nil)])),
        BlobCase("opt true : opt bool <: opt nat", #"DIDL\01\6e\7e\01\00\01\01"#, [.opt(.nat)], .decodes([.opt(nil)])),
        BlobCase("opt bool <: opt nat with invalid boolean value", #"DIDL\01\6e\7e\01\00\01\02"#, [.opt(.nat)], .fails),
        BlobCase("opt opt true : opt opt bool <: opt nat", #"DIDL\02\6e\01\6e\7e\01\00\01\01\01"#, [.opt(.nat)], .decodes([.opt(nil)])),
        BlobCase("opt opt true <: opt opt nat", #"DIDL\02\6e\01\6e\7e\01\00\01\01\01"#, [.opt(.opt(.nat))], .decodes([.opt(.opt(nil))])),
        BlobCase("opt: recovered coercion error under variant", #"DIDL\02\6e\01\6b\01\00\7e\01\00\01\00\01"#,
                 [.opt(variantType((0, .int)))], .decodes([.opt(nil)])),
        BlobCase("missing optional field", #"DIDL\01\6c\00\01\00"#, [.record([named("foo", .opt(.bool))])],
                 .decodes([.record([CandidFieldValue(label: .named("foo"), value: .opt(nil))])])),
        BlobCase("missing reserved field", #"DIDL\01\6c\00\01\00"#, [.record([named("foo", .reserved)])],
                 .decodes([.record([CandidFieldValue(label: .named("foo"), value: .reserved)])])),
    ]

    static let vectorAndRecordCases: [BlobCase] = [
        BlobCase("vec: empty", #"DIDL\01\6d\7c\01\00\00"#, [.vec(.int)], .decodes([.vec([])])),
        BlobCase("vec: non subtype empty", #"DIDL\01\6d\7c\01\00\00"#, [.vec(.int8)], .succeeds),
        BlobCase("vec", #"DIDL\01\6d\7c\01\00\02\01\02"#, [.vec(.int)], .decodes([.vec([intValue(1), intValue(2)])])),
        BlobCase("vec: blob", #"DIDL\01\6d\7b\01\00\02\01\02"#, [.blob], .decodes([.blob([1, 2])])),
        BlobCase("vec: tree", #"DIDL\01\6d\00\01\00\02\00\00"#, [.reference("Vec")], .decodes([.vec([.vec([]), .vec([])])])),
        BlobCase("vec: non-recursive tree", #"DIDL\01\6d\00\01\00\02\00\00"#, [.vec(.vec(.opt(.empty)))], .decodes([.vec([.vec([]), .vec([])])])),
        BlobCase("vec null", #"DIDL\01\6d\7f\01\00\e8\07"#, [.vec(.null)], .succeeds),
        BlobCase("vec null <: vec opt nat", #"DIDL\01\6d\7f\01\00\e8\07"#, [.vec(.opt(.nat))], .succeeds),
        BlobCase("vec: too short", #"DIDL\01\6d\7c\01\00\02\01"#, [.vec(.int)], .fails),
        BlobCase("vec: too long", #"DIDL\01\6d\7c\01\00\01\01\02"#, [.vec(.int)], .fails),
        BlobCase("vec of records", #"DIDL\02\6d\01\6c\00\01\00\05"#, [.vec(.record([]))], .succeeds),
        BlobCase("record: multiple records", #"DIDL\01\6c\00\03\00\00\00"#, [.record([]), .record([]), .record([])],
                 .decodes([.record([]), .record([]), .record([])])),
        BlobCase("record", #"DIDL\01\6c\01\01\7c\01\00\2a"#, [recordType((1, .int))], .decodes([recordValue((1, intValue(42)))])),
        BlobCase("record: opt", #"DIDL\01\6c\01\01\7c\01\00\2a"#, [recordType((1, .opt(.int)))], .decodes([recordValue((1, .opt(intValue(42))))])),
        BlobCase("record: reserved", #"DIDL\01\6c\01\01\7c\01\00\2a"#, [recordType((1, .reserved))], .decodes([recordValue((1, .reserved))])),
        BlobCase("record: ignore fields", #"DIDL\01\6c\01\01\7c\01\00\2a"#, [.record([])], .decodes([.record([])])),
        BlobCase("record: missing field", #"DIDL\01\6c\01\01\7c\01\00\2a"#, [recordType((2, .int))], .fails),
        BlobCase("record: missing opt field", #"DIDL\01\6c\01\01\7c\01\00\2a"#, [recordType((2, .opt(.int)))], .decodes([recordValue((2, .opt(nil)))])),
        BlobCase("record: missing null field", #"DIDL\01\6c\00\01\00"#, [recordType((2, .null))], .decodes([recordValue((2, .null))])),
        BlobCase("record: tuple", #"DIDL\01\6c\02\00\7c\01\7e\01\00\2a\01"#, [.tuple([.int, .bool])], .decodes([.tuple([intValue(42), .bool(true)])])),
        BlobCase("record: ignore fields 2", #"DIDL\01\6c\02\00\7c\01\7e\01\00\2a\01"#, [recordType((1, .bool))], .decodes([recordValue((1, .bool(true)))])),
        BlobCase("record: type mismatch", #"DIDL\01\6c\02\00\7c\01\7e\01\00\2a\01"#, [.tuple([.bool, .int])], .fails),
        BlobCase("record: duplicate fields", #"DIDL\01\6c\02\00\7c\00\7e\01\00\2a\01"#, [.tuple([.int, .bool])], .fails),
        BlobCase("record: unsorted", #"DIDL\01\6c\02\01\7c\00\7e\01\00\2a\01"#, [recordType((1, .int), (0, .bool))], .fails),
        BlobCase("record: named fields", #"DIDL\01\6c\02\d3\e3\aa\02\7e\86\8e\b7\02\7c\01\00\01\2a"#,
                 [.record([named("foo", .int), named("bar", .bool)])],
                 .decodes([.record([CandidFieldValue(label: .named("bar"), value: .bool(true)),
                                    CandidFieldValue(label: .named("foo"), value: intValue(42))])])),
        BlobCase("record: unicode field", #"DIDL\01\6c\01\cd\84\b0\05\7f\01\00"#, [.record([named("☃", .null)])],
                 .decodes([.record([CandidFieldValue(label: .named("☃"), value: .null)])])),
        BlobCase("record: field hash larger than u32", #"DIDL\01\6c\01\80\e4\97\d0\12\7c\01\00\2a"#, [.record([])], .fails),
        BlobCase("record: nested", #"DIDL\04\6c\01\00\01\6c\01\00\02\6c\01\00\03\6c\00\01\00"#,
                 [.tuple([.tuple([.tuple([.record([])])])])], .decodes([.tuple([.tuple([.tuple([.record([])])])])])),
        BlobCase("record: empty recursion", #"DIDL\01\6c\01\00\00\01\00"#, [.reference("EmptyRecord")], .fails),
        BlobCase("vec of empty records", #"DIDL\02\6d\01\6c\01\00\01\01\00\01"#, [.vec(.reference("EmptyRecord"))], .fails),
        BlobCase("record: value too short", #"DIDL\01\6c\02\00\7c\01\7e\01\00\2a"#, [.tuple([.int])], .fails),
        BlobCase("record: value too long", #"DIDL\01\6c\02\00\7c\01\7e\01\00\2a\01\00"#, [.tuple([.int])], .fails),
        BlobCase("record: type too short", #"DIDL\01\6c\02\00\7c\01\01\00\2a\01"#, [.record([])], .fails),
        BlobCase("record: type too long", #"DIDL\01\6c\02\00\7c\01\7e\02\7e\01\00\2a\01\00"#, [.record([])], .fails),
        BlobCase("record: type out of range", #"DIDL\01\6c\02\00\01\01\7e\01\00\00\00"#, [.record([])], .fails),
        BlobCase("record with reserved field", #"DIDL\01\6c\01\00\70\01\00"#, [recordType((0, .reserved))], .decodes([recordValue((0, .reserved))])),
        BlobCase("record with reserved field as null field", #"DIDL\01\6c\01\00\70\01\00"#, [recordType((0, .null))], .fails),
        BlobCase("vector with reserved elements as null", #"DIDL\01\6d\70\01\00\01"#, [.vec(.null)], .fails),
        BlobCase("optional reserved element", #"DIDL\01\6e\70\01\00\01"#, [.opt(.reserved)], .decodes([.opt(.reserved)])),
        BlobCase("optional reserved element as opt null", #"DIDL\01\6e\70\01\00\01"#, [.opt(.null)], .decodes([.opt(nil)])),
        BlobCase("parsing reserved as null", #"DIDL\00\01\70"#, [.null], .fails),
        BlobCase("parsing (reserved, 5) as (null, nat)", #"DIDL\00\02\70\7D\05"#, [.null, .nat], .fails),
        BlobCase("parsing 5 as null", #"DIDL\00\01\7D\05"#, [.null], .fails),
        BlobCase("empty top-level tuple into a longer one", #"DIDL\00\00"#, [.null], .decodes([.null])),
        BlobCase("top-level tuple into a longer one", #"DIDL\00\02\7d\7d\05\06"#, [.nat, .nat, .null], .decodes([natValue(5), natValue(6), .null])),
        BlobCase("expected field greater than extra wire field", #"DIDL\01\6c\01\00\7d\01\00\05"#, [recordType((1, .null))], .decodes([recordValue((1, .null))])),
        BlobCase("expected field less than extra wire field", #"DIDL\01\6c\01\01\7d\01\00\05"#, [recordType((0, .null))], .decodes([recordValue((0, .null))])),
        BlobCase("skipping minimal future type", #"DIDL\01\67\00\02\00\7e\00\00\01"#, [.opt(.empty), .bool], .decodes([.opt(nil), .bool(true)])),
        BlobCase("skipping future type with data", #"DIDL\01\67\03ABC\02\00\7e\05\00hello\01"#, [.opt(.empty), .bool], .decodes([.opt(nil), .bool(true)])),
    ]

    static let variantCases: [BlobCase] = [
        BlobCase("variant: no empty value", #"DIDL\01\6b\00\01\00"#, [.variant([])], .fails),
        BlobCase("variant: numbered field", #"DIDL\01\6b\01\00\7f\01\00\00"#, [variantType((0, .null))], .decodes([.variant(CandidFieldValue(label: .id(0), value: .null))])),
        BlobCase("variant: type mismatch", #"DIDL\01\6b\01\00\7f\01\00\00\2a"#, [variantType((0, .int))], .fails),
        BlobCase("variant: type mismatch in unused tag", #"DIDL\01\6b\02\00\7f\01\7c\01\00\01\2a"#, [variantType((0, .int), (1, .int))], .succeeds),
        BlobCase("variant {0;1} <: opt variant {0}", #"DIDL\01\6b\02\00\7f\01\7f\01\00\00"#, [.opt(variantType((0, .null)))],
                 .decodes([.opt(.variant(CandidFieldValue(label: .id(0), value: .null)))])),
        BlobCase("variant: change index", #"DIDL\01\6b\02\00\7f\01\7f\01\00\01"#, [variantType((0, .null), (1, .null), (2, .null))],
                 .decodes([.variant(CandidFieldValue(label: .id(1), value: .null))])),
        BlobCase("variant: missing field", #"DIDL\01\6b\01\00\7f\01\00\00"#, [variantType((1, .null))], .fails),
        BlobCase("variant: index out of range", #"DIDL\01\6b\01\00\7f\01\00\01"#, [variantType((0, .null))], .fails),
        BlobCase("variant: duplicate fields", #"DIDL\01\6b\02\00\7f\00\7f\01\00\00"#, [variantType((0, .null))], .fails),
        BlobCase("variant: ok with maxInt", #"DIDL\01\6b\03\00\7f\01\7f\ff\ff\ff\ff\0f\7f\01\00\00"#,
                 [variantType((0, .null), (1, .null), (4_294_967_295, .null))], .succeeds),
        BlobCase("variant: unsorted with maxInt", #"DIDL\01\6b\03\00\7f\ff\ff\ff\ff\0f\7f\01\7f\01\00\00"#,
                 [variantType((0, .null), (1, .null), (4_294_967_295, .null))], .fails),
        BlobCase("variant: result", #"DIDL\01\6b\02\bc\8a\01\71\c5\fe\d2\01\71\01\00\00\04\67\6f\6f\64"#,
                 [.variant([named("Ok", .text), named("Err", .text)])],
                 .decodes([.variant(CandidFieldValue(label: .named("Ok"), value: .text("good")))])),
        BlobCase("variant: with EmptyRecord", #"DIDL\02\6b\02\9c\c2\01\71\e5\8e\b4\02\01\6c\01\00\01\01\00\00\04\67\6f\6f\64"#,
                 [.variant([named("ok", .text), named("err", .reference("EmptyRecord"))])],
                 .decodes([.variant(CandidFieldValue(label: .named("ok"), value: .text("good")))])),
        BlobCase("variant: empty recursion", #"DIDL\01\6b\01\00\00\01\00\00\00\00\00\00\00\00\00\00\00\00\00"#, [.reference("EmptyVariant")], .fails),
        BlobCase("variant: field hash larger than u32", #"DIDL\01\6b\01\80\e4\97\d0\12\7c\01\00\00\2a"#, [.reserved], .fails),
        BlobCase("variant: value too short", #"DIDL\01\6b\02\00\7f\01\7c\01\00\01"#, [variantType((0, .null), (1, .int))], .fails),
        BlobCase("variant: type out of range", #"DIDL\01\6b\02\00\01\01\7c\01\00\01\2a"#, [variantType((0, .reserved), (1, .int))], .fails),
        BlobCase("record: empty list", #"DIDL\02\6e\01\6c\02\a0\d2\ac\a8\04\7c\90\ed\da\e7\04\00\01\00\00"#, [.reference("List")], .decodes([list([])])),
        BlobCase("record: list", #"DIDL\02\6e\01\6c\02\a0\d2\ac\a8\04\7c\90\ed\da\e7\04\00\01\00\01\01\01\02\01\03\01\04\00"#,
                 [.reference("List")], .decodes([list([1, 2, 3, 4])])),
        BlobCase("record: reorder type table", #"DIDL\02\6c\02\a0\d2\ac\a8\04\7c\90\ed\da\e7\04\01\6e\00\01\01\01\01\01\02\00"#,
                 [.reference("List")], .decodes([list([1, 2])])),
        BlobCase("record: mutual recursive list", #"DIDL\02\6e\01\6c\02\a0\d2\ac\a8\04\7c\90\ed\da\e7\04\00\01\00\01\01\01\02\00"#,
                 [.reference("List1")], .decodes([list([1, 2])])),
        BlobCase("variant: extra args", #"DIDL\02\6b\02\d1\a7\cf\02\7f\f1\f3\92\8e\04\01\6c\02\a0\d2\ac\a8\04\7c\90\ed\da\e7\04\00\01\00\00"#,
                 [.reference("VariantList"), .opt(.reference("VariantList")), .null, .reserved, .opt(.int)],
                 .decodes([.variant(CandidFieldValue(label: .named("nil"), value: .null)), .opt(nil), .null, .reserved, .opt(nil)])),
        BlobCase("non-null extra args", #"DIDL\02\6b\02\d1\a7\cf\02\7f\f1\f3\92\8e\04\01\6c\02\a0\d2\ac\a8\04\7c\90\ed\da\e7\04\00\01\00\00"#,
                 [.reference("VariantList"), .opt(.int), .vec(.int)], .fails),
    ]

    static let skipFieldsBlob = #"DIDL\07\6c\07\c3\e3\aa\02\01\d3\e3\aa\02\7e\d5\e3\aa\02\02\db\e3\aa\02\01\a2\e5\aa\02\04\bb\f1\aa\02\06\86\8e\b7\02\75\6c\02\d3\e3\aa\02\7e\86\8e\b7\02\75\6b\02\d1\a7\cf\02\7f\f1\f3\92\8e\04\03\6c\02\a0\d2\ac\a8\04\7c\90\ed\da\e7\04\02\6e\05\6c\02\a0\d2\ac\a8\04\7c\90\ed\da\e7\04\04\6b\02\d3\e3\aa\02\7f\86\8e\b7\02\7f\01\00\01\0b\00\00\00\01\00\00\0a\00\00\00\01\14\00\00\2a\00\00\00"#

    @Test(arguments: tableCases + optionCases + vectorAndRecordCases + variantCases)
    func constructAssertion(_ blobCase: BlobCase) {
        blobCase.check(in: Self.environment)
    }

    @Test func skippedFieldsLeaveTheRest() {
        func field(_ name: String, _ value: CandidValue) -> CandidFieldValue { CandidFieldValue(label: .named(name), value: value) }
        BlobCase("skip fields (A1)", Self.skipFieldsBlob, [.reference("A1")],
                 .decodes([.record([field("bar", .bool(true)), field("foo", .int32(42))])])).check(in: Self.environment)
        let nested = CandidType.record([named("bar", .bool), named("baz", .record([named("bar", .bool)])),
                                        named("bbb", .opt(.record([named("head", .int)])))])
        BlobCase("skip fields (nested)", Self.skipFieldsBlob, [nested], .decodes([.record([
            field("bar", .bool(true)), field("baz", .record([field("bar", .bool(false))])),
            field("bbb", .opt(.record([field("head", intValue(20))]))),
        ])])).check(in: Self.environment)
        BlobCase("new record field", Self.skipFieldsBlob, [.record([named("foo", .int), named("new_field", .bool)])], .fails)
            .check(in: Self.environment)
        BlobCase("A2", Self.skipFieldsBlob, [.reference("A2")], .succeeds).check(in: Self.environment)
    }
}
