import SimCore
import Consensus
import ExecutionLayer
import InternetComputer

extension Scenario {
    /// Each canister's module, in canister order: built-in and inline modules as they are,
    /// files read by `readFile` (given the path as written; the caller resolves it against
    /// the scenario file's directory).
    /// - Throws: ``ScenarioError`` naming each canister whose file cannot be read.
    public func modules(readFile: (String) -> [UInt8]?) throws(ScenarioError) -> [[UInt8]] {
        var modules: [[UInt8]] = []
        var problems: [JSONProblem] = []
        for (index, canister) in canisters.enumerated() {
            let path = JSONPath().appending("canisters").appending(index).appending("wasm")
            switch canister.wasm {
            case .bytes(let bytes): modules.append(bytes)
            case .builtin(let name):
                if let bytes = BuiltinCanisters.module(named: name) { modules.append(bytes) } else {
                    problems.append(JSONProblem(path, "no built-in canister \"\(name)\""))
                }
            case .file(let file):
                if let bytes = readFile(file) { modules.append(bytes) } else {
                    problems.append(JSONProblem(path, "cannot read \"\(file)\" (paths are relative to the scenario file)"))
                }
            }
        }
        guard problems.isEmpty else { throw ScenarioError(problems: problems) }
        return modules
    }

    /// The canister ID of canister `index`: index + 1.
    public static func canisterID(_ index: Int) -> CanisterID { CanisterID(UInt64(index + 1)) }

    /// The configuration of the subnets the scenario describes, with `modules` (one per
    /// canister, ``modules(readFile:)``).
    /// - Precondition: `problems()` is empty and there is one module per canister.
    public func configuration(modules: [[UInt8]]) -> InternetComputerConfiguration {
        precondition(modules.count == canisters.count, "one module per canister")
        let root = RandomSeed(seed)
        var configuration = InternetComputerConfiguration(subnets: subnets.enumerated().map { index, subnet in
            subnet.configuration(seed: root.derive("subnet", index: UInt64(index)).digest.w0, index: index)
        })
        configuration.xnetDelay = xnetDelay
        configuration.queryServices = subnets.map(\.queries)
        configuration.boundaryNodes = subnets.enumerated().map { $1.boundaryNodeConfiguration(network: configuration.subnets[$0].network) }
        for (index, canister) in canisters.enumerated() {
            guard let subnet = subnetIndex(of: canister) else { continue }
            // Candid text is encoded before a run (``ScenarioSimulation``); here it counts as empty.
            var setup = CanisterSetup(id: Self.canisterID(index), wasm: modules[index], initArgument: canister.initArgument.bytes ?? [],
                                      cycles: Cycles(canister.cycles))
            setup.computeAllocationPercent = canister.computeAllocationPercent
            if let controllers = canister.controllers, !controllers.isEmpty { setup.controllers = controllers }
            setup.environmentVariables = canister.environmentVariables
            configuration.subnets[subnet].canisters.append(setup)
        }
        let queried = clients.flatMap { client in
            client.steps.map { steps in steps.filter { $0.call == .query }.map { $0.canister ?? client.canister } } ?? (client.call == .query ? [client.canister] : [])
        }
        for name in queried {
            guard let index = canisterIndex(named: name), let subnet = subnetIndex(of: canisters[index]) else { continue }
            let id = Self.canisterID(index)
            if !configuration.subnets[subnet].queriedCanisters.contains(id) { configuration.subnets[subnet].queriedCanisters.append(id) }
        }
        for fault in faults {
            guard let subnet = fault.subnet.map({ self.subnet(named: $0)?.index }) ?? 0 else { continue }
            configuration.subnets[subnet].add(fault)
        }
        return configuration
    }
}

