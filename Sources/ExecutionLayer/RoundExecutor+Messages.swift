import Wasm

extension RoundExecutor {
    // MARK: - Induction and routing

    /// Puts an ingress message in its canister's queue, or answers it at once with a reject
    /// when the canister does not exist or cannot pay for it. Ingress is not bounded by the
    /// input queue's capacity (the IC queues it in the canister's ingress queue, which has
    /// none: Docs/Model.md, "Queues"). A message seen before is ignored; one that expired
    /// before the block's time is dropped (it never runs, and its status stays unknown).
    func induct(_ message: IngressMessage, _ state: inout ReplicatedState, _ round: inout RoundState) {
        guard state.ingressHistory[message.id] == nil else { return }
        guard round.timeNanos <= message.expiryNanos else { return round.expired.append(message.id) }
        let request = Request(origin: .ingress(message.id), caller: message.sender, receiver: message.receiver,
                              method: message.method, argument: message.argument, cycles: .zero)
        if message.receiver == .management {
            state.ingressHistory[message.id] = .processing
            state.certifiedChanges.record(bytes: CertifiedChanges.bytes(of: .processing))
            return state.managementQueue.append(request)
        }
        guard let position = state.positions[message.receiver] else {
            return answerIngress(message.id, .rejected(Reject(.canisterNotFound, "canister \(message.receiver) does not exist")), &state, &round)
        }
        guard charge(configuration.fees.ingress(bytes: message.sizeBytes), position, &state) else {
            return answerIngress(message.id, .rejected(outOfCycles(position, state)), &state, &round)
        }
        state.ingressHistory[message.id] = .processing
        state.certifiedChanges.record(bytes: CertifiedChanges.bytes(of: .processing))
        state.canisters[position].queue.append(.request(request))
        state.markActive(position)
    }

    /// Queues this round's system tasks: the heartbeat of every running canister that exports
    /// one, and the global timer of those whose timer is due (it is disarmed as it fires).
    func scheduleSystemTasks(_ state: inout ReplicatedState, timeNanos: UInt64) {
        // The lists may hold canisters whose code no longer exports the entry point.
        for position in state.heartbeats where state.canisters[position].state.status == .running && state.canisters[position].exportsHeartbeat {
            state.canisters[position].tasks.append(.heartbeat)
            state.markActive(position)
        }
        for position in state.timers where state.canisters[position].state.status == .running && state.canisters[position].exportsGlobalTimer {
            let due = state.canisters[position].state.globalTimerNanos
            guard due != 0, due <= timeNanos else { continue }
            state.canisters[position].state.globalTimerNanos = 0
            state.canisters[position].tasks.append(.globalTimer)
            state.markActive(position)
        }
    }

    /// Records the answer to ingress message `id`.
    func answerIngress(_ id: UInt64, _ status: IngressStatus, _ state: inout ReplicatedState, _ round: inout RoundState) {
        state.ingressHistory[id] = status
        state.certifiedChanges.record(bytes: CertifiedChanges.bytes(of: status))
        state.foldAnswer(id, status)
        round.answered.append((id, status))
    }

    /// Delivers what canisters sent during an iteration: requests into their callees' queues
    /// (or a reject back, when the callee does not exist or its queue is full), responses into
    /// their callers' queues; what is for a canister of another subnet goes into the stream
    /// to that subnet.
    func route(_ state: inout ReplicatedState, _ round: inout RoundState) {
        let outgoing = round.outgoing
        round.outgoing = []
        for message in outgoing {
            switch message {
            case .request(let request): routeRequest(request, &state, &round)
            case .response(let response):
                if let position = state.positions[response.receiver] {
                    state.canisters[position].queue.append(.response(response))
                    state.markActive(position)
                } else if let subnet = remoteSubnet(of: response.receiver, state) {
                    state.appendToStream(message, destination: subnet)
                } else {
                    state.cyclesBurned = state.cyclesBurned + response.refund  // the caller is gone
                }
            }
        }
    }

