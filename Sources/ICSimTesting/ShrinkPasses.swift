import ICSim

/// The kinds of change the shrinker tries, coarse to fine.
enum ShrinkPass: CaseIterable {
    case removeFaults, removeClients, removeSubnets, shortenRun, fewerNodes, removeNodes, removeNodePairs, narrowFaults, lighterWorkload, defaultParameters, removeCanisters

    func candidates(of scenario: Scenario) -> [(String, Scenario)] {
        switch self {
        case .removeFaults:
            return ShrinkLists.removals(of: scenario.faults, named: "fault") { var next = scenario; next.faults = $0; return next }
        case .removeClients:
            let protected = Set(scenario.expectations.latency.map(\.calls) + scenario.expectations.throughput.map(\.calls))
            return ShrinkLists.removals(of: scenario.clients, named: "client") { kept in
                guard kept.count < scenario.clients.count else { return nil }
                let removed = scenario.clients.filter { client in !kept.contains { $0.name == client.name } }
                guard !removed.contains(where: { protected.contains(.client($0.name)) }) else { return nil }
                var next = scenario
                next.clients = kept
                return next
            }
        case .removeSubnets: return subnetRemovals(scenario)
        case .shortenRun:
            let millis = scenario.duration.nanoseconds / 1_000_000
            return [millis / 4, millis / 2, millis * 3 / 4].filter { $0 >= 1 && $0 < millis }.map { shorter in
                var next = scenario
                next.duration = .milliseconds(shorter)
                return ("shortened the run to \(next.duration)", next)
            }
        case .fewerNodes: return nodeReductions(scenario)
        case .removeNodes: return nodeRemovals(scenario, groupSize: 1)
        case .removeNodePairs: return nodeRemovals(scenario, groupSize: 2)
        case .narrowFaults: return scenario.faults.indices.flatMap { ShrinkFaults.narrowings(of: scenario, fault: $0) }
        case .lighterWorkload: return scenario.clients.indices.compactMap { lighter(scenario, client: $0) }
        case .defaultParameters: return scenario.subnets.indices.flatMap { defaults(scenario, subnet: $0) }
        case .removeCanisters: return canisterRemovals(scenario)
        }
    }

    func subnetRemovals(_ scenario: Scenario) -> [(String, Scenario)] {
        guard scenario.subnets.count > 1 else { return [] }
        return scenario.subnets.indices.map { index in
            let name = scenario.subnets[index].name
            var next = scenario
            next.subnets.remove(at: index)
            let gone = Set(scenario.canisters.indices.filter { scenario.subnetIndex(of: scenario.canisters[$0]) == index }.map { scenario.canisters[$0].name })
            next.canisters.removeAll { gone.contains($0.name) }
            next.clients.removeAll { gone.contains($0.canister) }
            next.faults.removeAll { $0.subnet == name || ($0.subnet == nil && index == 0) }
            return ("removed subnet \"\(name)\" with its canisters, clients and faults", next)
        }
    }

    /// The subnets at smaller sizes of the form 3f + 1, smallest first, with node lists cut to
    /// the nodes that remain.
    func nodeReductions(_ scenario: Scenario) -> [(String, Scenario)] {
        scenario.subnets.indices.flatMap { index -> [(String, Scenario)] in
            let count = scenario.subnets[index].nodeCount
            let sizes = stride(from: 4, to: count, by: 3)
            return sizes.map { size in
                var next = scenario
                next.subnets[index].nodes = size
                let name = scenario.subnets[index].name
                next.faults = scenario.faults.compactMap { fault in
                    let onSubnet = fault.subnet == name || (fault.subnet == nil && index == 0)
                    return onSubnet ? ShrinkFaults.restricted(fault, to: size) : fault
                }
                return ("made subnet \"\(name)\" \(size) nodes", next)
            }
        }
    }

