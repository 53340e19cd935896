import Exact

/// Linear least squares with weight decay (ridge regression), the statistician's
/// summary of the fit, the MAP reading and one SGD step with decay.
///
/// Inputs: `X` (n × p design), `y` (n), optionally `w0` (p, the weights an SGD
/// step starts from). Parameters: `alpha` ≥ 0 (0 is ordinary least squares),
/// `intercept` (prepend a column of ones, default false), `decay_intercept`
/// (whether α also penalises the intercept, default false: "do not decay
/// biases"), `sigma2` (the noise variance of the MAP reading, default 1),
/// `eta` (SGD learning rate, default 1/10).
///
/// w* = (XᵀX + αD)⁻¹Xᵀy with D = I, or I with a 0 for the intercept. When
/// XᵀX + αD is singular (α = 0 and rank-deficient X), w* is the minimum-norm
/// least-squares solution X⁺y, and the trace says so in the `solution` param.
/// residual_sd = √(RSS/(n − p)); Cov(w) = s²·A⁻¹XᵀXA⁻¹ with A = XᵀX + αD
/// (= s²(XᵀX)⁻¹ for OLS), w_sd = √diag; R² = 1 − RSS/TSS with TSS centred
/// when the design has a constant column, uncentred Σy² otherwise (as NIST
/// does for NoInt1/2).
public enum Ridge: ReferenceOperation {
    public static let name = "ridge"
    public static let summary =
        "Ridge / least-squares fit w = (XᵀX + αI)⁻¹Xᵀy, exact, with w_sd, residual_sd, R², MAP and SGD checks"

    /// Which of `count` coefficients weight decay acts on: all but an
    /// intercept in column 0, unless the intercept is decayed too.
    static func penalisedColumns(_ count: Int, intercept: Bool, decayIntercept: Bool) -> [Bool] {
        (0..<count).map { !(intercept && $0 == 0 && !decayIntercept) }
    }

    /// XᵀX + αD: α added to the diagonal entries of the decayed coefficients.
    static func penalised<S: ReferenceScalar>(_ gram: Matrix<S>, alpha: S, columns: [Bool]) -> Matrix<S> {
        var system = gram
        for j in columns.indices where columns[j] { system[j, j] = system[j, j] + alpha }
        return system
    }