    func routeRequest(_ request: Request, _ state: inout ReplicatedState, _ round: inout RoundState) {
        guard case .canister(let caller, let callback) = request.origin else { return }
        if request.receiver == .management { return state.managementQueue.append(request) }
        if state.positions[request.receiver] == nil, let subnet = remoteSubnet(of: request.receiver, state) {
            return state.appendToStream(.request(request), destination: subnet)
        }
        guard let refusal = enqueue(request, &state), let position = state.positions[caller] else { return }
        state.markActive(position)
        state.canisters[position].queue.append(.response(
            CallResponse(receiver: caller, callback: callback, result: .rejected(refusal), refund: request.cycles, deadlineNanos: request.deadlineNanos)))
    }

    // MARK: - Cycles

    /// Takes `fee` from canister `position` if it keeps at least its freezing threshold;
    /// whether it did.
    func charge(_ fee: Cycles, _ position: Int, _ state: inout ReplicatedState) -> Bool {
        guard let rest = state.canisters[position].state.cycles.subtracting(fee), rest >= freezingThreshold(position, state) else { return false }
        state.canisters[position].state.cycles = rest
        state.cyclesBurned = state.cyclesBurned + fee
        return true
    }

    /// The balance below which a canister is frozen (runs no new message, takes no ingress):
    /// what its memory (as of the last idle charge) and compute allocation cost for its
    /// freezing threshold's seconds.
    public func freezingThreshold(_ position: Int, _ state: ReplicatedState) -> Cycles {
        configuration.fees.idle(bytes: state.canisters[position].memoryBytes,
                                computeAllocationPercent: state.canisters[position].state.computeAllocationPercent,
                                seconds: state.canisters[position].state.freezingThresholdSeconds)
    }

    /// The reject of a canister that cannot pay.
    func outOfCycles(_ position: Int, _ state: ReplicatedState) -> Reject {
        Reject(.canisterOutOfCycles, "canister \(state.canisters[position].state.id) is out of cycles: it has "
            + "\(state.canisters[position].state.cycles), its freezing threshold is \(freezingThreshold(position, state))")
    }

    /// Bytes of a response (for its transmission fee).
    static func size(of outcome: CallOutcome) -> Int {
        switch outcome {
        case .replied(let bytes): bytes.count
        case .rejected(let reject): reject.message.utf8.count
        case .awaitingCallbacks: 0
        }
    }

    /// Charges storage and compute allocation for the time since the last charge, every
    /// `idleChargeIntervalNanos` (a canister that cannot pay in full pays what it has), and
    /// records each canister's memory (its freezing threshold follows from it).
    func chargeIdleFees(_ state: inout ReplicatedState, timeNanos: UInt64) {
        let last = state.lastIdleChargeNanos ?? timeNanos
        guard state.lastIdleChargeNanos == nil || timeNanos >= last + configuration.idleChargeIntervalNanos else { return }
        for position in state.canisters.indices {
            let bytes = UInt64(state.canisters[position].state.chunksInUse) * UInt64(LinearMemory.chunkBytes)
            let allocation = state.canisters[position].state.computeAllocationPercent
            let fee = configuration.fees.idle(bytes: bytes, computeAllocationPercent: allocation, nanoseconds: timeNanos - last)
            let paid = Cycles.minimum(fee, state.canisters[position].state.cycles)
            state.canisters[position].state.cycles = state.canisters[position].state.cycles - paid
            state.cyclesBurned = state.cyclesBurned + paid
            state.canisters[position].memoryBytes = bytes
        }
        // Cycles and memory use are not in the certified leaves: only the full hash rereads them.
        state.markTouchedForFullHash(state.canisters.indices)
        state.lastIdleChargeNanos = timeNanos
    }

    // MARK: - Scheduling

    /// The canisters with work at the start of the round, highest priority first (accumulated
    /// priority plus compute allocation; ties by ID).
    func priorityOrder(_ state: ReplicatedState) -> [Int] {
        var working: [(position: Int, priority: Int64)] = []
        for position in state.active where state.hasWork(position) {
            let priority = state.canisters[position].accumulatedPriority + Int64(state.canisters[position].state.computeAllocationPercent)
            working.append((position, priority))
        }
        if let order = Self.sortedByPackedKeys(working) { return order }
        working.sort { $0.priority != $1.priority ? $0.priority > $1.priority : $0.position < $1.position }
        return working.map(\.position)
    }

