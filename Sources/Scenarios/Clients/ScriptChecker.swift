import SimCore

/// A scripted client's expectations checked: which steps' answers differ from what they
/// expect (a step not answered by the end of the run fails its expectation).
public struct ScriptVerdict: Hashable, Sendable {
    /// The client's name.
    public var client: String
    /// Steps with an expectation.
    public var expectations: Int
    /// Steps that ended (replied, rejected or expired) by the end of the run.
    public var answered: Int
    /// Steps in all.
    public var steps: Int
    /// One line per step that failed its expectation: the step (index and method), what was
    /// expected, what was received.
    public var failures: [String]
}

/// Checks the expectations of scripted clients' steps after a run.
public enum ScriptChecker {
    /// The verdict of each scripted client with at least one expectation, in client order.
    public static func verdicts(_ simulation: ScenarioSimulation) -> [ScriptVerdict] {
        let scenario = simulation.scenario
        let workload = simulation.workload
        return scenario.clients.enumerated().compactMap { index, client in
            guard let steps = client.steps, steps.contains(where: { $0.expect != nil }) else { return nil }
            var answers: [Int: CallAnswer] = [:]
            for outcome in workload.stepOutcomes[index] { answers[outcome.step] = outcome.answer }
            var failures: [String] = []
            for (number, step) in steps.enumerated() {
                guard let expect = step.expect else { continue }
                let canister = scenario.canisterIndex(named: step.canister ?? client.canister) ?? 0
                if let failure = failure(expect, answers[number], simulation.candid, canister: canister, method: step.method) {
                    failures.append("step \(number) (\(step.call.rawValue) \"\(step.method)\"): \(failure)")
                }
            }
            return ScriptVerdict(client: client.name, expectations: steps.filter { $0.expect != nil }.count, answered: answers.count,
                                 steps: steps.count, failures: failures)
        }
    }

    /// What is wrong with `answer` for `expect` (`nil`: it meets it).
    static func failure(_ expect: StepExpectation, _ answer: CallAnswer?, _ candid: CandidBridge, canister: Int, method: String) -> String? {
        let expected = describe(expect)
        guard let answer else { return "expected \(expected), received nothing: the run ended before the step was answered" }
        let received = describe(answer, candid, canister: canister, method: method)
        switch (expect, answer) {
        case (.replyBytes(let bytes), .replied(let reply)) where bytes == reply: return nil
        case (.reject(let code, let contains), .rejected(let actual, _, let message)) where code == actual && contains.map(message.contains) != false:
            return nil
        case (.candid(let text), .replied(let reply)):
            do {
                if try candid.reply(bytes: reply, matches: text, canister: canister, method: method) { return nil }
            } catch {
                return "expected \(expected), received \(received), which could not be compared: \(error)"
            }
        default: break
        }
        return "expected \(expected), received \(received)"
    }

    /// An expectation for people.
    public static func describe(_ expect: StepExpectation) -> String {
        switch expect {
        case .candid(let text): "a reply equal to \(text)"
        case .replyBytes(let bytes): "the reply hex:\(Hex.string(bytes: bytes))"
        case .reject(let code, let contains):
            "a reject \(RejectCodeNames.name(code))" + (contains.map { " with a message containing \"\($0)\"" } ?? "")
        }
    }

    /// An answer for people: a reply as the bridge shows it (Candid text or `hex:`), a reject
    /// with its code, error code and message.
    package static func describe(_ answer: CallAnswer, _ candid: CandidBridge, canister: Int, method: String) -> String {
        switch answer {
        case .replied(let bytes): "the reply \(candid.replyText(bytes: bytes, canister: canister, method: method))"
        case .rejected(let code, let errorCode, let message):
            "a reject \(RejectCodeNames.name(code))\(errorCode.map { " (\($0))" } ?? "") \"\(message)\""
        case .expired: "no answer before the call expired"
        case .refused(let status, let errorCode, let message): "a refusal HTTP \(status)\(errorCode.map { " (\($0))" } ?? "") \"\(message)\""
        }
    }
}
