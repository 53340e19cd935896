import Exact

/// The variance two ways: the one-pass textbook identity E[x²] − E[x]² and
/// the two-pass mean of squared deviations. Exactly they agree; in floating
/// point the first cancels catastrophically when the mean is large and the
/// spread small — the numerical-stability lesson runs this in f32 and f64.
///
/// Input `x` (any shape, all values one sample). No parameters.
public enum NaiveVarianceOperation: ReferenceOperation {
    public static let name = "naive-variance"
    public static let summary = "Variance as E[x²] − E[x]² (one pass) versus (1/N)Σ(x − μ)² (two passes)"

    public static func run<S: ReferenceScalar>(_ input: CaseInput, as _: S.Type) throws -> Trace<S> {
        guard let xTensor = input.tensor("x") else { throw ReferenceError("input x is required") }
        guard xTensor.count > 0 else { throw ReferenceError("input x is empty; the variance needs at least one value") }
        var trace = Trace<S>(op: name)
        let x = trace.record("x", symbol: "x", formula: "input", role: .input, xTensor.map { S($0) }).values
        let n = S(x.count)
        var sum = S.zero
        var sumSquares = S.zero
        for value in x {
            sum += value
            sumSquares += value * value
        }
        let mean = trace.record("mean", symbol: "E[x]", formula: "E[x] = (1/N) Σ x", Tensor(scalar: sum / n))[0]
        let meanOfSquares = trace.record(
            "mean_sq", symbol: "E[x²]", formula: "E[x²] = (1/N) Σ x²", Tensor(scalar: sumSquares / n))[0]
        let squaredMean = trace.record(
            "mean_squared", symbol: "E[x]²", formula: "E[x]² = E[x]·E[x]", Tensor(scalar: mean * mean))[0]
        let naive = trace.record(
            "var_naive", symbol: "E[x²] − E[x]²", formula: "one pass: E[x²] − E[x]²", role: .output,
            Tensor(scalar: meanOfSquares - squaredMean))[0]
        let centered = trace.record(
            "centered", symbol: "x − E[x]", formula: "x − E[x]",
            Tensor(shape: xTensor.shape, values: x.map { $0 - mean })
        ).values
        var deviations = S.zero
        for value in centered { deviations += value * value }
        let twoPass = trace.record(
            "var_two_pass", symbol: "(1/N)Σ(x − E[x])²", formula: "two passes: (1/N) Σ (x − E[x])²", role: .output,
            Tensor(scalar: deviations / n))[0]
        trace.record(
            "var_naive_minus_two_pass", symbol: "difference", formula: "one pass − two passes (exactly 0)",
            role: .check,
            Tensor(scalar: naive - twoPass))
        return trace
    }
}
