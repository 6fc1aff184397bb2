import SimCore
import Consensus
import ExecutionLayer

/// A subnet's side of the streams between subnets: the slices other subnets sent (each stands
/// in blocks as a payload item), and what this subnet publishes of its own streams as its
/// heights are certified (Docs/Model.md, "Cross-subnet streams").
struct StreamExchange: Sendable {
    /// Stream slices other subnets sent, by payload item ID (looked up only), and the next ID
    /// to give one: IDs from 2^63 up (ingress IDs are below).
    var slices: [UInt64: StreamSlice] = [:]
    var nextSliceID: UInt64 = StreamPublication.firstSliceID
    /// What other subnets may read of this subnet's streams: the heads after each executed
    /// height not yet certified, and what was published.
    var publication = StreamPublication()

    /// The stream slices of `block`, in order.
    func slices(of block: Block) -> [StreamSlice] {
        block.payload.compactMap { $0.id >= StreamPublication.firstSliceID ? slices[$0.id] : nil }
    }

    /// Takes a slice another subnet sent: the payload item that stands for it in blocks.
    mutating func receive(_ slice: StreamSlice) -> PayloadItem {
        let id = nextSliceID
        nextSliceID += 1
        slices[id] = slice
        return PayloadItem(id: id, sizeBytes: slice.sizeBytes)
    }

    /// Remembers the stream heads after `height`.
    mutating func record(_ heads: [StreamHead], at height: Height) {
        publication.record(heads, at: height)
    }

    /// What `height`'s certification lets other subnets read: for each stream whose end or
    /// signals moved since the last publication, the slice of new messages (certified state
    /// as of `height`, read from `state`, the current one: messages are only dropped once the
    /// destination signals it inducted them, which it cannot before they were published).
    mutating func publish(through height: Height, from state: ReplicatedState) -> [StreamSlice] {
        publication.publish(through: height).map { head, begin in
            state.streamSlice(to: head.subnet, from: begin, to: head.end, signalsEnd: head.signalsEnd)
        }
    }
}

/// What a subnet has published of its streams: the stream heads after each executed height
/// that is not certified yet, and, per other subnet, how far the stream and its signals were
/// published (read by the other subnet once certified).
struct StreamPublication: Sendable {
    /// Payload item IDs of stream slices start here (ingress message IDs stay below).
    static let firstSliceID: UInt64 = 1 << 63
    /// Heads after each executed height above the last published one, oldest first.
    var pending: [(height: Height, heads: [StreamHead])] = []
    /// Per other subnet (ascending): the stream end and signals last published.
    var published: [StreamHead] = []

    /// Remembers the heads after `height`.
    mutating func record(_ heads: [StreamHead], at height: Height) {
        pending.append((height, heads))
    }

    /// The heads to publish now that `height` is certified (those that moved), each with the
    /// index its new messages start at; forgets the heights up to it.
    mutating func publish(through height: Height) -> [(head: StreamHead, begin: UInt64)] {
        guard let last = pending.lastIndex(where: { $0.height <= height }) else { return [] }
        let heads = pending[last].heads
        pending.removeFirst(last + 1)
        var moved: [(head: StreamHead, begin: UInt64)] = []
        for head in heads {
            let slot = published.firstIndex { $0.subnet >= head.subnet } ?? published.endIndex
            if slot == published.endIndex || published[slot].subnet != head.subnet {
                published.insert(StreamHead(subnet: head.subnet, end: 0, signalsEnd: 0), at: slot)
            }
            let previous = published[slot]
            guard head.end > previous.end || head.signalsEnd > previous.signalsEnd else { continue }
            moved.append((head, previous.end))
            published[slot] = head
        }
        return moved
    }
}
