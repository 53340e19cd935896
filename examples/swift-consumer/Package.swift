// swift-tools-version:6.0
// A package that depends on NormLab by path, as another project would by URL:
// it uses the exact numbers (Exact) and the fast kernels (Kernels).
import PackageDescription

let package = Package(
    name: "NormLabConsumer",
    dependencies: [
        .package(name: "NormLab", path: "../..")
    ],
    targets: [
        .executableTarget(
            name: "consumer",
            dependencies: [
                .product(name: "Exact", package: "NormLab"),
                .product(name: "Kernels", package: "NormLab"),
            ]
        )
    ]
)
