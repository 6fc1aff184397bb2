import SimCore

/// Which subnet hosts each canister (the IC's routing table), for calls between subnets.
/// Subnets are numbered from 0.
public struct RoutingTable: Hashable, Sendable {
    /// The subnet of each canister (looked up, never iterated).
    var subnetByCanister: [CanisterID: Int] = [:]
    /// How many subnets there are.
    public let subnetCount: Int

    /// A table placing each canister of `canistersBySubnet[s]` on subnet `s`.
    public init(canistersBySubnet: [[CanisterID]]) {
        subnetCount = canistersBySubnet.count
        for (subnet, canisters) in canistersBySubnet.enumerated() {
            for canister in canisters { subnetByCanister[canister] = subnet }
        }
    }

    /// The subnet hosting canister `id`, if any: from the table, or for a canister created
    /// during the run, from its ID (2^62 + subnet * 2^32 + n).
    public func subnet(of id: CanisterID) -> Int? {
        if let subnet = subnetByCanister[id] { return subnet }
        guard id.index >> 62 == 1 else { return nil }
        let subnet = Int(truncatingIfNeeded: id.index >> 32 & 0x3FFF_FFFF)
        return subnet < subnetCount ? subnet : nil  // a made-up ID may name no subnet
    }
}

/// A stretch of the stream one subnet keeps for another, as the destination reads it from the
/// source's certified state and includes it in one of its blocks: the messages with stream
/// indices `begin ..< end`, and the source's signals (how many messages of the opposite
/// stream, destination to source, the source has inducted: the destination drops those from
/// its own stream).
public struct StreamSlice: Hashable, Sendable {
    /// The subnet that sent it.
    public let source: Int
    /// The subnet it is for.
    public let destination: Int
    /// The index of its first message in the stream.
    public let begin: UInt64
    /// The messages (requests and responses between canisters).
    let messages: [CanisterInput]
    /// Messages of the stream destination → source that the source has inducted.
    public let signalsEnd: UInt64

    /// One past the index of its last message.
    public var end: UInt64 { begin + UInt64(messages.count) }
    /// How many messages it carries.
    public var messageCount: Int { messages.count }
    /// Its modelled size in a block: a 64-byte header (indices, signals, the certification's
    /// witness) plus its messages'.
    public var sizeBytes: Int { 64 + messages.reduce(0) { $0 + StreamSlice.size(of: $1) } }

    /// A message's modelled size: 96 bytes of header (sender, receiver, callback, cycles) plus
    /// its method and argument, or its reply or reject message.
    static func size(of message: CanisterInput) -> Int {
        switch message {
        case .request(let request): 96 + request.method.utf8.count + request.argument.count
        case .response(let response): 96 + RoundExecutor.size(of: response.result)
        }
    }

    /// A digest of its contents (for traces).
    public var digest: SHA256Digest {
        var hasher = SHA256()
        hasher.update(uint64LittleEndian: UInt64(source))
        hasher.update(uint64LittleEndian: UInt64(destination))
        hasher.update(uint64LittleEndian: begin)
        hasher.update(uint64LittleEndian: signalsEnd)
        for message in messages { hasher.update(digest: StreamSlice.digest(of: message)) }
        return hasher.finalize()
    }

    /// What identifies a message: its kind, parties, callback, method, argument or result,
    /// and cycles.
    static func digest(of message: CanisterInput) -> SHA256Digest {
        var hasher = SHA256()
        switch message {
        case .request(let request):
            hasher.update(uint64LittleEndian: 0)
            if case .canister(let caller, let callback) = request.origin {
                hasher.update(uint64LittleEndian: caller.index)
                hasher.update(uint64LittleEndian: callback)
            }
            hasher.update(uint64LittleEndian: request.receiver.index)
            hasher.update(string: request.method)
            hasher.update(uint64LittleEndian: UInt64(request.argument.count))
            hasher.update(request.argument)
            hasher.update(request.cycles.littleEndianBytes)
            // Only a bounded-wait call's deadline (guaranteed-response messages hash as before).
            if request.deadlineNanos != 0 { hasher.update(uint64LittleEndian: request.deadlineNanos) }
        case .response(let response):
            hasher.update(uint64LittleEndian: 1)
            hasher.update(uint64LittleEndian: response.receiver.index)
            hasher.update(uint64LittleEndian: response.callback)
            switch response.result {
            case .replied(let bytes): hasher.update(reply: bytes)
            case .rejected(let reject): hasher.update(reject: reject)
            case .awaitingCallbacks: hasher.update(uint64LittleEndian: 0)
            }
            hasher.update(response.refund.littleEndianBytes)
            if response.deadlineNanos != 0 { hasher.update(uint64LittleEndian: response.deadlineNanos) }
        }
        return hasher.finalize()
    }
}

/// Where a subnet's stream to another subnet stands, as of one height: what a destination can
/// read once that height is certified.
public struct StreamHead: Hashable, Sendable {
    /// The other subnet.
    public var subnet: Int
    /// One past the index of the last message of the stream to it.
    public var end: UInt64
    /// Messages of its stream to this subnet inducted here.
    public var signalsEnd: UInt64

