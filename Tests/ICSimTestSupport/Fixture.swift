import Foundation

/// Files of the repository, for tests: found from this source file's path, so tests run from
/// any working directory.
public enum Fixture {
    /// The repository's root directory.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The URL of `relative` (a path from the repository's root).
    public static func url(_ relative: String) -> URL {
        root.appendingPathComponent(relative)
    }

    /// The bytes of `relative`.
    /// - Throws: ``ProcessRunnerError`` if it cannot be read.
    public static func bytes(_ relative: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: url(relative).path) else {
            throw ProcessRunnerError(description: "cannot read \(url(relative).path)")
        }
        return Array(data)
    }
}
