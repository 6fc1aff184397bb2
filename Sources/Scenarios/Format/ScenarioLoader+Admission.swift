import SimCore
import InternetComputer

extension ScenarioReader {
    /// The keys of a subnet's `ingressAdmission` object.
    static let ingressAdmissionKeys = ["enabled", "callConcurrentRequestsMax", "callHandlingTime", "ingressPoolCountMax", "ingressPoolBytesMax",
                                       "boundaryNodeCallsPerSecond"]

    /// A subnet's `ingressAdmission`: the IC's limits with what the object sets (a missing
    /// key keeps the IC's value; `boundaryNodeCallsPerSecond` null or missing: no rate limit).
    mutating func ingressAdmission(_ value: JSONValue, at path: JSONPath) -> IngressAdmissionConfiguration? {
        guard let object = json.object(value, at: path, allowed: Self.ingressAdmissionKeys) else { return nil }
        var admission = IngressAdmissionConfiguration()
        if let (value, path) = object["enabled"], let flag = json.bool(value, at: path) { admission.isEnabled = flag }
        if let (value, path) = object["callConcurrentRequestsMax"], let count = json.integer(value, at: path, in: 1...1_000_000) {
            admission.callConcurrentRequestsMax = count
        }
        if let (value, path) = object["callHandlingTime"], let duration = json.duration(value, at: path, maximum: .seconds(60)) {
            admission.callHandlingDuration = duration
        }
        if let (value, path) = object["ingressPoolCountMax"], let count = json.integer(value, at: path, in: 0...1_000_000_000) {
            admission.ingressPoolMessagesMax = count
        }
        if let (value, path) = object["ingressPoolBytesMax"], let bytes = json.size(value, at: path, maximum: 1 << 40) {
            admission.ingressPoolBytesMax = Int(bytes)
        }
        if let (value, path) = object["boundaryNodeCallsPerSecond"], value != .null {
            admission.boundaryNodeCallsPerSecondMax = json.integer(value, at: path, in: 1...1_000_000_000)
        }
        return admission
    }
}

extension IngressAdmissionConfiguration {
    /// The limits as a scenario file writes them (every key, so the file says what runs).
    var jsonValue: JSONValue {
        .object([
            ("enabled", .bool(isEnabled)), ("callConcurrentRequestsMax", .number(String(callConcurrentRequestsMax))),
            ("callHandlingTime", .duration(callHandlingDuration)), ("ingressPoolCountMax", .number(String(ingressPoolMessagesMax))),
            ("ingressPoolBytesMax", .string("\(ingressPoolBytesMax)B")),
            ("boundaryNodeCallsPerSecond", boundaryNodeCallsPerSecondMax.map { .number(String($0)) } ?? .null),
        ])
    }
}
