import Foundation
import Testing
@testable import Wasm

struct DebugDumpTests {
    @Test func dump() throws {
        guard let path = try? String(contentsOfFile: "/tmp/dbg/path", encoding: .utf8) else { return }
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path.trimmingCharacters(in: .whitespacesAndNewlines))))
        let compiled = try CompiledModule.load(bytes)
        for (i, f) in compiled.functions.enumerated() {
            print("function \(i) locals \(f.localCount) slots \(f.frameSlots)")
            for pc in 0..<f.code.count {
                let op = f.code.base[pc]
                print("  \(pc): \(op.code) a=\(op.a) b=\(op.b) c=\(op.c) x=\(op.fallthroughCost) y=\(op.targetCost) cost=\(f.costs[pc])")
            }
        }
    }
}
