import SimCore

/// Every kind of event in a run of ICSim's model, with its trace code: the one registry, so
/// that codes are numbered in one place and never collide. Codes are folded into trace
/// hashes, so a code never changes meaning (a new kind takes a new code).
///
/// - 100-125: a subnet's events (``SubnetSimulation/Event``);
/// - 200: a subnet's whole trace, as the run's trace hash folds it;
/// - 300-304: the clients' events (the `Scenarios` layer's `WorkloadEvent`).
///
/// The kernel demonstration (`KernelDemo`, not part of the model) numbers its own kinds from 1.
public enum TraceKinds {
    /// A node's wake-up.
    public static let wakeUp = EventKind(code: 100, name: "wake-up")
    /// The delivery of each kind of artifact alone, by ``ArtifactKind`` raw value.
    public static let delivery: [EventKind] = [
        EventKind(code: 101, name: "deliver block proposal"), EventKind(code: 102, name: "deliver beacon share"),
        EventKind(code: 103, name: "deliver beacon"), EventKind(code: 104, name: "deliver notarization share"),
        EventKind(code: 105, name: "deliver notarization"), EventKind(code: 106, name: "deliver finalization share"),
        EventKind(code: 107, name: "deliver finalization"), EventKind(code: 108, name: "deliver catch-up request"),
        EventKind(code: 109, name: "deliver catch-up package"), EventKind(code: 110, name: "deliver block advert"),
        EventKind(code: 111, name: "deliver block request"), EventKind(code: 113, name: "deliver certification share"),
        EventKind(code: 114, name: "deliver certification"),
    ]
    /// The delivery of a message of several artifacts.
    public static let bundleDelivery = EventKind(code: 112, name: "deliver several artifacts")
    /// A delayer releases what it held back.
    public static let delayedSend = EventKind(code: 120, name: "delayed send")
    /// An ingress message reaches the replicas.
    public static let submit = EventKind(code: 121, name: "submit ingress")
    /// A height's execution ended.
    public static let executed = EventKind(code: 122, name: "height executed")
    /// A crashed node restarts.
    public static let restart = EventKind(code: 123, name: "node restart")
    /// A stream slice from another subnet arrives.
    public static let streamSlice = EventKind(code: 124, name: "stream slice arrives")
    /// A replica's certification share is ready.
    public static let shareReady = EventKind(code: 125, name: "certification share ready")
    /// A subnet's whole trace, folded into the run's.
    public static let subnetTrace = EventKind(code: 200, name: "subnet trace")
    /// An open-loop client's next call starts.
    public static let clientArrival = EventKind(code: 300, name: "client call arrives")
    /// A closed-loop user starts its next call.
    public static let clientUserReady = EventKind(code: 301, name: "client user ready")
    /// A `read_state` poll reaches a replica.
    public static let readStatePoll = EventKind(code: 302, name: "read_state poll")
    /// A query reaches a replica.
    public static let queryArrives = EventKind(code: 303, name: "query arrives")
    /// A time-series sample is due (also the kind under which the clients' trace is folded
    /// into the run's).
    public static let sample = EventKind(code: 304, name: "sample")
    /// A replica answers a synchronous call on its connection (its answer is certified there).
    public static let syncCallAnswered = EventKind(code: 305, name: "synchronous call answered")
    /// A replica's wait for a synchronous call's certified answer times out (202).
    public static let syncCallTimeout = EventKind(code: 306, name: "synchronous call timeout")

    /// Every kind above, in code order.
    public static var all: [EventKind] {
        ([wakeUp] + delivery + [bundleDelivery, delayedSend, submit, executed, restart, streamSlice, shareReady, subnetTrace,
                                clientArrival, clientUserReady, readStatePoll, queryArrives, sample, syncCallAnswered, syncCallTimeout]).sorted { $0.code < $1.code }
    }
}
