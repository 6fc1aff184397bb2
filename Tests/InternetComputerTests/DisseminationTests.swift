import Testing
import SimCore
import Consensus
import ExecutionLayer
@testable import InternetComputer

/// Dissemination: stripped blocks on the wire, gossip before proposal, fetching what a pool
/// lacks, adverts for large proposals of higher rank.
@Suite("Dissemination")
struct DisseminationTests {
    static let parent = Block.genesis(subnet: SHA256.hash(Array("subnet".utf8))).digest

    static func block(rank: Int, messages: Int) -> Block {
        Block(height: 1, parent: parent, rank: rank, maker: NodeID(0),
              payload: (0..<messages).map { PayloadItem(id: UInt64($0 + 1), sizeBytes: 500) })
    }

    @Test func blocksCarryIngressIDsOnTheWire() {
        let block = Self.block(rank: 0, messages: 10)
        let ingress: (PayloadItem) -> Bool = { $0.id < StreamPublication.firstSliceID }
        #expect(DisseminationConfiguration.internetComputer.wireBytes(of: .proposal(block), isIngress: ingress) == Block.headerBytes + 10 * 80)
        #expect(DisseminationConfiguration.direct.wireBytes(of: .proposal(block), isIngress: ingress) == block.sizeBytes)
        let slice = Block(height: 1, parent: Self.parent, rank: 0, maker: NodeID(0), payload: [PayloadItem(id: StreamPublication.firstSliceID, sizeBytes: 900)])
        #expect(DisseminationConfiguration.internetComputer.wireBytes(of: .proposal(slice), isIngress: ingress) == Block.headerBytes + 900)
    }

    /// A subnet on a network of constant delay d, with one message submitted to node 0.
    static func subnet(delay: SimDuration, dissemination: DisseminationConfiguration = .internetComputer) -> SubnetSimulation {
        var configuration = SubnetConfiguration(nodeCount: 4, seed: 5)
        configuration.network = .constant(delay, nodeCount: 4)
        configuration.processing = .instantaneous
        configuration.dissemination = dissemination
        return SubnetSimulation(configuration: configuration)
    }

    @Test func aLargeProposalOfHigherRankIsAdvertisedAndFetched() {
        let subnet = Self.subnet(delay: .milliseconds(10))
        let arrival = SimInstant.zero + .seconds(1)
        // 20 messages: 256 + 20 x 80 bytes, over the 1 KiB threshold; none of them missing (no
        // record of their gossip: every replica had them at once).
        let large = Self.block(rank: 1, messages: 20)
        #expect(subnet.readyTime(subnet.proposalDelivery(of: large, broadcast: true), sentBy: 0, to: 1, arrival: arrival) == arrival + .milliseconds(20))
        // The leader's (rank 0) is pushed whatever its size; so is one sent to one peer (a reply).
        #expect(subnet.readyTime(subnet.proposalDelivery(of: Self.block(rank: 0, messages: 20), broadcast: true), sentBy: 0, to: 1, arrival: arrival) == arrival)
        #expect(subnet.readyTime(subnet.proposalDelivery(of: large, broadcast: false), sentBy: 0, to: 1, arrival: arrival) == arrival)
        // A small one is pushed.
        #expect(subnet.readyTime(subnet.proposalDelivery(of: Self.block(rank: 1, messages: 2), broadcast: true), sentBy: 0, to: 1, arrival: arrival) == arrival)
    }

    @Test func aReceiverFetchesTheMessagesItsPoolLacks() {
        var subnet = Self.subnet(delay: .milliseconds(10))
        let arrival = SimInstant.zero + .seconds(1)
        let block = Self.block(rank: 0, messages: 2)
        // Message 1 is in node 1's pool before the block arrives; message 2 only 50 ms after.
        subnet.ingressArrivals.record(1, Array(repeating: .zero, count: 4))
        subnet.ingressArrivals.record(2, Array(repeating: arrival + .milliseconds(50), count: 4))
        // The fetch (a 20 ms round trip; the constant network's uplinks are unlimited) ends first.
        #expect(subnet.readyTime(subnet.proposalDelivery(of: block, broadcast: true), sentBy: 0, to: 1, arrival: arrival) == arrival + .milliseconds(20))
        // Arriving in the pool before the fetch ends: the block is whole then.
        subnet.ingressArrivals.record(2, Array(repeating: arrival + .milliseconds(5), count: 4))
        #expect(subnet.readyTime(subnet.proposalDelivery(of: block, broadcast: true), sentBy: 0, to: 1, arrival: arrival) == arrival + .milliseconds(5))
        // Without hashes in blocks the block carries its messages.
        var direct = Self.subnet(delay: .milliseconds(10), dissemination: .direct)
        direct.ingressArrivals.record(2, Array(repeating: arrival + .milliseconds(50), count: 4))
        #expect(direct.readyTime(direct.proposalDelivery(of: block, broadcast: true), sentBy: 0, to: 1, arrival: arrival) == arrival)
    }

    @Test func aMessageIsGossipedFromItsEntryReplicaBeforeOthersProposeIt() throws {
        var configuration = SubnetConfiguration(nodeCount: 4, seed: 5)
        configuration.network = .constant(.milliseconds(100), nodeCount: 4)
        configuration.network.uploadBitsPerSecond = 0
        configuration.processing = .internetComputer
        let sender = Principal.user(1)
        let message = IngressMessage(id: 7, sender: sender, receiver: CanisterID(0), method: "inc", argument: [])
        configuration.ingress = [SubmittedIngress(at: .zero + .milliseconds(10), message, entryReplica: 2)]
        var simulation = Simulation(model: SubnetSimulation(configuration: configuration))
        simulation.model.start(&simulation.scheduler)
        _ = simulation.run(.until(.zero + .milliseconds(11)))
        let pooled = try #require(simulation.model.ingressArrivals.pooled(of: 7))
        let validation = ProcessingConfiguration.internetComputer.ingressValidation
        #expect(pooled[2] == SimInstant.zero + .milliseconds(10) + validation)
        for peer in [0, 1, 3] { #expect(pooled[peer] == SimInstant.zero + .milliseconds(110) + validation + validation) }
    }
}
