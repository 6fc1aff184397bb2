import InternetComputer

extension NothingLostChecker {
    /// The accounting of refused calls: each client's calls sent are its update calls kept,
    /// its update calls refused and its queries (refused or not); the subnets' admissions accepted as many calls as
    /// the clients kept and refused as many as they counted refused (a refused call is kept
    /// nowhere but in these counts).
    static func admissionProblems(_ workload: Workload, _ ic: InternetComputerSimulation) -> [String] {
        var problems: [String] = []
        var kept = Array(repeating: UInt64(0), count: workload.specifications.count)
        for call in workload.updates { kept[Int(call.client)] += 1 }
        for (client, specification) in workload.specifications.enumerated() {
            let refused = workload.statistics[client].refused - workload.statistics[client].queriesRefused
            let sent = workload.statistics[client].sent
            if kept[client] + refused + workload.queriesSent[client] != sent {
                problems.append("client \"\(specification.name)\": \(sent) calls sent, but \(kept[client]) update calls are kept, "
                    + "\(refused) were refused and \(workload.queriesSent[client]) are queries")
            }
        }
        let admissions = ic.subnets.indices.map { ic.ingressAdmission(ofSubnet: $0) }
        let accepted = admissions.reduce(0) { $0 + $1.accepted }
        if accepted != UInt64(workload.updates.count) {
            problems.append("the subnets accepted \(accepted) calls, but the clients kept \(workload.updates.count) update calls")
        }
        let refusedBySubnets = admissions.reduce(0) { $0 + $1.refusedTotal }
        let refusedByClients = workload.statistics.reduce(0) { $0 + $1.refused - $1.queriesRefused }
        if refusedBySubnets != refusedByClients {
            problems.append("the subnets refused \(refusedBySubnets) calls, but the clients counted \(refusedByClients) refused")
        }
        return problems
    }
}
