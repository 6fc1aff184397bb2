import Wasm

// The functions, grouped as the spec groups them. Contexts are the spec's notation; costs are
// the IC's System API overheads (Docs/Model.md, "System API costs").

extension SystemAPI {
    static let messageFunctions: [Function] = [
        Function("msg_arg_data_size", [], [.address], "I U RQ NRQ CQ Ry CRy F", cost: 500) { _, _, session in
            .i32(UInt32(session.argument.count))
        },
        Function("msg_arg_data_copy", [.address, .address, .address], [], "I U RQ NRQ CQ Ry CRy F", cost: 500) { arguments, host, session in
            try host.copy(session.argument, arguments, for: "msg_arg_data_copy")
            return nil
        },
        Function("msg_caller_size", [], [.address], "*", cost: 500) { _, _, session in
            .i32(UInt32(session.caller.bytes.count))
        },
        Function("msg_caller_copy", [.address, .address, .address], [], "*", cost: 500) { arguments, host, session in
            try host.copy(session.caller.bytes, arguments, for: "msg_caller_copy")
            return nil
        },
        Function("msg_reject_code", [], [.i32], "Ry Rt CRy CRt C", cost: 500) { _, _, session in
            .i32(UInt32(bitPattern: session.rejectCode))
        },
        Function("msg_reject_msg_size", [], [.address], "Rt CRt", cost: 500) { _, _, session in
            .i32(UInt32(session.rejectMessage.utf8.count))
        },
        Function("msg_reject_msg_copy", [.address, .address, .address], [], "Rt CRt", cost: 500) { arguments, host, session in
            try host.copy(Array(session.rejectMessage.utf8), arguments, for: "msg_reject_msg_copy")
            return nil
        },
        Function("msg_reply_data_append", [.address, .address], [], "U RQ NRQ CQ Ry Rt CRy CRt", cost: 500) { arguments, host, session in
            try requireNoResponse(session, "msg_reply_data_append")
            try requireResponseFits(session.replyBuffer.count, arguments[1].address, session, "msg_reply_data_append")
            let bytes = try host.read(arguments[0].address, arguments[1].address, for: "msg_reply_data_append")
            // The first part becomes the buffer (appending it to an empty one would copy it).
            if session.replyBuffer.isEmpty { session.replyBuffer = bytes } else { session.replyBuffer += bytes }
            return nil
        },
        Function("msg_reply", [], [], "U RQ NRQ CQ Ry Rt CRy CRt", cost: 500) { _, _, session in
            try requireNoResponse(session, "msg_reply")
            session.response = .reply(session.replyBuffer)
            session.replyBuffer = []
            return nil
        },
        Function("msg_reject", [.address, .address], [], "U RQ NRQ CQ Ry Rt CRy CRt", cost: 500) { arguments, host, session in
            try requireNoResponse(session, "msg_reject")
            try requireResponseFits(0, arguments[1].address, session, "msg_reject")
            session.response = .reject(try host.text(arguments[0].address, arguments[1].address, for: "msg_reject"))
            session.replyBuffer = []
            return nil
        },
        Function("msg_method_name_size", [], [.address], "F", cost: 500) { _, _, session in
            .i32(UInt32(session.methodName.utf8.count))
        },
        Function("msg_method_name_copy", [.address, .address, .address], [], "F", cost: 500) { arguments, host, session in
            try host.copy(Array(session.methodName.utf8), arguments, for: "msg_method_name_copy")
            return nil
        },
        Function("accept_message", [], [], "F", cost: 500) { _, _, session in
            if session.acceptedMessage { throw trap("accept_message", "the message was already accepted") }
            session.acceptedMessage = true
            return nil
        },
    ]

