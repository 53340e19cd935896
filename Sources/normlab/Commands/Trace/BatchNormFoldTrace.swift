import ArgumentParser
import Exact
import Reference

/// `normlab trace bn-fold`: eval-mode batch norm folded into the linear layer before it.
struct BatchNormFoldTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bn-fold",
        abstract: "Fold eval-mode batch norm into the preceding linear layer (W, bias), checked exactly.",
        discussion:
            "Without inputs, runs W (2 × 3), bias, x (2 × 3), gamma, beta and running statistics of a small example."
    )

    @OptionGroup var options: TraceOptions
    @Option(help: "Convention (for the default eps and its placement).") var convention: String?
    @Option(name: .customLong("W"), help: "Weights, (out × in) row-major.") var weights: String?
    @Option(name: .customLong("W-shape"), help: "Shape of W: out,in.") var weightsShape: String?
    @Option(help: "Bias of the linear layer (out).") var bias: String?
    @Option(help: "Inputs x (N × in) row-major.") var x: String?
    @Option(help: "Shape of x: N,in.") var xShape: String?
    @Option(help: "gamma (out).") var gamma: String?
    @Option(help: "beta (out).") var beta: String?
    @Option(help: "Running mean (out).") var runningMean: String?
    @Option(help: "Running variance (out).") var runningVar: String?
    @Option(help: "Epsilon.") var eps: String?

    func run() throws {
        var base = try options.baseCase(op: BatchNormFoldOperation.name)
        let example = base.tensor("W") == nil && weights == nil
        try setTensor(
            &base, name: "W", flag: "W", values: weights, shape: weightsShape, shapeFlag: "W-shape",
            fallback: ([2, 3], rationals([1, -2, 3, 0, 4, -1])))
        try setTensor(
            &base, name: "x", flag: "x", values: x, shape: xShape, shapeFlag: "x-shape",
            fallback: ([2, 3], rationals([1, 0, 2, -1, 3, 1])))
        try setTensor(
            &base, name: "bias", flag: "bias", values: bias, shape: nil,
            fallback: example ? ([2], rationals([1, -1])) : nil)
        try setTensor(
            &base, name: "gamma", flag: "gamma", values: gamma, shape: nil,
            fallback: example ? ([2], rationals([2, 1])) : nil)
        try setTensor(
            &base, name: "beta", flag: "beta", values: beta, shape: nil,
            fallback: example ? ([2], rationals([0, 3])) : nil)
        try setTensor(
            &base, name: "running_mean", flag: "running-mean", values: runningMean, shape: nil,
            fallback: example ? ([2], rationals([1, 2])) : nil)
        try setTensor(
            &base, name: "running_var", flag: "running-var", values: runningVar, shape: nil,
            fallback: example ? ([2], rationals([4, 2])) : nil)
        if let convention { base.convention = convention }
        setParam(&base, "eps", eps)
        try printTrace(BatchNormFoldOperation.self, input: base, options: options)
    }
}
