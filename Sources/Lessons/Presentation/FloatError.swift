import Exact

/// The error of a floating-point result, in units in the last place — the
/// one convention `normlab trace` and `normlab lesson` both print.
///
/// The error is (computed − exact) / ulp, a signed fraction, where ulp is the
/// spacing of the format at the exact value (the ulp of its correctly
/// rounded float), computed exactly. So the correctly rounded double of √5
/// shows +0.24 ulp, not 0: the column answers "how far is this float from the
/// true value", and even the best float is that far. This is the convention to
/// print because it keeps what the other one throws away — |e| ≤ 1/2 says the
/// result is correctly rounded, 1/2 < |e| < 3/2 that it is one float off, and
/// so on — while counting whole floats from the correctly rounded value
/// (`ulpDistance`, the measure of the vectors' tolerance policy) prints 0 for
/// every correctly rounded result and hides that it is not exact. The unit is
/// taken at the exact value, not at the computed one, so that it is the same
/// yardstick for every computed result: a float32 one-pass variance that
/// cancels to 0.0 is 10⁷ ulp off, not 10⁴⁴ ulp of the smallest subnormal.
///
/// Special cases: an exact result prints "0"; against an exact zero there is
/// no scale, so the absolute error is printed ("abs 1.2e-17"); a float that
/// is ±∞ or NaN prints "overflow" or "NaN", as does an exact value beyond the
/// format's range.
public enum FloatError {
    /// (computed − exact) / ulp(exact), exactly; nil when `computed` is not
    /// finite or the exact value has no finite float.
    public static func ulps<F: BinaryFloatingPoint>(_ computed: F, exact: Surd) -> Surd?
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        guard let absolute = RoundingError(rounded: computed, exact: exact).absolute else { return nil }
        let nearest: F = exact.rounded(to: F.self)
        guard nearest.isFinite, let unit = try? Rational(exactly: Double(unitInLastPlace(of: nearest))),
            let scale = try? unit.reciprocal()
        else { return nil }
        return absolute.scaled(by: scale)
    }

    /// "0", "+0.24 ulp", "-1.7 ulp", "abs 1.2e-17", "overflow" or "NaN",
    /// the error to `digits` significant digits.
    public static func describe<F: BinaryFloatingPoint>(_ computed: F, exact: Surd, digits: Int = 2) -> String
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        if computed.isNaN { return "NaN" }
        guard computed.isFinite, let absolute = RoundingError(rounded: computed, exact: exact).absolute else {
            return "overflow"
        }
        if absolute.isZero { return "0" }
        if exact.isZero { return "abs " + absolute.decimalString(significantDigits: digits) }
        guard let ulps = ulps(computed, exact: exact) else { return "overflow" }
        return (ulps.signum > 0 ? "+" : "") + ulps.decimalString(significantDigits: digits) + " ulp"
    }
}
