import SimCore
import InternetComputer

/// A subnet's replica processing in a scenario (its `processing` key): the IC's costs and
/// rhythm (``ProcessingConfiguration/internetComputer``) with the durations the scenario
/// sets, or none at all (`"instantaneous"`: no cost, exact timers). Docs/Scenarios.md,
/// "Replica processing".
public struct ScenarioProcessing: Hashable, Sendable {
    /// Whether processing is instantaneous (the durations are then empty).
    public var isInstantaneous = false
    /// The durations set, by key, in ``keys`` order.
    public var durations: [(key: String, duration: SimDuration)] = []

    /// The IC's processing with nothing changed.
    public init() {}

    /// The keys of the durations, in the order they are written, with their fields.
    static var keys: [(key: String, field: WritableKeyPath<ProcessingConfiguration, SimDuration>)] { [
        ("idlePollInterval", \.idlePollInterval), ("shareVerification", \.shareVerification),
        ("aggregateVerification", \.aggregateVerification), ("proposalVerification", \.proposalVerification),
        ("payloadValidationPerMessage", \.payloadValidationPerMessage), ("payloadBuildingPerMessage", \.payloadBuildingPerMessage),
        ("signing", \.signing),
    ] }

    /// The configuration it describes.
    var configuration: ProcessingConfiguration {
        guard !isInstantaneous else { return .instantaneous }
        var configuration = ProcessingConfiguration.internetComputer
        for (key, duration) in durations {
            if let field = Self.keys.first(where: { $0.key == key })?.field { configuration[keyPath: field] = duration }
        }
        return configuration
    }

    /// How it is written in a scenario.
    var jsonValue: JSONValue {
        isInstantaneous ? .string("instantaneous") : .object(durations.map { ($0.key, .duration($0.duration)) })
    }

    public static func == (lhs: ScenarioProcessing, rhs: ScenarioProcessing) -> Bool {
        lhs.isInstantaneous == rhs.isInstantaneous && lhs.durations.elementsEqual(rhs.durations) { $0.key == $1.key && $0.duration == $1.duration }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(isInstantaneous)
        for (key, duration) in durations {
            hasher.combine(key)
            hasher.combine(duration)
        }
    }
}

extension ScenarioReader {
    /// A subnet's `processing`: `"instantaneous"`, or an object of durations (each at most
    /// 60 s).
    mutating func processing(_ value: JSONValue, at path: JSONPath) -> ScenarioProcessing? {
        var processing = ScenarioProcessing()
        if case .string(let text) = value {
            guard text == "instantaneous" else {
                json.report(path, "expected \"instantaneous\" or an object of durations, found \"\(text)\"")
                return nil
            }
            processing.isInstantaneous = true
            return processing
        }
        guard let object = json.object(value, at: path, allowed: ScenarioProcessing.keys.map(\.key)) else { return nil }
        for (key, _) in ScenarioProcessing.keys {
            guard let (value, path) = object[key], let duration = json.duration(value, at: path, maximum: .seconds(60)) else { continue }
            processing.durations.append((key, duration))
        }
        return processing
    }
}
