import Exact
import SplitMix

/// Dropout on the inputs of linear regression is weight decay in expectation
/// (course notes Eqs. 7.13–7.14; Srivastava et al. 2014):
///
///   E_R‖y − (R⊙X)w‖² = ‖y − (1−p)Xw‖² + p(1−p)·wᵀdiag(XᵀX)w
///                    = ‖y − Xw̃‖² + (p/(1−p))·w̃ᵀdiag(XᵀX)w̃,   w̃ = (1−p)w,
///
/// with R an n × d matrix of independent keep bits (P(keep) = 1 − p, plain
/// dropout: no rescaling). The notes write the left side of 7.13's expansion
/// and of 7.14 as ‖·‖₂ without the square; the identity holds for the
/// squared norm, which is what is computed here.
///
/// Inputs `X` (n × d), `y` (n), `w` (d); parameter `p` ∈ [0, 1) (default 1/2);
/// `samples` (default 0) and `seed` (default 1) add a Monte-Carlo estimate in
/// Double. Every expectation is computed by enumeration: the mask moments
/// grouped by kept count, and the objective row by row over all 2^d row masks
/// (d ≤ 20), then checked against the closed forms, exactly.
public enum DropoutRegression: ReferenceOperation {
    public static let name = "dropout-regression"
    public static let summary = "E_R‖y − (R⊙X)w‖² by enumeration = ‖y − (1−p)Xw‖² + p(1−p)wᵀdiag(XᵀX)w, checked exactly"

