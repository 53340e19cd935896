import ArgumentParser
import Reference

/// `normlab trace dropout`: forward and backward with a given mask.
struct DropoutTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dropout",
        abstract: Dropout.summary,
        discussion: "p is the DROP probability. inverted: y = m⊙x/(1−p) in training, x at test time (p in [0, 1)); plain: y = m⊙x in training, (1−p)x at test time (p in [0, 1]). A mask of shape (N, C) on x of shape (N, C, H, W) drops whole channels."
    )
    @OptionGroup var options: TraceOptions
    @Option(help: "Input values, comma-separated (default 1,-2,3,4).") var x: String?
    @Option(help: "Shape of x, e.g. 2x2x1x3 (default: a vector).") var shape: String?
    @Option(help: "Mask, 1 = keep, 0 = drop (default 1,0,1,1).") var mask: String?
    @Option(name: .customLong("mask-shape"), help: "Shape of the mask, e.g. 2x2 for channel dropout.") var maskShape: String?
    @Option(help: "Upstream gradient ∂ℓ/∂y (default all ones).") var dy: String?
    @Option(help: "Drop probability (default 1/2).") var p: String?
    @Option(help: "train or eval (default train).") var mode: String?
    @Option(help: "inverted or plain (default inverted).") var variant: String?

    func run() throws {
        var base = try options.baseCase(op: Dropout.name)
        try VerbInput.set(&base, "x", VerbInput.tensor(x, flag: "x", shape: shape), default: VerbInput.vector(["1", "-2", "3", "4"]))
        try VerbInput.set(&base, "mask", VerbInput.tensor(mask, flag: "mask", shape: maskShape ?? shape, shapeFlag: maskShape == nil ? "shape" : "mask-shape"),
                          default: x == nil ? VerbInput.vector(["1", "0", "1", "1"]) : nil)
        try VerbInput.set(&base, "dy", VerbInput.tensor(dy, flag: "dy", shape: shape), default: nil)
        VerbInput.set(&base, "p", p, default: "1/2")
        VerbInput.set(&base, "mode", mode, default: nil)
        VerbInput.set(&base, "variant", variant, default: nil)
        try printTrace(Dropout.self, input: base, options: options)
    }
}

/// `normlab trace dropout-regression`: E_R‖y − (R⊙X)w‖² versus weight decay.
struct DropoutRegressionTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dropout-regression",
        abstract: DropoutRegression.summary,
        discussion: "Exact by enumeration over all 2^d masks of each row (d ≤ 20). --monte-carlo N adds an f64 estimate with a 99.9% interval."
    )
    @OptionGroup var options: TraceOptions
    @Option(name: .customLong("X"), help: "Design values row-major (default 1,2,3,-1,0,2).") var design: String?
    @Option(help: "Shape of X, n x d (default 3x2).") var shape: String?
    @Option(help: "Targets (default 1,0,2).") var y: String?
    @Option(help: "Weights (default 1/2,-1).") var w: String?
    @Option(help: "Drop probability (default 1/2).") var p: String?
    @Option(name: .customLong("monte-carlo"), help: "Also estimate by Monte Carlo with this many sampled masks.") var samples: Int?
    @Option(help: "SplitMix64 seed for --monte-carlo (default 1).") var seed: Int?

    func run() throws {
        var base = try options.baseCase(op: DropoutRegression.name)
        try VerbInput.set(&base, "X", VerbInput.tensor(design, flag: "X", shape: shape ?? (design == nil ? nil : "\(try VerbInput.tensor(design, flag: "X")!.count)x1")),
                          default: VerbInput.matrix(3, 2, ["1", "2", "3", "-1", "0", "2"]))
        try VerbInput.set(&base, "y", VerbInput.tensor(y, flag: "y"), default: VerbInput.vector(["1", "0", "2"]))
        try VerbInput.set(&base, "w", VerbInput.tensor(w, flag: "w"), default: VerbInput.vector(["1/2", "-1"]))
        VerbInput.set(&base, "p", p, default: "1/2")
        VerbInput.set(&base, "samples", samples.map(String.init), default: nil)
        VerbInput.set(&base, "seed", seed.map(String.init), default: nil)
        try printTrace(DropoutRegression.self, input: base, options: options)
    }
}

/// `normlab trace dropout-committee`: the committee of all subnetworks.
struct DropoutCommitteeTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dropout-committee",
        abstract: DropoutCommittee.summary,
        discussion: "ŷ = vᵀσ(Sᵀx) with plain dropout on the input (--site input) or hidden units (--site hidden); exact mean and variance over all masks."
    )
    @OptionGroup var options: TraceOptions
    @Option(help: "Input x (default 1,-1,2).") var x: String?
    @Option(name: .customLong("S"), help: "First-layer weights S, d x h, row-major (default 1,-1,1,1,-1/2,1).") var s: String?
    @Option(name: .customLong("S-shape"), help: "Shape of S (default 3x2).") var sShape: String?
    @Option(help: "Second-layer weights v (default 1,2).") var v: String?
    @Option(help: "Drop probability (default 1/2).") var p: String?
    @Option(help: "linear or relu (default relu).") var activation: String?
    @Option(help: "input or hidden (default input).") var site: String?
    @Option(name: .customLong("monte-carlo"), help: "Also estimate the mean by MC dropout with this many masks.") var samples: Int?
    @Option(help: "SplitMix64 seed (default 1).") var seed: Int?

    func run() throws {
        var base = try options.baseCase(op: DropoutCommittee.name)
        try VerbInput.set(&base, "x", VerbInput.tensor(x, flag: "x"), default: VerbInput.vector(["1", "-1", "2"]))
        try VerbInput.set(&base, "S", VerbInput.tensor(s, flag: "S", shape: sShape, shapeFlag: "S-shape"), default: VerbInput.matrix(3, 2, ["1", "-1", "1", "1", "-1/2", "1"]))
        try VerbInput.set(&base, "v", VerbInput.tensor(v, flag: "v"), default: VerbInput.vector(["1", "2"]))
        VerbInput.set(&base, "p", p, default: "1/2")
        VerbInput.set(&base, "activation", activation, default: nil)
        VerbInput.set(&base, "site", site, default: nil)
        VerbInput.set(&base, "samples", samples.map(String.init), default: nil)
        VerbInput.set(&base, "seed", seed.map(String.init), default: nil)
        try printTrace(DropoutCommittee.self, input: base, options: options)
    }
}

/// `normlab trace dropout-bn-shift`: the variance shift between dropout and BN.
struct DropoutBNShiftTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dropout-bn-shift", abstract: DropoutBNShift.summary)
    @OptionGroup var options: TraceOptions
    @Option(help: "Values of one unit over the data, equally likely (default 1,2,3,6).") var x: String?
    @Option(help: "Drop probability (default 1/2).") var p: String?
    @Option(help: "inverted or plain (default inverted).") var variant: String?

    func run() throws {
        var base = try options.baseCase(op: DropoutBNShift.name)
        try VerbInput.set(&base, "x", VerbInput.tensor(x, flag: "x"), default: VerbInput.vector(["1", "2", "3", "6"]))
        VerbInput.set(&base, "p", p, default: "1/2")
        VerbInput.set(&base, "variant", variant, default: nil)
        try printTrace(DropoutBNShift.self, input: base, options: options)
    }
}
