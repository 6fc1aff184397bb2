import SimCore
import Wasm

/// Why a scenario could not be loaded: every problem found, each with its JSON path and what
/// would be valid. A syntax error is the only problem when the text is not JSON.
public struct ScenarioError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The problems, in the order found.
    public var problems: [JSONProblem]

    /// An error listing `problems`.
    public init(problems: [JSONProblem]) {
        self.problems = problems
    }

    /// One problem a line.
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Reads a ``Scenario`` from JSON text: strict syntax (``JSONParser``), then every member
/// checked against what it may be (unknown keys are errors), and the cross-references
/// (``Scenario/problems()``), all reported together; the cross-references wait for a second
/// round only when an entry of a list could not be read at all.
public enum ScenarioLoader {
    /// The scenario in `text`.
    /// - Throws: ``ScenarioError`` with every problem found.
    public static func load(_ text: String) throws(ScenarioError) -> Scenario {
        try load(Array(text.utf8))
    }

    /// The scenario in the UTF-8 bytes `bytes`.
    /// - Throws: ``ScenarioError`` with every problem found.
    public static func load(_ bytes: [UInt8]) throws(ScenarioError) -> Scenario {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch {
            throw ScenarioError(problems: [JSONProblem(JSONPath(), "not valid JSON: \(error)")])
        }
        var reader = ScenarioReader()
        let scenario = reader.scenario(value, at: JSONPath())
        guard let scenario else { throw ScenarioError(problems: reader.json.problems) }
        // The cross-references are checked too when no entry of a list was left out (a left-out
        // entry would shift the indices in their paths and hide the names it defines); values
        // that could not be read keep their defaults meanwhile.
        let structural = reader.json.problems
        let crossReferences = structural.isEmpty || reader.droppedEntries == 0 ? scenario.problems() : []
        let problems = structural + crossReferences.filter { problem in !structural.contains { $0.path == problem.path } }
        guard problems.isEmpty else { throw ScenarioError(problems: problems) }
        return scenario
    }
}

