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
        try rationalParam(name) ?? representable(value)
    }

    /// The value nearest to `value` in the case's precision.
    public func representable(_ value: Rational) -> Rational {
        switch precision {
        case .f64: return try! Rational(exactly: value.rounded(to: Double.self))
        case .f32: return try! Rational(exactly: value.rounded(to: Float.self))
        }
    }

    /// An integer parameter, or nil when absent.
    public func integerParam(_ name: String) throws -> Int? {
        guard let value = try rationalParam(name) else { return nil }
        guard value.isInteger, let integer = value.numerator.exactInt else {
            throw ReferenceError("parameter \(name) = \(value) must be an integer")
        }
        return integer
    }

    /// Inputs and numeric parameters replaced by their nearest values in the
    /// target precision, so that a consumer feeding those floats computes from
    /// exactly the inputs whose exact outputs are published. Returns the names
    /// of the values that changed.
    public func snappedToPrecision() -> (input: CaseInput, changed: [String]) {
        var copy = self
        var changed: [String] = []
        let snap = representable
        for index in copy.inputs.indices {
            let original = copy.inputs[index].tensor
            let snapped = original.map(snap)
            if snapped != original { changed.append(copy.inputs[index].name) }
            copy.inputs[index].tensor = snapped
        }
        for index in copy.params.indices {
            guard let value = try? Rational(parsing: copy.params[index].value) else { continue }
            let snapped = snap(value)
            if snapped != value {
                changed.append(copy.params[index].name)
                copy.params[index].value = snapped.description
            }
        }
        return (copy, changed)
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
        let values: [Rational] = try items.enumerated().map { index, item in
            guard let text = item.numberText else {
                throw ReferenceError("input \(name)[\(index)] must be a number string")
            }
            do {
                let value = try Surd(parsing: text)
                guard let rational = value.rationalValue else {
                    throw ReferenceError("input \(name)[\(index)] = \"\(text)\" must be rational")
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
        guard shape.reduce(1, *) == values.count else {
            throw ReferenceError(
                "input \(name): shape \(shape) holds \(shape.reduce(1, *)) values but \(values.count) were given")
        }
        return Tensor(shape: shape, values: values)
    }
}