    /// The head of the stream to `subnet`, ending at `end`, with `signalsEnd`.
    public init(subnet: Int, end: UInt64, signalsEnd: UInt64) {
        self.subnet = subnet
        self.end = end
        self.signalsEnd = signalsEnd
    }
}

/// The messages a subnet keeps for another until it learns they were inducted there.
struct OutgoingStream: Sendable {
    let destination: Int
    /// The index of `messages[0]`.
    var begin: UInt64 = 0
    var messages: [CanisterInput] = []
    /// Every message ever appended, folded in order (for the state's digest).
    var digest = SHA256Digest.zero

    var end: UInt64 { begin + UInt64(messages.count) }

    mutating func append(_ message: CanisterInput) {
        messages.append(message)
        var hasher = SHA256()
        hasher.update(digest: digest)
        hasher.update(digest: StreamSlice.digest(of: message))
        digest = hasher.finalize()
    }

    /// Drops the messages below `index` (the destination inducted them).
    mutating func acknowledge(through index: UInt64) {
        guard index > begin else { return }
        let dropped = Int(min(index, end) - begin)
        messages.removeFirst(dropped)
        begin += UInt64(dropped)
    }
}

/// What a subnet took from another's stream: how many messages it inducted, and slices that
/// came ahead of a gap (a block maker that missed a slice can propose the next one first).
struct IncomingStream: Sendable {
    let source: Int
    var signalsEnd: UInt64 = 0
    var waiting: [StreamSlice] = []
}

extension ReplicatedState {
    /// Makes this the state of subnet `subnet` among others, calling canisters elsewhere as
    /// `routing` says (by default a state is a single subnet's, and calls to a canister it
    /// does not hold are rejected).
    public mutating func connect(subnet: Int, routing: RoutingTable) {
        self.subnet = subnet
        self.routing = routing
    }

    /// Where each stream between this subnet and another stands, by the other subnet's number.
    public var streamHeads: [StreamHead] {
        var heads: [StreamHead] = []
        var outgoing = outgoingStreams[...]
        var incoming = incomingStreams[...]
        while !outgoing.isEmpty || !incoming.isEmpty {
            let subnet = min(outgoing.first?.destination ?? .max, incoming.first?.source ?? .max)
            let end = outgoing.first?.destination == subnet ? outgoing.popFirst()?.end ?? 0 : 0
            let signals = incoming.first?.source == subnet ? incoming.popFirst()?.signalsEnd ?? 0 : 0
            heads.append(StreamHead(subnet: subnet, end: end, signalsEnd: signals))
        }
        return heads
    }

    /// The slice of the stream to `destination` from index `begin` to `end` (clamped to what
    /// the stream still holds), with this subnet's signals for it.
    public func streamSlice(to destination: Int, from begin: UInt64, to end: UInt64, signalsEnd: UInt64) -> StreamSlice {
        guard let stream = outgoingStreams.first(where: { $0.destination == destination }) else {
            return StreamSlice(source: subnet, destination: destination, begin: begin, messages: [], signalsEnd: signalsEnd)
        }
        let first = min(max(begin, stream.begin), stream.end)
        let last = min(max(end, first), stream.end)
        let messages = Array(stream.messages[Int(first - stream.begin)..<Int(last - stream.begin)])
        return StreamSlice(source: subnet, destination: destination, begin: first, messages: messages, signalsEnd: signalsEnd)
    }

    /// Cycles travelling in the stream to `destination` from index `index` on (those the
    /// destination has not inducted yet).
    public func cyclesInStream(to destination: Int, from index: UInt64) -> Cycles {
        guard let stream = outgoingStreams.first(where: { $0.destination == destination }) else { return .zero }
        var total = Cycles.zero
        for message in stream.messages.dropFirst(Int(min(max(index, stream.begin), stream.end) - stream.begin)) {
            switch message {
            case .request(let request): total = total + request.cycles
            case .response(let response): total = total + response.refund
            }
        }
        return total
    }

    /// How many messages of `source`'s stream this subnet inducted.
    public func inducted(from source: Int) -> UInt64 {
        incomingStreams.first { $0.source == source }?.signalsEnd ?? 0
    }

    /// Messages held in outgoing streams, over all destinations.
    public var streamMessageCount: Int { outgoingStreams.reduce(0) { $0 + $1.messages.count } }

    /// Appends `message` to the stream to `destination`.
    mutating func appendToStream(_ message: CanisterInput, destination: Int) {
        let slot = outgoingStreams.firstIndex { $0.destination >= destination } ?? outgoingStreams.endIndex
        if slot == outgoingStreams.endIndex || outgoingStreams[slot].destination != destination {
            outgoingStreams.insert(OutgoingStream(destination: destination), at: slot)
        }
        outgoingStreams[slot].append(message)
        certifiedChanges.record(bytes: CertifiedChanges.bytes(of: message))
    }

