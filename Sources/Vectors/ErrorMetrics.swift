import Exact

/// How far a computed tensor is from the exact one: the measures the
/// tolerance policy is stated in.
public struct TensorError: Sendable {
    /// Largest elementwise distance, in ulp, from the correctly rounded exact value.
    public let maxUlp: UInt64
    /// ‖computed − exact‖₂ / ‖exact‖₂ (‖computed − exact‖₂ when the exact tensor is zero).
    public let normwiseRelative: Double
    /// Correct significant digits, −log₁₀ of the normwise relative error,
    /// capped at the digits the precision carries (NIST's LRE).
    public let lre: Double
    /// Index of the element with the largest ulp error.
    public let worstIndex: Int

    public init<F: BinaryFloatingPoint>(computed: [F], exact: [Surd], as _: F.Type = F.self)
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        precondition(computed.count == exact.count)
        var worst: UInt64 = 0
        var worstIndex = 0
        var differenceSquares = 0.0
        var exactSquares = 0.0
        var nonFinite = false
        for (index, value) in computed.enumerated() {
            let rounded = exact[index].rounded(to: F.self)
            let distance = ulpDistance(value, rounded)
            if distance > worst {
                worst = distance
                worstIndex = index
            }
            guard value.isFinite, let exactValue = try? Rational(exactly: Double(value)) else {
                nonFinite = true
                continue
            }
            // The difference is formed exactly and rounded once.
            let difference: Double = (Surd(exactValue) - exact[index]).rounded(to: Double.self)
            let magnitude: Double = exact[index].rounded(to: Double.self)
            differenceSquares += difference * difference
            exactSquares += magnitude * magnitude
        }
        maxUlp = worst
        self.worstIndex = worstIndex
        if nonFinite {
            normwiseRelative = .infinity
        } else {
            normwiseRelative =
                exactSquares > 0 ? (differenceSquares / exactSquares).squareRoot() : differenceSquares.squareRoot()
        }
        let digits = Double(F.significandBitCount + 1) * 0.30102999566398120
        lre = normwiseRelative == 0 ? digits : min(digits, max(0, -log10Approximation(normwiseRelative)))
    }
}

/// log₁₀ without Foundation, accurate to far better than the 0.01 an LRE is quoted to.
func log10Approximation(_ value: Double) -> Double {
    guard value > 0, value.isFinite else { return value == 0 ? -.infinity : .nan }
    let exponent = Double(value.exponent)
    let significand = value.significand // in [1, 2)
    // ln(s) by the atanh series, then convert.
    let t = (significand - 1) / (significand + 1)
    var term = t
    var sum = 0.0
    var power = 1.0
    for _ in 0..<30 {
        sum += term / power
        term *= t * t
        power += 2
    }
    let lnSignificand = 2 * sum
    return (exponent * 0.69314718055994531 + lnSignificand) / 2.302585092994045684
}
