/// How a trap's backtrace reads: runs of one function called from itself are one line ("at
/// function 2 (sum), 9,998 times"), and at most ``linesMax`` lines are printed, the rest
/// summed up as "... N more frames", so a runaway recursion gives a short message.
extension Trap {
    /// The most backtrace lines ``description`` prints.
    public static let backtraceLinesMax = 20

    /// One line of a readable backtrace: a function and how many consecutive frames it has.
    public struct BacktraceRun: Hashable, Sendable {
        /// Index in the function index space.
        public var index: UInt32
        /// Its name from the module's `name` section, if any.
        public var name: String?
        /// How many consecutive frames (innermost first) are this function.
        public var count: Int
    }

    /// The backtrace with consecutive frames of the same function merged, innermost first.
    public var backtraceRuns: [BacktraceRun] {
        var runs: [BacktraceRun] = []
        for frame in backtrace {
            if let last = runs.last, last.index == frame.index {
                runs[runs.count - 1].count += 1
            } else {
                runs.append(BacktraceRun(index: frame.index, name: frame.name, count: 1))
            }
        }
        return runs
    }

    /// The backtrace as at most ``backtraceLinesMax`` lines: one per run of frames, then, if
    /// runs are left over, a last line counting the frames they hold.
    public var backtraceLines: [String] {
        let runs = backtraceRuns
        let shown = runs.count <= Self.backtraceLinesMax ? runs[...] : runs.prefix(Self.backtraceLinesMax - 1)
        var lines = shown.map { run in
            "  at function \(run.index)" + (run.name.map { " (\($0))" } ?? "")
                + (run.count > 1 ? ", \(Self.grouped(run.count)) times" : "")
        }
        let hiddenFrames = runs.dropFirst(shown.count).reduce(0) { $0 + $1.count }
        if hiddenFrames > 0 { lines.append("  ... \(Self.grouped(hiddenFrames)) more frames") }
        return lines
    }

    /// `n` with thousands separated by commas: 9998 is "9,998".
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var result = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return (n < 0 ? "-" : "") + result
    }
}
