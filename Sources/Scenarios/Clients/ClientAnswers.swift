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
    /// Where each kept answer is in its list (for counting; never iterated).
    var positions: [CallAnswer: Int] = [:]

    /// No answers yet.
    public init() {}

    /// Counts `answer` (an expiry is not an answer the canister or the system gave, and is
    /// counted by ``ClientStatistics/expired``).
    mutating func record(_ answer: CallAnswer) {
        if let position = positions[answer] {
            if case .replied = answer { replies[position].count += 1 } else { rejects[position].count += 1 }
            return
        }
        switch answer {
        case .replied where replies.count < Self.distinctMax:
            positions[answer] = replies.count
            replies.append(AnswerCount(answer: answer, count: 1))
        case .replied: otherReplies += 1
        case .rejected where rejects.count < Self.distinctMax, .refused where rejects.count < Self.distinctMax:
            positions[answer] = rejects.count
            rejects.append(AnswerCount(answer: answer, count: 1))
        case .rejected, .refused: otherRejects += 1
        case .expired: break
        }
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
