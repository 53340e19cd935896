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

    public init(parsing text: String) throws {
        var scanner = SurdScanner(text: text)
        self = try scanner.parseValue()
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
        guard let value = BigInt(text, radix: 10) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is not an integer")
        }
        self = value
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

/// A small recursive-descent reader for the value grammar.
private struct SurdScanner {
    let original: String
    let characters: [Character]
    var position = 0

    init(text: String) {
        original = text
        characters = Array(text.filter { $0 != " " && $0 != "\t" && $0 != "\n" && $0 != "\r" })
    }

    private var current: Character? { position < characters.count ? characters[position] : nil }

    private func fail(_ reason: String) -> ExactError { .unparsable(original, reason: reason) }

    mutating func parseValue() throws -> Surd {
        guard !characters.isEmpty else { throw fail("empty string") }
        var value = try parseTerm(allowSign: true)
        while let symbol = current {
            guard symbol == "+" || symbol == "-" else {
                throw fail("unexpected \"\(symbol)\" at position \(position + 1)")
            }
            position += 1
            let term = try parseTerm(allowSign: false)
            value = symbol == "+" ? value + term : value - term
        }
        return value
    }

    private mutating func parseTerm(allowSign: Bool) throws -> Surd {
        var negative = false
        if allowSign, let symbol = current, symbol == "-" || symbol == "+" {
            negative = symbol == "-"
            position += 1
        }
        let term: Surd
        if consume("sqrt(") {
            term = try parseRoot()
        } else {
            let coefficient = try parseRational()
            if consume("*sqrt(") {
                term = try parseRoot().scaled(by: coefficient)
            } else {
                term = Surd(coefficient)
            }
        }
        return negative ? -term : term
    }

    private mutating func parseRoot() throws -> Surd {
        let radicand = try parseRational(allowSign: true)
        guard consume(")") else { throw fail("expected \")\" after the radicand") }
        return try Surd.squareRoot(of: radicand)
    }

    private mutating func consume(_ literal: String) -> Bool {
        let pattern = Array(literal)
        guard position + pattern.count <= characters.count,
            Array(characters[position..<position + pattern.count]).map({ $0.lowercased() })
                == pattern.map({ $0.lowercased() })
        else { return false }
        position += pattern.count
        return true
    }

    /// number ("/" number)?, where number is an integer, decimal or hex float.
    private mutating func parseRational(allowSign: Bool = false) throws -> Rational {
        let start = position
        if allowSign, let symbol = current, symbol == "-" || symbol == "+" { position += 1 }
        try scanNumber()
        if current == "/" {
            position += 1
            try scanNumber()
        }
        let text = String(characters[start..<position])
        do {
            return try Rational(parsing: text)
        } catch let error as ExactError {
            switch error {
            case .divisionByZero: throw ExactError.divisionByZero(original)
            case .notFinite: throw ExactError.notFinite(original)
            default: throw fail("\"\(text)\" is not a number")
            }
        }
    }

    /// Advances over one unsigned number token without interpreting it.
    private mutating func scanNumber() throws {
        let start = position
        let rest = String(characters[position...]).lowercased()
        for word in ["infinity", "inf", "nan"] where rest.hasPrefix(word) {
            throw ExactError.notFinite(original)
        }
        if rest.hasPrefix("0x") {
            position += 2
            while let c = current, c.isHexDigit || c == "." { position += 1 }
            if let c = current, c == "p" || c == "P" {
                position += 1
                if let sign = current, sign == "+" || sign == "-" { position += 1 }
                while let c = current, c.isASCII, c.isNumber { position += 1 }
            }
        } else {
            while let c = current, (c.isASCII && c.isNumber) || c == "." { position += 1 }
            if position > start, let c = current, c == "e" || c == "E" {
                position += 1
                if let sign = current, sign == "+" || sign == "-" { position += 1 }
                while let c = current, c.isASCII, c.isNumber { position += 1 }
            }
        }
        if position == start {
            let found = current.map { "\"\($0)\"" } ?? "end of input"
            throw fail("expected a number at position \(start + 1), found \(found)")
        }
    }
}
