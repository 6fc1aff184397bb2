import SimCore
import Consensus

extension ScenarioReader {
    // MARK: Clients

    static let clientKeys = ["name", "call", "canister", "method", "argument", "rate", "arrivals", "users", "thinkTime", "from", "until",
                             "networkDelay", "networkJitter", "pollInterval", "agent", "syncCallTimeout", "caller", "calls", "entry"]

    mutating func client(_ value: JSONValue, at path: JSONPath) -> ClientSpecification? {
        if case .object(let members) = value, members.contains(where: { $0.key == "calls" }) { return scriptedClient(value, at: path) }
        guard let object = json.object(value, at: path, allowed: Self.clientKeys, required: ["name", "canister", "method"]),
              let (nameValue, namePath) = object["name"], let name = json.string(nameValue, at: namePath),
              let (canisterValue, canisterPath) = object["canister"], let canister = json.string(canisterValue, at: canisterPath),
              let (methodValue, methodPath) = object["method"], let method = json.string(methodValue, at: methodPath),
              let load = clientLoad(object, at: path) else { return nil }
        var call = CallKind.update
        if let (value, path) = object["call"], let text = json.string(value, at: path) {
            if let kind = CallKind(rawValue: text) { call = kind } else {
                json.report(path, "expected \"update\" or \"query\", found \"\(text)\"")
            }
        }
        var client = ClientSpecification(name: name, call: call, canister: canister, method: method, load: load)
        if let (value, path) = object["argument"], let argument = argument(value, at: path) { client.argument = argument }
        if let (value, path) = object["caller"] { client.caller = principal(value, at: path) }
        readWindowAndNetwork(object, into: &client)
        return client
    }

    /// `rate` (with `arrivals`) for an open loop, or `users` (with `thinkTime`) for a closed
    /// one: exactly one of the two.
    mutating func clientLoad(_ object: JSONObjectView, at path: JSONPath) -> ClientLoad? {
        switch (object["rate"], object["users"]) {
        case (nil, nil):
            json.report(path, "expected \"rate\" (calls per second, open loop) or \"users\" (closed loop), or \"calls\" (a scripted user)")
            return nil
        case (.some, .some):
            json.report(path.appending("users"), "give either \"rate\" (open loop) or \"users\" (closed loop), not both")
            return nil
        case (let rate?, nil):
            if let thinkTime = object["thinkTime"] { json.report(thinkTime.path, "only for a closed loop (with \"users\")") }
            var poisson = false
            if let (value, path) = object["arrivals"], let text = json.string(value, at: path) {
                switch text {
                case "constant": poisson = false
                case "poisson": poisson = true
                default: json.report(path, "expected \"constant\" or \"poisson\", found \"\(text)\"")
                }
            }
            guard let perSecond = json.number(rate.value, at: rate.path, in: 0.001...1_000_000) else { return nil }
            return .openLoop(ratePerSecond: perSecond, poisson: poisson)
        case (nil, let users?):
            if let arrivals = object["arrivals"] { json.report(arrivals.path, "only for an open loop (with \"rate\")") }
            let thinkTime = object["thinkTime"].flatMap { json.duration($0.value, at: $0.path, maximum: .hours(24)) } ?? .zero
            guard let count = json.integer(users.value, at: users.path, in: 1...100_000) else { return nil }
            return .closedLoop(users: count, thinkTime: thinkTime)
        }
    }

    mutating func argument(_ value: JSONValue, at path: JSONPath) -> ArgumentGenerator? {
        if case .string = value { return bytes(value, at: path).map { .fixed($0) } }
        if case .object(let members) = value, members.contains(where: { $0.key == "candid" }) {
            guard case .candid(let text)? = candidArgument(value, at: path) else { return nil }
            return .candid(text)
        }
        guard let object = json.object(value, at: path, allowed: ["kind", "prefix", "modulo", "size"], required: ["kind"]),
              let (kindValue, kindPath) = object["kind"], let kind = json.string(kindValue, at: kindPath) else { return nil }
        let prefix = object["prefix"].flatMap { bytes($0.value, at: $0.path) } ?? []
        switch kind {
        case "sequence":
            if let size = object["size"] { json.report(size.path, "only for \"random\" arguments") }
            let modulo = object["modulo"].flatMap { json.integer($0.value, at: $0.path, in: UInt64(1)...UInt64.max) }
            return .sequence(prefix: prefix, modulo: modulo)
        case "random":
            if let modulo = object["modulo"] { json.report(modulo.path, "only for \"sequence\" arguments") }
            guard let (sizeValue, sizePath) = object["size"] else {
                json.report(path.appending("size"), "missing; a random argument needs a size such as \"64B\"")
                return nil
            }
            return json.size(sizeValue, at: sizePath, maximum: 2 << 20).map { .random(prefix: prefix, bytes: Int($0)) }
        default:
            json.report(kindPath, "expected \"sequence\" or \"random\", found \"\(kind)\" (fixed bytes are written as a string)")
            return nil
        }
    }

