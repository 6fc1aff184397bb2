import ICSim

/// Making one fault smaller: fewer nodes, fewer behaviours, a shorter window.
enum ShrinkFaults {
    /// `fault` with every node list cut to nodes below `size`; `nil` if nothing of it is left.
    static func restricted(_ fault: ScenarioFault, to size: Int) -> ScenarioFault? {
        mappingNodes(fault) { $0.filter { $0 < size } }
    }

    /// `fault` with each node list (its behaviours' too) passed through `transform`; `nil`
    /// when that leaves it naming no node (or a split with one group, a one-way fault without
    /// senders or receivers, a Byzantine node without behaviours).
    static func mappingNodes(_ fault: ScenarioFault, _ transform: ([Int]) -> [Int]) -> ScenarioFault? {
        var next = fault
        switch fault.kind {
        case .crash(let nodes): next.kind = .crash(nodes: transform(nodes))
        case .pause(let nodes): next.kind = .pause(nodes: transform(nodes))
        case .partition(let nodes): next.kind = .partition(nodes: transform(nodes))
        case .clockDrift(let nodes, let numerator, let denominator):
            next.kind = .clockDrift(nodes: transform(nodes), numerator: numerator, denominator: denominator)
        case .split(let groups):
            let left = groups.map(transform).filter { !$0.isEmpty }
            guard left.count >= 2 else { return nil }
            next.kind = .split(groups: left)
        case .oneWay(let from, let to):
            guard !transform(from).isEmpty, !transform(to).isEmpty else { return nil }
            next.kind = .oneWay(from: transform(from), to: transform(to))
        case .byzantine(let nodes, let behaviors):
            let kept = behaviors.compactMap { mappingNodes($0, transform) }
            guard !kept.isEmpty else { return nil }
            next.kind = .byzantine(nodes: transform(nodes), behaviors: kept)
        case .loss, .extraDelay, .duplication, .reordering: return fault
        }
        return next.nodes.isEmpty ? nil : next
    }

    static func mappingNodes(_ behavior: ByzantineBehavior, _ transform: ([Int]) -> [Int]) -> ByzantineBehavior? {
        switch behavior {
        case .equivocatingMaker(let groups): return .equivocatingMaker(groups: groups.map(transform).filter { !$0.isEmpty })
        case .selective(let peers): return .selective(transform(peers))
        case .twins(let groups):
            let left = groups.map(transform).filter { !$0.isEmpty }
            return left.count >= 2 ? .twins(groups: left) : nil
        default: return behavior
        }
    }

    /// Smaller versions of fault `index`: each node left out, each behaviour left out, the
    /// window's second half or first half.
    static func narrowings(of scenario: Scenario, fault index: Int) -> [(String, Scenario)] {
        let fault = scenario.faults[index]
        var variants: [(String, ScenarioFault)] = []
        for node in fault.nodes where fault.nodes.count > 1 {
            if let smaller = mappingNodes(fault, { $0.filter { $0 != node } }) { variants.append(("left node \(node) out of", smaller)) }
        }
        if case .byzantine(let nodes, let behaviors) = fault.kind, behaviors.count > 1 {
            for position in behaviors.indices {
                var fewer = fault
                var kept = behaviors
                kept.remove(at: position)
                fewer.kind = .byzantine(nodes: nodes, behaviors: kept)
                variants.append(("left behaviour \(position) out of", fewer))
            }
        }
        if let until = fault.until, until - fault.at > .milliseconds(2) {
            let middle = fault.at + .milliseconds((until - fault.at).nanoseconds / 2_000_000)
            var early = fault
            early.until = middle
            var late = fault
            late.at = middle
            variants += [("ended earlier", early), ("started later", late)]
        }
        return variants.map { description, changed in
            var next = scenario
            next.faults[index] = changed
            return ("\(description) fault \(index) (\(fault.kindName))", next)
        }
    }
}
