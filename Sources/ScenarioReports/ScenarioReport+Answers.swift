import SimCore
import InternetComputer
import Scenarios

/// What one client's calls received: the distinct replies and rejects with counts, and for a
/// scripted client each step.
public struct AnswerSummary: Sendable, Equatable {
    /// One distinct reply or reject.
    public struct Entry: Sendable, Equatable {
        /// A reply as Candid text (or `hex:...`), or a reject's message.
        public var text: String
        /// A reject's code name, or `"HTTP 429"` for a call refused before the ingress pool
        /// (`nil` for a reply).
        public var code: String?
        /// A reject's IC error code, when the system rejected (`"IC0503"`).
        public var errorCode: String?
        /// Calls that received it.
        public var count: UInt64
    }

    /// One step of a scripted client.
    public struct Step: Sendable, Equatable {
        /// Its index among the client's calls.
        public var index: Int
        /// Update call or query.
        public var call: CallKind
        /// The target canister's name.
        public var canister: String
        /// The method.
        public var method: String
        /// What it received (`nil`: nothing by the end of the run).
        public var received: String?
        /// From sending to learning the answer.
        public var latency: SimDuration?
        /// What it expected, if anything.
        public var expected: String?
    }

    /// Distinct replies, by count (descending), then text.
    public var replies: [Entry]
    /// Distinct rejects, by count (descending), then code, error code and message.
    public var rejects: [Entry]
    /// Replies not among those kept (beyond ``ClientAnswers/distinctMax`` distinct ones).
    public var otherReplies: UInt64
    /// Rejects not among those kept.
    public var otherRejects: UInt64
    /// A scripted client's steps (`nil` for the other clients).
    public var steps: [Step]?

    /// Longest reply text shown; longer ones are cut, with their length in bytes.
    static let textCharactersMax = 200
}

extension ScenarioReport {
    /// What client `index` of `simulation` received.
    static func answerSummary(_ simulation: ScenarioSimulation, client index: Int) -> AnswerSummary {
        let client = simulation.scenario.clients[index]
        let answers = simulation.workload.answers[index]
        let outcomes = simulation.workload.stepOutcomes[index]
        // A reply's method and canister: the client's, or the first step that received it.
        func text(_ bytes: [UInt8]) -> String {
            var method = client.method, canister = client.canister
            if let steps = client.steps, let step = outcomes.first(where: { $0.answer == .replied(bytes) }).map({ steps[$0.step] }) {
                method = step.method
                canister = step.canister ?? client.canister
            }
            let full = simulation.candid.replyText(bytes: bytes, canister: simulation.scenario.canisterIndex(named: canister) ?? 0, method: method)
            return full.count <= AnswerSummary.textCharactersMax ? full : "\(full.prefix(AnswerSummary.textCharactersMax))... (\(bytes.count) bytes)"
        }
        let replies = answers.replies.compactMap { entry -> AnswerSummary.Entry? in
            guard case .replied(let bytes) = entry.answer else { return nil }
            return AnswerSummary.Entry(text: text(bytes), count: entry.count)
        }
        let rejects = answers.rejects.compactMap { entry -> AnswerSummary.Entry? in
            switch entry.answer {
            case .rejected(let code, let errorCode, let message):
                return AnswerSummary.Entry(text: message, code: RejectCodeNames.name(code), errorCode: errorCode, count: entry.count)
            case .refused(let status, let errorCode, let message):
                // A refusal has no reject code: its HTTP status stands in its place.
                return AnswerSummary.Entry(text: message, code: "HTTP \(status)", errorCode: errorCode, count: entry.count)
            case .replied, .expired:
                return nil
            }
        }
        return AnswerSummary(replies: sorted(replies), rejects: sorted(rejects), otherReplies: answers.otherReplies, otherRejects: answers.otherRejects,
                             steps: client.steps.map { stepSummaries($0, client: client, outcomes: outcomes, simulation.candid, simulation.scenario) })
    }

    /// By count (descending), then code, error code and text (byte order).
    static func sorted(_ entries: [AnswerSummary.Entry]) -> [AnswerSummary.Entry] {
        func key(_ entry: AnswerSummary.Entry) -> String { "\(entry.code ?? "") \(entry.errorCode ?? "") \(entry.text)" }
        return entries.sorted { $0.count != $1.count ? $0.count > $1.count : key($0).utf8.lexicographicallyPrecedes(key($1).utf8) }
    }

