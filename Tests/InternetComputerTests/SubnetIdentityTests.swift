import Testing
import SimCore
import ExecutionLayer
@testable import InternetComputer

/// What canisters learn about where they run, end to end: each subnet's principal
/// (`ic0.subnet_self_copy`), and in a query call the certificate of the certified data of
/// the state the query reads (`ic0.data_certificate_copy`), through the HTTP interface.
@Suite("Subnet identity and data certificates")
struct SubnetIdentityTests {
    static let local = CanisterID(1)
    static let remote = CanisterID(101)

    static func simulation() throws -> InternetComputerSimulation {
        var configuration = InternetComputerConfiguration(subnetCount: 2, nodeCount: 4, seed: 5)
        configuration.subnets[0].canisters = [CanisterSetup(id: local, wasm: try SubnetExecutionTests.wasm("identity"))]
        configuration.subnets[1].canisters = [CanisterSetup(id: remote, wasm: try SubnetExecutionTests.wasm("identity"))]
        configuration.subnets[1].canisters[0].environmentVariables = try EnvironmentVariables([("network", "local")])
        configuration.subnets[0].ingress = [SubmittedIngress(at: .zero + .seconds(1),
            IngressMessage(id: 1, sender: .user(1), receiver: local, method: "certify", argument: [1, 2, 3]))]
        var simulation = InternetComputerSimulation(configuration: configuration)
        simulation.run(until: .zero + .seconds(6))
        return simulation
    }

    static func query(_ ic: InternetComputerSimulation, _ canister: CanisterID, _ method: String, subnet: Int) -> Result<[UInt8], Reject> {
        ic.executeQuery(QueryRequest(canister: canister, method: method, argument: [], sender: .anonymous), onSubnet: subnet, atReplica: 0,
                        at: .zero + .seconds(6)).result
    }

    @Test func eachSubnetHasItsOwnPrincipal() throws {
        let ic = try Self.simulation()
        #expect(Self.query(ic, Self.local, "subnet", subnet: 0) == .success(SubnetIdentity.principal(index: 0).bytes))
        #expect(Self.query(ic, Self.remote, "subnet", subnet: 1) == .success(SubnetIdentity.principal(index: 1).bytes))
    }

    @Test func genesisCanistersGetTheirEnvironmentVariables() throws {
        let ic = try Self.simulation()
        #expect(ic.subnets[1].model.execution.state.canister(Self.remote)?.environmentVariables.entries.map(\.value) == ["local"])
        #expect(ic.subnets[0].model.execution.state.canister(Self.local)?.environmentVariables.entries.isEmpty == true)
    }

    @Test func aQueryReadsTheCertificateOfTheStateItRunsOn() throws {
        let ic = try Self.simulation()
        #expect(ic.subnets[0].model.execution.state.canister(Self.local)?.certifiedData == [1, 2, 3])
        let time = try #require(ic.subnets[0].model.execution.executionTimes.last)
        let expected = DataCertificate.encode(canister: Self.local, certifiedData: [1, 2, 3], timeNanos: SubnetExecution.timeNanos(time))
        #expect(Self.query(ic, Self.local, "certificate", subnet: 0) == .success(expected))
        #expect(Self.query(ic, Self.remote, "certificate", subnet: 1)
            == .success(DataCertificate.encode(canister: Self.remote, certifiedData: [], timeNanos: SubnetExecution.timeNanos(
                try #require(ic.subnets[1].model.execution.executionTimes.last)))))
    }
}
