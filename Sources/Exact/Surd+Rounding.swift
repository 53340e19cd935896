/// Exact sign, order and correct rounding of surds. An irrational value is
/// enclosed between two rationals using integer square roots,
/// ⌊√(n·4^k)⌋/2^k ≤ √n < (⌊√(n·4^k)⌋ + 1)/2^k, and the enclosure is refined
/// until both ends round alike: rounding is monotone, so the value rounds the
/// same way. An irrational number is never a rounding tie, so this ends.
extension Surd {
    /// A rational interval [lower, upper] containing the value, of width at
    /// most about 2^(magnitude − bits).
    public func enclosure(bits: Int) -> (lower: Rational, upper: Rational) {
        let (lower, upper) = fractionEnclosure(bits: bits)
        return (try! Rational(lower.numerator, lower.denominator), try! Rational(upper.numerator, upper.denominator))
    }

    /// The enclosure as unreduced fractions over one common denominator.
    func fractionEnclosure(bits: Int) -> (lower: Fraction, upper: Fraction) {
        var lower = Fraction(rational)
        var upper = lower
        if terms.isEmpty { return (lower, upper) }
        let magnitude = magnitudeEstimate
        let termBits = bits + terms.count.bitWidth
        for term in terms {
            let k = max(0, term.coefficient.binaryExponent + 2 - magnitude + termBits)
            let root = term.radicand.shiftedLeft(2 * k).integerSquareRoot()
            // c·root/2^k and c·(root+1)/2^k, over the denominator den(c)·2^k
            let denominator = term.coefficient.denominator.shiftedLeft(k)
            let low = Fraction(numerator: term.coefficient.numerator * root, denominator: denominator)
            let high = Fraction(numerator: low.numerator + term.coefficient.numerator, denominator: denominator)
            if term.coefficient.signum > 0 {
                lower = lower + low
                upper = upper + high
            } else {
                lower = lower + high
                upper = upper + low
            }
        }
        return (lower, upper)
    }

    /// An upper estimate of ⌊log₂ of the largest part⌋.
    private var magnitudeEstimate: Int {
        var estimate = rational.isZero ? Int.min : rational.binaryExponent
        for term in terms {
            estimate = max(estimate, term.coefficient.binaryExponent + (term.radicand.bitWidth + 1) / 2)
        }
        return estimate
    }

    /// Applies a monotone rounding to the value, refining the enclosure
    /// until the rounding is decided.
    func decided<T: Equatable>(by round: (Fraction) -> T) -> T {
        if terms.isEmpty { return round(Fraction(rational)) }
        var bits = 64
        while true {
            let (lower, upper) = fractionEnclosure(bits: bits)
            let low = round(lower)
            if low == round(upper) { return low }
            bits *= 2
        }
    }

    /// The float nearest to the value (ties to even, subnormals, overflow).
    public func rounded<F: BinaryFloatingPoint>(to _: F.Type = F.self) -> F
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        if terms.isEmpty { return rational.rounded(to: F.self) }
        if let fast = fastRounded(to: F.self) { return fast }
        return decided { SignedFloat(value: $0.rounded(to: F.self)) }.value
    }

    public var doubleValue: Double { rounded(to: Double.self) }

    /// The value rounded to `digits` significant decimal digits.
    public func roundedDecimal(significantDigits digits: Int) -> DecimalRounding {
        precondition(digits >= 1, "at least one significant digit")
        return decided { $0.roundedDecimal(significantDigits: digits) }
    }

    public func decimalString(significantDigits digits: Int = 17) -> String {
        roundedDecimal(significantDigits: digits).description
    }

    /// −1, 0 or 1, exactly.
    public var signum: Int {
        if terms.isEmpty { return rational.signum }
        if terms.count == 1 {
            // sign(a + b√n): compare a² with b²n when the signs differ.
            let a = rational
            let b = terms[0].coefficient
            if a.signum == 0 || a.signum == b.signum { return b.signum }
            let aSquared = a * a
            let bSquaredN = b * b * Rational(terms[0].radicand)
            return aSquared > bSquaredN ? a.signum : b.signum
        }
        // Independent roots: the value is not zero, so the enclosure clears 0.
        return decided { $0.signum }
    }

    public var magnitude: Surd { signum < 0 ? -self : self }
}

extension Surd: Comparable {
    public static func < (lhs: Surd, rhs: Surd) -> Bool { (lhs - rhs).signum < 0 }
}

/// A float compared by value *and* sign, so that −0.0 and +0.0 differ when
/// deciding a rounding.
private struct SignedFloat<F: BinaryFloatingPoint>: Equatable {
    let value: F
    static func == (lhs: Self, rhs: Self) -> Bool { lhs.value == rhs.value && lhs.value.sign == rhs.value.sign }
}
