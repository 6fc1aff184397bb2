import Foundation
import ICSim

/// Writes trace entries as JSON Lines to a file, buffered; remembers the first I/O error.
final class TraceFileWriter {
    private let handle: FileHandle
    private let path: String
    private var buffer = Data()
    private var failure: String?
    private static let flushThreshold = 1 << 20

    /// Creates (or truncates) the file at `path` (given by `option`, for messages).
    init(path: String, option: String = "--trace") throws(UsageError) {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw UsageError("\(option): cannot create \"\(path)\"")
        }
        self.handle = handle
        self.path = path
    }

    /// Appends one entry as a line.
    func write(_ entry: TraceEntry) {
        write(line: entry.jsonLine)
    }

    /// Appends `line` and a newline.
    func write(line: String) {
        buffer.append(contentsOf: Array(line.utf8))
        buffer.append(0x0A)
        if buffer.count >= Self.flushThreshold { flush() }
    }

    /// Flushes and closes the file; returns the first error, if any.
    func finish() -> String? {
        flush()
        do { try handle.close() } catch { record(error) }
        return failure
    }

    private func flush() {
        guard failure == nil, !buffer.isEmpty else { return }
        do { try handle.write(contentsOf: buffer) } catch { record(error) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func record(_ error: Error) {
        if failure == nil { failure = "writing \"\(path)\": \(error.localizedDescription)" }
    }
}

/// Reads a text file line by line in bounded chunks, so traces of any size can be compared.
struct LineReader {
    private let handle: FileHandle
    private var pending = Data()
    private var atEnd = false
    private static let chunkBytes = 1 << 16

    init(path: String) throws(UsageError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw UsageError("\(path): cannot read the trace: \(InputFiles.whyUnreadable(path))", suggestsHelp: false)
        }
        self.handle = handle
    }

    /// The next line without its newline, or `nil` at the end of the file.
    mutating func nextLine() throws(UsageError) -> String? {
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                let line = pending[pending.startIndex..<newline]
                pending.removeSubrange(pending.startIndex...newline)
                return String(decoding: line, as: UTF8.self)
            }
            if atEnd {
                guard !pending.isEmpty else { return nil }
                defer { pending.removeAll() }
                return String(decoding: pending, as: UTF8.self)
            }
            do {
                let chunk = try handle.read(upToCount: Self.chunkBytes) ?? Data()
                if chunk.isEmpty { atEnd = true } else { pending.append(chunk) }
            } catch {
                throw UsageError("reading: \(error.localizedDescription)")
            }
        }
    }
}

/// `icsim trace-diff A B`: the first line where two traces differ.
enum TraceDiffCommand {
    static func main(_ arguments: [String], output: inout some TextOutputStream) throws(UsageError) -> Int32 {
        guard let reader = try ArgumentReader.command("trace-diff", arguments, valueOptions: [], flags: [],
                                                      positionals: .checkedByCommand, output: &output) else { return 0 }
        let arguments = reader.positionals
        guard arguments.count == 2 else {
            throw UsageError("trace-diff: expected two trace files, found \(arguments.count) arguments")
        }
        var first = try LineReader(path: arguments[0])
        var second = try LineReader(path: arguments[1])
        var lineNumber = 0
        while true {
            lineNumber += 1
            let left = try first.nextLine()
            let right = try second.nextLine()
            if left == nil && right == nil {
                output.write("identical: \(lineNumber - 1) events\n")
                return 0
            }
            if left != right {
                output.write("first difference at line \(lineNumber) (event \(lineNumber - 1)):\n")
                output.write("  \(arguments[0]): \(left ?? "<end of trace>")\n")
                output.write("  \(arguments[1]): \(right ?? "<end of trace>")\n")
                return 1
            }
        }
    }
}
