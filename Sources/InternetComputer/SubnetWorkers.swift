import Dispatch
import Synchronization
import SimCore

/// The threads of a windowed run (``InternetComputerSimulation/run(until:users:threads:progressEvery:progress:)``):
/// the one place threads touch a simulation (Docs/Determinism.md, "Subnets in parallel").
/// In a window each thread takes the next subnet not yet taken and runs it to the horizon;
/// subnets share nothing mutable, so which thread runs which subnet, and when, changes
/// nothing but the wall time.
struct SubnetWorkers: Sendable {
    /// Threads per window, the calling one included (at least 2).
    let threads: Int

    /// Workers for `threads` threads.
    /// - Precondition: `threads` is at least 2.
    init(threads: Int) {
        precondition(threads >= 2, "a windowed run on one thread needs no workers")
        self.threads = threads
    }

    /// Runs each subnet of `active` (numbers into `subnets`, each once) to `horizon` on the
    /// threads: what each did, in `active`'s order.
    func advance(_ active: [Int], of subnets: inout [Simulation<SubnetSimulation>], before horizon: SimInstant) -> [WindowOutput] {
        precondition(Set(active).count == active.count && active.allSatisfy(subnets.indices.contains), "each subnet once")
        var outputs = [WindowOutput](repeating: WindowOutput(), count: active.count)
        let taken = Atomic<Int>(0)
        subnets.withUnsafeMutableBufferPointer { subnetSlots in
            outputs.withUnsafeMutableBufferPointer { outputSlots in
                // Each slot is written by the one thread that took its position from
                // `taken`: no two threads touch the same subnet or output.
                nonisolated(unsafe) let subnetSlots = subnetSlots
                nonisolated(unsafe) let outputSlots = outputSlots
                DispatchQueue.concurrentPerform(iterations: min(threads, active.count)) { _ in
                    while true {
                        let position = taken.add(1, ordering: .relaxed).oldValue
                        guard position < active.count else { return }
                        let number = active[position]
                        outputSlots[position] = InternetComputerSimulation.advance(&subnetSlots[number], number: number, before: horizon)
                    }
                }
            }
        }
        return outputs
    }
}
