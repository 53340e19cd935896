import ArgumentParser
import Exact
import Reference

/// `normlab trace ridge`: exact least squares / ridge on the user's data.
struct RidgeTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ridge",
        abstract: Ridge.summary,
        discussion: """
            Give the data as CSV files (--design X.csv --targets y.csv; a header row is skipped), as \
            flags (--X 1,2,3,4 --shape 2x2 --y 1,2) or in a case file (--input case.json). The exact \
            fit uses your decimal data as written (no rounding to floats); the f64 column runs the \
            same elimination in floating point. --alpha 0 is ordinary least squares, exact even when \
            ill-conditioned; a singular system gets the minimum-norm solution, and the trace says so.
            """
    )
    @OptionGroup var options: TraceOptions
    @Option(help: "CSV file with the design matrix X (n rows, p columns).") var design: String?
    @Option(help: "CSV file with the targets y (one column).") var targets: String?
    @Option(name: .customLong("X"), help: "Design values row-major (with --shape).") var xValues: String?
    @Option(help: "Shape of X, n x p.") var shape: String?
    @Option(help: "Targets, comma-separated.") var y: String?
    @Option(help: "Weight decay α ≥ 0 (default 0: least squares).") var alpha: String?
    @Flag(help: "Prepend a column of ones (an intercept, not decayed unless --decay-intercept).") var intercept = false
    @Flag(name: .customLong("decay-intercept"), help: "Apply weight decay to the intercept too.") var decayIntercept =
        false
    @Option(help: "Noise variance σ² for the MAP reading (default 1).") var sigma2: String?
    @Option(help: "Starting weights for one SGD step with weight decay.") var w0: String?
    @Option(help: "SGD learning rate η (default 1/10).") var eta: String?

    func run() throws {
        var base = try options.baseCase(op: Ridge.name)
        if let design {
            let rows = try VerbInput.readCSV(design, flag: "design")
            base.setInput("X", Tensor(shape: [rows.count, rows[0].count], values: rows.flatMap { $0 }))
        } else if let xValues {
            guard let tensor = try VerbInput.tensor(xValues, flag: "X", shape: shape) else { return }
            base.setInput(
                "X", tensor.shape.count == 1 ? Tensor(shape: [tensor.count, 1], values: tensor.values) : tensor)
        }
        if let targets {
            let rows = try VerbInput.readCSV(targets, flag: "targets")
            let values = rows.count == 1 ? rows[0] : rows.map { row -> Rational in row[0] }
            guard rows.count == 1 || rows.allSatisfy({ $0.count == 1 }) else {
                throw InputError(
                    "--targets \(targets): give one column (or one row) of targets; found \(rows[0].count) columns")
            }
            base.setInput("y", Tensor(vector: values))
        } else if let y {
            base.setInput("y", try VerbInput.tensor(y, flag: "y")!)
        }
        if base.tensor("X") == nil && base.tensor("y") == nil {
            // A small example: a line through four points, with an intercept.
            base.setInput("X", VerbInput.matrix(4, 1, ["0", "1", "2", "3"]))
            base.setInput("y", VerbInput.vector(["1", "3/2", "7/2", "4"]))
            if base.param("intercept") == nil { base.setParam("intercept", "true") }
        }
        VerbInput.set(&base, "alpha", alpha, default: nil)
        if intercept { base.setParam("intercept", "true") }
        if decayIntercept { base.setParam("decay_intercept", "true") }
        VerbInput.set(&base, "sigma2", sigma2, default: nil)
        VerbInput.set(&base, "eta", eta, default: nil)
        try VerbInput.set(&base, "w0", VerbInput.tensor(w0, flag: "w0"), default: nil)
        try printTrace(Ridge.self, input: base, options: options, snapping: false)
    }
}
