/// A Candid value as written in text, before it is read at a type (formal Candid
/// specification, "Values"): numbers stay literals until a type says whether they are `nat`,
/// `int8` or `float32`.
struct CandidValueSyntax: Hashable, Sendable {
    /// The forms a value takes in text.
    indirect enum Form: Hashable, Sendable {
        /// A number literal.
        case number(CandidNumberLiteral)
        /// `nan` or `inf`, with an optional sign (an extension for printing floats).
        case specialFloat(isNegative: Bool, isNaN: Bool)
        /// A text literal's bytes.
        case text([UInt8])
        /// `true` or `false`.
        case bool(Bool)
        /// `null`.
        case null
        /// `opt v`.
        case opt(CandidValueSyntax)
        /// `vec { v; ... }`.
        case vec([CandidValueSyntax])
        /// `blob "..."`.
        case blob([UInt8])
        /// `record { label = v; ... }`, labels resolved (tuple fields numbered), sorted by ID.
        case record([Field])
        /// `variant { label = v }`.
        case variant(Field)
        /// `principal "..."`.
        case principal(CandidPrincipal)
        /// `service "..."`.
        case service(CandidPrincipal)
        /// `func "...".method`.
        case function(service: CandidPrincipal, method: String)
        /// `(v : t)`.
        case annotated(CandidValueSyntax, CandidType)
    }

    /// A record field or variant alternative as written.
    struct Field: Hashable, Sendable {
        /// The label.
        var label: CandidLabel
        /// The value.
        var value: CandidValueSyntax

        /// Creates a field.
        init(label: CandidLabel, value: CandidValueSyntax) {
            self.label = label
            self.value = value
        }
    }

    /// What was written.
    var form: Form
    /// Where it starts.
    var position: CandidTextPosition

    /// Creates a syntax node.
    init(_ form: Form, at position: CandidTextPosition) {
        self.form = form
        self.position = position
    }
}
