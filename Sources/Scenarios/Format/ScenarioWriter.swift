import SimCore
import Consensus
import InternetComputer

extension Scenario {
    /// The scenario as a JSON value that ``ScenarioLoader`` reads back to an equal scenario:
    /// every field with a fixed default is written (so the file says what runs); a subnet
    /// parameter left to the IC's default for the subnet's kind and size is left out.
    public var jsonValue: JSONValue {
        .object([
            ("name", .string(name)), ("description", .string(description)), ("seed", .number(String(seed))),
            ("duration", .duration(duration)),
            ("subnets", .array(subnets.map(\.jsonValue))), ("xnetDelay", .duration(xnetDelay)),
            ("canisters", .array(canisters.map(\.jsonValue))), ("workload", .array(clients.map(\.jsonValue))),
            ("faults", .array(faults.map(\.jsonValue))), ("expectations", expectations.jsonValue),
        ])
    }

    /// The scenario as JSON text (two-space indentation, a final newline).
    public var json: String { jsonValue.formatted() + "\n" }

    /// A hash of the scenario: SHA-256 of ``json``, in hexadecimal (reports carry it, so a
    /// report names exactly what ran).
    public var hash: String { SHA256.hash(Array(json.utf8)).description }
}

extension JSONValue {
    /// A duration as scenario files write it: an exact whole number of the largest unit that
    /// divides it (`"1500ms"`, `"2s"`, `"10m"`).
    package static func duration(_ duration: SimDuration) -> JSONValue {
        let units: [(Int64, String)] = [(3_600_000_000_000, "h"), (60_000_000_000, "m"), (1_000_000_000, "s"), (1_000_000, "ms"), (1_000, "us")]
        let nanoseconds = duration.nanoseconds
        for (scale, symbol) in units where nanoseconds != 0 && nanoseconds % scale == 0 { return .string("\(nanoseconds / scale)\(symbol)") }
        return .string("\(nanoseconds)ns")
    }

    package static func integers(_ values: [Int]) -> JSONValue { .array(values.map { .number(String($0)) }) }

    static func hex(_ bytes: [UInt8]) -> String { "hex:" + Hex.string(bytes: bytes) }

    /// Bytes as a scenario string: UTF-8 text when that reads back the same (and does not
    /// start with "hex:"), else hexadecimal.
    static func bytes(_ bytes: [UInt8]) -> JSONValue {
        if let text = String(validating: bytes, as: UTF8.self), !text.hasPrefix("hex:"), text.unicodeScalars.allSatisfy({ $0.value >= 0x20 }) {
            return .string(text)
        }
        return .string(hex(bytes))
    }
}

extension ScenarioSubnet {
    var jsonValue: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("name", .string(name)), ("kind", .string(kind.rawValue))]
        if let nodes { members.append(("nodes", .number(String(nodes)))) }
        switch network {
        case .cloudRegions(let names?): members.append(("regions", .array(names.map { .string($0) })))
        case .cloudRegions(nil): break
        case .icDataCentres(let names?): members.append(("dataCentres", .array(names.map { .string($0) })))
        case .icDataCentres(nil): members.append(("dataCentres", .bool(true)))
        case .matrix(let regions, let oneWay, let placement):
            var latency: [(key: String, value: JSONValue)] = [
                ("regions", .array(regions.map { .string($0) })), ("oneWay", .array(oneWay.map { .array($0.map { .duration($0) }) })),
            ]
            if let placement { latency.append(("placement", .integers(placement))) }
            members.append(("latency", .object(latency)))
        }
        if let unitDelay { members.append(("unitDelay", .duration(unitDelay))) }
        if let initialNotaryDelay { members.append(("initialNotaryDelay", .duration(initialNotaryDelay))) }
        if let payloadItemsMax { members.append(("payloadItemsMax", .number(String(payloadItemsMax)))) }
        if let payloadBytesMax { members.append(("payloadBytesMax", .string("\(payloadBytesMax)B"))) }
        if let uploadBitsPerSecond { members.append(("uploadBitsPerSecond", .number(String(uploadBitsPerSecond)))) }
        if let sliceInstructions { members.append(("sliceInstructions", .number(String(sliceInstructions)))) }
        if let roundInstructions { members.append(("roundInstructions", .number(String(roundInstructions)))) }
        if let checkpointIntervalHeights { members.append(("checkpointInterval", .number(String(checkpointIntervalHeights)))) }
        if let ingressTimeToLive { members.append(("ingressTimeToLive", .duration(ingressTimeToLive))) }
        if let ingressAdmission { members.append(("ingressAdmission", ingressAdmission.jsonValue)) }
        if let canisterMemoryHeldMax { members.append(("canisterMemoryHeldMax", .string("\(canisterMemoryHeldMax)B"))) }
        if let processing { members.append(("processing", processing.jsonValue)) }
        if let dissemination { members.append(("dissemination", dissemination.jsonValue)) }
        members.append(("executesOnEveryReplica", .bool(executesOnEveryReplica)))
        members.append(("allowMoreThanFByzantine", .bool(allowsMoreThanFByzantine)))
        if queries != QueryServiceConfiguration() { members.append(("queries", queries.jsonValue)) }
        return .object(members + boundaryNodeMember)
    }
}

