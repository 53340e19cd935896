import Exact

/// Group normalization of x (N, C) or (N, C, H, W): the C channels split into
/// G contiguous groups of C/G; statistics per (sample, group) over
/// (C/G)·H·W values; γ, β per channel (PyTorch, ONNX GroupNormalization-21).
/// G = 1 is layer norm with per-channel affine, G = C instance norm.
///
/// Inputs `x`, `gamma` (default 1), `beta` (default 0), `dy` (optional);
/// parameters `eps` (default 1e-5, inside the root; `eps_placement` =
/// outside moves it), `groups` (required).
public enum GroupNormOperation: ReferenceOperation {
    public static let name = "groupnorm"
    public static let summary = "Group normalization (per sample, per group of channels), forward and backward"

    @_specialize(where S == Surd)
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public static func run<S: ReferenceScalar>(_ input: CaseInput, as _: S.Type) throws -> Trace<S> {
        let xExact = try input.requiredTensor("x")
        let layout = try ChannelLayout(xExact)
        guard let groups = try input.integerParam("groups") else {
            throw ReferenceError("parameter groups is required (1 = layer norm, C = instance norm)")
        }
        guard groups >= 1, layout.channels % groups == 0 else {
            throw ReferenceError(
                "groups = \(groups) must be a positive divisor of the channel count C = \(layout.channels)")
        }
        return try runGrouped(input, op: name, layout: layout, groups: groups, elementwise: false, as: S.self)
    }

    /// The shared body of group, layer and instance norm.
    static func runGrouped<S: ReferenceScalar>(
        _ input: CaseInput, op: String, layout: ChannelLayout, groups: Int,
        elementwise: Bool, as _: S.Type
    ) throws -> Trace<S> {
        let xExact = try input.requiredTensor("x")
        let eps = try input.epsParam(default: try Rational(parsing: "1e-5"))
        let placement: BatchNormConvention.EpsPlacement =
            try input.wordParam("eps_placement", default: BatchNormConvention.EpsPlacement.insideRoot) == .insideRoot
            ? .insideRoot : .outsideRoot
        let affineCount = elementwise ? layout.channels * layout.spatial : layout.channels
        let affineShape = elementwise ? Array(layout.shape.dropFirst()) : [layout.channels]
        func affine(_ name: String, fill: Rational) throws -> Tensor<Rational> {
            guard let tensor = input.tensor(name) else {
                return Tensor(shape: affineShape, values: Array(repeating: fill, count: affineCount))
            }
            guard tensor.count == affineCount else {
                throw ReferenceError(
                    "input \(name) has \(tensor.count) values; it must have \(affineCount) (shape \(affineShape))")
            }
            return Tensor(shape: affineShape, values: tensor.values)
        }
        let gammaExact = try affine("gamma", fill: 1)
        let betaExact = try affine("beta", fill: 0)
        let dyExact = input.tensor("dy")
        if let dyExact { try checkSameShape(dyExact, "dy", as: xExact) }
        let plan = NormalizationPlan.groupNorm(layout, groups: groups, elementwise: elementwise)
        try plan.validateVariance(xExact, eps: eps, placement: placement)

        var trace = Trace<S>(
            op: op,
            params: [
                ("eps", .number(eps)), ("groups", .number(Rational(groups))),
                ("eps_placement", .word(placement == .insideRoot ? "inside" : "outside")),
            ])
        let x = trace.record(
            "x", symbol: "x", formula: "input (N, C\(layout.spatialText.uppercased()))", role: .input,
            xExact.converted(to: S.self)
        ).values
        let gamma = trace.record(
            "gamma", symbol: "γ", formula: elementwise ? "input, per element of a sample" : "input, per channel",
            role: .input, gammaExact.converted(to: S.self)
        ).values
        let beta = trace.record(
            "beta", symbol: "β", formula: elementwise ? "input, per element of a sample" : "input, per channel",
            role: .input, betaExact.converted(to: S.self)
        ).values
        let dy = dyExact.map {
            trace.record(
                "dy", symbol: "∂ℓ/∂y", formula: "input: upstream gradient", role: .input, $0.converted(to: S.self)
            ).values
        }
        _ = try normalizeRecording(
            &trace, plan: plan, x: x, gamma: gamma, beta: beta, dy: dy, eps: eps, placement: placement)
        return trace
    }
}

/// Layer normalization: each sample of x (N, D) or (N, C, H, W) normalised
/// over all its C·H·W values. γ, β either per element of a sample (PyTorch
/// `normalized_shape`, the default) or per channel (C values). Inputs and
/// parameters as group norm, without `groups`.
public enum LayerNormOperation: ReferenceOperation {
    public static let name = "layernorm"
    public static let summary = "Layer normalization (per sample over all features), forward and backward"

    @_specialize(where S == Surd)
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public static func run<S: ReferenceScalar>(_ input: CaseInput, as _: S.Type) throws -> Trace<S> {
        let xExact = try input.requiredTensor("x")
        let layout = try ChannelLayout(xExact)
        let perChannel = layout.spatial > 1 && input.tensor("gamma")?.count == layout.channels
        return try GroupNormOperation.runGrouped(
            input, op: name, layout: layout, groups: 1, elementwise: !perChannel, as: S.self)
    }
}

/// Instance normalization: group norm with one group per channel
/// (statistics per sample and channel over H·W).
public enum InstanceNormOperation: ReferenceOperation {
    public static let name = "instancenorm"
    public static let summary = "Instance normalization (group norm with G = C), forward and backward"

    @_specialize(where S == Surd)
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public static func run<S: ReferenceScalar>(_ input: CaseInput, as _: S.Type) throws -> Trace<S> {
        let xExact = try input.requiredTensor("x")
        let layout = try ChannelLayout(xExact)
        return try GroupNormOperation.runGrouped(
            input, op: name, layout: layout, groups: layout.channels, elementwise: false, as: S.self)
    }
}
