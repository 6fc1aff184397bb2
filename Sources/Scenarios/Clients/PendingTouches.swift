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
    private var heaps: [MinHeap<SimInstant, Bool>]

    /// None pending, for `subnetCount` subnets.
    init(subnetCount: Int) {
        heaps = Array(repeating: MinHeap(), count: max(subnetCount, 0) + 1)
    }

    /// The heap of the events touching `subnet` (`nil` or unknown: every subnet).
    private func heapIndex(_ subnet: Int?) -> Int {
        guard let subnet, subnet >= 0, subnet < heaps.count - 1 else { return heaps.count - 1 }
        return subnet
    }

    /// An event touching `subnet` (`nil`: every subnet) is pending at `time`.
    mutating func insert(at time: SimInstant, touching subnet: Int?) {
        heaps[heapIndex(subnet)].insert(time, true)
    }

    /// The event touching `subnet` at `time`, the earliest pending of all, was taken.
    /// - Precondition: it is the earliest of its subnet's (it was inserted, and nothing earlier is pending).
    mutating func remove(at time: SimInstant, touching subnet: Int?) {
        let taken = heaps[heapIndex(subnet)].popMin()
        precondition(taken?.0 == time, "the clients' event at \(time) was not the earliest of its subnet's")
    }

    /// When the earliest pending event touching `subnet` is due (`nil`: none).
    func nextTime(touching subnet: Int) -> SimInstant? {
        let own = heaps[heapIndex(subnet)].minimum, all = heaps[heaps.count - 1].minimum
        guard let own else { return all }
        return all.map { min($0, own) } ?? own
    }
}
