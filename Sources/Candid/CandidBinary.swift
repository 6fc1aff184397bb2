/// Candid's binary format (the formal Candid specification, "Binary Format"): encoding
/// values at their types, and decoding a message at expected types with subtyping.
///
/// ```swift
/// let bytes = try CandidBinary.encode([.text("hi"), .nat(CandidNatural(5))], as: [.text, .nat])
/// let values = try CandidBinary.decode(bytes, as: [.text, .int])  // nat <: int
/// ```
public enum CandidBinary {
    /// Encodes `values`, the `index`-th at `types[index]`.
    ///
    /// - Parameters:
    ///   - values: The arguments (or results).
    ///   - types: Their types, one per value; named types are looked up in `environment`.
    ///   - environment: The named types `types` refer to.
    /// - Returns: `DIDL`, the type table, the argument types and the values.
    /// - Throws: ``CandidError`` at a value path (`argument 1.name[3]`) where a value does not
    ///   have its type, or naming a type that cannot be encoded.
    public static func encode(_ values: [CandidValue], as types: [CandidType],
                              in environment: CandidTypeEnvironment = .init()) throws(CandidError) -> [UInt8] {
        guard values.count == types.count else {
            throw CandidError("\(values.count) values but \(types.count) types")
        }
        var table = CandidTypeTableWriter(environment: environment)
        var argumentCodes: [Int64] = []
        for (index, type) in types.enumerated() {
            do {
                argumentCodes.append(try table.code(for: type))
            } catch {
                throw CandidError("argument \(index)'s type: \(error.message)", at: .valuePath("argument \(index)"))
            }
        }
        var writer = CandidValueWriter(environment: environment)
        for (index, value) in values.enumerated() {
            try writer.write(value, as: types[index], path: "argument \(index)")
        }
        var bytes = Array("DIDL".utf8)
        bytes += table.tableBytes
        CandidValueWriter.appendLEB(UInt64(argumentCodes.count), to: &bytes)
        for code in argumentCodes { CandidValueWriter.appendSLEB(code, to: &bytes) }
        return bytes + writer.bytes
    }

    /// Encodes values paired with their types.
    public static func encodeTypedValues(_ typedValues: [(CandidValue, CandidType)],
                                         in environment: CandidTypeEnvironment = .init()) throws(CandidError) -> [UInt8] {
        try encode(typedValues.map(\.0), as: typedValues.map(\.1), in: environment)
    }

    /// Decodes a message at the expected `types`, coercing each value by the
    /// specification's decoding relation: extra arguments are skipped, missing trailing
    /// ones of type `opt`, `null` or `reserved` read as their default, and so on.
    ///
    /// - Parameters:
    ///   - bytes: The whole message.
    ///   - types: The expected types; named types are looked up in `environment`.
    ///   - environment: The named types `types` refer to.
    ///   - limits: The resource limits (cost, skipping cost, table size, nesting).
    /// - Returns: One value per expected type.
    /// - Throws: ``CandidError`` at the byte offset where the message is malformed, does not
    ///   coerce, or exceeds a limit.
    public static func decode(_ bytes: [UInt8], as types: [CandidType], in environment: CandidTypeEnvironment = .init(),
                              limits: CandidDecodingLimits = .standard) throws(CandidError) -> [CandidValue] {
        var tableReader = CandidTypeTableReader(bytes, limits: limits)
        let header = try tableReader.readHeader()
        var decoder = CandidValueDecoder(reader: tableReader.reader, header: header,
                                         expected: CandidTypeScope(environment), limits: limits)
        do {
            return try decoder.decodeArguments(header.argumentTypes, as: types)
        } catch let error as CandidError {
            throw error
        } catch let failure as CandidCoercionFailure {
            throw failure.error
        } catch {
            throw CandidError("unexpected failure: \(error)")
        }
    }

    /// Decodes a message at its own types, for showing a reply whose types are unknown.
    ///
    /// - Returns: The values; their types, which refer to the type table's entries by the
    ///   names `table0`, `table1`, ... bound in `environment` (an entry of a future type is
    ///   bound to `reserved`, and its values read as `reserved`).
    /// - Throws: ``CandidError`` as ``decode(_:as:in:limits:)`` does.
    public static func decodeUntyped(_ bytes: [UInt8], limits: CandidDecodingLimits = .standard) throws(CandidError)
        -> (values: [CandidValue], types: [CandidType], environment: CandidTypeEnvironment) {
        var tableReader = CandidTypeTableReader(bytes, limits: limits)
        let header = try tableReader.readHeader()
        var environment = header.scope.environment
        for name in header.scope.futureNames.sorted() { environment.bind(name, to: .reserved) }
        let values = try decode(bytes, as: header.argumentTypes, in: environment, limits: limits)
        return (values, header.argumentTypes, environment)
    }
}

extension CandidValueDecoder {
    /// The arguments: each wire argument coerced to its expected type, extra ones skipped,
    /// missing ones defaulted (or an error), and no bytes left over.
    mutating func decodeArguments(_ wireTypes: [CandidType], as expectedTypes: [CandidType]) throws -> [CandidValue] {
        try charge(CandidValueDecoder.product(reader.offset, 4))
        var values: [CandidValue] = []
        for (index, expectedType) in expectedTypes.enumerated() {
            guard index < wireTypes.count else {
                switch try expected.resolveKnown(expectedType) {
                case .opt: values.append(.opt(nil))
                case .null: values.append(.null)
                case .reserved: values.append(.reserved)
                case let type:
                    throw reader.error("argument \(index) is missing, and its type \(type.kindName) is not opt, null or reserved")
                }
                continue
            }
            let offset = reader.offset
            do {
                values.append(try decode(wireTypes[index], as: expectedType))
            } catch let failure as CandidCoercionFailure {
                throw CandidError("argument \(index) (at byte \(offset)): \(failure.error.message)", at: failure.error.location)
            }
        }
        for wireType in wireTypes.dropFirst(expectedTypes.count) { try skip(wireType) }
        guard reader.isAtEnd else {
            throw reader.error("\(reader.remaining) bytes left over after the last argument")
        }
        return values
    }
}
