import SimCore
import ExecutionLayer
import InternetComputer

/// What the user of a call received.
public enum CallAnswer: Hashable, Sendable {
    /// A reply with these bytes.
    case replied([UInt8])
    /// A reject: its reject code (1-6), the IC's error code when the system rejected
    /// (`"IC0503"`), and its message.
    case rejected(code: Int32, errorCode: String?, message: String)
    /// No certified answer by the message's expiry (update calls only).
    case expired
    /// The call was refused before it reached the ingress pool (update calls only): the HTTP
    /// status, the IC's error code if the answer carried one, and the response's text.
    case refused(httpStatus: Int, errorCode: String?, message: String)

    /// The answer a reject is.
    init(_ reject: Reject) {
        self = .rejected(code: reject.code.rawValue, errorCode: reject.errorCode?.description, message: reject.message)
    }

    /// Hashes a reply's bytes as one run (the synthesized hash fed them to the hasher one by
    /// one, for every answer a client counts). Equality stays the synthesized one.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .replied(let bytes):
            hasher.combine(0)
            hasher.combine(bytes.count)
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        case .rejected(let code, let errorCode, let message):
            hasher.combine(1)
            hasher.combine(code)
            hasher.combine(errorCode)
            hasher.combine(message)
        case .expired: hasher.combine(2)
        case .refused(let httpStatus, let errorCode, let message):
            hasher.combine(3)
            hasher.combine(httpStatus)
            hasher.combine(errorCode)
            hasher.combine(message)
        }
    }
}

extension CallAnswer {
    /// A cheap 64-bit fingerprint of the answer (equal answers have equal fingerprints), for
    /// ``ClientAnswers`` to find a kept answer without hashing it with SipHash. Never reaches
    /// an output.
    var fingerprint: UInt64 {
        switch self {
        case .replied(let bytes): Self.mix(bytes: bytes, seed: 1)
        case .rejected(let code, let errorCode, let message):
            Self.mix(bytes: Array(message.utf8), seed: 2 &+ UInt64(UInt32(bitPattern: code)) &* 31 &+ UInt64(errorCode?.utf8.count ?? 0))
        case .expired: 3
        case .refused(let httpStatus, let errorCode, let message):
            Self.mix(bytes: Array(message.utf8), seed: 4 &+ UInt64(truncatingIfNeeded: httpStatus) &* 31 &+ UInt64(errorCode?.utf8.count ?? 0))
        }
    }

    /// A multiply-xorshift hash of `bytes`, eight at a time, and their count.
    static func mix(bytes: [UInt8], seed: UInt64) -> UInt64 {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var state = seed &* multiplier ^ UInt64(bytes.count)
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset &+ 8 <= raw.count {
                state = (state ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* multiplier
                state ^= state &>> 29
                offset &+= 8
            }
            var tail: UInt64 = 0
            for index in offset..<raw.count { tail = tail &<< 8 | UInt64(raw[index]) }
            state = (state ^ tail) &* multiplier
        }
        return state ^ (state &>> 32)
    }
}

/// One distinct answer of a client, and how many of its calls received it.
public struct AnswerCount: Hashable, Sendable {
    /// The answer.
    public var answer: CallAnswer
    /// How many calls received it.
    public var count: UInt64
}

/// The distinct replies and rejects one client received, with counts. Bounded: the first
/// ``distinctMax`` distinct replies and the first ``distinctMax`` distinct rejects are kept,
/// and calls answered otherwise are only counted, so that a workload of random replies cannot
/// make the simulator hold, or a report show, one entry per call.
public struct ClientAnswers: Sendable, Equatable {
    /// Most distinct replies kept, and most distinct rejects.
    public static let distinctMax = 20

    /// The replies kept, in the order first received.
    public private(set) var replies: [AnswerCount] = []
    /// The rejects kept, in the order first received.
    public private(set) var rejects: [AnswerCount] = []
    /// Replies not among those kept.
    public private(set) var otherReplies: UInt64 = 0
    /// Rejects not among those kept.
    public private(set) var otherRejects: UInt64 = 0
    /// Each kept reply's fingerprint (``CallAnswer/fingerprint``), in the order of ``replies``.
    var replyFingerprints: [UInt64] = []
    /// Each kept reject's fingerprint, in the order of ``rejects``.
    var rejectFingerprints: [UInt64] = []

    /// No answers yet.
    public init() {}

    /// Counts `answer` (an expiry is not an answer the canister or the system gave, and is
    /// counted by ``ClientStatistics/expired``).
    ///
    /// A kept answer is found by a scan of at most ``distinctMax`` fingerprints, the answer
    /// compared where one matches: a `Dictionary` keyed by the answer ran SipHash over every
    /// reply's bytes (about 2 % of a loaded subnet's run), and a workload whose replies all
    /// differ misses on every call.
    mutating func record(_ answer: CallAnswer) {
        let fingerprint = answer.fingerprint
        switch answer {
        case .replied:
            if !Self.count(answer, fingerprint, in: &replies, &replyFingerprints) { otherReplies += 1 }
        case .rejected, .refused:
            if !Self.count(answer, fingerprint, in: &rejects, &rejectFingerprints) { otherRejects += 1 }
        case .expired: break
        }
    }

    /// Counts `answer`, of `fingerprint`, in `kept` (whose fingerprints are `fingerprints`),
    /// adding it while fewer than ``distinctMax`` are kept; `false` if it is not kept.
    static func count(_ answer: CallAnswer, _ fingerprint: UInt64, in kept: inout [AnswerCount], _ fingerprints: inout [UInt64]) -> Bool {
        if let position = position(of: answer, fingerprint, fingerprints, kept) {
            kept[position].count += 1
        } else if kept.count < distinctMax {
            kept.append(AnswerCount(answer: answer, count: 1))
            fingerprints.append(fingerprint)
        } else {
            return false
        }
        return true
    }

    /// Where `answer`, of `fingerprint`, is among `kept` (whose fingerprints are `fingerprints`).
    static func position(of answer: CallAnswer, _ fingerprint: UInt64, _ fingerprints: [UInt64], _ kept: [AnswerCount]) -> Int? {
        for index in fingerprints.indices where fingerprints[index] == fingerprint && kept[index].answer == answer { return index }
        return nil
    }

    public static func == (lhs: ClientAnswers, rhs: ClientAnswers) -> Bool {
        lhs.replies == rhs.replies && lhs.rejects == rhs.rejects && lhs.otherReplies == rhs.otherReplies && lhs.otherRejects == rhs.otherRejects
    }
}

/// What one step of a scripted client came to.
public struct StepOutcome: Hashable, Sendable {
    /// The step's index among the client's calls.
    public var step: Int
    /// What its user received.
    public var answer: CallAnswer
    /// When the user sent it.
    public var sentAt: SimInstant
    /// When the user learned the answer.
    public var endedAt: SimInstant
}
