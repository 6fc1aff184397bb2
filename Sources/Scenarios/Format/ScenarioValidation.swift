import SimCore
import Consensus
import InternetComputer

extension Scenario {
    /// What is wrong with the scenario (empty when it can run), each problem with the JSON
    /// path of the value at fault and what would be valid. Modules are checked when the
    /// scenario is built (``ScenarioSimulation``), where they are read.
    public func problems() -> [JSONProblem] {
        var problems: [JSONProblem] = []
        let root = JSONPath()
        if name.isEmpty { problems.append(JSONProblem(root.appending("name"), "must not be empty")) }
        if duration <= .zero || duration > .hours(24 * 30) {
            problems.append(JSONProblem(root.appending("duration"), "expected a duration longer than zero and at most 30 days, found \(duration)"))
        }
        if subnets.isEmpty { problems.append(JSONProblem(root.appending("subnets"), "at least one subnet is needed")) }
        if subnets.count > 100 { problems.append(JSONProblem(root.appending("subnets"), "at most 100 subnets, found \(subnets.count)")) }
        problems += Self.duplicates(subnets.map(\.name), at: root.appending("subnets"), what: "subnet")
        for (index, subnet) in subnets.enumerated() { problems += subnet.problems(at: root.appending("subnets").appending(index)) }
        problems += Self.duplicates(canisters.map(\.name), at: root.appending("canisters"), what: "canister")
        for (index, canister) in canisters.enumerated() { problems += canisterProblems(canister, at: root.appending("canisters").appending(index)) }
        problems += Self.duplicates(clients.map(\.name), at: root.appending("workload"), what: "client")
        for (index, client) in clients.enumerated() { problems += clientProblems(client, at: root.appending("workload").appending(index)) }
        for (index, fault) in faults.enumerated() { problems += faultProblems(fault, at: root.appending("faults").appending(index)) }
        problems += byzantineProblems()
        problems += expectationProblems(at: root.appending("expectations"))
        return problems
    }

    static func duplicates(_ names: [String], at path: JSONPath, what: String) -> [JSONProblem] {
        var seen: [String: Int] = [:]
        var problems: [JSONProblem] = []
        for (index, name) in names.enumerated() {
            if let first = seen[name] {
                problems.append(JSONProblem(path.appending(index).appending("name"), "\(what) \"\(name)\" is already the name of \(path)[\(first)]"))
            } else {
                seen[name] = index
            }
        }
        return problems
    }

    /// A subnet reference: the problem when `name` names no subnet.
    func subnetReference(_ name: String?, at path: JSONPath) -> JSONProblem? {
        guard let name, subnet(named: name) == nil else { return nil }
        return JSONProblem(path, "no subnet is named \"\(name)\"; the subnets are \(ScenarioReader.quotedList(subnets.map(\.name)))")
    }

    func canisterProblems(_ canister: ScenarioCanister, at path: JSONPath) -> [JSONProblem] {
        var problems: [JSONProblem] = []
        if canister.name.isEmpty { problems.append(JSONProblem(path.appending("name"), "must not be empty")) }
        if let problem = subnetReference(canister.subnet, at: path.appending("subnet")) { problems.append(problem) }
        if !(0...100).contains(canister.computeAllocationPercent) {
            problems.append(JSONProblem(path.appending("computeAllocation"), "expected a percentage from 0 to 100, found \(canister.computeAllocationPercent)"))
        }
        if let controllers = canister.controllers, !(1...10).contains(controllers.count) {
            problems.append(JSONProblem(path.appending("controllers"), "expected 1 to 10 controllers (the first installs the canister), found \(controllers.count)"))
        }
        if case .builtin(let name) = canister.wasm, BuiltinCanisters.module(named: name) == nil {
            problems.append(JSONProblem(path.appending("wasm"), "no built-in canister \"\(name)\""))
        }
        return problems
    }

