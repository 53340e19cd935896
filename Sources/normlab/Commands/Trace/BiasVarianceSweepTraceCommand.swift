import ArgumentParser
import Reference

/// `normlab trace bias-variance-sweep`.
struct BiasVarianceSweepTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bias-variance-sweep", abstract: BiasVarianceSweep.summary)
    @OptionGroup var options: TraceOptions
    @OptionGroup var world: WorldOptions
    @Option(name: .customLong("max-degree"), help: "Largest degree (default 4).") var maxDegree: Int?
    @Option(help: "Weight-decay values to sweep, comma-separated (default: --alpha or 0).") var alphas: String?

    func run() throws {
        var base = try options.baseCase(op: BiasVarianceSweep.name)
        try world.apply(to: &base)
        VerbInput.set(&base, "max_degree", maxDegree.map(String.init), default: nil)
        try VerbInput.set(&base, "alphas", VerbInput.tensor(alphas, flag: "alphas"), default: nil)
        try printTrace(BiasVarianceSweep.self, input: base, options: options)
    }
}
