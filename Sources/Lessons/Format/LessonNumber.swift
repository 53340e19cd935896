import Exact
import Reference

/// Numbers as lessons read them: in lesson files (inputs, parameters,
/// tolerances, constants in expressions), in a student's case file, and as
/// typed answers. The exact parser reads any size; a lesson bounds the size
/// first, so a stray `1e-9223372036854775808` or a million-digit literal is
/// a one-line error instead of a crash or minutes of arithmetic.
enum LessonNumber {
    /// Characters in one number (a canonical exact value of a lesson input
    /// is far shorter).
    static let maximumLength = 400
    /// |e| in `1.5e-7`: covers every float, subnormals included, with room.
    static let maximumDecimalExponent = 1000
    /// |p| in `0x1.8p-3`.
    static let maximumBinaryExponent = 4000

    /// A rational: integer, p/q, decimal or hex float.
    static func parse(_ text: String) throws -> Rational {
        try checkSize(text)
        do { return try Rational(parsing: text) } catch let error as ExactError {
            throw ExpressionError("\"\(text.clipped)\" is not a number (\(error))")
        }
    }

    /// A rational or a sum of rational multiples of square roots, as the
    /// canonical exact form prints it (`3/5*sqrt(5)`), for typed answers.
    static func parseValue(_ text: String) throws -> Surd {
        try checkSize(text)
        do { return try Surd(parsing: text) } catch let error as ExactError {
            throw ExpressionError("\"\(text.clipped)\" is not a number (\(error))")
        }
    }

    /// Length and exponents, checked on the text before any arithmetic.
    static func checkSize(_ text: String) throws {
        guard text.count <= maximumLength else {
            throw ExpressionError("a number of \(text.count) characters is longer than the limit \(maximumLength)")
        }
        let characters = Array(text.lowercased())
        var index = 0
        while index < characters.count {
            let character = characters[index]
            guard character.isASCII, character.isNumber || character == "." else {
                index += 1
                continue
            }
            // One number: hex (0x… p±d) or decimal (… e±d).
            let hex = character == "0" && index + 1 < characters.count && characters[index + 1] == "x"
            if hex { index += 2 }
            while index < characters.count,
                characters[index] == "." || (hex ? characters[index].isHexDigit : characters[index].isNumber)
            {
                index += 1
            }
            let marker: Character = hex ? "p" : "e"
            guard index < characters.count, characters[index] == marker else { continue }
            index += 1
            var digitsStart = index
            if index < characters.count, characters[index] == "+" || characters[index] == "-" {
                index += 1
                digitsStart = index
            }
            while index < characters.count, characters[index].isASCII, characters[index].isNumber { index += 1 }
            let digits = String(characters[digitsStart..<index]).drop { $0 == "0" }
            let limit = hex ? maximumBinaryExponent : maximumDecimalExponent
            guard digits.count <= 5, let exponent = Int(digits.isEmpty ? "0" : String(digits)), exponent <= limit
            else {
                throw ExpressionError(
                    "the exponent in \"\(text.clipped)\" is beyond ±\(limit) (\(hex ? "binary" : "decimal"))")
            }
        }
    }

    /// Whether `value` rounds to a finite float of `precision`; a lesson
    /// computes in floats too, and ±∞ there has no exact counterpart.
    static func isFinite(_ value: Rational, in precision: TargetPrecision) -> Bool {
        switch precision {
        case .f64: return value.rounded(to: Double.self).isFinite
        case .f32: return value.rounded(to: Float.self).isFinite
        }
    }

    /// "about 1.8e308" / "about 3.4e38", for messages.
    static func largest(_ precision: TargetPrecision) -> String {
        precision == .f64 ? "about 1.8e308" : "about 3.4e38"
    }
}
