/// A map for a handful of entries, searched linearly: a height holds a few blocks, and
/// comparing a key's words is cheaper than hashing it. Entries keep insertion order. Each key
/// is stored with its value in one array: a lookup reads one buffer, not a buffer of keys and
/// another of values (a delivery that checks a share at mainnet scale misses the cache on
/// each buffer it reads), and a pool of heights holds one array per map, not two.
struct SmallMap<Key: Equatable & Sendable, Value: Sendable>: Sendable {
    /// A key and its value.
    private struct Entry: Sendable {
        let key: Key
        var value: Value
    }

    private var entries: [Entry] = []

    /// An empty map.
    init() {}

    /// Where `key` is in ``entries``, if it is there (a plain loop: no closure to capture).
    private func index(of key: Key) -> Int? {
        var index = 0
        while index < entries.count {
            if entries[index].key == key { return index }
            index += 1
        }
        return nil
    }

    /// The value of `key`; setting `nil` removes it.
    subscript(key: Key) -> Value? {
        get { index(of: key).map { entries[$0].value } }
        set {
            let index = index(of: key)
            switch (index, newValue) {
            case (let index?, let value?): entries[index].value = value
            case (let index?, nil): entries.remove(at: index)
            case (nil, let value?): entries.append(Entry(key: key, value: value))
            case (nil, nil): break
            }
        }
    }

    /// Removes every entry, keeping the storage.
    mutating func removeAll() {
        entries.removeAll(keepingCapacity: true)
    }

    /// The value of `key`, changed in place; `defaultValue` is stored first if it has none.
    subscript(key: Key, default defaultValue: @autoclosure () -> Value) -> Value {
        get { self[key] ?? defaultValue() }
        _modify {
            let index: Int
            if let found = self.index(of: key) {
                index = found
            } else {
                entries.append(Entry(key: key, value: defaultValue()))
                index = entries.count - 1
            }
            yield &entries[index].value
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
        guard let index = index(of: key) else {
            entries.append(Entry(key: key, value: [node]))
            return 1
        }
        guard entries[index].value.insert(node) else { return nil }
        return entries[index].value.count
    }

    /// Whether the set of `key` holds `node` (no copy of the set).
    func contains(_ node: NodeID, in key: Key) -> Bool {
        guard let index = index(of: key) else { return false }
        return entries[index].value.contains(node)
    }

    /// The size of the set of `key` (0 if it has none).
    func count(of key: Key) -> Int {
        guard let index = index(of: key) else { return 0 }
        return entries[index].value.count
    }
}
