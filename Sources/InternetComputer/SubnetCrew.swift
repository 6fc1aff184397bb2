import Dispatch
import Synchronization
import SimCore

/// The threads of a windowed run (``InternetComputerSimulation/run(until:users:threads:progressEvery:progress:)``):
/// the one place threads touch a simulation (Docs/Determinism.md, "Subnets in parallel").
///
/// A crew stands by for the whole run: the run's own thread is the coordinator, which steps
/// the clients and opens each window; the others wait, spinning, for a window's subnets. In a
/// window every thread, the coordinator included, takes a subnet not yet taken and runs it to
/// its horizon, until none is left; the coordinator then waits until every subnet taken is
/// done. Windows last tens of microseconds, so waking sleeping threads for each would cost
/// more than the window; spinning does not.
///
/// The coordinator takes the window's subnets from the front (the lowest numbers: the system
/// subnets, which do the most work), the other threads from the back, so that a subnet tends
/// to run on the same core window after window and keeps its data in that core's cache.
///
/// No thread is needed for progress: a subnet no worker takes, the coordinator runs, so a
/// crew whose workers never start (more threads than the machine has) is merely slower.
/// Subnets share nothing mutable, so which thread runs which subnet, and when, changes
/// nothing but the wall time.
final class SubnetCrew: @unchecked Sendable {
    /// Threads, the coordinator included (at least 2).
    let threads: Int
    /// The current window's subnets not yet taken, positions `front..<back`: `back` in the
    /// high 32 bits, `front` in the low 32. The coordinator takes `front`, the others `back - 1`.
    private let untaken = Atomic<UInt64>(0)
    /// Subnets of the current window done.
    private let done = Atomic<Int>(0)
    /// Set when the run ends: the workers return.
    private let stopped = Atomic<Bool>(false)
    /// The current window: written by the coordinator before it publishes the window's
    /// subnets (release), read by a thread after it took one (acquire).
    nonisolated(unsafe) private var window = Window()

    /// What a window asks: which subnets, each until when, and where each one's output goes.
    private struct Window {
        var subnets: UnsafeMutableBufferPointer<Simulation<SubnetSimulation>>?
        var active: [Int] = []
        var horizons: [SimInstant] = []
        var outputs: UnsafeMutableBufferPointer<WindowOutput>?
    }

    /// A crew of `threads` threads.
    /// - Precondition: `threads` is at least 2.
    init(threads: Int) {
        precondition(threads >= 2, "a windowed run on one thread needs no crew")
        self.threads = threads
    }

    /// Runs `coordinator` with the crew standing by, and returns when it has returned and
    /// every worker has stopped.
    func run(_ coordinator: () -> Void) {
        nonisolated(unsafe) let coordinate = coordinator
        DispatchQueue.concurrentPerform(iterations: threads) { index in
            if index == 0 {
                coordinate()
                stopped.store(true, ordering: .releasing)
            } else {
                work()
            }
        }
    }

    /// A worker: takes subnets whenever a window has some left, until the run ends.
    private func work() {
        var idle = 0
        while !stopped.load(ordering: .acquiring) {
            let range = untaken.load(ordering: .acquiring)
            if range & 0xFFFF_FFFF < range >> 32 {
                takeSubnets(fromFront: false)
                idle = 0
            } else {
                idle += 1
                if idle > 64 { sched_yieldPortable() }
            }
        }
    }

    /// Takes and runs subnets of the current window, from its front or its back, until none
    /// is left.
    private func takeSubnets(fromFront: Bool) {
        while let position = take(fromFront: fromFront) {
            let window = self.window
            guard let subnets = window.subnets, let outputs = window.outputs else { return }
            let number = window.active[position]
            outputs[position] = InternetComputerSimulation.advance(&subnets[number], number: number, before: window.horizons[position])
            done.add(1, ordering: .releasing)
        }
    }

    /// The position of an untaken subnet of the current window, now taken, from its front or
    /// its back (`nil`: none is left).
    private func take(fromFront: Bool) -> Int? {
        var range = untaken.load(ordering: .acquiring)
        while true {
            let front = range & 0xFFFF_FFFF, back = range >> 32
            guard front < back else { return nil }
            let taken = fromFront ? front : back - 1
            let rest = fromFront ? back << 32 | (front + 1) : (back - 1) << 32 | front
            let (exchanged, original) = untaken.compareExchange(expected: range, desired: rest, ordering: .acquiringAndReleasing)
            if exchanged { return Int(taken) }
            range = original
        }
    }

    /// Runs each subnet of `active` (numbers into `subnets`, each once) to its horizon (the
    /// same position of `horizons`) on the crew: what each did, in `active`'s order. Called by
    /// the coordinator only.
    func advance(_ active: [Int], horizons: [SimInstant], of subnets: inout [Simulation<SubnetSimulation>]) -> [WindowOutput] {
        precondition(zip(active, active.dropFirst()).allSatisfy { $0 < $1 } && active.allSatisfy(subnets.indices.contains),
                     "each subnet once, in order")
        precondition(horizons.count == active.count, "one horizon per subnet")
        precondition(active.count < 1 << 32, "too many subnets for a window")
        var outputs = [WindowOutput](repeating: WindowOutput(), count: active.count)
        subnets.withUnsafeMutableBufferPointer { subnetSlots in
            outputs.withUnsafeMutableBufferPointer { outputSlots in
                window = Window(subnets: subnetSlots, active: active, horizons: horizons, outputs: outputSlots)
                done.store(0, ordering: .relaxed)
                untaken.store(UInt64(active.count) << 32, ordering: .releasing)
                takeSubnets(fromFront: true)
                var waits = 0
                while done.load(ordering: .acquiring) < active.count {
                    waits += 1
                    if waits > 64 { sched_yieldPortable() }
                }
                window = Window()
            }
        }
        return outputs
    }
}

#if canImport(Glibc)
import Glibc
/// Lets another thread run (a spinning thread's courtesy).
@inline(__always) func sched_yieldPortable() { _ = sched_yield() }
#elseif canImport(Darwin)
import Darwin
/// Lets another thread run (a spinning thread's courtesy).
@inline(__always) func sched_yieldPortable() { _ = sched_yield() }
#else
/// Nothing to yield to here.
@inline(__always) func sched_yieldPortable() {}
#endif
