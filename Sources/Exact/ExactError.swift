/// Why an exact value could not be produced. Every case names the offending
/// value and the rule it breaks, so a caller can print `description` as is.
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

    public var description: String {
        switch self {
        case .unparsable(let text, let reason):
            return "cannot parse \(quoted(text)) as an exact number: \(reason)"
        case .divisionByZero(let text):
            return "\(quoted(text)) divides by zero; a denominator must be non-zero"
        case .notFinite(let text):
            return "\(quoted(text)) is not finite; exact values must be finite numbers"
        case .negativeRadicand(let text):
            return "sqrt of \(quoted(text)) is not real; a radicand must be >= 0"
        case .mixedFields(let text):
            return
                "\(text) mixes square roots of different radicands; this operation needs a single quadratic field a + b*sqrt(s)"
        case .nestedRadical(let text):
            return
                "sqrt(\(text)) is a nested radical; exact square roots are taken of rational values (or squares in their field) only"
        }
    }
}

@inline(__always)
func quoted(_ text: String) -> String { "\"\(text)\"" }
