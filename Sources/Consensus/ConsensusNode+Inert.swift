import SimCore

// Taking a message without a step when the step would do nothing but store it.
extension ConsensusNode {
    /// Takes `.artifacts(artifacts, from:)` at `now` without a step when that step would
    /// output nothing and ask for the wake-up it asked for last (``wakeUpAt``): `true` if it
    /// did (the artifacts that change something are stored, as the step would store them),
    /// `false` if a step must run (nothing was taken then). It does when every artifact
    /// changes nothing (``changesNothing(_:)``), or is *inert*: a beacon, notarization or
    /// finalization share that leaves its height or block below its threshold, or a
    /// notarization of a block already notarized here. An inert artifact enables no rule
    /// (``RuleSet``), and the rules that wait for time cannot fire before ``wakeUpAt``: the
    /// last step computed it as the earliest time after its own at which one could, from
    /// state that storing shares does not change. So, before ``wakeUpAt``, after the last
    /// step, and before a catch-up request is due, the step would store the artifacts, fire
    /// nothing, and ask for the same wake-up.
    ///
    /// The shell calls it for each delivery to an honest node (most deliveries of an idle
    /// subnet change nothing or are inert), which then skips the step's allocation, its
    /// rules and its wake-up computation. Off with ``schedulesRules``.
    public mutating func takeWithoutStep(_ artifacts: [Artifact], now: SimInstant) -> Bool {
        var inert = 0
        for artifact in artifacts where !changesNothing(artifact) {
            // Each artifact before it in the message may have added a share to the same set.
            guard isInert(artifact, sharesBefore: artifacts.count) else { return false }
            inert += 1
        }
        guard inert > 0 else { return true }
        guard schedulesRules, rulesToRun.isEmpty, now >= settledAt, now < wakeUpAt ?? .max,
              now < max(lastProgressAt, lastCatchUpRequestAt ?? lastProgressAt) + configuration.catchUpInterval else { return false }
        // Those that change nothing are turned away here as the step would: no state, no output.
        for artifact in artifacts { _ = receive(artifact) }
        return true
    }

    /// Whether `artifact`, which changes something, is inert (see
    /// ``takeWithoutStep(_:now:)``) even if up to `sharesBefore` shares for the same height
    /// or block arrive first. Read-only; `mutating` only so the caller passes the node in
    /// place (see ``changesNothing(_:)``).
    @inline(__always)
    mutating func isInert(_ artifact: Artifact, sharesBefore: Int) -> Bool {
        switch artifact {
        case .beaconShare(let height, _):
            guard height > 0, beacons[height] == nil else { return false }
            return pool.read(height) { $0.beaconShares.count } + sharesBefore < configuration.beaconThreshold
        case .notarizationShare(let height, let block, _):
            guard height > finalizedHeight else { return false }
            let threshold = configuration.threshold
            return pool.read(height) { !$0.notarized.contains(block) && $0.notarizationShares.count(of: block) + sharesBefore < threshold }
        case .finalizationShare(let height, let block, _):
            guard height > finalizedHeight else { return false }
            let threshold = configuration.threshold
            return pool.read(height) { $0.finalizationShares.count(of: block) + sharesBefore < threshold }
        case .notarization(let height, let block, let signers):
            guard height > finalizedHeight, signers.count >= configuration.threshold else { return false }
            return pool.read(height) { $0.notarized.contains(block) }
        default:
            return false
        }
    }
}
