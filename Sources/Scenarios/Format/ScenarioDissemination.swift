import InternetComputer

/// A subnet's P2P dissemination in a scenario (its `dissemination` key): the IC's
/// (``DisseminationConfiguration/internetComputer``) with what the scenario sets, or
/// `"direct"` (every replica has a submitted message at once; blocks carry their messages,
/// pushed whole). Docs/Scenarios.md, "Subnets".
public struct ScenarioDissemination: Hashable, Sendable {
    /// Whether it is the direct model (the other fields are then unset).
    public var isDirect = false
    /// Whether ingress is gossiped from the replica it reaches (`nil`: yes).
    public var gossipsIngress: Bool?
    /// Whether blocks carry ingress IDs instead of the messages (`nil`: yes).
    public var hashesInBlocks: Bool?
    /// Bytes a block carries per ingress message with hashes in blocks (`nil`: 80).
    public var strippedIngressBytes: Int?
    /// Artifacts under this many bytes are pushed whole; larger proposals of rank above 0 are
    /// advertised and fetched (`nil`: 1,024).
    public var pushThresholdBytes: Int?

    /// The IC's dissemination with nothing changed.
    public init() {}

    /// The configuration it describes.
    var configuration: DisseminationConfiguration {
        guard !isDirect else { return .direct }
        var configuration = DisseminationConfiguration.internetComputer
        if let gossipsIngress { configuration.gossipsIngress = gossipsIngress }
        if let hashesInBlocks { configuration.hashesInBlocks = hashesInBlocks }
        if let strippedIngressBytes { configuration.strippedIngressBytes = strippedIngressBytes }
        if let pushThresholdBytes { configuration.pushThresholdBytes = pushThresholdBytes }
        return configuration
    }

    /// How it is written in a scenario.
    var jsonValue: JSONValue {
        guard !isDirect else { return .string("direct") }
        var members: [(key: String, value: JSONValue)] = []
        if let gossipsIngress { members.append(("gossipsIngress", .bool(gossipsIngress))) }
        if let hashesInBlocks { members.append(("hashesInBlocks", .bool(hashesInBlocks))) }
        if let strippedIngressBytes { members.append(("strippedIngressBytes", .number(String(strippedIngressBytes)))) }
        if let pushThresholdBytes { members.append(("pushThresholdBytes", .number(String(pushThresholdBytes)))) }
        return .object(members)
    }
}

extension ScenarioReader {
    /// A subnet's `dissemination`: `"direct"`, or an object of the IC's settings to change.
    mutating func dissemination(_ value: JSONValue, at path: JSONPath) -> ScenarioDissemination? {
        var dissemination = ScenarioDissemination()
        if case .string(let text) = value {
            guard text == "direct" else {
                json.report(path, "expected \"direct\" or an object (gossipsIngress, hashesInBlocks, strippedIngressBytes, pushThresholdBytes), found \"\(text)\"")
                return nil
            }
            dissemination.isDirect = true
            return dissemination
        }
        let keys = ["gossipsIngress", "hashesInBlocks", "strippedIngressBytes", "pushThresholdBytes"]
        guard let object = json.object(value, at: path, allowed: keys) else { return nil }
        if let (value, path) = object["gossipsIngress"] { dissemination.gossipsIngress = json.bool(value, at: path) }
        if let (value, path) = object["hashesInBlocks"] { dissemination.hashesInBlocks = json.bool(value, at: path) }
        if let (value, path) = object["strippedIngressBytes"] { dissemination.strippedIngressBytes = json.integer(value, at: path, in: 0...(1 << 20)) }
        if let (value, path) = object["pushThresholdBytes"] { dissemination.pushThresholdBytes = json.integer(value, at: path, in: 0...(1 << 30)) }
        return dissemination
    }
}
