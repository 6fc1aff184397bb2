// swift-tools-version: 6.1
// ICSim's libFuzzer targets: a separate package so the library stays dependency-free and the
// main build never needs the fuzzer runtime. `Tests/Fuzz/fuzz.sh TARGET MINUTES` builds one with
// `-sanitize=fuzzer,address` and runs it; `swift run --package-path Tests/Fuzz fuzz-TARGET FILE...`
// (a plain build) replays inputs, and `... fuzz-TARGET --random N` runs N seeded random inputs,
// which is how CI keeps the harnesses working. See Docs/Testing.md.
import PackageDescription

let targets = ["wasm-load", "wasm-run", "wasm-differential", "scenario-load", "candid"]

let package = Package(
    name: "ICSimFuzz",
    dependencies: [
        .package(name: "ICSim", path: "../.."),
    ],
    targets: [
        // The harnesses, the program generator and its reference evaluator.
        .target(name: "FuzzTargets", dependencies: [.product(name: "ICSim", package: "ICSim"),
                                                     .product(name: "ICSimTestSupport", package: "ICSim")]),
    ] + targets.map { name in
        // One executable per target: libFuzzer's entry point when built with -DFUZZING, a replay
        // and random-input driver otherwise.
        .executableTarget(name: "fuzz-\(name)", dependencies: ["FuzzTargets"])
    },
    swiftLanguageModes: [.v6]
)
