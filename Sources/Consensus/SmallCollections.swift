/// A map for a handful of entries, searched linearly: a height holds a few blocks, and
/// comparing a key's words is cheaper than hashing it. Entries keep insertion order.
struct SmallMap<Key: Equatable & Sendable, Value: Sendable>: Sendable {
    private var keys: [Key] = []
    private var values: [Value] = []

    /// An empty map.
    init() {}

    /// The value of `key`; setting `nil` removes it.
    subscript(key: Key) -> Value? {
        get { keys.firstIndex(of: key).map { values[$0] } }
        set {
            let index = keys.firstIndex(of: key)
            switch (index, newValue) {
            case (let index?, let value?): values[index] = value
            case (let index?, nil):
                keys.remove(at: index)
                values.remove(at: index)
            case (nil, let value?):
                keys.append(key)
                values.append(value)
            case (nil, nil): break
            }
        }
    }

    /// Removes every entry, keeping the storage.
    mutating func removeAll() {
        keys.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
    }

    /// The value of `key`, changed in place; `defaultValue` is stored first if it has none.
    subscript(key: Key, default defaultValue: @autoclosure () -> Value) -> Value {
        get { self[key] ?? defaultValue() }
        _modify {
            let index: Int
            if let found = keys.firstIndex(of: key) {
                index = found
            } else {
                keys.append(key)
                values.append(defaultValue())
                index = values.count - 1
            }
            yield &values[index]
        }
    }
}

/// A set for a handful of elements, searched linearly (see ``SmallMap``).
struct SmallSet<Element: Equatable & Sendable>: Sendable {
    private var elements: [Element] = []

    /// An empty set.
    init() {}

    /// Whether `element` is in the set.
    func contains(_ element: Element) -> Bool { elements.contains(element) }

    /// Adds `element`; whether it was new.
    @discardableResult
    mutating func insert(_ element: Element) -> Bool {
        guard !elements.contains(element) else { return false }
        elements.append(element)
        return true
    }

    /// Removes every element, keeping the storage.
    mutating func removeAll() {
        elements.removeAll(keepingCapacity: true)
    }
}

extension SmallMap where Value == NodeSet {
    /// Adds `node` to the set of `key` (an empty set first if it has none): the set's size
    /// afterwards if `node` was new, else `nil`. One search, no coroutine.
    mutating func insert(_ node: NodeID, into key: Key) -> Int? {
        guard let index = keys.firstIndex(of: key) else {
            keys.append(key)
            values.append([node])
            return 1
        }
        guard values[index].insert(node) else { return nil }
        return values[index].count
    }

    /// Whether the set of `key` holds `node` (no copy of the set).
    func contains(_ node: NodeID, in key: Key) -> Bool {
        guard let index = keys.firstIndex(of: key) else { return false }
        return values[index].contains(node)
    }

    /// The size of the set of `key` (0 if it has none).
    func count(of key: Key) -> Int {
        guard let index = keys.firstIndex(of: key) else { return 0 }
        return values[index].count
    }
}
