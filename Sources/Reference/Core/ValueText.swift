import Exact

/// How a number is named in an error message: short canonical forms as they
/// are (3, -1/2), a float-valued number as the shortest decimal that reads
/// back to the same float (the 0.1 a user typed, not the 55-digit dyadic it
/// became), a short decimal when one is exact (1e+400), anything else to
/// 17 significant digits.
public func valueText(_ value: Rational) -> String {
    let canonical = value.description
    if canonical.count <= 24 { return canonical }
    if let float = try? Rational(exactly: value.rounded(to: Float.self)), float == value {
        return "\(value.rounded(to: Float.self))"
    }
    if let double = try? Rational(exactly: value.rounded(to: Double.self)), double == value {
        return "\(value.rounded(to: Double.self))"
    }
    for digits in 1...17 {
        let text = value.decimalString(significantDigits: digits)
        if let back = try? Rational(parsing: text), back == value { return text }
    }
    return "≈" + value.decimalString(significantDigits: 17)
}
