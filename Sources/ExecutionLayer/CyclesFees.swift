/// The IC's cycles fees (Docs/Model.md, "Cycles fees": a 13-node application subnet's, scaled
/// by the subnet's size / 13; system subnets are free).
public struct CyclesFees: Hashable, Sendable {
    /// Nodes of the subnet (fees scale by `subnetSize / 13`).
    public var subnetSize = 13
    /// Whether fees are charged at all (a system subnet's are not).
    public var isCharged = true
    /// Executing a message: a base fee, plus one cycle per instruction (the IC charges 10 per
    /// 10), prepaid for the message's instruction limit and refunded for what it did not use.
    public var executionBase: UInt64 = 5_000_000
    public var executionPerInstruction: UInt64 = 1
    /// Receiving an ingress message: a base fee plus a fee per byte.
    public var ingressBase: UInt64 = 1_200_000
    public var ingressPerByte: UInt64 = 2_000
    /// Sending a call to another canister: a base fee plus a fee per byte of request, and the
    /// transmission of the largest possible response prepaid (refunded for the bytes the
    /// response did not use).
    public var callBase: UInt64 = 260_000
    public var callPerByte: UInt64 = 1_000
    /// The largest inter-canister response: 2 MiB.
    public var responseBytesMax: UInt64 = 2 * 1_024 * 1_024
    /// Storage, per GiB per second, and compute allocation, per percent per second.
    public var storagePerGiBSecond: UInt64 = 127_000
    /// Creating a canister: 500 B (Docs/Model.md, "Management canister").
    public var canisterCreation: UInt64 = 500_000_000_000
    public var computeAllocationPerPercentSecond: UInt64 = 10_000_000

    /// The fees of an application subnet of `subnetSize` nodes.
    public init(subnetSize: Int = 13) {
        self.subnetSize = subnetSize
    }

    /// No fees (a system subnet).
    public static let free: CyclesFees = {
        var fees = CyclesFees()
        fees.isCharged = false
        return fees
    }()

    /// `amount * units`, scaled by the subnet size (0 when fees are not charged).
    public func scaled(_ amount: UInt64, times units: UInt64 = 1) -> Cycles {
        guard isCharged else { return .zero }
        let (high, low) = amount.multipliedFullWidth(by: units)
        let product = Cycles(high: high, low: low)
        // A subnet of 13 nodes pays the product itself: times 13 then divided by 13, exactly,
        // as long as the multiplication cannot saturate (it cannot below 2^123).
        if subnetSize == 13, high < 1 << 59 { return product }
        return product.multiplied(by: UInt64(max(subnetSize, 0))).divided(by: 13)
    }

    /// What executing a message with an instruction limit of `limit` costs up front.
    public func executionPrepayment(limit: UInt64) -> Cycles {
        scaled(executionBase) + scaled(executionPerInstruction, times: limit)
    }

    /// What is refunded after a message with limit `limit` used `used` instructions.
    public func executionRefund(limit: UInt64, used: UInt64) -> Cycles {
        scaled(executionPerInstruction, times: limit - min(limit, used))
    }

    /// What receiving an ingress message of `bytes` bytes costs.
    public func ingress(bytes: Int) -> Cycles {
        scaled(ingressBase) + scaled(ingressPerByte, times: UInt64(max(bytes, 0)))
    }

    /// What sending a call of `bytes` bytes costs up front (the response prepaid).
    public func call(bytes: Int) -> Cycles {
        scaled(callBase) + scaled(callPerByte, times: UInt64(max(bytes, 0)) + responseBytesMax)
    }

    /// What is refunded when a response of `bytes` bytes arrives.
    public func responseRefund(bytes: Int) -> Cycles {
        scaled(callPerByte, times: responseBytesMax - min(responseBytesMax, UInt64(max(bytes, 0))))
    }

    /// What keeping `bytes` of memory and a compute allocation of `percent` costs for
    /// `seconds` (the freezing threshold's span, which may be years).
    public func idle(bytes: UInt64, computeAllocationPercent percent: Int, seconds: UInt64) -> Cycles {
        let storage = scaled(storagePerGiBSecond, times: bytes).multiplied(by: seconds).divided(by: 1 << 30)
        let compute = scaled(computeAllocationPerPercentSecond, times: UInt64(max(percent, 0))).multiplied(by: seconds)
        return storage + compute
    }

    /// What keeping `bytes` of memory and a compute allocation of `percent` costs for
    /// `nanoseconds`.
    public func idle(bytes: UInt64, computeAllocationPercent percent: Int, nanoseconds: UInt64) -> Cycles {
        // storage: fee * bytes * ns / (2^30 * 10^9), in 128 bits, then the allocation.
        let storage = scaled(storagePerGiBSecond, times: bytes).multiplied(by: nanoseconds).divided(by: 1 << 30).divided(by: 1_000_000_000)
        let compute = scaled(computeAllocationPerPercentSecond, times: UInt64(max(percent, 0))).multiplied(by: nanoseconds).divided(by: 1_000_000_000)
        return storage + compute
    }
}

extension Cycles {
    /// The product, saturating at the maximum.
    public func multiplied(by factor: UInt64) -> Cycles {
        let (lowHigh, lowLow) = low.multipliedFullWidth(by: factor)
        let (highHigh, highLow) = high.multipliedFullWidth(by: factor)
        let (sum, overflow) = highLow.addingReportingOverflow(lowHigh)
        guard highHigh == 0, !overflow else { return Cycles(high: .max, low: .max) }
        return Cycles(high: sum, low: lowLow)
    }

    /// The quotient, rounded down (`divisor` 0 gives zero).
    public func divided(by divisor: UInt64) -> Cycles {
        guard divisor > 0 else { return .zero }
        if divisor & (divisor - 1) == 0 {
            // A power of two (the fees' 2^30 bytes a GiB): a shift, without two divisions.
            let shift = UInt64(divisor.trailingZeroBitCount)
            guard shift > 0 else { return self }
            return Cycles(high: high &>> shift, low: low &>> shift | high &<< (64 - shift))
        }
        let (highQuotient, highRemainder) = high.quotientAndRemainder(dividingBy: divisor)
        let (lowQuotient, _) = divisor.dividingFullWidth((highRemainder, low))
        return Cycles(high: highQuotient, low: lowQuotient)
    }
}
