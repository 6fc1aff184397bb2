import SimCore

/// The rules of ``ConsensusNode/progress(_:_:)`` that only a change of the node's state can
/// make fire (the others, proposing and signing notarization shares, also wait for time and
/// run in every pass). After a step the rules are at their fixpoint: none of these would fire
/// again until an input changes what it reads. So the first pass of the next step runs only
/// those an input may have enabled (``ConsensusNode/rulesToRun``); once any rule fires, the
/// rest of that pass and every later pass run every rule, exactly as before.
struct RuleSet: OptionSet, Sendable {
    let rawValue: UInt8

    /// Making and accepting beacons: a beacon share that brings its height to f + 1, or a
    /// received beacon.
    static let acceptBeacons = RuleSet(rawValue: 1 << 0)
    /// Validating pending blocks: a received block.
    static let validatePendingBlocks = RuleSet(rawValue: 1 << 1)
    /// Aggregating notarizations: a notarization share that brings its block to the
    /// threshold, or a received notarization of a block not yet notarized here.
    static let aggregateNotarizations = RuleSet(rawValue: 1 << 2)
    /// Signing the round's beacon share, and finalization shares: only other rules (and the
    /// node's start or a catch-up) change what they read.
    static let signShares = RuleSet(rawValue: 1 << 3)
    /// Every rule (the first step, and after a catch-up package).
    static let all: RuleSet = [.acceptBeacons, .validatePendingBlocks, .aggregateNotarizations, .signShares]
}

extension ConsensusNode {
    // MARK: - Progress

    /// Applies every rule that can fire, until none can. The first pass skips the rules
    /// that only a change of state enables and that no input since the last step enabled
    /// (``RuleSet``): at the fixpoint the last step left, they return `false` and change
    /// nothing, so skipping them leaves the outputs and the state as running them would.
    /// Aggregating finalizations runs in every pass: its own flag (`finalizationPending`)
    /// already makes it a test when nothing enabled it.
    mutating func progress(_ now: SimInstant, _ step: inout ConsensusStep) {
        var due = schedulesRules ? rulesToRun : .all
        rulesToRun = []
        var changed = true
        while changed {
            // Within a pass, a rule after one that fired runs whatever `due` says.
            changed = false
            if due.contains(.acceptBeacons) { changed = acceptBeacons(now, &step) }
            if changed || due.contains(.validatePendingBlocks) { changed = validatePendingBlocks(&step) || changed }
            if changed || due.contains(.aggregateNotarizations) { changed = aggregateNotarizations(now, &step) || changed }
            if changed || due.contains(.signShares) { changed = signBeaconShare(&step) || changed }
            changed = propose(now, &step) || changed
            changed = notarize(now, &step) || changed
            if changed || due.contains(.signShares) { changed = signFinalizationShares(&step) || changed }
            changed = aggregateFinalizations(&step) || changed
            due = .all
        }
    }
}
