extension CallArgument {
    /// The argument as scenario files write it: bytes as a string, Candid text as
    /// `{"candid": TEXT}` (the text as written).
    var jsonValue: JSONValue {
        switch self {
        case .bytes(let bytes): .bytes(bytes)
        case .candid(let text): .object([("candid", .string(text))])
        }
    }
}

extension ClientSpecification {
    /// A scripted client as scenario files write it.
    func scriptedJSONValue(_ steps: [CallStep]) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("name", .string(name))]
        if !canister.isEmpty { members.append(("canister", .string(canister))) }
        if let caller { members.append(("caller", .string(caller.description))) }
        members.append(("calls", .array(steps.map(\.jsonValue))))
        return .object(members + windowAndNetworkMembers)
    }
}

extension CallStep {
    /// The step as scenario files write it.
    var jsonValue: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("method", .string(method))]
        if let canister { members.append(("canister", .string(canister))) }
        members += [("call", .string(call.rawValue)), ("argument", argument.jsonValue)]
        if let caller { members.append(("caller", .string(caller.description))) }
        if let expect { members.append(("expect", expect.jsonValue)) }
        return .object(members)
    }
}

extension StepExpectation {
    /// The expectation as scenario files write it (a reject code by its name).
    var jsonValue: JSONValue {
        switch self {
        case .candid(let text): .string(text)
        case .replyBytes(let bytes): .object([("replyBytes", .bytes(bytes))])
        case .reject(let code, let contains):
            .object([("reject", .string(RejectCodeNames.name(code)))] + (contains.map { [("messageContains", JSONValue.string($0))] } ?? []))
        }
    }
}
