/// A kind of event, as it appears in traces: a stable numeric code (hashed) and a name (shown).
///
/// Models declare their kinds once, with codes that never change meaning:
/// ```swift
/// extension EventKind {
///     static let deliver = EventKind(code: 1, name: "deliver")
/// }
/// ```
public struct EventKind: Sendable, Equatable, CustomStringConvertible {
    /// The code folded into the trace hash.
    public let code: UInt32
    /// The name written to trace files and reports.
    public let name: StaticString

    /// Creates a kind with a stable `code` and a human-readable `name`.
    public init(code: UInt32, name: StaticString) {
        self.code = code
        self.name = name
    }

    public static func == (lhs: EventKind, rhs: EventKind) -> Bool {
        lhs.code == rhs.code
    }

    /// The name.
    public var description: String { name.description }
}

/// What the trace records about one event, supplied by the model.
public struct TraceRecord: Sendable, Equatable {
    /// Marks an event that belongs to no particular actor.
    @inlinable public static var noActor: UInt32 { .max }

    /// The kind of event.
    public var kind: EventKind
    /// The actor (node, client, ...) that handles it, or ``noActor``.
    public var actor: UInt32
    /// A digest of the event's payload, e.g. from ``StableHasher`` (never from `Hasher`).
    public var payloadDigest: UInt64

    /// Creates a record.
    @inlinable
    public init(kind: EventKind, actor: UInt32 = TraceRecord.noActor, payloadDigest: UInt64) {
        self.kind = kind
        self.actor = actor
        self.payloadDigest = payloadDigest
    }
}

/// One processed event as written to a trace file.
public struct TraceEntry: Sendable, Equatable {
    /// Its position among the processed events, from 0.
    public var index: UInt64
    /// When it was processed.
    public var time: SimInstant
    /// What the model recorded.
    public var record: TraceRecord

    /// Creates an entry.
    public init(index: UInt64, time: SimInstant, record: TraceRecord) {
        self.index = index
        self.time = time
        self.record = record
    }

    /// The entry as one line of JSON (without the newline), keys in a fixed order:
    /// `{"i":0,"t_ns":1500,"kind":"deliver","code":1,"actor":3,"digest":"00ff…"}`
    /// (`actor` is `null` for ``TraceRecord/noActor``).
    public var jsonLine: String {
        let actor = record.actor == TraceRecord.noActor ? "null" : String(record.actor)
        return "{\"i\":\(index),\"t_ns\":\(time.nanosecondsSinceStart),\"kind\":\(JSONText.quoted(record.kind.name.description)),"
            + "\"code\":\(record.kind.code),\"actor\":\(actor),\"digest\":\"\(Hex.string(record.payloadDigest))\"}"
    }
}

/// The running hash of every processed event, in order.
///
/// Specified (Docs/Determinism.md): SipHash-2-4 (``StableHasher`` with its default key) over,
/// per event, three little-endian 64-bit words: the time in nanoseconds, `code | actor << 32`,
/// and the payload digest. Two runs have equal hashes exactly when (up to a 2^-64 accident)
/// they processed the same events at the same times in the same order.
public struct TraceHash: Sendable {
    @usableFromInline var hasher = StableHasher()

    @usableFromInline var foldedCount: UInt64 = 0

    /// The number of events folded in.
    public var eventCount: UInt64 { foldedCount }

    /// An empty trace.
    @inlinable
    public init() {}

    /// Folds one event into the hash.
    @inlinable
    public mutating func fold(time: SimInstant, record: TraceRecord) {
        hasher.combine(UInt64(bitPattern: time.nanosecondsSinceStart))
        hasher.combine(UInt64(record.kind.code) | UInt64(record.actor) << 32)
        hasher.combine(record.payloadDigest)
        foldedCount += 1
    }

    /// The hash of the events folded so far.
    public var value: UInt64 { hasher.finalize() }

    /// The hash as 16 lowercase hex digits.
    public var hexDigest: String { Hex.string(value) }
}

/// Fixed-width hexadecimal formatting.
public enum Hex {
    /// `value` as 16 lowercase hex digits, zero-padded.
    public static func string(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// `bytes` as two lowercase hex digits each.
    public static func string<Bytes: Sequence<UInt8>>(bytes: Bytes) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte &>> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Minimal JSON text helpers for the few places that write JSON without Foundation.
public enum JSONText {
    /// `text` as a JSON string literal, with quotes, backslashes and control characters escaped.
    public static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