extension ScenarioCanister {
    var jsonValue: JSONValue {
        let wasm: String = switch self.wasm {
        case .file(let path): path
        case .builtin(let name): "builtin:\(name)"
        case .bytes(let bytes): JSONValue.hex(bytes)
        }
        var members: [(key: String, value: JSONValue)] = [("name", .string(name)), ("wasm", .string(wasm))]
        if let subnet { members.append(("subnet", .string(subnet))) }
        members += [("initArgument", initArgument.jsonValue), ("cycles", .number(String(cycles))),
                    ("computeAllocation", .number(String(computeAllocationPercent)))]
        if let controllers { members.append(("controllers", .array(controllers.map { .string($0.description) }))) }
        if let did { members.append(("did", .string(did))) }
        if !environmentVariables.entries.isEmpty {
            members.append(("environmentVariables", .object(environmentVariables.entries.map { ($0.name, .string($0.value)) })))
        }
        return .object(members)
    }
}

extension ClientSpecification {
    var jsonValue: JSONValue {
        if let steps { return scriptedJSONValue(steps) }
        var members: [(key: String, value: JSONValue)] = [
            ("name", .string(name)), ("call", .string(call.rawValue)), ("canister", .string(canister)), ("method", .string(method)),
        ]
        switch argument {
        case .fixed(let bytes): members.append(("argument", .bytes(bytes)))
        case .sequence(let prefix, let modulo):
            var generator: [(key: String, value: JSONValue)] = [("kind", .string("sequence")), ("prefix", .bytes(prefix))]
            if let modulo { generator.append(("modulo", .number(String(modulo)))) }
            members.append(("argument", .object(generator)))
        case .random(let prefix, let count):
            members.append(("argument", .object([("kind", .string("random")), ("prefix", .bytes(prefix)), ("size", .string("\(count)B"))])))
        case .candid(let text): members.append(("argument", CallArgument.candid(text).jsonValue))
        }
        if let caller { members.append(("caller", .string(caller.description))) }
        switch load {
        case .openLoop(let rate, let poisson):
            members += [("rate", .number(JSONValue.decimal(rate))), ("arrivals", .string(poisson ? "poisson" : "constant"))]
        case .closedLoop(let users, let thinkTime):
            members += [("users", .number(String(users))), ("thinkTime", .duration(thinkTime))]
        case .scripted: break  // written by scriptedJSONValue
        }
        return .object(members + windowAndNetworkMembers)
    }

    /// `from`, `until` and the network keys.
    var windowAndNetworkMembers: [(key: String, value: JSONValue)] {
        var members: [(key: String, value: JSONValue)] = [("from", .duration(from))]
        if let until { members.append(("until", .duration(until))) }
        members += [("networkDelay", .duration(networkDelay)), ("networkJitter", .duration(networkJitter)), ("pollInterval", .duration(pollInterval)),
                    ("agent", .string(agent.rawValue)), ("syncCallTimeout", .duration(syncCallTimeout))]
        // Written only when set, so that scenarios without it keep their hash.
        if entry != .boundaryNode { members.append(("entry", .string(entry.rawValue))) }
        return members
    }
}