    func clientProblems(_ client: ClientSpecification, at path: JSONPath) -> [JSONProblem] {
        var problems: [JSONProblem] = []
        if client.name.isEmpty { problems.append(JSONProblem(path.appending("name"), "must not be empty")) }
        if CallKind(rawValue: client.name) != nil {
            problems.append(JSONProblem(path.appending("name"), "\"\(client.name)\" is reserved (expectations use it for all calls of that kind)"))
        }
        if let steps = client.steps {
            problems += stepProblems(steps, client: client, at: path)
        } else {
            if let problem = canisterReference(client.canister, at: path.appending("canister")) { problems.append(problem) }
            if client.method.isEmpty { problems.append(JSONProblem(path.appending("method"), "must not be empty")) }
        }
        switch client.load {
        case .openLoop(let rate, _) where !(rate >= 0.001 && rate <= 1_000_000):
            problems.append(JSONProblem(path.appending("rate"), "expected from 0.001 to 1000000 calls per second, found \(rate)"))
        case .closedLoop(let users, let thinkTime) where users < 1 || users > 100_000 || thinkTime < .zero:
            problems.append(JSONProblem(path.appending("users"), "expected 1 to 100000 users and a think time of zero or more"))
        default: break
        }
        if case .random(_, let bytes) = client.argument, !(0...(2 << 20)).contains(bytes) {
            problems.append(JSONProblem(path.appending("argument"), "a random argument must be 0 to 2 MiB, found \(bytes) bytes"))
        }
        let until = client.until ?? duration
        if case .openLoop(let rate, _) = client.load, rate > 0 {
            // Every call is kept until the end of the run (the nothing-lost checker reads them).
            let seconds = Double((min(until, duration) - client.from).nanoseconds) / 1e9
            if rate * seconds > 100_000_000 {
                problems.append(JSONProblem(path.appending("rate"), "\(JSONValue.decimal(rate)) calls a second for \(Int64(seconds)) s is "
                    + "\(Int64(rate * seconds)) calls, more than the 100,000,000 one client may make in a run; lower the rate or shorten the window"))
            }
        }
        if client.from < .zero || client.from > duration {
            problems.append(JSONProblem(path.appending("from"), "expected a time within the run (0 to \(duration)), found \(client.from)"))
        }
        if until < client.from { problems.append(JSONProblem(path.appending("until"), "ends (\(until)) before it starts (\(client.from))")) }
        if client.networkDelay < .zero { problems.append(JSONProblem(path.appending("networkDelay"), "must not be negative")) }
        if client.networkJitter < .zero { problems.append(JSONProblem(path.appending("networkJitter"), "must not be negative")) }
        if client.pollInterval <= .zero { problems.append(JSONProblem(path.appending("pollInterval"), "must be longer than zero")) }
        return problems
    }

    func faultProblems(_ fault: ScenarioFault, at path: JSONPath) -> [JSONProblem] {
        if let problem = subnetReference(fault.subnet, at: path.appending("subnet")) { return [problem] }
        guard let (_, subnet) = fault.subnet.flatMap({ subnet(named: $0) }) ?? subnets.first.map({ (0, $0) }) else { return [] }
        var problems: [JSONProblem] = []
        if fault.at < .zero { problems.append(JSONProblem(path.appending("at"), "must not be negative")) }
        if let until = fault.until, until < fault.at {
            problems.append(JSONProblem(path.appending("until"), "ends (\(until)) before it starts (\(fault.at))"))
        }
        let count = subnet.nodeCount
        func check(_ nodes: [Int], _ nodesPath: JSONPath) {
            for (index, node) in nodes.enumerated() where node < 0 || node >= count {
                problems.append(JSONProblem(nodesPath.appending(index), "node \(node) does not exist in subnet \"\(subnet.name)\" (\(count) nodes: 0-\(count - 1))"))
            }
        }
        switch fault.kind {
        case .crash(let nodes), .pause(let nodes), .partition(let nodes), .clockDrift(let nodes, _, _): check(nodes, path.appending("nodes"))
        case .split(let groups):
            for (index, group) in groups.enumerated() { check(group, path.appending("groups").appending(index)) }
        case .oneWay(let from, let to):
            check(from, path.appending("from"))
            check(to, path.appending("to"))
        case .byzantine(let nodes, let behaviors):
            check(nodes, path.appending("nodes"))
            if behaviors.isEmpty { problems.append(JSONProblem(path.appending("behaviors"), "expected at least one behaviour")) }
            for (index, behavior) in behaviors.enumerated() {
                problems += behavior.problems(nodeCount: count).map { JSONProblem(path.appending("behaviors").appending(index), "\($0) in subnet \"\(subnet.name)\"") }
                if case .twins = behavior, fault.at != .zero || fault.until != nil {
                    problems.append(JSONProblem(path.appending("behaviors").appending(index), "twins run for the whole run: leave out \"at\" and \"until\""))
                }
            }
        case .extraDelay(let delay) where delay < .zero: problems.append(JSONProblem(path.appending("delay"), "must not be negative"))
        case .reordering(let bound) where bound <= .zero: problems.append(JSONProblem(path.appending("bound"), "must be longer than zero"))
        case .loss, .duplication, .extraDelay, .reordering: break
        }
        if fault.nodes.isEmpty, case .byzantine = fault.kind { problems.append(JSONProblem(path.appending("nodes"), "expected at least one node")) }
        return problems
    }

