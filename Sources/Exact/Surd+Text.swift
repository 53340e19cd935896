/// The canonical text of a surd and its parser.
///
/// Grammar (DESIGN.md, "Contracts"):
///
///     value    := term (("+" | "-") term)*
///     term     := rational | rational "*sqrt(" rational ")" | "sqrt(" rational ")"
///     rational := "-"? digits ("/" digits)?
///
/// The parser also takes decimals ("1.25e-5") and C99 hex floats ("0x1.8p+1")
/// wherever a rational may stand, so every printed form and the usual ways of
/// writing a number read back to the exact value.
///
/// A printed form is unique for a rational; a term `c*sqrt(n)` is unique up to
/// square factors p² of n with p > 1000, which `splitSquare` does not look
/// for (`1009*sqrt(2)` and `sqrt(2036162)` are one number). `==` compares
/// values, so that is what a consumer should compare too.
extension Surd: CustomStringConvertible {
    public var description: String {
        var text = rational.isZero && !terms.isEmpty ? "" : rational.description
        for term in terms {
            let coefficient = term.coefficient
            let sign = coefficient.signum < 0 ? "-" : (text.isEmpty ? "" : "+")
            let size = coefficient.magnitude
            let factor = size == .one ? "" : "\(size)*"
            text += "\(sign)\(factor)sqrt(\(term.radicand))"
        }
        return text
    }
}

extension Surd: LosslessStringConvertible {
    public init?(_ description: String) {
        guard let value = try? Surd(parsing: description) else { return nil }
        self = value
    }

    /// Reads the value grammar, with whitespace allowed between tokens (not
    /// inside a number), within `ExactLimits`.
    public init(parsing text: String) throws {
        var reader = NumberReader(text)
        self = try reader.readSurd()
    }
}

extension Surd: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = try Surd(parsing: container.decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension BigInt: LosslessStringConvertible, Codable {
    public init?(_ description: String) {
        self.init(description, radix: 10)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { self = try BigInt(parsing: text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(error)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Rational: LosslessStringConvertible, Codable {
    public init?(_ description: String) {
        guard let value = try? Rational(parsing: description) else { return nil }
        self = value
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = try Rational(parsing: container.decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The value grammar over a `NumberReader`:
///
///     value := term (("+" | "-") term)*
///     term  := sign? (root | rational ("*" root)?)     (sign on the first term only)
///     root  := "sqrt" "(" sign? rational ")"
extension NumberReader {
    mutating func readSurd() throws -> Surd {
        skipWhitespace()
        guard !isAtEnd else { throw unparsable("the text is empty; expected a number or a*sqrt(b)") }
        var value = try readTerm(allowSign: true)
        skipWhitespace()
        while let symbol = current {
            guard symbol == .plus || symbol == .minus else {
                throw unexpected(expecting: "\"+\", \"-\" or the end of the value")
            }
            position += 1
            skipWhitespace()
            let term = try readTerm(allowSign: false)
            value = symbol == .plus ? value + term : value - term
            guard value.terms.count <= ExactLimits.radicands else { throw ExactError.beyondRadicandLimit(text) }
            skipWhitespace()
        }
        return value
    }

    private mutating func readTerm(allowSign: Bool) throws -> Surd {
        let negative = allowSign ? consumeSign() : false
        let term: Surd
        if try readRootOpening() {
            term = try readRootRest()
        } else {
            let coefficient = try readRational(allowSign: false)
            let afterCoefficient = position
            skipWhitespace()
            if consume(.star) {
                skipWhitespace()
                guard try readRootOpening() else { throw unexpected(expecting: "sqrt( after \"*\"") }
                term = try readRootRest().scaled(by: coefficient)
            } else {
                position = afterCoefficient
                term = Surd(coefficient)
            }
        }
        return negative ? -term : term
    }

    /// Consumes "sqrt" "(" if it comes next.
    private mutating func readRootOpening() throws -> Bool {
        guard consumeWord("sqrt") else { return false }
        skipWhitespace()
        guard consume(.openParenthesis) else { throw unexpected(expecting: "\"(\" after sqrt") }
        return true
    }

    /// The radicand and the closing parenthesis.
    private mutating func readRootRest() throws -> Surd {
        skipWhitespace()
        let radicand = try readRational(allowSign: true)
        skipWhitespace()
        guard consume(.closeParenthesis) else { throw unexpected(expecting: "\")\" after the radicand") }
        return try Surd.squareRoot(of: radicand)
    }
}
