import Exact

extension CaseInput {
    /// A yes/no parameter ("true"/"false", "1"/"0", "yes"/"no"), or `defaultValue` when absent.
    func flagParameter(_ name: String, default defaultValue: Bool) throws -> Bool {
        guard let text = param(name) else { return defaultValue }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw ReferenceError("parameter \(name) = \"\(text)\" must be true or false")
        }
    }

    /// One of the listed words, or `defaultValue` when absent.
    func wordParameter(_ name: String, default defaultValue: String, allowed: [String]) throws -> String {
        guard let text = param(name) else { return defaultValue }
        guard allowed.contains(text) else {
            throw ReferenceError("parameter \(name) = \"\(text)\" must be one of \(allowed.joined(separator: ", "))")
        }
        return text
    }

    /// A required input tensor.
    func requiredTensor(_ name: String) throws -> Tensor<Rational> {
        guard let tensor = tensor(name) else { throw ReferenceError("input \(name) is missing") }
        return tensor
    }
}

extension Tensor where Scalar == Rational {
    /// The tensor in the scalar `S` (exact for Surd, correctly rounded for floats).
    func converted<S: ReferenceScalar>(to _: S.Type) -> Tensor<S> { map { S($0) } }
}

extension TraceSet {
    /// Runs `operation` exactly and in f64 (and f32 when the case targets it)
    /// on the inputs exactly as given, without snapping them to the target
    /// precision first: the exact run then fits the user's decimal data
    /// (e.g. NIST's), and the float runs start from the nearest floats.
    public init(unsnapped operation: any ReferenceOperation.Type, input: CaseInput) throws {
        self.input = input
        exact = try operation.run(input, as: Surd.self)
        f64 = try operation.run(input, as: Double.self)
        f32 = input.precision == .f32 ? try operation.run(input, as: Float.self) : nil
    }
}
