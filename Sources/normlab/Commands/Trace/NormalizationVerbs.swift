import ArgumentParser
import Reference

/// `normlab trace standardize`: mean, variance (N or N − 1), std, z, lag-1 autocorrelation.
struct StandardizeTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "standardize", abstract: StandardizeOperation.summary,
        discussion: exampleDescription(StandardizeOperation.self))

    @OptionGroup var options: TraceOptions
    @Option(parsing: .unconditional, help: "The values.") var x: String?
    @Option(parsing: .unconditional, help: "0: divide by N; 1: divide by N − 1 (default).") var correction: String?

    func run() throws {
        let input = try CaseAssembly.assemble(
            StandardizeOperation.self, options: options,
            tensors: [TensorArgument(input: "x", flag: "x", values: x)], params: [("correction", correction)])
        try printTrace(StandardizeOperation.self, input: input, options: options)
    }
}

/// `normlab trace batchnorm`: training-mode forward and backward with every
/// intermediate and the running-statistics update, or eval mode.
struct BatchNormTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batchnorm",
        abstract: "Batch normalization: forward, backward (graph and compact), running statistics.",
        discussion: "x is (N, C) or (N, C, H, W). " + exampleDescription(BatchNormOperation.self))

    @OptionGroup var options: TraceOptions
    @OptionGroup var conventionOptions: ConventionOptions
    @Option(parsing: .unconditional, help: "x values, row-major.") var x: String?
    @Option(parsing: .unconditional, help: "Shape of x, e.g. 4,2 or 2,3,2,2.") var shape: String?
    @Option(parsing: .unconditional, help: "gamma, one per channel.") var gamma: String?
    @Option(parsing: .unconditional, help: "beta, one per channel.") var beta: String?
    @Option(parsing: .unconditional, help: "Upstream gradient dy (x's shape).") var dy: String?
    @Option(parsing: .unconditional, help: "Running mean before the step, one per channel.") var runningMean: String?
    @Option(parsing: .unconditional, help: "Running variance before the step, one per channel.") var runningVar: String?
    @Option(help: "Training or inference.") var mode: Mode?
    @Option(parsing: .unconditional, help: "Batches already averaged (cumulative and caffe averaging).")
    var batchesSeen: String?

    func run() throws {
        var input = try CaseAssembly.assemble(
            BatchNormOperation.self, options: options,
            tensors: [
                TensorArgument(input: "x", flag: "x", values: x, shape: shape, shapeFlag: "shape"),
                TensorArgument(input: "gamma", flag: "gamma", values: gamma),
                TensorArgument(input: "beta", flag: "beta", values: beta),
                TensorArgument(input: "dy", flag: "dy", values: dy, defaultShape: .like("x")),
                TensorArgument(input: "running_mean", flag: "running-mean", values: runningMean),
                TensorArgument(input: "running_var", flag: "running-var", values: runningVar),
            ],
            params: [("mode", mode?.word), ("batches_seen", batchesSeen)] + conventionOptions.params)
        conventionOptions.apply(to: &input)
        try printTrace(BatchNormOperation.self, input: input, options: options)
    }
}

/// Flags shared by layer, group and instance norm.
struct GroupedNormFlags: ParsableArguments {
    @Option(parsing: .unconditional, help: "x values, row-major.") var x: String?
    @Option(parsing: .unconditional, help: "Shape of x: (N, D) or (N, C, H, W), e.g. 2,4 or 2,4,1,2.") var shape:
        String?
    @Option(
        parsing: .unconditional, help: "gamma (per channel; for layernorm per element of a sample, or per channel).")
    var gamma: String?
    @Option(parsing: .unconditional, help: "beta, like gamma.") var beta: String?
    @Option(parsing: .unconditional, help: "Upstream gradient dy (x's shape).") var dy: String?
    @Option(parsing: .unconditional, help: "Epsilon (default 1e-5).") var eps: String?
    @Option(help: "Where eps goes: inside or outside the square root.")
    var epsPlacement: BatchNormConvention.EpsPlacement?

    var tensors: [TensorArgument] {
        [
            TensorArgument(input: "x", flag: "x", values: x, shape: shape, shapeFlag: "shape"),
            TensorArgument(input: "gamma", flag: "gamma", values: gamma),
            TensorArgument(input: "beta", flag: "beta", values: beta),
            TensorArgument(input: "dy", flag: "dy", values: dy, defaultShape: .like("x")),
        ]
    }

