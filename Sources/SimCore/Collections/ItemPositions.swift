/// A map from message or item ID to a place (an index into the owner's own array), for IDs
/// that come nearly in order (ingress messages are numbered as they are submitted). Under a
/// backlog of 100,000+ messages these were the simulator's hottest lookups: each replica's
/// payload queue, the ingress submissions, the gossip arrivals and the ingress history all
/// keep one. Most IDs live in a dense window of consecutive IDs (``ItemWindow``), read and
/// written in place; the rest go to a hash table (``HashedItemPositions``). An ID is held in
/// one of the two, never both. Never iterated, so how IDs are split between the two reaches
/// nothing.
public struct ItemPositions: Sendable {
    /// IDs in the window of consecutive IDs.
    private var window = ItemWindow()
    /// IDs the window did not take.
    private var hashed = HashedItemPositions()

    /// An empty map.
    public init() {}

    /// Entries held.
    public var count: Int { window.count &+ hashed.count }

    /// The place of `key`, if it has one.
    public func place(of key: UInt64) -> Int? {
        if let place = window.place(of: key) { return place }
        return hashed.count > 0 ? hashed.place(of: key) : nil
    }

    /// Sets `key`'s place to `place` (not negative); its place before, if it had one.
    @discardableResult
    public mutating func updateValue(_ place: Int, forKey key: UInt64) -> Int? {
        precondition(place >= 0, "a place is not negative")
        if let old = window.replace(place, of: key) { return old }
        if hashed.count > 0, hashed.place(of: key) != nil { return hashed.updateValue(place, forKey: key) }
        if window.insert(place, for: key, heldElsewhere: hashed.count) { return nil }
        return hashed.updateValue(place, forKey: key)
    }

    /// Removes `key`; its place, if it had one.
    @discardableResult
    public mutating func removeValue(forKey key: UInt64) -> Int? {
        if let old = window.remove(key) { return old }
        return hashed.count > 0 ? hashed.removeValue(forKey: key) : nil
    }

    /// Forgets every entry (keeping the storage).
    public mutating func removeAll() {
        window.removeAll()
        if hashed.count > 0 { hashed.removeAll() }
    }
}

/// The hashed part of ``ItemPositions``: open addressing with linear probing and a
/// multiplicative hash (a `Dictionary` hashes each key with SipHash, several times the cost of
/// this hash). IDs chosen to collide only slow it down.
struct HashedItemPositions: Sendable {
    /// One slot: a key and its place, or ``empty`` or ``removed`` as the place.
    private struct Slot {
        var key: UInt64
        var place: Int
    }

    /// The place of a slot never used.
    private static let empty = -1
    /// The place of a slot whose entry was removed (probing goes on past it).
    private static let removed = -2

    /// The slots, a power of two of them.
    private var slots: [Slot]
    /// log2 of the slot count.
    private var bits: Int
    /// Entries held.
    private(set) var count = 0
    /// Slots marked removed.
    private var removedSlots = 0

    /// An empty map.
    init() {
        bits = 4
        slots = Array(repeating: Slot(key: 0, place: Self.empty), count: 1 << 4)
    }

    /// The first slot to probe for `key`: its high half folded into its low half (so that IDs
    /// differing only in their high bits spread too), multiplied, the top bits taken.
    private func home(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: ((key ^ (key >> 32)) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - bits))
    }

    /// Sets `key`'s place to `place` (not negative); its place before, if it had one.
    mutating func updateValue(_ place: Int, forKey key: UInt64) -> Int? {
        precondition(place >= 0, "a place is not negative")
        if (count + removedSlots + 1) * 4 > slots.count * 3 { resize() }
        let mask = slots.count - 1
        var slot = home(key)
        var free: Int?
        while slots[slot].place != Self.empty {
            if slots[slot].place == Self.removed {
                if free == nil { free = slot }
            } else if slots[slot].key == key {
                defer { slots[slot].place = place }
                return slots[slot].place
            }
            slot = (slot + 1) & mask
        }
        if let free {
            slot = free
            removedSlots -= 1
        }
        slots[slot] = Slot(key: key, place: place)
        count += 1
        return nil
    }

    /// The place of `key`, if held.
    func place(of key: UInt64) -> Int? {
        let mask = slots.count - 1
        var slot = home(key)
        while slots[slot].place != Self.empty {
            if slots[slot].place >= 0, slots[slot].key == key { return slots[slot].place }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Removes `key`; its place, if it had one.
    mutating func removeValue(forKey key: UInt64) -> Int? {
        let mask = slots.count - 1
        var slot = home(key)
        while slots[slot].place != Self.empty {
            if slots[slot].place >= 0, slots[slot].key == key {
                defer {
                    slots[slot].place = Self.removed
                    count -= 1
                    removedSlots += 1
                }
                return slots[slot].place
            }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Forgets every entry (keeping the slots).
    mutating func removeAll() {
        for index in slots.indices { slots[index].place = Self.empty }
        count = 0
        removedSlots = 0
    }

    /// Rehashes into slots for the entries held and one more, at most half full, dropping
    /// the removed marks.
    private mutating func resize() {
        let old = slots
        var newBits = 4
        while (1 << newBits) < (count + 1) * 2 { newBits += 1 }
        bits = newBits
        slots = Array(repeating: Slot(key: 0, place: Self.empty), count: 1 << newBits)
        count = 0
        removedSlots = 0
        for slot in old where slot.place >= 0 { _ = updateValue(slot.place, forKey: slot.key) }
    }
}
