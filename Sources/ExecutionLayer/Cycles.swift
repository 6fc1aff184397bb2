/// An amount of cycles: 128 bits, as the IC counts them (the System API passes them as two
/// 64-bit halves). Arithmetic saturates or reports; it never traps.
public struct Cycles: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The high 64 bits.
    public let high: UInt64
    /// The low 64 bits.
    public let low: UInt64

    /// `high * 2^64 + low` cycles.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// `amount` cycles.
    public init(_ amount: UInt64) {
        self.init(high: 0, low: amount)
    }

    /// No cycles.
    public static let zero = Cycles(0)

    public static func < (lhs: Cycles, rhs: Cycles) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }

    /// The sum, or `nil` on overflow.
    public func adding(_ other: Cycles) -> Cycles? {
        let (low, carry) = low.addingReportingOverflow(other.low)
        let (high, overflow1) = high.addingReportingOverflow(other.high)
        let (highWithCarry, overflow2) = high.addingReportingOverflow(carry ? 1 : 0)
        return overflow1 || overflow2 ? nil : Cycles(high: highWithCarry, low: low)
    }

    /// The difference, or `nil` if `other` is larger.
    public func subtracting(_ other: Cycles) -> Cycles? {
        guard other <= self else { return nil }
        let (low, borrow) = low.subtractingReportingOverflow(other.low)
        return Cycles(high: high - other.high - (borrow ? 1 : 0), low: low)
    }

    /// The sum, saturating at the maximum.
    public static func + (lhs: Cycles, rhs: Cycles) -> Cycles { lhs.adding(rhs) ?? Cycles(high: .max, low: .max) }

    /// The difference, saturating at zero.
    public static func - (lhs: Cycles, rhs: Cycles) -> Cycles { lhs.subtracting(rhs) ?? .zero }

    /// The smaller of the two.
    public static func minimum(_ lhs: Cycles, _ rhs: Cycles) -> Cycles { lhs < rhs ? lhs : rhs }

    /// The amount as a 64-bit number, saturating (for the deprecated 64-bit System API calls).
    public var saturatingUInt64: UInt64 { high == 0 ? low : .max }

    /// `"12345"`, or `"2^64 * high + low"` when it does not fit 64 bits.
    public var description: String { high == 0 ? "\(low)" : "2^64 * \(high) + \(low)" }

    /// The 16 bytes the System API writes: little-endian, low half first.
    public var littleEndianBytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: low >> (8 * UInt64($0))) }
            + (0..<8).map { UInt8(truncatingIfNeeded: high >> (8 * UInt64($0))) }
    }
}

/// How a call or message ended without a reply (interface spec, "Reject codes").
public enum RejectCode: Int32, Hashable, Sendable, CustomStringConvertible {
    /// Fatal system error, retry unlikely to be useful.
    case systemFatal = 1
    /// Transient system error, retry might be possible.
    case systemTransient = 2
    /// Invalid destination (e.g. the canister does not exist).
    case destinationInvalid = 3
    /// The canister rejected it explicitly.
    case canisterReject = 4
    /// Canister error (a trap, no response).
    case canisterError = 5
    /// The outcome is unknown: a bounded-wait call's deadline passed, or its response was
    /// dropped (interface spec, "Reject codes": `SYS_UNKNOWN`).
    case systemUnknown = 6

    /// The spec's symbolic name.
    public var description: String {
        switch self {
        case .systemFatal: "SYS_FATAL"
        case .systemTransient: "SYS_TRANSIENT"
        case .destinationInvalid: "DESTINATION_INVALID"
        case .canisterReject: "CANISTER_REJECT"
        case .canisterError: "CANISTER_ERROR"
        case .systemUnknown: "SYS_UNKNOWN"
        }
    }
}

/// The IC's error codes for what ICSim models (dfinity/ic `rs/types/error_types`,
/// `ErrorCode`): the first digit is the reject code.
public enum ErrorCode: Int, Hashable, Sendable, CustomStringConvertible {
    case canisterQueueFull = 201
    case ingressMessageTimeout = 202
    case canisterOutOfCycles = 207
    case canisterNotFound = 301
    case insufficientCyclesForCreateCanister = 403
    case canisterNotHostedBySubnet = 405
    case canisterRejectedMessage = 406
    case unknownManagementMessage = 407
    case invalidManagementPayload = 408
    case canisterTrapped = 502
    case canisterCalledTrap = 503
    case canisterContractViolation = 504
    case canisterInvalidWasm = 505
    case canisterDidNotReply = 506
    case canisterOutOfMemory = 507
    case canisterStopped = 508
    case canisterStopping = 509
    case canisterNotStopped = 510
    case canisterStoppingCancelled = 511
    case canisterInvalidController = 512
    case canisterFunctionNotFound = 513
    case canisterNonEmpty = 514
    case canisterInstructionLimitExceeded = 522
    case canisterMethodNotFound = 536
    case canisterWasmModuleNotFound = 537
    case canisterAlreadyInstalled = 538
    case canisterWasmMemoryLimitExceeded = 539
    case deadlineExpired = 601
    case responseDropped = 602

    /// `"IC0502"`.
    public var description: String {
        let digits = String(rawValue)
        return "IC" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The reject code: the first digit.
    public var rejectCode: RejectCode {
        RejectCode(rawValue: Int32(rawValue / 100)) ?? .systemFatal
    }
}

/// A reject: its code, its message, and the IC's error code when the system (not the
/// canister) made it.
public struct Reject: Error, Hashable, Sendable, CustomStringConvertible {
    /// The code.
    public var code: RejectCode
    /// A message for people.
    public var message: String
    /// The IC's error code, if the system rejected.
    public var errorCode: ErrorCode?

    /// A reject the canister made (`ic0.msg_reject`): code `CANISTER_REJECT`, no error code.
    public init(canisterMessage message: String) {
        code = .canisterReject
        self.message = message
        errorCode = nil
    }

    /// A reject the system made: its code follows from `errorCode`.
    public init(_ errorCode: ErrorCode, _ message: String) {
        code = errorCode.rejectCode
        self.message = message
        self.errorCode = errorCode
    }

    /// `"CANISTER_ERROR (IC0502): ..."`.
    public var description: String {
        "\(code)\(errorCode.map { " (\($0))" } ?? ""): \(message)"
    }
}
