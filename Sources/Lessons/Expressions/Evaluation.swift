import Exact
import Reference

/// A value during evaluation: a flat row-major list and its shape ([] for
/// one number).
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

    /// The largest exact value, in bits, an expression may produce: a lesson
    /// shows numbers, and a value of this size already fills many screens.
    static var exactBitLimit: Int { 200_000 }

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
        if let text = entry.input.param(name), let value = try? LessonNumber.parse(text) {
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
            return Values(scalar: S(try LessonNumber.parse(text)))
        case .reference(let run, let name, let indices):
            let whole = try lookup(run: run, name: name)
            guard let indices else { return whole }
            return try select(whole, indices, label: (run.map { "\($0)." } ?? "") + name)
        case .negate(let operand):
            let value = try evaluate(operand)
            return Values(shape: value.shape, items: value.items.map { -$0 })
        case .not(let operand):
            let value = try evaluate(operand)
            return Values(shape: value.shape, items: value.items.map { $0.isZero ? S.one : S.zero })
        case .power(let base, let exponent):
            let value = try evaluate(base)
            return Values(shape: value.shape, items: try value.items.map { try power($0, exponent) })
        case .chain(let first, let rest):
            var value = try evaluate(first)
            for (op, operand) in rest { value = try combine(op, value, try evaluate(operand)) }
            return value
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

    /// base^exponent by repeated squaring, refusing values beyond the size limit.
    private func power(_ base: S, _ exponent: Int) throws -> S {
        var result = S.one
        var square = base
        var rest = exponent
        while rest > 0 {
            if rest & 1 == 1 { result = try checked(result * square) }
            rest >>= 1
            if rest > 0 { square = try checked(square * square) }
        }
        return result
    }

    /// An exact value whose size stays within `exactBitLimit`.
    private func checked(_ value: S) throws -> S {
        guard let surd = value as? Surd else { return value }
        let bits = surd.bitSize
        guard bits <= Self.exactBitLimit else {
            throw ExpressionError(
                "an intermediate value grows to \(bits) bits, beyond the limit \(Self.exactBitLimit) for a lesson")
        }
        return value
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
        for (axis, index) in indices.enumerated() {
            if let index, index >= value.shape[axis] {
                throw ExpressionError(
                    "\(label)[\(indices.map { $0.map(String.init) ?? ":" }.joined(separator: ","))] is out of range: \(label) has shape \(value.shape)"
                )
            }
        }
        let strides = Self.strides(value.shape)
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

    static func strides(_ shape: [Int]) -> [Int] {
        var strides = Array(repeating: 1, count: shape.count)
        for axis in stride(from: shape.count - 2, through: 0, by: -1) {
            strides[axis] = strides[axis + 1] * shape[axis + 1]
        }
        return strides
    }

    /// NumPy's broadcasting: shapes are aligned at their last axes and an
    /// axis of length 1 (or a missing one) stretches. Two lists with the same
    /// number of values but shapes that do not broadcast pair up in
    /// row-major order.
    private func combine(_ op: BinaryOperator, _ lhs: Values<S>, _ rhs: Values<S>) throws -> Values<S> {
        let pairs: (shape: [Int], left: [Int], right: [Int])
        if let broadcast = Self.broadcast(lhs.shape, rhs.shape) {
            pairs = broadcast
        } else if lhs.items.count == rhs.items.count {
            pairs = (lhs.shape, Array(lhs.items.indices), Array(rhs.items.indices))
        } else {
            throw ExpressionError(
                "cannot combine shape \(lhs.shape) with shape \(rhs.shape) using \(op.rawValue)")
        }
        var items: [S] = []
        items.reserveCapacity(pairs.left.count)
        for (i, j) in zip(pairs.left, pairs.right) {
            let a = lhs.items[i]
            let b = rhs.items[j]
            switch op {
            case .plus: items.append(try checked(a + b))
            case .minus: items.append(try checked(a - b))
            case .times: items.append(try checked(a * b))
            case .divide:
                if b.isZero && S.precisionName == "exact" { throw ExpressionError("division by zero") }
                items.append(try checked(a / b))
            case .less: items.append(a < b ? .one : .zero)
            case .greater: items.append(a > b ? .one : .zero)
            case .lessOrEqual: items.append(a <= b ? .one : .zero)
            case .greaterOrEqual: items.append(a >= b ? .one : .zero)
            case .equal: items.append(a == b ? .one : .zero)
            case .notEqual: items.append(a != b ? .one : .zero)
            case .and: items.append(!a.isZero && !b.isZero ? .one : .zero)
            case .or: items.append(!a.isZero || !b.isZero ? .one : .zero)
            }
        }
        return Values(shape: pairs.shape, items: items)
    }

    /// The broadcast shape and, for each of its elements, the flat index
    /// into each operand; nil when the shapes do not broadcast.
    static func broadcast(_ a: [Int], _ b: [Int]) -> (shape: [Int], left: [Int], right: [Int])? {
        let rank = max(a.count, b.count)
        let paddedA = Array(repeating: 1, count: rank - a.count) + a
        let paddedB = Array(repeating: 1, count: rank - b.count) + b
        var shape: [Int] = []
        for (x, y) in zip(paddedA, paddedB) {
            guard x == y || x == 1 || y == 1 else { return nil }
            shape.append(max(x, y))
        }
        let count = shape.reduce(1, *)
        let stridesA = strides(paddedA).enumerated().map { paddedA[$0.offset] == 1 ? 0 : $0.element }
        let stridesB = strides(paddedB).enumerated().map { paddedB[$0.offset] == 1 ? 0 : $0.element }
        let outStrides = strides(shape)
        var left: [Int] = []
        var right: [Int] = []
        left.reserveCapacity(count)
        right.reserveCapacity(count)
        for flat in 0..<count {
            var rest = flat
            var i = 0
            var j = 0
            for axis in 0..<rank {
                let coordinate = rest / outStrides[axis]
                rest %= outStrides[axis]
                i += coordinate * stridesA[axis]
                j += coordinate * stridesB[axis]
            }
            left.append(i)
            right.append(j)
        }
        return (shape, left, right)
    }

    static var functionNames: String {
        "sum, count, mean, norm2, dot, max, min, abs, sqrt, all, any, ones, indices, pow2, input, f64, f32"
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
        case "sum", "mean":
            guard arguments.count == 1 || arguments.count == 2 else {
                throw ExpressionError("\(name)() takes a list and, optionally, an axis: \(name)(x) or \(name)(x, 0)")
            }
            let value = arguments[0]
            if arguments.count == 2 {
                return try reduce(value, axis: arguments[1], mean: name == "mean")
            }
            guard !value.items.isEmpty else { throw ExpressionError("\(name)() of nothing") }
            var total = S.zero
            for item in value.items { total = try checked(total + item) }
            return Values(scalar: name == "sum" ? total : try checked(total / S(value.items.count)))
        case "count": return Values(scalar: S(try one().items.count))
        case "norm2":
            var total = S.zero
            for item in try one().items { total = try checked(total + item * item) }
            return Values(scalar: total)
        case "max", "min":
            let items = arguments.flatMap(\.items)
            guard let first = items.first else { throw ExpressionError("\(name)() of nothing") }
            return Values(
                scalar: items.dropFirst().reduce(first) { name == "max" ? ($1 > $0 ? $1 : $0) : ($1 < $0 ? $1 : $0) })
        case "abs": return try elementwise { $0 < S.zero ? -$0 : $0 }
        case "sqrt":
            return try elementwise { item in
                if S.precisionName == "exact" && item < S.zero { throw ExpressionError("sqrt of a negative number") }
                do { return try checked(try item.checkedSquareRoot()) } catch let error as ExpressionError {
                    throw error
                } catch { throw ExpressionError("sqrt: \(error)") }
            }
        case "dot":
            guard arguments.count == 2, arguments[0].items.count == arguments[1].items.count else {
                throw ExpressionError("dot() takes two lists of the same length")
            }
            var total = S.zero
            for (a, b) in zip(arguments[0].items, arguments[1].items) { total = try checked(total + a * b) }
            return Values(scalar: total)
        case "all": return Values(scalar: try one().items.allSatisfy { !$0.isZero } ? .one : .zero)
        case "any": return Values(scalar: try one().items.contains { !$0.isZero } ? .one : .zero)
        case "ones":
            let value = try one()
            return Values(shape: value.shape, items: Array(repeating: .one, count: value.items.count))
        case "indices":
            // 0, 1, …, count − 1: positions to draw values against.
            let count = try one().items.count
            return Values(shape: [count], items: (0..<count).map { S($0) })
        case "pow2":
            let exponent = try one()
            guard let value = exponent.scalar?.exactValue?.rationalValue, value.isInteger,
                let n = value.numerator.exactInt, (0...200).contains(n)
            else {
                throw ExpressionError("pow2() takes a whole number from 0 to 200")
            }
            return Values(scalar: try power(S(2), n))
        default:
            throw ExpressionError("unknown function \(name)() (known: \(Self.functionNames))")
        }
    }

    /// sum(x, axis) / mean(x, axis): the axis removed from the shape.
    private func reduce(_ value: Values<S>, axis argument: Values<S>, mean: Bool) throws -> Values<S> {
        guard let number = argument.scalar?.exactValue?.rationalValue, number.isInteger,
            let axis = number.numerator.exactInt, (0..<value.shape.count).contains(axis)
        else {
            throw ExpressionError(
                "the axis must be a whole number from 0 to \(value.shape.count - 1) for shape \(value.shape)")
        }
        let strides = Self.strides(value.shape)
        var shape = value.shape
        let length = shape.remove(at: axis)
        let outer = value.shape[..<axis].reduce(1, *)
        let inner = strides[axis]
        var items: [S] = []
        for o in 0..<outer {
            for i in 0..<inner {
                var total = S.zero
                for k in 0..<length { total = try checked(total + value.items[o * length * inner + k * inner + i]) }
                items.append(mean ? try checked(total / S(length)) : total)
            }
        }
        return Values(shape: shape, items: items)
    }
}

extension Surd {
    /// Bits in every integer the value holds: a measure of the work any
    /// arithmetic on it costs.
    var bitSize: Int {
        var bits = rational.numerator.bitWidth + rational.denominator.bitWidth
        for term in terms {
            bits +=
                term.coefficient.numerator.bitWidth + term.coefficient.denominator.bitWidth
                + term.radicand.bitWidth
        }
        return bits
    }
}
