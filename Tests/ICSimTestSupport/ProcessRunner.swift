import Foundation

/// The outcome of running a child process.
public struct ProcessOutput: Sendable {
    /// The exit code.
    public var exitCode: Int32
    /// Everything written to standard output.
    public var standardOutput: String
    /// Everything written to standard error.
    public var standardError: String
}

/// Why a child process could not be run.
public struct ProcessRunnerError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String

    /// An error saying `description`.
    public init(description: String) {
        self.description = description
    }
}

/// Runs the package's built executables as separate processes (for cross-process tests).
public enum ProcessRunner {
    /// The path of the executable `name` built beside the running test bundle.
    ///
    /// SwiftPM puts executables and the test bundle in the same build directory
    /// (e.g. `.build/debug/icsim` next to `.build/debug/ICSimPackageTests.xctest`).
    public static func builtExecutable(named name: String) throws -> URL {
        var candidates: [URL] = []
        let selfPath = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        candidates.append(selfPath.deletingLastPathComponent())
        if let first = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: first).deletingLastPathComponent())
        }
        candidates.append(Bundle.main.bundleURL)
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for directory in candidates {
            // On Linux the xctest bundle is itself an executable file in the build directory;
            // inside a bundle directory, look one level up too.
            for base in [directory, directory.deletingLastPathComponent()] {
                let url = base.appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            }
        }
        throw ProcessRunnerError(description: "no executable \"\(name)\" beside the test bundle; searched \(candidates.map(\.path))")
    }

    /// Runs `executable` with `arguments` and waits for it, capturing both output streams.
    public static func run(_ executable: URL, _ arguments: [String]) throws -> ProcessOutput {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        try process.run()
        // Read both pipes to the end before waiting, so a chatty child cannot block on a full pipe.
        let errorData = ErrorCollector(errorPipe)
        let outputData = outputPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProcessOutput(
            exitCode: process.terminationStatus,
            standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData.finish(), as: UTF8.self))
    }
}

/// Drains a pipe on a background thread (test support only; never in the simulation).
private final class ErrorCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func finish() -> Data {
        done.wait()
        return data
    }
}
