import Foundation
import ICSimCLI

/// Standard output and error as text streams.
struct StandardStream: TextOutputStream {
    let handle: FileHandle
    mutating func write(_ string: String) {
        handle.write(Data(string.utf8))
    }
}

var output = StandardStream(handle: .standardOutput)
var errors = StandardStream(handle: .standardError)
exit(CommandLineTool.main(arguments: Array(CommandLine.arguments.dropFirst()), output: &output, errors: &errors))