    /// The positions of `working` by descending priority, then ascending position, sorted as
    /// one 64-bit key each (the priority's 32 bits, inverted, above the position's), or `nil`
    /// if a priority or position does not fit in 32 bits. The keys are distinct (positions
    /// are), so the order is exactly the comparison sort's, at a fraction of its cost.
    static func sortedByPackedKeys(_ working: [(position: Int, priority: Int64)]) -> [Int]? {
        var keys: [UInt64] = []
        keys.reserveCapacity(working.count)
        for (position, priority) in working {
            guard let narrow = Int32(exactly: priority), let index = UInt32(exactly: position) else { return nil }
            let descending = UInt32.max - (UInt32(bitPattern: narrow) ^ 0x8000_0000)
            keys.append(UInt64(descending) << 32 | UInt64(index))
        }
        keys.sort()
        return keys.map { Int(truncatingIfNeeded: $0 & 0xFFFF_FFFF) }
    }

    /// The IC's accumulated priorities, simplified: every canister that had work gets its
    /// compute allocation plus an equal share of the free capacity (100 per core, minus the
    /// allocations); those that ran pay the total back equally, so the sum stays zero and a
    /// canister that waits rises until it runs.
    func updatePriorities(_ state: inout ReplicatedState, order: [Int], ran: [Bool]) {
        guard !order.isEmpty else { return }
        let allocations = order.reduce(Int64(0)) { $0 + Int64(state.canisters[$1].state.computeAllocationPercent) }
        let free = max(Int64(configuration.cores) * 100 - allocations, 0)
        var credited: Int64 = 0
        for (rank, position) in order.enumerated() {
            let share = free / Int64(order.count) + (Int64(rank) < free % Int64(order.count) ? 1 : 0)
            let credit = Int64(state.canisters[position].state.computeAllocationPercent) + share
            state.canisters[position].accumulatedPriority += credit
            credited += credit
        }
        let payers = order.filter { ran[$0] }
        guard !payers.isEmpty else { return }
        for (rank, position) in payers.enumerated() {
            let charge = credited / Int64(payers.count) + (Int64(rank) < credited % Int64(payers.count) ? 1 : 0)
            state.canisters[position].accumulatedPriority -= charge
        }
    }

    // MARK: - Running a canister

    /// Runs canister `position` on `core`: its paused message for one slice, or its queued
    /// inputs one after another until the queue is empty, a message pauses, or the core's
    /// budget is used. Whether it ran anything.
    func runCanister(_ position: Int, on core: Int, _ state: inout ReplicatedState, _ round: inout RoundState) -> Bool {
        var ran = false
        round.charge(configuration.overheadPerCanister, to: core)
        if state.canisters[position].pausedBox != nil, let paused = state.canisters[position].paused {
            state.canisters[position].paused = nil
            continueMessage(paused, position, core, &state, &round)
            return true
        }
        while round.cores[core] > 0, state.canisters[position].pausedBox == nil, !state.canisters[position].tasks.isEmpty {
            let task = state.canisters[position].tasks.removeFirst()
            round.messagesExecuted += 1
            round.charge(configuration.overheadPerMessage, to: core)
            startTask(task, position, core, &state, &round)
            ran = true
        }
        while round.cores[core] > 0, state.canisters[position].pausedBox == nil, !state.canisters[position].queue.isEmpty {
            let input = state.canisters[position].queue.removeFirst()
            if case .request(let request) = input, !request.isIngress { state.canisters[position].queuedRequests -= 1 }
            round.messagesExecuted += 1
            round.charge(configuration.overheadPerMessage, to: core)
            switch input {
            case .request(let request): startRequest(request, position, core, &state, &round)
            case .response(let response): startResponse(response, position, core, &state, &round)
            }
            ran = true
        }
        return ran
    }