    /// Each node (`groupSize` 1) or pair of nodes (2; subnets of at most 16 nodes) taken out
    /// of its subnet: the subnet smaller, the nodes gone from every list and the nodes above
    /// renumbered down. Pairs find what single removals cannot: a fork needs a quorum on both
    /// sides of a split, so one node must go from each side at once.
    func nodeRemovals(_ scenario: Scenario, groupSize: Int) -> [(String, Scenario)] {
        scenario.subnets.indices.flatMap { index -> [(String, Scenario)] in
            let count = scenario.subnets[index].nodeCount
            guard count > groupSize, groupSize == 1 || count <= 16 else { return [] }
            let groups: [[Int]] = groupSize == 1 ? (0..<count).reversed().map { [$0] }
                : (0..<count).reversed().flatMap { high in (0..<high).reversed().map { [high, $0] } }
            let name = scenario.subnets[index].name
            return groups.map { removed in
                var next = scenario
                next.subnets[index].nodes = count - removed.count
                next.faults = scenario.faults.compactMap { fault in
                    guard fault.subnet == name || (fault.subnet == nil && index == 0) else { return fault }
                    return ShrinkFaults.mappingNodes(fault) { nodes in
                        nodes.filter { !removed.contains($0) }.map { node in node - removed.filter { $0 < node }.count }
                    }
                }
                let which = removed.map(String.init).joined(separator: " and ")
                return ("took node\(removed.count > 1 ? "s" : "") \(which) out of subnet \"\(name)\" (now \(count - removed.count) nodes)", next)
            }
        }
    }

    func lighter(_ scenario: Scenario, client index: Int) -> (String, Scenario)? {
        var next = scenario
        let client = scenario.clients[index]
        switch client.load {
        case .openLoop(let rate, let poisson) where rate > 1:
            next.clients[index].load = .openLoop(ratePerSecond: max(1, (rate / 2).rounded()), poisson: poisson)
        case .closedLoop(let users, let think) where users > 1:
            next.clients[index].load = .closedLoop(users: users / 2, thinkTime: think)
        default: return nil
        }
        return ("halved the load of client \"\(client.name)\"", next)
    }

    func defaults(_ scenario: Scenario, subnet index: Int) -> [(String, Scenario)] {
        let subnet = scenario.subnets[index]
        var plain = subnet
        plain.unitDelay = nil
        plain.initialNotaryDelay = nil
        plain.payloadItemsMax = nil
        plain.payloadBytesMax = nil
        plain.uploadBitsPerSecond = nil
        plain.checkpointIntervalHeights = nil
        plain.ingressTimeToLive = nil
        plain.network = .cloudRegions(nil)
        plain.executesOnEveryReplica = false
        var candidates: [(String, ScenarioSubnet)] = [("every parameter of subnet \"\(subnet.name)\" to its default", plain)]
        let single: [(String, (inout ScenarioSubnet) -> Void)] = [
            ("unitDelay", { $0.unitDelay = nil }), ("initialNotaryDelay", { $0.initialNotaryDelay = nil }),
            ("payloadItemsMax", { $0.payloadItemsMax = nil }), ("checkpointInterval", { $0.checkpointIntervalHeights = nil }),
            ("ingressTimeToLive", { $0.ingressTimeToLive = nil }), ("regions", { $0.network = .cloudRegions(nil) }),
            ("executesOnEveryReplica", { $0.executesOnEveryReplica = false }),
        ]
        for (name, reset) in single {
            var changed = subnet
            reset(&changed)
            candidates.append(("\(name) of subnet \"\(subnet.name)\" to its default", changed))
        }
        return candidates.compactMap { description, changed in
            guard changed != subnet else { return nil }
            var next = scenario
            next.subnets[index] = changed
            return ("set " + description, next)
        }
    }

    func canisterRemovals(_ scenario: Scenario) -> [(String, Scenario)] {
        let called = Set(scenario.clients.map(\.canister))
        // Only the last canister: canister IDs follow the order, and arguments may name them.
        guard let last = scenario.canisters.last, !called.contains(last.name) else { return [] }
        var next = scenario
        next.canisters.removeLast()
        return [("removed canister \"\(last.name)\", which no client calls", next)]
    }
}

/// Removals from a list: halves, quarters, ... single elements (ddmin's complements).
enum ShrinkLists {
    static func removals<T>(of items: [T], named noun: String, _ make: ([T]) -> Scenario?) -> [(String, Scenario)] {
        guard !items.isEmpty else { return [] }
        var candidates: [(String, Scenario)] = []
        var chunk = items.count
        while chunk >= 1 {
            for start in stride(from: 0, to: items.count, by: chunk) {
                let end = min(start + chunk, items.count)
                var kept = items
                kept.removeSubrange(start..<end)
                let what = end - start == 1 ? "\(noun) \(start)" : "\(noun)s \(start)-\(end - 1)"
                if let scenario = make(kept) { candidates.append(("removed \(what) of \(items.count)", scenario)) }
            }
            chunk = chunk == 1 ? 0 : (chunk + 1) / 2
        }
        return candidates
    }
}
