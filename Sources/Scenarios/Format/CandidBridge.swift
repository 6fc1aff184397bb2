import SimCore
import Wasm

/// Every place a scenario needs Candid, behind one seam: encoding Candid text arguments,
/// showing replies as Candid text, and comparing replies with expected Candid values. A
/// method's types come from its canister's service description: the `did` file's text, else
/// the module's `candid:service` custom section (``services``).
///
/// Until the Candid library is merged, arguments and expectations written as Candid text are
/// refused with ``CandidBridgeError/libraryMissing`` (a scenario using them does not load),
/// and replies are shown as `hex:...`. Filling the four functions below is all it takes.
package struct CandidBridge: Sendable {
    /// Each canister's Candid service description, by canister index (`nil`: none known).
    package let services: [String?]

    /// The bridge for canisters with these service descriptions.
    package init(services: [String?]) {
        self.services = services
    }

    /// The bridge for `scenario`: each canister's `did` text from `interfaces` (by canister
    /// index; missing entries are `nil`), else its module's `candid:service` section.
    package init(scenario: Scenario, modules: [[UInt8]], interfaces: [String?]) {
        services = scenario.canisters.indices.map { index in
            if interfaces.indices.contains(index), let text = interfaces[index] { return text }
            return modules.indices.contains(index) ? Self.serviceSection(of: modules[index]) : nil
        }
    }

    /// The `candid:service` custom section of `module` as text (public or private, as the
    /// IC's tools write it), if it has a valid one.
    static func serviceSection(of module: [UInt8]) -> String? {
        guard let decoded = try? ModuleDecoder.decode(module) else { return nil }
        let names = ["icp:public candid:service", "icp:private candid:service", "candid:service"]
        guard let section = decoded.customSections.first(where: { names.contains($0.name) }) else { return nil }
        return String(validating: decoded.bytes[section.contents], as: UTF8.self)
    }

    /// The bytes of Candid text `text` as the argument of `method` of canister `canister`
    /// (its `canister_init` when `isInit`).
    /// - Throws: ``CandidBridgeError`` when the text is not a value of the method's types.
    package func encodeArgument(text: String, canister: Int, method: String, isInit: Bool) throws(CandidBridgeError) -> [UInt8] {
        throw .libraryMissing
    }

    /// Checks that `expectedText` is a value of the return types of `method` of `canister`,
    /// so that a scenario with an expectation that can never be checked does not run.
    /// - Throws: ``CandidBridgeError`` when it is not.
    package func checkExpected(text expectedText: String, canister: Int, method: String) throws(CandidBridgeError) {
        throw .libraryMissing
    }

    /// A reply as reports show it: Candid text when the method's types are known and the
    /// bytes decode, else `hex:` and the bytes.
    package func replyText(bytes: [UInt8], canister: Int, method: String) -> String {
        "hex:" + Hex.string(bytes: bytes)
    }

    /// Whether reply `bytes` of `method` of `canister` equals `expectedText` as a value of the
    /// method's return types.
    /// - Throws: ``CandidBridgeError`` when the text cannot be compared.
    package func reply(bytes: [UInt8], matches expectedText: String, canister: Int, method: String) throws(CandidBridgeError) -> Bool {
        throw .libraryMissing
    }
}

/// Why Candid text could not be used.
package enum CandidBridgeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// ICSim has no Candid library yet.
    case libraryMissing
    /// The text is not valid for the method (what is wrong).
    case invalid(String)

    package var description: String {
        switch self {
        case .libraryMissing: "Candid arguments need the Candid library, not yet merged (write the bytes instead, as a string or \"hex:...\")"
        case .invalid(let message): message
        }
    }
}
