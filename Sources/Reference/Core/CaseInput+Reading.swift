import Exact

/// Reading inputs and parameters the way every operation needs them; each
/// error names the value and the rule (DESIGN.md "Errors").
extension CaseInput {
    /// An input tensor that must be present.
    public func requiredTensor(_ name: String) throws -> Tensor<Rational> {
        guard let tensor = tensor(name) else { throw ReferenceError("input \(name) is required") }
        return tensor
    }

    /// A yes/no parameter ("true"/"false", "1"/"0", "yes"/"no"), or `value` when absent.
    public func flagParam(_ name: String, default value: Bool) throws -> Bool {
        guard let text = param(name) else { return value }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw ReferenceError("parameter \(name) = \"\(text)\" must be true or false")
        }
    }
}

extension Tensor where Scalar == Rational {
    /// The tensor in the scalar `S` (exact for Surd, correctly rounded for floats).
    public func converted<S: ReferenceScalar>(to _: S.Type) -> Tensor<S> { map { S($0) } }
}
