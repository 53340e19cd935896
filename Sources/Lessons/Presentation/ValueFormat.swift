import Exact
import Reference

/// How one number is written on a lesson page. A decimal that is not the
/// value itself carries "≈"; an exact value is written in the canonical form
/// (plain output, transcripts) or in mathematical notation (`−3/5·√5`).
struct ValueFormat: Sendable {
    let unicode: Bool

    /// The exact value: canonical (`-3/5*sqrt(5)`) or mathematical (`−3/5·√5`).
    func exact(_ value: Surd) -> String {
        unicode ? Self.mathematical(value) : value.description
    }

    /// The exact value when short, else "≈" and ten significant digits.
    func short(_ value: Surd) -> String {
        let text = value.description
        if text.count <= 16 { return exact(value) }
        return approximate(value, digits: 10)
    }

    /// `digits` significant digits: plain when that is the value, else "≈…".
    func decimal(_ value: Surd, digits: Int = 6) -> String {
        let text = value.decimalString(significantDigits: digits)
        if let back = try? Surd(parsing: text), back == value { return minus(text) }
        return "≈" + minus(text)
    }

    /// "≈" and `digits` significant digits, always.
    func approximate(_ value: Surd, digits: Int) -> String {
        "≈" + minus(value.decimalString(significantDigits: digits))
    }

    /// A float as Swift prints it (the shortest decimal that reads back to it).
    func float<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F) -> String { minus("\(value)") }

    /// A parameter as a person writes it: the text it was given as, else the
    /// shortest decimal of its double (0.1 for the double nearest 0.1).
    func parameter(_ value: ParameterValue, written: String?) -> String {
        if let written { return minus(written) }
        switch value {
        case .word(let word): return word
        case .number(let number):
            if number.isInteger || number.description.count <= 12 { return minus(number.description) }
            let double = number.rounded(to: Double.self)
            if let back = try? Rational(exactly: double), back == number { return float(double) }
            return approximate(Surd(number), digits: 10)
        }
    }

    /// An error as `FloatError` writes it, with the minus sign of the alphabet.
    func error(_ text: String) -> String { minus(text) }

    private func minus(_ text: String) -> String {
        unicode ? text.replacingOccurrences(of: "-", with: "−") : text
    }

    /// `1-6/5*sqrt(5)` → `1−6/5·√5`; a radicand is an integer in canonical form.
    static func mathematical(_ value: Surd) -> String {
        var text = value.rational.isZero && !value.terms.isEmpty ? "" : value.rational.description
        text = text.replacingOccurrences(of: "-", with: "−")
        for term in value.terms {
            let coefficient = term.coefficient
            let sign = coefficient.signum < 0 ? "−" : (text.isEmpty ? "" : "+")
            let size = coefficient.magnitude
            text += sign + (size == .one ? "" : "\(size)·") + "√\(term.radicand)"
        }
        return text
    }
}
