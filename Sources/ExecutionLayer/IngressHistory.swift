import SimCore

/// What became of each ingress message, by message ID (the IC's ingress history): looked up
/// and set, never iterated, and never shrunk.
///
/// Message IDs are numbered in submission order, so the statuses are kept in an array in the
/// order first recorded, found through an ``ItemPositions`` (mostly an array read by ID).
/// Under a backlog of 100,000+ messages this turns the history's lookups, several per
/// message, from SipHash probes of a large table into array reads.
public struct IngressHistory: Sendable, ExpressibleByDictionaryLiteral {
    /// The statuses, in the order their IDs were first recorded.
    private var statuses: [IngressStatus] = []
    /// Where each ID's status is in `statuses`.
    private var positions = ItemPositions()

    /// An empty history.
    public init() {}

    /// A history holding `elements` (an ID given twice keeps its last status).
    public init(dictionaryLiteral elements: (UInt64, IngressStatus)...) {
        for (id, status) in elements { self[id] = status }
    }

    /// Statuses held.
    public var count: Int { statuses.count }

    /// The status of message `id` (`nil`: none recorded); setting `nil` is not supported, the
    /// history never forgets.
    public subscript(id: UInt64) -> IngressStatus? {
        get { positions.place(of: id).map { statuses[$0] } }
        set {
            guard let newValue else { preconditionFailure("the ingress history never forgets a message") }
            if let place = positions.place(of: id) {
                statuses[place] = newValue
            } else {
                positions.updateValue(statuses.count, forKey: id)
                statuses.append(newValue)
            }
        }
    }
}
