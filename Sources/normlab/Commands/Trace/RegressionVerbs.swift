import ArgumentParser
import Foundation
import Reference

/// `normlab trace ridge`: exact least squares / ridge on the user's data.
struct RidgeTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ridge",
        abstract: Ridge.summary,
        discussion: """
            Give the data as CSV files (--design X.csv --targets y.csv; a header row is skipped), as \
            flags (--X 1,2,3,4 --shape 2x2 --y 1,2) or in a case file (--input case.json). The exact \
            fit uses your decimal data as written (no rounding to floats); the f64 column runs the \
            same elimination in floating point. --alpha 0 is ordinary least squares, exact even when \
            ill-conditioned; a singular system gets the minimum-norm solution, and the trace says so. 
            """ + exampleDescription(Ridge.self))
    @OptionGroup var options: TraceOptions
    @Option(help: "CSV file with the design matrix X (n rows, p columns).") var design: String?
    @Option(help: "CSV file with the targets y (one column).") var targets: String?
    @Option(name: .customLong("X"), parsing: .unconditional, help: "Design values row-major (with --shape).")
    var xValues: String?
    @Option(parsing: .unconditional, help: "Shape of X, n x p (default: one column).") var shape: String?
    @Option(parsing: .unconditional, help: "Targets, comma-separated.") var y: String?
    @Option(parsing: .unconditional, help: "Weight decay α ≥ 0 (default 0: least squares).") var alpha: String?
    @Flag(help: "Prepend a column of ones (an intercept, not decayed unless --decay-intercept).") var intercept = false
    @Flag(name: .customLong("decay-intercept"), help: "Apply weight decay to the intercept too.") var decayIntercept =
        false
    @Option(parsing: .unconditional, help: "Noise variance σ² for the MAP reading (default 1).") var sigma2: String?
    @Option(parsing: .unconditional, help: "Starting weights for one SGD step with weight decay.") var w0: String?
    @Option(parsing: .unconditional, help: "SGD learning rate η (default 1/10).") var eta: String?

    func validate() throws {
        if design != nil && xValues != nil { throw ValidationError("give X once: --design FILE or --X VALUES") }
        if targets != nil && y != nil { throw ValidationError("give y once: --targets FILE or --y VALUES") }
    }

    func run() throws {
        let designTable = try design.map { try readTable($0, flag: "design").matrix }
        let targetsTable = try targets.map { path in
            let source = "--targets \(path)"
            do { return try readTable(path, flag: "targets").vector(source: source) } catch let error as ReferenceError
            {
                throw InputError(error.message)
            }
        }
        let input = try CaseAssembly.assemble(
            Ridge.self, options: options,
            tensors: [
                TensorArgument(
                    input: "X", flag: "X", values: xValues, shape: shape, shapeFlag: "shape", defaultShape: .column,
                    table: designTable),
                TensorArgument(input: "y", flag: "y", values: y, table: targetsTable),
                TensorArgument(input: "w0", flag: "w0", values: w0),
            ],
            params: [
                ("alpha", alpha), ("sigma2", sigma2), ("eta", eta), ("intercept", intercept ? "true" : nil),
                ("decay_intercept", decayIntercept ? "true" : nil),
            ])
        try printTrace(Ridge.self, input: input, options: options, snapping: false)
    }

    private func readTable(_ path: String, flag: String) throws -> NumberTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError("--\(flag) \(path): cannot read the file")
        }
        do { return try NumberTable(csv: String(decoding: data, as: UTF8.self), source: "--\(flag) \(path)") } catch let
            error as ReferenceError
        { throw InputError(error.message) }
    }
}