    // MARK: Faults

    /// The keys each fault kind takes besides "kind", "subnet", "at" and "until".
    static let faultKeys: [String: [String]] = [
        "crash": ["nodes"], "pause": ["nodes"], "clockDrift": ["nodes", "rate"], "loss": ["probability"], "partition": ["nodes"],
        "split": ["groups"], "oneWay": ["from", "to"], "extraDelay": ["delay"], "duplication": ["probability"], "reordering": ["bound"],
        "byzantine": ["nodes", "behaviors"],
    ]

    mutating func fault(_ value: JSONValue, at path: JSONPath) -> ScenarioFault? {
        guard case .object(let members) = value else {
            json.report(path, "expected an object, found \(value.kindDescription)")
            return nil
        }
        guard let kindMember = members.first(where: { $0.key == "kind" }) else {
            json.report(path.appending("kind"), "missing; expected one of \(Self.quotedList(Self.faultKeys.keys.sorted()))")
            return nil
        }
        guard let kindName = json.string(kindMember.value, at: path.appending("kind")) else { return nil }
        guard let keys = Self.faultKeys[kindName] else {
            json.report(path.appending("kind"), "unknown fault \"\(kindName)\"; expected one of \(Self.quotedList(Self.faultKeys.keys.sorted()))")
            return nil
        }
        guard let object = json.object(value, at: path, allowed: ["kind", "subnet", "at", "until"] + keys, required: keys),
              let kind = faultKind(kindName, object) else { return nil }
        var fault = ScenarioFault(kind)
        if let (value, path) = object["subnet"] { fault.subnet = json.string(value, at: path) }
        if let (value, path) = object["at"], let at = json.duration(value, at: path) { fault.at = at }
        if let (value, path) = object["until"] { fault.until = json.duration(value, at: path) }
        return fault
    }

    mutating func faultKind(_ name: String, _ object: JSONObjectView) -> ScenarioFault.Kind? {
        func member(_ key: String) -> (value: JSONValue, path: JSONPath) {
            object[key] ?? (.null, object.path.appending(key))  // required keys: present (checked)
        }
        switch name {
        case "crash": return .crash(nodes: nodeList(member("nodes").value, at: member("nodes").path))
        case "pause": return .pause(nodes: nodeList(member("nodes").value, at: member("nodes").path))
        case "partition": return .partition(nodes: nodeList(member("nodes").value, at: member("nodes").path))
        case "clockDrift":
            let nodes = nodeList(member("nodes").value, at: member("nodes").path)
            guard let (numerator, denominator) = ratio(member("rate").value, at: member("rate").path) else { return nil }
            return .clockDrift(nodes: nodes, numerator: numerator, denominator: denominator)
        case "loss", "duplication":
            guard let probability = probability(member("probability").value, at: member("probability").path) else { return nil }
            return name == "loss" ? .loss(probability) : .duplication(probability)
        case "split": return .split(groups: groups(member("groups").value, at: member("groups").path))
        case "oneWay":
            return .oneWay(from: nodeList(member("from").value, at: member("from").path), to: nodeList(member("to").value, at: member("to").path))
        case "extraDelay": return json.duration(member("delay").value, at: member("delay").path, maximum: .seconds(3_600)).map { .extraDelay($0) }
        case "reordering": return json.duration(member("bound").value, at: member("bound").path, maximum: .seconds(3_600)).map { .reordering($0) }
        default:
            let nodes = nodeList(member("nodes").value, at: member("nodes").path)
            let behaviors = list(member("behaviors").value, at: member("behaviors").path) { $0.behavior($1, at: $2) }
            return .byzantine(nodes: nodes, behaviors: behaviors)
        }
    }

