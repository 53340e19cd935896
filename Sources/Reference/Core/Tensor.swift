/// A dense row-major array (for NCHW: w fastest) with its shape.
public struct Tensor<Scalar>: Sendable where Scalar: Sendable {
    public let shape: [Int]
    public var values: [Scalar]

    /// A tensor; `values.count` must equal the product of `shape`.
    public init(shape: [Int], values: [Scalar]) {
        // Callers validate user shapes first (`checkShape`); this guards the invariant.
        precondition(WorkLimits.product(shape) == values.count, "shape \(shape) does not hold \(values.count) values")
        self.shape = shape
        self.values = values
    }

    /// A scalar as a tensor of shape [].
    public init(scalar: Scalar) { self.init(shape: [], values: [scalar]) }

    public init(vector: [Scalar]) { self.init(shape: [vector.count], values: vector) }

    public var count: Int { values.count }

    public subscript(index: Int) -> Scalar {
        get { values[index] }
        set { values[index] = newValue }
    }

    public func map<T>(_ transform: (Scalar) throws -> T) rethrows -> Tensor<T> {
        Tensor<T>(shape: shape, values: try values.map(transform))
    }
}

extension Tensor: Equatable where Scalar: Equatable {}
