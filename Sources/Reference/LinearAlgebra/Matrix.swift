import Exact

/// A dense row-major matrix over any reference scalar: the linear algebra of
/// the regression and bias–variance references, written once so that the
/// exact run and the floating-point runs take the very same steps.
public struct Matrix<S: ReferenceScalar>: Sendable {
    public let rows: Int
    public let columns: Int
    public var values: [S]

    public init(rows: Int, columns: Int, values: [S]) {
        precondition(values.count == rows * columns, "\(rows)×\(columns) matrix given \(values.count) values")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    public init(rows: Int, columns: Int, repeating value: S = .zero) {
        self.init(rows: rows, columns: columns, values: Array(repeating: value, count: rows * columns))
    }

    public static func identity(_ size: Int) -> Matrix {
        var matrix = Matrix(rows: size, columns: size)
        for index in 0..<size { matrix[index, index] = .one }
        return matrix
    }

    public subscript(row: Int, column: Int) -> S {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    public var transposed: Matrix {
        var result = Matrix(rows: columns, columns: rows)
        for i in 0..<rows { for j in 0..<columns { result[j, i] = self[i, j] } }
        return result
    }

    public static func * (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(
            lhs.columns == rhs.rows, "cannot multiply \(lhs.rows)×\(lhs.columns) by \(rhs.rows)×\(rhs.columns)")
        var result = Matrix(rows: lhs.rows, columns: rhs.columns)
        for i in 0..<lhs.rows {
            for j in 0..<rhs.columns {
                var sum = S.zero
                for k in 0..<lhs.columns { sum += lhs[i, k] * rhs[k, j] }
                result[i, j] = sum
            }
        }
        return result
    }

    /// Matrix times vector.
    public func times(_ vector: [S]) -> [S] {
        precondition(vector.count == columns)
        return (0..<rows).map { i in
            var sum = S.zero
            for k in 0..<columns { sum += self[i, k] * vector[k] }
            return sum
        }
    }

    /// XᵀX, the Gram matrix of the columns.
    public var gram: Matrix {
        var result = Matrix(rows: columns, columns: columns)
        for j in 0..<columns {
            for k in j..<columns {
                var sum = S.zero
                for i in 0..<rows { sum += self[i, j] * self[i, k] }
                result[j, k] = sum
                result[k, j] = sum
            }
        }
        return result
    }

    /// Xᵀv.
    public func transposeTimes(_ vector: [S]) -> [S] {
        precondition(vector.count == rows)
        return (0..<columns).map { j in
            var sum = S.zero
            for i in 0..<rows { sum += self[i, j] * vector[i] }
            return sum
        }
    }

    public var tensor: Tensor<S> { Tensor(shape: [rows, columns], values: values) }

    public init(_ tensor: Tensor<S>) {
        precondition(tensor.shape.count == 2)
        self.init(rows: tensor.shape[0], columns: tensor.shape[1], values: tensor.values)
    }
}

extension ReferenceScalar {
    /// |x|.
    public var absoluteValue: Self { self < .zero ? -self : self }

    /// True for the exact type (every comparison with zero is decided exactly).
    public static var isExact: Bool { precisionName == "exact" }

    /// The unit roundoff scale used to decide a pivot is zero: 0 for the exact
    /// type, 2⁻⁵² for f64, 2⁻²³ for f32.
    static var machineEpsilon: Self {
        switch precisionName {
        case "f64": return Self(Rational(1).timesPowerOfTwo(-52))
        case "f32": return Self(Rational(1).timesPowerOfTwo(-23))
        default: return .zero
        }
    }
}

/// Σ aᵢbᵢ.
func dot<S: ReferenceScalar>(_ a: [S], _ b: [S]) -> S {
    var sum = S.zero
    for index in a.indices { sum += a[index] * b[index] }
    return sum
}