    /// Each subnet's Byzantine nodes: each node in one Byzantine fault at most, at most f of
    /// them unless the subnet opts in; one clock drift per node.
    func byzantineProblems() -> [JSONProblem] {
        var problems: [JSONProblem] = []
        for (subnetIndex, subnet) in subnets.enumerated() {
            var byzantine: [Int] = []
            var drifting: [Int] = []
            for (index, fault) in faults.enumerated() where (fault.subnet.flatMap { self.subnet(named: $0)?.index } ?? 0) == subnetIndex
                && (fault.subnet == nil || self.subnet(named: fault.subnet ?? "") != nil) {
                if case .byzantine(let nodes, _) = fault.kind {
                    for (position, node) in nodes.enumerated() where byzantine.contains(node) {
                        problems.append(JSONProblem(JSONPath().appending("faults").appending(index).appending("nodes").appending(position),
                                                    "node \(node) of subnet \"\(subnet.name)\" is already Byzantine (one Byzantine fault per node)"))
                    }
                    byzantine += nodes.filter { !byzantine.contains($0) }
                }
                if case .clockDrift(let nodes, _, _) = fault.kind {
                    for (position, node) in nodes.enumerated() where drifting.contains(node) {
                        problems.append(JSONProblem(JSONPath().appending("faults").appending(index).appending("nodes").appending(position),
                                                    "node \(node) of subnet \"\(subnet.name)\" already has a clock drift (one per node)"))
                    }
                    drifting += nodes
                }
            }
            let f = (subnet.nodeCount - 1) / 3
            if byzantine.count > f && !subnet.allowsMoreThanFByzantine {
                problems.append(JSONProblem(JSONPath().appending("faults"),
                    "subnet \"\(subnet.name)\" has \(byzantine.count) Byzantine nodes (\(byzantine.sorted().map(String.init).joined(separator: ", "))), "
                    + "more than f = \(f) of its \(subnet.nodeCount) nodes; set \"allowMoreThanFByzantine\": true on the subnet to run it anyway"))
            }
        }
        return problems
    }

    func expectationProblems(at path: JSONPath) -> [JSONProblem] {
        var problems: [JSONProblem] = []
        func check(_ selector: CallSelector, _ selectorPath: JSONPath) {
            guard case .client(let name) = selector, !clients.contains(where: { $0.name == name }) else { return }
            let known = clients.isEmpty ? "there are no clients" : "the clients are \(ScenarioReader.quotedList(clients.map(\.name)))"
            problems.append(JSONProblem(selectorPath, "no client is named \"\(name)\" (and it is not \"update\" or \"query\"); \(known)"))
        }
        for (index, bound) in expectations.latency.enumerated() {
            check(bound.calls, path.appending("latency").appending(index).appending("calls"))
            if !ScenarioReader.quantiles.contains(where: { $0.perMille == bound.perMille }) {
                problems.append(JSONProblem(path.appending("latency").appending(index), "quantile \(bound.perMille) per mille is not one of "
                    + ScenarioReader.quantiles.map { "\($0.perMille) (\($0.key))" }.joined(separator: ", ")))
            }
        }
        for (index, bound) in expectations.throughput.enumerated() {
            check(bound.calls, path.appending("throughput").appending(index).appending("calls"))
        }
        for (index, bound) in expectations.blockRate.enumerated() where subnet(named: bound.subnet) == nil {
            problems.append(JSONProblem(path.appending("blockRate").appending(index).appending("subnet"),
                                        "no subnet is named \"\(bound.subnet)\"; the subnets are \(ScenarioReader.quotedList(subnets.map(\.name)))"))
        }
        return problems
    }
}

