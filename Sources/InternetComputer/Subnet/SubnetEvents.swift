import SimCore
import Consensus
import ExecutionLayer

extension SubnetSimulation {
    /// The events of a subnet. The rare cases with large payloads are boxed (`indirect`), so
    /// an event, which the queue moves into a slot and out again, stays two words and a tag.
    public enum Event: Sendable, Equatable {
        /// A message reaches `to` (after its network delay and the receiver's verification).
        case deliver(to: Int32, from: Int32, message: Message)
        /// A node's wake-up comes due.
        case wakeUp(node: Int)
        /// A delayer releases what it held back.
        indirect case delayedSend(from: Int32, to: [Int32], message: Message)
        /// A user submits ingress message `index` (of the configuration's, then those submitted
        /// during the run: ``ingress``): every replica that is up gets it for its block payload.
        case submit(index: Int)
        /// The execution of `height` ended, leaving a state with `digest` (a marker that puts
        /// execution into the trace hash; nothing happens when it is handled).
        indirect case executed(height: UInt64, digest: SHA256Digest)
        /// A crashed node restarts: with per-replica execution, its replica goes back to its
        /// last checkpoint and replays what it finalized since.
        case restart(node: Int)
        /// Node `node` finished executing `height` (it executes heights in order, each taking
        /// its round's duration) and signs its certification share.
        case shareReady(node: Int, height: UInt64)
        /// A slice of another subnet's stream, read from that subnet's certified state, reaches
        /// the replicas: each that is up takes it for its block payload.
        indirect case streamSlice(StreamSlice)
    }

    /// A message on its way: the artifacts one step of a node sends to one peer (or to every
    /// peer, for broadcasts), which leave together; shared by the copies a broadcast sends,
    /// so events stay small in the queue.
    public final class Message: Sendable, Equatable {
        // In the order a delivery reads them (the trace record's fields, then what the
        // receiver's processors take), in the object's first 64 bytes with its header: its
        // kind as an index into a shared table rather than a 32-byte ``EventKind``, so that a
        // delivery reads one or two cache lines of it, not two or three.
        /// The node that sends it, and the trace kind (an index into
        /// ``TraceKinds/delivery``, or its count for ``TraceKinds/bundleDelivery``) and
        /// payload digest of its delivery from that node (the same for every copy, so computed
        /// once).
        let sender: Int32
        let deliveryKindIndex: UInt8
        let deliveryDigest: UInt64
        /// The artifacts for the consensus node, and the certifications and certification
        /// shares for the certifier, in that order (split once for all the copies).
        let forConsensus: [Artifact]
        let forCertifier: [Artifact]
        /// The CPU time a receiver's consensus and certification processors spend validating
        /// them (computed once for all the copies).
        let consensusCost: SimDuration
        let certificationCost: SimDuration
        /// What identifies them in the trace (computed once for all the copies).
        let traceDigest: UInt64
        /// The artifacts, in the order the node produced them.
        public let artifacts: [Artifact]
        /// Its size on the wire (a proposal's ingress messages as IDs with hashes in blocks).
        let sizeBytes: Int
        /// The block proposal it carries, if any (the first).
        let proposal: Block?

        init(_ artifacts: [Artifact], from sender: Int, processing: ProcessingConfiguration, dissemination: DisseminationConfiguration) {
            self.artifacts = artifacts
            self.sender = Int32(sender)
            sizeBytes = artifacts.reduce(0) { $0 + dissemination.wireBytes(of: $1, isIngress: { $0.id < StreamPublication.firstSliceID }) }
            proposal = artifacts.lazy.compactMap { if case .proposal(let block) = $0 { block } else { nil } }.first
            (forConsensus, forCertifier) = Self.split(artifacts)
            consensusCost = self.forConsensus.reduce(.zero) { $0 + processing.validationCost(of: $1) }
            certificationCost = forCertifier.reduce(.zero) { $0 + processing.validationCost(of: $1) }
            var hasher = StableHasher()
            for artifact in artifacts { hasher.combine(artifact) }
            traceDigest = hasher.finalize()
            // The kind of its artifact when it carries one, else a bundle's.
            deliveryKindIndex = artifacts.count == 1 ? UInt8(artifacts[0].kind.rawValue) : UInt8(TraceKinds.delivery.count)
            deliveryDigest = Self.deliveryDigest(from: sender, traceDigest: traceDigest)
        }

        /// The trace kind of its delivery: its artifact's when it carries one, else a bundle's.
        var deliveryKind: EventKind {
            let index = Int(deliveryKindIndex)
            return index < TraceKinds.delivery.count ? TraceKinds.delivery[index] : TraceKinds.bundleDelivery
        }

        /// The payload digest of a delivery from `sender` of a message whose trace digest is
        /// `traceDigest`.
        static func deliveryDigest(from sender: Int, traceDigest: UInt64) -> UInt64 {
            var hasher = StableHasher()
            hasher.combine(UInt64(sender))
            hasher.combine(traceDigest)
            return hasher.finalize()
        }

