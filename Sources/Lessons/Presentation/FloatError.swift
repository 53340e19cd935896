import Exact

/// The error of a floating-point result, in units in the last place — the
/// one convention `normlab trace` and `normlab lesson` both print.
///
/// The error is (computed − exact) / ulp, a signed fraction, with ulp the
/// spacing of the format at the computed value (Goldberg's definition; the
/// arithmetic is `RoundingError`'s, exact throughout). So the correctly
/// rounded double of √5 shows +0.24 ulp, not 0: the column answers "how far
/// is this float from the true value", and even the best float is that far.
/// This is the convention to print because it keeps the information the
/// other one throws away — |e| ≤ 1/2 says the result is correctly rounded,
/// 1/2 < |e| < 3/2 that it is one float off, and so on — while counting
/// whole floats from the correctly rounded value (`ulpDistance`, the
/// measure of the vectors' tolerance policy) would print 0 for every
/// correctly rounded result and hide that it is not exact.
///
/// Special cases: an exact result prints "0"; against an exact zero there is
/// no scale, so the absolute error is printed ("abs 1.2e-17"); a float that
/// is ±∞ or NaN prints "overflow" or "NaN".
public enum FloatError {
    /// (computed − exact) / ulp(computed), exactly; nil when `computed` is
    /// not finite.
    public static func ulps<F: BinaryFloatingPoint>(_ computed: F, exact: Surd) -> Surd?
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        RoundingError(rounded: computed, exact: exact).ulps
    }

    /// "0", "+0.24 ulp", "-1.7 ulp", "abs 1.2e-17", "overflow" or "NaN",
    /// the error to `digits` significant digits.
    public static func describe<F: BinaryFloatingPoint>(_ computed: F, exact: Surd, digits: Int = 2) -> String
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        if computed.isNaN { return "NaN" }
        guard computed.isFinite else { return "overflow" }
        let error = RoundingError(rounded: computed, exact: exact)
        guard let absolute = error.absolute, let ulps = error.ulps else { return "overflow" }
        if absolute.isZero { return "0" }
        if exact.isZero { return "abs " + absolute.decimalString(significantDigits: digits) }
        return (ulps.signum > 0 ? "+" : "") + ulps.decimalString(significantDigits: digits) + " ulp"
    }
}