    /// The slice a message may run now on `core`.
    func slice(_ core: Int, _ round: RoundState) -> UInt64 {
        max(min(configuration.sliceInstructions, round.cores[core]), 1)
    }

    /// Opens a call context for `request` and starts its method, once its execution fee is
    /// prepaid (a canister that cannot pay above its freezing threshold rejects the request).
    func startRequest(_ request: Request, _ position: Int, _ core: Int, _ state: inout ReplicatedState, _ round: inout RoundState) {
        let prepaid = round.executionPrepayment
        guard charge(prepaid, position, &state) else {
            return respond(to: request.origin, .rejected(outOfCycles(position, state)), refund: request.cycles, deadlineNanos: request.deadlineNanos,
                           &state, &round)
        }
        let context = state.canisters[position].takeIdentifier()
        let opened = CallContext(origin: request.origin, caller: request.caller, cyclesAvailable: request.cycles, deadlineNanos: request.deadlineNanos)
        var input = MessageInput(.update(request.method), caller: request.caller, argument: request.argument,
                                 cyclesAvailable: request.cycles, timeNanos: round.timeNanos)
        input.deadlineNanos = request.deadlineNanos
        let sliceInstructions = slice(core, round)
        let step = round.executor.start(input, on: &state.canisters[position].state, sliceInstructions: sliceInstructions, discardsChanges: false,
                                  scratch: &round.scratch, methods: &round.methods)
        settle(step, PausedMessage.Origin(callContext: context, callback: nil, prepaid: prepaid), position, core, &state, &round, opened: opened)
    }

    /// Starts a heartbeat or the global timer in a call context of the system's.
    func startTask(_ task: EntryPoint, _ position: Int, _ core: Int, _ state: inout ReplicatedState, _ round: inout RoundState) {
        let prepaid = round.executionPrepayment
        let paid = charge(prepaid, position, &state)
        if task == .onLowWasmMemory { lowWasmMemoryHookStarts(position, ran: paid, &state) }
        guard paid else { return }  // a frozen canister runs no task
        let context = state.canisters[position].takeIdentifier()
        let id = state.canisters[position].state.id
        let opened = CallContext(origin: .system, caller: id.principal, cyclesAvailable: .zero)
        let input = MessageInput(task, caller: id.principal, timeNanos: round.timeNanos)
        let sliceInstructions = slice(core, round)
        let step = round.executor.start(input, on: &state.canisters[position].state, sliceInstructions: sliceInstructions, discardsChanges: false,
                                  scratch: &round.scratch, methods: &round.methods)
        settle(step, PausedMessage.Origin(callContext: context, callback: nil, prepaid: prepaid), position, core, &state, &round, opened: opened)
    }

    /// Runs the callback a response is for (after crediting the refund).
    func startResponse(_ response: CallResponse, _ position: Int, _ core: Int, _ state: inout ReplicatedState, _ round: inout RoundState) {
        if dropsLateResponse(response, position, &state) { return }
        guard let callback = state.canisters[position].callbacks.removeValue(forKey: response.callback),
              var context = state.canisters[position].callContexts[callback.callContext] else {
            state.cyclesBurned = state.cyclesBurned + response.refund  // no one waits for it
            return
        }
        context.outstandingCalls -= 1
        state.canisters[position].callContexts[callback.callContext] = context
        // The refund, and the unused part of the response's prepaid transmission, come back;
        // the callback's execution is prepaid out of whatever the balance holds.
        let transmissionRefund = configuration.fees.responseRefund(bytes: Self.size(of: response.result))
        state.cyclesBurned = state.cyclesBurned - transmissionRefund
        state.canisters[position].state.cycles = state.canisters[position].state.cycles + response.refund + transmissionRefund
        let prepayment = round.executionPrepayment
        let prepaid = Cycles.minimum(prepayment, state.canisters[position].state.cycles)
        state.canisters[position].state.cycles = state.canisters[position].state.cycles - prepaid
        state.cyclesBurned = state.cyclesBurned + prepaid
        var input = MessageInput(.replyCallback(callback.call.reply), caller: context.caller, cyclesAvailable: context.cyclesAvailable,
                                 cyclesRefunded: response.refund, timeNanos: round.timeNanos, callContextAnswered: context.responded)
        input.deadlineNanos = context.deadlineNanos
        input.callContextInstructions = context.instructionsUsed
        switch response.result {
        case .replied(let bytes): input.argument = bytes
        case .rejected(let reject):
            input.entry = .rejectCallback(callback.call.reject)
            input.reject = reject
        case .awaitingCallbacks:
            input.entry = .rejectCallback(callback.call.reject)
            input.reject = Reject(.canisterDidNotReply, "the callee did not reply")
        }
        let sliceInstructions = slice(core, round)
        let step = round.executor.start(input, on: &state.canisters[position].state, sliceInstructions: sliceInstructions, discardsChanges: false,
                                  scratch: &round.scratch, methods: &round.methods)
        let origin = PausedMessage.Origin(callContext: callback.callContext, callback: callback, prepaid: prepaid, reject: input.reject)
        settle(step, origin, position, core, &state, &round)
    }

