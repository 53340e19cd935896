import ArgumentParser
import Exact
import Reference

/// `normlab trace bn-facts`: the notes' facts about batch norm, checked exactly.
struct BatchNormFactsTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bn-facts",
        abstract:
            "Bias invariance, Santurkar Theorem 2.1 (with its slack), the per-element Jacobian and the notes' erratum.",
        discussion: "Without inputs, runs x (3, 1) = 1, 2, 6 with dy = 1, -2, 0, eps = 0 and h = 1/1000."
    )

    @OptionGroup var options: TraceOptions
    @Option(help: "x values (N, C) row-major.") var x: String?
    @Option(help: "Shape of x: N,C.") var shape: String?
    @Option(help: "gamma, per channel.") var gamma: String?
    @Option(help: "beta, per channel.") var beta: String?
    @Option(help: "Upstream gradient dy (x's shape).") var dy: String?
    @Option(help: "The bias b added before batch norm, per channel.") var b: String?
    @Option(help: "Epsilon (default 0: the theorem's equality).") var eps: String?
    @Option(help: "Step of the central difference quotient (default 1/1000).") var h: String?

    func run() throws {
        var base = try options.baseCase(op: BatchNormFactsOperation.name)
        let example = base.tensor("x") == nil && x == nil
        try setTensor(
            &base, name: "x", flag: "x", values: x,
            shape: shape ?? (x == nil ? nil : "\(x!.split(separator: ",").count),1"), shapeFlag: "shape",
            fallback: ([3, 1], rationals([1, 2, 6])))
        let xShape = base.tensor("x")!.shape
        try setTensor(
            &base, name: "dy", flag: "dy", values: dy, shape: xShape.map(String.init).joined(separator: ","),
            shapeFlag: "shape", fallback: example ? ([3, 1], rationals([1, -2, 0])) : nil)
        try setTensor(&base, name: "gamma", flag: "gamma", values: gamma, shape: nil, fallback: nil)
        try setTensor(&base, name: "beta", flag: "beta", values: beta, shape: nil, fallback: nil)
        try setTensor(&base, name: "b", flag: "b", values: b, shape: nil, fallback: nil)
        setParam(&base, "eps", eps)
        setParam(&base, "h", h)
        try printTrace(BatchNormFactsOperation.self, input: base, options: options)
    }
}
