import Testing
import ICSim

/// The call API meets the subnet's ingress admission as an agent does: a refused update call
/// throws ``CallFailure/refused(_:)`` with the replica's HTTP status and text.
@Suite struct IngressAdmissionCallTests {
    @Test func aRefusedUpdateThrowsTheRefusal() throws {
        // One replica whose handler serves one call request at a time, each for a minute.
        var configuration = InternetComputerConfiguration(subnetCount: 1, nodeCount: 1, seed: 2)
        configuration.subnets[0].ingressAdmission.callConcurrentRequestsMax = 1
        configuration.subnets[0].ingressAdmission.callHandlingDuration = .seconds(60)
        var ic = try SimulatedInternetComputer(configuration: configuration)
        let counter = BuiltinCanisters.module(named: "counter") ?? []
        let canister = try ic.createCanister()
        do {
            try ic.installCode(canister, wasm: counter)
            Issue.record("the second call within the minute was expected to be refused")
        } catch {
            #expect(error == .refused(CallRefusal(.callConcurrencyLimit, node: 0)))
            #expect(error.description == "refused: HTTP 429: The service is overloaded.")
        }
        ic.advanceTime(by: .seconds(60))
        try ic.installCode(canister, wasm: counter)
        ic.advanceTime(by: .seconds(60))
        #expect(try ic.update(canister, "inc") == [1, 0, 0, 0, 0, 0, 0, 0] as [UInt8], "each accepted call frees its slot a minute later")
    }
}
