import Testing
import SimCore
import Scenarios
import ICSimTestSupport

/// Docs/scenario.schema.json and the loader agree on every numeric bound: for each bounded
/// number the schema names, the loader takes the schema's minimum and maximum and refuses the
/// values just beyond them, at that key's path.
@Suite("Scenario JSON Schema bounds")
struct ScenarioSchemaBoundTests {
    /// A bounded key: how to place a value in a scenario, and the schema path of its bounds.
    struct Bound: CustomStringConvertible, Sendable {
        var schemaPath: [String]
        var jsonPath: String
        var place: @Sendable (String) -> String
        var isInteger = true
        var description: String { jsonPath }
    }

    static func scenario(subnet: String = "", canister: String = "", client: String = "", expectations: String = "") -> String {
        #"{"name": "b", "duration": "10s", "subnets": [{"name": "app""# + subnet + #"}], "#
            + #""canisters": [{"name": "c", "wasm": "builtin:counter""# + canister + #"}], "#
            + #""workload": [{"name": "w", "call": "update", "canister": "c", "method": "inc""#
            + (client.contains("\"rate\"") || client.contains("\"users\"") ? client : #", "rate": 1"# + client) + #"}]"#
            + (expectations.isEmpty ? "" : #", "expectations": {"# + expectations + "}") + "}"
    }

    static let bounds: [Bound] = [
        Bound(schemaPath: ["$defs", "subnet", "properties", "nodes"], jsonPath: "subnets[0].nodes",
              place: { scenario(subnet: #", "nodes": \#($0)"#) }),
        Bound(schemaPath: ["$defs", "subnet", "properties", "payloadItemsMax"], jsonPath: "subnets[0].payloadItemsMax",
              place: { scenario(subnet: #", "payloadItemsMax": \#($0)"#) }),
        Bound(schemaPath: ["$defs", "subnet", "properties", "uploadBitsPerSecond"], jsonPath: "subnets[0].uploadBitsPerSecond",
              place: { scenario(subnet: #", "uploadBitsPerSecond": \#($0)"#) }),
        Bound(schemaPath: ["$defs", "subnet", "properties", "checkpointInterval"], jsonPath: "subnets[0].checkpointInterval",
              place: { scenario(subnet: #", "checkpointInterval": \#($0)"#) }),
        Bound(schemaPath: ["$defs", "subnet", "properties", "ingressAdmission", "properties", "callConcurrentRequestsMax"],
              jsonPath: "subnets[0].ingressAdmission.callConcurrentRequestsMax",
              place: { scenario(subnet: #", "ingressAdmission": {"callConcurrentRequestsMax": \#($0)}"#) }),
        Bound(schemaPath: ["$defs", "subnet", "properties", "ingressAdmission", "properties", "ingressPoolCountMax"],
              jsonPath: "subnets[0].ingressAdmission.ingressPoolCountMax",
              place: { scenario(subnet: #", "ingressAdmission": {"ingressPoolCountMax": \#($0)}"#) }),
        Bound(schemaPath: ["$defs", "subnet", "properties", "ingressAdmission", "properties", "boundaryNodeCallsPerSecond"],
              jsonPath: "subnets[0].ingressAdmission.boundaryNodeCallsPerSecond",
              place: { scenario(subnet: #", "ingressAdmission": {"boundaryNodeCallsPerSecond": \#($0)}"#) }),
        Bound(schemaPath: ["$defs", "canister", "properties", "computeAllocation"], jsonPath: "canisters[0].computeAllocation",
              place: { scenario(canister: #", "computeAllocation": \#($0)"#) }),
        Bound(schemaPath: ["$defs", "client", "properties", "rate"], jsonPath: "workload[0].rate",
              place: { scenario(client: #", "rate": \#($0)"#) }, isInteger: false),
        Bound(schemaPath: ["$defs", "client", "properties", "users"], jsonPath: "workload[0].users",
              place: { scenario(client: #", "users": \#($0), "thinkTime": "1s""#) }),
        Bound(schemaPath: ["$defs", "queryService", "properties", "threads"], jsonPath: "subnets[0].queries.threads",
              place: { scenario(subnet: #", "queries": {"threads": \#($0)}"#) }),
        Bound(schemaPath: ["$defs", "queryService", "properties", "concurrentMax"], jsonPath: "subnets[0].queries.concurrentMax",
              place: { scenario(subnet: #", "queries": {"concurrentMax": \#($0)}"#) }),
        Bound(schemaPath: ["$defs", "throughputBound", "properties", "min"], jsonPath: "expectations.throughput[0].min",
              place: { scenario(expectations: #""throughput": [{"calls": "w", "min": \#($0)}]"#) }, isInteger: false),
        Bound(schemaPath: ["$defs", "expectations", "properties", "blockRate", "items", "properties", "min"],
              jsonPath: "expectations.blockRate[0].min",
              place: { scenario(expectations: #""blockRate": [{"subnet": "app", "min": \#($0)}]"#) }, isInteger: false),
    ]

    /// The schema's minimum and maximum at `path`, as written.
    static func limits(_ path: [String]) throws -> (minimum: String, maximum: String) {
        var node: JSONValue? = try JSONParser.parse(try Fixture.bytes("Docs/scenario.schema.json"))
        for key in path { node = node?[key] }
        guard case .number(let minimum)? = node?["minimum"], case .number(let maximum)? = node?["maximum"] else {
            throw SchemaBoundError(path: path)
        }
        return (minimum, maximum)
    }

    struct SchemaBoundError: Error { var path: [String] }

    /// The loader's problems at `path` for `text`.
    static func problems(_ text: String, at path: String) -> [String] {
        do {
            let scenario = try ScenarioLoader.load(text)
            return scenario.problems().map(\.description).filter { $0.hasPrefix(path + ":") }
        } catch {
            return error.problems.map(\.description).filter { $0.hasPrefix(path + ":") }
        }
    }

    /// Just beyond `limit` (outward by `sign`): one for integers, a small step for decimals.
    static func beyond(_ limit: String, sign: Int, integer: Bool) -> String? {
        if integer {
            guard let value = Int64(limit) else { return nil }
            let (next, overflow) = value.addingReportingOverflow(Int64(sign))
            return overflow ? nil : String(next)
        }
        guard let value = Double(limit) else { return nil }
        return String(value + Double(sign) * max(abs(value) * 1e-3, 1e-3))
    }

    /// The bounds that depend on each other: a slice without a round limit is bounded by the
    /// default round (7 billion), a round limit without a slice by the default slice (2 billion).
    @Test func sliceAndRoundBoundEachOther() {
        let slice = { (value: String) in Self.problems(Self.scenario(subnet: #", "sliceInstructions": \#(value)"#), at: "subnets[0].sliceInstructions") }
        let round = { (value: String) in Self.problems(Self.scenario(subnet: #", "roundInstructions": \#(value)"#), at: "subnets[0].roundInstructions") }
        #expect(slice("7000000000").isEmpty && !slice("7000000001").isEmpty)
        #expect(round("2000000000").isEmpty && !round("1999999999").isEmpty)
        let both = Self.problems(Self.scenario(subnet: #", "sliceInstructions": 5000, "roundInstructions": 10000000"#), at: "subnets[0]")
        #expect(both.isEmpty, "\(both)")
    }

    @Test(arguments: bounds)
    func theLoaderTakesTheSchemasRangeAndNoMore(bound: Bound) throws {
        let (minimum, maximum) = try Self.limits(bound.schemaPath)
        for inside in [minimum, maximum] {
            #expect(Self.problems(bound.place(inside), at: bound.jsonPath).isEmpty, "\(bound) = \(inside) is inside the schema's range")
        }
        for (limit, sign) in [(minimum, -1), (maximum, 1)] {
            guard let outside = Self.beyond(limit, sign: sign, integer: bound.isInteger) else { continue }
            #expect(!Self.problems(bound.place(outside), at: bound.jsonPath).isEmpty, "\(bound) = \(outside) is outside the schema's range")
        }
    }
}

/// The durations and sizes the loader caps carry their cap in the schema (`x-maximum`): the
/// loader takes the cap and refuses one nanosecond, or one byte, more, for every such key.
@Suite("Scenario JSON Schema duration and size caps")
struct ScenarioSchemaDurationCapTests {
    typealias Place = @Sendable (String) -> String
    static func scenario(top: String = "", subnet: String = "", client: String = "", fault: String = "") -> String {
        ScenarioSchemaBoundTests.scenario(subnet: subnet, client: client)
            .replacingOccurrences(of: #"{"name": "b", "duration": "10s""#, with: #"{"name": "b""# + (top.isEmpty ? #", "duration": "10s""# : top))
            .dropLast() + (fault.isEmpty ? "" : #", "faults": ["# + fault + "]") + "}"
    }

    static let processingKeys = ["idlePollInterval", "shareVerification", "aggregateVerification", "proposalVerification",
                                 "payloadValidationPerMessage", "payloadBuildingPerMessage", "signing", "ingressValidation"]

    /// Where each capped duration goes (by its schema path), and its JSON path in errors.
    static let placements: [String: (jsonPath: String, place: Place)] = {
        var placements: [String: (jsonPath: String, place: Place)] = [
            "/properties/duration": ("duration", { scenario(top: #", "duration": "\#($0)""#) }),
            "/$defs/client/properties/thinkTime": ("workload[0].thinkTime", { scenario(client: #", "users": 1, "thinkTime": "\#($0)""#) }),
            "/$defs/client/properties/networkDelay": ("workload[0].networkDelay", { scenario(client: #", "networkDelay": "\#($0)""#) }),
            "/$defs/client/properties/networkJitter": ("workload[0].networkJitter", { scenario(client: #", "networkJitter": "\#($0)""#) }),
            "/$defs/client/properties/pollInterval": ("workload[0].pollInterval", { scenario(client: #", "pollInterval": "\#($0)""#) }),
            "/$defs/client/properties/syncCallTimeout": ("workload[0].syncCallTimeout", { scenario(client: #", "syncCallTimeout": "\#($0)""#) }),
            "/$defs/subnet/properties/ingressAdmission/properties/callHandlingTime": ("subnets[0].ingressAdmission.callHandlingTime",
                { scenario(subnet: #", "ingressAdmission": {"callHandlingTime": "\#($0)"}"#) }),
            "/$defs/queryService/properties/overhead": ("subnets[0].queries.overhead", { scenario(subnet: #", "queries": {"overhead": "\#($0)"}"#) }),
            "/$defs/queryService/properties/cacheExpiry": ("subnets[0].queries.cacheExpiry", { scenario(subnet: #", "queries": {"cacheExpiry": "\#($0)"}"#) }),
            "/$defs/queryService/properties/cacheDataCertificateExpiry": ("subnets[0].queries.cacheDataCertificateExpiry",
                { scenario(subnet: #", "queries": {"cacheDataCertificateExpiry": "\#($0)"}"#) }),
            "/$defs/subnet/properties/unitDelay": ("subnets[0].unitDelay", { scenario(subnet: #", "unitDelay": "\#($0)""#) }),
            "/$defs/subnet/properties/initialNotaryDelay": ("subnets[0].initialNotaryDelay", { scenario(subnet: #", "initialNotaryDelay": "\#($0)""#) }),
            "/$defs/subnet/properties/ingressTimeToLive": ("subnets[0].ingressTimeToLive", { scenario(subnet: #", "ingressTimeToLive": "\#($0)""#) }),
            "/$defs/subnet/properties/boundaryNode/properties/replicaDelay": ("subnets[0].boundaryNode.replicaDelay",
                { scenario(subnet: #", "boundaryNode": {"replicaDelay": "\#($0)"}"#) }),
            "/$defs/behaviorObject/properties/delay": ("faults[0].behaviors[0].delay",
                { scenario(fault: #"{"kind": "byzantine", "nodes": [1], "behaviors": [{"kind": "delayer", "delay": "\#($0)"}]}"#) }),
            "/$defs/fault/properties/delay": ("faults[0].delay", { scenario(fault: #"{"kind": "extraDelay", "delay": "\#($0)"}"#) }),
            "/$defs/fault/properties/bound": ("faults[0].bound", { scenario(fault: #"{"kind": "reordering", "bound": "\#($0)"}"#) }),
        ]
        placements["/$defs/subnet/properties/payloadBytesMax"] = ("subnets[0].payloadBytesMax", { scenario(subnet: #", "payloadBytesMax": "\#($0)""#) })
        placements["/$defs/subnet/properties/ingressAdmission/properties/ingressPoolBytesMax"] = ("subnets[0].ingressAdmission.ingressPoolBytesMax",
            { scenario(subnet: #", "ingressAdmission": {"ingressPoolBytesMax": "\#($0)"}"#) })
        placements["/$defs/subnet/properties/canisterMemoryHeldMax"] = ("subnets[0].canisterMemoryHeldMax",
            { scenario(subnet: #", "canisterMemoryHeldMax": "\#($0)""#) })
        placements["/$defs/argumentGenerator/properties/size"] = ("workload[0].argument.size",
            { scenario(client: #", "argument": {"kind": "random", "size": "\#($0)"}"#) })
        placements["/$defs/queryService/properties/cacheBytes"] = ("subnets[0].queries.cacheBytes", { scenario(subnet: #", "queries": {"cacheBytes": "\#($0)"}"#) })
        for key in processingKeys {
            placements["/$defs/subnet/properties/processing/oneOf[1]/properties/\(key)"] = ("subnets[0].processing.\(key)",
                { scenario(subnet: #", "processing": {"\#(key)": "\#($0)"}"#) })
        }
        return placements
    }()

    /// Every `x-maximum` of the schema, by the path of the key that carries it.
    static func caps() throws -> [String: String] {
        var caps: [String: String] = [:]
        func walk(_ node: JSONValue, _ path: String) {
            switch node {
            case .object(let members):
                for member in members {
                    if member.key == "x-maximum", case .string(let cap) = member.value { caps[path] = cap }
                    walk(member.value, path + "/" + member.key)
                }
            case .array(let items): for (index, item) in items.enumerated() { walk(item, path + "[\(index)]") }
            default: break
            }
        }
        walk(try JSONParser.parse(try Fixture.bytes("Docs/scenario.schema.json")), "")
        return caps
    }

    @Test func everyCappedDurationIsCheckedHere() throws {
        #expect(Set(try Self.caps().keys) == Set(Self.placements.keys))
    }

    @Test func theLoaderTakesEachCapAndNoMore() throws {
        for (schemaPath, cap) in try Self.caps().sorted(by: { $0.key < $1.key }) {
            guard let placement = Self.placements[schemaPath] else { continue }
            // A size's cap ("1GiB") or a duration's ("60s"): one byte, or one nanosecond, more.
            let beyond: String
            if let bytes = JSONReader.parseSize(cap) { beyond = "\(bytes + 1)B" } else { beyond = "\(try SimDuration.parse(cap).nanoseconds + 1)ns" }
            let problems = { (text: String) in ScenarioSchemaBoundTests.problems(text, at: placement.jsonPath) }
            #expect(problems(placement.place(cap)).isEmpty, "\(placement.jsonPath) = \(cap), the schema's cap, is taken: \(problems(placement.place(cap)))")
            #expect(!problems(placement.place(beyond)).isEmpty, "\(placement.jsonPath) = \(beyond) is refused")
        }
    }
}
