/// A Candid value (Candid specification, "Values"), as decoded from the binary format or the
/// textual syntax at a type, or built to be encoded.
///
/// Equality is the host-language equality the conformance suite compares with: structural,
/// record fields and variant alternatives compared by label ID.
public indirect enum CandidValue: Hashable, Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A `nat`.
    case nat(CandidNatural)
    /// An `int`.
    case int(CandidInteger)
    /// A `nat8`.
    case nat8(UInt8)
    /// A `nat16`.
    case nat16(UInt16)
    /// A `nat32`.
    case nat32(UInt32)
    /// A `nat64`.
    case nat64(UInt64)
    /// An `int8`.
    case int8(Int8)
    /// An `int16`.
    case int16(Int16)
    /// An `int32`.
    case int32(Int32)
    /// An `int64`.
    case int64(Int64)
    /// A `float32`.
    case float32(Float)
    /// A `float64`.
    case float64(Double)
    /// A `text`.
    case text(String)
    /// The value of `reserved` (whatever was sent is ignored).
    case reserved
    /// A `principal`.
    case principal(CandidPrincipal)
    /// An `opt`: `nil` is `null`.
    case opt(CandidValue?)
    /// A `vec` (a `blob` is a `vec` of `nat8` values).
    case vec([CandidValue])
    /// A `record`: fields in ascending label-ID order.
    case record([CandidFieldValue])
    /// A `variant`: the one alternative present.
    case variant(CandidFieldValue)
    /// A `func`: a method of a service.
    case function(service: CandidPrincipal, method: String)
    /// A `service`.
    case service(CandidPrincipal)

    /// A `blob`: a `vec` of `nat8`.
    public static func blob(_ bytes: [UInt8]) -> CandidValue {
        .vec(bytes.map { .nat8($0) })
    }

    /// A record of the given values labelled 0, 1, 2, ... (a tuple).
    public static func tuple(_ elements: [CandidValue]) -> CandidValue {
        .record(elements.enumerated().map { CandidFieldValue(label: .id(UInt32($0.offset)), value: $0.element) })
    }

    /// The bytes of a `vec` whose elements are all `nat8`, else `nil`.
    public var blobBytes: [UInt8]? {
        guard case .vec(let elements) = self else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(elements.count)
        for element in elements {
            guard case .nat8(let byte) = element else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}

/// A record field's or variant alternative's label and value.
public struct CandidFieldValue: Hashable, Sendable {
    /// The label.
    public var label: CandidLabel
    /// The value.
    public var value: CandidValue

    /// Creates a field.
    public init(label: CandidLabel, value: CandidValue) {
        self.label = label
        self.value = value
    }
}

/// A principal's bytes (interface spec, "Principals": at most 29 bytes).
public struct CandidPrincipal: Hashable, Sendable, Comparable {
    /// The most bytes a principal has.
    public static let bytesMax = 29

    /// The raw bytes.
    public var bytes: [UInt8]

    /// A principal with these bytes; at most ``bytesMax`` (a precondition: decoders check
    /// the length first and report a typed error).
    public init(bytes: [UInt8]) {
        precondition(bytes.count <= Self.bytesMax, "a principal has at most 29 bytes")
        self.bytes = bytes
    }

    /// Orders principals by their bytes.
    public static func < (lhs: CandidPrincipal, rhs: CandidPrincipal) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}
