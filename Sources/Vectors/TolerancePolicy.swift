import Accuracy
import Exact
import Reference

/// How an output tensor is judged in the vectors (DESIGN.md "Golden
/// vectors"): exactly, elementwise in ulp against the correctly rounded
/// value, or normwise relative error where cancellation makes elementwise
/// ulp meaningless.
public enum ToleranceMetric: String, Sendable {
    case exact
    case ulp
    case normwise
}

/// The bound one output of one case is held to, with the rule that produced it.
public struct Tolerance: Sendable {
    public let metric: ToleranceMetric
    /// ulp count for `.ulp`, relative error for `.normwise`, 0 for `.exact`.
    public let bound: Double
    /// The rule in words, e.g. "4 ulp" or "16·u·⌈log₂ m⌉, m = 12".
    public let rule: String

    public init(metric: ToleranceMetric, bound: Double, rule: String) {
        self.metric = metric
        self.bound = bound
        self.rule = rule
    }

    public static let exact = Tolerance(metric: .exact, bound: 0, rule: "exact")

    public static func ulp(_ count: Int, rule: String? = nil) -> Tolerance {
        Tolerance(metric: .ulp, bound: Double(count), rule: rule ?? "\(count) ulp")
    }

    public static func normwise(_ bound: Double, rule: String) -> Tolerance {
        Tolerance(metric: .normwise, bound: bound, rule: rule)
    }

    /// Whether a measured error meets the bound (`ErrorMeasures`' rules for
    /// infinities and NaN apply: an unmatched one is an infinite error).
    public func accepts(_ error: TensorError) -> Bool {
        switch metric {
        case .exact: return error.maxUlp == 0
        case .ulp: return error.maxUlp != .max && Double(error.maxUlp) <= bound
        case .normwise: return error.normwiseRelative <= bound
        }
    }
}

/// What NormLab's SIMD kernels are held to, measured against the exact
/// trace (KERNELS.md derives each bound).
public struct KernelBound: Sendable {
    public enum Measure: Sendable {
        /// Elementwise ulp against the correctly rounded exact value.
        case ulp
        /// |Δ| / ulp(|γx̂| + |β|) in training, ulp(|a·x| + |b|) in eval.
        case ulpOfAffineTerms
        /// ‖Δ‖₂ / (u·⌈log₂ m⌉·‖γ·∂ℓ/∂y·invstd‖₂) over the finite elements.
        case normwiseGradient
        /// max_c |Δ_c| / (u·Σ|terms of c|) (∂γ: terms ∂ℓ/∂y·x̂; ∂β: ∂ℓ/∂y).
        case sumRelative
    }

    public let measure: Measure
    public let bound: Double
    /// What is measured, in words.
    public let rule: String
}

/// NormLab's tolerance policy, in one table: the bound every output of every
/// vector family is held to (what any numerically careful implementation
/// meets), and the stricter bounds NormLab's own kernels state. u is the
/// unit roundoff of the case's precision, m the size of a normalised group.
///
/// Infinities and NaN: an exact value is finite, but its correct rounding
/// may be ±∞; an implementation must then give that same infinity (the
/// element then leaves the normwise norms). Any other non-finite result — a
/// NaN, an ∞ where the rounding is finite, a finite value where it is ∞ — is
/// an infinite error and fails every bound (`ErrorMeasures`).
public enum TolerancePolicy {
    /// u = 2⁻⁵³ (f64) or 2⁻²⁴ (f32).
    public static func unitRoundoff(_ precision: TargetPrecision) -> Double {
        precision == .f32 ? ErrorMeasures.unitRoundoff(Float.self) : ErrorMeasures.unitRoundoff(Double.self)
    }

    /// Sums of m terms (statistics, gradients): 16·u·⌈log₂ m⌉ normwise.
    static func sums(m: Int, u: Double) -> Tolerance {
        .normwise(16 * Double(ErrorMeasures.log2Ceiling(m)) * u, rule: "16·u·⌈log₂ m⌉, m = \(m)")
    }

    // MARK: - The vector families

    /// Training-mode batch, layer and group norm. The statistics normwise like
    /// every sum (a mean of values that nearly cancel has no elementwise bound
    /// without compensated summation); x̂ and y normwise, because near x ≈ μ
    /// the subtraction x − μ cancels and any μ rounded to working precision
    /// costs many ulp of a tiny x̂; the gradients normwise, since they are sums
    /// that cancel. Batch norm's running statistics are one update: 4 ulp.
    public static func normalizationTraining(_ input: CaseInput, _ trace: Trace<Surd>) -> [(
        output: String, tolerance: Tolerance
    )] {
        let u = unitRoundoff(input.precision)
        let sum = sums(m: trace.layout?.groupSize ?? 1, u: u)
        let normalized = Tolerance.normwise(8 * u, rule: "8·u")
        if trace.op == BatchNormOperation.name {
            var result: [(String, Tolerance)] = [
                ("mean", sum), ("var", sum), ("xhat", normalized), ("y", normalized),
                ("running_mean", .ulp(4)), ("running_var", .ulp(4)),
            ]
            if input.tensor("dy") != nil { result += [("dx", sum), ("dgamma", sum), ("dbeta", sum)] }
            return result
        }
        return [
            ("mean", sum), ("var", sum), ("xhat", normalized), ("y", normalized), ("dx", sum), ("dgamma", sum),
            ("dbeta", sum),
        ]
    }