    var params: [(name: String, value: String?)] { [("eps", eps), ("eps_placement", epsPlacement?.word)] }
}

/// `normlab trace layernorm`.
struct LayerNormTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layernorm",
        abstract: "Layer normalization: each sample over all its features, forward and backward.",
        discussion: exampleDescription(LayerNormOperation.self))
    @OptionGroup var options: TraceOptions
    @OptionGroup var flags: GroupedNormFlags

    func run() throws {
        let input = try CaseAssembly.assemble(
            LayerNormOperation.self, options: options, tensors: flags.tensors, params: flags.params)
        try printTrace(LayerNormOperation.self, input: input, options: options)
    }
}

/// `normlab trace groupnorm`.
struct GroupNormTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groupnorm",
        abstract: "Group normalization: per sample and group of C/G channels, forward and backward.",
        discussion: exampleDescription(GroupNormOperation.self))
    @OptionGroup var options: TraceOptions
    @OptionGroup var flags: GroupedNormFlags
    @Option(parsing: .unconditional, help: "Number of groups G (a divisor of C; required with your own x).")
    var groups: String?

    func run() throws {
        let input = try CaseAssembly.assemble(
            GroupNormOperation.self, options: options, tensors: flags.tensors,
            params: flags.params + [("groups", groups)])
        try printTrace(GroupNormOperation.self, input: input, options: options)
    }
}

/// `normlab trace instancenorm`.
struct InstanceNormTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instancenorm",
        abstract: "Instance normalization (group norm with G = C), forward and backward.",
        discussion: exampleDescription(InstanceNormOperation.self))
    @OptionGroup var options: TraceOptions
    @OptionGroup var flags: GroupedNormFlags

    func run() throws {
        let input = try CaseAssembly.assemble(
            InstanceNormOperation.self, options: options, tensors: flags.tensors, params: flags.params)
        try printTrace(InstanceNormOperation.self, input: input, options: options)
    }
}

/// `normlab trace running-stats`: running mean/variance over K batches, then eval mode.
struct RunningStatsTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "running-stats",
        abstract: "Running mean and variance over a sequence of batches, by convention; eval-mode output.",
        discussion: """
            --batches holds K batches of shape (N, C[, H, W]) one after the other; --shape is \
            (K, N, C[, H, W]); --x without --x-shape is read as rows of the batches' (C[, H, W]). 
            """ + exampleDescription(RunningStatsOperation.self))

    @OptionGroup var options: TraceOptions
    @OptionGroup var conventionOptions: ConventionOptions
    @Option(parsing: .unconditional, help: "The batches' values, batch after batch.") var batches: String?
    @Option(parsing: .unconditional, help: "Shape of the batches: K,N,C or K,N,C,H,W.") var shape: String?
    @Option(parsing: .unconditional, help: "Running mean before the first batch.") var runningMean: String?
    @Option(parsing: .unconditional, help: "Running variance before the first batch.") var runningVar: String?
    @Option(parsing: .unconditional, help: "Values to normalise in eval mode afterwards, (M, C…) row-major.")
    var x: String?
    @Option(parsing: .unconditional, help: "Shape of x.") var xShape: String?
    @Option(parsing: .unconditional, help: "gamma for the eval step.") var gamma: String?
    @Option(parsing: .unconditional, help: "beta for the eval step.") var beta: String?
    @Option(parsing: .unconditional, help: "Batches already averaged before the first one (cumulative and caffe).")
    var batchesSeen: String?

    func run() throws {
        var input = try CaseAssembly.assemble(
            RunningStatsOperation.self, options: options,
            tensors: [
                TensorArgument(input: "batches", flag: "batches", values: batches, shape: shape, shapeFlag: "shape"),
                TensorArgument(input: "running_mean", flag: "running-mean", values: runningMean),
                TensorArgument(input: "running_var", flag: "running-var", values: runningVar),
                TensorArgument(
                    input: "x", flag: "x", values: x, shape: xShape, shapeFlag: "x-shape",
                    defaultShape: .rows(of: "batches", from: 2)),
                TensorArgument(input: "gamma", flag: "gamma", values: gamma),
                TensorArgument(input: "beta", flag: "beta", values: beta),
            ],
            params: [("batches_seen", batchesSeen)] + conventionOptions.params)
        conventionOptions.apply(to: &input)
        try printTrace(RunningStatsOperation.self, input: input, options: options)
    }
}

