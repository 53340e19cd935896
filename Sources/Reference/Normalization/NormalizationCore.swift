import Exact

/// Which elements are normalised together, and which γ/β each element uses.
/// Batch norm groups (n, h, w) per channel; layer norm groups a whole sample;
/// group norm groups (channels of a group, h, w) per sample. One forward and
/// backward below serves them all — the formulas live only there.
struct NormalizationPlan {
    /// x's shape.
    let shape: [Int]
    /// The element indices of each statistics group.
    let groups: [[Int]]
    /// The shape of per-group tensors (mean, var, …).
    let statShape: [Int]
    /// Per element, its index into γ and β.
    let affineIndex: [Int]
    /// The shape of γ, β, ∂ℓ/∂γ, ∂ℓ/∂β.
    let affineShape: [Int]
    /// What a sum runs over, for formulas: "n,h,w".
    let over: String
    /// A group's name for error messages: "channel 2".
    let label: (Int) -> String

    var count: Int { shape.reduce(1, *) }
    var affineCount: Int { affineShape.reduce(1, *) }

    /// Batch norm: one group per channel over (n, spatial).
    static func batchNorm(_ layout: ChannelLayout) -> NormalizationPlan {
        var groups = Array(repeating: [Int](), count: layout.channels)
        var affine = Array(repeating: 0, count: layout.count)
        for n in 0..<layout.batch {
            for c in 0..<layout.channels {
                for s in 0..<layout.spatial {
                    let index = layout.index(n, c, s)
                    groups[c].append(index)
                    affine[index] = c
                }
            }
        }
        return NormalizationPlan(
            shape: layout.shape, groups: groups, statShape: [layout.channels], affineIndex: affine,
            affineShape: [layout.channels], over: "n\(layout.spatialText)", label: { "channel \($0)" })
    }

    /// Group norm: G groups of C/G contiguous channels, statistics per
    /// (sample, group); γ, β per channel (PyTorch, ONNX-21) or, with
    /// `elementwise`, per (c, spatial) element (PyTorch LayerNorm).
    static func groupNorm(_ layout: ChannelLayout, groups groupCount: Int, elementwise: Bool) -> NormalizationPlan {
        let perGroup = layout.channels / groupCount
        var groups = Array(repeating: [Int](), count: layout.batch * groupCount)
        var affine = Array(repeating: 0, count: layout.count)
        for n in 0..<layout.batch {
            for c in 0..<layout.channels {
                for s in 0..<layout.spatial {
                    let index = layout.index(n, c, s)
                    groups[n * groupCount + c / perGroup].append(index)
                    affine[index] = elementwise ? c * layout.spatial + s : c
                }
            }
        }
        let affineShape = elementwise ? Array(layout.shape.dropFirst()) : [layout.channels]
        return NormalizationPlan(
            shape: layout.shape, groups: groups,
            statShape: groupCount == 1 ? [layout.batch] : [layout.batch, groupCount], affineIndex: affine,
            affineShape: affineShape, over: groupCount == 1 ? "c\(layout.spatialText)" : "c∈g\(layout.spatialText)",
            label: { "sample \($0 / groupCount)" + (groupCount == 1 ? "" : ", group \($0 % groupCount)") })
    }

    /// ε = 0 needs non-zero variance in every group, and ε outside the root
    /// needs it always (∂√σ²/∂σ² at σ² = 0 is undefined). Decided on the
    /// exact inputs: a group has zero variance exactly when its values are equal.
    func validateVariance(_ x: Tensor<Rational>, eps: Rational, placement: BatchNormConvention.EpsPlacement) throws {
        guard eps.isZero || placement == .outsideRoot else { return }
        for (g, members) in groups.enumerated() {
            let first = x.values[members[0]]
            if members.allSatisfy({ x.values[$0] == first }) {
                if eps.isZero {
                    let detail = members.count == 1 ? " (a batch of one value)" : ""
                    throw ReferenceError("\(label(g)) has zero variance\(detail) and eps = 0: x̂ is undefined")
                }
                throw ReferenceError("\(label(g)) has zero variance and eps is outside the root: ∂√σ²/∂σ² is undefined")
            }
        }
    }
}

/// What the forward pass hands back to the operations built on it.
struct NormalizationValues<S: ReferenceScalar> {
    var mean: [S]
    var variance: [S]
    var std: [S]
    var xhat: [S]
    var y: [S]
    var dx: [S]?
}

