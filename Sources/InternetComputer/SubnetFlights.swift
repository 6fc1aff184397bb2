import SimCore
import ExecutionLayer

/// The coordinator's record of the subnets a crew is running (``SubnetCrew``): which are away
/// on another thread, and the stream slices released for them meanwhile, which wait here until
/// their destination lands (no thread but the one running a subnet may touch it). A slice
/// scheduled late keeps its place: deliveries are ordered by their own sequence
/// (``Scheduler/scheduleDelivery(_:at:)``), not by when they were handed over.
struct SubnetFlights {
    /// Whether each subnet is away, by subnet number.
    private(set) var isAway: [Bool]
    /// The subnets away, in departure order (at most a few: a crew runs one per thread, plus
    /// those posted and not yet taken).
    private(set) var away: [Int] = []
    /// How many subnets are away.
    var awayCount: Int { away.count }
    /// How far each subnet away had come when the coordinator last looked
    /// (``SubnetCrew/progress(of:)``), by subnet number.
    var reached: [SimInstant]
    /// The slices released for each subnet while it was away, in release order.
    private var waiting: [[(time: SimInstant, source: Int, slice: StreamSlice)]]

    /// No subnet of `subnetCount` away.
    init(subnetCount: Int) {
        isAway = Array(repeating: false, count: subnetCount)
        reached = Array(repeating: .zero, count: subnetCount)
        waiting = Array(repeating: [], count: subnetCount)
    }

    /// Subnet `subnet` leaves to be run on the crew.
    /// - Precondition: it is not away already.
    mutating func depart(_ subnet: Int) {
        precondition(!isAway[subnet], "subnet \(subnet) is already away")
        isAway[subnet] = true
        away.append(subnet)
    }

    /// Subnet `subnet` is back: the slices released for it while it was away, in order.
    /// - Precondition: it was away.
    mutating func land(_ subnet: Int) -> [(time: SimInstant, source: Int, slice: StreamSlice)] {
        precondition(isAway[subnet], "subnet \(subnet) was not away")
        isAway[subnet] = false
        away.removeAll { $0 == subnet }
        guard !waiting[subnet].isEmpty else { return [] }
        defer { waiting[subnet].removeAll(keepingCapacity: true) }
        return waiting[subnet]
    }

    /// Keeps `entry`, a slice released for subnet `destination` (away), until it lands.
    mutating func hold(_ entry: (time: SimInstant, source: Int, slice: StreamSlice), for destination: Int) {
        precondition(isAway[destination], "subnet \(destination) is not away")
        waiting[destination].append(entry)
    }
}
