import Foundation
import Testing
@testable import Candid

@Suite struct CandidServiceDescriptionTests {
    private func failure(_ text: String) -> CandidError? {
        do {
            _ = try CandidServiceDescription.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func aFullDescriptionParses() throws {
        let text = """
        // A ledger-like service.
        type account = record { owner : principal; subaccount : opt blob };
        type tree = variant { leaf : int; node : record { left : tree; right : tree } };
        type callback = func (nat) -> () oneway;
        type getter = func (account) -> (nat) query;
        /* block /* nested */ comment */
        service ledger : (initial : nat, "owner" : principal) -> {
          balance : getter;
          transfer : (to : account, amount : nat) -> (variant { ok : nat; err : text });
          subscribe : (callback) -> ();
          "fancy name" : () -> (tree) composite_query;
        };
        """
        let description = try CandidServiceDescription.parse(text)
        #expect(description.initArguments == [.nat, .principal])
        #expect(description.methods.map(\.name) == ["balance", "fancy name", "subscribe", "transfer"])
        let balance = try #require(description.method(named: "balance"))
        #expect(balance.function == CandidFunctionType(arguments: [.reference("account")], results: [.nat], modes: [.query]))
        #expect(description.method(named: "fancy name")?.function.modes == [.compositeQuery])
        #expect(description.method(named: "transfer")?.function.arguments == [.reference("account"), .nat])
        #expect(description.environment.sortedNames == ["account", "callback", "getter", "tree"])
        let value = try CandidText.parseArguments(#"(record { owner = principal "aaaaa-aa" }, 5)"#,
                                                  as: description.method(named: "transfer")?.function.arguments, in: description.environment)
        #expect(value.count == 2)
    }

    @Test func theDocumentedExamplesWork() throws {
        let description = try CandidServiceDescription.parse("""
        type list = opt record { head : nat; tail : list };
        service ledger : (initial : nat) -> {
          get : (nat) -> (opt text) query;
          "put it" : (record { nat; text }) -> () oneway;
          walk : (list) -> (nat) composite_query;
        }
        """)
        #expect(description.methods.map(\.name) == ["get", "put it", "walk"])
        #expect(description.initArguments == [.nat])
        let types = try CandidText.parseTypes("(nat, record { name : text })")
        let values = try CandidText.parseArguments(#"(42, record { name = "Ada" })"#, as: types)
        #expect(CandidText.print(values, types: types) == #"(42, record { name = "Ada" })"#)
        let untyped = try CandidText.parseTypedArguments("(42, (7 : nat8))")
        #expect(untyped.types == [.int, .nat8])
    }

    @Test func aServiceMayBeGivenByNameOrBeAbsent() throws {
        let named = try CandidServiceDescription.parse("type s = service { go : () -> () }; service : s")
        #expect(named.methods.map(\.name) == ["go"])
        let none = try CandidServiceDescription.parse("type t = nat;")
        #expect(none.service == nil && none.methods.isEmpty)
        #expect(try CandidServiceDescription.parse("").service == nil)
        #expect(failure("type s = nat; service : s")?.message.contains("not defined as a service") == true)
    }

    @Test func illFormedDescriptionsAreRejected() throws {
        #expect(failure("import \"other.did\"; service : {}")?.message.contains("`import` is not supported") == true)
        #expect(failure("type a = a;")?.message.contains("vacuous") == true)
        #expect(failure("type a = b; type b = a;")?.message.contains("vacuous") == true)
        #expect(failure("type a = record { next : missing };")?.message.contains("unbound type name `missing`") == true)
        #expect(failure("type a = nat; type a = int;")?.message.contains("defined twice") == true)
        #expect(failure("type a = record { a : nat; 97 : int };")?.message.contains("duplicate field") == true)
        #expect(failure("type a = variant { x; x };")?.message.contains("duplicate field") == true)
        #expect(failure("service : { m : () -> (); m : () -> () }")?.message.contains("duplicate method") == true)
        #expect(failure("type t = nat; service : { m : t }")?.message.contains("not a function type") == true)
        #expect(failure("service : { m : () -> (nat) oneway }")?.message.contains("oneway") == true)
        #expect(failure("type nat = int;") != nil)
        #expect(failure("service : {} extra") != nil)
        #expect(failure("type a = record { b : nat }")?.location == .text(line: 1, column: 28))
        #expect(failure("type a = nat;\ntype b = record { x : vec opt missing };")?.location == .text(line: 2, column: 31))
    }

    @Test func recursiveTypesThroughConstructorsAreProductive() throws {
        let description = try CandidServiceDescription.parse("type a = opt b; type b = record { a }; type c = vec c;")
        #expect(description.environment["b"] == .record([CandidFieldType(label: .id(0), type: .reference("a"))]))
    }

    @Test func realCanistersCandidServiceSectionsParse() throws {
        guard let directory = CandidConformanceSuite.directory?.deletingLastPathComponent().appendingPathComponent("canisters"),
              FileManager.default.fileExists(atPath: directory.path) else { return }
        let counter = try CandidServiceDescription.parse(String(contentsOf: directory.appendingPathComponent("motoko-counter.did"), encoding: .utf8))
        #expect(counter.methods.map(\.name) == ["greet", "inc", "inc_read", "queryGreet", "read", "write"])
        #expect(counter.method(named: "read")?.function == CandidFunctionType(arguments: [], results: [.nat], modes: [.query]))
        for (file, methods) in [("motoko-counter.wasm", 6), ("motoko-trap.wasm", 2), ("rust-candid-ui.wasm", 4)] {
            let module = try [UInt8](Data(contentsOf: directory.appendingPathComponent(file)))
            let section = try #require(Self.customSection(module, endingIn: "candid:service"), "\(file)")
            let description = try CandidServiceDescription.parse(String(decoding: section, as: UTF8.self))
            #expect(description.methods.count == methods, "\(file)")
        }
    }

    /// The payload of the Wasm custom section whose name ends in `suffix`.
    static func customSection(_ module: [UInt8], endingIn suffix: String) -> [UInt8]? {
        var offset = 8
        func leb() -> Int? {
            var result = 0
            var shift = 0
            while offset < module.count, shift < 35 {
                let byte = module[offset]
                offset += 1
                result |= Int(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return result }
                shift += 7
            }
            return nil
        }
        while offset < module.count {
            let id = module[offset]
            offset += 1
            guard let size = leb(), offset + size <= module.count else { return nil }
            let end = offset + size
            if id == 0, let nameLength = leb(), offset + nameLength <= end {
                let name = String(decoding: module[offset..<offset + nameLength], as: UTF8.self)
                if name.hasSuffix(suffix) { return Array(module[offset + nameLength..<end]) }
            }
            offset = end
        }
        return nil
    }
}
