import SimCore
import Consensus
import ExecutionLayer

/// An ingress message a user submits at a time.
public struct SubmittedIngress: Hashable, Sendable {
    /// When it reaches the replicas.
    public var at: SimInstant
    /// The message.
    public var message: IngressMessage
    /// The replica it reaches, which gossips it to its peers (`nil`: one derived from its ID).
    public var entryReplica: Int?

    /// `message`, submitted at `at` (to `entryReplica`, if given).
    public init(at: SimInstant, _ message: IngressMessage, entryReplica: Int? = nil) {
        self.at = at
        self.message = message
        self.entryReplica = entryReplica
    }

    /// Its size in a block (``IngressMessage/sizeBytes``).
    public var sizeBytes: Int { message.sizeBytes }
}

/// What became of a submitted ingress message, and when.
public struct IngressOutcome: Hashable, Sendable {
    /// Its answer.
    public var status: IngressStatus
    /// When it was submitted.
    public var submittedAt: SimInstant
    /// When the round that answered it ended (`submittedAt` for a message rejected on
    /// submission).
    public var executedAt: SimInstant
    /// The height whose execution answered it (`nil` for one rejected on submission).
    public var height: Height?
    /// When its answer became visible to its user: once its height was certified (at once for
    /// one rejected on submission); `nil` until then.
    public var certifiedAt: SimInstant?
}

/// The life of every ingress message of a subnet, owned in this one place: submission and its
/// expiry, admission (`canister_inspect_message`, run by the caller), induction (the messages
/// a block holds), the answer and when its height is certified, and whether the user gave up
/// at the expiry (Docs/Model.md, "Ingress expiry" and "Update calls").
///
/// The answer itself is stored once, in the replicated state's ingress history; this record
/// keeps when and at which height it was given, and the rejects of messages refused on
/// submission, which never reach the state.
public struct IngressLifecycle: Sendable {
    /// A submitted message, when it came, and when and where it was answered.
    struct Submission: Sendable {
        var message: IngressMessage
        var at: SimInstant
        var answer: Answer?
    }

    /// When a message was answered: by `height` (its status is in the state's ingress
    /// history), or on submission with `reject`.
    struct Answer: Sendable {
        var executedAt: SimInstant
        var height: Height?
        var certifiedAt: SimInstant?
        var reject: Reject?
    }

    /// How long after its submission a message expires, unless it sets an earlier expiry.
    public let timeToLive: SimDuration
    /// Submitted messages in the order they came, and where each message ID is among them
    /// (looked up only; IDs come nearly in order, so most are array reads).
    var submissions: [Submission] = []
    var submissionIndex = ItemPositions()
    /// Answered messages (indices into `submissions`), in the order they were answered.
    var answerOrder: [Int] = []
    /// Answered messages waiting for their height's certification, by height.
    var awaitingCertification: [Height: [Int]] = [:]
    /// Submission to certified answer, over answered messages.
    public private(set) var latency = LatencyHistogram()
    /// Messages a block held after they had expired (dropped at induction), in order.
    public private(set) var droppedExpired: [UInt64] = []

    /// Messages expiring `timeToLive` after their submission.
    init(timeToLive: SimDuration) {
        self.timeToLive = timeToLive
    }

    /// The expiry of a message submitted at `time` that asks for `requested` (IC time): the
    /// earlier of the two and the latest the IC accepts (the one place expiry is computed).
    public func expiryNanos(submittedAt time: SimInstant, requested: UInt64 = .max) -> UInt64 {
        min(requested, SubnetExecution.timeNanos(time + timeToLive))
    }

    /// Remembers a submitted message, with its expiry: the message as it goes on to
    /// admission and into blocks (`nil` for an ID submitted before; IDs are unique, as
    /// validated).
    mutating func submit(_ ingress: SubmittedIngress) -> IngressMessage? {
        var message = ingress.message
        message.expiryNanos = expiryNanos(submittedAt: ingress.at, requested: message.expiryNanos)
        guard submissionIndex.place(of: message.id) == nil else { return nil }
        submissionIndex.updateValue(submissions.count, forKey: message.id)
        submissions.append(Submission(message: message, at: ingress.at))
        return message
    }

    /// Admission refused message `id` with `reject` at `time` (the receiving replica's
    /// `canister_inspect_message`): it is answered at once, and never enters a block.
    mutating func refused(_ id: UInt64, _ reject: Reject, at time: SimInstant) {
        answered(id, at: time, height: nil, reject: reject)
    }

