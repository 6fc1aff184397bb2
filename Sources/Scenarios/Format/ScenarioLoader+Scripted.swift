import Candid
import ExecutionLayer

extension ScenarioReader {
    // MARK: Scripted clients

    /// The keys of a scripted client (one with `calls`).
    static let scriptedClientKeys = ["name", "canister", "caller", "calls", "from", "until", "networkDelay", "networkJitter", "pollInterval", "agent", "syncCallTimeout", "entry"]
    /// Keys of load clients that a scripted client does not take (each step says its own).
    static let loadOnlyClientKeys = ["call", "method", "argument", "rate", "arrivals", "users", "thinkTime"]
    /// The keys of a step.
    static let stepKeys = ["method", "canister", "call", "argument", "caller", "expect"]

    /// A scripted client: a name, its steps, and optionally its default canister, caller,
    /// window and network keys.
    mutating func scriptedClient(_ value: JSONValue, at path: JSONPath) -> ClientSpecification? {
        guard let object = json.object(value, at: path, allowed: Self.scriptedClientKeys + Self.loadOnlyClientKeys, required: ["name", "calls"]) else { return nil }
        for key in Self.loadOnlyClientKeys {
            if let (_, keyPath) = object[key] {
                json.report(keyPath, "not for a scripted client (one with \"calls\"): each step gives its own \"method\", \"call\" and \"argument\"")
            }
        }
        guard let (nameValue, namePath) = object["name"], let name = json.string(nameValue, at: namePath),
              let (callsValue, callsPath) = object["calls"] else { return nil }
        let canister = object["canister"].flatMap { json.string($0.value, at: $0.path) }
        let steps = list(callsValue, at: callsPath) { $0.step($1, at: $2) }
        var client = ClientSpecification(name: name, canister: canister, steps: steps)
        if let (value, path) = object["caller"] { client.caller = principal(value, at: path) }
        readWindowAndNetwork(object, into: &client)
        return client
    }

    /// `from`, `until` and the network keys, which every client takes.
    mutating func readWindowAndNetwork(_ object: JSONObjectView, into client: inout ClientSpecification) {
        if let (value, path) = object["from"], let from = json.duration(value, at: path) { client.from = from }
        if let (value, path) = object["until"] { client.until = json.duration(value, at: path) }
        if let (value, path) = object["networkDelay"], let delay = json.duration(value, at: path, maximum: .seconds(60)) { client.networkDelay = delay }
        if let (value, path) = object["networkJitter"], let jitter = json.duration(value, at: path, maximum: .seconds(60)) { client.networkJitter = jitter }
        if let (value, path) = object["pollInterval"], let interval = json.duration(value, at: path, maximum: .seconds(300)) {
            if interval > .zero { client.pollInterval = interval } else { json.report(path, "must be longer than zero") }
        }
        if let (value, path) = object["agent"], let text = json.string(value, at: path) {
            if let mode = AgentCallMode(rawValue: text) { client.agent = mode } else {
                json.report(path, "expected \"v3\" (the synchronous call) or \"v2\" (call, then poll read_state), found \"\(text)\"")
            }
        }
        if let (value, path) = object["syncCallTimeout"], let timeout = json.duration(value, at: path, maximum: .seconds(300)) {
            if timeout > .zero { client.syncCallTimeout = timeout } else { json.report(path, "must be longer than zero") }
        }
        if let (value, path) = object["entry"], let text = json.string(value, at: path) {
            if let entry = ClientEntry(rawValue: text) { client.entry = entry } else {
                json.report(path, "expected \"boundaryNode\" (through the subnet's boundary node) or \"roundRobin\" (straight to each replica in turn), found \"\(text)\"")
            }
        }
    }

    /// One step of a scripted client.
    mutating func step(_ value: JSONValue, at path: JSONPath) -> CallStep? {
        guard let object = json.object(value, at: path, allowed: Self.stepKeys, required: ["method"]),
              let (methodValue, methodPath) = object["method"], let method = json.string(methodValue, at: methodPath) else { return nil }
        var step = CallStep(method: method)
        if let (value, path) = object["canister"] { step.canister = json.string(value, at: path) }
        if let (value, path) = object["call"], let text = json.string(value, at: path) {
            if let kind = CallKind(rawValue: text) { step.call = kind } else { json.report(path, "expected \"update\" or \"query\", found \"\(text)\"") }
        }
        if let (value, path) = object["argument"], let argument = callArgument(value, at: path) { step.argument = argument }
        if let (value, path) = object["caller"] { step.caller = principal(value, at: path) }
        if let (value, path) = object["expect"] { step.expect = expectation(value, at: path) }
        return step
    }

