import Exact

/// The small expression language lessons use to point at trace values and to
/// state answers: `mean[1]`, `unbiased.var[0]`, `x[:,0]`, `sum(dy * xhat)`,
/// `sqrt(var[0] + eps)`, `count(mean) == 2`, `a > b and c < d`.
///
/// Expressions are parsed once, when the lesson file is read; a lesson file
/// is input like any other, so the parser bounds what it accepts (see
/// `ExpressionLimits`) and every refusal is an error with the file's line.
indirect enum Expression: Sendable {
    case number(String)
    /// A trace value: optional run, name, optional indices (nil = `:`).
    case reference(run: String?, name: String, indices: [Int?]?)
    case negate(Expression)
    case not(Expression)
    /// `first op₁ operand₁ op₂ operand₂ …` at one precedence level, kept
    /// flat so a long sum is a loop, not a deep tree.
    case chain(Expression, [(op: BinaryOperator, operand: Expression)])
    case power(Expression, Int)
    case call(String, [Expression])

    /// Every (run, name) the expression reads.
    var references: [(run: String?, name: String)] {
        switch self {
        case .number: return []
        case .reference(let run, let name, _): return [(run, name)]
        case .negate(let operand), .not(let operand): return operand.references
        case .chain(let first, let rest): return first.references + rest.flatMap(\.operand.references)
        case .power(let base, _): return base.references
        case .call(_, let arguments): return arguments.flatMap(\.references)
        }
    }

    /// A bare reference to a value, possibly indexed (`x`, `run.x[1,0]`).
    var isReference: Bool {
        if case .reference = self { return true }
        return false
    }
}

enum BinaryOperator: String, Sendable {
    case or, and
    case less = "<"
    case lessOrEqual = "<="
    case equal = "=="
    case notEqual = "!="
    case greaterOrEqual = ">="
    case greater = ">"
    case plus = "+"
    case minus = "-"
    case times = "*"
    case divide = "/"
}

/// What an expression in a lesson file may be; the numbers are far above
/// what a lesson needs and far below what would exhaust the stack or the
/// time of the person running it.
enum ExpressionLimits {
    /// Characters in one expression.
    static let length = 4000
    /// Parentheses, unary signs and calls nested inside one another.
    static let depth = 48
    /// Operands in one chain of `+ -` or `* /` (or `and`, `or`).
    static let chainLength = 500
    /// The largest exponent after `^`.
    static let exponent = 64
    /// The largest index in `x[i]`.
    static let index = 1_000_000
}

struct ExpressionError: Error, CustomStringConvertible, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

// MARK: - Parsing

struct ExpressionParser {
    private let characters: [Character]
    private var position = 0
    private var depth = 0
    private let source: String

    static func parse(_ text: String) throws -> Expression {
        guard text.count <= ExpressionLimits.length else {
            throw ExpressionError(
                "the expression is \(text.count) characters long; the limit is \(ExpressionLimits.length)")
        }
        var parser = ExpressionParser(text)
        let expression = try parser.parseOr()
        parser.skipSpaces()
        guard parser.position == parser.characters.count else {
            throw ExpressionError(
                "unexpected \"\(String(parser.characters[parser.position...]).clipped)\" in \"\(text.clipped)\"")
        }
        return expression
    }

    private init(_ text: String) {
        source = text
        characters = Array(text)
    }

    private mutating func skipSpaces() {
        while position < characters.count, characters[position] == " " { position += 1 }
    }

    private mutating func take(_ token: String) -> Bool {
        skipSpaces()
        let tokenCharacters = Array(token)
        guard position + tokenCharacters.count <= characters.count,
            Array(characters[position..<position + tokenCharacters.count]) == tokenCharacters
        else { return false }
        // Words must not run into an identifier.
        if token.first!.isLetter, position + tokenCharacters.count < characters.count {
            let next = characters[position + tokenCharacters.count]
            if next.isLetter || next.isNumber || next == "_" { return false }
        }
        position += tokenCharacters.count
        return true
    }

    /// Enters one level of nesting; refuses beyond the limit.
    private mutating func descend() throws {
        depth += 1
        guard depth <= ExpressionLimits.depth else {
            throw ExpressionError(
                "\"\(source.clipped)\" nests deeper than \(ExpressionLimits.depth) levels (parentheses, signs or calls)"
            )
        }
    }

    private mutating func chain(
        _ operators: [BinaryOperator], operand: (inout ExpressionParser) throws -> Expression
    ) throws -> Expression {
        let first = try operand(&self)
        var rest: [(op: BinaryOperator, operand: Expression)] = []
        while let op = operators.first(where: { take($0.rawValue) }) {
            guard rest.count + 1 < ExpressionLimits.chainLength else {
                throw ExpressionError(
                    "\"\(source.clipped)\" chains more than \(ExpressionLimits.chainLength) terms; split it up")
            }
            rest.append((op, try operand(&self)))
        }
        return rest.isEmpty ? first : .chain(first, rest)
    }

    private mutating func parseOr() throws -> Expression {
        try chain([.or]) { try $0.parseAnd() }
    }

    private mutating func parseAnd() throws -> Expression {
        try chain([.and]) { try $0.parseComparison() }
    }