/// The world and model flags shared by the bias–variance verbs.
struct WorldOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Values x takes.") var x: String?
    @Option(name: .customLong("x-probs"), parsing: .unconditional, help: "Their probabilities (default uniform).")
    var xProbs: String?
    @Option(parsing: .unconditional, help: "Target f(x) at each x.") var target: String?
    @Option(parsing: .unconditional, help: "Noise values, y = f(x) + ε (default 0: no noise).") var noise: String?
    @Option(
        name: .customLong("noise-probs"), parsing: .unconditional, help: "Their probabilities (default uniform).")
    var noiseProbs: String?
    @Option(parsing: .unconditional, help: "Draws per dataset, 1…1000 (default 3).") var n: String?
    @Option(parsing: .unconditional, help: "Polynomial degree of the model, 0…20 (default 1).") var degree: String?
    @Option(parsing: .unconditional, help: "Weight decay α ≥ 0 (default 0; the intercept is not decayed).")
    var alpha: String?

    var tensors: [TensorArgument] {
        [
            TensorArgument(input: "x", flag: "x", values: x),
            TensorArgument(input: "x_probs", flag: "x-probs", values: xProbs),
            TensorArgument(input: "target", flag: "target", values: target),
            TensorArgument(input: "noise", flag: "noise", values: noise),
            TensorArgument(input: "noise_probs", flag: "noise-probs", values: noiseProbs),
        ]
    }

    var params: [(name: String, value: String?)] { [("n", n), ("degree", degree), ("alpha", alpha)] }
}

/// `normlab trace bias-variance`.
struct BiasVarianceTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bias-variance",
        abstract: BiasVarianceOperation.summary,
        discussion:
            "Every dataset of n i.i.d. draws is enumerated as a multiset with its multinomial probability (at most \(WorkLimits.datasets) datasets); the risk is computed directly and checked against bias² + variance + Bayes error. --monte-carlo N samples N datasets in f64 instead. "
            + exampleDescription(BiasVarianceOperation.self))
    @OptionGroup var options: TraceOptions
    @OptionGroup var world: WorldOptions
    @OptionGroup var monteCarlo: MonteCarloOptions

    func run() throws {
        let input = try CaseAssembly.assemble(
            BiasVarianceOperation.self, options: options, tensors: world.tensors,
            params: world.params + monteCarlo.params)
        try printTrace(BiasVarianceOperation.self, input: input, options: options)
    }
}

/// `normlab trace bias-variance-sweep`.
struct BiasVarianceSweepTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bias-variance-sweep", abstract: BiasVarianceSweep.summary,
        discussion: exampleDescription(BiasVarianceSweep.self))
    @OptionGroup var options: TraceOptions
    @OptionGroup var world: WorldOptions
    @Option(name: .customLong("max-degree"), parsing: .unconditional, help: "Largest degree, 0…12 (default 4).")
    var maxDegree: String?
    @Option(parsing: .unconditional, help: "Weight-decay values to sweep, comma-separated (default: --alpha or 0).")
    var alphas: String?

    func run() throws {
        let input = try CaseAssembly.assemble(
            BiasVarianceSweep.self, options: options,
            tensors: world.tensors + [TensorArgument(input: "alphas", flag: "alphas", values: alphas)],
            params: world.params + [("max_degree", maxDegree)])
        try printTrace(BiasVarianceSweep.self, input: input, options: options)
    }
}

/// `normlab trace bagging`.
struct BaggingTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bagging", abstract: BaggingOperation.summary,
        discussion: exampleDescription(BaggingOperation.self))
    @OptionGroup var options: TraceOptions
    @OptionGroup var world: WorldOptions
    @Option(parsing: .unconditional, help: "Number of bootstrap models M (default 10).") var models: String?

    func run() throws {
        let input = try CaseAssembly.assemble(
            BaggingOperation.self, options: options, tensors: world.tensors,
            params: world.params + [("models", models)])
        try printTrace(BaggingOperation.self, input: input, options: options)
    }
}

/// `normlab trace cross-validation`.
struct CrossValidationTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cross-validation", abstract: CrossValidation.summary,
        discussion: exampleDescription(CrossValidation.self))
    @OptionGroup var options: TraceOptions
    @Option(parsing: .unconditional, help: "Inputs.") var x: String?
    @Option(parsing: .unconditional, help: "Targets.") var y: String?
    @Option(parsing: .unconditional, help: "Polynomial degree, 0…20 (default 1).") var degree: String?
    @Option(parsing: .unconditional, help: "Weight decay α ≥ 0 (default 0).") var alpha: String?
    @Option(parsing: .unconditional, help: "Number of folds (default n: leave-one-out).") var folds: String?

    func run() throws {
        let input = try CaseAssembly.assemble(
            CrossValidation.self, options: options,
            tensors: [
                TensorArgument(input: "x", flag: "x", values: x), TensorArgument(input: "y", flag: "y", values: y),
            ],
            params: [("degree", degree), ("alpha", alpha), ("folds", folds)])
        try printTrace(CrossValidation.self, input: input, options: options)
    }
}