    public static func run<S: ReferenceScalar>(_ input: CaseInput, as _: S.Type) throws -> Trace<S> {
        let pValue = try Dropout.readP(input)
        guard pValue >= 0, pValue < 1 else {
            throw ReferenceError(
                "parameter p = \(valueText(pValue)) must lie in [0, 1) (the rescaled form divides by 1 − p)")
        }
        let xTensor = try input.requiredTensor("X")
        let yTensor = try input.requiredTensor("y")
        let wTensor = try input.requiredTensor("w")
        guard xTensor.shape.count == 2, xTensor.count > 0 else {
            throw ReferenceError("input X has shape \(xTensor.shape); it must be a non-empty matrix n × d")
        }
        let n = xTensor.shape[0]
        let d = xTensor.shape[1]
        guard yTensor.count == n else {
            throw ReferenceError("input y has \(yTensor.count) values but X has \(n) rows")
        }
        guard wTensor.count == d else {
            throw ReferenceError("input w has \(wTensor.count) values but X has \(d) columns")
        }
        try MaskEnumeration.checkSize(units: d, repeats: n, cost: d, what: "row masks of X (\(n) × \(d))")
        let samples = try input.samplesParam()

        var trace = Trace<S>(op: name, params: [("p", .number(pValue)), ("variant", .word("plain"))])
        let x = Matrix(
            trace.record("X", symbol: "X", formula: "inputs, n × d", role: .input, xTensor.converted(to: S.self)))
        let y = trace.record("y", symbol: "y", formula: "targets", role: .input, yTensor.converted(to: S.self)).values
        let w = trace.record("w", symbol: "w", formula: "weights", role: .input, wTensor.converted(to: S.self)).values
        let p = S(pValue)
        let q = S.one - p

        trace.record(
            "mask_probability", symbol: "P(j kept)",
            formula: "C(d, j)(1 − p)^j p^(d−j), j = 0…d: the masks of a row grouped by kept count",
            Tensor(
                vector: MaskEnumeration.maskProbabilities(units: d, p: p).enumerated().map {
                    S(Rational(MaskEnumeration.binomial(d, $0.offset))) * $0.element
                }))
        // E[r_j]: masks with j kept that keep a given unit: C(d−1, j−1) of them.
        let keepFirst = MaskEnumeration.expectationByKeptCount(units: d, p: p) { j in S(j) / S(d) }
        trace.record(
            "e_r", symbol: "E[r_j]", formula: "Σ_j C(d, j)(1−p)^j p^(d−j)·(j/d) — closed form 1 − p",
            Tensor(scalar: keepFirst))
        let keepPair =
            d >= 2
            ? MaskEnumeration.expectationByKeptCount(units: d, p: p) { j in S(j * (j - 1)) / S(d * (d - 1)) } : q * q
        trace.record(
            "e_rr", symbol: "E[r_j r_l], j ≠ l",
            formula: "Σ_j C(d, j)(1−p)^j p^(d−j)·j(j−1)/(d(d−1)) — closed form (1 − p)²", Tensor(scalar: keepPair))
        trace.record(
            "moment_check", symbol: "differences", formula: "(E[r_j] − (1 − p), E[r_j r_l] − (1 − p)²) = 0",
            role: .check,
            Tensor(vector: [keepFirst - q, keepPair - q * q]))

        let eRX = trace.record(
            "e_rx", symbol: "E[R⊙X]", formula: "E[r_j]·X — closed form (1 − p)X", x.tensor.map { keepFirst * $0 })
        let gram = x.gram
        var eGram = gram
        for j in 0..<d { for l in 0..<d { eGram[j, l] = (j == l ? keepFirst : keepPair) * gram[j, l] } }
        trace.record("gram", symbol: "XᵀX", formula: "Σ_i x_ij x_il", gram.tensor)
        trace.record(
            "e_gram", symbol: "E[(R⊙X)ᵀ(R⊙X)]", formula: "E[r_j r_l]·(XᵀX)_jl: (1−p)² off the diagonal, (1−p) on it",
            eGram.tensor)
        var gramCheck = eGram
        for j in 0..<d { for l in 0..<d { gramCheck[j, l] = eGram[j, l] - (j == l ? q : q * q) * gram[j, l] } }
        trace.record(
            "e_gram_check", symbol: "difference",
            formula: "E[(R⊙X)ᵀ(R⊙X)] − ((1−p)²XᵀX off-diagonal, (1−p)XᵀX diagonal) = 0", role: .check, gramCheck.tensor)

        // Left side two ways: through the moments, and row by row over all masks.
        let eRXw = Matrix(eRX).times(w)
        let lhs = dot(y, y) - S(2) * dot(y, eRXw) + dot(w, eGram.times(w))
        trace.record(
            "lhs", symbol: "E_R‖y − (R⊙X)w‖²",
            formula: "yᵀy − 2yᵀE[R⊙X]w + wᵀE[(R⊙X)ᵀ(R⊙X)]w (note: Eq. 7.13–7.14 drop the square on the left)",
            Tensor(scalar: lhs))
        var enumerated = S.zero
        for i in 0..<n {
            let row = (0..<d).map { x[i, $0] * w[$0] }
            let moments = try MaskEnumeration.moments(units: d, p: p) { mask in
                var prediction = S.zero
                for j in 0..<d where mask & (UInt64(1) << UInt64(j)) != 0 { prediction += row[j] }
                return y[i] - prediction
            }
            enumerated += moments.secondMoment
        }
        trace.record(
            "lhs_enumerated", symbol: "Σ_i Σ_r P(r)(y_i − Σ_j r_j x_ij w_j)²",
            formula: "the same expectation over all 2^d masks of each row", Tensor(scalar: enumerated))

        let qXw = x.times(w).map { q * $0 }
        let fit = zip(y, qXw).map { ($0 - $1) * ($0 - $1) }.reduce(S.zero, +)
        trace.record(
            "fit_term", symbol: "‖y − (1−p)Xw‖²", formula: "squared residual of the weight-scaled model",
            Tensor(scalar: fit))
        var diagonalForm = S.zero
        for j in 0..<d { diagonalForm += w[j] * gram[j, j] * w[j] }
        let penalty = p * q * diagonalForm
        trace.record(
            "penalty", symbol: "p(1−p)wᵀdiag(XᵀX)w", formula: "Ω(w): weight decay with α_j = 2p(1−p)(XᵀX)_jj",
            Tensor(scalar: penalty))
        let rhs = trace.record(
            "rhs", symbol: "‖y − (1−p)Xw‖² + Ω(w)", formula: "fit_term + penalty", Tensor(scalar: fit + penalty))[0]
        trace.record(
            "identity_check", symbol: "lhs − rhs",
            formula: "E_R‖y − (R⊙X)w‖² − (‖y − (1−p)Xw‖² + p(1−p)wᵀdiag(XᵀX)w) = 0", role: .check,
            Tensor(scalar: lhs - rhs))
        trace.record(
            "enumeration_check", symbol: "lhs − lhs_enumerated", formula: "moments versus full enumeration = 0",
            role: .check, Tensor(scalar: lhs - enumerated))

        let wTilde = trace.record("w_tilde", symbol: "w̃", formula: "w̃ = (1 − p)w", Tensor(vector: w.map { q * $0 }))
            .values
        let xwTilde = x.times(wTilde)
        let fitTilde = zip(y, xwTilde).map { ($0 - $1) * ($0 - $1) }.reduce(S.zero, +)
        var diagonalTilde = S.zero
        for j in 0..<d { diagonalTilde += wTilde[j] * gram[j, j] * wTilde[j] }
        let penaltyTilde = trace.record(
            "penalty_rescaled", symbol: "(p/(1−p))w̃ᵀdiag(XᵀX)w̃", formula: "Eq. 7.14's Ω in the rescaled weights",
            Tensor(scalar: p / q * diagonalTilde))[0]
        let rhsTilde = trace.record(
            "rhs_rescaled", symbol: "‖y − Xw̃‖² + (p/(1−p))w̃ᵀdiag(XᵀX)w̃", formula: "Eq. 7.14's right side",
            Tensor(scalar: fitTilde + penaltyTilde))[0]
        trace.record(
            "rescaled_check", symbol: "lhs − rhs_rescaled", formula: "= 0", role: .check, Tensor(scalar: lhs - rhsTilde)
        )

        if samples > 0 {
            let seed = try input.seedParam()
            trace.setParameter("samples", .number(Rational(samples)))
            trace.setParameter("seed", .number(Rational(BigInt(UInt(seed)))))
            let estimate = monteCarlo(
                x: xTensor, y: yTensor, w: wTensor, p: pValue.rounded(to: Double.self), samples: samples, seed: seed)
            recordMonteCarlo(estimate, into: &trace, symbol: "mean of ‖y − (R⊙X)w‖² over sampled R")
        }
        return trace
    }