/// The structural reading of a scenario: types, ranges, units and known keys.
package struct ScenarioReader {
    var json = JSONReader()
    /// Entries of the scenario's lists left out because they could not be read at all.
    var droppedEntries = 0

    static let topKeys = ["$schema", "name", "description", "seed", "duration", "subnets", "xnetDelay", "canisters", "workload", "faults", "expectations"]

    mutating func scenario(_ value: JSONValue, at path: JSONPath) -> Scenario? {
        guard let object = json.object(value, at: path, allowed: Self.topKeys, required: ["name"]) else { return nil }
        var scenario = Scenario(name: "")
        // "$schema" lets an editor find the JSON Schema; it says nothing about the run.
        if let (value, path) = object["$schema"] { _ = json.string(value, at: path) }
        if let (value, path) = object["name"], let name = json.string(value, at: path) { scenario.name = name }
        if let (value, path) = object["description"], let text = json.string(value, at: path) { scenario.description = text }
        if let (value, path) = object["seed"], let seed = json.integer(value, at: path, in: UInt64.min...UInt64.max) { scenario.seed = seed }
        if let (value, path) = object["duration"], let duration = json.duration(value, at: path) { scenario.duration = duration }
        if let (value, path) = object["xnetDelay"], let delay = json.duration(value, at: path) { scenario.xnetDelay = delay }
        if let (value, path) = object["subnets"] { scenario.subnets = list(value, at: path) { $0.subnet($1, at: $2) } }
        if let (value, path) = object["canisters"] { scenario.canisters = list(value, at: path) { $0.canister($1, at: $2) } }
        if let (value, path) = object["workload"] { scenario.clients = list(value, at: path) { $0.client($1, at: $2) } }
        if let (value, path) = object["faults"] { scenario.faults = list(value, at: path) { $0.fault($1, at: $2) } }
        if let (value, path) = object["expectations"], let expectations = expectations(value, at: path) { scenario.expectations = expectations }
        return scenario
    }

    /// The elements of the array at `path`, each read by `read` (those that fail are left out,
    /// their problems recorded).
    mutating func list<Element>(_ value: JSONValue, at path: JSONPath, _ read: (inout ScenarioReader, JSONValue, JSONPath) -> Element?) -> [Element] {
        guard let elements = json.array(value, at: path) else {
            droppedEntries += 1
            return []
        }
        let read = elements.compactMap { read(&self, $0.value, $0.path) }
        droppedEntries += elements.count - read.count
        return read
    }

    mutating func nodeList(_ value: JSONValue, at path: JSONPath) -> [Int] {
        list(value, at: path) { $0.json.integer($1, at: $2, in: 0...999) }
    }

    mutating func groups(_ value: JSONValue, at path: JSONPath) -> [[Int]] {
        list(value, at: path) { reader, value, path in reader.nodeList(value, at: path) }
    }

    // MARK: Subnets

    static let subnetKeys = ["name", "kind", "nodes", "regions", "dataCentres", "latency", "unitDelay", "initialNotaryDelay", "payloadItemsMax",
                             "payloadBytesMax", "uploadBitsPerSecond", "sliceInstructions", "roundInstructions", "checkpointInterval", "ingressTimeToLive", "ingressAdmission", "canisterMemoryHeldMax",
                             "processing", "dissemination", "executesOnEveryReplica", "allowMoreThanFByzantine", "queries", "boundaryNode"]

    mutating func subnet(_ value: JSONValue, at path: JSONPath) -> ScenarioSubnet? {
        guard let object = json.object(value, at: path, allowed: Self.subnetKeys, required: ["name"]),
              let (nameValue, namePath) = object["name"], let name = json.string(nameValue, at: namePath) else { return nil }
        var subnet = ScenarioSubnet(name: name)
        if let (value, path) = object["kind"], let text = json.string(value, at: path) {
            if let kind = SubnetKind(rawValue: text) { subnet.kind = kind } else {
                json.report(path, "unknown subnet kind \"\(text)\"; expected one of \(Self.quotedList(SubnetKind.allCases.map(\.rawValue)))")
            }
        }
        if let (value, path) = object["nodes"] { subnet.nodes = json.integer(value, at: path, in: 1...1_000) }
        let networkKeys = ["regions", "dataCentres", "latency"].filter { object[$0] != nil }
        if networkKeys.count > 1 {
            json.report(path.appending(networkKeys[1]), "give only one of \"regions\" (built-in cloud regions), \"dataCentres\" (the IC's data centres) "
                + "or \"latency\" (an explicit matrix); found \(Self.quotedList(networkKeys))")
        }
        if let (value, path) = object["regions"] {
            subnet.network = .cloudRegions(list(value, at: path) { $0.json.string($1, at: $2) })
        }
        if let (value, path) = object["dataCentres"], let network = dataCentres(value, at: path) { subnet.network = network }
        if let (value, path) = object["latency"], let network = latencyMatrix(value, at: path) { subnet.network = network }
        if let (value, path) = object["unitDelay"] { subnet.unitDelay = json.duration(value, at: path, maximum: .seconds(3_600)) }
        if let (value, path) = object["initialNotaryDelay"] { subnet.initialNotaryDelay = json.duration(value, at: path, maximum: .seconds(3_600)) }
        if let (value, path) = object["payloadItemsMax"] { subnet.payloadItemsMax = json.integer(value, at: path, in: 0...1_000_000) }
        if let (value, path) = object["payloadBytesMax"] { subnet.payloadBytesMax = json.size(value, at: path, maximum: 1 << 30).map(Int.init) }
        if let (value, path) = object["uploadBitsPerSecond"] {
            subnet.uploadBitsPerSecond = json.integer(value, at: path, in: Int64(0)...Int64(1) << 50)
        }
        if let (value, path) = object["sliceInstructions"] { subnet.sliceInstructions = json.integer(value, at: path, in: UInt64(1_000)...1_000_000_000_000) }
        if let (value, path) = object["roundInstructions"] { subnet.roundInstructions = json.integer(value, at: path, in: UInt64(1_000)...1_000_000_000_000) }
        if let (value, path) = object["checkpointInterval"] { subnet.checkpointIntervalHeights = json.integer(value, at: path, in: UInt64(1)...1_000_000) }
        if let (value, path) = object["ingressTimeToLive"] { subnet.ingressTimeToLive = json.duration(value, at: path, maximum: .hours(24)) }
        if let (value, path) = object["canisterMemoryHeldMax"], let bytes = json.size(value, at: path, maximum: 1 << 32) {
            if bytes < UInt64(LinearMemory.chunkBytes) { json.report(path, "expected at least 4KiB (one 4 KiB chunk), found \(bytes) bytes") }
            subnet.canisterMemoryHeldMax = bytes
        }
        if let (value, path) = object["ingressAdmission"] { subnet.ingressAdmission = ingressAdmission(value, at: path) }
        if let (value, path) = object["processing"] { subnet.processing = processing(value, at: path) }
        if let (value, path) = object["dissemination"] { subnet.dissemination = dissemination(value, at: path) }
        if let (value, path) = object["executesOnEveryReplica"], let flag = json.bool(value, at: path) { subnet.executesOnEveryReplica = flag }
        if let (value, path) = object["allowMoreThanFByzantine"], let flag = json.bool(value, at: path) { subnet.allowsMoreThanFByzantine = flag }
        if let (value, path) = object["queries"], let queries = queryService(value, at: path) { subnet.queries = queries }
        if let (value, path) = object["boundaryNode"] { subnet.boundaryNode = boundaryNode(value, at: path) }
        return subnet
    }

    /// `"dataCentres"`: `true` (all twelve IC data centres) or a list of their names.
    mutating func dataCentres(_ value: JSONValue, at path: JSONPath) -> ScenarioNetwork? {
        switch value {
        case .bool(true): return .icDataCentres(nil)
        case .array: return .icDataCentres(list(value, at: path) { $0.json.string($1, at: $2) })
        default:
            json.report(path, "expected true (all twelve IC data centres) or an array of data-centre names, found "
                + (value == .bool(false) ? "false (leave the key out for the default cloud regions)" : value.kindDescription))
            return nil
        }
    }

    mutating func latencyMatrix(_ value: JSONValue, at path: JSONPath) -> ScenarioNetwork? {
        guard let object = json.object(value, at: path, allowed: ["regions", "oneWay", "placement"], required: ["regions", "oneWay"]),
              let (regionsValue, regionsPath) = object["regions"], let (delaysValue, delaysPath) = object["oneWay"] else { return nil }
        let regions = list(regionsValue, at: regionsPath) { $0.json.string($1, at: $2) }
        let rows = list(delaysValue, at: delaysPath) { reader, row, rowPath in
            reader.list(row, at: rowPath) { $0.json.duration($1, at: $2, maximum: .seconds(3_600)) }
        }
        let placement = object["placement"].map { list($0.value, at: $0.path) { $0.json.integer($1, at: $2, in: 0...999) } }
        return .matrix(regions: regions, oneWay: rows, placement: placement)
    }

    // MARK: Canisters

    static let canisterKeys = ["name", "wasm", "subnet", "initArgument", "cycles", "computeAllocation", "controllers", "did",
                               "environmentVariables"]

    mutating func canister(_ value: JSONValue, at path: JSONPath) -> ScenarioCanister? {
        guard let object = json.object(value, at: path, allowed: Self.canisterKeys, required: ["name", "wasm"]),
              let (nameValue, namePath) = object["name"], let name = json.string(nameValue, at: namePath),
              let (wasmValue, wasmPath) = object["wasm"], let wasm = wasmSource(wasmValue, at: wasmPath) else { return nil }
        var canister = ScenarioCanister(name: name, wasm: wasm)
        if let (value, path) = object["subnet"] { canister.subnet = json.string(value, at: path) }
        if let (value, path) = object["initArgument"], let argument = callArgument(value, at: path) { canister.initArgument = argument }
        if let (value, path) = object["controllers"] { canister.controllers = controllers(value, at: path) }
        if let (value, path) = object["did"], let file = json.string(value, at: path) {
            if file.isEmpty { json.report(path, "expected a path to a .did file (relative to the scenario file)") } else { canister.did = file }
        }
        if let (value, path) = object["environmentVariables"], let variables = environmentVariables(value, at: path) {
            canister.environmentVariables = variables
        }
        if let (value, path) = object["cycles"], let cycles = json.integer(value, at: path, in: UInt64.min...UInt64.max) { canister.cycles = cycles }
        if let (value, path) = object["computeAllocation"], let percent = json.integer(value, at: path, in: 0...100) {
            canister.computeAllocationPercent = percent
        }
        return canister
    }

    mutating func wasmSource(_ value: JSONValue, at path: JSONPath) -> WasmSource? {
        guard let text = json.string(value, at: path) else { return nil }
        if text.hasPrefix("builtin:") {
            let name = String(text.dropFirst("builtin:".count))
            guard BuiltinCanisters.module(named: name) != nil else {
                json.report(path, "no built-in canister \"\(name)\"; expected one of \(Self.quotedList(BuiltinCanisters.names.map { "builtin:\($0)" }))")
                return nil
            }
            return .builtin(name)
        }
        if text.hasPrefix("hex:") {
            guard let bytes = Self.hexBytes(text.dropFirst(4)) else {
                json.report(path, "expected hexadecimal digits (two per byte) after \"hex:\"")
                return nil
            }
            return .bytes(bytes)
        }
        guard !text.isEmpty else {
            json.report(path, "expected a path to a .wasm file (relative to the scenario file), \"builtin:NAME\" or \"hex:...\"")
            return nil
        }
        return .file(text)
    }

    /// Bytes written as a string: `"hex:0a0b"`, or any other text as its UTF-8 bytes.
    mutating func bytes(_ value: JSONValue, at path: JSONPath) -> [UInt8]? {
        guard let text = json.string(value, at: path) else { return nil }
        guard text.hasPrefix("hex:") else { return Array(text.utf8) }
        guard let bytes = Self.hexBytes(text.dropFirst(4)) else {
            json.report(path, "expected hexadecimal digits (two per byte) after \"hex:\"")
            return nil
        }
        return bytes
    }

    static func hexBytes(_ digits: Substring) -> [UInt8]? {
        let characters = Array(digits.utf8)
        guard characters.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count / 2)
        var index = 0
        while index < characters.count {
            guard let high = hexValue(characters[index]), let low = hexValue(characters[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    static func quotedList(_ names: [String]) -> String {
        names.map { "\"\($0)\"" }.joined(separator: ", ")
    }
}
