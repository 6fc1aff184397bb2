extension CandidBridge {
    /// `scenario` with every argument written as Candid text encoded to its bytes (the
    /// scenario a run executes; reports keep the one written), after checking that every
    /// expectation written as Candid text can be checked.
    /// - Throws: ``ScenarioError`` naming each argument or expectation that cannot be used.
    package func encodingArguments(of scenario: Scenario) throws(ScenarioError) -> Scenario {
        var encoded = scenario
        var problems: [JSONProblem] = []
        let canisters = JSONPath().appending("canisters")
        for (index, canister) in scenario.canisters.enumerated() {
            guard case .candid(let text) = canister.initArgument else { continue }
            do {
                encoded.canisters[index].initArgument = .bytes(try encodeArgument(text: text, canister: index, method: "canister_init", isInit: true))
            } catch {
                problems.append(JSONProblem(canisters.appending(index).appending("initArgument"), error.description))
            }
        }
        for (index, client) in scenario.clients.enumerated() {
            let path = JSONPath().appending("workload").appending(index)
            if case .candid(let text) = client.argument, let canister = scenario.canisterIndex(named: client.canister) {
                do { encoded.clients[index].argument = .fixed(try encodeArgument(text: text, canister: canister, method: client.method, isInit: false)) } catch {
                    problems.append(JSONProblem(path.appending("argument"), error.description))
                }
            }
            guard let steps = client.steps else { continue }
            var encodedSteps = steps
            for (number, step) in steps.enumerated() {
                guard let canister = scenario.canisterIndex(named: step.canister ?? client.canister) else { continue }
                let stepPath = path.appending("calls").appending(number)
                if case .candid(let text) = step.argument {
                    do { encodedSteps[number].argument = .bytes(try encodeArgument(text: text, canister: canister, method: step.method, isInit: false)) } catch {
                        problems.append(JSONProblem(stepPath.appending("argument"), error.description))
                    }
                }
                if case .candid(let text) = step.expect {
                    do { try checkExpected(text: text, canister: canister, method: step.method) } catch {
                        problems.append(JSONProblem(stepPath.appending("expect"), error.description))
                    }
                }
            }
            encoded.clients[index].load = .scripted(encodedSteps)
        }
        guard problems.isEmpty else { throw ScenarioError(problems: problems) }
        return encoded
    }
}

extension Scenario {
    /// The index of the canister named `name`.
    public func canisterIndex(named name: String) -> Int? {
        canisters.firstIndex { $0.name == name }
    }
}

extension Scenario {
    /// The text of each canister's `did` file, by canister index (`nil` for a canister
    /// without one), each read by `readFile` (given the path as written; the caller resolves
    /// it against the scenario file's directory).
    /// - Throws: ``ScenarioError`` naming each `did` file that cannot be read or is not UTF-8.
    public func candidInterfaces(readFile: (String) -> [UInt8]?) throws(ScenarioError) -> [String?] {
        var problems: [JSONProblem] = []
        let interfaces: [String?] = canisters.enumerated().map { index, canister in
            guard let file = canister.did else { return nil }
            let path = JSONPath().appending("canisters").appending(index).appending("did")
            guard let bytes = readFile(file) else {
                problems.append(JSONProblem(path, "cannot read \"\(file)\" (paths are relative to the scenario file)"))
                return nil
            }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                problems.append(JSONProblem(path, "\"\(file)\" is not UTF-8 text (expected a Candid interface file)"))
                return nil
            }
            return text
        }
        guard problems.isEmpty else { throw ScenarioError(problems: problems) }
        return interfaces
    }
}