    static let cycleFunctions: [Function] = [
        Function("msg_cycles_available", [], [.i64], "U RQ Rt Ry", cost: 500) { _, _, session in
            .i64(try fits64(session.cyclesAvailable, "msg_cycles_available"))
        },
        Function("msg_cycles_available128", [.address], [], "U RQ Rt Ry", cost: 500) { arguments, host, session in
            try host.write(session.cyclesAvailable.littleEndianBytes, to: arguments[0].address, for: "msg_cycles_available128")
            return nil
        },
        Function("msg_cycles_refunded", [], [.i64], "Rt Ry", cost: 500) { _, _, session in
            .i64(try fits64(session.cyclesRefunded, "msg_cycles_refunded"))
        },
        Function("msg_cycles_refunded128", [.address], [], "Rt Ry", cost: 500) { arguments, host, session in
            try host.write(session.cyclesRefunded.littleEndianBytes, to: arguments[0].address, for: "msg_cycles_refunded128")
            return nil
        },
        Function("msg_cycles_accept", [.i64], [.i64], "U RQ Rt Ry", cost: 500) { arguments, _, session in
            .i64(accept(Cycles(arguments[0].u64), session).low)
        },
        Function("msg_cycles_accept128", [.i64, .i64, .address], [], "U RQ Rt Ry", cost: 500) { arguments, host, session in
            let accepted = accept(Cycles(high: arguments[0].u64, low: arguments[1].u64), session)
            try host.write(accepted.littleEndianBytes, to: arguments[2].address, for: "msg_cycles_accept128")
            return nil
        },
        Function("cycles_burn128", [.i64, .i64, .address], [], "I G U RQ Ry Rt C T", cost: 500) { arguments, host, session in
            // No more than the liquid balance: burning never freezes the canister.
            let burned = Cycles.minimum(Cycles(high: arguments[0].u64, low: arguments[1].u64), liquidBalance(session))
            session.balance = session.balance - burned
            session.cyclesBurned = session.cyclesBurned + burned
            try host.write(burned.littleEndianBytes, to: arguments[2].address, for: "cycles_burn128")
            return nil
        },
        Function("canister_cycle_balance", [], [.i64], "*", cost: 500) { _, _, session in
            session.environmentReads.insert(.cyclesBalance)
            return .i64(try fits64(session.balance, "canister_cycle_balance"))
        },
        Function("canister_cycle_balance128", [.address], [], "*", cost: 500) { arguments, host, session in
            session.environmentReads.insert(.cyclesBalance)
            try host.write(session.balance.littleEndianBytes, to: arguments[0].address, for: "canister_cycle_balance128")
            return nil
        },
    ]

    /// Moves up to `maximum` of the offered cycles to the balance; returns how many.
    static func accept(_ maximum: Cycles, _ session: CallSession) -> Cycles {
        let accepted = Cycles.minimum(maximum, session.cyclesAvailable)
        session.cyclesAvailable = session.cyclesAvailable - accepted
        session.balance = session.balance + accepted
        return accepted
    }

    /// The amount as 64 bits, trapping if it does not fit (the deprecated 64-bit calls).
    static func fits64(_ amount: Cycles, _ name: String) throws(Trap) -> UInt64 {
        guard amount.high == 0 else { throw trap(name, "\(amount) cycles do not fit in 64 bits; use the 128-bit call") }
        return amount.low
    }

    static let canisterFunctions: [Function] = [
        Function("canister_self_size", [], [.address], "*", cost: 500) { _, _, session in
            .i32(UInt32(session.canister.principal.bytes.count))
        },
        Function("canister_self_copy", [.address, .address, .address], [], "*", cost: 500) { arguments, host, session in
            try host.copy(session.canister.principal.bytes, arguments, for: "canister_self_copy")
            return nil
        },
        Function("canister_status", [], [.i32], "*", cost: 500) { _, _, session in .i32(session.statusCode) },
        Function("canister_version", [], [.i64], "*", cost: 500) { _, _, session in .i64(session.version) },
        Function("is_controller", [.address, .address], [.i32], "* s", cost: 1_000) { arguments, host, session in
            let principal = try host.principal(arguments[0].address, arguments[1].address, for: "is_controller")
            return .i32(session.controllers.contains(principal) ? 1 : 0)
        },
        Function("certified_data_set", [.address, .address], [], "I G U Ry Rt T", cost: 500) { arguments, host, session in
            guard arguments[1].address <= 32 else { throw trap("certified_data_set", "certified data has at most 32 bytes, given \(arguments[1].address)") }
            session.certifiedData = try host.read(arguments[0].address, arguments[1].address, for: "certified_data_set")
            return nil
        },
        Function("data_certificate_present", [], [.i32], "*", cost: 500) { _, _, session in
            .i32(session.environment.certifiedState == nil ? 0 : 1)
        },
        Function("data_certificate_size", [], [.address], "NRQ CQ", cost: 500) { _, _, session in
            .i32(UInt32(try dataCertificate(session, "data_certificate_size").count))
        },
        Function("data_certificate_copy", [.address, .address, .address], [], "NRQ CQ", cost: 500) { arguments, host, session in
            session.environmentReads.insert(.dataCertificate)
            try host.copy(try dataCertificate(session, "data_certificate_copy"), arguments, for: "data_certificate_copy")
            return nil
        },
    ]

