import Exact

/// Facts from the course notes about training-mode batch norm, each checked
/// exactly on one case (x (N, C), `gamma`, `beta`, `dy`, optional `b` the
/// bias added before batch norm (default 1, 2, …), parameters `eps` (default
/// 0, inside the root) and `h` (the difference-quotient step, default 1/1000)):
///
/// - bias invariance (notes 001: ∂ℓ/∂b = 0): batch norm of x + b equals that
///   of x, and Σₙ ∂ℓ/∂x = 0, which is ∂ℓ/∂b;
/// - Santurkar et al. Theorem 2.1 (notes 002 Eqs. 53–61), per channel:
///   ‖∂ℓ/∂x‖² ≤ γ²/(σ² + ε)·(‖g‖² − ⟨1,g⟩²/m − ⟨g,x̂⟩²/m), g = ∂ℓ/∂y, with
///   equality when ε = 0; the slack is exactly γ²⟨g,x̂⟩²(m − ‖x̂‖²)/(m²(σ² + ε));
/// - the per-element Jacobian ∂x̂_ω/∂x_τ = (δ_ωτ − 1/m − x̂_ω x̂_τ/m)/√(σ² + ε),
///   its exact central difference quotient with step h, and notes 004's
///   τ ≠ ω entry, which has x̂_τ² where x̂_ω x̂_τ is right;
/// - ∂ℓ/∂x = Jᵀ(γ·g), exactly.
public enum BatchNormFactsOperation: ReferenceOperation {
    public static let name = "bn-facts"
    public static let summary =
        "Bias invariance, Santurkar Theorem 2.1, the per-element Jacobian and the notes' erratum, exactly"

