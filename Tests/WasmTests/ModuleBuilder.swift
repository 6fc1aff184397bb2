import ICSimTestSupport

/// Builds WebAssembly binaries byte by byte for decoder tests.
struct ModuleBuilder {
    private(set) var bytes: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]

    /// Appends a section with id `id` and `contents`, its size encoded as LEB128.
    mutating func section(_ id: UInt8, _ contents: [UInt8]) {
        bytes.append(id)
        bytes += Self.u32(UInt32(contents.count))
        bytes += contents
    }

    static func u32(_ value: UInt32) -> [UInt8] { LEB128.unsigned(UInt64(value)) }

    static func s64(_ value: Int64) -> [UInt8] { LEB128.signed(value) }

    static func name(_ text: String) -> [UInt8] {
        u32(UInt32(text.utf8.count)) + Array(text.utf8)
    }

    static func vector(_ elements: [[UInt8]]) -> [UInt8] {
        u32(UInt32(elements.count)) + elements.flatMap { $0 }
    }
}
