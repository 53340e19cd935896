import Exact
import OrderedJSON

/// The precision a case targets: its inputs are exactly representable there,
/// and its float columns are the correct roundings in that precision.
public enum TargetPrecision: String, Sendable, CaseIterable {
    case f64, f32
}

/// What a reference computation is run on: exact inputs and parameters.
/// This is the input half of a case (DESIGN.md "Contracts"):
/// `{"op", "convention"?, "precision"?, "params": {name: "number"}, "inputs": {name: {"shape", "values"}}}`.
public struct CaseInput: Sendable {
    public var op: String
    public var convention: String?
    public var precision: TargetPrecision
    /// Parameters in the order given; values are number strings or words.
    public var params: [(name: String, value: String)]
    /// Input tensors in the order given, exact.
    public var inputs: [(name: String, tensor: Tensor<Rational>)]

    public init(
        op: String, convention: String? = nil, precision: TargetPrecision = .f64,
        params: [(name: String, value: String)] = [], inputs: [(name: String, tensor: Tensor<Rational>)] = []
    ) {
        self.op = op
        self.convention = convention
        self.precision = precision
        self.params = params
        self.inputs = inputs
    }

    public func tensor(_ name: String) -> Tensor<Rational>? { inputs.first { $0.name == name }?.tensor }

    public func param(_ name: String) -> String? { params.first { $0.name == name }?.value }

    public mutating func setParam(_ name: String, _ value: String) {
        if let index = params.firstIndex(where: { $0.name == name }) {
            params[index].value = value
        } else {
            params.append((name, value))
        }
    }

    public mutating func setInput(_ name: String, _ tensor: Tensor<Rational>) {
        if let index = inputs.firstIndex(where: { $0.name == name }) {
            inputs[index].tensor = tensor
        } else {
            inputs.append((name, tensor))
        }
    }

    /// A numeric parameter parsed exactly, or nil when absent.
    public func rationalParam(_ name: String) throws -> Rational? {
        guard let text = param(name) else { return nil }
        do { return try Rational(parsing: text) } catch let error as ExactError {
            throw ReferenceError("parameter \(name) = \"\(text)\": \(error)")
        }
    }

    /// A numeric parameter, or `value` when absent. A default (a convention's
    /// ε or momentum) is made representable in the case's precision, as given
    /// parameters are, so the float runs and the exact run agree on it.
    public func rationalParam(_ name: String, default value: Rational) throws -> Rational {
        if let given = try rationalParam(name) { return given }
        return try precision.nearest(value, naming: "the default of parameter \(name)")
    }

    /// An integer parameter, or nil when absent.
    public func integerParam(_ name: String) throws -> Int? {
        guard let value = try rationalParam(name) else { return nil }
        guard value.isInteger, let integer = value.numerator.exactInt else {
            throw ReferenceError(
                "parameter \(name) = \(valueText(value)) must be an integer"
                    + (value.isInteger ? " between \(Int.min) and \(Int.max)" : ""))
        }
        return integer
    }

    /// An integer parameter within `range`, or `value` when absent.
    public func integerParam(_ name: String, in range: ClosedRange<Int>, default value: Int) throws -> Int {
        let integer = try integerParam(name) ?? value
        guard range.contains(integer) else {
            throw ReferenceError("parameter \(name) = \(integer) must lie in \(range.lowerBound)…\(range.upperBound)")
        }
        return integer
    }

    /// The seed of NormLab's generator (SplitMix64): an integer in 0…2⁶³ − 1, default 1.
    public func seedParam() throws -> UInt64 {
        UInt64(try integerParam("seed", in: 0...Int.max, default: 1))
    }

    /// The number of Monte-Carlo samples: 0 (none, the default) or
    /// `minimum`…`WorkLimits.monteCarloSamples`.
    public func samplesParam(minimum: Int = 1) throws -> Int {
        let samples = try integerParam("samples") ?? 0
        guard samples == 0 || (minimum...WorkLimits.monteCarloSamples).contains(samples) else {
            throw ReferenceError(
                "parameter samples = \(samples) must be 0 (no Monte-Carlo estimate) or lie in \(minimum)…\(WorkLimits.monteCarloSamples)"
            )
        }
        return samples
    }