    @_specialize(where S == Surd)
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public static func run<S: ReferenceScalar>(_ input: CaseInput, as _: S.Type) throws -> Trace<S> {
        let xExact = try input.requiredTensor("x")
        guard xExact.shape.count == 2 else {
            throw ReferenceError("input x has shape \(xExact.shape); bn-facts takes (N, C)")
        }
        let layout = try ChannelLayout(xExact)
        let (m, channels) = (layout.batch, layout.channels)
        let eps = try input.epsParam(default: 0)
        let step = try input.rationalParam("h") ?? (try Rational(parsing: "1/1000"))
        guard step.signum > 0 else { throw ReferenceError("h = \(step) must be > 0") }
        let gammaExact = try channelVector(input, "gamma", channels: channels, fill: 1)
        let betaExact = try channelVector(input, "beta", channels: channels, fill: 0)
        let bExact = try channelVector(input, "b", channels: channels, fill: 0).values.enumerated().map {
            input.tensor("b") == nil ? Rational($0 + 1) : $1
        }
        let dyExact = try input.requiredTensor("dy")
        try checkSameShape(dyExact, "dy", as: xExact)
        let plan = NormalizationPlan.batchNorm(layout)
        try plan.validateVariance(xExact, eps: eps, placement: .insideRoot)

        var trace = Trace<S>(op: name, params: [("eps", .number(eps)), ("h", .number(step))])
        let x = trace.record("x", symbol: "x", formula: "input (N, C)", role: .input, xExact.converted(to: S.self))
            .values
        let gamma = trace.record(
            "gamma", symbol: "γ", formula: "input, per channel", role: .input, gammaExact.converted(to: S.self)
        ).values
        let beta = trace.record(
            "beta", symbol: "β", formula: "input, per channel", role: .input, betaExact.converted(to: S.self)
        ).values
        let dy = trace.record(
            "dy", symbol: "g = ∂ℓ/∂y", formula: "input: upstream gradient", role: .input, dyExact.converted(to: S.self)
        ).values
        let b = trace.record(
            "b", symbol: "b", formula: "input: bias added before batch norm", role: .input,
            Tensor(vector: bExact.map { S($0) })
        ).values
        let base = try normalizeRecording(
            &trace, plan: plan, x: x, gamma: gamma, beta: beta, dy: dy, eps: eps, placement: .insideRoot)
        let dx = base.dx!
        let idx = { (n: Int, c: Int) in n * channels + c }

        // Bias invariance.
        let shiftedX = trace.record(
            "x_plus_b", symbol: "x + b", formula: "h = x + b",
            Tensor(shape: xExact.shape, values: (0..<x.count).map { x[$0] + b[$0 % channels] })
        ).values
        let shifted = try normalizeRecording(
            &trace, plan: plan, x: shiftedX, gamma: gamma, beta: beta, dy: nil, eps: eps, placement: .insideRoot,
            prefix: "shifted_", outputs: false)
        trace.record(
            "y_shift_difference", symbol: "BN(x + b) − BN(x)", formula: "exactly 0: the bias cancels in x − μ",
            role: .check,
            Tensor(shape: xExact.shape, values: (0..<x.count).map { shifted.y[$0] - base.y[$0] }))
        trace.record(
            "dbias", symbol: "∂ℓ/∂b", formula: "∂ℓ/∂b = Σₙ ∂ℓ/∂x  (exactly 0, notes 001)", role: .check,
            Tensor(vector: (0..<channels).map { c in sum((0..<m).map { dx[idx($0, c)] }) }))

        // Santurkar et al. Theorem 2.1, per channel.
        let mS = S(Rational(m))
        var lhs: [S] = []
        var bound: [S] = []
        var slack: [S] = []
        var formulaSlack: [S] = []
        var xhatNorm: [S] = []
        for c in 0..<channels {
            let rows = (0..<m).map { idx($0, c) }
            let gradNorm = sum(rows.map { dx[$0] * dx[$0] })
            let gNorm = sum(rows.map { dy[$0] * dy[$0] })
            let gSum = sum(rows.map { dy[$0] })
            let gDotXhat = sum(rows.map { dy[$0] * base.xhat[$0] })
            let xhatSq = sum(rows.map { base.xhat[$0] * base.xhat[$0] })
            let s = base.std[c] * base.std[c]
            let rhs = gamma[c] * gamma[c] / s * (gNorm - gSum * gSum / mS - gDotXhat * gDotXhat / mS)
            lhs.append(gradNorm)
            bound.append(rhs)
            slack.append(rhs - gradNorm)
            xhatNorm.append(xhatSq)
            formulaSlack.append(
                rhs - gradNorm - gamma[c] * gamma[c] * gDotXhat * gDotXhat * (mS - xhatSq) / (mS * mS * s))
        }
        trace.record(
            "xhat_norm_sq", symbol: "‖x̂‖²", formula: "‖x̂‖² = m·σ²/(σ² + ε)  (= m when ε = 0)", Tensor(vector: xhatNorm))
        trace.record("grad_norm_sq", symbol: "‖∇ₓℓ̂‖²", formula: "‖∂ℓ/∂x‖² per channel", Tensor(vector: lhs))
        trace.record(
            "santurkar_bound", symbol: "γ²/(σ²+ε)(‖g‖² − ⟨1,g⟩²/m − ⟨g,x̂⟩²/m)", formula: "notes 002 Eq. 53 with σ² + ε",
            Tensor(vector: bound))
        trace.record(
            "santurkar_slack", symbol: "bound − ‖∇ₓℓ̂‖²", formula: "≥ 0; exactly 0 when ε = 0 (Eq. 60)", role: .check,
            Tensor(vector: slack))
        trace.record(
            "santurkar_slack_minus_formula", symbol: "slack − γ²⟨g,x̂⟩²(m − ‖x̂‖²)/(m²(σ²+ε))", formula: "exactly 0",
            role: .check, Tensor(vector: formulaSlack))

        // The per-element Jacobian ∂x̂_ω/∂x_τ, per channel (C, m, m).
        var jacobian: [S] = []
        var erratum: [S] = []
        var quotient: [S] = []
        let hS = S(step)
        for c in 0..<channels {
            let rows = (0..<m).map { idx($0, c) }
            let column = rows.map { x[$0] }
            var perturbed: [[S]] = [] // x̂(x ± h e_τ) for each τ
            for tau in 0..<m {
                var plus = column
                var minus = column
                plus[tau] += hS
                minus[tau] -= hS
                perturbed.append(try standardized(plus, eps: eps))
                perturbed.append(try standardized(minus, eps: eps))
            }
            for omega in 0..<m {
                for tau in 0..<m {
                    let delta: S = omega == tau ? .one : .zero
                    let (xo, xt) = (base.xhat[rows[omega]], base.xhat[rows[tau]])
                    jacobian.append((delta - S.one / mS - xo * xt / mS) / base.std[c])
                    erratum.append((delta - S.one / mS - (omega == tau ? xo * xo : xt * xt) / mS) / base.std[c])
                    quotient.append((perturbed[2 * tau][omega] - perturbed[2 * tau + 1][omega]) / (S(2) * hS))
                }
            }
        }
        let jShape = [channels, m, m]
        trace.record(
            "jacobian", symbol: "∂x̂_ω/∂x_τ", formula: "(δ_ωτ − 1/m − x̂_ω·x̂_τ/m)/√(σ² + ε)",
            Tensor(shape: jShape, values: jacobian))
        trace.record(
            "jacobian_notes_004", symbol: "notes 004 ∂u_ω/∂y_τ",
            formula: "τ ≠ ω: (−1/m − x̂_τ²/m)/σ — the notes' (y_τ − μ)² for (y_ω − μ)(y_τ − μ)",
            Tensor(shape: jShape, values: erratum))
        trace.record(
            "jacobian_erratum_difference", symbol: "notes − correct",
            formula: "x̂_τ(x̂_ω − x̂_τ)/(m·σ) for τ ≠ ω: non-zero unless x̂_τ = 0 or x̂_ω = x̂_τ", role: .check,
            Tensor(shape: jShape, values: (0..<jacobian.count).map { erratum[$0] - jacobian[$0] }))
        trace.record(
            "jacobian_difference_quotient", symbol: "(x̂(x + h e_τ) − x̂(x − h e_τ))_ω/(2h)",
            formula: "exact central difference with step h", Tensor(shape: jShape, values: quotient))
        trace.record(
            "jacobian_dq_error", symbol: "quotient − Jacobian", formula: "O(h²)", role: .check,
            Tensor(shape: jShape, values: (0..<jacobian.count).map { quotient[$0] - jacobian[$0] }))
        var transposed: [S] = []
        for n in 0..<m {
            for c in 0..<channels {
                let value = sum(
                    (0..<m).map { omega in jacobian[(c * m + omega) * m + n] * gamma[c] * dy[idx(omega, c)] })
                transposed.append(dx[idx(n, c)] - value)
            }
        }
        trace.record(
            "dx_minus_jacobian_transpose", symbol: "∂ℓ/∂x − Jᵀ(γ·g)", formula: "exactly 0", role: .check,
            Tensor(shape: xExact.shape, values: transposed))
        return trace
    }

    /// x̂ of one column, without recording (for difference quotients).
    static func standardized<S: ReferenceScalar>(_ values: [S], eps: Rational) throws -> [S] {
        let (mean, variance) = NormalizationFormulas.meanAndVariance(values)
        let std = try squareRoot(variance + S(eps), what: "√(σ² + ε) of a perturbed column")
        return values.map { ($0 - mean) / std }
    }
}