    /// The data certificate; traps without one (`data_certificate_present` returns 0).
    static func dataCertificate(_ session: CallSession, _ name: String) throws(Trap) -> [UInt8] {
        guard let certificate = session.environment.dataCertificate else {
            throw trap(name, "no data certificate is available: only a query call's method on the queried canister has one")
        }
        return certificate
    }

    static let callFunctions: [Function] = [
        Function("call_new", [.address, .address, .address, .address, .address, .address, .address, .address], [], "U CQ Ry Rt CRy CRt T", cost: 1_500) { arguments, host, session in
            let callee = try host.principal(arguments[0].address, arguments[1].address, for: "call_new")
            guard arguments[3].address <= UInt64(callBytesMax) else {
                throw trap("call_new", "a method name of \(arguments[3].address) bytes is longer than a call may carry (\(callBytesMax) bytes)")
            }
            let method = try host.text(arguments[2].address, arguments[3].address, for: "call_new")
            // A call being assembled and not performed is discarded (its cycles go back).
            if let abandoned = session.pendingCall { session.balance = session.balance + abandoned.cycles }
            session.pendingCall = OutgoingCall(
                callee: callee, method: method,
                reply: try callback(arguments[4], arguments[5], "call_new"),
                reject: try callback(arguments[6], arguments[7], "call_new"))
            return nil
        },
        Function("call_on_cleanup", [.address, .address], [], "U CQ Ry Rt CRy CRt T", cost: 500) { arguments, _, session in
            guard session.pendingCall != nil else { throw trap("call_on_cleanup", "no call is being assembled (call ic0.call_new first)") }
            guard session.pendingCall?.cleanup == nil else { throw trap("call_on_cleanup", "the call already has a cleanup callback") }
            session.pendingCall?.cleanup = try callback(arguments[0], arguments[1], "call_on_cleanup")
            return nil
        },
        Function("call_data_append", [.address, .address], [], "U CQ Ry Rt CRy CRt T", cost: 500) { arguments, host, session in
            guard let call = session.pendingCall else { throw trap("call_data_append", "no call is being assembled (call ic0.call_new first)") }
            let size = call.method.utf8.count + call.argument.count
            guard arguments[1].address <= UInt64(callBytesMax - min(size, callBytesMax)) else {
                throw trap("call_data_append", "the call's method name and argument (\(size) bytes) and \(arguments[1].address) more "
                    + "would exceed the \(callBytesMax) bytes a call may carry")
            }
            session.pendingCall?.argument += try host.read(arguments[0].address, arguments[1].address, for: "call_data_append")
            return nil
        },
        Function("call_cycles_add", [.i64], [], "U Ry Rt T", cost: 500) { arguments, _, session in
            try addCycles(Cycles(arguments[0].u64), session, "call_cycles_add")
            return nil
        },
        Function("call_cycles_add128", [.i64, .i64], [], "U Ry Rt T", cost: 500) { arguments, _, session in
            try addCycles(Cycles(high: arguments[0].u64, low: arguments[1].u64), session, "call_cycles_add128")
            return nil
        },
        Function("call_perform", [], [.i32], "U CQ Ry Rt CRy CRt T", cost: 5_000) { _, host, session in
            guard let call = session.pendingCall else { throw trap("call_perform", "no call is being assembled (call ic0.call_new first)") }
            session.pendingCall = nil
            // What a message's calls carry is held by the host until the message ends: at most
            // what one memory may hold (a simulator limit, like the memory's).
            let bytes = call.method.utf8.count + call.argument.count
            let (limit, overflow) = host.memoryChunkAllocationLimit.multipliedReportingOverflow(by: LinearMemory.chunkBytes)
            guard overflow || session.performedCallBytes + bytes <= limit else { throw Trap(.hostMemoryLimitExceeded) }
            // The call's fee (and its largest response's transmission) is paid now; a canister
            // that cannot pay does not make the call, gets its cycles back, and sees
            // SYS_TRANSIENT (2).
            let fee = session.fees.call(bytes: bytes)
            guard let rest = session.balance.subtracting(fee) else {
                session.balance = session.balance + call.cycles
                return .i32(UInt32(RejectCode.systemTransient.rawValue))
            }
            session.balance = rest
            session.feesPaid = session.feesPaid + fee
            session.performedCalls.append(call)
            session.performedCallBytes += bytes
            return .i32(0)
        },
    ]

