import Testing
import SimCore
import ExecutionLayer
@testable import InternetComputer

/// A replica's query service as arithmetic (Docs/Model.md, "Query capacity"): queries share the
/// query threads, one canister's queries use at most its slots, each takes the overhead plus
/// its execution, and the HTTP handler refuses queries past its bound of queries in the replica.
@Suite("Query service")
struct QueryServiceTests {
    static let first = CanisterID(1)
    static let second = CanisterID(2)

    static func service(threads: Int = 4, perCanister: Int = 2, overheadMicros: Int64 = 500, bound: Int = 400) -> QueryService {
        var configuration = QueryServiceConfiguration()
        configuration.threads = threads
        configuration.threadsPerCanister = perCanister
        configuration.overhead = .microseconds(overheadMicros)
        configuration.concurrentMax = bound
        return QueryService(configuration: configuration)
    }

    static func at(_ micros: Int64) -> SimInstant { .zero + .microseconds(micros) }

    @Test func anIdleReplicaStartsAQueryAtOnceAndTakesTheOverheadPlusItsExecution() {
        var service = Self.service()
        let (start, end) = service.run(canister: Self.first, at: Self.at(1_000), execution: .microseconds(30))
        #expect(start == Self.at(1_000))
        #expect(end == Self.at(1_530))
    }

    @Test func oneCanistersQueriesUseAtMostItsSlotsAndQueueBehindThem() {
        var service = Self.service()
        let ends = (0..<4).map { _ in service.run(canister: Self.first, at: .zero, execution: .zero) }
        // Two slots: two queries at once, then two more after them, though 4 threads are free.
        #expect(ends.map(\.start) == [Self.at(0), Self.at(0), Self.at(500), Self.at(500)])
        #expect(ends.map(\.end) == [Self.at(500), Self.at(500), Self.at(1_000), Self.at(1_000)])
        // Another canister's query takes a free thread at once.
        let other = service.run(canister: Self.second, at: .zero, execution: .zero)
        #expect(other.start == Self.at(0) && other.end == Self.at(500))
    }

    @Test func queriesOfSeveralCanistersShareTheThreads() {
        var service = Self.service(threads: 2, perCanister: 2)
        let starts = [Self.first, Self.second, Self.first, Self.second].map { service.run(canister: $0, at: .zero, execution: .microseconds(100)).start }
        #expect(starts == [Self.at(0), Self.at(0), Self.at(600), Self.at(600)])
        // A query arriving after the threads are free again starts when it arrives.
        let later = service.run(canister: Self.first, at: Self.at(5_000), execution: .zero)
        #expect(later.start == Self.at(5_000))
    }

    @Test func theBestFittingThreadLeavesEarlierOnesFree() {
        // Thread 0 free at 0, thread 1 free at 300: a query that can start at 300 only (its
        // canister's slot) takes thread 1, so that another canister's query still starts at 0.
        #expect(QueryService.bestFit([Self.at(0), Self.at(300)], Self.at(300)) == 1)
        #expect(QueryService.bestFit([Self.at(0), Self.at(300)], Self.at(100)) == 0)
        #expect(QueryService.bestFit([Self.at(200), Self.at(200)], Self.at(200)) == 0)
    }

    @Test func theHandlerRefusesQueriesPastItsBoundUntilSomeEnd() {
        var service = Self.service(threads: 1, perCanister: 1, overheadMicros: 1_000, bound: 3)
        var admissions: [Bool] = []
        for _ in 0..<3 {
            admissions.append(service.admits(at: .zero))
            _ = service.run(canister: Self.first, at: .zero, execution: .zero)
        }
        // Three in the replica (one running, two queued): the fourth is refused.
        let inReplica = service.queriesInReplica(at: .zero)
        admissions += [service.admits(at: .zero), service.admits(at: Self.at(999))]
        // The first ends at 1 ms: room for one more.
        admissions.append(service.admits(at: Self.at(1_000)))
        let inReplicaLater = service.queriesInReplica(at: Self.at(1_000))
        #expect(inReplica == 3 && inReplicaLater == 2)
        #expect(admissions == [true, true, true, false, false, true])
        #expect(service.refused == 2 && service.admitted == 3)
        let inReplicaAtEnd = service.queriesInReplica(at: Self.at(3_000))
        #expect(inReplicaAtEnd == 0)
    }

    @Test func idleCanistersAreForgottenSoTheTableStaysBounded() {
        var service = Self.service(bound: 1)
        for index in 0..<100 {
            _ = service.run(canister: CanisterID(UInt64(index + 1)), at: Self.at(Int64(index) * 1_000), execution: .zero)
        }
        #expect(service.canisterSlots.canisterCount <= 5)
    }
}