    /// What a step's answer must be: Candid text (a string), `{"replyBytes": BYTES}`, or
    /// `{"reject": CODE, "messageContains": TEXT}`.
    mutating func expectation(_ value: JSONValue, at path: JSONPath) -> StepExpectation? {
        if case .string(let text) = value { return .candid(text) }
        guard let object = json.object(value, at: path, allowed: ["reject", "messageContains", "replyBytes"]) else { return nil }
        switch (object["reject"], object["replyBytes"]) {
        case (nil, nil):
            json.report(path, "expected Candid text (a string), {\"replyBytes\": BYTES} or {\"reject\": CODE}")
            return nil
        case (.some, .some):
            json.report(path.appending("replyBytes"), "give either \"reject\" or \"replyBytes\", not both")
            return nil
        case (nil, let reply?):
            if let contains = object["messageContains"] { json.report(contains.path, "only with \"reject\"") }
            return bytes(reply.value, at: reply.path).map { .replyBytes($0) }
        case (let reject?, nil):
            let contains = object["messageContains"].flatMap { json.string($0.value, at: $0.path) }
            return rejectCode(reject.value, at: reject.path).map { .reject(code: $0, messageContains: contains) }
        }
    }

    /// A reject code: its name (`"CANISTER_REJECT"`) or its number (1-6).
    mutating func rejectCode(_ value: JSONValue, at path: JSONPath) -> Int32? {
        let expected = "expected one of \(Self.quotedList(RejectCodeNames.names)) or a number from 1 to \(RejectCodeNames.names.count)"
        switch value {
        case .string(let name):
            guard let code = RejectCodeNames.code(named: name) else {
                json.report(path, "unknown reject code \"\(name)\"; \(expected)")
                return nil
            }
            return code
        case .number:
            return json.integer(value, at: path, in: Int32(1)...Int32(RejectCodeNames.names.count))
        default:
            json.report(path, "\(expected), found \(value.kindDescription)")
            return nil
        }
    }

    // MARK: Principals and arguments

    /// A principal in the textual format (interface spec 0.66.0, "Textual representation of
    /// principals"; read strictly by ``CandidPrincipal/init(text:)``).
    mutating func principal(_ value: JSONValue, at path: JSONPath) -> Principal? {
        guard let text = json.string(value, at: path) else { return nil }
        do {
            return Principal(bytes: try CandidPrincipal(text: text).bytes)
        } catch {
            json.report(path, "expected a principal in the textual format (such as \"aaaaa-aa\" or \"rrkah-fqaaa-aaaaa-aaaaq-cai\"): \(error.message)")
            return nil
        }
    }

    /// A canister's environment variables: an object of names to text values, within the IC's
    /// limits (``EnvironmentVariables``; the IC's wording when one is broken).
    mutating func environmentVariables(_ value: JSONValue, at path: JSONPath) -> EnvironmentVariables? {
        guard case .object(let members) = value else {
            json.report(path, "expected an object of names to values, e.g. {\"LOG_LEVEL\": \"debug\"}")
            return nil
        }
        var variables: [(name: String, value: String)] = []
        for member in members {
            guard case .string(let text) = member.value else {
                json.report(path.appending(member.key), "expected a text value")
                continue
            }
            variables.append((member.key, text))
        }
        do { return try EnvironmentVariables(variables) } catch {
            json.report(path, error.description)
            return nil
        }
    }

    /// A canister's controllers: 1 to 10 principals (interface spec 0.66.0, "IC management
    /// canister": at most 10 controllers).
    mutating func controllers(_ value: JSONValue, at path: JSONPath) -> [Principal]? {
        let principals = list(value, at: path) { $0.principal($1, at: $2) }
        guard case .array(let elements) = value else { return nil }
        if !(1...10).contains(elements.count) {
            json.report(path, "expected 1 to 10 controllers (the first installs the canister), found \(elements.count)")
        }
        return principals
    }

    /// Bytes (a string: text or `"hex:..."`), or `{"candid": TEXT}`.
    mutating func callArgument(_ value: JSONValue, at path: JSONPath) -> CallArgument? {
        if case .string = value { return bytes(value, at: path).map { .bytes($0) } }
        return candidArgument(value, at: path)
    }

    /// `{"candid": TEXT}`.
    mutating func candidArgument(_ value: JSONValue, at path: JSONPath) -> CallArgument? {
        guard let object = json.object(value, at: path, allowed: ["candid"], required: ["candid"]),
              let (textValue, textPath) = object["candid"], let text = json.string(textValue, at: textPath) else { return nil }
        return .candid(text)
    }
}