/// `normlab trace bn-fold`: eval-mode batch norm folded into the linear layer before it.
struct BatchNormFoldTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bn-fold",
        abstract: "Fold eval-mode batch norm into the preceding linear layer (W, bias), checked exactly.",
        discussion: exampleDescription(BatchNormFoldOperation.self))

    @OptionGroup var options: TraceOptions
    @Option(help: "Convention (for the default eps and its placement).", transform: ConventionName.init(parsing:))
    var convention: ConventionName?
    @Option(name: .customLong("W"), parsing: .unconditional, help: "Weights, (out × in) row-major.") var weights:
        String?
    @Option(name: .customLong("W-shape"), parsing: .unconditional, help: "Shape of W: out,in.") var weightsShape:
        String?
    @Option(parsing: .unconditional, help: "Bias of the linear layer (out).") var bias: String?
    @Option(parsing: .unconditional, help: "Inputs x (N × in) row-major.") var x: String?
    @Option(parsing: .unconditional, help: "Shape of x: N,in.") var xShape: String?
    @Option(parsing: .unconditional, help: "gamma (out).") var gamma: String?
    @Option(parsing: .unconditional, help: "beta (out).") var beta: String?
    @Option(parsing: .unconditional, help: "Running mean (out).") var runningMean: String?
    @Option(parsing: .unconditional, help: "Running variance (out).") var runningVar: String?
    @Option(parsing: .unconditional, help: "Epsilon.") var eps: String?

    func run() throws {
        var input = try CaseAssembly.assemble(
            BatchNormFoldOperation.self, options: options,
            tensors: [
                TensorArgument(
                    input: "W", flag: "W", values: weights, shape: weightsShape, shapeFlag: "W-shape"),
                TensorArgument(
                    input: "x", flag: "x", values: x, shape: xShape, shapeFlag: "x-shape",
                    defaultShape: .rows(of: "W", from: 1)),
                TensorArgument(input: "bias", flag: "bias", values: bias),
                TensorArgument(input: "gamma", flag: "gamma", values: gamma),
                TensorArgument(input: "beta", flag: "beta", values: beta),
                TensorArgument(input: "running_mean", flag: "running-mean", values: runningMean),
                TensorArgument(input: "running_var", flag: "running-var", values: runningVar),
            ],
            params: [("eps", eps)])
        if let convention { input.convention = convention.name }
        try printTrace(BatchNormFoldOperation.self, input: input, options: options)
    }
}

/// `normlab trace bn-facts`: the notes' facts about batch norm, checked exactly.
struct BatchNormFactsTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bn-facts",
        abstract:
            "Bias invariance, Santurkar Theorem 2.1 (with its slack), the per-element Jacobian and the notes' erratum.",
        discussion: "eps defaults to 0 (the theorem's equality), h to 1/1000. "
            + exampleDescription(BatchNormFactsOperation.self))

    @OptionGroup var options: TraceOptions
    @Option(parsing: .unconditional, help: "x values (N, C) row-major; without --shape, one column.") var x: String?
    @Option(parsing: .unconditional, help: "Shape of x: N,C.") var shape: String?
    @Option(parsing: .unconditional, help: "gamma, per channel.") var gamma: String?
    @Option(parsing: .unconditional, help: "beta, per channel.") var beta: String?
    @Option(parsing: .unconditional, help: "Upstream gradient dy (x's shape).") var dy: String?
    @Option(parsing: .unconditional, help: "The bias b added before batch norm, per channel.") var b: String?
    @Option(parsing: .unconditional, help: "Epsilon (default 0: the theorem's equality).") var eps: String?
    @Option(parsing: .unconditional, help: "Step of the central difference quotient (default 1/1000).") var h: String?

    func run() throws {
        let input = try CaseAssembly.assemble(
            BatchNormFactsOperation.self, options: options,
            tensors: [
                TensorArgument(
                    input: "x", flag: "x", values: x, shape: shape, shapeFlag: "shape", defaultShape: .column),
                TensorArgument(input: "dy", flag: "dy", values: dy, defaultShape: .like("x")),
                TensorArgument(input: "gamma", flag: "gamma", values: gamma),
                TensorArgument(input: "beta", flag: "beta", values: beta),
                TensorArgument(input: "b", flag: "b", values: b),
            ],
            params: [("eps", eps), ("h", h)])
        try printTrace(BatchNormFactsOperation.self, input: input, options: options)
    }
}
