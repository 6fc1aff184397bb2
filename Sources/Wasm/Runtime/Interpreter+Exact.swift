// Exact metering's step before each instruction of the main loop (Interpreter.swift): it is
// compiled only into the exact-metering specialisation of the loop (`Mode.isExact`), so block
// metering's loop carries none of it.

/// What the main loop does after exact metering's step.
enum ExactStep {
    /// Run the instruction at `ip`: it is paid for.
    case run
    /// Go on with the next instruction (`ip` has moved past a `charge` that was not affordable).
    case skip
    /// Return `stop` to the caller (the frame's pc and the meter are saved).
    case stop(InterpreterStop)
}

extension Execution {
    /// Pays for the instruction at `ip` on its own: a `charge` the budget covers switches back
    /// to block metering (`.blockCharged`), one it does not is skipped; any other instruction
    /// is paid its own cost, or may overshoot if it is the run's first, or the run stops
    /// (`.limitReached`) before it. `body` is the function's index among the defined ones.
    @inline(__always)
    mutating func exactStep(
        _ ip: inout UnsafeMutablePointer<Op>, _ code: UnsafeMutablePointer<Op>, _ body: Int, _ frameIndex: Int,
        _ instance: inout WasmInstance, _ meter: inout Meter, _ remaining: inout UInt64, _ progressed: inout Bool, _ isFirst: inout Bool
    ) -> ExactStep {
        if ip.pointee.code == .charge {
            let blockCost = ip.pointee.wide
            ip += 1
            guard blockCost <= remaining else { return .skip }
            remaining -= blockCost
            progressed = true
            frames[frameIndex].pc = ip - code
            (meter.remaining, meter.progressed) = (remaining, progressed)
            return .stop(.blockCharged)
        }
        let cost = UInt64(instance.compiled.functions[body].costs[ip - code])
        isFirst = !progressed
        if cost <= remaining {
            remaining -= cost
        } else if meter.mayOvershoot && isFirst {
            meter.overshoot += cost - remaining
            remaining = 0
        } else {
            frames[frameIndex].pc = ip - code
            (meter.remaining, meter.progressed) = (remaining, progressed)
            return .stop(.limitReached)
        }
        progressed = true
        return .run
    }
}
