/// The number of representable values between two floats: 0 when equal (so
/// +0 and −0, one value, are 0 apart), counted across zero for opposite
/// signs, with ±∞ one step beyond the largest finite value; NaN is
/// infinitely far (`UInt64.max`) from everything but NaN. Never overflows:
/// each position is the float's magnitude bits, at most 2⁶³ − 2⁵², so even
/// −∞ to +∞ fits in a UInt64.
public func ulpsBetween<F: BinaryFloatingPoint>(_ a: F, _ b: F) -> UInt64
where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN ? 0 : .max }
    if a == b { return 0 }
    func position(_ x: F) -> UInt64 {
        UInt64(x.exponentBitPattern) << UInt64(F.significandBitCount) | UInt64(x.significandBitPattern)
    }
    let (x, y) = (position(a), position(b))
    if (a.sign == .minus) != (b.sign == .minus) { return x + y }
    return x >= y ? x - y : y - x
}
