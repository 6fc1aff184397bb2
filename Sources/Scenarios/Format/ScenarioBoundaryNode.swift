import SimCore
import InternetComputer

/// Where a scenario subnet's boundary node is (the subnet key `boundaryNode`,
/// Docs/Scenarios.md): in one of the subnet network's regions (data centres), or at one delay
/// from every replica. Unset: with the IC's data centres, in the data centre of the subnet's
/// first node; otherwise every replica ``BoundaryNodeConfiguration/uniformReplicaDelayDefault``
/// away.
public enum ScenarioBoundaryNode: Hashable, Sendable {
    /// In the region (data centre) of this name, one of the subnet's network.
    case region(String)
    /// Every replica this far, one way.
    case replicaDelay(SimDuration)
}

extension ScenarioReader {
    /// `"boundaryNode": {"region": "Zurich"}` or `{"replicaDelay": "20ms"}`: exactly one.
    mutating func boundaryNode(_ value: JSONValue, at path: JSONPath) -> ScenarioBoundaryNode? {
        guard let object = json.object(value, at: path, allowed: ["region", "replicaDelay"]) else { return nil }
        switch (object["region"], object["replicaDelay"]) {
        case (let (value, path)?, nil): return json.string(value, at: path).map { .region($0) }
        case (nil, let (value, path)?): return json.duration(value, at: path, maximum: .seconds(60)).map { .replicaDelay($0) }
        case (.some, .some):
            json.report(path.appending("replicaDelay"), "give either \"region\" (where the boundary node is) or \"replicaDelay\" (its delay to every replica), not both")
        case (nil, nil):
            json.report(path, "expected \"region\" (a region or data centre of the subnet's network) or \"replicaDelay\" (a duration)")
        }
        return nil
    }
}

extension ScenarioSubnet {
    /// The names of the regions (data centres) of its network.
    var regionNames: [String] {
        switch network {
        case .cloudRegions(let names): names ?? LatencyMatrix.cloudRegions.regions
        case .icDataCentres(let names): names ?? LatencyMatrix.icDataCentreNames
        case .matrix(let regions, _, _): regions
        }
    }

    /// What is wrong with its `boundaryNode` at `path` (the subnet's).
    func boundaryNodeProblems(at path: JSONPath) -> [JSONProblem] {
        guard case .region(let name)? = boundaryNode, !regionNames.contains(name) else { return [] }
        return [JSONProblem(path.appending("boundaryNode").appending("region"),
                            "\"\(name)\" is not a region of this subnet's network; expected one of \(ScenarioReader.quotedList(regionNames))")]
    }

    /// Its boundary node on `network` (its built network: the latency matrix and placement).
    func boundaryNodeConfiguration(network: NetworkConfiguration) -> BoundaryNodeConfiguration {
        switch boundaryNode {
        case .region(let name)?:
            // Validated: the name is one of the network's regions.
            return BoundaryNodeConfiguration(placement: .region(network.latency.regions.firstIndex(of: name) ?? 0))
        case .replicaDelay(let delay)?:
            return BoundaryNodeConfiguration(placement: .uniform(delay))
        case nil:
            guard case .icDataCentres = self.network, let first = network.placement.first else { return BoundaryNodeConfiguration() }
            return BoundaryNodeConfiguration(placement: .region(first))
        }
    }

    /// Its `boundaryNode` as JSON, when set.
    var boundaryNodeMember: [(key: String, value: JSONValue)] {
        switch boundaryNode {
        case .region(let name)?: [("boundaryNode", .object([("region", .string(name))]))]
        case .replicaDelay(let delay)?: [("boundaryNode", .object([("replicaDelay", .duration(delay))]))]
        case nil: []
        }
    }
}
