/// The decoder's resource limits, so that a hostile message is refused early instead of
/// costing time, memory or stack in proportion to what it claims.
///
/// The cost model follows dfinity/candid's Rust decoder (rust/candid/src/de.rs,
/// `DecoderConfig::set_decoding_quota`): 4 per header byte; per value 1 for `null`,
/// `reserved` and `bool`, the byte width for fixed-width numbers, the LEB128 length for
/// `nat` and `int`, 1 + length for `text`, 2 for an `opt`, 2 + 3 per element for a `vec`,
/// 2 + 7 per record field, 7 for a variant, at least 30 for a principal, plus 2, the table
/// size and one per step of the subtype check for each `func` or `service` reference, and 10
/// for each `opt` whose value had to be discarded after a failed coercion. Values that are skipped (extra
/// arguments, extra record fields, `reserved`, `opt` values that do not coerce) cost
/// ``skippedValueCostFactor`` (50, de.rs's penalty) times as much.
public struct CandidDecodingLimits: Hashable, Sendable {
    /// The most cost units one message may use (`nil`: unlimited).
    public var decodingCostMax: Int?
    /// The most cost units skipped values may use, before the factor (`nil`: unlimited).
    public var skippingCostMax: Int?
    /// How much more a skipped value costs than a decoded one.
    public var skippedValueCostFactor: Int
    /// The most type table entries (de.rs's binary_parser.rs: `MAX_TYPE_TABLE_LEN`).
    public var typeTableEntriesMax: Int
    /// The deepest nesting of values and types the decoder follows (dfinity/candid's
    /// utils.rs bounds recursion at 512 where it cannot measure the stack).
    public var nestingDepthMax: Int

    /// Creates limits.
    public init(decodingCostMax: Int? = 20_000_000, skippingCostMax: Int? = nil, skippedValueCostFactor: Int = 50,
                typeTableEntriesMax: Int = 10_000, nestingDepthMax: Int = 512) {
        precondition(skippedValueCostFactor >= 1 && typeTableEntriesMax >= 0 && nestingDepthMax >= 1,
                     "limits are positive")
        self.decodingCostMax = decodingCostMax
        self.skippingCostMax = skippingCostMax
        self.skippedValueCostFactor = skippedValueCostFactor
        self.typeTableEntriesMax = typeTableEntriesMax
        self.nestingDepthMax = nestingDepthMax
    }

    /// The limits the Candid conformance suite is run with: dfinity/candid's test runner
    /// (rust/candid_parser/src/test.rs) sets a decoding quota of 20,000,000 and no skipping
    /// quota.
    public static let standard = CandidDecodingLimits()
}

/// What a decoding has used of its limits.
struct CandidCostMeter {
    /// The limits.
    let limits: CandidDecodingLimits
    /// Cost units used so far.
    private(set) var decodingCost = 0
    /// Skipping cost units used so far (before the factor).
    private(set) var skippingCost = 0

    /// A meter with nothing used.
    init(_ limits: CandidDecodingLimits) {
        self.limits = limits
    }

    /// Charges `units` for a value decoded (or, with `skipping`, skipped) at `offset`.
    mutating func charge(_ units: Int, skipping: Bool, at offset: Int) throws(CandidError) {
        let factor = skipping ? limits.skippedValueCostFactor : 1
        let (scaled, overflow) = units.multipliedReportingOverflow(by: factor)
        let (total, sumOverflow) = decodingCost.addingReportingOverflow(scaled)
        decodingCost = overflow || sumOverflow ? Int.max : total
        if let maximum = limits.decodingCostMax, decodingCost > maximum {
            throw CandidError("decoding this message costs more than the limit of \(maximum) units", at: .byteOffset(offset))
        }
        guard skipping else { return }
        let (skipped, skipOverflow) = skippingCost.addingReportingOverflow(units)
        skippingCost = skipOverflow ? Int.max : skipped
        if let maximum = limits.skippingCostMax, skippingCost > maximum {
            throw CandidError("skipping values in this message costs more than the limit of \(maximum) units",
                              at: .byteOffset(offset))
        }
    }
}
