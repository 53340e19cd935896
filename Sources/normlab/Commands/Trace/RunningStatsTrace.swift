import ArgumentParser
import Exact
import Reference

/// `normlab trace running-stats`: running mean/variance over K batches, then eval mode.
struct RunningStatsTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "running-stats",
        abstract: "Running mean and variance over a sequence of batches, by convention; eval-mode output.",
        discussion: """
            --batches holds K batches of shape (N, C[, H, W]) one after the other; --shape is \
            (K, N, C[, H, W]). Without inputs, runs K = 2 batches of shape (2, 1): [1, 3] and [2, 6], \
            then normalises x = 0, 4 in eval mode.
            """
    )

    @OptionGroup var options: TraceOptions
    @OptionGroup var conventionOptions: ConventionOptions
    @Option(help: "The batches' values, batch after batch.") var batches: String?
    @Option(help: "Shape of the batches: K,N,C or K,N,C,H,W.") var shape: String?
    @Option(help: "Running mean before the first batch.") var runningMean: String?
    @Option(help: "Running variance before the first batch.") var runningVar: String?
    @Option(help: "Values to normalise in eval mode afterwards, (M, C…) row-major.") var x: String?
    @Option(help: "Shape of x.") var xShape: String?
    @Option(help: "gamma for the eval step.") var gamma: String?
    @Option(help: "beta for the eval step.") var beta: String?
    @Option(help: "Batches already averaged before the first one (cumulative and caffe averaging).") var batchesSeen:
        String?

    func run() throws {
        var base = try options.baseCase(op: RunningStatsOperation.name)
        let example = base.tensor("batches") == nil && batches == nil
        try setTensor(
            &base, name: "batches", flag: "batches", values: batches, shape: shape, shapeFlag: "shape",
            fallback: ([2, 2, 1], rationals([1, 3, 2, 6])))
        try setTensor(&base, name: "running_mean", flag: "running-mean", values: runningMean, shape: nil, fallback: nil)
        try setTensor(&base, name: "running_var", flag: "running-var", values: runningVar, shape: nil, fallback: nil)
        try setTensor(
            &base, name: "x", flag: "x", values: x, shape: xShape, shapeFlag: "x-shape",
            fallback: example ? ([2, 1], rationals([0, 4])) : nil)
        if let x = base.tensor("x"), x.shape.count == 1, let channels = base.tensor("batches")?.shape.dropFirst(2).first
        {
            base.setInput("x", Tensor(shape: [x.count / max(channels, 1), channels], values: x.values))
        }
        try setTensor(&base, name: "gamma", flag: "gamma", values: gamma, shape: nil, fallback: nil)
        try setTensor(&base, name: "beta", flag: "beta", values: beta, shape: nil, fallback: nil)
        setParam(&base, "batches_seen", batchesSeen)
        try conventionOptions.apply(to: &base)
        try printTrace(RunningStatsOperation.self, input: base, options: options)
    }
}