extension JSONValue {
    /// A rate as JSON number text that reads back to the same `Double` (Swift's shortest
    /// round-trip form, without an exponent for the rates scenarios use).
    package static func decimal(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}

extension ScenarioFault {
    var jsonValue: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("kind", .string(kindName))]
        if let subnet { members.append(("subnet", .string(subnet))) }
        members.append(("at", .duration(at)))
        if let until { members.append(("until", .duration(until))) }
        switch kind {
        case .crash(let nodes), .pause(let nodes), .partition(let nodes): members.append(("nodes", .integers(nodes)))
        case .clockDrift(let nodes, let numerator, let denominator):
            members += [("nodes", .integers(nodes)), ("rate", .string("\(numerator)/\(denominator)"))]
        case .loss(let probability), .duplication(let probability): members.append(("probability", .string(probability.scenarioText)))
        case .split(let groups): members.append(("groups", .array(groups.map { .integers($0) })))
        case .oneWay(let from, let to): members += [("from", .integers(from)), ("to", .integers(to))]
        case .extraDelay(let delay): members.append(("delay", .duration(delay)))
        case .reordering(let bound): members.append(("bound", .duration(bound)))
        case .byzantine(let nodes, let behaviors):
            members += [("nodes", .integers(nodes)), ("behaviors", .array(behaviors.map(\.jsonValue)))]
        }
        return .object(members)
    }
}

extension ByzantineBehavior {
    /// The behaviour as scenario files write it.
    package var jsonValue: JSONValue {
        switch self {
        case .silent: .string("silent")
        case .withholdShares: .string("withholdShares")
        case .withholdProposals: .string("withholdProposals")
        case .doubleSigner: .string("doubleSigner")
        case .invalidProposer: .string("invalidProposer")
        case .withholdAdverts: .string("withholdAdverts")
        case .delayer(let delay): .object([("kind", .string("delayer")), ("delay", .duration(delay))])
        case .selective(let peers): .object([("kind", .string("selective")), ("peers", .integers(peers))])
        case .equivocatingMaker(let groups): .object([("kind", .string("equivocatingMaker")), ("groups", .array(groups.map { .integers($0) }))])
        case .twins(let groups): .object([("kind", .string("twins")), ("groups", .array(groups.map { .integers($0) }))])
        }
    }
}

extension Expectations {
    var jsonValue: JSONValue {
        let latency: [JSONValue] = self.latency.map { bound in
            let key = ScenarioReader.quantiles.first { $0.perMille == bound.perMille }?.key ?? "max"
            let value: JSONValue = bound.minimum.map { .object([("min", .duration($0)), ("max", .duration(bound.maximum))]) } ?? .duration(bound.maximum)
            return .object([("calls", .string(bound.calls.scenarioText)), (key, value)])
        }
        let throughput: [JSONValue] = self.throughput.map { bound in
            var members: [(key: String, value: JSONValue)] = [
                ("calls", .string(bound.calls.scenarioText)), ("min", .number(JSONValue.decimal(bound.minimumPerSecond))),
            ]
            if let maximum = bound.maximumPerSecond { members.append(("max", .number(JSONValue.decimal(maximum)))) }
            return .object(members)
        }
        var members: [(key: String, value: JSONValue)] = [
            ("safety", .bool(safety)), ("liveness", .bool(liveness)), ("allCallsAnswered", .bool(allCallsAnswered)),
            ("latency", .array(latency)), ("throughput", .array(throughput)),
        ]
        // Written only when set, so scenarios without it keep their hash.
        if !blockRate.isEmpty {
            members.append(("blockRate", .array(blockRate.map { bound in
                var members: [(key: String, value: JSONValue)] = [("subnet", .string(bound.subnet)), ("min", .number(JSONValue.decimal(bound.minimumPerSecond)))]
                if let maximum = bound.maximumPerSecond { members.append(("max", .number(JSONValue.decimal(maximum)))) }
                return .object(members)
            })))
        }
        return .object(members)
    }
}

extension CallSelector {
    /// How scenario files write it: the kind, or the client's name.
    var scenarioText: String {
        switch self {
        case .client(let name): name
        case .kind(let kind): kind.rawValue
        }
    }
}
