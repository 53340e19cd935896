/// Correct rounding of exact rationals: to binary floating point (nearest,
/// ties to even, subnormals and overflow as IEEE 754 specifies) and to a
/// number of significant decimal digits. Decided by exact integer arithmetic.
extension Rational {
    /// The float nearest to self; ties go to the even significand.
    public func rounded<F: BinaryFloatingPoint>(to _: F.Type = F.self) -> F
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        Fraction(self).rounded(to: F.self)
    }

    /// The integer nearest to self, ties to even.
    public func roundedToIntegerHalfEven() -> BigInt {
        Fraction.roundedHalfEven(numerator, denominator)
    }

    /// ⌊log₁₀|self|⌋ for self ≠ 0, decided exactly.
    public var decimalExponent: Int { Fraction(self).decimalExponent }

    /// self rounded to `digits` significant decimal digits (ties to even):
    /// |self| ≈ significand · 10^exponent with 10^(digits−1) ≤ significand < 10^digits.
    public func roundedDecimal(significantDigits digits: Int) -> DecimalRounding {
        precondition(digits >= 1, "at least one significant digit")
        return Fraction(self).roundedDecimal(significantDigits: digits)
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
