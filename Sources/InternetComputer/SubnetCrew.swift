import Dispatch
import Synchronization
import SimCore

/// The threads of a windowed run (``InternetComputerSimulation/run(until:users:threads:progressEvery:progress:)``):
/// the one place threads touch a simulation (Docs/Determinism.md, "Subnets in parallel").
///
/// A crew stands by for the whole run: the run's own thread is the coordinator, which steps
/// the clients and opens each window; the others wait, spinning, for a window's subnets. In a
/// window every thread, the coordinator included, takes the next subnet not yet taken (a
/// ticket from one counter) and runs it to the horizon; the coordinator then waits until
/// every subnet taken is done. Windows last tens of microseconds, so waking sleeping threads
/// for each would cost more than the window; spinning does not.
///
/// No thread is needed for progress: a subnet no worker takes, the coordinator runs, so a
/// crew whose workers never start (more threads than the machine has) is merely slower.
/// Subnets share nothing mutable, so which thread runs which subnet, and when, changes
/// nothing but the wall time.
final class SubnetCrew: @unchecked Sendable {
    /// Threads, the coordinator included (at least 2).
    let threads: Int
    /// The current window's tickets: its subnet count in the high 32 bits, the next position
    /// to take in the low 32. Taking a ticket past the count takes nothing.
    private let tickets = Atomic<UInt64>(0)
    /// Subnets of the current window done.
    private let done = Atomic<Int>(0)
    /// Set when the run ends: the workers return.
    private let stopped = Atomic<Bool>(false)
    /// The current window: written by the coordinator before it issues the window's
    /// tickets (release), read by a thread after it took a valid ticket (acquire).
    nonisolated(unsafe) private var window = Window()

    /// What a window asks: which subnets, until when, and where each one's output goes.
    private struct Window {
        var subnets: UnsafeMutableBufferPointer<Simulation<SubnetSimulation>>?
        var active: [Int] = []
        var outputs: UnsafeMutableBufferPointer<WindowOutput>?
        var horizon = SimInstant.zero
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
            let ticket = tickets.load(ordering: .acquiring)
            if ticket & 0xFFFF_FFFF < ticket >> 32 {
                takeSubnets()
                idle = 0
            } else {
                idle += 1
                if idle > 64 { sched_yieldPortable() }
            }
        }
    }

    /// Takes and runs subnets of the current window until none is left.
    private func takeSubnets() {
        while true {
            let ticket = tickets.add(1, ordering: .acquiringAndReleasing).oldValue
            let position = Int(ticket & 0xFFFF_FFFF)
            guard position < Int(ticket >> 32) else { return }
            let window = self.window
            guard let subnets = window.subnets, let outputs = window.outputs else { return }
            let number = window.active[position]
            outputs[position] = InternetComputerSimulation.advance(&subnets[number], number: number, before: window.horizon)
            done.add(1, ordering: .releasing)
        }
    }

    /// Runs each subnet of `active` (numbers into `subnets`, each once) to `horizon` on the
    /// crew: what each did, in `active`'s order. Called by the coordinator only.
    func advance(_ active: [Int], of subnets: inout [Simulation<SubnetSimulation>], before horizon: SimInstant) -> [WindowOutput] {
        precondition(zip(active, active.dropFirst()).allSatisfy { $0 < $1 } && active.allSatisfy(subnets.indices.contains),
                     "each subnet once, in order")
        precondition(active.count < 1 << 32, "too many subnets for a ticket")
        var outputs = [WindowOutput](repeating: WindowOutput(), count: active.count)
        subnets.withUnsafeMutableBufferPointer { subnetSlots in
            outputs.withUnsafeMutableBufferPointer { outputSlots in
                window = Window(subnets: subnetSlots, active: active, outputs: outputSlots, horizon: horizon)
                done.store(0, ordering: .relaxed)
                tickets.store(UInt64(active.count) << 32, ordering: .releasing)
                takeSubnets()
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
