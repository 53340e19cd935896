import Exact

/// Input standardization (notes 000 Eqs. 1–3, notes 002 Eq. 3): the values
/// of x (any shape, taken in row-major order) → mean, variance with the
/// `correction` (0: divide by N, 1: by N − 1; default 1), standard deviation,
/// z-scores, and the lag-1 autocorrelation Σᵢ₌₂(yᵢ − ȳ)(yᵢ₋₁ − ȳ)/Σ(yᵢ − ȳ)²
/// as NIST StRD defines it.
public enum StandardizeOperation: ReferenceOperation {
    public static let name = "standardize"
    public static let summary = "Mean, variance (N or N-1), std, z-scores and lag-1 autocorrelation"

    @_specialize(where S == Surd)
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public static func run<S: ReferenceScalar>(_ input: CaseInput, as _: S.Type) throws -> Trace<S> {
        let xExact = try input.requiredTensor("x")
        let n = xExact.count
        guard n > 0 else { throw ReferenceError("input x is empty: an empty sample has no mean") }
        let correction = try input.integerParam("correction") ?? 1
        guard correction == 0 || correction == 1 else {
            throw ReferenceError("correction = \(correction) must be 0 (divide by N) or 1 (divide by N − 1)")
        }
        guard n - correction > 0 else {
            throw ReferenceError(
                "x has N = 1 value: the N − 1 variance (correction = 1) is undefined; give more values or correction = 0"
            )
        }
        if xExact.values.allSatisfy({ $0 == xExact.values[0] }) {
            throw ReferenceError(
                "x is constant (every value is \(valueText(xExact.values[0]))): std = 0, so z and the autocorrelation are undefined"
            )
        }
        var trace = Trace<S>(op: name, params: [("correction", .number(Rational(correction)))])
        let x = trace.record("x", symbol: "x", formula: "input", role: .input, xExact.converted(to: S.self)).values
        let shape = xExact.shape
        let count = S(Rational(n))
        let mean = trace.record(
            "mean", symbol: "x̄", formula: "x̄ = (1/N) Σ x", role: .output, Tensor(scalar: sum(x) / count)
        ).values[0]
        let centered = trace.record(
            "centered", symbol: "x − x̄", formula: "x − x̄", Tensor(shape: shape, values: x.map { $0 - mean })
        ).values
        let squares = trace.record(
            "centered_sq", symbol: "(x − x̄)²", formula: "(x − x̄)²",
            Tensor(shape: shape, values: centered.map { $0 * $0 })
        ).values
        let sumSquares = trace.record(
            "sum_sq", symbol: "Σ(x − x̄)²", formula: "Σ (x − x̄)²", Tensor(scalar: sum(squares))
        ).values[0]
        let variance = trace.record(
            "var", symbol: "s²", formula: correction == 1 ? "s² = Σ(x − x̄)²/(N − 1)" : "σ² = Σ(x − x̄)²/N",
            role: .output,
            Tensor(scalar: sumSquares / S(Rational(n - correction)))
        ).values[0]
        let std = trace.record(
            "std", symbol: "s", formula: "√s²", role: .output, Tensor(scalar: try squareRoot(variance, what: "√var"))
        ).values[0]
        let z = trace.record(
            "z", symbol: "z", formula: "z = (x − x̄)/s", role: .output,
            Tensor(shape: shape, values: centered.map { $0 / std })
        ).values
        let products = trace.record(
            "lag_products", symbol: "(yᵢ − ȳ)(yᵢ₋₁ − ȳ)", formula: "(yᵢ − ȳ)(yᵢ₋₁ − ȳ), i = 2…N",
            Tensor(vector: n < 2 ? [] : (1..<n).map { centered[$0] * centered[$0 - 1] })
        ).values
        trace.record(
            "autocorr_lag1", symbol: "r₁", formula: "r₁ = Σᵢ₌₂(yᵢ − ȳ)(yᵢ₋₁ − ȳ) / Σ(yᵢ − ȳ)²", role: .output,
            Tensor(scalar: sum(products) / sumSquares))
        trace.record("sum_z", symbol: "Σz", formula: "Σ z  (exactly 0)", role: .check, Tensor(scalar: sum(z)))
        trace.record(
            "sum_z_sq_minus_dof", symbol: "Σz² − (N − correction)", formula: "Σ z² − (N − correction)  (exactly 0)",
            role: .check,
            Tensor(scalar: sum(z.map { $0 * $0 }) - S(Rational(n - correction))))
        return trace
    }
}