/// Training-mode normalization, forward and (when `dy` is given) backward,
/// recording every node of the computational graph. Names are prefixed by
/// `prefix` so a trace can hold a second run (e.g. the shifted input of the
/// bias-invariance fact).
@_specialize(where S == Surd)
@_specialize(where S == Double)
@_specialize(where S == Float)
func normalizeRecording<S: ReferenceScalar>(
    _ trace: inout Trace<S>, plan: NormalizationPlan, x: [S], gamma: [S], beta: [S], dy: [S]?,
    eps: Rational, placement: BatchNormConvention.EpsPlacement, prefix: String = "", outputs: Bool = true
) throws -> NormalizationValues<S> {
    let shape = plan.shape
    let statShape = plan.statShape
    let over = plan.over
    let groupOf: [Int] = {
        var result = Array(repeating: 0, count: plan.count)
        for (g, members) in plan.groups.enumerated() { for index in members { result[index] = g } }
        return result
    }()
    if prefix.isEmpty {
        trace.setLayout(ElementLayout(group: groupOf, affine: plan.affineIndex, groupSize: plan.groups[0].count))
    }
    let outputRole: StepRole = outputs ? .output : .intermediate
    func perGroup(_ body: ([Int]) throws -> S) rethrows -> [S] { try plan.groups.map(body) }
    func perElement(_ body: (Int, Int) throws -> S) rethrows -> [S] {
        try (0..<plan.count).map { try body($0, groupOf[$0]) }
    }
    @discardableResult
    func record(
        _ name: String, _ symbol: String, _ formula: String, _ values: [S], shape: [Int], role: StepRole = .intermediate
    ) -> [S] {
        trace.record(prefix + name, symbol: symbol, formula: formula, role: role, Tensor(shape: shape, values: values))
        return values
    }
    let counts = plan.groups.map { S(Rational($0.count)) }
    let epsS = S(eps)

    // Forward (Algorithm 1 of notes 002).
    let mean = record(
        "mean", "μ", "μ = (1/m) Σ_{\(over)} x",
        perGroup { members in sum(members.map { x[$0] }) }.enumerated().map { $1 / counts[$0] }, shape: statShape)
    let centered = record("centered", "x − μ", "x − μ", perElement { x[$0] - mean[$1] }, shape: shape)
    let squared = record("centered_sq", "(x − μ)²", "(x − μ)²", centered.map { $0 * $0 }, shape: shape)
    let variance = record(
        "var", "σ²", "σ² = (1/m) Σ_{\(over)} (x − μ)²  (biased)",
        perGroup { members in sum(members.map { squared[$0] }) }.enumerated().map { $1 / counts[$0] }, shape: statShape)
    let std: [S]
    let root: [S]
    switch placement {
    case .insideRoot:
        let shifted = record("var_eps", "σ² + ε", "σ² + ε", variance.map { $0 + epsS }, shape: statShape)
        std = record(
            "std", "√(σ² + ε)", "√(σ² + ε)",
            try shifted.enumerated().map { try squareRoot($1, what: "√(σ² + ε) of \(plan.label($0))") },
            shape: statShape)
        root = std
    case .outsideRoot:
        root = record(
            "sqrt_var", "√σ²", "√σ²",
            try variance.enumerated().map { try squareRoot($1, what: "√σ² of \(plan.label($0))") }, shape: statShape)
        std = record("std", "√σ² + ε", "√σ² + ε  (ε outside the root)", root.map { $0 + epsS }, shape: statShape)
    }
    let invStd = record(
        "inv_std", "1/√(σ² + ε)", placement == .insideRoot ? "1/√(σ² + ε)" : "1/(√σ² + ε)", std.map { S.one / $0 },
        shape: statShape)
    let xhat = record("xhat", "x̂", "x̂ = (x − μ)·(1/√(σ² + ε))", perElement { centered[$0] * invStd[$1] }, shape: shape)
    let scaled = record(
        "gamma_xhat", "γx̂", "γ·x̂", (0..<plan.count).map { gamma[plan.affineIndex[$0]] * xhat[$0] }, shape: shape)
    let y = record(
        "y", "y", "y = γx̂ + β", (0..<plan.count).map { scaled[$0] + beta[plan.affineIndex[$0]] }, shape: shape,
        role: outputRole)

    // Checks: Σx̂ = 0 and Σx̂² = m·σ²/(σ² + ε) per group.
    record(
        "sum_xhat", "Σx̂", "Σ_{\(over)} x̂  (exactly 0)", perGroup { members in sum(members.map { xhat[$0] }) },
        shape: statShape, role: .check)
    record(
        "sum_xhat_sq_minus_expected", "Σx̂² − mσ²/(σ² + ε)", "Σ x̂² − m·σ²/std²  (exactly 0)",
        plan.groups.indices.map { g in
            sum(plan.groups[g].map { xhat[$0] * xhat[$0] }) - counts[g] * variance[g] / (std[g] * std[g])
        },
        shape: statShape, role: .check)

    var values = NormalizationValues(mean: mean, variance: variance, std: std, xhat: xhat, y: y, dx: nil)
    guard let dy else { return values }

    // Backward, node by node (notes 002 Eqs. 9–14 on the graph above).
    func affineSum(_ body: (Int) -> S) -> [S] {
        var totals = Array(repeating: S.zero, count: plan.affineCount)
        for index in 0..<plan.count { totals[plan.affineIndex[index]] += body(index) }
        return totals
    }
    record("dbeta", "∂ℓ/∂β", "∂ℓ/∂β = Σ ∂ℓ/∂y", affineSum { dy[$0] }, shape: plan.affineShape, role: outputRole)
    record(
        "dgamma", "∂ℓ/∂γ", "∂ℓ/∂γ = Σ ∂ℓ/∂y·x̂", affineSum { dy[$0] * xhat[$0] }, shape: plan.affineShape,
        role: outputRole)
    let dxhat = record(
        "dxhat", "∂ℓ/∂x̂", "∂ℓ/∂x̂ = ∂ℓ/∂y·γ", (0..<plan.count).map { dy[$0] * gamma[plan.affineIndex[$0]] }, shape: shape
    )
    let dInvStd = record(
        "dinv_std", "∂ℓ/∂(1/std)", "Σ_{\(over)} ∂ℓ/∂x̂·(x − μ)",
        perGroup { members in sum(members.map { dxhat[$0] * centered[$0] }) }, shape: statShape)
    let dStd = record(
        "dstd", "∂ℓ/∂std", "−∂ℓ/∂(1/std) / std²", dInvStd.enumerated().map { -$1 / (std[$0] * std[$0]) },
        shape: statShape)
    let two = S(2)
    let dVar = record(
        "dvar", "∂ℓ/∂σ²",
        placement == .insideRoot ? "∂ℓ/∂std / (2√(σ² + ε)) = Σ ∂ℓ/∂x̂·(x − μ)·(−½)(σ² + ε)^(−3/2)" : "∂ℓ/∂std / (2√σ²)",
        dStd.enumerated().map { $1 / (two * root[$0]) }, shape: statShape)
    let dCentered = record(
        "dcentered", "∂ℓ/∂(x − μ)", "∂ℓ/∂x̂·(1/std) + ∂ℓ/∂σ²·2(x − μ)/m",
        perElement { dxhat[$0] * invStd[$1] + dVar[$1] * two * centered[$0] / counts[$1] }, shape: shape)
    let dMean = record(
        "dmean", "∂ℓ/∂μ", "∂ℓ/∂μ = −Σ_{\(over)} ∂ℓ/∂(x − μ)",
        perGroup { members in -sum(members.map { dCentered[$0] }) }, shape: statShape)
    let dx = record(
        "dx", "∂ℓ/∂x", "∂ℓ/∂x = ∂ℓ/∂(x − μ) + ∂ℓ/∂μ/m", perElement { dCentered[$0] + dMean[$1] / counts[$1] },
        shape: shape, role: outputRole)

    // The compact formula (notes 002 Eqs. 44–45), for every group:
    // dx = (m·ĝ − Σĝ − x̂·Σ(ĝ·x̂)·std/√σ²ₑ)/(m·std), ĝ = ∂ℓ/∂x̂ (κ = std/root is 1 with ε inside).
    let sumG = record(
        "sum_dxhat", "Σ∂ℓ/∂x̂", "Σ_{\(over)} ∂ℓ/∂x̂", perGroup { members in sum(members.map { dxhat[$0] }) },
        shape: statShape)
    let sumGX = record(
        "sum_dxhat_xhat", "Σ∂ℓ/∂x̂·x̂", "Σ_{\(over)} ∂ℓ/∂x̂·x̂",
        perGroup { members in sum(members.map { dxhat[$0] * xhat[$0] }) }, shape: statShape)
    let kappa: [S] =
        placement == .insideRoot ? Array(repeating: S.one, count: std.count) : std.enumerated().map { $1 / root[$0] }
    let compact = record(
        "dx_compact", "∂ℓ/∂x (compact)",
        placement == .insideRoot
            ? "(m·∂ℓ/∂x̂ − Σ∂ℓ/∂x̂ − x̂·Σ(∂ℓ/∂x̂·x̂)) / (m·√(σ² + ε))"
            : "(m·∂ℓ/∂x̂ − Σ∂ℓ/∂x̂ − x̂·Σ(∂ℓ/∂x̂·x̂)·std/√σ²) / (m·std)",
        perElement { i, g in (counts[g] * dxhat[i] - sumG[g] - xhat[i] * sumGX[g] * kappa[g]) * invStd[g] / counts[g] },
        shape: shape)
    record(
        "dx_graph_minus_compact", "∂ℓ/∂x − compact", "graph ∂ℓ/∂x − compact ∂ℓ/∂x  (exactly 0)",
        (0..<plan.count).map { dx[$0] - compact[$0] }, shape: shape, role: .check)
    values.dx = dx
    return values
}
