import Foundation
import ICSim

extension ScenarioFiles {
    /// The text of `scenario`'s canisters' `did` files (by canister index, `nil` for those
    /// without one); files are read relative to `file`'s directory.
    static func interfaces(of scenario: Scenario, file: String?) throws(UsageError) -> [String?] {
        let directory = file.map { URL(fileURLWithPath: $0).deletingLastPathComponent() } ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        do {
            return try scenario.candidInterfaces { path in
                let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)
                return FileManager.default.contents(atPath: url.path).map { Array($0) }
            }
        } catch {
            throw UsageError("\(file ?? "the default scenario"):\n\(error)", suggestsHelp: false)
        }
    }
}
