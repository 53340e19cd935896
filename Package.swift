// swift-tools-version:6.0
// NormLab: exact reference, golden vectors, lessons and fast kernels for batch
// normalization, dropout and the bias–variance trade-off.
import PackageDescription

let package = Package(
    name: "NormLab",
    products: [
        .executable(name: "normlab", targets: ["normlab"]),
        .library(name: "Exact", targets: ["Exact"]),
        .library(name: "Kernels", targets: ["Kernels"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/onevcat/Rainbow", from: "4.2.2"),
    ],
    targets: [
        // GMP, found through pkg-config; the providers give SwiftPM's install hint.
        .systemLibrary(
            name: "CGMP",
            pkgConfig: "gmp",
            providers: [.apt(["libgmp-dev"]), .brew(["gmp"])]
        ),
        // The documented pseudorandom generator behind all generated data.
        .target(name: "SplitMix", exclude: ["README.md"]),
        // Exact numbers: integers, rationals and sums of square roots over GMP.
        .target(name: "Exact", dependencies: ["CGMP"]),
        // The algorithms, written once over ReferenceScalar; each returns a Trace.
        .target(name: "Reference", dependencies: ["Exact", "OrderedJSON", "SplitMix"], exclude: ["README.md"]),
        // Error measures against exact values: ulp distance, normwise error, LRE.
        .target(name: "Accuracy", dependencies: ["Exact"], exclude: ["README.md"]),
        // Golden vectors: the catalog, the file format, generation, checking, verification.
        .target(
            name: "Vectors",
            dependencies: [
                "Reference", "Exact", "OrderedJSON", "Accuracy", .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["README.md"]),
        // The kernels held against the exact traces and the golden vectors.
        .target(
            name: "Conformance", dependencies: ["Kernels", "Reference", "Vectors", "Exact", "Accuracy"],
            exclude: ["README.md"]),
        // The fast path: SIMD, multi-core kernels over contiguous buffers. No GMP.
        .target(
            name: "Kernels",
            dependencies: ["SplitMix"],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        // JSON with ordered keys and a deterministic writer, for traces and vectors.
        .target(name: "OrderedJSON", exclude: ["README.md"]),
        // The measurements behind `normlab bench` (the CLI parses, calls and prints).
        .target(
            name: "Benchmarks", dependencies: ["Kernels", "Reference", "Exact", "SplitMix", "OrderedJSON"],
            exclude: ["README.md"], resources: [.copy("Data")]),
        // Small networks trained step by step on the kernels: data, layers, optimizers,
        // per-step figures, presets, and the exact zoom (a layer at a step as a case).
        // Optimized in every configuration: its tests train real networks, and the
        // kernels it calls are inlined and specialized into it.
        .target(
            name: "Simulator",
            dependencies: ["Kernels", "SplitMix", "Reference", "Exact", "Accuracy", "OrderedJSON"],
            swiftSettings: [
                .unsafeFlags(["-O", "-wmo", "-num-threads", "2", "-disable-batch-mode"], .when(configuration: .debug))
            ]
        ),
        // Lesson files → steps: the format, the registry, the stepping engine, plain-text rendering.
        .target(name: "Lessons", dependencies: ["Reference", "Exact", "Plots"]),
        // Charts as data → terminal text and SVG; knows nothing of what it draws.
        .target(name: "Plots", dependencies: ["Rainbow"]),
        .executableTarget(
            name: "normlab",
            dependencies: [
                "Exact",
                "Reference",
                "Accuracy",
                "Vectors",
                "Conformance",
                "OrderedJSON",
                "Kernels",
                "SplitMix",
                "Lessons",
                "Benchmarks",
                "Simulator",
                "Plots",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"]
        ),
        // Shared test helpers (ULP-based assertClose, deterministic generators).
        .target(name: "TestSupport", dependencies: ["Exact", "SplitMix", "Accuracy"], path: "Tests/TestSupport"),
        .testTarget(name: "AccuracyTests", dependencies: ["Accuracy", "TestSupport"]),
        .testTarget(name: "ExactTests", dependencies: ["Exact", "TestSupport"]),
        .testTarget(name: "ReferenceTests", dependencies: ["Reference", "OrderedJSON", "Accuracy", "TestSupport"]),
        .testTarget(name: "VectorsTests", dependencies: ["Vectors", "TestSupport"]),
        .testTarget(name: "ConformanceTests", dependencies: ["Conformance", "TestSupport"]),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "TestSupport"]),
        .testTarget(name: "CLITests"),
        // Mutated inputs for every parser and reader (Tests/FuzzTests/README.md).
        .testTarget(
            name: "FuzzTests",
            dependencies: ["Exact", "Reference", "Vectors", "Lessons", "OrderedJSON", "TestSupport"],
            exclude: ["README.md"]),
        .testTarget(name: "SimulatorTests", dependencies: ["Simulator", "Vectors", "Reference", "OrderedJSON"]),
        .testTarget(
            name: "LessonsTests", dependencies: ["Lessons", "TestSupport", "SplitMix", "Plots"],
            exclude: ["Transcripts", "Exercises"]),
        .testTarget(name: "PlotsTests", dependencies: ["Plots"], exclude: ["Snapshots"]),
    ]
)
