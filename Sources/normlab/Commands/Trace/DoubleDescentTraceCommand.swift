import ArgumentParser
import Reference

/// `normlab trace double-descent`.
struct DoubleDescentTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "double-descent", abstract: DoubleDescent.summary,
        discussion:
            "Without flags: 16 evenly spaced training points of f(x) = 4x³ − 3x plus uniform noise, 64 random ReLU features, 33 test points; everything generated from SplitMix64 (the trace lists the generated values as inputs). Give your own data, features or test set with --input FILE (inputs x, y, feature_weights, feature_biases, test_x, test_y)."
    )
    @OptionGroup var options: TraceOptions
    @Option(parsing: .unconditional, help: "Training points n (default 16).") var n: Int?
    @Option(
        name: .customLong("max-features"), parsing: .unconditional, help: "Largest number of features P (default 4n).")
    var maxFeatures: Int?
    @Option(parsing: .unconditional, help: "Seed of the generated features and noise (default 93).") var seed: Int?
    @Option(parsing: .unconditional, help: "Noise scale σ of the generated targets (default 1/4).") var noise: String?

    func run() throws {
        var base = try options.baseCase(op: DoubleDescent.name)
        VerbInput.set(&base, "n", n.map(String.init), default: nil)
        VerbInput.set(&base, "max_features", maxFeatures.map(String.init), default: nil)
        VerbInput.set(&base, "seed", seed.map(String.init), default: nil)
        VerbInput.set(&base, "noise", noise, default: nil)
        try printTrace(DoubleDescent.self, input: base, options: options)
    }
}
