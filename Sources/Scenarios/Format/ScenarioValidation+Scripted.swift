extension Scenario {
    /// A canister reference: the problem when `name` names no canister.
    func canisterReference(_ name: String, at path: JSONPath) -> JSONProblem? {
        guard canisterIndex(named: name) == nil else { return nil }
        let known = canisters.isEmpty ? "there are no canisters" : "the canisters are \(ScenarioReader.quotedList(canisters.map(\.name)))"
        return JSONProblem(path, "no canister is named \"\(name)\"; \(known)")
    }

    /// What is wrong with a scripted client's steps: each needs a method and a canister (its
    /// own or the client's), and a reject expectation a code from 1 to 6.
    func stepProblems(_ steps: [CallStep], client: ClientSpecification, at path: JSONPath) -> [JSONProblem] {
        var problems: [JSONProblem] = []
        if steps.isEmpty { problems.append(JSONProblem(path.appending("calls"), "expected at least one call")) }
        if !client.canister.isEmpty, let problem = canisterReference(client.canister, at: path.appending("canister")) { problems.append(problem) }
        for (index, step) in steps.enumerated() {
            let stepPath = path.appending("calls").appending(index)
            if step.method.isEmpty { problems.append(JSONProblem(stepPath.appending("method"), "must not be empty")) }
            if let canister = step.canister {
                if let problem = canisterReference(canister, at: stepPath.appending("canister")) { problems.append(problem) }
            } else if client.canister.isEmpty {
                problems.append(JSONProblem(stepPath.appending("canister"), "missing; name the canister here or give the client a \"canister\""))
            }
            if case .reject(let code, _)? = step.expect, !(1...Int32(RejectCodeNames.names.count)).contains(code) {
                problems.append(JSONProblem(stepPath.appending("expect").appending("reject"), "expected a reject code from 1 to \(RejectCodeNames.names.count), found \(code)"))
            }
        }
        return problems
    }
}
