import ArgumentParser
import Reference

/// `normlab trace dropout`: forward and backward with a given mask.
struct DropoutTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dropout",
        abstract: Dropout.summary,
        discussion:
            "p is the DROP probability. inverted: y = m⊙x/(1−p) in training, x at test time (p in [0, 1)); plain: y = m⊙x in training, (1−p)x at test time (p in [0, 1]). A mask of shape (N, C) on x of shape (N, C, H, W) drops whole channels. Train mode needs a mask. "
            + exampleDescription(Dropout.self))
    @OptionGroup var options: TraceOptions
    @Option(parsing: .unconditional, help: "Input values, comma-separated.") var x: String?
    @Option(parsing: .unconditional, help: "Shape of x, e.g. 2x2x1x3 (default: a vector).") var shape: String?
    @Option(parsing: .unconditional, help: "Mask, 1 = keep, 0 = drop (x's shape unless --mask-shape).") var mask:
        String?
    @Option(
        name: .customLong("mask-shape"), parsing: .unconditional,
        help: "Shape of the mask, e.g. 2x2 for channel dropout.")
    var maskShape: String?
    @Option(parsing: .unconditional, help: "Upstream gradient ∂ℓ/∂y (default all ones).") var dy: String?
    @Option(parsing: .unconditional, help: "Drop probability (default 1/2).") var p: String?
    @Option(help: "Training or inference (default train).") var mode: Mode?
    @Option(help: "Inverted or plain dropout (default inverted).") var variant: Dropout.Variant?

    func run() throws {
        let input = try CaseAssembly.assemble(
            Dropout.self, options: options,
            tensors: [
                TensorArgument(input: "x", flag: "x", values: x, shape: shape, shapeFlag: "shape"),
                TensorArgument(
                    input: "mask", flag: "mask", values: mask, shape: maskShape, shapeFlag: "mask-shape",
                    defaultShape: .like("x")),
                TensorArgument(input: "dy", flag: "dy", values: dy, defaultShape: .like("x")),
            ],
            params: [("p", p), ("mode", mode?.word), ("variant", variant?.word)])
        try printTrace(Dropout.self, input: input, options: options)
    }
}

/// `normlab trace dropout-regression`: E_R‖y − (R⊙X)w‖² versus weight decay.
struct DropoutRegressionTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dropout-regression",
        abstract: DropoutRegression.summary,
        discussion:
            "Exact by enumeration over all 2^d masks of each row (bounded by the work: rows × 2^d × d). --monte-carlo N adds an f64 estimate with a 99.9% interval. "
            + exampleDescription(DropoutRegression.self))
    @OptionGroup var options: TraceOptions
    @Option(name: .customLong("X"), parsing: .unconditional, help: "Design values row-major.") var design: String?
    @Option(parsing: .unconditional, help: "Shape of X, n x d (default: one column).") var shape: String?
    @Option(parsing: .unconditional, help: "Targets.") var y: String?
    @Option(parsing: .unconditional, help: "Weights.") var w: String?
    @Option(parsing: .unconditional, help: "Drop probability (default 1/2).") var p: String?
    @OptionGroup var monteCarlo: MonteCarloOptions

    func run() throws {
        let input = try CaseAssembly.assemble(
            DropoutRegression.self, options: options,
            tensors: [
                TensorArgument(
                    input: "X", flag: "X", values: design, shape: shape, shapeFlag: "shape", defaultShape: .column),
                TensorArgument(input: "y", flag: "y", values: y),
                TensorArgument(input: "w", flag: "w", values: w),
            ],
            params: [("p", p)] + monteCarlo.params)
        try printTrace(DropoutRegression.self, input: input, options: options)
    }
}

/// `normlab trace dropout-committee`: the committee of all subnetworks.
struct DropoutCommitteeTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dropout-committee",
        abstract: DropoutCommittee.summary,
        discussion:
            "ŷ = vᵀσ(Sᵀx) with plain dropout on the input (--site input) or hidden units (--site hidden); exact mean and variance over all masks. "
            + exampleDescription(DropoutCommittee.self))
    @OptionGroup var options: TraceOptions
    @Option(parsing: .unconditional, help: "Input x.") var x: String?
    @Option(name: .customLong("S"), parsing: .unconditional, help: "First-layer weights S, d x h, row-major.") var s:
        String?
    @Option(name: .customLong("S-shape"), parsing: .unconditional, help: "Shape of S (default: rows of x's length).")
    var sShape: String?
    @Option(parsing: .unconditional, help: "Second-layer weights v.") var v: String?
    @Option(parsing: .unconditional, help: "Drop probability (default 1/2).") var p: String?
    @Option(help: "The hidden activation (default relu).") var activation: DropoutCommittee.Activation?
    @Option(help: "Where the mask acts (default input).") var site: DropoutCommittee.Site?
    @OptionGroup var monteCarlo: MonteCarloOptions

    func run() throws {
        let input = try CaseAssembly.assemble(
            DropoutCommittee.self, options: options,
            tensors: [
                TensorArgument(input: "x", flag: "x", values: x),
                TensorArgument(input: "S", flag: "S", values: s, shape: sShape, shapeFlag: "S-shape"),
                TensorArgument(input: "v", flag: "v", values: v),
            ],
            params: [("p", p), ("activation", activation?.word), ("site", site?.word)] + monteCarlo.params)
        try printTrace(DropoutCommittee.self, input: input, options: options)
    }
}

/// `normlab trace dropout-bn-shift`: the variance shift between dropout and BN.
struct DropoutBNShiftTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dropout-bn-shift", abstract: DropoutBNShift.summary,
        discussion: exampleDescription(DropoutBNShift.self))
    @OptionGroup var options: TraceOptions
    @Option(parsing: .unconditional, help: "Values of one unit over the data, equally likely.") var x: String?
    @Option(parsing: .unconditional, help: "Drop probability (default 1/2).") var p: String?
    @Option(help: "Inverted or plain dropout (default inverted).") var variant: Dropout.Variant?
    @OptionGroup var monteCarlo: MonteCarloOptions

    func run() throws {
        let input = try CaseAssembly.assemble(
            DropoutBNShift.self, options: options, tensors: [TensorArgument(input: "x", flag: "x", values: x)],
            params: [("p", p), ("variant", variant?.word)] + monteCarlo.params)
        try printTrace(DropoutBNShift.self, input: input, options: options)
    }
}
