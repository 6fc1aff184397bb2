import SimCore
import InternetComputer

/// The time series of a run's finalized heights: every node of every subnet, sampled at the
/// start of each bucket. It observes the subnets from outside, as the checkers do; its sample
/// events share the clients' queue, so they keep their place among the clients' events.
public struct FinalizedHeightSampler: Sendable {
    /// Finalized height of every node of every subnet at each sample (by subnet, then sample,
    /// then node).
    public private(set) var samples: [[[UInt64]]]
    /// The time between samples, and the run's end (the last sample is at or before it).
    let bucket: SimDuration
    let end: SimInstant

    /// A sampler of `subnetCount` subnets, one sample per `bucket` until `end`.
    init(subnetCount: Int, bucket: SimDuration, end: SimInstant) {
        precondition(bucket > .zero, "a bucket must be longer than zero")
        samples = Array(repeating: [], count: subnetCount)
        self.bucket = bucket
        self.end = end
    }

    /// Schedules the first sample, at time zero.
    func start(_ scheduler: inout Scheduler<WorkloadEvent>) {
        scheduler.schedule(.sample(index: 0), at: .zero)
    }

    /// Takes sample `index` now, and schedules the next.
    mutating func sample(_ index: Int32, _ scheduler: inout Scheduler<WorkloadEvent>, _ ic: borrowing InternetComputerSimulation) {
        for subnet in samples.indices { samples[subnet].append(ic.finalizedHeights(onSubnet: subnet)) }
        let next = scheduler.now + bucket
        if next <= end { scheduler.schedule(.sample(index: index + 1), at: next) }
    }
}