    /// Resumes a paused message for one more slice.
    func continueMessage(_ paused: consuming PausedMessage, _ position: Int, _ core: Int, _ state: inout ReplicatedState, _ round: inout RoundState) {
        let (origin, alreadyCharged) = (paused.origin, paused.execution.instructionsUsed)
        let step = round.executor.resume(paused.execution, on: &state.canisters[position].state, sliceInstructions: slice(core, round))
        settle(step, origin, position, core, &state, &round, alreadyCharged: alreadyCharged)
    }

    /// Charges what a slice used; keeps a paused message, or handles a finished one. `opened`:
    /// the call context the message's first slice opened, not yet among the canister's (it
    /// joins them if the message pauses or leaves calls outstanding; most end in their first
    /// slice, and their context closes without ever being stored).
    func settle(_ step: ExecutionStep, _ origin: PausedMessage.Origin, _ position: Int, _ core: Int,
                _ state: inout ReplicatedState, _ round: inout RoundState, alreadyCharged: UInt64 = 0, opened: CallContext? = nil) {
        switch step {
        case .paused(let execution):
            if let opened { state.canisters[position].callContexts[origin.callContext] = opened }
            round.charge(execution.instructionsUsed - alreadyCharged, to: core)
            state.canisters[position].paused = PausedMessage(execution: execution, origin: origin)
            round.paused[position] = true
        case .finished(let result):
            round.charge(result.instructions - min(result.instructions, alreadyCharged), to: core)
            let refund = Cycles.minimum(origin.prepaid, configuration.fees.executionRefund(
                limit: configuration.execution.updateInstructionsMax, used: result.instructions))
            state.canisters[position].state.cycles = state.canisters[position].state.cycles + refund
            state.cyclesBurned = state.cyclesBurned - refund + result.cyclesBurned
            finish(result, origin, position, core, &state, &round, opened: opened)
            updateLowWasmMemoryHook(position, &state)
        }
    }

    // MARK: - Ending a message

    /// Ends a message in its call context: runs a trapped callback's cleanup, sends the calls
    /// it made, answers the context's origin if it replied or rejected, and closes the context
    /// once nothing is left outstanding (answering "did not reply" if nothing answered). The
    /// context is `opened` if the message opened it and it is not stored yet (see
    /// ``settle(_:_:_:_:_:_:alreadyCharged:opened:)``).
    func finish(_ result: MessageResult, _ origin: PausedMessage.Origin, _ position: Int, _ core: Int,
                _ state: inout ReplicatedState, _ round: inout RoundState, opened: CallContext? = nil) {
        guard var context = opened ?? state.canisters[position].callContexts[origin.callContext] else { return }
        context.instructionsUsed &+= result.instructions
        let trappedCallback = result.trapped && origin.callback != nil
        if let callback = origin.callback, trappedCallback {
            runCleanup(callback, context, reject: origin.reject, position, core, &state, &round)
        } else {
            context.cyclesAvailable = result.cyclesUnaccepted
        }
        for call in result.calls { send(call, from: position, context: origin.callContext, &context, &state, &round) }
        if !trappedCallback, !context.responded, result.outcome != .awaitingCallbacks {
            context.responded = true
            respond(to: context.origin, result.outcome, refund: context.cyclesAvailable, deadlineNanos: context.deadlineNanos, &state, &round)
            context.cyclesAvailable = .zero
        }
        guard context.outstandingCalls == 0 else {
            state.canisters[position].callContexts[origin.callContext] = context
            return
        }
        if !context.responded {
            let id = state.canisters[position].state.id
            let answer = trappedCallback ? result.outcome : .rejected(Reject(.canisterDidNotReply, "canister \(id) did not reply to the call"))
            respond(to: context.origin, answer, refund: context.cyclesAvailable, deadlineNanos: context.deadlineNanos, &state, &round)
        }
        if opened == nil { state.canisters[position].callContexts[origin.callContext] = nil }
    }