    /// Inputs and numeric parameters replaced by their nearest values in the
    /// target precision, so that a consumer feeding those floats computes from
    /// exactly the inputs whose exact outputs are published. Returns the names
    /// of the values that changed. A value beyond the precision's largest
    /// finite number has no nearest float and is refused, named.
    public func snappedToPrecision() throws -> (input: CaseInput, changed: [String]) {
        var copy = self
        var changed: [String] = []
        for index in copy.inputs.indices {
            let (name, original) = copy.inputs[index]
            let snapped = try original.values.enumerated().map { position, value in
                try precision.nearest(value, naming: "input \(name)\(elementLabel(position, shape: original.shape))")
            }
            if snapped != original.values { changed.append(name) }
            copy.inputs[index].tensor = Tensor(shape: original.shape, values: snapped)
        }
        for index in copy.params.indices {
            guard let value = try? Rational(parsing: copy.params[index].value) else { continue }
            let snapped = try precision.nearest(value, naming: "parameter \(copy.params[index].name)")
            if snapped != value {
                changed.append(copy.params[index].name)
                copy.params[index].value = snapped.description
            }
        }
        return (copy, changed)
    }

    /// Refuses a case too large for the exact path (`WorkLimits.caseValues`)
    /// and, for a case run on its values as written, any number too long to
    /// compute with in reasonable time (`WorkLimits.valueBits`).
    public func checkSize(valuesAsWritten: Bool = false) throws {
        let total = inputs.reduce(0) { $0 + $1.tensor.count }
        try WorkLimits.check(
            total, limit: WorkLimits.caseValues,
            "the case's input values (\(inputs.map(\.name).joined(separator: ", ")))",
            advice: "the exact path is for examples and test vectors; use the kernels for large data")
        guard valuesAsWritten else { return }
        for (name, tensor) in inputs {
            for (position, value) in tensor.values.enumerated() {
                let bits = value.numerator.bitWidth + value.denominator.bitWidth
                guard bits <= WorkLimits.valueBits else {
                    throw ReferenceError(
                        "input \(name)\(elementLabel(position, shape: tensor.shape)) = \(valueText(value)) needs \(bits) bits; exact values given as written are limited to \(WorkLimits.valueBits) bits (about 1233 digits)"
                    )
                }
            }
        }
        for (name, text) in params {
            guard let value = try? Rational(parsing: text) else { continue }
            let bits = value.numerator.bitWidth + value.denominator.bitWidth
            guard bits <= WorkLimits.valueBits else {
                throw ReferenceError(
                    "parameter \(name) = \(quotedInput(text)) needs \(bits) bits; exact values given as written are limited to \(WorkLimits.valueBits) bits (about 1233 digits)"
                )
            }
        }
    }
}

/// "[4]" for a vector, "[1,0]" for a matrix element, "" for a scalar: how
/// messages and tables name element `index` of a row-major tensor.
public func elementLabel(_ index: Int, shape: [Int]) -> String {
    guard shape.count > 1 else { return shape.isEmpty ? "" : "[\(index)]" }
    var remainder = index
    var coordinates: [Int] = []
    for dimension in shape.reversed() {
        coordinates.append(remainder % max(dimension, 1))
        remainder /= max(dimension, 1)
    }
    return "[" + coordinates.reversed().map(String.init).joined(separator: ",") + "]"
}

extension TargetPrecision {
    /// The largest finite value, as a decimal.
    public var largestFiniteText: String {
        switch self {
        case .f64: return "1.7976931348623157e308"
        case .f32: return "3.4028235e38"
        }
    }

    /// The value nearest to `value` in this precision (ties to even). A value
    /// that rounds to ±∞ has no nearest finite float: it is refused, named
    /// by `what`, with the precision's range.
    public func nearest(_ value: Rational, naming what: @autoclosure () -> String) throws -> Rational {
        let rounded: Rational?
        switch self {
        case .f64: rounded = try? Rational(exactly: value.rounded(to: Double.self))
        case .f32: rounded = try? Rational(exactly: value.rounded(to: Float.self))
        }
        guard let rounded else {
            throw ReferenceError(
                "\(what()) = \(valueText(value)) is outside the \(rawValue) range: it rounds to \(value.signum < 0 ? "-inf" : "inf"); \(rawValue) values lie within ±\(largestFiniteText)"
            )
        }
        return rounded
    }
}

