import Exact

/// LRE, the number of correct significant digits of `value` against the exact
/// `reference` (NIST StRD): −log₁₀(|value − reference|/|reference|), or
/// −log₁₀|value| when the reference is 0; capped at `cap` (the digits the
/// reference is known to), and `cap` when the value is exact.
public func logRelativeError(_ value: Double, reference: Surd, cap: Double = 15) -> Double {
    guard value.isFinite else { return 0 }
    let difference = (Surd(try! Rational(exactly: value)) - reference).magnitude
    if difference.isZero { return cap }
    let relative = reference.isZero ? difference : difference / reference.magnitude
    // log₁₀ of a tiny exact number: scale by a power of ten to stay in Double's range.
    let (lower, _) = relative.enclosure(bits: 64)
    var scaled = lower
    var shift = 0.0
    let ten = Rational(10)
    while scaled < Rational(1) && shift < 400 {
        scaled = scaled * ten
        shift += 1
    }
    let lre = shift - log10Value(scaled.rounded(to: Double.self))
    return max(0, min(cap, lre))
}

private func log10Value(_ value: Double) -> Double {
    // log₁₀ without Foundation: log₁₀ x = log₂ x / log₂ 10.
    guard value > 0 else { return 0 }
    let exponent = Double(value.exponent)
    let significand = value.significand // in [1, 2)
    // ln(s) by a short series around 1: s = (1 + t)/(1 − t).
    let t = (significand - 1) / (significand + 1)
    var term = t
    var total = 0.0
    var k = 1.0
    for _ in 0..<30 {
        total += term / k
        term *= t * t
        k += 2
    }
    let log2Significand = 2 * total / 0.6931471805599453
    return (exponent + log2Significand) / 3.321928094887362
}
