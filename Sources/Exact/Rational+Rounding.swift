/// Correct rounding of exact rationals: to binary floating point (nearest,
/// ties to even, subnormals and overflow as IEEE 754 specifies) and to a
/// number of significant decimal digits. Decided by exact integer arithmetic.
extension Rational {
    /// The float nearest to self; ties go to the even significand.
    public func rounded<F: BinaryFloatingPoint>(to _: F.Type = F.self) -> F
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        if isZero { return 0 }
        let precision = F.significandBitCount + 1
        let minExponent = Int(F.leastNormalMagnitude.exponent)
        let maxExponent = Int(F.greatestFiniteMagnitude.exponent)
        // Quantum: the weight of the last significand bit, fixed at the
        // subnormal spacing below the normal range.
        var quantum = max(binaryExponent, minExponent) - (precision - 1)
        var significand = magnitude.timesPowerOfTwo(-quantum).roundedToIntegerHalfEven()
        if significand.bitWidth > precision { // rounding carried into a new binade
            significand = significand.shiftedRightFloor(1)
            quantum += 1
        }
        let sign: FloatingPointSign = signum < 0 ? .minus : .plus
        guard !significand.isZero else { return sign == .minus ? -0.0 : 0.0 }
        let isNormal = significand.bitWidth == precision
        let unbiasedExponent = quantum + precision - 1
        if isNormal && unbiasedExponent > maxExponent {
            return sign == .minus ? -F.infinity : F.infinity
        }
        let fractionMask = (UInt(1) << UInt(F.significandBitCount)) - 1
        let fraction = significand.lowWord & fractionMask
        let biasedExponent = isNormal ? unbiasedExponent - minExponent + 1 : 0
        return F(sign: sign,
                 exponentBitPattern: F.RawExponent(biasedExponent),
                 significandBitPattern: F.RawSignificand(fraction))
    }

    /// The integer nearest to self, ties to even.
    public func roundedToIntegerHalfEven() -> BigInt {
        let (quotient, remainder) = numerator.quotientAndRemainderFloor(dividingBy: denominator)
        let twiceRemainder = remainder.shiftedLeft(1)
        if twiceRemainder > denominator || (twiceRemainder == denominator && quotient.isOdd) {
            return quotient + 1
        }
        return quotient
    }

    /// ⌊log₁₀|self|⌋ for self ≠ 0, decided exactly.
    public var decimalExponent: Int {
        let value = magnitude
        // log10(2) ≈ 0.30103: a guess within one of the truth, then corrected.
        var guess = Int((Double(binaryExponent) * 0.30102999566398120).rounded(.down))
        while value < Rational.powerOfTen(guess) { guess -= 1 }
        while value >= Rational.powerOfTen(guess + 1) { guess += 1 }
        return guess
    }

    static func powerOfTen(_ exponent: Int) -> Rational {
        let power = BigInt(10).power(abs(exponent))
        return exponent >= 0 ? Rational(power) : Rational(uncheckedNumerator: 1, denominator: power)
    }

    /// self rounded to `digits` significant decimal digits (ties to even):
    /// |self| ≈ significand · 10^exponent with 10^(digits−1) ≤ significand < 10^digits.
    public func roundedDecimal(significantDigits digits: Int) -> DecimalRounding {
        precondition(digits >= 1, "at least one significant digit")
        if isZero { return DecimalRounding(isNegative: false, significand: 0, exponent: 0, digits: digits) }
        var exponent = decimalExponent - (digits - 1)
        var significand = (magnitude * Rational.powerOfTen(-exponent)).roundedToIntegerHalfEven()
        if significand == BigInt(10).power(digits) {
            significand = BigInt(10).power(digits - 1)
            exponent += 1
        }
        return DecimalRounding(isNegative: signum < 0, significand: significand, exponent: exponent, digits: digits)
    }

    /// Correctly rounded decimal text with `digits` significant digits.
    public func decimalString(significantDigits digits: Int = 17) -> String {
        roundedDecimal(significantDigits: digits).description
    }
}

/// A decimal number ±significand·10^exponent produced by correct rounding.
public struct DecimalRounding: Equatable, Sendable, CustomStringConvertible {
    public let isNegative: Bool
    public let significand: BigInt
    public let exponent: Int
    public let digits: Int

    /// Positional notation for moderate magnitudes, scientific otherwise
    /// (like C's %g), trailing zeros kept: they are significant.
    public var description: String {
        if significand.isZero { return "0" }
        let text = significand.description
        let leading = exponent + text.count - 1 // exponent of the first digit
        var body: String
        if leading < -5 || leading >= max(digits, 1) + 4 {
            let head = text.prefix(1), tail = text.dropFirst()
            body = tail.isEmpty ? String(head) : "\(head).\(tail)"
            body += leading < 0 ? "e-\(String(-leading))" : "e+\(leading)"
        } else if exponent >= 0 {
            body = text + String(repeating: "0", count: exponent)
        } else if leading >= 0 {
            let split = text.index(text.startIndex, offsetBy: leading + 1)
            body = "\(text[..<split]).\(text[split...])"
        } else {
            body = "0." + String(repeating: "0", count: -leading - 1) + text
        }
        return isNegative ? "-" + body : body
    }
}
