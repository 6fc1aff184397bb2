import Foundation

/// Reading the files a command names, and checking the paths it will write before any work
/// starts, with messages that say why a path cannot be used.
enum InputFiles {
    /// The bytes of `path` (`what` names it in the message: "the scenario file", "the module").
    static func read(_ path: String, what: String) throws(UsageError) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError("\(path): cannot read \(what): \(whyUnreadable(path))", suggestsHelp: false)
        }
        return data
    }

    /// Why `path` cannot be read as a file (or with `directory`, listed as a directory):
    /// missing, of the other kind, or not readable.
    static func whyUnreadable(_ path: String, directory: Bool = false) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return directory ? "no such directory" : "no such file" }
        if isDirectory.boolValue != directory { return directory ? "it is a file" : "it is a directory" }
        if !FileManager.default.isReadableFile(atPath: path) { return "permission denied" }
        return "reading it failed"
    }

    /// Fails unless a file can be written at `path` (given by `--option`; `-`, standard
    /// output, always can): its directory exists and is writable, and it is not a directory
    /// itself or a file that cannot be written.
    static func checkWritable(_ path: String, option: String) throws(UsageError) {
        guard path != "-" else { return }
        if let problem = writeProblem(path, directory: false) { throw UsageError("--\(option) \(path): cannot write there: \(problem)") }
    }

    /// Fails unless a directory can be used or made at `path` (given by `--option`) for the
    /// files a command writes into it.
    static func checkWritableDirectory(_ path: String, option: String) throws(UsageError) {
        if let problem = writeProblem(path, directory: true) { throw UsageError("--\(option) \(path): cannot write there: \(problem)") }
    }

    /// What prevents writing `path` (a file, or with `directory` a directory of files), or `nil`.
    static func writeProblem(_ path: String, directory: Bool) -> String? {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue != directory { return directory ? "it is a file, not a directory" : "it is a directory" }
            return manager.isWritableFile(atPath: path) ? nil : "permission denied"
        }
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard manager.fileExists(atPath: parent, isDirectory: &isDirectory) else { return "no directory \(parent)" }
        guard isDirectory.boolValue else { return "\(parent) is not a directory" }
        return manager.isWritableFile(atPath: parent) ? nil : "permission denied in \(parent)"
    }
}

/// Writing a report where an option (`--json`, `--html`, `--trace`) says: a file, or standard
/// output for `-` (the same meaning in every command).
enum ReportOutput {
    /// Writes `text` to `path`, given by `--option` (`-`: to `output`); the failure, if any.
    static func write(_ text: String, to path: String, option: String, output: inout some TextOutputStream) -> String? {
        if path == "-" {
            output.write(text)
            return nil
        }
        return FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) ? nil : "--\(option): cannot write \"\(path)\""
    }
}