    /// A callback from its table index and environment (both address-typed). An index of
    /// 2^32 or more names no function (tables hold fewer elements, a host limit), so it traps
    /// here rather than when the answer comes.
    static func callback(_ function: SystemAPIArgument, _ environment: SystemAPIArgument, _ name: String) throws(Trap) -> Callback {
        guard let index = UInt32(exactly: function.address) else {
            throw trap(name, "the callback's table index \(function.address) is beyond any table")
        }
        return Callback(function: index, environment: environment.address)
    }

    /// Moves `amount` from the balance to the call being assembled.
    static func addCycles(_ amount: Cycles, _ session: CallSession, _ name: String) throws(Trap) {
        guard session.pendingCall != nil else { throw trap(name, "no call is being assembled (call ic0.call_new first)") }
        // No more than the liquid balance (interface spec, `call_cycles_add128`).
        guard amount <= liquidBalance(session), let rest = session.balance.subtracting(amount) else {
            throw trap(name, "the canister has \(liquidBalance(session)) cycles to spend, cannot send \(amount)")
        }
        session.balance = rest
        let cycles = (session.pendingCall?.cycles ?? .zero) + amount
        session.pendingCall?.cycles = cycles
    }

    static let otherFunctions: [Function] = [
        Function("time", [], [.i64], "*", cost: 500) { _, _, session in
            session.environmentReads.insert(.time)
            return .i64(session.timeNanos)
        },
        Function("global_timer_set", [.i64], [.i64], "I G U Ry Rt C T", cost: 500) { arguments, _, session in
            let previous = session.globalTimerNanos ?? session.previousGlobalTimerNanos
            session.globalTimerNanos = arguments[0].u64
            return .i64(previous)
        },
        Function("performance_counter", [.i32], [.i64], "* s", cost: 200) { arguments, host, session in
            // 0: instructions executed in this message execution; 1: in its call context, the
            // earlier executions of the context (its method, earlier callbacks) included.
            switch arguments[0].u32 {
            case 0: return .i64(host.instructionsCharged)
            case 1: return .i64(session.environment.callContextInstructions &+ host.instructionsCharged)
            default: throw trap("performance_counter", "Error getting performance counter type \(arguments[0].u32)")
            }
        },
        Function("in_replicated_execution", [], [.i32], "* s", cost: 500) { _, _, session in
            .i32(session.context.isReplicated ? 1 : 0)
        },
        Function("debug_print", [.address, .address], [], "* s", cost: 100) { arguments, host, session in
            // Never traps (interface spec); a range outside the heap prints a placeholder, as
            // the IC does, and no more than the log keeps is copied.
            let text = host.textPrefix(arguments[0].address, arguments[1].address, keeping: logBytesMax, for: "debug_print")
            session.appendLog(text ?? "(debug message out of memory bounds)")
            return nil
        },
        Function("trap", [.address, .address], [], "* s", cost: 500) { arguments, host, _ in
            let message = host.textPrefix(arguments[0].address, arguments[1].address, keeping: trapMessageBytesMax, for: "trap")
                ?? "(trap message out of memory bounds)"
            throw Trap(.host(SystemAPI.explicitTrapPrefix + message))
        },
    ]

    /// How an explicit `ic0.trap` message starts (the executor reports it as the IC does).
    static let explicitTrapPrefix = "canister called ic0.trap with message: "
}
