/// The error of a float against an exact value, computed exactly: the
/// difference itself, and the same difference in units in the last place of
/// the float's binade.
public struct RoundingError<F: BinaryFloatingPoint>: Sendable
where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
    /// rounded − exact, exactly (nil when the float is not finite).
    public let absolute: Surd?
    /// (rounded − exact) / ulp, exactly.
    public let ulps: Surd?

    public init(rounded: F, exact: Surd) {
        guard rounded.isFinite, let float = try? Rational(exactly: Double(rounded)) else {
            absolute = nil
            ulps = nil
            return
        }
        let difference = Surd(float) - exact
        absolute = difference
        ulps = difference.scaled(by: try! Rational(exactly: Double(unitInLastPlace(of: rounded))).reciprocal())
    }

    /// "error −1.850e-17 (−0.3333 ulp)", or "exact" for a zero error.
    public func summary(digits: Int = 4) -> String {
        guard let absolute, let ulps else { return "overflows: beyond the largest finite \(F.self)" }
        if absolute.isZero { return "exact" }
        return
            "error \(absolute.decimalString(significantDigits: digits)) (\(ulps.decimalString(significantDigits: digits)) ulp)"
    }
}

/// The spacing of floats at `value`'s magnitude: ulp(x) = 2^(max(e, emin) − p + 1).
public func unitInLastPlace<F: BinaryFloatingPoint>(of value: F) -> F {
    let magnitude = value.magnitude
    if magnitude < F.leastNormalMagnitude { return F.leastNonzeroMagnitude }
    return magnitude.ulp
}

/// The number of representable values between two floats (0 when equal, so
/// +0 and −0, the same value, are 0 apart; NaN is infinitely far): the
/// elementwise error measure of NormLab's tolerance policy.
public func ulpDistance<F: BinaryFloatingPoint>(_ a: F, _ b: F) -> UInt64
where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN ? 0 : .max }
    if a == b { return 0 }
    func ordinal(_ x: F) -> Int64 {
        // Position of x in the ordered sequence of floats, both zeros at 0.
        let magnitude = Int64(x.exponentBitPattern) << Int64(F.significandBitCount) | Int64(x.significandBitPattern)
        return x.sign == .minus ? -magnitude : magnitude
    }
    // |ordinal| < 2^63, so the distance is below 2^64: exact in UInt64 even
    // when the Int64 difference of opposite signs would overflow.
    let (x, y) = (ordinal(a), ordinal(b))
    return x >= y ? UInt64(bitPattern: x &- y) : UInt64(bitPattern: y &- x)
}
