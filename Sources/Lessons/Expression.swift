import Exact
import Reference

/// The small expression language lessons use to point at trace values and to
/// state answers: `mean[1]`, `unbiased.var[0]`, `x[:,0]`, `sum(dy * xhat)`,
/// `sqrt(var[0] + eps)`, `count(mean) == 2`, `a > b and c < d`.
///
/// A value is a flat list with a shape; arithmetic works elementwise, with a
/// single value broadcast against a list. Comparisons give 1 or 0.
indirect enum Expression: Sendable {
    case number(String)
    /// A trace value: optional run, name, optional indices (nil = `:`).
    case reference(run: String?, name: String, indices: [Int?]?)
    case unary(Character, Expression)
    case binary(String, Expression, Expression)
    case power(Expression, Int)
    case call(String, [Expression])

    /// Every (run, name) the expression reads.
    var references: [(run: String?, name: String)] {
        switch self {
        case .number: return []
        case .reference(let run, let name, _): return [(run, name)]
        case .unary(_, let operand): return operand.references
        case .binary(_, let lhs, let rhs): return lhs.references + rhs.references
        case .power(let base, _): return base.references
        case .call(_, let arguments): return arguments.flatMap(\.references)
        }
    }
}

struct ExpressionError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

// MARK: - Parsing

struct ExpressionParser {
    private let characters: [Character]
    private var position = 0
    private let source: String

