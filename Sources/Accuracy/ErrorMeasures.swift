import Exact

/// The measures NormLab's tolerance policy is stated in, each written once:
/// distances in ulp from the correctly rounded exact value, absolute errors
/// formed exactly, norms scaled against overflow, normwise relative errors
/// and LRE. The vector checker, the kernel conformance checks and the test
/// helpers all measure through here.
///
/// Non-finite values. Exact values are finite, but their correct rounding
/// may be ±∞ (an exact result beyond the precision's range). Then the
/// computed value must be that same infinity: a match is exact (0 ulp, and
/// the element leaves both norms), anything else is an infinite error. A
/// computed NaN, or a computed ∞ where the rounding is finite, is an
/// infinite error.
public enum ErrorMeasures {
    /// ulp distance between `computed` and the correct rounding of `exact` in F.
    public static func ulps<F: BinaryFloatingPoint>(_ computed: F, _ exact: Surd) -> UInt64
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        let rounded = exact.rounded(to: F.self)
        if rounded.isInfinite && computed != rounded { return .max }
        return ulpDistance(computed, rounded)
    }

    /// |computed − exact|, formed exactly and rounded once to Double;
    /// +∞ for a non-finite computed value.
    public static func absoluteError(_ computed: Double, _ exact: Surd) -> Double {
        guard computed.isFinite, let value = try? Rational(exactly: computed) else { return .infinity }
        return (Surd(value) - exact).magnitude.rounded(to: Double.self)
    }

    /// max(0, |computed − exact| − allowance), formed exactly and rounded once.
    public static func excessError(_ computed: Double, _ exact: Surd, allowance: Surd) -> Double {
        guard computed.isFinite, let value = try? Rational(exactly: computed) else { return .infinity }
        let excess = (Surd(value) - exact).magnitude - allowance
        return excess > Surd.zero ? excess.rounded(to: Double.self) : 0
    }

    /// ‖values‖₂, scaled by the largest magnitude so the squares cannot
    /// overflow or underflow; ∞ if any value is.
    public static func norm(_ values: [Double]) -> Double {
        let largest = values.map(\.magnitude).max() ?? 0
        guard largest > 0, largest.isFinite else { return largest.isNaN ? .infinity : largest }
        return largest * values.reduce(0) { $0 + ($1 / largest) * ($1 / largest) }.squareRoot()
    }

    /// The elements whose correctly rounded exact value is finite in F, and
    /// whether every other element was computed as exactly that infinity.
    public static func finiteElements<F: BinaryFloatingPoint>(
        _ computed: [Double], _ exact: [Surd], as _: F.Type
    ) -> (kept: [Int], infinitiesMatch: Bool)
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        var kept: [Int] = []
        var match = true
        for index in exact.indices {
            let rounded = exact[index].rounded(to: F.self)
            if rounded.isInfinite {
                match = match && Double(rounded) == computed[index]
            } else {
                kept.append(index)
            }
        }
        return (kept, match)
    }

    /// ‖computed − exact‖₂ / `scaleNorm` over the elements whose rounding is
    /// finite in F (∞ when an overflowing element is not that infinity);
    /// 0 when the error is 0, ∞ when only the scale is.
    public static func normwise<F: BinaryFloatingPoint>(
        _ computed: [Double], _ exact: [Surd], scaleNorm: (_ kept: [Int]) -> Double, as _: F.Type
    ) -> Double
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        let (kept, match) = finiteElements(computed, exact, as: F.self)
        guard match else { return .infinity }
        let errorNorm = norm(kept.map { absoluteError(computed[$0], exact[$0]) })
        if errorNorm == 0 { return 0 }
        let scale = scaleNorm(kept)
        return scale == 0 ? .infinity : errorNorm / scale
    }

    /// ‖computed − exact‖₂ / ‖exact‖₂ (the absolute ‖computed − exact‖₂ when
    /// the exact tensor is zero), by `normwise`.
    public static func normwiseRelative<F: BinaryFloatingPoint>(_ computed: [Double], _ exact: [Surd], as _: F.Type)
        -> Double
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        normwise(
            computed, exact,
            scaleNorm: { kept in
                let scale = norm(kept.map { exact[$0].rounded(to: Double.self) })
                return scale == 0 ? 1 : scale
            }, as: F.self)
    }

    /// max over elements of |computed − exact| / ulp(scale), the ulp of F at
    /// each element's `scale`.
    public static func maxScaledUlp<F: BinaryFloatingPoint>(
        _ computed: [Double], _ exact: [Surd], scale: [Surd], as _: F.Type
    ) -> Double
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        var worst = 0.0
        for index in computed.indices {
            let error = absoluteError(computed[index], exact[index])
            let unit = Double(unitInLastPlace(of: scale[index].rounded(to: F.self)))
            worst = max(worst, error / unit)
        }
        return worst
    }

    /// Correct significant digits, −log₁₀ of a relative error, between 0 and
    /// the digits F carries (NIST's LRE).
    public static func lre<F: BinaryFloatingPoint>(relativeError: Double, as _: F.Type) -> Double {
        let digits = Double(F.significandBitCount + 1) * 0.30102999566398120
        guard relativeError > 0 else { return digits }
        guard relativeError.isFinite else { return 0 }
        return min(digits, max(0, -log10(relativeError)))
    }

    /// LRE of one value against its exact reference (NIST StRD):
    /// −log₁₀(|value − reference|/|reference|), or −log₁₀|value − reference|
    /// when the reference is 0; between 0 and `cap` (the digits the reference
    /// is known to), and `cap` when the value is exact. The relative error is
    /// formed exactly, so it may lie far below Double's range.
    public static func logRelativeError(_ value: Double, reference: Surd, cap: Double = 15) -> Double {
        guard value.isFinite, let exact = try? Rational(exactly: value) else { return 0 }
        let difference = (Surd(exact) - reference).magnitude
        if difference.isZero { return cap }
        let relative = reference.isZero ? difference : difference / reference.magnitude
        // Scale by powers of ten into Double's range before taking log₁₀.
        var (scaled, _) = relative.enclosure(bits: 64)
        var shift = 0.0
        while scaled < Rational(1) && shift < 400 {
            scaled = scaled * Rational(10)
            shift += 1
        }
        return max(0, min(cap, shift - log10(scaled.rounded(to: Double.self))))
    }

    /// ⌈log₂ m⌉, at least 1: the depth of a pairwise reduction over m terms.
    public static func log2Ceiling(_ m: Int) -> Int {
        var depth = 1
        while depth < Int.bitWidth - 2 && (1 << depth) < m { depth += 1 }
        return depth
    }

    /// The unit roundoff u = 2⁻ᵖ of F (2⁻⁵³ for Double, 2⁻²⁴ for Float).
    public static func unitRoundoff<F: BinaryFloatingPoint>(_: F.Type) -> Double {
        Double(sign: .plus, exponent: -(F.significandBitCount + 1), significand: 1)
    }
}

/// log₁₀ by the atanh series, accurate far beyond the 0.01 an LRE is quoted
/// to, without depending on a C math library.
func log10(_ value: Double) -> Double {
    guard value > 0, value.isFinite else { return value == 0 ? -.infinity : .nan }
    let exponent = Double(value.exponent)
    let t = (value.significand - 1) / (value.significand + 1)
    var term = t
    var sum = 0.0
    var power = 1.0
    for _ in 0..<30 {
        sum += term / power
        term *= t * t
        power += 2
    }
    return (exponent * 0.69314718055994531 + 2 * sum) / 2.302585092994045684
}
