import Testing
import ICSim
import ICSimTestSupport

/// The canisters of ../shared/canisters (built by the Motoko compiler and the Rust CDK; its
/// README says what each does), driven through the call API in Candid.
@Suite struct RealCanisterCallTests {
    @Test func theMotokoCounterCountsAndGreets() throws {
        var ic = try SimulatedInternetComputer()
        let counter = try ic.deploy(wasm: try SharedMaterial.bytes("canisters/motoko-counter.wasm"), initArgument: "()")
        for _ in 1...5 { _ = try ic.update(counter, "inc", candid: "()") }
        let read = try ic.query(counter, "read", candid: "()")
        #expect(read.description == "(5 : nat)")
        #expect(try read.equals("(5)") && read.equals("(5 : nat)") && read.equals("(0x5)"))
        #expect(try !read.equals("(6)"))
        let greeting = try ic.update(counter, "greet", candid: "(\"world\")")
        #expect(greeting.values == [.text("Hello, world!")])
        let written = try ic.update(counter, "write", candid: "(42)")
        #expect(written.values.isEmpty)
        let incremented = try ic.update(counter, "inc_read", candid: "()")
        #expect(try incremented.equals("(43 : nat)"))
    }

    @Test func theMotokoTrapCanisterTrapsAndRejects() throws {
        var ic = try SimulatedInternetComputer()
        let canister = try ic.deploy(wasm: try SharedMaterial.bytes("canisters/motoko-trap.wasm"), initArgument: "()")
        do {
            _ = try ic.update(canister, "test", candid: "()")
            Issue.record("test traps")
        } catch {
            #expect(error.reject?.code == .canisterError)
            #expect(error.reject?.message.contains("trapping") == true)
        }
        do {
            _ = try ic.update(canister, "Throw", candid: "()")
            Issue.record("Throw rejects")
        } catch {
            #expect(error.reject == Reject(canisterMessage: "foo"))
        }
    }

    @Test func theCandidUICanisterTranslatesAServiceToJavaScript() throws {
        var ic = try SimulatedInternetComputer()
        let ui = try ic.deploy(wasm: try SharedMaterial.bytes("canisters/rust-candid-ui.wasm"), initArgument: "()")
        let reply = try ic.query(ui, "did_to_js", candid: "(\"service : { hello : (text) -> (text) query }\")")
        guard case .opt(.text(let javaScript))? = reply.values.first else {
            Issue.record("did_to_js replies opt text, got \(reply)")
            return
        }
        #expect(javaScript.contains("IDL.Service({ 'hello' : IDL.Func([IDL.Text], [IDL.Text], ['query']) })"))
    }

    @Test func badCandidIsACandidErrorNotACrash() throws {
        var ic = try SimulatedInternetComputer()
        let counter = try ic.deploy(wasm: try SharedMaterial.bytes("canisters/motoko-counter.wasm"), initArgument: "()")
        for argument in ["(\"world\"", "(42)", "(record { x = 1 })"] {
            do {
                _ = try ic.update(counter, "greet", candid: argument)
                Issue.record("\(argument) is not a text")
            } catch {
                guard case .candid = error else { Issue.record("expected a Candid error, got \(error)"); continue }
            }
        }
        do {
            _ = try ic.update(counter, "no_such_method", candid: "()")
            Issue.record("the service has no such method")
        } catch {
            #expect("\(error)".contains("no method \"no_such_method\""))
        }
    }
}
