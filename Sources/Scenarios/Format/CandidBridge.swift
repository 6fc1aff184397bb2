import SimCore
import Wasm
import Candid

/// Every place a scenario needs Candid, behind one seam: encoding Candid text arguments,
/// showing replies as Candid text, and comparing replies with expected Candid values. A
/// method's types come from its canister's service description: the `did` file's text, else
/// the module's `candid:service` custom section (``services``). A canister without one takes
/// Candid text that annotates its own types (`(42 : nat)`), and its replies are read at the
/// types their bytes declare.
package struct CandidBridge: Sendable {
    /// Each canister's Candid service description, by canister index (`nil`: none known).
    package let services: [String?]
    /// Each canister's interface, or why its service description does not parse.
    let interfaces: [Result<CandidInterface, CandidError>]

    /// The bridge for canisters with these service descriptions.
    package init(services: [String?]) {
        self.services = services
        interfaces = services.map { text in
            guard let text else { return .success(.untyped) }
            return Result { () throws(CandidError) in try CandidInterface(serviceText: text) }
        }
    }

    /// The bridge for `scenario`: each canister's `did` text from `interfaces` (by canister
    /// index; missing entries are `nil`), else its module's `candid:service` section.
    package init(scenario: Scenario, modules: [[UInt8]], interfaces: [String?]) {
        self.init(services: scenario.canisters.indices.map { index in
            if interfaces.indices.contains(index), let text = interfaces[index] { return text }
            return modules.indices.contains(index) ? Self.serviceSection(of: modules[index]) : nil
        })
    }

    /// The `candid:service` custom section of `module` as text (public or private, as the
    /// IC's tools write it), if it has a valid one.
    static func serviceSection(of module: [UInt8]) -> String? {
        try? CandidInterface.serviceText(ofModule: module)
    }

    /// Canister `canister`'s interface (none for an index out of range).
    func interface(_ canister: Int) throws(CandidBridgeError) -> CandidInterface {
        guard interfaces.indices.contains(canister) else { return .untyped }
        switch interfaces[canister] {
        case .success(let interface): return interface
        case .failure(let error): throw .invalid("the canister's service description does not parse: \(error)")
        }
    }

    /// The bytes of Candid text `text` as the argument of `method` of canister `canister`
    /// (its `canister_init` when `isInit`).
    /// - Throws: ``CandidBridgeError`` when the text is not a value of the method's types.
    package func encodeArgument(text: String, canister: Int, method: String, isInit: Bool) throws(CandidBridgeError) -> [UInt8] {
        let interface = try interface(canister)
        do { return try interface.encodeArguments(text, forMethod: isInit ? nil : method) } catch {
            throw .invalid("Candid \"\(text)\": \(error)")
        }
    }

    /// Checks that `expectedText` is a value of the return types of `method` of `canister`,
    /// so that a scenario with an expectation that can never be checked does not run.
    /// - Throws: ``CandidBridgeError`` when it is not.
    package func checkExpected(text expectedText: String, canister: Int, method: String) throws(CandidBridgeError) {
        let interface = try interface(canister)
        do {
            if let service = interface.service {
                guard let type = interface.methodType(method) else {
                    throw CandidError("the service has no method \"\(method)\"")
                }
                _ = try CandidText.parseArguments(expectedText, as: type.results, in: service.environment)
            } else {
                _ = try CandidText.parseTypedArguments(expectedText)
            }
        } catch {
            throw .invalid("expected Candid \"\(expectedText)\": \(error)")
        }
    }

    /// A reply as reports show it: Candid text when the bytes decode at the method's types (or
    /// at their own, for a canister without a service description), else `hex:` and the bytes.
    package func replyText(bytes: [UInt8], canister: Int, method: String) -> String {
        (try? interface(canister))?.replyText(bytes, ofMethod: method) ?? "hex:" + Hex.string(bytes: bytes)
    }

    /// Whether reply `bytes` of `method` of `canister` equals `expectedText` as a value of the
    /// method's return types.
    /// - Throws: ``CandidBridgeError`` when the text cannot be compared (the reply is not
    ///   Candid of those types).
    package func reply(bytes: [UInt8], matches expectedText: String, canister: Int, method: String) throws(CandidBridgeError) -> Bool {
        let interface = try interface(canister)
        do { return try interface.reply(bytes, ofMethod: method, equals: expectedText) } catch {
            throw .invalid("the reply is not Candid of the method's types: \(error)")
        }
    }
}

/// Why Candid text could not be used.
package enum CandidBridgeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text is not valid for the method (what is wrong).
    case invalid(String)

    package var description: String {
        switch self {
        case .invalid(let message): message
        }
    }
}