    public static func run<S: ReferenceScalar>(_ input: CaseInput, as _: S.Type) throws -> Trace<S> {
        let xTensor = try input.requiredTensor("X")
        let yTensor = try input.requiredTensor("y")
        guard xTensor.shape.count == 2 else {
            throw ReferenceError("input X has shape \(xTensor.shape); it must be a matrix n × p")
        }
        let n = xTensor.shape[0]
        guard n > 0, xTensor.shape[1] > 0 else {
            throw ReferenceError("input X has shape \(xTensor.shape); it needs at least one row and one column")
        }
        guard yTensor.count == n else {
            throw ReferenceError("input y has \(yTensor.count) values but X has \(n) rows")
        }
        let alphaValue = try input.rationalParam("alpha") ?? 0
        guard alphaValue >= 0 else { throw ReferenceError("parameter alpha = \(valueText(alphaValue)) must be ≥ 0") }
        let intercept = try input.flagParam("intercept", default: false)
        let decayIntercept = try input.flagParam("decay_intercept", default: false)
        let sigma2Value = try input.rationalParam("sigma2") ?? 1
        guard sigma2Value > 0 else { throw ReferenceError("parameter sigma2 = \(valueText(sigma2Value)) must be > 0") }
        let etaValue = try input.rationalParam("eta", default: try Rational(1, 10))

        var trace = Trace<S>(
            op: name, params: [("alpha", .number(alphaValue)), ("intercept", .word(intercept ? "true" : "false"))])
        if intercept { trace.setParameter("decay_intercept", .word(decayIntercept ? "true" : "false")) }
        let x = Matrix(
            trace.record("X", symbol: "X", formula: "design matrix, n × p", role: .input, xTensor.converted(to: S.self))
        )
        let y = trace.record("y", symbol: "y", formula: "targets", role: .input, yTensor.converted(to: S.self)).values
        var design = x
        if intercept {
            var values: [S] = []
            for i in 0..<n {
                values.append(.one)
                for j in 0..<x.columns { values.append(x[i, j]) }
            }
            design = Matrix(rows: n, columns: x.columns + 1, values: values)
            trace.record(
                "design", symbol: "[1 X]", formula: "a column of ones prepended for the intercept", design.tensor)
        }
        let p = design.columns
        let alpha = S(alphaValue)
        let penalised = Ridge.penalisedColumns(p, intercept: intercept, decayIntercept: decayIntercept)
        let gram = design.gram
        trace.record("gram", symbol: "XᵀX", formula: "(XᵀX)_jk = Σ_i x_ij x_ik", gram.tensor)
        let xty = trace.record(
            "xty", symbol: "Xᵀy", formula: "(Xᵀy)_j = Σ_i x_ij y_i", Tensor(vector: design.transposeTimes(y))
        ).values
        let system = Ridge.penalised(gram, alpha: alpha, columns: penalised)
        if !alphaValue.isZero {
            trace.record(
                "gram_penalized", symbol: "XᵀX + αD",
                formula:
                    "α added to the diagonal (D = I\(intercept && !decayIntercept ? " except the intercept" : ""))",
                system.tensor)
        }
        let (w, rank) = Elimination.minimumNormSolution(system, xty)
        let unique = rank == p
        trace.setParameter("rank", .number(Rational(rank)))
        trace.setParameter(
            "solution", .word(unique ? "unique" : "minimum-norm: XᵀX + αD is singular (rank \(rank) < \(p)); w = X⁺y"))
        trace.record(
            "w", symbol: "w*",
            formula: unique
                ? "solve (XᵀX + αD) w = Xᵀy by Gauss–Jordan elimination with partial pivoting"
                : "minimum-norm solution w = Fᵀ(FFᵀ)⁻¹F·w₀ (F: row-echelon basis)", role: .output, Tensor(vector: w))
        let fitted = trace.record("fitted", symbol: "ŷ", formula: "ŷ = Xw", Tensor(vector: design.times(w))).values
        let residual = trace.record(
            "residual", symbol: "r", formula: "r = y − Xw", Tensor(vector: zip(y, fitted).map { $0 - $1 })
        ).values
        let rss = dot(residual, residual)
        trace.record("rss", symbol: "RSS", formula: "RSS = Σ r_i²", Tensor(scalar: rss))
        let stationarity = zip(design.transposeTimes(residual), w.indices).map { gradient, j in
            penalised[j] ? gradient - alpha * w[j] : gradient
        }
        trace.record(
            "stationarity_check", symbol: "Xᵀr − αDw", formula: "gradient of ½‖y − Xw‖² + ½α‖D^½w‖² at w*, must be 0",
            role: .check, Tensor(vector: stationarity))

        // The statistician's summary.
        let hasConstantColumn = (0..<p).contains { j in
            !design[0, j].isZero && (0..<n).allSatisfy { design[$0, j] == design[0, j] }
        }
        var tss = S.zero
        if hasConstantColumn {
            var mean = S.zero
            for value in y { mean += value }
            mean = mean / S(n)
            for value in y { tss += (value - mean) * (value - mean) }
            trace.record(
                "tss", symbol: "TSS", formula: "TSS = Σ (y_i − ȳ)² (centred: the model has a constant column)",
                Tensor(scalar: tss))
        } else {
            for value in y { tss += value * value }
            trace.record(
                "tss", symbol: "TSS", formula: "TSS = Σ y_i² (uncentred: no constant column, as NIST for NoInt1/2)",
                Tensor(scalar: tss))
        }
        trace.setParameter("r_squared_form", .word(hasConstantColumn ? "centred" : "uncentred"))
        let dof = n - p
        if dof > 0 {
            let s2 = trace.record(
                "residual_variance", symbol: "s²", formula: "s² = RSS / (n − p), n − p = \(dof)",
                Tensor(scalar: rss / S(dof)))[0]
            trace.record(
                "residual_sd", symbol: "s", formula: "s = √(RSS / (n − p))", role: .output,
                Tensor(scalar: try s2.checkedSquareRoot()))
            if !tss.isZero {
                trace.record(
                    "r_squared", symbol: "R²", formula: "R² = 1 − RSS/TSS", role: .output,
                    Tensor(scalar: S.one - rss / tss))
            }
            if unique, let inverse = Elimination.inverse(system) {
                let covariance = alphaValue.isZero ? inverse : inverse * gram * inverse
                let variances = (0..<p).map { s2 * covariance[$0, $0] }
                trace.record(
                    "w_var", symbol: "Var(w_j)",
                    formula: alphaValue.isZero ? "s²·((XᵀX)⁻¹)_jj" : "s²·(A⁻¹XᵀXA⁻¹)_jj, A = XᵀX + αD",
                    Tensor(vector: variances))
                trace.record(
                    "w_sd", symbol: "sd(w_j)", formula: "√Var(w_j)", role: .output,
                    Tensor(vector: try variances.map { try $0.checkedSquareRoot() }))
            } else {
                trace.setParameter("note", .word("w_sd undefined: XᵀX + αD is singular"))
            }
        } else {
            if !tss.isZero {
                trace.record(
                    "r_squared", symbol: "R²", formula: "R² = 1 − RSS/TSS", role: .output,
                    Tensor(scalar: S.one - rss / tss))
            }
            trace.setParameter("note", .word("residual_sd and w_sd undefined: n − p = \(dof) ≤ 0"))
        }

        // MAP: y ~ N(Xw, σ²I), w_j ~ N(0, τ²) for decayed j, σ²/τ² = α.
        if !alphaValue.isZero {
            let sigma2 = S(sigma2Value)
            trace.setParameter("sigma2", .number(sigma2Value))
            let tau2 = trace.record(
                "tau2", symbol: "τ²", formula: "prior variance τ² = σ²/α", Tensor(scalar: sigma2 / alpha))[0]
            var penalty = S.zero
            for j in 0..<p where penalised[j] { penalty += w[j] * w[j] }
            let two = S(2)
            let negLogPosterior = trace.record(
                "neg_log_posterior", symbol: "−log p(w*|D) − const",
                formula: "‖y − Xw‖²/(2σ²) + Σ_decayed w_j²/(2τ²)",
                Tensor(scalar: rss / (two * sigma2) + penalty / (two * tau2)))[0]
            let objective = trace.record(
                "ridge_objective", symbol: "½σ⁻²(‖y − Xw‖² + α‖D^½w‖²)",
                formula: "the ridge objective scaled by 1/(2σ²)",
                Tensor(scalar: (rss + alpha * penalty) / (two * sigma2)))[0]
            trace.record(
                "map_check", symbol: "difference",
                formula: "neg_log_posterior − ridge_objective = 0: weight decay is MAP with a Gaussian prior",
                role: .check, Tensor(scalar: negLogPosterior - objective))
        }

        // One SGD step with weight decay on ℓ(w) = ½‖y − Xw‖².
        if let w0Tensor = input.tensor("w0") {
            guard w0Tensor.count == p else {
                throw ReferenceError("input w0 has \(w0Tensor.count) values but the design has \(p) columns")
            }
            trace.setParameter("eta", .number(etaValue))
            let eta = S(etaValue)
            let w0 = trace.record(
                "w0", symbol: "w₀", formula: "weights before the step", role: .input, w0Tensor.converted(to: S.self)
            ).values
            let r0 = zip(y, design.times(w0)).map { $0 - $1 }
            let gradient = trace.record(
                "grad", symbol: "∇ℓ(w₀)", formula: "∇½‖y − Xw‖² = −Xᵀ(y − Xw₀)",
                Tensor(vector: design.transposeTimes(r0).map { -$0 })
            ).values
            let decayed = (0..<p).map { j in (penalised[j] ? S.one - eta * alpha : S.one) * w0[j] - eta * gradient[j] }
            trace.record(
                "w_step", symbol: "w₁",
                formula: "w₁ = (1 − ηα)w₀ − η∇ℓ(w₀) (no decay on the intercept unless decay_intercept)", role: .output,
                Tensor(vector: decayed))
            let viaPenalty = (0..<p).map { j in w0[j] - eta * (gradient[j] + (penalised[j] ? alpha * w0[j] : .zero)) }
            trace.record(
                "sgd_check", symbol: "difference", formula: "w₁ − (w₀ − η∇(ℓ + ½α‖D^½w‖²)) = 0", role: .check,
                Tensor(vector: zip(decayed, viaPenalty).map { $0 - $1 }))
        }
        return trace
    }
}