    /// The slot of the incoming stream from `source`, made if new.
    mutating func incomingSlot(_ source: Int) -> Int {
        let slot = incomingStreams.firstIndex { $0.source >= source } ?? incomingStreams.endIndex
        if slot == incomingStreams.endIndex || incomingStreams[slot].source != source {
            incomingStreams.insert(IncomingStream(source: source), at: slot)
        }
        return slot
    }

    /// Folds the streams into a state digest.
    func hashStreams(into hasher: inout SHA256) {
        for stream in outgoingStreams {
            hasher.update(uint64LittleEndian: UInt64(stream.destination))
            hasher.update(uint64LittleEndian: stream.begin)
            hasher.update(uint64LittleEndian: stream.end)
            hasher.update(digest: stream.digest)
        }
        for stream in incomingStreams {
            hasher.update(uint64LittleEndian: UInt64(stream.source))
            hasher.update(uint64LittleEndian: stream.signalsEnd)
            hasher.update(uint64LittleEndian: UInt64(stream.waiting.count))
        }
    }
}

extension RoundExecutor {
    /// Inducts a slice of another subnet's stream: drops the messages of this subnet's stream
    /// back that the source signals it inducted, then delivers the slice's messages not seen
    /// before, in stream order (a slice past a gap waits for the gap to fill, then goes in
    /// with the slices after it).
    func induct(_ slice: StreamSlice, _ state: inout ReplicatedState, _ round: inout RoundState) {
        guard slice.destination == state.subnet, slice.source != state.subnet else { return }
        let slot = state.incomingSlot(slice.source)
        guard slice.end > state.incomingStreams[slot].signalsEnd else { return acknowledge(slice, &state) }
        guard slice.begin <= state.incomingStreams[slot].signalsEnd else {
            state.incomingStreams[slot].waiting.append(slice)
            state.incomingStreams[slot].waiting.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
            return
        }
        var next: StreamSlice? = slice
        while let current = next {
            acknowledge(current, &state)
            let inducted = state.incomingStreams[slot].signalsEnd
            if current.end > inducted {
                for message in current.messages.dropFirst(Int(inducted - current.begin)) {
                    round.inducted += 1
                    deliverFromStream(message, source: current.source, &state, &round)
                }
                state.incomingStreams[slot].signalsEnd = current.end
            }
            // A slice that waited for this one goes next.
            next = nil
            if let waiting = state.incomingStreams[slot].waiting.first, waiting.begin <= state.incomingStreams[slot].signalsEnd {
                next = state.incomingStreams[slot].waiting.removeFirst()
            }
        }
    }

    /// Drops the messages of the stream to `slice`'s source that its signals say were
    /// inducted there.
    func acknowledge(_ slice: StreamSlice, _ state: inout ReplicatedState) {
        guard let outgoing = state.outgoingStreams.firstIndex(where: { $0.destination == slice.source }) else { return }
        state.outgoingStreams[outgoing].acknowledge(through: slice.signalsEnd)
    }

    /// Delivers a message that came from subnet `source`: a request into its callee's queue
    /// (or a reject back into the stream when the callee is not here or its queue is full), a
    /// response into its caller's queue.
    func deliverFromStream(_ message: CanisterInput, source: Int, _ state: inout ReplicatedState, _ round: inout RoundState) {
        switch message {
        case .request(let request):
            if request.deadlineNanos != 0 { state.usesBoundedWait = true }
            guard let refusal = enqueue(request, &state) else { return }
            guard case .canister(let caller, let callback) = request.origin else { return }
            state.appendToStream(.response(CallResponse(receiver: caller, callback: callback, result: .rejected(refusal), refund: request.cycles,
                                                        deadlineNanos: request.deadlineNanos)),
                                 destination: source)
        case .response(let response):
            guard let position = state.positions[response.receiver] else {
                state.cyclesBurned = state.cyclesBurned + response.refund  // the caller is gone
                return
            }
            state.canisters[position].queue.append(.response(response))
            state.markActive(position)
        }
    }

    /// Puts `request` in its callee's queue on this subnet; the reject when it cannot.
    func enqueue(_ request: Request, _ state: inout ReplicatedState) -> Reject? {
        guard let position = state.positions[request.receiver] else {
            return Reject(.canisterNotFound, "canister \(request.receiver) does not exist on this subnet")
        }
        guard state.canisters[position].queuedRequests < configuration.queueCapacity else {
            return Reject(.canisterQueueFull, "the input queue of canister \(request.receiver) is full")
        }
        state.canisters[position].queue.append(.request(request))
        state.canisters[position].queuedRequests += 1
        state.markActive(position)
        return nil
    }

    /// The subnet a message for canister `id` goes to when this subnet does not hold it.
    func remoteSubnet(of id: CanisterID, _ state: ReplicatedState) -> Int? {
        guard let subnet = state.routing?.subnet(of: id), subnet != state.subnet else { return nil }
        return subnet
    }
}
