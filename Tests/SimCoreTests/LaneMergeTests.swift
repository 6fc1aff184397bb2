import Testing
@testable import SimCore

/// The kernel's composition primitive: the lane to step is the one with the earliest next
/// event, ties going to the lower lane, however the lanes' times change.
@Suite("Lane merge")
struct LaneMergeTests {
    func at(_ nanos: Int64) -> SimInstant { .zero + .nanoseconds(nanos) }

    @Test func theEarliestLaneStepsAndTiesGoToTheLowerLane() {
        var merge = LaneMerge(times: [at(5), nil, at(3), at(3)])
        #expect(merge.first?.lane == 2 && merge.first?.time == at(3))
        merge.update(2, to: at(9))
        #expect(merge.first?.lane == 3)
        merge.update(0, to: at(3))
        #expect(merge.first?.lane == 0, "a tie goes to the lower lane")
        #expect(merge.next(notAfter: at(2)) == nil, "nothing is due by then")
        #expect(merge.next(notAfter: at(3)) == 0)
    }

    @Test func noLaneWithAnEventMeansNothingToStep() {
        var merge = LaneMerge(times: [nil, nil, nil])
        #expect(merge.first == nil)
        merge.update(1, to: at(1))
        merge.update(1, to: nil)
        #expect(merge.first == nil)
        #expect(LaneMerge(times: []).first == nil)
    }

    /// Against a scan of every lane, over random updates of 1 to 40 lanes.
    @Test(arguments: [1, 2, 3, 7, 13, 40])
    func agreesWithAScanOfEveryLane(lanes: Int) {
        var random = RandomSeed(UInt64(lanes)).stream("lane merge")
        var times: [SimInstant?] = (0..<lanes).map { _ in at(Int64(random.uniform(below: 50))) }
        var merge = LaneMerge(times: times)
        for _ in 0..<2_000 {
            let lane = Int(random.uniform(below: UInt64(lanes)))
            let time: SimInstant? = random.uniform(below: 5) == 0 ? nil : at(Int64(random.uniform(below: 50)))
            times[lane] = time
            merge.update(lane, to: time)
            let scan = times.indices.filter { times[$0] != nil }.min { (times[$0]!, $0) < (times[$1]!, $1) }
            #expect(merge.first?.lane == scan)
        }
    }
}