extension ScenarioSubnet {
    /// What is wrong with a list of IC data centres at `path`: none, a name that is not one of
    /// the twelve, or a name listed twice (mainnet puts at most one node of a subnet in a data
    /// centre).
    static func dataCentreProblems(_ names: [String], at path: JSONPath) -> [JSONProblem] {
        var problems: [JSONProblem] = []
        let known = LatencyMatrix.icDataCentreNames
        if names.isEmpty { problems.append(JSONProblem(path, "expected at least one data centre")) }
        for (index, name) in names.enumerated() {
            if !known.contains(name) {
                problems.append(JSONProblem(path.appending(index), "unknown data centre \"\(name)\"; expected one of \(ScenarioReader.quotedList(known))"))
            } else if let first = names.firstIndex(of: name), first < index {
                problems.append(JSONProblem(path.appending(index), "data centre \"\(name)\" is already listed at \(path.appending(first)); list each once"))
            }
        }
        return problems
    }

    /// What is wrong with the subnet on its own.
    func problems(at path: JSONPath) -> [JSONProblem] {
        var problems: [JSONProblem] = []
        if name.isEmpty { problems.append(JSONProblem(path.appending("name"), "must not be empty")) }
        if !(1...1_000).contains(nodeCount) { problems.append(JSONProblem(path.appending("nodes"), "expected 1 to 1000 nodes, found \(nodeCount)")) }
        switch network {
        case .cloudRegions(let names?):
            let known = LatencyMatrix.cloudRegions.regions
            if names.isEmpty { problems.append(JSONProblem(path.appending("regions"), "expected at least one region")) }
            for (index, region) in names.enumerated() where !known.contains(region) {
                problems.append(JSONProblem(path.appending("regions").appending(index),
                                            "unknown region \"\(region)\"; expected one of \(ScenarioReader.quotedList(known))"))
            }
        case .cloudRegions(nil), .icDataCentres(nil): break
        case .icDataCentres(let names?): problems += Self.dataCentreProblems(names, at: path.appending("dataCentres"))
        case .matrix(let regions, let oneWay, let placement):
            let latency = path.appending("latency")
            do { _ = try LatencyMatrix(regions: regions, oneWay: oneWay) } catch {
                problems.append(JSONProblem(latency.appending(error.field == "regions" ? "regions" : "oneWay"), "\(error.field): \(error.message)"))
            }
            if let placement {
                if placement.count != nodeCount {
                    problems.append(JSONProblem(latency.appending("placement"), "\(placement.count) entries for \(nodeCount) nodes (one region index per node)"))
                }
                for (node, region) in placement.enumerated() where region < 0 || region >= regions.count {
                    problems.append(JSONProblem(latency.appending("placement").appending(node), "region \(region) does not exist (\(regions.count) regions: 0-\(regions.count - 1))"))
                }
            }
        }
        let round = roundInstructions ?? 7_000_000_000  // every kind's default (`RoundConfiguration`)
        let slice = sliceInstructions ?? 2_000_000_000
        if round < 10_000_000 || slice > round {
            let key = roundInstructions == nil ? "sliceInstructions" : "roundInstructions"
            problems.append(JSONProblem(path.appending(key), "\(round) instructions a round is too few: at least 10000000 "
                + "(the 8 M per-canister and 2 M per-message overheads count against a round) and at least sliceInstructions (\(slice))"))
        }
        if let delay = unitDelay, delay < .zero { problems.append(JSONProblem(path.appending("unitDelay"), "must not be negative")) }
        if let ttl = ingressTimeToLive, ttl <= .zero { problems.append(JSONProblem(path.appending("ingressTimeToLive"), "must be longer than zero")) }
        if let held = canisterMemoryHeldMax, !(4_096...(1 << 32)).contains(held) {
            problems.append(JSONProblem(path.appending("canisterMemoryHeldMax"), "expected 4KiB to 4GiB, found \(held) bytes"))
        }
        problems += boundaryNodeProblems(at: path)
        return problems
    }
}