    /// A clock rate written `"3/2"` (numerator and denominator from 1 to 1,000).
    mutating func ratio(_ value: JSONValue, at path: JSONPath) -> (Int, Int)? {
        guard let text = json.string(value, at: path) else { return nil }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }), let numerator = Int(parts[0]), let denominator = Int(parts[1]),
              (1...1_000).contains(numerator), (1...1_000).contains(denominator) else {
            json.report(path, "expected a clock rate such as \"2/1\" (twice as fast) or \"9/10\", integers 1-1000, found \"\(text)\"")
            return nil
        }
        return (numerator, denominator)
    }

    /// A probability written `"1%"`, `"0.25%"` or `"1/100"`.
    mutating func probability(_ value: JSONValue, at path: JSONPath) -> Probability? {
        guard let text = json.string(value, at: path) else { return nil }
        guard let probability = Probability.parse(text) else {
            json.report(path, "expected a probability such as \"1%\", \"0.25%\" or \"1/100\" (at most 1), found \"\(text)\"")
            return nil
        }
        return probability
    }

    static let simpleBehaviors: [String: ByzantineBehavior] = [
        "silent": .silent, "withholdShares": .withholdShares, "withholdProposals": .withholdProposals, "doubleSigner": .doubleSigner,
        "invalidProposer": .invalidProposer, "withholdAdverts": .withholdAdverts,
    ]
    static let behaviorNames = simpleBehaviors.keys.sorted() + ["delayer", "equivocatingMaker", "selective", "twins"]

    /// A behaviour: its name, or an object with "kind" and its parameter.
    mutating func behavior(_ value: JSONValue, at path: JSONPath) -> ByzantineBehavior? {
        if case .string(let name) = value {
            if let behavior = Self.simpleBehaviors[name] { return behavior }
            let hint = Self.behaviorNames.contains(name) ? " (\"\(name)\" takes a parameter: write it as an object with \"kind\")" : ""
            json.report(path, "unknown behaviour \"\(name)\"\(hint); expected one of \(Self.quotedList(Self.behaviorNames))")
            return nil
        }
        guard let object = json.object(value, at: path, allowed: ["kind", "delay", "groups", "peers"], required: ["kind"]),
              let (kindValue, kindPath) = object["kind"], let kind = json.string(kindValue, at: kindPath) else { return nil }
        let parameter: [String: String] = ["delayer": "delay", "equivocatingMaker": "groups", "selective": "peers", "twins": "groups"]
        if let simple = Self.simpleBehaviors[kind] {
            for member in object.members where member.key != "kind" {
                json.report(path.appending(member.key), "\"\(kind)\" takes no parameter")
            }
            return simple
        }
        guard let key = parameter[kind] else {
            json.report(kindPath, "unknown behaviour \"\(kind)\"; expected one of \(Self.quotedList(Self.behaviorNames))")
            return nil
        }
        for member in object.members where member.key != "kind" && member.key != key {
            json.report(path.appending(member.key), "not a parameter of \"\(kind)\" (it takes \"\(key)\")")
        }
        let (argument, argumentPath) = object[key] ?? (.null, path.appending(key))
        if object[key] == nil && kind != "equivocatingMaker" {
            json.report(argumentPath, "missing; \"\(kind)\" needs \"\(key)\"")
            return nil
        }
        switch kind {
        case "delayer": return json.duration(argument, at: argumentPath, maximum: .seconds(3_600)).map { .delayer($0) }
        case "selective": return .selective(nodeList(argument, at: argumentPath))
        case "twins": return .twins(groups: groups(argument, at: argumentPath))
        default: return .equivocatingMaker(groups: object[key] == nil ? [] : groups(argument, at: argumentPath))
        }
    }

    // MARK: Expectations

    mutating func expectations(_ value: JSONValue, at path: JSONPath) -> Expectations? {
        guard let object = json.object(value, at: path, allowed: ["safety", "liveness", "allCallsAnswered", "latency", "throughput", "blockRate"]) else { return nil }
        var expectations = Expectations()
        if let (value, path) = object["safety"], let flag = json.bool(value, at: path) { expectations.safety = flag }
        if let (value, path) = object["liveness"], let flag = json.bool(value, at: path) { expectations.liveness = flag }
        if let (value, path) = object["allCallsAnswered"], let flag = json.bool(value, at: path) { expectations.allCallsAnswered = flag }
        if let (value, path) = object["latency"] { expectations.latency = list(value, at: path) { $0.latencyBounds($1, at: $2) }.flatMap { $0 } }
        if let (value, path) = object["throughput"] { expectations.throughput = list(value, at: path) { $0.throughputBound($1, at: $2) } }
        if let (value, path) = object["blockRate"] { expectations.blockRate = list(value, at: path) { $0.blockRateBound($1, at: $2) } }
        return expectations
    }

    /// Quantile keys of a latency bound and their per-mille values.
    package static let quantiles: [(key: String, perMille: Int)] = [("p50", 500), ("p90", 900), ("p99", 990), ("p99.9", 999), ("max", 1_000)]

    mutating func latencyBounds(_ value: JSONValue, at path: JSONPath) -> [LatencyBound]? {
        guard let object = json.object(value, at: path, allowed: ["calls"] + Self.quantiles.map(\.key), required: ["calls"]),
              let (callsValue, callsPath) = object["calls"], let calls = callSelector(callsValue, at: callsPath) else { return nil }
        let bounds = Self.quantiles.compactMap { quantile -> LatencyBound? in
            guard let (value, path) = object[quantile.key] else { return nil }
            guard case .object = value else {
                return json.duration(value, at: path).map { LatencyBound(calls: calls, perMille: quantile.perMille, maximum: $0) }
            }
            return latencyRange(value, at: path).map { LatencyBound(calls: calls, perMille: quantile.perMille, maximum: $0.maximum, minimum: $0.minimum) }
        }
        if !object.members.contains(where: { member in Self.quantiles.contains { $0.key == member.key } }) {
            json.report(path, "expected at least one bound: \(Self.quotedList(Self.quantiles.map(\.key)))")
        }
        return bounds
    }

    /// A quantile's range, `{"min": DURATION, "max": DURATION}` (a calibration's tolerance).
    mutating func latencyRange(_ value: JSONValue, at path: JSONPath) -> (minimum: SimDuration, maximum: SimDuration)? {
        guard let object = json.object(value, at: path, allowed: ["min", "max"], required: ["min", "max"]),
              let (minValue, minPath) = object["min"], let minimum = json.duration(minValue, at: minPath),
              let (maxValue, maxPath) = object["max"], let maximum = json.duration(maxValue, at: maxPath) else { return nil }
        guard minimum <= maximum else {
            json.report(path, "expected min at most max, found \(minimum) above \(maximum)")
            return nil
        }
        return (minimum, maximum)
    }

    mutating func throughputBound(_ value: JSONValue, at path: JSONPath) -> ThroughputBound? {
        guard let object = json.object(value, at: path, allowed: ["calls", "min", "max"], required: ["calls", "min"]),
              let (callsValue, callsPath) = object["calls"], let calls = callSelector(callsValue, at: callsPath),
              let (minimum, maximum) = rateRange(object, in: 0...10_000_000) else { return nil }
        return ThroughputBound(calls: calls, minimumPerSecond: minimum, maximumPerSecond: maximum)
    }

    mutating func blockRateBound(_ value: JSONValue, at path: JSONPath) -> BlockRateBound? {
        guard let object = json.object(value, at: path, allowed: ["subnet", "min", "max"], required: ["subnet", "min"]),
              let (subnetValue, subnetPath) = object["subnet"], let subnet = json.string(subnetValue, at: subnetPath),
              let (minimum, maximum) = rateRange(object, in: 0...1_000) else { return nil }
        return BlockRateBound(subnet: subnet, minimumPerSecond: minimum, maximumPerSecond: maximum)
    }

    /// A bound's `min` (required) and `max` (optional, at least `min`), each in `range`.
    mutating func rateRange(_ object: JSONObjectView, in range: ClosedRange<Double>) -> (minimum: Double, maximum: Double?)? {
        guard let (minValue, minPath) = object["min"], let minimum = json.number(minValue, at: minPath, in: range) else { return nil }
        guard let (maxValue, maxPath) = object["max"], let maximum = json.number(maxValue, at: maxPath, in: range) else { return (minimum, nil) }
        if maximum < minimum { json.report(maxPath, "expected at least \"min\" (\(JSONValue.decimal(minimum))), found \(JSONValue.decimal(maximum))") }
        return (minimum, maximum)
    }

    /// `"update"` or `"query"` (all calls of that kind), or a client's name.
    mutating func callSelector(_ value: JSONValue, at path: JSONPath) -> CallSelector? {
        guard let text = json.string(value, at: path) else { return nil }
        return CallKind(rawValue: text).map { .kind($0) } ?? .client(text)
    }
}

