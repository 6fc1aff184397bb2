/// A canister's input queue: requests and responses, oldest first. Taking the oldest costs
/// the same however long the queue is (a head index into the array, which is compacted once
/// most of it has been taken), so a canister with a backlog of thousands of messages does not
/// shift the whole backlog for every message it executes.
struct InputQueue: Sequence, Sendable {
    private var items: [CanisterInput] = []
    /// How many of `items` have been taken.
    private var head = 0

    /// Whether nothing waits.
    var isEmpty: Bool { head == items.count }
    /// How many inputs wait.
    var count: Int { items.count - head }

    /// Puts `input` last.
    mutating func append(_ input: CanisterInput) {
        items.append(input)
    }

    /// Takes the oldest input.
    /// - Precondition: the queue is not empty.
    mutating func removeFirst() -> CanisterInput {
        precondition(!isEmpty, "take from an empty input queue")
        if head == items.count - 1 {
            // The last one waiting (usually the only one): moved out, not copied and destroyed.
            let input = items.removeLast()
            if head > 0 { items.removeAll(keepingCapacity: true) }
            head = 0
            return input
        }
        let input = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return input
    }

    /// Removes the inputs `shouldRemove` picks, keeping the others in order.
    mutating func removeAll(where shouldRemove: (CanisterInput) throws -> Bool) rethrows {
        items.removeFirst(head)
        head = 0
        try items.removeAll(where: shouldRemove)
    }

    /// The waiting inputs, oldest first.
    func makeIterator() -> ArraySlice<CanisterInput>.Iterator {
        items[head...].makeIterator()
    }
}
