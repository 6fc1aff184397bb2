/// The update methods a round looked up lately, by module and name: a message to a method
/// found before takes its function index from here instead of hashing the name into the
/// module's tables (thousands of canisters installed from one module are called by a few
/// method names, and hashing a name costs about 400 instructions a message).
///
/// A memo of lookups in immutable tables: a hit returns exactly what the lookup returns.
/// Each entry holds its module (``CanisterCode/Shared``), so an entry's module cannot be freed
/// and another allocated at its address while the memo lives; a canister whose code changes
/// has another module object, which misses. Not shared between threads: one round's, kept in
/// its ``RoundState``.
struct MethodMemo {
    /// One remembered lookup: update method `method` of `module` runs `function` in `context`
    /// (``SystemAPIContext/update``, or ``SystemAPIContext/replicatedQuery`` for a query
    /// method called as an update).
    private struct Entry {
        let module: CanisterCode.Shared
        let method: String
        let function: UInt32
        let context: SystemAPIContext
    }

    /// The remembered lookups, at most ``capacity``; a new one replaces the oldest.
    private var entries: [Entry] = []
    private var nextReplaced = 0

    /// How many lookups are remembered.
    static let capacity = 8

    /// An empty memo.
    init() {}

    /// The function update method `method` of `module` runs and its context (an update
    /// method, or else a query method run as an update), or `nil` if the module exports
    /// neither; remembered, when found, for the next call.
    mutating func updateMethod(_ method: String, of module: CanisterCode.Shared) -> (UInt32, SystemAPIContext)? {
        for entry in entries where entry.module === module && entry.method == method {
            return (entry.function, entry.context)
        }
        guard let found = module.updates[method].map({ ($0, SystemAPIContext.update) })
            ?? module.queries[method].map({ ($0, SystemAPIContext.replicatedQuery) }) else { return nil }
        let entry = Entry(module: module, method: method, function: found.0, context: found.1)
        if entries.count < Self.capacity {
            entries.append(entry)
        } else {
            entries[nextReplaced] = entry
            nextReplaced = (nextReplaced + 1) % Self.capacity
        }
        return found
    }
}
