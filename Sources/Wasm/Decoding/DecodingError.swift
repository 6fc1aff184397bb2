/// Why a WebAssembly binary could not be decoded: what was wrong and the byte offset where.
///
/// Messages follow the WebAssembly specification's wording where it has one
/// ("unexpected end", "integer too large", "malformed section id", ...).
public struct WasmDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was wrong.
    public enum Reason: Equatable, Sendable {
        /// The input ended in the middle of something.
        case unexpectedEnd
        /// The first four bytes were not `\0asm`.
        case magicHeaderNotDetected
        /// The version field was not 1.
        case unknownBinaryVersion(UInt32)
        /// A section id above 12.
        case malformedSectionID(UInt8)
        /// A known section appeared twice or out of order.
        case sectionOutOfOrder(UInt8)
        /// A section's contents did not end exactly at its declared size.
        case sectionSizeMismatch(section: UInt8)
        /// A LEB128 integer used more bytes than its type allows.
        case integerRepresentationTooLong
        /// A LEB128 integer's last byte set bits beyond its type's width.
        case integerTooLarge
        /// A length pointed past the end of its section or of the input.
        case lengthOutOfBounds
        /// A name was not valid UTF-8.
        case malformedUTF8
        /// An import kind byte other than 0 to 3.
        case malformedImportKind(UInt8)
        /// An export kind byte other than 0 to 3.
        case malformedExportKind(UInt8)
        /// A value type byte that is no value type.
        case malformedValueType(UInt8)
        /// A reference type byte other than funcref (0x70) or externref (0x6F).
        case malformedReferenceType(UInt8)
        /// A function type that did not start with 0x60.
        case malformedFunctionType(UInt8)
        /// A table's limits flag other than 0 or 1.
        case malformedLimits(UInt8)
        /// A memory's limits flag other than 0, 1 (32-bit memories), 4 or 5 (64-bit memories).
        case malformedMemoryLimits(UInt8)
        /// A mutability flag other than 0 or 1.
        case malformedMutability(UInt8)
        /// An element or data segment flag outside the defined range.
        case malformedSegmentKind(UInt32)
        /// An element kind byte other than 0 (funcref).
        case malformedElementKind(UInt8)
        /// A SIMD (v128) type or instruction: not supported by this interpreter.
        case unsupportedSIMD
        /// The function and code sections declared different numbers of functions.
        case functionAndCodeCountMismatch(functions: Int, bodies: Int)
        /// The data count section disagreed with the data section.
        case dataCountMismatch(declared: UInt32, found: Int)
        /// A function declared more locals than allowed.
        case tooManyLocals(limit: Int)
        /// A reserved byte that must be zero was not.
        case zeroByteExpected
        /// An opcode that does not exist (or is not allowed here).
        case illegalOpcode(UInt8)
        /// A function body did not end with `end`.
        case endOpcodeExpected
        /// A count exceeded the decoder's configured limit.
        case limitExceeded(what: String, limit: Int)
    }

    /// The byte offset (from the start of the module) where the problem was found.
    public var offset: Int
    /// What was wrong.
    public var reason: Reason

    /// Creates an error.
    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    /// `"byte 0x1f: integer too large"`.
    public var description: String {
        "byte 0x\(String(offset, radix: 16)) (\(offset)): \(message)"
    }

    /// The message without the offset.
    public var message: String {
        switch reason {
        case .unexpectedEnd: return "unexpected end"
        case .magicHeaderNotDetected: return "magic header not detected: expected \\0asm"
        case .unknownBinaryVersion(let version): return "unknown binary version \(version); expected 1"
        case .malformedSectionID(let id): return "malformed section id \(id); expected 0 to 12"
        case .sectionOutOfOrder(let id): return "section \(id) repeated or out of order"
        case .sectionSizeMismatch(let id): return "section size mismatch in section \(id)"
        case .integerRepresentationTooLong: return "integer representation too long"
        case .integerTooLarge: return "integer too large"
        case .lengthOutOfBounds: return "length out of bounds"
        case .malformedUTF8: return "malformed UTF-8 encoding"
        case .malformedImportKind(let kind): return "malformed import kind 0x\(String(kind, radix: 16)); expected 0 to 3"
        case .malformedExportKind(let kind): return "malformed export kind 0x\(String(kind, radix: 16)); expected 0 to 3"
        case .malformedValueType(let byte): return "malformed value type 0x\(String(byte, radix: 16))"
        case .malformedReferenceType(let byte): return "malformed reference type 0x\(String(byte, radix: 16)); expected funcref (0x70) or externref (0x6f)"
        case .malformedFunctionType(let byte): return "malformed function type 0x\(String(byte, radix: 16)); expected 0x60"
        case .malformedLimits(let flag): return "malformed limits flag 0x\(String(flag, radix: 16)); expected 0 or 1 (32-bit table) or 4 or 5 (64-bit table)"
        case .malformedMemoryLimits(let flag):
            return "malformed limits flag 0x\(String(flag, radix: 16)); expected 0 or 1 (32-bit memory) or 4 or 5 (64-bit memory)"
        case .malformedMutability(let flag): return "malformed mutability 0x\(String(flag, radix: 16)); expected 0 or 1"
        case .malformedSegmentKind(let flag): return "malformed segment kind \(flag)"
        case .malformedElementKind(let kind): return "malformed element kind 0x\(String(kind, radix: 16)); expected 0"
        case .unsupportedSIMD: return "SIMD (v128) is not supported"
        case .functionAndCodeCountMismatch(let functions, let bodies):
            return "function and code section have inconsistent lengths (\(functions) functions, \(bodies) bodies)"
        case .dataCountMismatch(let declared, let found):
            return "data count and data section have inconsistent lengths (\(declared) declared, \(found) found)"
        case .tooManyLocals(let limit): return "too many locals (limit \(limit))"
        case .zeroByteExpected: return "zero byte expected"
        case .illegalOpcode(let opcode): return "illegal opcode 0x\(String(opcode, radix: 16))"
        case .endOpcodeExpected: return "END opcode expected"
        case .limitExceeded(let what, let limit): return "too many \(what) (limit \(limit))"
        }
    }
}
