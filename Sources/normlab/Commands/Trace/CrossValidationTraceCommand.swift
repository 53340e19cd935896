import ArgumentParser
import Reference

/// `normlab trace cross-validation`.
struct CrossValidationTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cross-validation", abstract: CrossValidation.summary)
    @OptionGroup var options: TraceOptions
    @Option(help: "Inputs (default 0,1,2,3,4,5).") var x: String?
    @Option(help: "Targets (default 1,0,2,5,7,12).") var y: String?
    @Option(help: "Polynomial degree (default 1).") var degree: Int?
    @Option(help: "Weight decay α ≥ 0 (default 0).") var alpha: String?
    @Option(help: "Number of folds (default n: leave-one-out).") var folds: Int?

    func run() throws {
        var base = try options.baseCase(op: CrossValidation.name)
        try VerbInput.set(
            &base, "x", VerbInput.tensor(x, flag: "x"), default: VerbInput.vector(["0", "1", "2", "3", "4", "5"]))
        try VerbInput.set(
            &base, "y", VerbInput.tensor(y, flag: "y"), default: VerbInput.vector(["1", "0", "2", "5", "7", "12"]))
        VerbInput.set(&base, "degree", degree.map(String.init), default: nil)
        VerbInput.set(&base, "alpha", alpha, default: nil)
        VerbInput.set(&base, "folds", folds.map(String.init), default: nil)
        try printTrace(CrossValidation.self, input: base, options: options)
    }
}
