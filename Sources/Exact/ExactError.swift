/// Why an exact value could not be produced. Every case names the offending
/// value and the rule it breaks, on one line, so a caller can print
/// `description` as is.
public enum ExactError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A string that is not a number in any accepted syntax.
    case unparsable(String, reason: String)
    /// A denominator that is zero, as in "1/0".
    case divisionByZero(String)
    /// NaN or an infinity where an exact value is required.
    case notFinite(String)
    /// The square root of a negative number.
    case negativeRadicand(String)
    /// An operation that needs a value in one quadratic field was given a
    /// sum of square roots of different radicands.
    case mixedFields(String)
    /// The square root of a value that is itself irrational and not a square
    /// in its field: a nested radical, outside what `Surd` represents.
    case nestedRadical(String)
    /// A written exponent beyond `ExactLimits.decimalExponent` (base 10) or
    /// `ExactLimits.binaryExponent` (base 2), as written in the text.
    case exponentBeyondLimit(String, exponent: String, base: Int)
    /// A value whose integers would need more than `ExactLimits.bitsPerValue` bits.
    case beyondSizeLimit(String, bits: Int)
    /// A value with more than `ExactLimits.radicands` distinct square roots.
    case beyondRadicandLimit(String)

    public var description: String {
        switch self {
        case .unparsable(let text, let reason):
            return "cannot parse \(quotedInput(text)) as an exact number: \(reason)"
        case .divisionByZero(let text):
            return "\(quotedInput(text)) divides by zero; a denominator must be non-zero"
        case .notFinite(let text):
            return "\(quotedInput(text)) is not finite; exact values must be finite numbers"
        case .negativeRadicand(let text):
            return "sqrt of \(quotedInput(text)) is not real; a radicand must be >= 0"
        case .mixedFields(let text):
            return
                "\(quotedInput(text)) mixes square roots of different radicands; this operation needs a single quadratic field a + b*sqrt(s)"
        case .nestedRadical(let text):
            return
                "sqrt of \(quotedInput(text)) is a nested radical; exact square roots are taken of rational values (or squares in their field) only"
        case .exponentBeyondLimit(let text, let exponent, let base):
            let (kind, limit) =
                base == 2 ? ("binary", ExactLimits.binaryExponent) : ("decimal", ExactLimits.decimalExponent)
            return
                "cannot read \(quotedInput(text)) exactly: its \(kind) exponent \(shortened(exponent)) is beyond the exponent limit ±\(limit)"
        case .beyondSizeLimit(let text, let bits):
            return
                "cannot read \(quotedInput(text)) exactly: its integers need \(bits) bits, beyond the size limit of \(ExactLimits.bitsPerValue) bits for a value read from text"
        case .beyondRadicandLimit(let text):
            return
                "cannot read \(quotedInput(text)) exactly: it has more than \(ExactLimits.radicands) distinct square roots, the limit for a value read from text"
        }
    }
}

// MARK: - User text in one-line messages
//
// Every module quotes user input in its error messages through these, so a
// message stays on one line and in order whatever the input held.

/// `text` in double quotes, escaped and shortened so that an error message
/// stays one readable line whatever the input held: up to 64 characters as
/// they are, longer ones cut to 48 with their length.
public func quotedInput(_ text: some StringProtocol) -> String {
    let scalarCount = text.unicodeScalars.count
    guard scalarCount > 64 else { return "\"\(escaped(text, keeping: 64))\"" }
    return "\"\(escaped(text, keeping: 48))…\" (\(scalarCount) characters)"
}

/// `text` escaped (see `escaped(_:keeping:)`) and cut after `limit`
/// characters with "…": a fragment of user text inside a message.
public func clippedInput(_ text: some StringProtocol, limit: Int) -> String {
    text.unicodeScalars.count > limit ? escaped(text, keeping: limit) + "…" : escaped(text, keeping: limit)
}

/// `text` whole, with line breaks and other control characters escaped: a
/// message that embeds another one (a wrapped error) stays on one line.
public func oneLine(_ text: String) -> String {
    escaped(text, keeping: Int.max, escapingQuotes: false)
}

/// A short token (an exponent as written), cut after 20 characters.
func shortened(_ token: String) -> String {
    token.unicodeScalars.count > 24 ? escaped(token, keeping: 20) + "…" : escaped(token, keeping: 24)
}

/// The first `limit` Unicode scalars of `text` with quotes, backslashes,
/// control, format and line-separator characters written as escapes, so that
/// no input can break a message across lines or reorder it on screen.
func escaped(_ text: some StringProtocol, keeping limit: Int, escapingQuotes: Bool = true) -> String {
    var result = ""
    for scalar in text.unicodeScalars.prefix(limit) {
        switch scalar {
        case "\"" where escapingQuotes: result += "\\\""
        case "\\" where escapingQuotes: result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        default:
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned, .privateUse:
                result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default:
                result.unicodeScalars.append(scalar)
            }
        }
    }
    return result
}
