/// What became of each ingress message, by message ID (the IC's ingress history): looked up
/// and set, never iterated, and never shrunk.
///
/// Message IDs are numbered in submission order, so a subnet's history mostly covers a run of
/// consecutive IDs: those are kept in an array indexed by ID from the first one recorded, the
/// others (older than it, or so far past the run that the array would be mostly holes) in a
/// dictionary. Under a backlog of 100,000+ messages this turns the history's lookups, several
/// per message, from SipHash probes of a large table into array reads. Which of the two holds
/// an ID reaches nothing.
public struct IngressHistory: Sendable, ExpressibleByDictionaryLiteral {
    /// The array may span this many IDs beyond four per status held.
    private static let spanSlack = 4_096

    /// Statuses by ID: `dense[k]` is the status of ID `base + k` (`nil`: none recorded).
    private var dense: [IngressStatus?] = []
    /// The ID of `dense[0]` (set by the first status recorded).
    private var base: UInt64 = 0
    /// Statuses of IDs outside `dense`.
    private var sparse: [UInt64: IngressStatus] = [:]
    /// Statuses held.
    public private(set) var count = 0

    /// An empty history.
    public init() {}

    /// A history holding `elements` (an ID given twice keeps its last status).
    public init(dictionaryLiteral elements: (UInt64, IngressStatus)...) {
        for (id, status) in elements { self[id] = status }
    }

    /// The status of message `id` (`nil`: none recorded); setting `nil` is not supported, the
    /// history never forgets.
    public subscript(id: UInt64) -> IngressStatus? {
        get {
            if let index = denseIndex(of: id) { return dense[index] }
            return sparse.isEmpty ? nil : sparse[id]
        }
        set {
            guard let newValue else { preconditionFailure("the ingress history never forgets a message") }
            set(newValue, for: id)
        }
    }

    /// The index in `dense` of `id`, if the array covers it.
    @inline(__always)
    private func denseIndex(of id: UInt64) -> Int? {
        guard id >= base, id &- base < UInt64(dense.count) else { return nil }
        return Int(truncatingIfNeeded: id &- base)
    }

    /// Records `status` for `id`.
    private mutating func set(_ status: IngressStatus, for id: UInt64) {
        if let index = denseIndex(of: id) {
            if dense[index] == nil { count += 1 }
            dense[index] = status
            return
        }
        if !sparse.isEmpty, sparse[id] != nil {
            sparse[id] = status
            return
        }
        if count == 0 { base = id }
        count += 1
        let spanLimit = UInt64(4 &* count &+ Self.spanSlack)
        guard id >= base, id &- base < spanLimit else {
            sparse[id] = status
            return
        }
        // Past the array's end (inside it is handled above): grow it up to `id`.
        let index = Int(truncatingIfNeeded: id &- base)
        dense.append(contentsOf: repeatElement(nil, count: index &- dense.count &+ 1))
        dense[index] = status
    }
}
