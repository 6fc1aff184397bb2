// swift-tools-version: 6.1
// ICSim's benchmarks: a separate package so the library itself stays dependency-free.
// Run with `swift run -c release --package-path Benchmarks icsim-bench` (see Docs/Performance.md).
import PackageDescription

let package = Package(
    name: "ICSimBenchmarks",
    dependencies: [
        .package(name: "ICSim", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "icsim-bench",
            dependencies: [.product(name: "ICSim", package: "ICSim")],
            path: "Sources/ICSimBenchmarks"
        ),
    ],
    swiftLanguageModes: [.v6]
)
