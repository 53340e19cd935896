import ArgumentParser
import Exact
import Reference

/// `normlab trace batchnorm`: training-mode forward and backward with every
/// intermediate and the running-statistics update, or eval mode.
struct BatchNormTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batchnorm",
        abstract: "Batch normalization: forward, backward (graph and compact), running statistics.",
        discussion: """
            Without inputs, runs x = [[1,2],[3,6],[5,4],[7,0]] (N = 4, C = 2), gamma = 1, \
            beta = 0, dy = [[1,0],[2,1],[0,-1],[-1,2]]. x is (N, C) or (N, C, H, W).
            """
    )

    @OptionGroup var options: TraceOptions
    @OptionGroup var conventionOptions: ConventionOptions

    @Option(help: "x values, row-major.") var x: String?
    @Option(help: "Shape of x, e.g. 4,2 or 2,3,2,2.") var shape: String?
    @Option(help: "gamma, one per channel.") var gamma: String?
    @Option(help: "beta, one per channel.") var beta: String?
    @Option(help: "Upstream gradient dy (x's shape).") var dy: String?
    @Option(help: "Running mean before the step, one per channel.") var runningMean: String?
    @Option(help: "Running variance before the step, one per channel.") var runningVar: String?
    @Option(help: "train or eval.") var mode: String?
    @Option(help: "Batches already averaged (cumulative and caffe averaging).") var batchesSeen: String?

    func run() throws {
        var base = try options.baseCase(op: BatchNormOperation.name)
        let exampleX = base.tensor("x") == nil && x == nil
        try setTensor(
            &base, name: "x", flag: "x", values: x, shape: shape, shapeFlag: "shape",
            fallback: ([4, 2], rationals([1, 2, 3, 6, 5, 4, 7, 0])))
        let xShape = base.tensor("x")!.shape
        try setTensor(&base, name: "gamma", flag: "gamma", values: gamma, shape: nil, fallback: nil)
        try setTensor(&base, name: "beta", flag: "beta", values: beta, shape: nil, fallback: nil)
        try setTensor(
            &base, name: "dy", flag: "dy", values: dy, shape: xShape.map(String.init).joined(separator: ","),
            shapeFlag: "shape", fallback: exampleX ? ([4, 2], rationals([1, 0, 2, 1, 0, -1, -1, 2])) : nil)
        try setTensor(&base, name: "running_mean", flag: "running-mean", values: runningMean, shape: nil, fallback: nil)
        try setTensor(&base, name: "running_var", flag: "running-var", values: runningVar, shape: nil, fallback: nil)
        setParam(&base, "mode", mode)
        setParam(&base, "batches_seen", batchesSeen)
        try conventionOptions.apply(to: &base)
        try printTrace(BatchNormOperation.self, input: base, options: options)
    }
}
