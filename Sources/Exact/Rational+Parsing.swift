/// Parsing of exact rationals from text: integers ("-12"), fractions ("3/7"),
/// decimals with exponents ("-1.25e-5", "760.", ".5") and C99 hex floats
/// ("0x1.8p+1", "-0x0p+0"). Each is read to its exact value; nothing is rounded.
extension Rational {
    public init(parsing text: String) throws {
        let trimmed = text.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty else { throw ExactError.unparsable(text, reason: "empty string") }
        let lowered = trimmed.lowercased()
        if ["nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"].contains(lowered) {
            throw ExactError.notFinite(text)
        }
        if let slash = trimmed.firstIndex(of: "/") {
            let numeratorText = String(trimmed[..<slash])
            let denominatorText = String(trimmed[trimmed.index(after: slash)...])
            let numerator = try Rational(parsingSingle: numeratorText, whole: text)
            let denominator = try Rational(parsingSingle: denominatorText, whole: text)
            guard !denominator.isZero else { throw ExactError.divisionByZero(text) }
            self = numerator / denominator
        } else {
            self = try Rational(parsingSingle: trimmed, whole: text)
        }
    }

    /// One number without a "/": integer, decimal or hex float.
    private init(parsingSingle text: String, whole: String) throws {
        var scalars = Substring(text)
        var negative = false
        if let first = scalars.first, first == "-" || first == "+" {
            negative = first == "-"
            scalars = scalars.dropFirst()
        }
        let lower = scalars.lowercased()
        let magnitude: Rational
        if lower.hasPrefix("0x") {
            magnitude = try Rational.parseHexFloat(Substring(lower.dropFirst(2)), whole: whole)
        } else {
            magnitude = try Rational.parseDecimal(Substring(lower), whole: whole)
        }
        self = negative ? -magnitude : magnitude
    }

    /// digits [ "." digits ] [ ("e") [sign] digits ], at least one digit in the mantissa.
    private static func parseDecimal(_ text: Substring, whole: String) throws -> Rational {
        let mantissaText: Substring
        let exponentText: Substring?
        if let e = text.firstIndex(of: "e") {
            mantissaText = text[..<e]
            exponentText = text[text.index(after: e)...]
        } else {
            mantissaText = text
            exponentText = nil
        }
        let parts = mantissaText.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integerDigits = parts[0]
        let fractionDigits = parts.count > 1 ? parts[1] : ""
        guard !(integerDigits.isEmpty && fractionDigits.isEmpty) else {
            throw ExactError.unparsable(whole, reason: "expected digits")
        }
        guard (integerDigits + fractionDigits).allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ExactError.unparsable(whole, reason: "unexpected character in \"\(mantissaText)\"")
        }
        var exponent = 0
        if let exponentText {
            guard let value = Int(exponentText), exponentText.first != "+" || exponentText.count > 1 else {
                throw ExactError.unparsable(whole, reason: "bad exponent \"\(exponentText)\"")
            }
            guard abs(value) <= 1_000_000 else {
                throw ExactError.unparsable(whole, reason: "exponent \(value) is outside ±1000000")
            }
            exponent = value
        }
        exponent -= fractionDigits.count
        let digits = String(integerDigits + fractionDigits)
        guard let significand = BigInt(digits.isEmpty ? "0" : digits) else {
            throw ExactError.unparsable(whole, reason: "expected digits")
        }
        let scale = BigInt(10).power(abs(exponent))
        return exponent >= 0
            ? Rational(significand * scale)
            : Rational(uncheckedNumerator: significand, denominator: scale)
    }

    /// hexdigits [ "." hexdigits ] [ "p" [sign] digits ], after the "0x".
    private static func parseHexFloat(_ text: Substring, whole: String) throws -> Rational {
        let mantissaText: Substring
        let exponentText: Substring?
        if let p = text.firstIndex(of: "p") {
            mantissaText = text[..<p]
            exponentText = text[text.index(after: p)...]
        } else {
            mantissaText = text
            exponentText = nil
        }
        let parts = mantissaText.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integerDigits = parts[0]
        let fractionDigits = parts.count > 1 ? parts[1] : ""
        guard !(integerDigits.isEmpty && fractionDigits.isEmpty),
            (integerDigits + fractionDigits).allSatisfy({ $0.isHexDigit })
        else { throw ExactError.unparsable(whole, reason: "expected hex digits after 0x") }
        var exponent = 0
        if let exponentText {
            guard let value = Int(exponentText), abs(value) <= 1_000_000 else {
                throw ExactError.unparsable(whole, reason: "bad binary exponent \"\(exponentText)\"")
            }
            exponent = value
        }
        exponent -= 4 * fractionDigits.count
        guard let significand = BigInt(String(integerDigits + fractionDigits), radix: 16) else {
            throw ExactError.unparsable(whole, reason: "expected hex digits after 0x")
        }
        return Rational(significand).timesPowerOfTwo(exponent)
    }
}

extension StringProtocol {
    func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return String(self[start...end])
    }
}
