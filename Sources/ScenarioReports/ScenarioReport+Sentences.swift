import SimCore
import Consensus
import Scenarios

/// How the text report writes numbers, durations, node lists and faults for people: counts
/// with their thousands grouped, every duration as a number and a unit, consecutive nodes as
/// ranges, and each fault as a sentence. The JSON report keeps the exact data.
extension ScenarioReport {
    /// `value` with its thousands separated by commas (`12,345,678`).
    static func grouped<Integer: BinaryInteger>(_ value: Integer) -> String {
        grouped(String(value))
    }

    /// A decimal integer's text with its thousands separated by commas (a leading `-` kept).
    static func grouped(_ digits: String) -> String {
        let negative = digits.hasPrefix("-")
        let body = negative ? Substring(digits.dropFirst()) : Substring(digits)
        var groups: [Substring] = []
        var end = body.endIndex
        while end > body.startIndex {
            let start = body.index(end, offsetBy: -3, limitedBy: body.startIndex) ?? body.startIndex
            groups.insert(body[start..<end], at: 0)
            end = start
        }
        return (negative ? "-" : "") + groups.joined(separator: ",")
    }

    /// A duration as a number and a unit: whole seconds bare (`10 s`, `0 s`), anything else
    /// to a thousandth of its unit (`2.466 s`, `570.4 ms`, `250 µs`).
    static func readable(_ duration: SimDuration) -> String {
        let nanos = duration.nanoseconds
        if nanos % 1_000_000_000 == 0 { return "\(nanos / 1_000_000_000) s" }
        return duration.formatted(decimals: 3)
    }

    /// Nodes (ascending) as people read them: runs of three or more as ranges (`0-6, 9, 11`).
    static func list(_ nodes: [Int]) -> String {
        let sorted = nodes.sorted()
        var parts: [String] = []
        var index = 0
        while index < sorted.count {
            var last = index
            while last + 1 < sorted.count, sorted[last + 1] == sorted[last] + 1 { last += 1 }
            if last - index >= 2 {
                parts.append("\(sorted[index])-\(sorted[last])")
            } else {
                parts += sorted[index...last].map(String.init)
            }
            index = last + 1
        }
        return parts.joined(separator: ", ")
    }

    /// `node 3` or `nodes 1-3`.
    static func nodes(_ nodes: [Int]) -> String {
        (nodes.count == 1 ? "node " : "nodes ") + list(nodes)
    }

    /// Groups of nodes: `{0-6} and {7-12}`.
    static func groups(_ groups: [[Int]]) -> String {
        let shown = groups.map { "{\(list($0))}" }
        guard shown.count > 1, let last = shown.last else { return shown.first ?? "{}" }
        return shown.dropLast().joined(separator: ", ") + " and " + last
    }

    /// One line of the fault timeline, as a sentence: when, where, and what.
    static func sentence(_ fault: ScenarioFault) -> String {
        let window: String
        switch (fault.at, fault.until) {
        case (.zero, nil): window = "throughout"
        case (let start, nil): window = "from \(readable(start)) on"
        case (let start, let end?): window = "from \(readable(start)) until \(readable(end))"
        }
        let subnet = fault.subnet.map { " (subnet \"\($0)\")" } ?? ""
        return "\(window)\(subnet): \(what(fault.kind))"
    }

    /// What a fault does.
    static func what(_ kind: ScenarioFault.Kind) -> String {
        switch kind {
        case .crash(let crashed): "\(nodes(crashed)) crashed"
        case .pause(let paused): "\(nodes(paused)) paused"
        case .clockDrift(let drifting, let numerator, let denominator): "the clocks of \(nodes(drifting)) run at \(numerator)/\(denominator) of real time"
        case .loss(let probability): "\(percent(probability)) of messages lost"
        case .duplication(let probability): "\(percent(probability)) of messages duplicated"
        case .extraDelay(let delay): "every message \(readable(delay)) late"
        case .reordering(let bound): "every message up to \(readable(bound)) late at random (reordering)"
        case .partition(let cut): "\(nodes(cut)) cut off from the others"
        case .split(let parts): "the network split into \(groups(parts))"
        case .oneWay(let from, let to): "messages from \(nodes(from)) to \(nodes(to)) lost (the other way works)"
        case .byzantine(let byzantine, let behaviors):
            "\(nodes(byzantine)) Byzantine: " + behaviors.map(describe).joined(separator: "; ")
        }
    }

    /// What a Byzantine behaviour does, in words.
    static func describe(_ behavior: ByzantineBehavior) -> String {
        switch behavior {
        case .silent: "silent"
        case .withholdShares: "sends no shares"
        case .withholdProposals: "never proposes"
        case .equivocatingMaker(let parts) where parts.isEmpty: "as block maker, sends a different block to each half of its peers"
        case .equivocatingMaker(let parts): "as block maker, sends a different block to each of \(groups(parts))"
        case .doubleSigner: "signs every block it sees, conflicts or not"
        case .delayer(let delay): "sends everything \(readable(delay)) late"
        case .invalidProposer: "proposes invalid blocks"
        case .selective(let peers): "talks only to \(nodes(peers))"
        case .withholdAdverts: "advertises no blocks and answers no block requests"
        case .twins(let parts): "runs as twins, one copy for each of \(groups(parts))"
        }
    }
}
