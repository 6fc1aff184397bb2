import ICSim

/// PHOLD parameters: 1,000 logical processes, 10 initial events each, exponential delays.
enum PHOLDParameters {
    static let processes = 1_000
    static let initialEventsPerProcess = 10
    static let eventsPerRun = 2_000_000
    static let meanDelay = SimDuration.milliseconds(1)
    static let kind = EventKind(code: 1, name: "phold")
}

/// PHOLD (Fujimoto 1990) on the ICSim kernel: every event, at logical process `p`, schedules
/// one new event at a uniformly random process after an exponential delay drawn from `p`'s stream.
struct PHOLD: SimulationModel {
    var streams: [RandomStream]

    init(seed: UInt64) {
        let root = RandomSeed(seed)
        streams = (0..<PHOLDParameters.processes).map { root.stream("lp", node: $0) }
    }

    mutating func start(_ scheduler: inout Scheduler<Int32>) {
        for process in 0..<PHOLDParameters.processes {
            for _ in 0..<PHOLDParameters.initialEventsPerProcess {
                handle(Int32(process), scheduler: &scheduler)
            }
        }
    }

    @inline(__always)
    mutating func handle(_ process: Int32, scheduler: inout Scheduler<Int32>) {
        let index = Int(process)
        let target = Int32(truncatingIfNeeded: streams[index].uniform(below: UInt64(PHOLDParameters.processes)))
        let delay = streams[index].exponential(mean: PHOLDParameters.meanDelay)
        scheduler.schedule(target, after: delay)
    }

    func traceRecord(for process: Int32) -> TraceRecord {
        TraceRecord(kind: PHOLDParameters.kind, actor: UInt32(process), payloadDigest: 0)
    }
}

/// One PHOLD run on the kernel; returns the final virtual time (equal to the peer's).
func runPHOLD(tracing: Bool) -> UInt64 {
    var simulation = Simulation(model: PHOLD(seed: 1), tracing: tracing)
    simulation.model.start(&simulation.scheduler)
    let result = simulation.run(.events(UInt64(PHOLDParameters.eventsPerRun)))
    precondition(result.stopReason == .eventLimit)
    return UInt64(result.now.nanosecondsSinceStart) ^ (tracing ? simulation.traceHash.value : 0)
}

/// The same PHOLD workload on a bare binary heap with no cancellation support, no handles and
/// no kernel: the floor our kernel's indexed heap and event loop are compared against.
func runPHOLDOnBareHeap() -> UInt64 {
    var model = PHOLD(seed: 1)
    var heap = BareHeap()
    var now: Int64 = 0
    var sequence: UInt64 = 0
    func push(_ process: Int32, _ model: inout PHOLD) {
        let index = Int(process)
        let target = Int32(truncatingIfNeeded: model.streams[index].uniform(below: UInt64(PHOLDParameters.processes)))
        let delay = model.streams[index].exponential(mean: PHOLDParameters.meanDelay)
        heap.push(time: now + delay.nanoseconds, sequence: sequence, process: target)
        sequence += 1
    }
    for process in 0..<PHOLDParameters.processes {
        for _ in 0..<PHOLDParameters.initialEventsPerProcess { push(Int32(process), &model) }
    }
    for _ in 0..<PHOLDParameters.eventsPerRun {
        let event = heap.pop()
        now = event.time
        push(event.process, &model)
    }
    return UInt64(now)
}

/// A minimal binary min-heap of (time, sequence, process).
struct BareHeap {
    struct Entry {
        var time: Int64
        var sequence: UInt64
        var process: Int32
        func precedes(_ other: Entry) -> Bool {
            time < other.time || (time == other.time && sequence < other.sequence)
        }
    }

    var entries: [Entry] = []

    mutating func push(time: Int64, sequence: UInt64, process: Int32) {
        var index = entries.count
        let entry = Entry(time: time, sequence: sequence, process: process)
        entries.append(entry)
        while index > 0 {
            let parent = (index - 1) / 2
            guard entry.precedes(entries[parent]) else { break }
            entries[index] = entries[parent]
            index = parent
        }
        entries[index] = entry
    }

    mutating func pop() -> Entry {
        let top = entries[0]
        let last = entries.removeLast()
        guard !entries.isEmpty else { return top }
        var index = 0
        let count = entries.count
        while true {
            var child = 2 * index + 1
            guard child < count else { break }
            if child + 1 < count && entries[child + 1].precedes(entries[child]) { child += 1 }
            guard entries[child].precedes(last) else { break }
            entries[index] = entries[child]
            index = child
        }
        entries[index] = last
        return top
    }
}

/// Timers armed and then cancelled or moved, as failure detectors and protocol timeouts do.
func runTimerChurn(operations: Int) -> UInt64 {
    var queue = EventQueue<UInt32>(reservingCapacity: 10_000)
    var stream = RandomSeed(2).stream("timers")
    var handles: [EventHandle] = []
    for index in 0..<10_000 {
        handles.append(queue.schedule(UInt32(index), at: .zero + .microseconds(Int64(stream.uniform(below: 1_000_000)))))
    }
    var checksum: UInt64 = 0
    for _ in 0..<operations {
        let slot = Int(stream.uniform(below: 10_000))
        let time = SimInstant.zero + .microseconds(Int64(stream.uniform(below: 1_000_000)))
        if stream.uniform(below: 2) == 0, let payload = queue.cancel(handles[slot]) {
            handles[slot] = queue.schedule(payload, at: time)
        } else {
            queue.reschedule(handles[slot], to: time)
        }
        checksum &+= queue.nextTime.map { UInt64($0.nanosecondsSinceStart) } ?? 0
    }
    return checksum
}