    private mutating func parseComparison() throws -> Expression {
        let lhs = try parseSum()
        for op in [BinaryOperator.lessOrEqual, .greaterOrEqual, .equal, .notEqual, .less, .greater]
        where take(op.rawValue) {
            return .chain(lhs, [(op, try parseSum())])
        }
        return lhs
    }

    private mutating func parseSum() throws -> Expression {
        try chain([.plus, .minus]) { try $0.parseProduct() }
    }

    private mutating func parseProduct() throws -> Expression {
        try chain([.times, .divide]) { try $0.parseUnary() }
    }

    private mutating func parseUnary() throws -> Expression {
        if take("-") {
            try descend()
            defer { depth -= 1 }
            return .negate(try parseUnary())
        }
        if take("not") {
            try descend()
            defer { depth -= 1 }
            return .not(try parseUnary())
        }
        let base = try parsePrimary()
        if take("^") {
            skipSpaces()
            let start = position
            while position < characters.count, characters[position].isNumber, position - start < 4 {
                position += 1
            }
            guard let exponent = Int(String(characters[start..<position])),
                position == characters.count || !characters[position].isNumber
            else {
                throw ExpressionError(
                    "\"^\" takes a whole-number exponent from 0 to \(ExpressionLimits.exponent) in \"\(source.clipped)\""
                )
            }
            guard exponent <= ExpressionLimits.exponent else {
                throw ExpressionError(
                    "the exponent \(exponent) in \"\(source.clipped)\" is above the limit \(ExpressionLimits.exponent)")
            }
            return .power(base, exponent)
        }
        return base
    }

    private mutating func parsePrimary() throws -> Expression {
        skipSpaces()
        guard position < characters.count else { throw ExpressionError("\"\(source.clipped)\" ends too early") }
        let character = characters[position]
        if take("(") {
            try descend()
            defer { depth -= 1 }
            let inner = try parseOr()
            guard take(")") else { throw ExpressionError("missing \")\" in \"\(source.clipped)\"") }
            return inner
        }
        if character == "0", position + 1 < characters.count, characters[position + 1] == "x" {
            // A C99 hex float: 0x1.8p-3.
            let start = position
            position += 2
            while position < characters.count,
                characters[position].isHexDigit || characters[position] == "." || characters[position] == "p"
                    || ((characters[position] == "-" || characters[position] == "+") && characters[position - 1] == "p")
            {
                position += 1
            }
            let text = String(characters[start..<position])
            _ = try LessonNumber.parse(text)
            return .number(text)
        }
        if character.isASCII && (character.isNumber || character == ".") {
            let start = position
            while position < characters.count {
                let c = characters[position]
                if c.isASCII && (c.isNumber || c == ".") {
                    position += 1
                    continue
                }
                if c == "e" || c == "E", position + 1 < characters.count,
                    characters[position + 1].isNumber || characters[position + 1] == "-"
                        || characters[position + 1] == "+"
                {
                    position += 2
                    continue
                }
                break
            }
            let text = String(characters[start..<position])
            // Checked now, so a bad number is a load-time error.
            _ = try LessonNumber.parse(text)
            return .number(text)
        }
        guard character.isLetter || character == "_" else {
            throw ExpressionError("unexpected \"\(String(character).clipped)\" in \"\(source.clipped)\"")
        }
        var name = identifier()
        var run: String?
        if position < characters.count, characters[position] == "." {
            position += 1
            run = name
            name = identifier()
            guard !name.isEmpty else {
                throw ExpressionError("a name must follow \"\(run!).\" in \"\(source.clipped)\"")
            }
        }
        if run == nil, take("(") {
            try descend()
            defer { depth -= 1 }
            var arguments: [Expression] = []
            if !take(")") {
                repeat {
                    guard arguments.count < 8 else {
                        throw ExpressionError("\(name)() takes at most 8 arguments in \"\(source.clipped)\"")
                    }
                    arguments.append(try parseOr())
                } while take(",")
                guard take(")") else {
                    throw ExpressionError("missing \")\" after the arguments of \(name) in \"\(source.clipped)\"")
                }
            }
            return .call(name, arguments)
        }
        var indices: [Int?]?
        if take("[") {
            var list: [Int?] = []
            repeat {
                guard list.count < 8 else { throw ExpressionError("at most 8 indices in \"\(source.clipped)\"") }
                skipSpaces()
                if take(":") {
                    list.append(nil)
                    continue
                }
                let start = position
                while position < characters.count, characters[position].isASCII, characters[position].isNumber,
                    position - start < 8
                {
                    position += 1
                }
                guard let index = Int(String(characters[start..<position])), index <= ExpressionLimits.index else {
                    throw ExpressionError(
                        "an index is a whole number up to \(ExpressionLimits.index) or \":\" in \"\(source.clipped)\"")
                }
                list.append(index)
            } while take(",")
            guard take("]") else { throw ExpressionError("missing \"]\" in \"\(source.clipped)\"") }
            indices = list
        }
        return .reference(run: run, name: name, indices: indices)
    }

    private mutating func identifier() -> String {
        let start = position
        while position < characters.count, position - start < 64,
            characters[position].isLetter || characters[position].isNumber || characters[position] == "_"
        {
            position += 1
        }
        return String(characters[start..<position])
    }
}

extension String {
    /// At most 40 characters, escaped, for quoting input in a one-line message.
    var clipped: String { clippedInput(self, limit: 40) }
}
