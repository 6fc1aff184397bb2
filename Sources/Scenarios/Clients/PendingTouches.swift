import SimCore
import InternetComputer

/// The clients' pending events' times by the subnet each reads or changes
/// (``Workload/client(of:)``, ``Workload/subnetOfEachClient``), beside their queue: what the
/// clients answer to ``InternetComputerUsers/nextEventTime(touchingSubnet:)``. Events that
/// may touch every subnet (samples, clients calling several subnets) are kept apart and count
/// for each. O(log n) an event scheduled or taken; never iterated.
struct PendingTouches {
    /// Each subnet's pending times, by subnet; the last heap holds the events that touch
    /// every subnet.
    private var heaps: [TimeHeap]

    /// None pending, for `subnetCount` subnets.
    init(subnetCount: Int) {
        heaps = Array(repeating: TimeHeap(), count: max(subnetCount, 0) + 1)
    }

    /// The heap of the events touching `subnet` (`nil` or unknown: every subnet).
    private func heapIndex(_ subnet: Int?) -> Int {
        guard let subnet, subnet >= 0, subnet < heaps.count - 1 else { return heaps.count - 1 }
        return subnet
    }

    /// An event touching `subnet` (`nil`: every subnet) is pending at `time`.
    mutating func insert(at time: SimInstant, touching subnet: Int?) {
        heaps[heapIndex(subnet)].insert(time.nanosecondsSinceStart)
    }

    /// The event touching `subnet` at `time`, the earliest pending of all, was taken.
    /// - Precondition: it is the earliest of its subnet's (it was inserted, and nothing earlier is pending).
    mutating func remove(at time: SimInstant, touching subnet: Int?) {
        let taken = heaps[heapIndex(subnet)].popMinimum()
        precondition(taken == time.nanosecondsSinceStart, "the clients' event at \(time) was not the earliest of its subnet's")
    }

    /// When the earliest pending event touching `subnet` is due (`nil`: none).
    func nextTime(touching subnet: Int) -> SimInstant? {
        let own = heaps[heapIndex(subnet)].minimum, all = heaps[heaps.count - 1].minimum
        guard let earliest = min(own ?? .max, all ?? .max) as Int64?, earliest != .max else { return nil }
        return SimInstant(nanosecondsSinceStart: earliest)
    }
}

/// A binary min-heap of times in nanoseconds (equal times are interchangeable).
struct TimeHeap {
    private var items: [Int64] = []

    /// The smallest time held (`nil`: empty).
    var minimum: Int64? { items.first }

    /// Adds `time`.
    mutating func insert(_ time: Int64) {
        items.append(time)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard time < items[parent] else { break }
            items[child] = items[parent]
            child = parent
        }
        items[child] = time
    }

    /// Removes and returns the smallest time (`nil`: empty).
    mutating func popMinimum() -> Int64? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        guard !items.isEmpty else { return first }
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < items.count else { break }
            let right = left + 1
            let smaller = right < items.count && items[right] < items[left] ? right : left
            guard items[smaller] < last else { break }
            items[parent] = items[smaller]
            parent = smaller
        }
        items[parent] = last
        return first
    }
}
