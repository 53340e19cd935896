import ArgumentParser
import Reference

/// The world and model flags shared by the bias–variance verbs.
struct WorldOptions: ParsableArguments {
    @Option(help: "Values x takes (default -1,0,1,2).") var x: String?
    @Option(name: .customLong("x-probs"), help: "Their probabilities (default uniform).") var xProbs: String?
    @Option(help: "Target f(x) at each x (default 1,0,1,4: f = x²).") var target: String?
    @Option(help: "Noise values, y = f(x) + ε (default -1,1).") var noise: String?
    @Option(name: .customLong("noise-probs"), help: "Their probabilities (default uniform).") var noiseProbs: String?
    @Option(help: "Draws per dataset (default 3).") var n: Int?
    @Option(help: "Polynomial degree of the model (default 1).") var degree: Int?
    @Option(help: "Weight decay α ≥ 0 (default 0; the intercept is not decayed).") var alpha: String?

    func apply(to base: inout CaseInput) throws {
        let defaults = base.tensor("x") == nil && x == nil
        try VerbInput.set(&base, "x", VerbInput.tensor(x, flag: "x"), default: VerbInput.vector(["-1", "0", "1", "2"]))
        try VerbInput.set(&base, "x_probs", VerbInput.tensor(xProbs, flag: "x-probs"), default: nil)
        try VerbInput.set(
            &base, "target", VerbInput.tensor(target, flag: "target"),
            default: defaults ? VerbInput.vector(["1", "0", "1", "4"]) : nil)
        try VerbInput.set(
            &base, "noise", VerbInput.tensor(noise, flag: "noise"), default: VerbInput.vector(["-1", "1"]))
        try VerbInput.set(&base, "noise_probs", VerbInput.tensor(noiseProbs, flag: "noise-probs"), default: nil)
        VerbInput.set(&base, "n", n.map(String.init), default: nil)
        VerbInput.set(&base, "degree", degree.map(String.init), default: nil)
        VerbInput.set(&base, "alpha", alpha, default: nil)
    }
}

/// `normlab trace bias-variance`.
struct BiasVarianceTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bias-variance",
        abstract: BiasVarianceOperation.summary,
        discussion:
            "Every dataset of n i.i.d. draws is enumerated as a multiset with its multinomial probability; the risk is computed directly and checked against bias² + variance + Bayes error. --monte-carlo N samples N datasets in f64 instead."
    )
    @OptionGroup var options: TraceOptions
    @OptionGroup var world: WorldOptions
    @OptionGroup var monteCarlo: MonteCarloOptions

    func run() throws {
        var base = try options.baseCase(op: BiasVarianceOperation.name)
        try world.apply(to: &base)
        monteCarlo.apply(to: &base)
        try printTrace(BiasVarianceOperation.self, input: base, options: options)
    }
}
