extension WasmModule {
    /// Calls `visit` with each instruction of function body `index` (in the code section's
    /// order), the final `end` included: its opcode, and for a `0xFC`-prefixed instruction
    /// its sub-opcode (else 0). For embedders that weigh a function's instructions (the IC's
    /// complexity limit); the module was decoded, so its bodies are well formed.
    /// - Precondition: `index` is a body of the module.
    public func forEachInstruction(inBody index: Int, _ visit: (_ opcode: UInt8, _ subOpcode: UInt32) -> Void) throws(WasmDecodingError) {
        precondition(bodies.indices.contains(index), "no function body \(index)")
        let code = bodies[index].code
        var reader = ByteReader(bytes: bytes, offset: code.lowerBound, limit: code.upperBound)
        while !reader.isAtEnd {
            let opcode = try reader.byte()
            var subOpcode: UInt32 = 0
            if opcode == 0xFC {
                let position = reader.offset
                subOpcode = try reader.u32()
                reader.skip(to: position)
            }
            _ = try reader.skipImmediates(of: opcode)
            visit(opcode, subOpcode)
        }
    }
}
