import Exact

/// Formulas that several normalization operations use, each written once
/// (the recording of intermediates stays with each operation).
enum NormalizationFormulas {
    /// The mean and the biased variance (1/m) Σ (x − μ)² of `values`, two
    /// passes, each sum left to right.
    static func meanAndVariance<S: ReferenceScalar>(_ values: [S]) -> (mean: S, variance: S) {
        let m = S(Rational(values.count))
        let mean = sum(values) / m
        return (mean, sum(values.map { ($0 - mean) * ($0 - mean) }) / m)
    }

    /// Eval-mode batch norm is one affine map per channel (notes 002 Eq. 49):
    /// y = a·x + b with a = γ/√(Var + ε) (`std` is that root, or √Var + ε
    /// with ε outside) and b = β − a·E[x].
    static func evalScale<S: ReferenceScalar>(gamma: S, std: S) -> S { gamma / std }

    static func evalShift<S: ReferenceScalar>(beta: S, scale: S, mean: S) -> S { beta - scale * mean }

    static func evalAffine<S: ReferenceScalar>(_ x: S, scale: S, shift: S) -> S { scale * x + shift }
}

extension BatchNormConvention {
    /// Averaging the standard deviation (notes 000 Eq. 4, notes 004): the
    /// running σ̄ is updated with the batch's σ like any running statistic,
    /// and the running variance is its square.
    func averagedStandardDeviation<S: ReferenceScalar>(
        oldStd: S, batchStd: S, seen: Int, momentum: Rational
    ) -> (std: S, variance: S) {
        let std = update(old: oldStd, batch: batchStd, seen: seen, momentum: momentum)
        return (std, std * std)
    }
}
