import ArgumentParser
import Reference

/// `normlab trace dropout-regression`: E_R‖y − (R⊙X)w‖² versus weight decay.
struct DropoutRegressionTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dropout-regression",
        abstract: DropoutRegression.summary,
        discussion:
            "Exact by enumeration over all 2^d masks of each row (d ≤ 20). --monte-carlo N adds an f64 estimate with a 99.9% interval."
    )
    @OptionGroup var options: TraceOptions
    @Option(name: .customLong("X"), help: "Design values row-major (default 1,2,3,-1,0,2).") var design: String?
    @Option(help: "Shape of X, n x d (default 3x2).") var shape: String?
    @Option(help: "Targets (default 1,0,2).") var y: String?
    @Option(help: "Weights (default 1/2,-1).") var w: String?
    @Option(help: "Drop probability (default 1/2).") var p: String?
    @OptionGroup var monteCarlo: MonteCarloOptions

    func run() throws {
        var base = try options.baseCase(op: DropoutRegression.name)
        try VerbInput.set(
            &base, "X",
            VerbInput.tensor(
                design, flag: "X",
                shape: shape ?? (design == nil ? nil : "\(try VerbInput.tensor(design, flag: "X")!.count)x1")),
            default: VerbInput.matrix(3, 2, ["1", "2", "3", "-1", "0", "2"]))
        try VerbInput.set(&base, "y", VerbInput.tensor(y, flag: "y"), default: VerbInput.vector(["1", "0", "2"]))
        try VerbInput.set(&base, "w", VerbInput.tensor(w, flag: "w"), default: VerbInput.vector(["1/2", "-1"]))
        VerbInput.set(&base, "p", p, default: "1/2")
        monteCarlo.apply(to: &base)
        try printTrace(DropoutRegression.self, input: base, options: options)
    }
}
