import Testing
import SimCore
@testable import Consensus

/// The rules' shortcuts (``RuleSet``: a step's first pass runs only the rules its input may
/// have enabled; ``ConsensusNode/takeWithoutStep(_:now:)``: an inert message is stored
/// without a step) must change nothing a node does. Each node of a small subnet runs twice,
/// with the shortcuts and without, on the same inputs: messages that arrive late, out of
/// order, twice, or not at all, and wake-ups when asked for. Every step's outputs and wake-up
/// must be the same, and so must the heights reached.
@Suite("Rule scheduling")
struct RuleSchedulingTests {
    /// What the toy network delivers.
    enum Input {
        case deliver(to: Int, from: Int, artifacts: [Artifact])
        case wake(node: Int, at: SimInstant)
    }

    /// Runs `nodeCount` nodes for `seconds` with `seed` drawing the delays, losses and
    /// duplicates; the number of messages taken without a step and of steps.
    static func compare(nodeCount: Int, seed: UInt64, seconds: Int64) -> (withoutStep: Int, steps: Int, height: Height) {
        let configuration = ConsensusConfiguration(nodeCount: nodeCount)
        let genesis = Block.genesis(subnet: SHA256.hash(string: "RuleSchedulingTests"))
        var reference = (0..<nodeCount).map { ConsensusNode(id: NodeID($0), configuration: configuration, genesis: genesis) }
        for index in reference.indices { reference[index].schedulesRules = false }
        var candidate = (0..<nodeCount).map { ConsensusNode(id: NodeID($0), configuration: configuration, genesis: genesis) }
        var random = Xoshiro256StarStar(seed: seed)
        var queue = EventQueue<Input>()
        for node in 0..<nodeCount { queue.schedule(.wake(node: node, at: .zero), at: .zero) }
        var withoutStep = 0
        var steps = 0
        let end = SimInstant.zero + .seconds(seconds)
        while let event = queue.popNext(), event.time <= end {
            let now = event.time
            let node: Int
            let input: ConsensusInput
            switch event.payload {
            case .deliver(let to, let from, let artifacts):
                node = to
                input = .artifacts(artifacts, from: NodeID(from))
            case .wake(let index, let at):
                // Only the wake-up the node asked for last comes due.
                guard reference[index].wakeUpAt == at || at == .zero else { continue }
                node = index
                input = .wakeUp
            }
            let expected = reference[node].handle(input, now: now)
            let actual: ConsensusStep
            if case .artifacts(let artifacts, _) = input, candidate[node].takeWithoutStep(artifacts, now: now) {
                withoutStep += 1
                actual = ConsensusStep(outputs: [], wakeUpAt: candidate[node].wakeUpAt)
            } else {
                steps += 1
                actual = candidate[node].handle(input, now: now)
            }
            #expect(actual.outputs == expected.outputs, "node \(node) at \(now)")
            #expect(actual.wakeUpAt == expected.wakeUpAt, "node \(node) at \(now)")
            #expect(candidate[node].notarizedHeight == reference[node].notarizedHeight)
            #expect(candidate[node].finalizedTip == reference[node].finalizedTip)
            if let wake = expected.wakeUpAt, wake > now { queue.schedule(.wake(node: node, at: wake), at: wake) }
            send(expected.outputs, from: node, nodeCount: nodeCount, now: now, &random, &queue)
        }
        return (withoutStep, steps, reference.map(\.finalizedHeight).min() ?? 0)
    }

    /// Each output leaves as one message per receiver: lost with probability 1/16, delivered
    /// twice with 1/8, after 10-400 ms (so messages overtake each other).
    static func send(_ outputs: [ConsensusOutput], from node: Int, nodeCount: Int, now: SimInstant,
                     _ random: inout Xoshiro256StarStar, _ queue: inout EventQueue<Input>) {
        for output in outputs {
            let (artifact, receivers): (Artifact, [Int])
            switch output {
            case .broadcast(let broadcast): (artifact, receivers) = (broadcast, (0..<nodeCount).filter { $0 != node })
            case .send(let sent, let to): (artifact, receivers) = (sent, [to.index])
            case .finalized: continue
            }
            for receiver in receivers where random.next() % 16 != 0 {
                let copies = random.next() % 8 == 0 ? 2 : 1
                for _ in 0..<copies {
                    let delay = SimDuration.milliseconds(10 + Int64(random.next() % 390))
                    queue.schedule(.deliver(to: receiver, from: node, artifacts: [artifact]), at: now + delay)
                }
            }
        }
    }

    @Test(arguments: [(4, UInt64(1)), (4, 2), (7, 3), (7, 4), (13, 5)])
    func theShortcutsChangeNoStep(nodeCount: Int, seed: UInt64) {
        let run = Self.compare(nodeCount: nodeCount, seed: seed, seconds: 20)
        #expect(run.withoutStep > 0, "some messages were taken without a step")
        #expect(run.height > 3, "the subnet made progress: \(run.height)")
    }
}
