/// C99 hexadecimal floating-point text, the exchange form for floats in
/// NormLab's vectors: every language parses it without rounding ambiguity.
///
/// Normal numbers print as `0x1.<fraction>p<exp>` with trailing zero digits
/// dropped; subnormals as `0x0.<fraction>p<min exp>` (glibc's `%a`, Python's
/// `float.hex` up to trailing zeros); zeros as `0x0p+0` / `-0x0p+0`.
public func hexString<F: BinaryFloatingPoint>(_ value: F) -> String
where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    let sign = value.sign == .minus ? "-" : ""
    if value.isZero { return sign + "0x0p+0" }
    let fractionBits = F.significandBitCount
    // Pad the fraction to whole hex digits, then drop trailing zero digits.
    let digitCount = (fractionBits + 3) / 4
    let padded = UInt64(value.significandBitPattern) << UInt64(digitCount * 4 - fractionBits)
    var digits = String(padded, radix: 16)
    digits = String(repeating: "0", count: digitCount - digits.count) + digits
    while digits.last == "0" { digits.removeLast() }
    let fraction = digits.isEmpty ? "" : "." + digits
    let minExponent = Int(F.leastNormalMagnitude.exponent)
    let leadingDigit = value.isSubnormal ? "0" : "1"
    let exponent = value.isSubnormal ? minExponent : Int(value.exponent)
    let exponentText = exponent < 0 ? "\(exponent)" : "+\(exponent)"
    return "\(sign)0x\(leadingDigit)\(fraction)p\(exponentText)"
}