// MARK: - Reading a case from JSON

extension CaseInput {
    /// Reads the input half of a case. Every error names the field and rule.
    public init(json: JSONValue, defaultOp: String? = nil) throws {
        guard case .object = json else { throw ReferenceError("a case must be a JSON object") }
        guard let op = json["op"]?.stringValue ?? defaultOp else { throw ReferenceError("the case has no \"op\"") }
        var precision = TargetPrecision.f64
        if let text = json["precision"] {
            guard let name = text.stringValue, let value = TargetPrecision(rawValue: name) else {
                throw ReferenceError("\"precision\" must be \"f64\" or \"f32\"")
            }
            precision = value
        }
        var params: [(name: String, value: String)] = []
        if let object = json["params"] {
            guard let members = object.objectValue else { throw ReferenceError("\"params\" must be an object") }
            for (name, value) in members {
                switch value {
                case .string(let text), .number(let text): params.append((name, text))
                case .bool(let flag): params.append((name, flag ? "true" : "false"))
                default: throw ReferenceError("parameter \(name) must be a number string or a word")
                }
            }
        }
        var inputs: [(name: String, tensor: Tensor<Rational>)] = []
        if let object = json["inputs"] {
            guard let members = object.objectValue else { throw ReferenceError("\"inputs\" must be an object") }
            for (name, value) in members {
                inputs.append((name, try CaseInput.readTensor(name: name, value)))
            }
        }
        self.init(
            op: op, convention: json["convention"]?.stringValue, precision: precision, params: params, inputs: inputs)
    }

    /// `{"shape": [2, 3], "values": ["1", "2.5", "1/3", "0x1.8p+1", "1e-5"]}`;
    /// an "exact" array is read like "values", so a trace's own output reads back.
    static func readTensor(name: String, _ json: JSONValue) throws -> Tensor<Rational> {
        let valuesJSON = json["values"] ?? json["exact"]
        guard let items = valuesJSON?.arrayValue else {
            throw ReferenceError("input \(name) needs a \"values\" array")
        }
        try WorkLimits.check(items.count, limit: WorkLimits.caseValues, "input \(name): values")
        let values: [Rational] = try items.enumerated().map { index, item in
            guard let text = item.numberText else {
                throw ReferenceError("input \(name)[\(index)] must be a number string")
            }
            // A plain number reads as a rational; the full grammar (a trace's own
            // canonical output, e.g. "sqrt(4)") is tried only when that fails.
            if let rational = try? Rational(parsing: text) { return rational }
            do {
                let value = try Surd(parsing: text)
                guard let rational = value.rationalValue else {
                    throw ReferenceError("input \(name)[\(index)] = \(quotedInput(text)) must be rational")
                }
                return rational
            } catch let error as ExactError {
                throw ReferenceError("input \(name)[\(index)]: \(error)")
            }
        }
        var shape = [values.count]
        if let shapeJSON = json["shape"] {
            guard let dims = shapeJSON.arrayValue?.map({ $0.intValue }), dims.allSatisfy({ ($0 ?? -1) >= 0 }) else {
                throw ReferenceError("input \(name): \"shape\" must be an array of non-negative integers")
            }
            shape = dims.map { $0! }
        }
        try checkShape(shape, holds: values.count, name: name)
        return Tensor(shape: shape, values: values)
    }
}

/// Checks that `shape` holds `count` values, without overflowing on absurd
/// dimensions: the message names the tensor, the shape and the count.
public func checkShape(_ shape: [Int], holds count: Int, name: String) throws {
    guard let product = WorkLimits.product(shape) else {
        throw ReferenceError(
            "input \(name): shape \(shape) holds more values than a computer can address; \(count) were given")
    }
    guard product == count else {
        throw ReferenceError("input \(name): shape \(shape) holds \(product) values but \(count) were given")
    }
    if count == 0, let large = shape.first(where: { $0 > WorkLimits.caseValues }) {
        throw ReferenceError(
            "input \(name): shape \(shape) is empty but has a dimension of \(large); dimensions are limited to \(WorkLimits.caseValues)"
        )
    }
}
