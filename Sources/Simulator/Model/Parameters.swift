import Kernels

/// What a parameter tensor is, for weight decay and for the per-layer figures.
public enum ParameterKind: String, Sendable {
    case weight, bias, gain, shift
}

/// Every trainable tensor of a network in a fixed order: for each linear layer
/// l = 1…L+1 its weight (fan_in × fan_out, row-major) and bias, then for each
/// hidden layer with an affine normalization its gain γ and shift β.
public final class Parameters<T: MatMulScalar>: @unchecked Sendable {
    public struct Info: Sendable {
        /// The layer, numbered from 1 (L+1 is the output layer).
        public let layer: Int
        public let kind: ParameterKind
    }

    public let tensors: [Buffer<T>]
    public let info: [Info]

    public init(tensors: [Buffer<T>], info: [Info]) {
        self.tensors = tensors
        self.info = info
    }

    /// Zeros of the same shapes.
    public func zeros() -> Parameters<T> {
        Parameters(tensors: tensors.map { Buffer(count: $0.count) }, info: info)
    }

    public func copy() -> Parameters<T> { Parameters(tensors: tensors.map { $0.copy() }, info: info) }

    public func assign(from other: Parameters<T>) {
        for (a, b) in zip(tensors, other.tensors) { a.assign(from: b) }
    }

    /// The index of layer `layer`'s tensor of `kind`, if it has one.
    public func index(layer: Int, kind: ParameterKind) -> Int? {
        info.firstIndex { $0.layer == layer && $0.kind == kind }
    }

    public func tensor(layer: Int, kind: ParameterKind) -> Buffer<T>? {
        index(layer: layer, kind: kind).map { tensors[$0] }
    }

    /// All values in order, in Double (for the sharpness computation).
    public func flattened() -> [Double] { tensors.flatMap { $0.array.map { Double($0) } } }

    public var totalCount: Int { tensors.reduce(0) { $0 + $1.count } }
}