    static func stepSummaries(_ steps: [CallStep], client: ClientSpecification, outcomes: [StepOutcome], _ candid: CandidBridge, _ scenario: Scenario) -> [AnswerSummary.Step] {
        var ended: [Int: StepOutcome] = [:]
        for outcome in outcomes { ended[outcome.step] = outcome }
        return steps.enumerated().map { index, step in
            let canister = step.canister ?? client.canister
            let outcome = ended[index]
            let received = outcome.map { ScriptChecker.describe($0.answer, candid, canister: scenario.canisterIndex(named: canister) ?? 0, method: step.method) }
            return AnswerSummary.Step(index: index, call: step.call, canister: canister, method: step.method, received: received,
                                      latency: outcome.map { $0.endedAt - $0.sentAt }, expected: step.expect.map(ScriptChecker.describe))
        }
    }

    /// One check per scripted client with expectations: `script "NAME"`.
    static func scriptChecks(_ verdicts: [ScriptVerdict]) -> [Check] {
        verdicts.map { verdict in
            Check(name: "script \"\(verdict.client)\"", passed: verdict.failures.isEmpty, detail: verdict.failures.isEmpty
                ? "\(verdict.expectations) expectations met (\(verdict.answered) of \(verdict.steps) steps answered)"
                : verdict.failures.joined(separator: "; "))
        }
    }

    /// The JSON of what a client received: `answers`, and `steps` for a scripted client.
    static func answersJSON(_ summary: AnswerSummary) -> [(key: String, value: JSONValue)] {
        func entry(_ entry: AnswerSummary.Entry) -> JSONValue {
            guard let code = entry.code else { return .object([("reply", .string(entry.text)), ("count", count(entry.count))]) }
            return .object([("code", .string(code)), ("errorCode", entry.errorCode.map { .string($0) } ?? .null), ("message", .string(entry.text)),
                            ("count", count(entry.count))])
        }
        var members: [(key: String, value: JSONValue)] = [("answers", .object([
            ("replies", .array(summary.replies.map(entry))), ("rejects", .array(summary.rejects.map(entry))),
            ("otherReplies", count(summary.otherReplies)), ("otherRejects", count(summary.otherRejects)),
        ]))]
        if let steps = summary.steps {
            members.append(("steps", .array(steps.map { step in
                .object([("index", count(step.index)), ("call", .string(step.call.rawValue)), ("canister", .string(step.canister)),
                         ("method", .string(step.method)), ("received", step.received.map { .string($0) } ?? .null),
                         ("latencyNanos", nanos(step.latency)), ("expected", step.expected.map { .string($0) } ?? .null)])
            })))
        }
        return members
    }

    /// The short form for people: the most frequent replies and rejects, and each step of a
    /// scripted client (at most ``stepLinesMax``).
    static func answerLines(_ summary: AnswerSummary) -> [String] {
        var lines: [String] = []
        if !summary.replies.isEmpty {
            let shown = summary.replies.prefix(3).map { "\($0.text) (\($0.count))" }.joined(separator: ", ")
            let more = summary.replies.count > 3 || summary.otherReplies > 0 ? ", ..." : ""
            let distinct = "\(summary.replies.count)\(summary.otherReplies > 0 ? "+" : "")"
            lines.append("  replies: \(distinct) distinct: \(shown)\(more)")
        }
        if !summary.rejects.isEmpty {
            let shown = summary.rejects.prefix(2).map { entry in
                let message = entry.text.count <= 80 ? entry.text : "\(entry.text.prefix(80))..."
                return "\(entry.code ?? "")\(entry.errorCode.map { " (\($0))" } ?? "") \"\(message)\" (\(entry.count))"
            }
            lines.append("  reject messages: \(shown.joined(separator: ", "))\(summary.rejects.count > 2 || summary.otherRejects > 0 ? ", ..." : "")")
        }
        for step in (summary.steps ?? []).prefix(stepLinesMax) {
            let answer = step.received.map { "\($0) after \(format(step.latency))" } ?? "no answer by the end of the run"
            lines.append("  step \(step.index): \(step.call.rawValue) \(step.canister).\(step.method): \(answer)")
        }
        if let steps = summary.steps, steps.count > stepLinesMax { lines.append("  ... and \(steps.count - stepLinesMax) more steps (all in the JSON report)") }
        return lines
    }

    /// Most steps the text report lists per scripted client.
    static let stepLinesMax = 20
}

extension ScenarioReport {
    /// `" (12 refused)"` after a client's rejected count when calls were refused with an HTTP
    /// status (update calls by the ingress admission, queries by the replicas' query handlers
    /// at every try; empty when none was: reports of runs without refusals read as before).
    static func refusedText(_ statistics: ClientStatistics) -> String {
        statistics.refused == 0 ? "" : " (\(statistics.refused) refused)"
    }

    /// The client's `refused` member when calls were refused (none otherwise, as for
    /// ``refusedText(_:)``).
    static func refusedJSON(_ statistics: ClientStatistics) -> [(key: String, value: JSONValue)] {
        statistics.refused == 0 ? [] : [("refused", count(statistics.refused))]
    }
}