        /// `artifacts` split into those for the consensus node and those for the certifier
        /// (certifications first: a replica that learns one ignores the shares for its height,
        /// rather than aggregating them into a certification of its own to send). Most
        /// messages carry nothing for the certifier, and then no array is built.
        static func split(_ artifacts: [Artifact]) -> (forConsensus: [Artifact], forCertifier: [Artifact]) {
            guard artifacts.contains(where: { $0.kind == .certification || $0.kind == .certificationShare }) else { return (artifacts, []) }
            // All for the certifier, certifications first (a certification share's message,
            // most of them): the array itself, with no arrays built and freed.
            if Self.isCertifierOnlyInOrder(artifacts) { return ([], artifacts) }
            var forConsensus: [Artifact] = []
            var certifications: [Artifact] = []
            var shares: [Artifact] = []
            for artifact in artifacts {
                switch artifact {
                case .certification: certifications.append(artifact)
                case .certificationShare: shares.append(artifact)
                default: forConsensus.append(artifact)
                }
            }
            return (forConsensus, certifications + shares)
        }

        /// Whether every one of `artifacts` is for the certifier, with no certification after a
        /// certification share (then ``split(_:)`` would rebuild `artifacts` as it is).
        static func isCertifierOnlyInOrder(_ artifacts: [Artifact]) -> Bool {
            var sawShare = false
            for artifact in artifacts {
                switch artifact.kind {
                case .certification: if sawShare { return false }
                case .certificationShare: sawShare = true
                default: return false
                }
            }
            return true
        }

        public static func == (lhs: Message, rhs: Message) -> Bool { lhs.artifacts == rhs.artifacts }
    }
}

extension SubnetSimulation {
    @inline(__always)  // called per event by the kernel; a call would copy the whole shell
    public func traceRecord(for event: Event) -> TraceRecord {
        var hasher = StableHasher()
        switch event {
        case .deliver(let to, let from, let message):
            let digest = from == message.sender ? message.deliveryDigest : Message.deliveryDigest(from: Int(from), traceDigest: message.traceDigest)
            return TraceRecord(kind: message.deliveryKind, actor: UInt32(to), payloadDigest: digest)
        case .wakeUp(let node):
            return TraceRecord(kind: TraceKinds.wakeUp, actor: UInt32(node), payloadDigest: 0)
        case .delayedSend(let from, let to, let message):
            for peer in to { hasher.combine(UInt64(peer)) }
            hasher.combine(message.traceDigest)
            return TraceRecord(kind: TraceKinds.delayedSend, actor: UInt32(from), payloadDigest: hasher.finalize())
        case .submit(let index):
            hasher.combine(ingress[index].message.id)
            return TraceRecord(kind: TraceKinds.submit, actor: 0, payloadDigest: hasher.finalize())
        case .executed(let height, let digest):
            hasher.combine(height)
            hasher.combine(digest.w0)
            hasher.combine(digest.w1)
            return TraceRecord(kind: TraceKinds.executed, actor: 0, payloadDigest: hasher.finalize())
        case .restart(let node):
            return TraceRecord(kind: TraceKinds.restart, actor: UInt32(node), payloadDigest: 0)
        case .shareReady(let node, let height):
            hasher.combine(height)
            return TraceRecord(kind: TraceKinds.shareReady, actor: UInt32(node), payloadDigest: hasher.finalize())
        case .streamSlice(let slice):
            return TraceRecord(kind: TraceKinds.streamSlice, actor: UInt32(slice.source), payloadDigest: slice.digest.w0)
        }
    }
}

extension StableHasher {
    /// Folds in everything that identifies `artifact`.
    mutating func combine(_ artifact: Artifact) {
        combine(UInt64(artifact.kind.rawValue))
        combine(artifact.height)
        switch artifact {
        case .proposal(let block): combine(block.digest.w0)
        case .beaconShare(_, let signer): combine(UInt64(signer.index))
        case .beacon(_, let value): combine(value.w0)
        case .notarizationShare(_, let block, let signer), .finalizationShare(_, let block, let signer):
            combine(block.w0)
            combine(UInt64(signer.index))
        case .notarization(_, let block, let signers), .finalization(_, let block, let signers):
            combine(block.w0)
            for signer in signers { combine(UInt64(signer.index)) }
        case .catchUpRequest(_, let requester): combine(UInt64(requester.index))
        case .blockAdvert(_, let block, let maker):
            combine(block.w0)
            combine(UInt64(maker.index))
        case .blockRequest(_, let block): combine(block.w0)
        case .certificationShare(_, let state, let signer):
            combine(state.w0)
            combine(UInt64(signer.index))
        case .certification(_, let state, let signers):
            combine(state.w0)
            for signer in signers { combine(UInt64(signer.index)) }
        case .catchUp(let package):
            for block in package.blocks { combine(block.digest.w0) }
            for signer in package.signers { combine(UInt64(signer.index)) }
        }
    }
}

extension SubnetSimulation {
    /// `template`, a delivery, to node `tag` instead: a broadcast's copies are made from one
    /// delivery as each comes due (``Scheduler/scheduleBatch(_:count:time:tag:)``).
    @inline(__always)  // called per delivery by the kernel
    public static func batchCopy(of template: borrowing Event, tag: UInt16) -> Event {
        switch template {
        case .deliver(_, let from, let message): .deliver(to: Int32(tag), from: from, message: message)
        default: preconditionFailure("only deliveries are batched")
        }
    }
}