    static func parse(_ text: String) throws -> Expression {
        var parser = ExpressionParser(text)
        let expression = try parser.parseOr()
        parser.skipSpaces()
        guard parser.position == parser.characters.count else {
            throw ExpressionError("unexpected \"\(String(parser.characters[parser.position...]))\" in \"\(text)\"")
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

    private mutating func parseOr() throws -> Expression {
        var lhs = try parseAnd()
        while take("or") { lhs = .binary("or", lhs, try parseAnd()) }
        return lhs
    }

    private mutating func parseAnd() throws -> Expression {
        var lhs = try parseComparison()
        while take("and") { lhs = .binary("and", lhs, try parseComparison()) }
        return lhs
    }

    private mutating func parseComparison() throws -> Expression {
        let lhs = try parseSum()
        for op in ["<=", ">=", "==", "!=", "<", ">"] where take(op) {
            return .binary(op, lhs, try parseSum())
        }
        return lhs
    }

    private mutating func parseSum() throws -> Expression {
        var lhs = try parseProduct()
        while true {
            if take("+") {
                lhs = .binary("+", lhs, try parseProduct())
            } else if take("-") {
                lhs = .binary("-", lhs, try parseProduct())
            } else {
                return lhs
            }
        }
    }

    private mutating func parseProduct() throws -> Expression {
        var lhs = try parseUnary()
        while true {
            if take("*") {
                lhs = .binary("*", lhs, try parseUnary())
            } else if take("/") {
                lhs = .binary("/", lhs, try parseUnary())
            } else {
                return lhs
            }
        }
    }

    private mutating func parseUnary() throws -> Expression {
        if take("-") { return .unary("-", try parseUnary()) }
        if take("not") { return .unary("!", try parseUnary()) }
        let base = try parsePrimary()
        if take("^") {
            skipSpaces()
            let start = position
            while position < characters.count, characters[position].isNumber { position += 1 }
            guard let exponent = Int(String(characters[start..<position])) else {
                throw ExpressionError("\"^\" takes a whole-number exponent in \"\(source)\"")
            }
            return .power(base, exponent)
        }
        return base
    }

    private mutating func parsePrimary() throws -> Expression {
        skipSpaces()
        guard position < characters.count else { throw ExpressionError("\"\(source)\" ends too early") }
        let character = characters[position]
        if take("(") {
            let inner = try parseOr()
            guard take(")") else { throw ExpressionError("missing \")\" in \"\(source)\"") }
            return inner
        }
        if character.isNumber || character == "." {
            let start = position
            while position < characters.count {
                let c = characters[position]
                if c.isNumber || c == "." {
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
            return .number(String(characters[start..<position]))
        }
        guard character.isLetter || character == "_" else {
            throw ExpressionError("unexpected \"\(character)\" in \"\(source)\"")
        }
        var name = identifier()
        var run: String?
        if position < characters.count, characters[position] == "." {
            position += 1
            run = name
            name = identifier()
            guard !name.isEmpty else { throw ExpressionError("a name must follow \"\(run!).\" in \"\(source)\"") }
        }
        if run == nil, take("(") {
            var arguments: [Expression] = []
            if !take(")") {
                repeat { arguments.append(try parseOr()) } while take(",")
                guard take(")") else {
                    throw ExpressionError("missing \")\" after the arguments of \(name) in \"\(source)\"")
                }
            }
            return .call(name, arguments)
        }
        var indices: [Int?]?
        if take("[") {
            var list: [Int?] = []
            repeat {
                skipSpaces()
                if take(":") {
                    list.append(nil)
                    continue
                }
                let start = position
                while position < characters.count, characters[position].isNumber { position += 1 }
                guard let index = Int(String(characters[start..<position])) else {
                    throw ExpressionError("an index is a whole number or \":\" in \"\(source)\"")
                }
                list.append(index)
            } while take(",")
            guard take("]") else { throw ExpressionError("missing \"]\" in \"\(source)\"") }
            indices = list
        }
        return .reference(run: run, name: name, indices: indices)
    }

    private mutating func identifier() -> String {
        let start = position
        while position < characters.count,
            characters[position].isLetter || characters[position].isNumber || characters[position] == "_"
        {
            position += 1
        }
        return String(characters[start..<position])
    }
}

// MARK: - Evaluation

/// A value during evaluation: a flat list and its shape ([] for one number).
struct Values<S: ReferenceScalar> {
    var shape: [Int]
    var items: [S]

    init(shape: [Int], items: [S]) {
        self.shape = shape
        self.items = items
    }

    init(scalar: S) { self.init(shape: [], items: [scalar]) }

    var scalar: S? { items.count == 1 ? items[0] : nil }
}

/// Where names are looked up: the traces of every run, in one precision.
struct EvaluationContext<S: ReferenceScalar> {
    /// Runs by name, the main run first.
    var traces: [(name: String, trace: Trace<S>, input: CaseInput)]
    var defaultRun: String
    /// `f64(…)` and `f32(…)`: the same expression evaluated in that precision,
    /// its (finite, hence dyadic) results brought back exactly.
    var precisions: [String: @Sendable (Expression) throws -> (shape: [Int], items: [Rational])] = [:]

    func lookup(run: String?, name: String) throws -> Values<S> {
        let runName = run ?? defaultRun
        guard let entry = traces.first(where: { $0.name == runName }) else {
            throw ExpressionError("there is no run \"\(runName)\"")
        }
        if let step = entry.trace.step(name) {
            return Values(shape: step.tensor.shape, items: step.tensor.values)
        }
        if let tensor = entry.input.tensor(name) {
            return Values(shape: tensor.shape, items: tensor.values.map { S($0) })
        }
        if let parameter = entry.trace.params.first(where: { $0.name == name }), let value = parameter.value.rational {
            return Values(scalar: S(value))
        }
        if let text = entry.input.param(name), let value = try? Rational(parsing: text) {
            return Values(scalar: S(value))
        }
        let known = entry.trace.steps.map(\.name) + entry.trace.params.map(\.name)
        throw ExpressionError(
            "run \(runName) (op \(entry.trace.op)) has no step, input or parameter \"\(name)\"; it has: \(known.joined(separator: ", "))"
        )
    }

    func evaluate(_ expression: Expression) throws -> Values<S> {
        switch expression {
        case .number(let text):
            do { return Values(scalar: S(try Rational(parsing: text))) } catch {
                throw ExpressionError("\"\(text)\" is not a number")
            }
        case .reference(let run, let name, let indices):
            let whole = try lookup(run: run, name: name)
            guard let indices else { return whole }
            return try select(whole, indices, label: (run.map { "\($0)." } ?? "") + name)
        case .unary(let op, let operand):
            let value = try evaluate(operand)
            if op == "!" { return Values(shape: value.shape, items: value.items.map { $0.isZero ? S.one : S.zero }) }
            return Values(shape: value.shape, items: value.items.map { -$0 })
        case .power(let base, let exponent):
            let value = try evaluate(base)
            return Values(
                shape: value.shape,
                items: value.items.map { item in
                    var result = S.one
                    for _ in 0..<exponent { result = result * item }
                    return result
                })
        case .binary(let op, let lhs, let rhs):
            return try combine(op, try evaluate(lhs), try evaluate(rhs))
        case .call("input", let arguments):
            // input(running_mean): the value given to the op, when an output shares its name.
            guard arguments.count == 1, case .reference(let run, let name, let indices) = arguments[0] else {
                throw ExpressionError("input() takes one name, e.g. input(running_mean)")
            }
            guard let entry = traces.first(where: { $0.name == (run ?? defaultRun) }) else {
                throw ExpressionError("there is no run \"\(run ?? defaultRun)\"")
            }
            let whole: Values<S>
            if let step = entry.trace.steps.first(where: { $0.name == name && $0.role == .input }) {
                whole = Values(shape: step.tensor.shape, items: step.tensor.values)
            } else if let tensor = entry.input.tensor(name) {
                whole = Values(shape: tensor.shape, items: tensor.values.map { S($0) })
            } else {
                throw ExpressionError("run \(entry.name) has no input \"\(name)\"")
            }
            guard let indices else { return whole }
            return try select(whole, indices, label: "input(\(name))")
        case .call(let name, let arguments) where name == "f64" || name == "f32":
            guard arguments.count == 1 else { throw ExpressionError("\(name)() takes one expression") }
            guard let evaluator = precisions[name] else {
                throw ExpressionError("\(name)() is not available here (does a run target \(name)?)")
            }
            let result = try evaluator(arguments[0])
            return Values(shape: result.shape, items: result.items.map { S($0) })
        case .call(let name, let arguments):
            return try call(name, try arguments.map(evaluate))
        }
    }

    private func select(_ value: Values<S>, _ indices: [Int?], label: String) throws -> Values<S> {
        if indices.count == 1, let flat = indices[0], value.shape.count != 1 {
            guard flat < value.items.count else {
                throw ExpressionError(
                    "\(label)[\(flat)] is out of range: \(label) holds \(value.items.count) values (shape \(value.shape))"
                )
            }
            return Values(scalar: value.items[flat])
        }
        guard indices.count == value.shape.count else {
            throw ExpressionError(
                "\(label) has shape \(value.shape); give \(value.shape.count) indices or one flat index")
        }
        var strides = Array(repeating: 1, count: value.shape.count)
        for axis in stride(from: value.shape.count - 2, through: 0, by: -1) {
            strides[axis] = strides[axis + 1] * value.shape[axis + 1]
        }
        for (axis, index) in indices.enumerated() {
            if let index, index >= value.shape[axis] {
                throw ExpressionError("\(label): index \(index) on axis \(axis) is out of range (shape \(value.shape))")
            }
        }
        var offsets = [0]
        var shape: [Int] = []
        for (axis, index) in indices.enumerated() {
            if let index {
                offsets = offsets.map { $0 + index * strides[axis] }
            } else {
                shape.append(value.shape[axis])
                offsets = offsets.flatMap { base in (0..<value.shape[axis]).map { base + $0 * strides[axis] } }
            }
        }
        return Values(shape: shape, items: offsets.map { value.items[$0] })
    }

    private func combine(_ op: String, _ lhs: Values<S>, _ rhs: Values<S>) throws -> Values<S> {
        let count: Int
        let shape: [Int]
        if lhs.items.count == rhs.items.count {
            count = lhs.items.count
            shape = lhs.shape.count >= rhs.shape.count ? lhs.shape : rhs.shape
        } else if lhs.items.count == 1 {
            count = rhs.items.count
            shape = rhs.shape
        } else if rhs.items.count == 1 {
            count = lhs.items.count
            shape = lhs.shape
        } else {
            throw ExpressionError("cannot combine \(lhs.items.count) values with \(rhs.items.count) values using \(op)")
        }
        var items: [S] = []
        items.reserveCapacity(count)
        for index in 0..<count {
            let a = lhs.items[lhs.items.count == 1 ? 0 : index]
            let b = rhs.items[rhs.items.count == 1 ? 0 : index]
            switch op {
            case "+": items.append(a + b)
            case "-": items.append(a - b)
            case "*": items.append(a * b)
            case "/":
                if b.isZero && S.precisionName == "exact" { throw ExpressionError("division by zero") }
                items.append(a / b)
            case "<": items.append(a < b ? .one : .zero)
            case ">": items.append(a > b ? .one : .zero)
            case "<=": items.append(a <= b ? .one : .zero)
            case ">=": items.append(a >= b ? .one : .zero)
            case "==": items.append(a == b ? .one : .zero)
            case "!=": items.append(a != b ? .one : .zero)
            case "and": items.append(!a.isZero && !b.isZero ? .one : .zero)
            case "or": items.append(!a.isZero || !b.isZero ? .one : .zero)
            default: throw ExpressionError("unknown operator \(op)")
            }
        }
        return Values(shape: shape, items: items)
    }

    private func call(_ name: String, _ arguments: [Values<S>]) throws -> Values<S> {
        func one() throws -> Values<S> {
            guard arguments.count == 1 else { throw ExpressionError("\(name)() takes one argument") }
            return arguments[0]
        }
        func elementwise(_ transform: (S) throws -> S) throws -> Values<S> {
            let value = try one()
            return Values(shape: value.shape, items: try value.items.map(transform))
        }
        switch name {
        case "sum": return Values(scalar: try one().items.reduce(S.zero, +))
        case "count": return Values(scalar: S(try one().items.count))
        case "mean":
            let value = try one()
            return Values(scalar: value.items.reduce(S.zero, +) / S(value.items.count))
        case "norm2": return Values(scalar: try one().items.reduce(S.zero) { $0 + $1 * $1 })
        case "max":
            let items = arguments.flatMap(\.items)
            guard let first = items.first else { throw ExpressionError("max() of nothing") }
            return Values(scalar: items.dropFirst().reduce(first) { $1 > $0 ? $1 : $0 })
        case "min":
            let items = arguments.flatMap(\.items)
            guard let first = items.first else { throw ExpressionError("min() of nothing") }
            return Values(scalar: items.dropFirst().reduce(first) { $1 < $0 ? $1 : $0 })
        case "abs": return try elementwise { $0 < S.zero ? -$0 : $0 }
        case "sqrt":
            return try elementwise { item in
                if S.precisionName == "exact" && item < S.zero { throw ExpressionError("sqrt of a negative number") }
                do { return try item.checkedSquareRoot() } catch { throw ExpressionError("sqrt: \(error)") }
            }
        case "dot":
            guard arguments.count == 2, arguments[0].items.count == arguments[1].items.count else {
                throw ExpressionError("dot() takes two lists of the same length")
            }
            return Values(scalar: zip(arguments[0].items, arguments[1].items).reduce(S.zero) { $0 + $1.0 * $1.1 })
        case "all": return Values(scalar: try one().items.allSatisfy { !$0.isZero } ? .one : .zero)
        case "any": return Values(scalar: try one().items.contains { !$0.isZero } ? .one : .zero)
        case "pow2":
            let exponent = try one()
            guard let value = exponent.scalar?.exactValue?.rationalValue, value.isInteger,
                let n = value.numerator.exactInt, (0...200).contains(n)
            else {
                throw ExpressionError("pow2() takes a whole number from 0 to 200")
            }
            var result = S.one
            for _ in 0..<n { result = result * S(2) }
            return Values(scalar: result)
        default:
            throw ExpressionError(
                "unknown function \(name)() (known: sum, count, mean, norm2, dot, max, min, abs, sqrt, all, any, pow2, input, f64, f32)"
            )
        }
    }
}