extension ScenarioSubnet {
    /// The subnet's configuration: the IC's defaults for its kind and size, with what the
    /// scenario sets; `index` is its place among the scenario's subnets (where its nodes start
    /// on the IC's data centres).
    func configuration(seed: UInt64, index: Int = 0) -> SubnetConfiguration {
        let count = nodeCount
        var configuration = SubnetConfiguration(nodeCount: count, seed: seed)
        if let unitDelay {
            configuration.consensus.unitDelay = unitDelay
            configuration.consensus.catchUpInterval = max(unitDelay * 2, .milliseconds(1))
        }
        if let initialNotaryDelay { configuration.consensus.initialNotaryDelay = initialNotaryDelay }
        if let payloadItemsMax { configuration.consensus.payloadItemsMax = payloadItemsMax }
        if let payloadBytesMax { configuration.consensus.payloadBytesMax = payloadBytesMax }
        if let uploadBitsPerSecond { configuration.network.uploadBitsPerSecond = uploadBitsPerSecond }
        if let checkpointIntervalHeights { configuration.checkpoints.intervalHeights = checkpointIntervalHeights }
        if let ingressTimeToLive { configuration.ingressTimeToLive = ingressTimeToLive }
        if let ingressAdmission { configuration.ingressAdmission = ingressAdmission }
        configuration.processing = processing?.configuration ?? .internetComputer
        configuration.dissemination = dissemination?.configuration ?? .internetComputer
        configuration.executesOnEveryReplica = executesOnEveryReplica
        configuration.allowsMoreThanFByzantine = allowsMoreThanFByzantine
        if let (latency, placement) = latency(nodeCount: count, subnetIndex: index) {
            configuration.network.latency = latency
            configuration.network.placement = placement
        }
        if kind.isSystem {
            // System subnets charge no cycles and allow more instructions (Docs/Model.md, "Cycles
            // fees" and "Instruction limits").
            configuration.round.fees = .free
            configuration.round.roundInstructionsPerCore = 7_000_000_000
            configuration.round.execution.updateInstructionsMax = 50_000_000_000
            configuration.round.execution.queryInstructionsMax = 50_000_000_000
            configuration.round.execution.installInstructionsMax = 1_000_000_000_000
        }
        if let sliceInstructions { configuration.round.sliceInstructions = sliceInstructions }
        if let roundInstructions { configuration.round.roundInstructionsPerCore = roundInstructions }
        if let canisterMemoryHeldMax { configuration.round.execution.wasmLimits.memoryBytesHeld = Int(clamping: canisterMemoryHeldMax) }
        return configuration
    }

    /// The latency matrix and node placement the scenario sets (`nil`: the default six cloud
    /// regions, round-robin); `subnetIndex` is where all twelve IC data centres start.
    func latency(nodeCount count: Int, subnetIndex: Int) -> (LatencyMatrix, [Int])? {
        switch network {
        case .cloudRegions(nil):
            return nil
        case .cloudRegions(let names?):
            let cloud = LatencyMatrix.cloudRegions
            let indices = names.compactMap { cloud.regions.firstIndex(of: $0) }
            let oneWay = indices.map { row in indices.map { cloud.oneWay[row][$0] } }
            guard let matrix = try? LatencyMatrix(regions: names, oneWay: oneWay) else { return nil }  // validated
            return (matrix, (0..<count).map { $0 % max(names.count, 1) })
        case .icDataCentres(nil):
            return (.icDataCentres, LatencyMatrix.icDataCentrePlacement(nodeCount: count, firstDataCentre: subnetIndex))
        case .icDataCentres(let names?):
            guard let matrix = LatencyMatrix.icDataCentreSubset(names) else { return nil }  // validated
            return (matrix, (0..<count).map { $0 % max(names.count, 1) })
        case .matrix(let regions, let oneWay, let placement):
            guard let matrix = try? LatencyMatrix(regions: regions, oneWay: oneWay) else { return nil }  // validated
            return (matrix, placement ?? (0..<count).map { $0 % max(regions.count, 1) })
        }
    }
}

extension SubnetConfiguration {
    /// Adds a fault of the scenario's timeline (times from the start of the run; a fault with
    /// no end lasts for good).
    mutating func add(_ fault: ScenarioFault) {
        let start = SimInstant.zero + fault.at
        let end = fault.until.map { SimInstant.zero + $0 } ?? LivenessChecker.permanent
        switch fault.kind {
        case .crash(let nodes): nodeFaults += nodes.map { NodeFault(node: $0, .crash, from: start, until: end) }
        case .pause(let nodes): nodeFaults += nodes.map { NodeFault(node: $0, .pause, from: start, until: end) }
        case .clockDrift(let nodes, let numerator, let denominator):
            nodeFaults += nodes.map { NodeFault(node: $0, .clockDrift(numerator: numerator, denominator: denominator), from: start, until: end) }
        case .loss(let probability): network.faults.append(NetworkFault(.loss(probability), from: start, until: end))
        case .partition(let nodes): network.faults.append(NetworkFault(.partition(isolated: nodes), from: start, until: end))
        case .split(let groups): network.faults.append(NetworkFault(.split(groups: groups), from: start, until: end))
        case .oneWay(let from, let to): network.faults.append(NetworkFault(.oneWay(from: from, to: to), from: start, until: end))
        case .extraDelay(let delay): network.faults.append(NetworkFault(.extraDelay(delay), from: start, until: end))
        case .duplication(let probability): network.faults.append(NetworkFault(.duplication(probability), from: start, until: end))
        case .reordering(let bound): network.faults.append(NetworkFault(.reordering(bound), from: start, until: end))
        case .byzantine(let nodes, let behaviors):
            byzantine += nodes.map { ByzantineAssignment(node: $0, behaviors: behaviors, from: start, until: fault.until.map { SimInstant.zero + $0 }) }
        }
    }
}
