import SimCore
import InternetComputer

extension ScenarioReader {
    static let queryServiceKeys = ["threads", "threadsPerCanister", "overhead", "concurrentMax", "cacheBytes", "cacheExpiry",
                                   "cacheDataCertificateExpiry"]

    /// A subnet's `queries` object: each member set over the IC's defaults
    /// (``QueryServiceConfiguration``), each checked for its range.
    mutating func queryService(_ value: JSONValue, at path: JSONPath) -> QueryServiceConfiguration? {
        guard let object = json.object(value, at: path, allowed: Self.queryServiceKeys) else { return nil }
        var service = QueryServiceConfiguration()
        if let (value, path) = object["threads"], let threads = json.integer(value, at: path, in: 1...1_024) { service.threads = threads }
        if let (value, path) = object["threadsPerCanister"], let threads = json.integer(value, at: path, in: 1...1_024) {
            service.threadsPerCanister = threads
        }
        if let (value, path) = object["overhead"], let overhead = json.duration(value, at: path, maximum: .seconds(10)) { service.overhead = overhead }
        if let (value, path) = object["concurrentMax"], let bound = json.integer(value, at: path, in: 1...1_000_000) { service.concurrentMax = bound }
        if let (value, path) = object["cacheBytes"], let bytes = json.size(value, at: path, maximum: 1 << 40) { service.cacheBytes = bytes }
        if let (value, path) = object["cacheExpiry"], let expiry = json.duration(value, at: path, maximum: .hours(24)) { service.cacheExpiry = expiry }
        if let (value, path) = object["cacheDataCertificateExpiry"], let expiry = json.duration(value, at: path, maximum: .hours(24)) {
            service.cacheDataCertificateExpiry = expiry
        }
        return service
    }
}

extension QueryServiceConfiguration {
    /// The members that differ from the IC's defaults, as a subnet's `queries` object.
    var jsonValue: JSONValue {
        let defaults = QueryServiceConfiguration()
        var members: [(key: String, value: JSONValue)] = []
        if threads != defaults.threads { members.append(("threads", .number(String(threads)))) }
        if threadsPerCanister != defaults.threadsPerCanister { members.append(("threadsPerCanister", .number(String(threadsPerCanister)))) }
        if overhead != defaults.overhead { members.append(("overhead", .duration(overhead))) }
        if concurrentMax != defaults.concurrentMax { members.append(("concurrentMax", .number(String(concurrentMax)))) }
        if cacheBytes != defaults.cacheBytes { members.append(("cacheBytes", .string("\(cacheBytes)B"))) }
        if cacheExpiry != defaults.cacheExpiry { members.append(("cacheExpiry", .duration(cacheExpiry))) }
        if cacheDataCertificateExpiry != defaults.cacheDataCertificateExpiry {
            members.append(("cacheDataCertificateExpiry", .duration(cacheDataCertificateExpiry)))
        }
        return .object(members)
    }
}
