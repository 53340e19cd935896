import ArgumentParser
import Reference

/// `normlab trace double-descent`.
struct DoubleDescentTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "double-descent", abstract: DoubleDescent.summary,
        discussion:
            "Without input tensors: 16 evenly spaced training points of f(x) = 4x³ − 3x plus uniform noise, 64 random ReLU features, 33 test points, all generated from SplitMix64 (the trace lists the generated values as inputs). Give your own data, features or test set with --input FILE (inputs x, y, feature_weights, feature_biases, test_x, test_y)."
    )
    @OptionGroup var options: TraceOptions
    @Option(parsing: .unconditional, help: "Training points n, 1…32 (default 16).") var n: String?
    @Option(
        name: .customLong("max-features"), parsing: .unconditional,
        help: "Largest number of features P, 1…128 (default 4n; n·P ≤ 1024).")
    var maxFeatures: String?
    @Option(parsing: .unconditional, help: "Seed of the generated features and noise (default 93).") var seed: String?
    @Option(parsing: .unconditional, help: "Noise scale σ of the generated targets (default 1/4).") var noise: String?

    func run() throws {
        let input = try CaseAssembly.assemble(
            DoubleDescent.self, options: options, tensors: [],
            params: [("n", n), ("max_features", maxFeatures), ("seed", seed), ("noise", noise)])
        try printTrace(DoubleDescent.self, input: input, options: options)
    }
}
