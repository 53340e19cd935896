/// Bad input to a kernel. Thrown at the API boundary, before any memory is touched
/// (except `zeroVariance`, which is detected once the statistics are known).
public enum KernelError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A buffer's element count does not match the shape.
    case sizeMismatch(buffer: String, expected: Int, actual: Int)
    /// A dimension is zero or negative.
    case emptyDimension(name: String, value: Int)
    /// ε must be ≥ 0 (and > 0 when a group has zero variance).
    case negativeEpsilon(Double)
    /// ε = 0 and a group/channel has zero variance: x̂ = 0/0 is undefined.
    case zeroVariance(group: Int)
    /// Dropout probability outside the allowed range.
    case probabilityOutOfRange(p: Double, rule: String)
    /// The number of groups does not divide the number of channels.
    case groupsDoNotDivideChannels(groups: Int, channels: Int)
    /// A parameter outside its domain (momentum, count, thread count, …).
    case invalidParameter(name: String, value: String, rule: String)

    public var description: String {
        switch self {
        case .sizeMismatch(let buffer, let expected, let actual):
            return "\(buffer) has \(actual) elements; the shape requires \(expected)"
        case .emptyDimension(let name, let value):
            return "dimension \(name) = \(value); every dimension must be at least 1"
        case .negativeEpsilon(let e):
            return "eps = \(e); eps must be ≥ 0"
        case .zeroVariance(let group):
            return "group \(group) has zero variance and eps = 0; x̂ = 0/0 is undefined (use eps > 0)"
        case .probabilityOutOfRange(let p, let rule):
            return "p = \(p); \(rule)"
        case .groupsDoNotDivideChannels(let groups, let channels):
            return "groups = \(groups) does not divide channels = \(channels)"
        case .invalidParameter(let name, let value, let rule):
            return "\(name) = \(value); \(rule)"
        }
    }
}

@inlinable
func _checkCount(_ name: String, _ actual: Int, _ expected: Int) throws(KernelError) {
    if actual != expected { throw .sizeMismatch(buffer: name, expected: expected, actual: actual) }
}

@inlinable
func _checkDim(_ name: String, _ v: Int) throws(KernelError) {
    if v < 1 { throw .emptyDimension(name: name, value: v) }
}

@inlinable
func _checkEpsilon<T: KernelScalar>(_ eps: T) throws(KernelError) {
    if !(eps >= 0) || !eps.isFinite { throw .negativeEpsilon(eps._double) }
}
