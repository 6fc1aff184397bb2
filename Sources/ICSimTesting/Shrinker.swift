import ICSim

/// What a shrink came to.
public struct ShrinkResult: Sendable {
    /// The scenario as given (with its expectations set so the check fails when the property
    /// breaks; see ``Shrinker``).
    public let original: Scenario
    /// The smallest failing scenario found.
    public let shrunk: Scenario
    /// The check it fails.
    public let check: String
    /// Simulations run.
    public let runs: Int
    /// Each accepted step, in order.
    public let steps: [String]
    /// Whether it stopped at the run budget rather than at a fixed point.
    public let stoppedAtBudget: Bool
}

/// Delta debugging (Zeller and Hildebrandt, 2002) of a failing scenario: greedily removes
/// faults, clients, subnets and canisters (in halves, then quarters, down to one at a time),
/// shortens the run, makes subnets smaller, narrows each fault (fewer nodes, fewer behaviours,
/// a shorter window), lightens the workload and returns parameters to their defaults,
/// keeping each change after which the scenario still fails the same check, until no single
/// change keeps it failing or the run budget is spent.
///
/// The check is judged by the property, not the scenario's verdict: the expectation of the
/// check is set so that it fails when the property breaks (`"safety": true` for `safety`, so a
/// scenario that expects its fork, like f-plus-one-fork, shrinks to a smaller fork), and it
/// counts only when judged (``ScenarioReport/Check/isVacuous``): a run cut short of the
/// liveness bound does not count as stalled, nor a latency or throughput bound whose calls were
/// all removed as failing it.
public enum Shrinker {
    /// The checks it can shrink for: `safety`, `liveness`, `nothingLost`, `allCallsAnswered`,
    /// `latency[i]` and `throughput[i]`.
    public static func isShrinkable(_ check: String) -> Bool {
        ["safety", "liveness", "nothingLost", "allCallsAnswered"].contains(check) || check.hasPrefix("latency[") || check.hasPrefix("throughput[")
    }

    /// Shrinks `scenario` to a smaller one that still fails `check` (`nil`: the first check
    /// it fails), running at most `runsMax` simulations; `fails` decides a candidate (by
    /// default: run it and look at the check), `log` hears each accepted step.
    /// - Returns: `nil` if the scenario does not fail the check to begin with.
    public static func shrink(_ scenario: Scenario, check: String?, runsMax: Int = 300,
                              fails: ((Scenario, String) -> Bool)? = nil, log: (String) -> Void = { _ in }) -> ShrinkResult? {
        var original = scenario
        let decide = fails ?? { candidate, name in failedChecks(candidate).contains(name) }
        guard let name = check ?? failedChecks(original).first else { return nil }
        prepare(&original, for: name)
        guard decide(original, name) else { return nil }
        var search = ShrinkSearch(current: original, runsLeft: runsMax - 1) { decide($0, name) }
        search.run(log: log)
        search.current.description = "Shrunk by icsim shrink (check \(name), \(search.steps.count) steps) from \"\(scenario.name)\""
            + (scenario.description.isEmpty ? "" : ": \(scenario.description)")
        return ShrinkResult(original: original, shrunk: search.current, check: name, runs: runsMax - search.runsLeft,
                            steps: search.steps, stoppedAtBudget: search.runsLeft <= 0)
    }

    /// The checks `scenario` fails when run (`scenario` when it does not build).
    public static func failedChecks(_ scenario: Scenario) -> [String] {
        let outcome = SwarmGenerator.run(scenario)
        guard outcome.failedChecks.first?.name != "scenario" else { return ["scenario"] }
        // A check that failed only because what it checks did not happen (every client of a
        // latency bound removed, a run too short to judge liveness) says nothing: not failing.
        return outcome.failedChecks.filter { !$0.isVacuous }.map(\.name)
    }

    /// Sets the expectations so `check` fails exactly when its property breaks.
    static func prepare(_ scenario: inout Scenario, for check: String) {
        switch check {
        case "safety": scenario.expectations.safety = true
        case "liveness": scenario.expectations.liveness = true
        case "allCallsAnswered": scenario.expectations.allCallsAnswered = true
        default: break
        }
    }
}

/// The greedy search: passes of candidate changes, each kept if the scenario still fails.
struct ShrinkSearch {
    var current: Scenario
    var runsLeft: Int
    let fails: (Scenario) -> Bool
    var steps: [String] = []
    /// Candidates already run that did not fail: a later round offers many of them again
    /// (every change but the accepted ones), and they are skipped without a run. Only looked
    /// up, never iterated.
    var passed: Set<Scenario> = []

    init(current: Scenario, runsLeft: Int, fails: @escaping (Scenario) -> Bool) {
        self.current = current
        self.runsLeft = runsLeft
        self.fails = fails
    }

    /// Repeats the passes until one whole round changes nothing or the budget runs out.
    mutating func run(log: (String) -> Void) {
        var changed = true
        while changed && runsLeft > 0 {
            changed = false
            for pass in ShrinkPass.allCases {
                while runsLeft > 0, let (description, candidate) = firstFailing(pass.candidates(of: current)) {
                    current = candidate
                    steps.append(description)
                    log(description)
                    changed = true
                }
            }
        }
    }

    /// The first valid candidate that still fails (each one tried costs a run, unless it was
    /// run before).
    mutating func firstFailing(_ candidates: [(String, Scenario)]) -> (String, Scenario)? {
        for (description, candidate) in candidates where candidate != current && !passed.contains(candidate) && candidate.problems().isEmpty {
            guard runsLeft > 0 else { return nil }
            runsLeft -= 1
            if fails(candidate) { return (description, candidate) }
            passed.insert(candidate)
        }
        return nil
    }
}
