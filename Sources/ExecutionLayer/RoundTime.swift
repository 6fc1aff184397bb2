/// How long a round takes, part by part (Docs/Model.md, "Round time" under "Execution"). All
/// parts run one after another on a replica, before it signs the height's certification share.
public struct RoundTime: Hashable, Sendable {
    /// Inducting the block's messages (ingress, and messages from other subnets' streams) into
    /// the canisters' queues, before execution.
    public var inductionNanos: Int64 = 0
    /// Executing on the cores: per iteration, its busiest core (executed instructions, and the
    /// overheads per execution and per canister run on that core).
    public var executionNanos: Int64 = 0
    /// The scheduler's finalization after each iteration (per canister of the subnet).
    public var finalizationNanos: Int64 = 0
    /// Hashing what changed in the certified part of the state after the round.
    public var hashingNanos: Int64 = 0
    /// Writing a checkpoint, at a checkpoint height.
    public var checkpointNanos: Int64 = 0

    /// No time.
    public init() {}

    /// A round's time of induction, execution and finalization.
    public init(inductionNanos: Int64, executionNanos: Int64, finalizationNanos: Int64) {
        self.inductionNanos = inductionNanos
        self.executionNanos = executionNanos
        self.finalizationNanos = finalizationNanos
    }

    /// The whole round.
    public var totalNanos: Int64 {
        inductionNanos &+ executionNanos &+ finalizationNanos &+ hashingNanos &+ checkpointNanos
    }

    /// Induction, execution and finalization: when the round's answers are in the state.
    public var executedNanos: Int64 { inductionNanos &+ executionNanos &+ finalizationNanos }

    /// The sum, part by part, of `self` and `other`.
    public func adding(_ other: RoundTime) -> RoundTime {
        var sum = RoundTime(inductionNanos: inductionNanos &+ other.inductionNanos, executionNanos: executionNanos &+ other.executionNanos,
                            finalizationNanos: finalizationNanos &+ other.finalizationNanos)
        sum.hashingNanos = hashingNanos &+ other.hashingNanos
        sum.checkpointNanos = checkpointNanos &+ other.checkpointNanos
        return sum
    }
}

/// The costs of a round's work outside the cores: induction, and hashing the certified state.
/// dfinity/ic has no constant for either (they are not charged against the instruction
/// limit); the defaults are assumptions (Docs/Model.md, "Round time").
public struct RoundTimeConfiguration: Hashable, Sendable {
    /// Inducting one message (a queue push, an ingress-history update, the induction fee):
    /// 5 µs (an assumption).
    public var inductionNanosPerMessage: UInt64 = 5_000
    /// How fast the certified state's changed bytes are hashed (SHA-256 on one core): 400 MB/s
    /// (an assumption).
    public var hashingBytesPerSecond: UInt64 = 400_000_000
    /// Hashing one changed entry of the certified state besides its bytes (its leaf, labelled
    /// node and the forks above it, each a SHA-256 of a few dozen bytes): 1 µs (an
    /// assumption).
    public var hashingNanosPerEntry: UInt64 = 1_000

    /// The defaults.
    public init() {}

    /// Inducting `messages` messages.
    public func inductionNanos(messages: Int) -> Int64 {
        let nanos = UInt64(max(messages, 0)).multipliedReportingOverflow(by: inductionNanosPerMessage)
        return nanos.overflow ? Int64.max / 4 : Int64(min(nanos.partialValue, UInt64(Int64.max / 4)))
    }

    /// Hashing `changes`: their bytes at ``hashingBytesPerSecond`` plus ``hashingNanosPerEntry``
    /// per entry.
    public func hashingNanos(_ changes: CertifiedChanges) -> Int64 {
        let rate = max(hashingBytesPerSecond, 1)
        let (seconds, rest) = changes.bytes.quotientAndRemainder(dividingBy: rate)
        let whole = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let entries = changes.entries.multipliedReportingOverflow(by: hashingNanosPerEntry)
        guard !whole.overflow, !entries.overflow else { return Int64.max / 4 }
        let fraction = rate.dividingFullWidth(rest.multipliedFullWidth(by: 1_000_000_000)).quotient
        let (total, overflow) = whole.partialValue.addingReportingOverflow(fraction &+ entries.partialValue)
        return overflow ? Int64.max / 4 : Int64(min(total, UInt64(Int64.max / 4)))
    }
}

/// What changed in the certified part of a replicated state since it was last taken: entries
/// (ingress-history statuses written, stream messages appended, canisters whose certified
/// metadata changed) and their bytes.
public struct CertifiedChanges: Hashable, Sendable {
    /// Entries written.
    public var entries: UInt64 = 0
    /// Their bytes.
    public var bytes: UInt64 = 0

    /// Nothing changed.
    public init() {}

    /// `entries` entries of `bytes` bytes together.
    public init(entries: UInt64, bytes: UInt64) {
        self.entries = entries
        self.bytes = bytes
    }

    /// An ingress-history entry's key: a message ID (a 32-byte hash on the IC).
    static let ingressEntryBytes: UInt64 = 32
    /// A stream message's fields besides its payload (sender, receiver, callback, cycles,
    /// deadline): 64 bytes (an assumption).
    static let streamHeaderBytes: UInt64 = 64

    /// Notes one entry of `bytes` bytes.
    mutating func record(bytes count: Int) {
        entries &+= 1
        bytes &+= UInt64(max(count, 0))
    }

    /// The bytes of an ingress status (its key included).
    static func bytes(of status: IngressStatus) -> Int {
        let key = Int(ingressEntryBytes)
        switch status {
        case .processing: return key
        case .replied(let reply): return key + reply.count
        case .rejected(let reject): return key + 8 + reject.message.utf8.count
        }
    }

    /// The bytes of a message in a stream.
    static func bytes(of message: CanisterInput) -> Int {
        let header = Int(streamHeaderBytes)
        switch message {
        case .request(let request): return header + request.method.utf8.count + request.argument.count
        case .response(let response):
            switch response.result {
            case .replied(let bytes): return header + bytes.count
            case .rejected(let reject): return header + 8 + reject.message.utf8.count
            case .awaitingCallbacks: return header
            }
        }
    }
}

extension ReplicatedState {
    /// What changed in the certified state since the last call (hash the state first: a
    /// canister's certified metadata counts when its leaf is rehashed); the count starts again.
    public mutating func takeCertifiedChanges() -> CertifiedChanges {
        defer { certifiedChanges = CertifiedChanges() }
        return certifiedChanges
    }
}
