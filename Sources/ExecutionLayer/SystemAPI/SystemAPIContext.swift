/// Where a System API function is called from: the spec's contexts (interface spec, "Overview
/// of imports"). Each function may be called in some of them and traps in the others.
public enum SystemAPIContext: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// `canister_init` or `canister_post_upgrade` (I).
    case initialization = "I"
    /// `canister_pre_upgrade` (G).
    case preUpgrade = "G"
    /// An update method (U).
    case update = "U"
    /// A query method run in replicated mode, as an update (RQ).
    case replicatedQuery = "RQ"
    /// A query method run on one replica (NRQ).
    case nonReplicatedQuery = "NRQ"
    /// A composite query method (CQ).
    case compositeQuery = "CQ"
    /// A reply callback (Ry).
    case replyCallback = "Ry"
    /// A reject callback (Rt).
    case rejectCallback = "Rt"
    /// A reply callback of a composite query (CRy).
    case compositeReplyCallback = "CRy"
    /// A reject callback of a composite query (CRt).
    case compositeRejectCallback = "CRt"
    /// A cleanup callback (C).
    case cleanup = "C"
    /// A cleanup callback of a composite query (CC).
    case compositeCleanup = "CC"
    /// The module's start function (s).
    case start = "s"
    /// `canister_inspect_message` (F).
    case inspectMessage = "F"
    /// A system task: `canister_heartbeat` or `canister_global_timer` (T).
    case systemTask = "T"

    /// The entry point's name in trap messages.
    public var description: String {
        switch self {
        case .initialization: "init or post_upgrade"
        case .preUpgrade: "pre_upgrade"
        case .update: "update"
        case .replicatedQuery: "replicated query"
        case .nonReplicatedQuery: "non-replicated query"
        case .compositeQuery: "composite query"
        case .replyCallback: "reply callback"
        case .rejectCallback: "reject callback"
        case .compositeReplyCallback: "composite query reply callback"
        case .compositeRejectCallback: "composite query reject callback"
        case .cleanup: "cleanup"
        case .compositeCleanup: "composite query cleanup"
        case .start: "start"
        case .inspectMessage: "inspect message"
        case .systemTask: "system task"
        }
    }

    /// Its position in ``allCases`` (declaration order).
    var position: Int {
        switch self {
        case .initialization: 0
        case .preUpgrade: 1
        case .update: 2
        case .replicatedQuery: 3
        case .nonReplicatedQuery: 4
        case .compositeQuery: 5
        case .replyCallback: 6
        case .rejectCallback: 7
        case .compositeReplyCallback: 8
        case .compositeRejectCallback: 9
        case .cleanup: 10
        case .compositeCleanup: 11
        case .start: 12
        case .inspectMessage: 13
        case .systemTask: 14
        }
    }

    /// Whether the call is replicated (every replica runs it and keeps its effects).
    public var isReplicated: Bool {
        switch self {
        case .nonReplicatedQuery, .compositeQuery, .compositeReplyCallback, .compositeRejectCallback, .compositeCleanup: false
        default: true
        }
    }
}

/// A set of contexts, as a bit set.
public struct SystemAPIContexts: Hashable, Sendable {
    let bits: UInt32

    /// The contexts the spec's notation lists: codes separated by spaces, `*` for every
    /// context but the start function (`"* s"` adds it).
    /// - Precondition: every code is one of ``SystemAPIContext``'s (the table is ours).
    init(_ notation: String) {
        var bits: UInt32 = 0
        for code in notation.split(separator: " ") {
            if code == "*" {
                for context in SystemAPIContext.allCases where context != .start { bits |= Self.bit(context) }
            } else {
                guard let context = SystemAPIContext(rawValue: String(code)) else {
                    preconditionFailure("unknown System API context \(code)")
                }
                bits |= Self.bit(context)
            }
        }
        self.bits = bits
    }

    /// Each context's bit: its position in `allCases` (computed, so that a System API call's
    /// check is a shift and a test, not a dictionary lookup).
    static func bit(_ context: SystemAPIContext) -> UInt32 { 1 << UInt32(context.position) }

    /// Whether `context` is in the set.
    public func contains(_ context: SystemAPIContext) -> Bool { bits & Self.bit(context) != 0 }
}
