import ArgumentParser
import Reference

/// `normlab trace dropout`: forward and backward with a given mask.
struct DropoutTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dropout",
        abstract: Dropout.summary,
        discussion:
            "p is the DROP probability. inverted: y = m⊙x/(1−p) in training, x at test time (p in [0, 1)); plain: y = m⊙x in training, (1−p)x at test time (p in [0, 1]). A mask of shape (N, C) on x of shape (N, C, H, W) drops whole channels."
    )
    @OptionGroup var options: TraceOptions
    @Option(help: "Input values, comma-separated (default 1,-2,3,4).") var x: String?
    @Option(help: "Shape of x, e.g. 2x2x1x3 (default: a vector).") var shape: String?
    @Option(help: "Mask, 1 = keep, 0 = drop (default 1,0,1,1).") var mask: String?
    @Option(name: .customLong("mask-shape"), help: "Shape of the mask, e.g. 2x2 for channel dropout.") var maskShape:
        String?
    @Option(help: "Upstream gradient ∂ℓ/∂y (default all ones).") var dy: String?
    @Option(help: "Drop probability (default 1/2).") var p: String?
    @Option(help: "train or eval (default train).") var mode: String?
    @Option(help: "inverted or plain (default inverted).") var variant: String?

    func run() throws {
        var base = try options.baseCase(op: Dropout.name)
        try VerbInput.set(
            &base, "x", VerbInput.tensor(x, flag: "x", shape: shape), default: VerbInput.vector(["1", "-2", "3", "4"]))
        try VerbInput.set(
            &base, "mask",
            VerbInput.tensor(
                mask, flag: "mask", shape: maskShape ?? shape, shapeFlag: maskShape == nil ? "shape" : "mask-shape"),
            default: x == nil ? VerbInput.vector(["1", "0", "1", "1"]) : nil)
        try VerbInput.set(&base, "dy", VerbInput.tensor(dy, flag: "dy", shape: shape), default: nil)
        VerbInput.set(&base, "p", p, default: "1/2")
        VerbInput.set(&base, "mode", mode, default: nil)
        VerbInput.set(&base, "variant", variant, default: nil)
        try printTrace(Dropout.self, input: base, options: options)
    }
}