    /// The Monte-Carlo estimate of E_R‖y − (R⊙X)w‖² in Double: `samples`
    /// independent n × d masks from SplitMix64(seed), row-major, keep iff u ≥ p.
    public static func monteCarlo(
        x: Tensor<Rational>, y: Tensor<Rational>, w: Tensor<Rational>, p: Double, samples: Int, seed: UInt64
    ) -> MonteCarloEstimate {
        let n = x.shape[0]
        let d = x.shape[1]
        let xs = x.values.map { $0.rounded(to: Double.self) }
        let ys = y.values.map { $0.rounded(to: Double.self) }
        let ws = w.values.map { $0.rounded(to: Double.self) }
        var generator = SplitMix64(seed: seed)
        var values: [Double] = []
        values.reserveCapacity(samples)
        for _ in 0..<samples {
            var loss = 0.0
            for i in 0..<n {
                var prediction = 0.0
                for j in 0..<d where generator.keep(dropProbability: p) { prediction += xs[i * d + j] * ws[j] }
                loss += (ys[i] - prediction) * (ys[i] - prediction)
            }
            values.append(loss)
        }
        return MonteCarloEstimate(values: values)
    }
}

/// Records a Monte-Carlo estimate (computed in Double whatever S is; the
/// exact column shows the exact value of that double).
func recordMonteCarlo<S: ReferenceScalar>(_ estimate: MonteCarloEstimate, into trace: inout Trace<S>, symbol: String) {
    func scalar(_ value: Double) -> S { S((try? Rational(exactly: value)) ?? 0) }
    trace.record(
        "mc_estimate", symbol: symbol,
        formula:
            "Monte-Carlo mean in f64 over \(estimate.samples) samples (SplitMix64; keep iff u ≥ p, u = (next() >> 11)·2⁻⁵³)",
        Tensor(scalar: scalar(estimate.mean)))
    trace.record(
        "mc_interval", symbol: "[lower, upper]",
        formula: "mean ± 3.2905·s/√N: a 99.9% normal-approximation confidence interval",
        Tensor(vector: [scalar(estimate.lower), scalar(estimate.upper)]))
}
