/// The key that orders pending events: the time they are due (nanoseconds since the start),
/// then the sequence number they drew when scheduled. Sequence numbers are unique, so the
/// order is total. The tiers' entries (``QueueEntry``), the batches' (``BatchEntry``) and the
/// lanes' tournament tree (``EventLaneStorage``) each hold one beside what they point at.
@usableFromInline
struct EventKey: Equatable {
    @usableFromInline var time: Int64
    @usableFromInline var sequence: UInt64

    @inlinable @inline(__always)
    init(time: Int64, sequence: UInt64) {
        self.time = time
        self.sequence = sequence
    }

    /// Whether this key comes before `other`.
    @inlinable @inline(__always)
    func precedes(_ other: EventKey) -> Bool {
        time < other.time || (time == other.time && sequence < other.sequence)
    }
}
