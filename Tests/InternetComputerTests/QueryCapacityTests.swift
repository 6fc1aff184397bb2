import Testing
import SimCore
import ExecutionLayer
@testable import InternetComputer

/// Queries through the HTTP interface meet the replica's query service: they take its service
/// time, the cache answers repeats until the canister changes, and the handler refuses past its
/// bound; the call API's path (`executeQuery`) stays outside it.
@Suite("Query capacity through the HTTP interface")
struct QueryCapacityTests {
    static let counter = CanisterID(1)

    static func simulation(_ service: QueryServiceConfiguration = QueryServiceConfiguration()) throws -> InternetComputerSimulation {
        var configuration = InternetComputerConfiguration(subnetCount: 1, nodeCount: 4, seed: 9)
        configuration.subnets[0].canisters = [CanisterSetup(id: counter, wasm: try SubnetExecutionTests.wasm("counter"))]
        configuration.subnets[0].ingress = [SubmittedIngress(at: .zero + .seconds(1),
            IngressMessage(id: 1, sender: .user(1), receiver: counter, method: "inc", argument: []))]
        configuration.queryServices = [service]
        return InternetComputerSimulation(configuration: configuration)
    }

    static let get = QueryRequest(canister: counter, method: "get", argument: [], sender: .user(2))

    @Test func aRepeatIsACacheHitUntilTheCanisterChanges() throws {
        var ic = try Self.simulation()
        ic.run(until: .zero + .milliseconds(500))
        let first = ic.query(Self.get, onSubnet: 0, atReplica: 0, at: .zero + .milliseconds(500))
        #expect(!first.cacheHit && first.executionDuration > .zero)
        #expect(first.answeredAt == SimInstant.zero + .milliseconds(500) + QueryServiceConfiguration().overhead + first.executionDuration)
        let second = ic.query(Self.get, onSubnet: 0, atReplica: 0, at: .zero + .milliseconds(600))
        #expect(second.cacheHit && second.result == first.result && second.executionDuration == .zero)
        #expect(second.answeredAt == SimInstant.zero + .milliseconds(600) + QueryServiceConfiguration().overhead)
        // Another replica has its own cache.
        let elsewhere = ic.query(Self.get, onSubnet: 0, atReplica: 1, at: .zero + .milliseconds(600))
        #expect(!elsewhere.cacheHit)
        ic.run(until: .zero + .seconds(6))
        let after = ic.query(Self.get, onSubnet: 0, atReplica: 0, at: .zero + .seconds(6))
        #expect(!after.cacheHit && after.result == .success([1, 0, 0, 0, 0, 0, 0, 0]))
        let repeated = ic.query(Self.get, onSubnet: 0, atReplica: 0, at: .zero + .seconds(6))
        #expect(repeated.cacheHit)
        #expect(ic.queryServices[0][0].cache.hits == 2 && ic.queryServices[0][0].cache.misses == 2)
    }

    /// A prepared query (its key made and hashed once) is the same query: it hits the entry a
    /// plain one stored and the other way round, and answers the same at every step.
    @Test func aPreparedQueryMeetsTheSameCacheAsAPlainOne() throws {
        var plain = try Self.simulation(), prepared = try Self.simulation()
        let get = PreparedQuery(Self.get)
        let other = PreparedQuery(QueryRequest(canister: Self.counter, method: "get", argument: [1], sender: .user(2)))
        for (step, millis) in [500, 600, 700, 6_000, 6_100].enumerated() {
            let time = SimInstant.zero + .milliseconds(Int64(millis))
            plain.run(until: time)
            prepared.run(until: time)
            // Alternate which side is prepared, so that each stores what the other then hits.
            let (a, b) = step.isMultiple(of: 2)
                ? (plain.query(Self.get, onSubnet: 0, atReplica: 0, at: time), prepared.query(get, onSubnet: 0, atReplica: 0, at: time))
                : (plain.query(get, onSubnet: 0, atReplica: 0, at: time), prepared.query(Self.get, onSubnet: 0, atReplica: 0, at: time))
            #expect(a == b, "at \(millis) ms")
            #expect(plain.query(other, onSubnet: 0, atReplica: 0, at: time) == prepared.query(other.request, onSubnet: 0, atReplica: 0, at: time))
        }
        let (cache, preparedCache) = (plain.queryServices[0][0].cache, prepared.queryServices[0][0].cache)
        #expect(cache.hits == preparedCache.hits && cache.misses == preparedCache.misses && cache.count == preparedCache.count)
        #expect(cache.hits == 6 && cache.misses == 4, "a hit per repeat of each key until the canister changes")
    }

    @Test func theHandlerAnswers429PastItsBound() throws {
        var service = QueryServiceConfiguration()
        service.concurrentMax = 2
        service.cacheBytes = 0
        var ic = try Self.simulation(service)
        let time = SimInstant.zero + .milliseconds(100)
        let statuses = (0..<3).map { _ in ic.query(Self.get, onSubnet: 0, atReplica: 0, at: time).httpStatus }
        #expect(statuses == [200, 200, 429])
        let refused = ic.query(Self.get, onSubnet: 0, atReplica: 0, at: time)
        #expect(refused.answeredAt == time)
        #expect(refused.result == .failure({ var reject = Reject(canisterMessage: "The service is overloaded."); reject.code = .systemTransient; return reject }()))
        // Another replica of the subnet still takes it.
        let elsewhere = ic.query(Self.get, onSubnet: 0, atReplica: 1, at: time)
        #expect(elsewhere.httpStatus == 200)
    }

    @Test func theCallAPIsPathTakesNoServiceTime() throws {
        let ic = try Self.simulation()
        let response = ic.executeQuery(Self.get, onSubnet: 0, atReplica: 0, at: .zero + .milliseconds(100))
        #expect(response.answeredAt == .zero + .milliseconds(100) && !response.cacheHit)
        #expect(ic.queryServices[0][0].admitted == 0)
    }

    @Test func executionsRecordWhatTheyReadOfTheEnvironment() throws {
        var canister = CanisterState(id: Self.counter, controllers: [.user(0)], cycles: Cycles(1_000_000_000_000))
        let executor = CanisterExecutor()
        _ = executor.install(.install, wasm: try SubnetExecutionTests.wasm("counter"), argument: [], caller: .user(0), timeNanos: 1, on: &canister)
        #expect(executor.update("time", argument: [], caller: .user(1), timeNanos: 5, on: &canister).environmentReads == .time)
        #expect(executor.query("get", argument: [], caller: .user(1), timeNanos: 5, on: canister).environmentReads == [])
        let changes = canister.changesCommitted
        _ = executor.update("inc", argument: [], caller: .user(1), timeNanos: 6, on: &canister)
        #expect(canister.changesCommitted == changes + 1)
        _ = executor.query("inc_in_query", argument: [], caller: .user(1), timeNanos: 7, on: canister)
        #expect(canister.changesCommitted == changes + 1)
    }

    @Test func theConfigurationsProblemsNameTheirFields() {
        var configuration = InternetComputerConfiguration(subnetCount: 1, nodeCount: 4)
        var service = QueryServiceConfiguration()
        service.threads = 0
        service.concurrentMax = 0
        configuration.queryServices = [service, service]
        let problems = configuration.problems(installingCanisters: false)
        #expect(problems.contains("queryServices: 2 configurations for 1 subnets"))
        #expect(problems.contains("queryServices[0].threads: expected 1 to 1024, found 0"))
        #expect(problems.contains("queryServices[1].concurrentMax: expected 1 to 1000000, found 0"))
    }
}