    /// The ingress messages of `block`, in order (those it inducts, or drops as expired).
    func messages(of block: Block) -> [IngressMessage] {
        block.payload.compactMap { item in submissionIndex.place(of: item.id).map { submissions[$0].message } }
    }

    /// A round inducting `block` at `height` dropped `expired` and answered `answered` at
    /// `time`, the round's end.
    mutating func executed(height: Height, answered: [UInt64], expired: [UInt64], at time: SimInstant) {
        droppedExpired += expired
        for id in answered { self.answered(id, at: time, height: height, reject: nil) }
    }

    /// Message `id` was answered (the first answer only), by `height` (then it waits for
    /// certification) or on submission with `reject` (visible at once).
    mutating func answered(_ id: UInt64, at time: SimInstant, height: Height?, reject: Reject?) {
        guard let index = submissionIndex.place(of: id), submissions[index].answer == nil else { return }
        let submittedAt = submissions[index].at
        submissions[index].answer = Answer(executedAt: time, height: height, certifiedAt: height == nil ? time : nil, reject: reject)
        answerOrder.append(index)
        if let height { awaitingCertification[height, default: []].append(index) } else { latency.record(time - submittedAt) }
    }

    /// `height` was certified at `time`: its answers become visible (no earlier than its
    /// round ended).
    mutating func certified(height: Height, at time: SimInstant) {
        for index in awaitingCertification.removeValue(forKey: height) ?? [] {
            guard let answer = submissions[index].answer, answer.certifiedAt == nil else { continue }
            let visible = max(time, answer.executedAt)
            submissions[index].answer?.certifiedAt = visible
            latency.record(visible - submissions[index].at)
        }
    }

    /// The messages `height` answered, in the order they were answered, until the height is
    /// certified (empty after).
    func messagesAnswered(at height: Height) -> [UInt64] {
        (awaitingCertification[height] ?? []).map { submissions[$0].message.id }
    }

    /// What became of message `id` (`nil` until it is answered), its status read from
    /// `history`, the state's ingress history.
    func outcome(of id: UInt64, history: IngressHistory) -> IngressOutcome? {
        submissionIndex.place(of: id).flatMap { outcome(at: $0, history: history) }
    }

    /// The height whose execution answered message `id`: `nil` until it is answered, `.some(nil)`
    /// for one answered on submission. What ``outcome(of:history:)`` says of the height, without
    /// reading the status from the ingress history (the synchronous calls' waits ask this of
    /// every waiting call at each certification).
    func answerHeight(of id: UInt64) -> Height?? {
        guard let index = submissionIndex.place(of: id), let answer = submissions[index].answer else { return nil }
        return .some(answer.height)
    }

    /// The outcome of submission `index`, if answered.
    func outcome(at index: Int, history: IngressHistory) -> IngressOutcome? {
        // Field by field: a copy of the whole submission would copy its message (polls read
        // this for every call).
        guard let answer = submissions[index].answer else { return nil }
        let status = answer.reject.map(IngressStatus.rejected) ?? history[submissions[index].message.id] ?? .processing
        return IngressOutcome(status: status, submittedAt: submissions[index].at, executedAt: answer.executedAt, height: answer.height,
                              certifiedAt: answer.certifiedAt)
    }

    /// The answers in the order they came, their statuses read from `history`.
    func outcomes(history: IngressHistory) -> [(id: UInt64, outcome: IngressOutcome)] {
        answerOrder.compactMap { index in outcome(at: index, history: history).map { (submissions[index].message.id, $0) } }
    }

    /// Messages answered so far.
    public var answeredCount: Int { answerOrder.count }

    /// Calls whose user has given up by `time`: their expiry passed before an answer was
    /// certified (a call answered but certified only after its expiry counts too: an agent
    /// stops polling at the expiry). In submission order.
    public func expiredCalls(at time: SimInstant) -> [UInt64] {
        let now = SubnetExecution.timeNanos(time)
        return submissions.compactMap { submission in
            guard submission.message.expiryNanos < now else { return nil }
            if let certified = submission.answer?.certifiedAt, SubnetExecution.timeNanos(certified) <= submission.message.expiryNanos { return nil }
            return submission.message.id
        }
    }
}
