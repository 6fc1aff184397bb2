import Candid
import Wasm

extension CandidInterface {
    /// The service description a module carries in its custom sections (the first of
    /// ``serviceSectionNames``), as text; `nil` if it has none.
    /// - Throws: the decoding error of a malformed module.
    public static func serviceText(ofModule wasm: [UInt8]) throws(WasmDecodingError) -> String? {
        let module = try ModuleDecoder.decode(wasm)
        return serviceText(inCustomSections: module.customSections.map { (name: $0.name, contents: Array(wasm[$0.contents])) })
    }
}
