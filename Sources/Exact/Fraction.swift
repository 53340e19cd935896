/// An unreduced fraction numerator/denominator (denominator > 0), the working
/// form for rounding: enclosures of surds are built with common denominators
/// and rounded without ever paying for a gcd.
struct Fraction {
    var numerator: BigInt
    var denominator: BigInt

    init(_ rational: Rational) {
        numerator = rational.numerator
        denominator = rational.denominator
    }

    init(numerator: BigInt, denominator: BigInt) {
        self.numerator = numerator
        self.denominator = denominator
    }

    var signum: Int { numerator.signum }

    static func + (lhs: Fraction, rhs: Fraction) -> Fraction {
        if lhs.denominator == rhs.denominator {
            return Fraction(numerator: lhs.numerator + rhs.numerator, denominator: lhs.denominator)
        }
        return Fraction(
            numerator: lhs.numerator * rhs.denominator + rhs.numerator * lhs.denominator,
            denominator: lhs.denominator * rhs.denominator)
    }

    /// ⌊log₂|self|⌋ for self ≠ 0.
    var binaryExponent: Int {
        let num = numerator.magnitude
        let guess = num.bitWidth - denominator.bitWidth
        let isAtLeast = guess >= 0 ? num >= denominator.shiftedLeft(guess) : num.shiftedLeft(-guess) >= denominator
        return isAtLeast ? guess : guess - 1
    }

    /// round-half-even(|self| · 2^−exponent) as an integer.
    func magnitudeRoundedHalfEven(timesPowerOfTwo exponent: Int) -> BigInt {
        var num = numerator.magnitude
        var den = denominator
        if exponent >= 0 { num = num.shiftedLeft(exponent) } else { den = den.shiftedLeft(-exponent) }
        return Fraction.roundedHalfEven(num, den)
    }

    /// round-half-even(|self| · 10^exponent) as an integer.
    func magnitudeRoundedHalfEven(timesPowerOfTen exponent: Int) -> BigInt {
        var num = numerator.magnitude
        var den = denominator
        let power = BigInt(10).power(abs(exponent))
        if exponent >= 0 { num = num * power } else { den = den * power }
        return Fraction.roundedHalfEven(num, den)
    }

    static func roundedHalfEven(_ num: BigInt, _ den: BigInt) -> BigInt {
        let (quotient, remainder) = num.quotientAndRemainderFloor(dividingBy: den)
        let twiceRemainder = remainder.shiftedLeft(1)
        if twiceRemainder > den || (twiceRemainder == den && quotient.isOdd) { return quotient + 1 }
        return quotient
    }

    /// The float nearest to self; ties go to the even significand.
    func rounded<F: BinaryFloatingPoint>(to _: F.Type = F.self) -> F
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        let sign: FloatingPointSign = signum < 0 ? .minus : .plus
        if signum == 0 { return 0 }
        let precision = F.significandBitCount + 1
        let minExponent = Int(F.leastNormalMagnitude.exponent)
        let maxExponent = Int(F.greatestFiniteMagnitude.exponent)
        // Quantum: the weight of the last significand bit, fixed at the
        // subnormal spacing below the normal range.
        var quantum = max(binaryExponent, minExponent) - (precision - 1)
        var significand = magnitudeRoundedHalfEven(timesPowerOfTwo: -quantum)
        if significand.bitWidth > precision { // rounding carried into a new binade
            significand = significand.shiftedRightFloor(1)
            quantum += 1
        }
        guard !significand.isZero else { return sign == .minus ? -0.0 : 0.0 }
        let isNormal = significand.bitWidth == precision
        let unbiasedExponent = quantum + precision - 1
        if isNormal && unbiasedExponent > maxExponent {
            return sign == .minus ? -F.infinity : F.infinity
        }
        let fractionMask = (UInt(1) << UInt(F.significandBitCount)) - 1
        let fraction = significand.lowWord & fractionMask
        let biasedExponent = isNormal ? unbiasedExponent - minExponent + 1 : 0
        return F(
            sign: sign,
            exponentBitPattern: F.RawExponent(biasedExponent),
            significandBitPattern: F.RawSignificand(fraction))
    }

    /// ⌊log₁₀|self|⌋ for self ≠ 0.
    var decimalExponent: Int {
        let num = numerator.magnitude
        var guess = Int((Double(binaryExponent) * 0.30102999566398120).rounded(.down))
        func atLeastPowerOfTen(_ exponent: Int) -> Bool {
            let power = BigInt(10).power(abs(exponent))
            return exponent >= 0 ? num >= denominator * power : num * power >= denominator
        }
        while !atLeastPowerOfTen(guess) { guess -= 1 }
        while atLeastPowerOfTen(guess + 1) { guess += 1 }
        return guess
    }

    func roundedDecimal(significantDigits digits: Int) -> DecimalRounding {
        if signum == 0 { return DecimalRounding(isNegative: false, significand: 0, exponent: 0, digits: digits) }
        var exponent = decimalExponent - (digits - 1)
        var significand = magnitudeRoundedHalfEven(timesPowerOfTen: -exponent)
        if significand == BigInt(10).power(digits) {
            significand = BigInt(10).power(digits - 1)
            exponent += 1
        }
        return DecimalRounding(isNegative: signum < 0, significand: significand, exponent: exponent, digits: digits)
    }
}
