/// The handler's view of the kernel: the current virtual time and the event queue.
///
/// A model receives it `inout` for each event; `now` is the event's time and never moves
/// backwards. Timers are ordinary events: keep the ``EventHandle`` to cancel or move them.
///
/// ```swift
/// mutating func handle(_ event: Event, scheduler: inout Scheduler<Event>) {
///     timeout = scheduler.schedule(.timeout, after: .seconds(2))
///     scheduler.cancel(oldTimeout)
/// }
/// ```
public struct Scheduler<Event> {
    @usableFromInline var currentTime: SimInstant = .zero

    /// The current virtual time: the time of the event being handled.
    @inlinable
    public var now: SimInstant { currentTime }
    @usableFromInline var queue = EventQueue<Event>()

    /// Creates a scheduler at time zero with no pending events.
    @inlinable
    public init() {}

    /// The number of pending events.
    @inlinable
    public var pendingCount: Int { queue.count }

    /// The time of the next pending event, or `nil` if none.
    @inlinable
    public var nextEventTime: SimInstant? { queue.nextTime }

    /// Schedules `event` at `time`.
    /// - Precondition: `time >= now` (virtual time never runs backwards).
    @inlinable
    @discardableResult
    public mutating func schedule(_ event: consuming Event, at time: SimInstant) -> EventHandle {
        precondition(time >= now, "cannot schedule an event in the past")
        return queue.schedule(event, at: time)
    }

    /// Schedules `event` at `time` as a delivery from outside the model (another subnet's
    /// stream slice): at equal times it comes after every event scheduled otherwise, whenever
    /// either was scheduled (``EventQueue/scheduleDelivery(_:at:)``).
    /// - Precondition: `time >= now`.
    @inlinable
    @discardableResult
    public mutating func scheduleDelivery(_ event: consuming Event, at time: SimInstant) -> EventHandle {
        precondition(time >= now, "cannot schedule a delivery in the past")
        return queue.scheduleDelivery(event, at: time)
    }

    /// Schedules `event` after `delay` from now.
    /// - Precondition: `delay >= .zero`.
    @inlinable
    @discardableResult
    public mutating func schedule(_ event: consuming Event, after delay: SimDuration) -> EventHandle {
        precondition(delay >= .zero, "cannot schedule an event with a negative delay")
        return queue.schedule(event, at: now + delay)
    }

    /// Cancels a pending event and returns it, or `nil` if it already fired or was cancelled.
    @inlinable
    @discardableResult
    public mutating func cancel(_ handle: EventHandle) -> Event? {
        queue.cancel(handle)
    }

    /// Moves a pending event to `time`; `false` if it already fired or was cancelled.
    /// - Precondition: `time >= now`.
    @inlinable
    @discardableResult
    public mutating func reschedule(_ handle: EventHandle, to time: SimInstant) -> Bool {
        precondition(time >= now, "cannot reschedule an event into the past")
        return queue.reschedule(handle, to: time)
    }

    /// Moves a pending event to `delay` from now; `false` if it already fired or was cancelled.
    @inlinable
    @discardableResult
    public mutating func reschedule(_ handle: EventHandle, after delay: SimDuration) -> Bool {
        reschedule(handle, to: now + delay)
    }

    /// Takes the next pending event and moves `now` to its time: for a shell that drives
    /// several schedulers in one virtual time (``Simulation/step()`` does this for one model).
    /// An event of a batch is its batch's template (see ``EventQueue/popNext(copying:)``).
    @inlinable
    public mutating func takeNext() -> (time: SimInstant, event: Event)? {
        guard let entry = queue.popNext() else { return nil }
        currentTime = entry.time
        return (entry.time, entry.payload)
    }

    /// ``takeNext()``, with an event of a batch (``scheduleBatch(_:count:time:tag:)``) made by
    /// `batchCopy` from its batch's template and its tag, as ``Simulation`` makes it: a shell
    /// that schedules batches takes its events here.
    @inlinable
    public mutating func takeNext(copying batchCopy: (borrowing Event, UInt16) -> Event) -> (time: SimInstant, event: Event)? {
        guard let entry = queue.popNext(copying: batchCopy) else { return nil }
        currentTime = entry.time
        return (entry.time, entry.payload)
    }

    /// Takes every pending event, in (time, sequence) order, leaving `now` where it is: for a
    /// shell that has a model schedule into a queue of its own first, to note each event, and
    /// then moves them into the model's queue (scheduled there in this order, they keep their
    /// order among themselves, after every event pending there).
    @inlinable
    public mutating func takeAllPending(_ body: (SimInstant, consuming Event) -> Void) {
        while let entry = queue.popNext() { body(entry.time, entry.payload) }
    }

    /// Moves `now` forward to `time` without handling anything (the end of a run).
    /// - Precondition: no pending event is due before `time`.
    @inlinable
    public mutating func advance(to time: SimInstant) {
        precondition(queue.nextTime.map { $0 >= time } ?? true, "an event is due before \(time)")
        if time > currentTime { currentTime = time }
    }

    /// When the event behind `handle` is due, or `nil` if it is no longer pending.
    @inlinable
    public func scheduledTime(of handle: EventHandle) -> SimInstant? {
        queue.scheduledTime(of: handle)
    }
}

extension Scheduler {
    /// Schedules `count` events at once, made from `template`: event `i` is due at `time(i)`
    /// and is the template's copy for the tag `tag(i)`, made when it is popped (by
    /// ``Simulation``, with its model's ``TracedModel/batchCopy(of:tag:)``). They run exactly
    /// as if each were scheduled in turn with ``schedule(_:at:)``, but take one place in the
    /// queue at a time (``EventQueue/scheduleBatch(_:count:time:tag:)``); they cannot be
    /// cancelled.
    /// - Precondition: every event's time is at or after `now`.
    @inlinable @inline(__always)
    public mutating func scheduleBatch(_ template: consuming Event, count: Int, time: (Int) -> SimInstant, tag: (Int) -> UInt16) {
        queue.scheduleBatch(template, count: count, notBefore: currentTime.nanosecondsSinceStart, time: time, tag: tag)
    }
}
