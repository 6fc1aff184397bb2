extension InternetComputerConfiguration {
    /// Subnet `index`'s query service configuration: the one set, or the IC's defaults.
    public func queryService(ofSubnet index: Int) -> QueryServiceConfiguration {
        queryServices.indices.contains(index) ? queryServices[index] : QueryServiceConfiguration()
    }

    /// What is wrong with the query services: a list longer than the subnets, or a subnet's
    /// configuration's problems, each naming its field.
    func queryServiceProblems() -> [String] {
        var problems: [String] = []
        if queryServices.count > subnets.count {
            problems.append("queryServices: \(queryServices.count) configurations for \(subnets.count) subnets")
        }
        for (index, service) in queryServices.enumerated() {
            problems += service.problems().map { "queryServices[\(index)].\($0)" }
        }
        return problems
    }
}
