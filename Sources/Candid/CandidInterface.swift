/// A canister's Candid interface, as a user of the canister needs it: turn a method's
/// argument from Candid text into the bytes the canister reads, and its reply bytes back into
/// text, with the method's types from the canister's service description.
///
/// Without a service description (a module without a `candid:service` section, and no .did
/// file), argument text must carry its own type annotations (`(42 : nat)`), and replies are
/// printed with the types their own bytes declare.
public struct CandidInterface: Sendable {
    /// The service description, if the canister has one.
    public let service: CandidServiceDescription?

    /// An interface from the text of a service description (.did).
    /// - Throws: a ``CandidError`` naming the line and column of the problem.
    public init(serviceText: String) throws(CandidError) {
        service = try CandidServiceDescription.parse(serviceText)
    }

    /// An interface from a parsed description, or none (`nil`).
    public init(service: CandidServiceDescription?) {
        self.service = service
    }

    /// No description: arguments annotate their own types.
    public static let untyped = CandidInterface(service: nil)

    /// The names of the custom sections a module may carry its service description in: the
    /// plain name, and the IC's public and private variants (interface spec 0.66.0, "Canister
    /// metadata": sections named `icp:public NAME` or `icp:private NAME`).
    public static let serviceSectionNames = ["icp:public candid:service", "icp:private candid:service", "candid:service"]

    /// The service description among a module's custom sections (name and contents), if any:
    /// the first section with one of ``serviceSectionNames``, as UTF-8 text.
    public static func serviceText(inCustomSections sections: [(name: String, contents: [UInt8])]) -> String? {
        for name in serviceSectionNames {
            if let section = sections.first(where: { $0.name == name }) {
                return String(decoding: section.contents, as: UTF8.self)
            }
        }
        return nil
    }

    /// The type of `method`, if the description declares it.
    public func methodType(_ method: String) -> CandidFunctionType? {
        service?.method(named: method)?.function
    }

    /// The bytes of `text`, the arguments of `method` (`nil`: the init arguments), typed by the
    /// description.
    /// - Throws: a ``CandidError``: the text does not parse, a value does not fit its type, the
    ///   description has no such method, or (without a description) a value has no type.
    public func encodeArguments(_ text: String, forMethod method: String?) throws(CandidError) -> [UInt8] {
        let environment = service?.environment ?? CandidTypeEnvironment()
        guard let service else {
            let typed = try CandidText.parseTypedArguments(text, in: environment)
            return try CandidBinary.encode(typed.values, as: typed.types, in: environment)
        }
        let types: [CandidType]
        if let method {
            guard let type = methodType(method) else {
                throw CandidError("the service has no method \"\(method)\"; it has \(service.methods.map(\.name).joined(separator: ", "))")
            }
            types = type.arguments
        } else {
            types = service.initArguments
        }
        let values = try CandidText.parseArguments(text, as: types, in: environment)
        return try CandidBinary.encode(values, as: types, in: environment)
    }

    /// The values of `bytes`, a reply of `method`, at the method's result types when the
    /// description declares it, else at the types the bytes declare; the types used too.
    public func decodeReply(_ bytes: [UInt8], ofMethod method: String) throws(CandidError) -> (values: [CandidValue], types: [CandidType], environment: CandidTypeEnvironment) {
        if let service, let type = methodType(method) {
            return (try CandidBinary.decode(bytes, as: type.results, in: service.environment), type.results, service.environment)
        }
        return try CandidBinary.decodeUntyped(bytes)
    }

    /// `bytes`, a reply of `method`, as Candid text with field names from the types and every
    /// number annotated (`(record { count = 5 : nat })`, as dfx prints replies); `nil` if they
    /// are not Candid the method's types accept.
    public func replyText(_ bytes: [UInt8], ofMethod method: String) -> String? {
        guard let reply = try? decodeReply(bytes, ofMethod: method) else { return nil }
        return CandidText.print(reply.values, types: reply.types, in: reply.environment, annotatingNumbers: true)
    }

    /// Whether `bytes`, a reply of `method`, equal `expectedText` as values of the reply's
    /// types (so `42`, `(42 : nat)` and `4_2` are the same).
    /// - Throws: a ``CandidError`` if the expected text does not parse at those types, or the
    ///   reply is not Candid they accept.
    public func reply(_ bytes: [UInt8], ofMethod method: String, equals expectedText: String) throws(CandidError) -> Bool {
        let reply = try decodeReply(bytes, ofMethod: method)
        let expected = try CandidText.parseArguments(expectedText, as: reply.types, in: reply.environment)
        return expected == reply.values
    }
}