    /// Registers a callback for `call` and sends its request (a callee that is not a canister
    /// or the management canister gets an immediate reject).
    func send(_ call: OutgoingCall, from position: Int, context contextID: UInt64, _ context: inout CallContext,
              _ state: inout ReplicatedState, _ round: inout RoundState) {
        let caller = state.canisters[position].state.id
        let callbackID = state.canisters[position].takeIdentifier()
        state.canisters[position].callbacks[callbackID] = PendingCallback(callContext: contextID, call: call)
        context.outstandingCalls += 1
        if call.deadlineNanos != 0 { state.registerCallbackDeadline(call.deadlineNanos, canister: caller, callback: callbackID) }
        guard let callee = CanisterID(principal: call.callee) else {
            let reject = Reject(.canisterNotFound, "\(call.callee) is not a canister")
            round.outgoing.append(.response(CallResponse(receiver: caller, callback: callbackID, result: .rejected(reject), refund: call.cycles,
                                                         deadlineNanos: call.deadlineNanos)))
            return
        }
        round.outgoing.append(.request(Request(origin: .canister(caller, callback: callbackID), caller: caller.principal, receiver: callee,
                                               method: call.method, argument: call.argument, cycles: call.cycles,
                                               deadlineNanos: call.deadlineNanos)))
    }

    /// Answers whoever waits on a call context.
    func respond(to origin: CallOrigin, _ outcome: CallOutcome, refund: Cycles, deadlineNanos: UInt64 = 0,
                 _ state: inout ReplicatedState, _ round: inout RoundState) {
        switch origin {
        case .ingress(let id):
            switch outcome {
            case .replied(let bytes): answerIngress(id, .replied(bytes), &state, &round)
            case .rejected(let reject): answerIngress(id, .rejected(reject), &state, &round)
            case .awaitingCallbacks: break
            }
        case .canister(let caller, let callback):
            round.outgoing.append(.response(CallResponse(receiver: caller, callback: callback, result: outcome, refund: refund,
                                                         deadlineNanos: deadlineNanos)))
        case .system:
            break
        }
    }

    /// Runs the cleanup callback of a callback that trapped (to its end; its own trap is only
    /// logged, as on the IC).
    func runCleanup(_ callback: PendingCallback, _ context: CallContext, reject: Reject?, _ position: Int, _ core: Int,
                    _ state: inout ReplicatedState, _ round: inout RoundState) {
        guard let cleanup = callback.call.cleanup else { return }
        // The cleanup of a reject callback reads its reject code (0 after a reply callback).
        let input = MessageInput(.cleanup(cleanup), caller: context.caller, reject: reject, timeNanos: round.timeNanos)
        let result = round.executor.run(input, on: &state.canisters[position].state)
        round.charge(result.instructions, to: core)
        let fee = Cycles.minimum(configuration.fees.scaled(configuration.fees.executionBase)
            + configuration.fees.scaled(configuration.fees.executionPerInstruction, times: result.instructions), state.canisters[position].state.cycles)
        state.canisters[position].state.cycles = state.canisters[position].state.cycles - fee
        state.cyclesBurned = state.cyclesBurned + fee + result.cyclesBurned
    }
}