/// The classic "hold" model on the event queue alone: 10,000 pending events; each step pops
/// the earliest and schedules one at its time plus a uniform delay below 2 ms.
func runHoldOnEventQueue(steps: Int) -> UInt64 {
    var queue = EventQueue<UInt32>()
    var generator = SplitMix64(seed: 5)
    for index in 0..<10_000 {
        queue.schedule(UInt32(index), at: .zero + .nanoseconds(Int64(generator.next() % 2_000_000)))
    }
    var now = SimInstant.zero
    for _ in 0..<steps {
        guard let event = queue.popNext() else { break }
        now = event.time
        queue.schedule(event.payload, at: now + .nanoseconds(Int64(generator.next() % 2_000_000)))
    }
    return UInt64(now.nanosecondsSinceStart)
}

/// The same hold model on the bare binary heap: the peer for `hold-event-queue`.
func runHoldOnBareHeap(steps: Int) -> UInt64 {
    var heap = BareHeap()
    var generator = SplitMix64(seed: 5)
    var sequence: UInt64 = 0
    for index in 0..<10_000 {
        heap.push(time: Int64(generator.next() % 2_000_000), sequence: sequence, process: Int32(index))
        sequence += 1
    }
    var now: Int64 = 0
    for _ in 0..<steps {
        let event = heap.pop()
        now = event.time
        heap.push(time: now + Int64(generator.next() % 2_000_000), sequence: sequence, process: event.process)
        sequence += 1
    }
    return UInt64(now)
}

/// A synthetic module of about 1 MiB: 5,000 functions of type (i32) -> (i32), each adding
/// 1 to its argument 28 times.
func syntheticModule() -> [UInt8] {
    func leb(_ value: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var rest = value
        repeat {
            let low = UInt8(rest & 0x7F)
            rest >>= 7
            bytes.append(rest == 0 ? low : low | 0x80)
        } while rest != 0
        return bytes
    }
    func section(_ id: UInt8, _ contents: [UInt8]) -> [UInt8] { [id] + leb(contents.count) + contents }
    let functions = 5_000
    let step: [UInt8] = [0x20, 0x00, 0x41, 0x01, 0x6A, 0x21, 0x00]  // local.get 0; i32.const 1; i32.add; local.set 0
    let body: [UInt8] = [0x00] + Array([[UInt8]](repeating: step, count: 28).joined()) + [0x20, 0x00, 0x0B]
    let code = leb(functions) + Array([[UInt8]](repeating: leb(body.count) + body, count: functions).joined())
    return [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
        + section(1, [0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F])
        + section(3, leb(functions) + [UInt8](repeating: 0, count: functions))
        + section(10, code)
}

/// The kernel benchmark suite.
func kernelBenchmarks() -> [Benchmark] {
    let samples = 10_000_000
    var sha256Input = [UInt8](repeating: 0, count: 1 << 20)
    for index in sha256Input.indices { sha256Input[index] = UInt8(truncatingIfNeeded: index &* 31) }
    let input = sha256Input
    let module = syntheticModule()
    return [
        Benchmark(name: "phold", unit: "events", units: PHOLDParameters.eventsPerRun) { runPHOLD(tracing: false) },
        Benchmark(name: "phold-traced", unit: "events", units: PHOLDParameters.eventsPerRun) { runPHOLD(tracing: true) },
        Benchmark(name: "phold-bare-heap", unit: "events", units: PHOLDParameters.eventsPerRun) { runPHOLDOnBareHeap() },
        Benchmark(name: "hold-event-queue", unit: "steps", units: 4_000_000) { runHoldOnEventQueue(steps: 4_000_000) },
        Benchmark(name: "hold-bare-heap", unit: "steps", units: 4_000_000) { runHoldOnBareHeap(steps: 4_000_000) },
        Benchmark(name: "timer-churn", unit: "ops", units: 2_000_000) { runTimerChurn(operations: 2_000_000) },
        Benchmark(name: "xoshiro-next", unit: "draws", units: samples) {
            var stream = RandomSeed(3).stream("bench")
            var sum: UInt64 = 0
            for _ in 0..<samples { sum &+= stream.next() }
            return sum
        },
        Benchmark(name: "exponential-sample", unit: "draws", units: samples) {
            var stream = RandomSeed(4).stream("bench")
            var sum: UInt64 = 0
            for _ in 0..<samples { sum &+= UInt64(stream.exponential(mean: .milliseconds(1)).nanoseconds) }
            return sum
        },
        Benchmark(name: "sha256-1MiB", unit: "bytes", units: input.count) {
            SHA256.hash(input).prefix64
        },
        Benchmark(name: "wasm-load-1MiB", unit: "bytes", units: module.count) {
            guard let loaded = try? WasmModule.load(module) else { preconditionFailure("the synthetic module is valid") }
            return UInt64(loaded.bodies.count)
        },
        Benchmark(name: "stablehasher-words", unit: "words", units: samples) {
            var hasher = StableHasher()
            for word in 0..<UInt64(samples) { hasher.combine(word) }
            return hasher.finalize()
        },
    ]
}
