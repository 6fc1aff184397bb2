/// What a call read of its environment through the System API that can change without its
/// canister changing: dfinity/ic's query cache keeps a query's result only while none of what
/// it read changed (Docs/Model.md, "Query capacity").
public struct EnvironmentReads: OptionSet, Hashable, Sendable {
    /// The raw bits.
    public let rawValue: UInt8

    /// The reads in `rawValue`.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// `ic0.time`.
    public static let time = EnvironmentReads(rawValue: 1 << 0)
    /// `ic0.canister_cycle_balance` or `ic0.canister_cycle_balance128`.
    public static let cyclesBalance = EnvironmentReads(rawValue: 1 << 1)
    /// `ic0.data_certificate_copy`.
    public static let dataCertificate = EnvironmentReads(rawValue: 1 << 2)
}