    /// Eval-mode batch norm: y = a·x + b normwise 8·u; ∂ℓ/∂x = a·∂ℓ/∂y, one product: 4 ulp.
    public static func batchNormEval(_ input: CaseInput, _: Trace<Surd>) -> [(output: String, tolerance: Tolerance)] {
        [("y", .normwise(8 * unitRoundoff(input.precision), rule: "8·u")), ("dx", .ulp(4))]
    }

    /// Running statistics over a few batches: 8 ulp; the eval output 16·u normwise.
    public static func runningStatistics(_ input: CaseInput, _: Trace<Surd>) -> [(
        output: String, tolerance: Tolerance
    )] {
        [
            ("running_mean", .ulp(8)), ("running_var", .ulp(8)),
            ("y", .normwise(16 * unitRoundoff(input.precision), rule: "16·u")),
        ]
    }

    /// Folding batch norm into a layer: short products and sums, 16·u normwise.
    public static func batchNormFold(_ input: CaseInput, _: Trace<Surd>) -> [(output: String, tolerance: Tolerance)] {
        let bound = Tolerance.normwise(16 * unitRoundoff(input.precision), rule: "16·u")
        return [("y", bound), ("W_folded", bound), ("bias_folded", bound), ("y_folded", bound)]
    }

    /// Dropout with a mask: one scale and one product, 1 ulp.
    public static func dropoutMask(_: CaseInput, _: Trace<Surd>) -> [(output: String, tolerance: Tolerance)] {
        [
            ("y", .ulp(1, rule: "1 ulp: allows x·fl(1/(1 − p)) as well as x/(1 − p)")),
            ("dx", .ulp(1, rule: "1 ulp: allows dy·fl(1/(1 − p))")),
        ]
    }

    /// Expectations over masks: 64·u normwise.
    public static func dropoutRegression(_ input: CaseInput, _: Trace<Surd>) -> [(
        output: String, tolerance: Tolerance
    )] {
        let bound = Tolerance.normwise(64 * unitRoundoff(input.precision), rule: "64·u")
        return [("lhs", bound), ("rhs", bound), ("e_gram", bound)]
    }

    /// Ridge on well-conditioned systems: 1024·u normwise.
    public static func ridge(_ input: CaseInput, _: Trace<Surd>) -> [(output: String, tolerance: Tolerance)] {
        let bound = Tolerance.normwise(
            1024 * unitRoundoff(input.precision), rule: "1024·u (these systems have condition numbers below 100)")
        return [("w", bound), ("residual_sd", bound), ("r_squared", bound), ("w_sd", bound)]
    }

    /// Bias–variance: sums over every dataset, 4096·u normwise.
    public static func biasVariance(_ input: CaseInput, _: Trace<Surd>) -> [(output: String, tolerance: Tolerance)] {
        let bound = Tolerance.normwise(4096 * unitRoundoff(input.precision), rule: "4096·u (sums over every dataset)")
        return [("bias2", bound), ("variance", bound), ("bayes_error", bound), ("risk", bound)]
    }

    // MARK: - NormLab's kernels

    /// The bound the kernels state for `field` of `op` (KERNELS.md):
    ///
    /// | output | bound |
    /// |---|---|
    /// | mean, var, running stats, x̂ | 4 ulp elementwise |
    /// | y | 4 ulp of \|γx̂\| + \|β\| (eval: of \|a·x\| + \|b\|), elementwise |
    /// | ∂x | ‖Δ‖₂ ≤ 16·u·⌈log₂ m⌉·‖γ·∂ℓ/∂y·invstd‖₂ |
    /// | ∂γ, ∂β | \|Δ_c\| ≤ 6u·Σ\|∂ℓ/∂y·x̂\| and 2u·Σ\|∂ℓ/∂y\|, plus half the least subnormal |
    /// | dropout y, ∂x | 2 ulp (one rounded scale fl(1/fl(1 − p)), then one product) |
    public static func kernelBound(op: String, field: String, groupSize m: Int) -> KernelBound {
        if op == Dropout.name { return KernelBound(measure: .ulp, bound: 2, rule: "ulp") }
        switch field {
        case "y":
            return KernelBound(measure: .ulpOfAffineTerms, bound: 4, rule: "ulp of |γx̂| + |β|")
        case "dx":
            return KernelBound(
                measure: .normwiseGradient, bound: 16, rule: "‖Δ‖₂ / (u·⌈log₂ m⌉·‖γ·g·invstd‖₂), m = \(m)")
        case "dgamma":
            return KernelBound(measure: .sumRelative, bound: 6, rule: "|Δ| / (u·Σ|g·x̂|)")
        case "dbeta":
            return KernelBound(measure: .sumRelative, bound: 2, rule: "|Δ| / (u·Σ|g|)")
        default:
            return KernelBound(measure: .ulp, bound: 4, rule: "ulp")
        }
    }
}
