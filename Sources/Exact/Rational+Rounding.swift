internal import CGMP

/// Correct rounding of exact rationals: to binary floating point (nearest,
/// ties to even, subnormals and overflow as IEEE 754 specifies) and to a
/// number of significant decimal digits. Decided by exact integer arithmetic.
extension Rational {
    /// The float nearest to self; ties go to the even significand.
    public func rounded<F: BinaryFloatingPoint>(to _: F.Type = F.self) -> F
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        if let fast = fastRounded(to: F.self) { return fast }
        return Fraction(self).rounded(to: F.self)
    }

    /// The common cases without big-integer work, or nil:
    /// - |p| and q both exactly representable in F: one IEEE division, which
    ///   is correctly rounded (nearest, ties to even; p/q ≥ 2^−precision is
    ///   far from underflow and overflow);
    /// - q = 2^e and |p| < 2^64: p rounded once to F (nearest, ties to even),
    ///   then scaled by 2^−e, exact while the result stays normal.
    @inline(__always)
    func fastRounded<F: BinaryFloatingPoint>(to _: F.Type) -> F? {
        let precision = F.significandBitCount + 1
        guard precision <= 64 else { return nil }
        return withUnsafeMPQPointer { value in
            let sign = cgmp_mpq_sgn(value)
            if sign == 0 { return 0 }
            let num = cgmp_mpq_numref_const(value)
            let den = cgmp_mpq_denref_const(value)
            let numBits = Int(__gmpz_sizeinbase(num, 2))
            let denBits = Int(__gmpz_sizeinbase(den, 2))
            guard numBits <= 64 else { return nil }
            let magnitude = __gmpz_getlimbn(num, 0)
            if numBits <= precision && denBits <= precision {
                let quotient = F(UInt64(magnitude)) / F(UInt64(__gmpz_getlimbn(den, 0)))
                return sign < 0 ? -quotient : quotient
            }
            let shift = Int(__gmpz_scan1(den, 0))
            guard shift == denBits - 1 else { return nil } // q is not a power of two
            // |p|·2^−e ≥ 2^−e; keep the result normal: exponent of the result ≥ numBits − 1 − e.
            guard numBits - 1 - shift - precision >= Int(F.leastNormalMagnitude.exponent) else { return nil }
            let rounded = F(UInt64(magnitude)) // correctly rounded (nearest, ties to even)
            let scaled = F(sign: .plus, exponent: F.Exponent(-shift), significand: rounded)
            return sign < 0 ? -scaled : scaled
        }
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
            let head = text.prefix(1)
            let tail = text.dropFirst()
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
