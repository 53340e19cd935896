import ArgumentParser
import Exact
import Reference

/// Flags shared by layer, group and instance norm.
struct GroupedNormFlags: ParsableArguments {
    @Option(help: "x values, row-major.") var x: String?
    @Option(help: "Shape of x: (N, D) or (N, C, H, W), e.g. 2,4 or 2,4,1,2.") var shape: String?
    @Option(help: "gamma (per channel; for layernorm per element of a sample, or per channel).") var gamma: String?
    @Option(help: "beta, like gamma.") var beta: String?
    @Option(help: "Upstream gradient dy (x's shape).") var dy: String?
    @Option(help: "Epsilon (default 1e-5).") var eps: String?
    @Option(help: "Where eps goes: inside or outside the square root.") var epsPlacement: String?

    /// Fills `base`; the example is x (2, 4) = [[1,2,3,6],[0,4,4,8]] with a fixed dy.
    func apply(to base: inout CaseInput) throws {
        let example = base.tensor("x") == nil && x == nil
        try setTensor(
            &base, name: "x", flag: "x", values: x, shape: shape, shapeFlag: "shape",
            fallback: ([2, 4], rationals([1, 2, 3, 6, 0, 4, 4, 8])))
        let xShape = base.tensor("x")!.shape
        try setTensor(&base, name: "gamma", flag: "gamma", values: gamma, shape: nil, fallback: nil)
        try setTensor(&base, name: "beta", flag: "beta", values: beta, shape: nil, fallback: nil)
        try setTensor(
            &base, name: "dy", flag: "dy", values: dy, shape: xShape.map(String.init).joined(separator: ","),
            shapeFlag: "shape",
            fallback: example ? ([2, 4], rationals([1, -1, 0, 2, 2, 0, -1, 1])) : nil)
        setParam(&base, "eps", eps)
        setParam(&base, "eps_placement", epsPlacement)
    }
}

/// `normlab trace layernorm`.
struct LayerNormTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layernorm",
        abstract: "Layer normalization: each sample over all its features, forward and backward.")
    @OptionGroup var options: TraceOptions
    @OptionGroup var flags: GroupedNormFlags

    func run() throws {
        var base = try options.baseCase(op: LayerNormOperation.name)
        try flags.apply(to: &base)
        try printTrace(LayerNormOperation.self, input: base, options: options)
    }
}

/// `normlab trace groupnorm`.
struct GroupNormTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groupnorm",
        abstract: "Group normalization: per sample and group of C/G channels, forward and backward.",
        discussion: "Without inputs, runs x (2, 4) with 2 groups.")
    @OptionGroup var options: TraceOptions
    @OptionGroup var flags: GroupedNormFlags
    @Option(help: "Number of groups G (a divisor of C; default 2 for the example, else required).") var groups: String?

    func run() throws {
        var base = try options.baseCase(op: GroupNormOperation.name)
        try flags.apply(to: &base)
        setParam(&base, "groups", groups)
        if base.param("groups") == nil, flags.x == nil, options.input == nil { base.setParam("groups", "2") }
        try printTrace(GroupNormOperation.self, input: base, options: options)
    }
}

/// `normlab trace instancenorm`.
struct InstanceNormTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instancenorm",
        abstract: "Instance normalization (group norm with G = C), forward and backward.",
        discussion: "Without inputs, runs x (2, 2, 1, 2).")
    @OptionGroup var options: TraceOptions
    @OptionGroup var flags: GroupedNormFlags

    func run() throws {
        var base = try options.baseCase(op: InstanceNormOperation.name)
        if flags.x == nil && base.tensor("x") == nil {
            base.setInput("x", Tensor(shape: [2, 2, 1, 2], values: rationals([1, 2, 3, 6, 0, 4, 4, 8])))
            if flags.dy == nil {
                base.setInput("dy", Tensor(shape: [2, 2, 1, 2], values: rationals([1, -1, 0, 2, 2, 0, -1, 1])))
            }
        }
        try flags.apply(to: &base)
        try printTrace(InstanceNormOperation.self, input: base, options: options)
    }
}
