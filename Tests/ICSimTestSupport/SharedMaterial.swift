import Foundation

/// The project's shared material (`../shared` beside the checkout: real canisters, spec
/// suites), which CI places there too.
public enum SharedMaterial {
    /// The `shared` directory beside the checkout.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared")

    /// Why a file of the shared material could not be read.
    public struct Missing: Error, CustomStringConvertible {
        /// The path tried.
        public var path: String
        /// `"../shared/canisters/x.wasm is missing: ..."`.
        public var description: String { "\(path) is missing (the shared material belongs beside the checkout)" }
    }

    /// The bytes of `relativePath` under the shared directory (`canisters/motoko-counter.wasm`).
    public static func bytes(_ relativePath: String) throws -> [UInt8] {
        let url = root.appendingPathComponent(relativePath)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw Missing(path: url.path) }
        return Array(data)
    }
}
