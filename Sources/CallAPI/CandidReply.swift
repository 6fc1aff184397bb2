import Candid

/// A Candid reply: its values at the method's result types, and the same as text.
public struct CandidReply: Hashable, Sendable, CustomStringConvertible {
    /// The values, at the method's result types (or the types the bytes declare, for a
    /// canister without a service description).
    public var values: [CandidValue]
    /// Those types.
    public var types: [CandidType]
    /// The named types they refer to.
    public var environment: CandidTypeEnvironment
    /// The reply's bytes.
    public var bytes: [UInt8]

    /// The reply as Candid text, every number annotated: `("Hello, world!")`, `(5 : nat)`.
    public var description: String {
        CandidText.print(values, types: types, in: environment, annotatingNumbers: true)
    }

    /// Whether the reply equals `text` as values of the reply's types (`(5)`, `(5 : nat)` and
    /// `(0x5)` are the same reply of a `nat`).
    /// - Throws: a ``CandidError`` if `text` does not parse at those types.
    public func equals(_ text: String) throws(CandidError) -> Bool {
        try CandidText.parseArguments(text, as: types, in: environment) == values
    }
}