extension Probability {
    /// A probability written as a percentage (`"1%"`, `"0.5%"`, up to six decimals) or a
    /// ratio (`"1/100"`), if `text` is one and at most 1.
    public static func parse(_ text: String) -> Probability? {
        if text.hasSuffix("%") {
            guard let parts = Self.decimal(String(text.dropLast()), decimals: 6) else { return nil }
            return try? Probability(numerator: parts, denominator: 100_000_000)
        }
        let pieces = text.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 2, pieces.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let numerator = UInt64(pieces[0]), let denominator = UInt64(pieces[1]) else { return nil }
        return try? Probability(numerator: numerator, denominator: denominator)
    }

    /// A non-negative decimal with at most `decimals` fraction digits, scaled by 10^decimals.
    static func decimal(_ text: String, decimals: Int) -> UInt64? {
        let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(pieces.count) else { return nil }
        let whole = String(pieces[0])
        let fraction = pieces.count == 2 ? String(pieces[1]) : ""
        guard !(whole.isEmpty && fraction.isEmpty), fraction.count <= decimals else { return nil }
        let digits = whole + fraction + String(repeating: "0", count: decimals - fraction.count)
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(digits)
    }

    /// The probability as scenario files write it: a ratio.
    public var scenarioText: String { "\(numerator)/\(denominator)" }
}
