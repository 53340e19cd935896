import Exact

/// Gauss–Jordan elimination with partial pivoting, rank-revealing, generic
/// over the scalar: the exact run decides every pivot exactly (a pivot is zero
/// iff it is 0), the floating-point runs take the same steps and call a pivot
/// zero when |pivot| ≤ n·ε·max|column of A| (ε = 2⁻⁵² for f64, 2⁻²³ for f32).
public enum Elimination {
    /// The reduced row-echelon form of A with the same row operations applied
    /// to B, and the pivot columns (their count is the rank).
    public struct Reduced<S: ReferenceScalar>: Sendable {
        public let matrix: Matrix<S>
        public let rhs: Matrix<S>
        public let pivotColumns: [Int]
        public var rank: Int { pivotColumns.count }
    }

    public static func reduce<S: ReferenceScalar>(_ a: Matrix<S>, _ b: Matrix<S>) -> Reduced<S> {
        precondition(a.rows == b.rows)
        var a = a
        var b = b
        let m = a.rows
        let n = a.columns
        var tolerance = Array(repeating: S.zero, count: n)
        if !S.isExact {
            let scale = S(max(m, n)) * S.machineEpsilon
            for j in 0..<n {
                var largest = S.zero
                for i in 0..<m where a[i, j].absoluteValue > largest { largest = a[i, j].absoluteValue }
                tolerance[j] = scale * largest
            }
        }
        var pivots: [Int] = []
        var row = 0
        for column in 0..<n where row < m {
            // Partial pivoting: the largest magnitude at or below `row`.
            var best = row
            for i in (row + 1)..<max(m, row + 1) where a[i, column].absoluteValue > a[best, column].absoluteValue {
                best = i
            }
            let pivot = a[best, column]
            if pivot.isZero || (!S.isExact && pivot.absoluteValue <= tolerance[column]) {
                if !S.isExact { for i in row..<m { a[i, column] = .zero } }
                continue
            }
            if best != row {
                for j in 0..<n {
                    let t = a[row, j]
                    a[row, j] = a[best, j]
                    a[best, j] = t
                }
                for j in 0..<b.columns {
                    let t = b[row, j]
                    b[row, j] = b[best, j]
                    b[best, j] = t
                }
            }
            for j in 0..<n { a[row, j] = a[row, j] / pivot }
            for j in 0..<b.columns { b[row, j] = b[row, j] / pivot }
            a[row, column] = .one
            for i in 0..<m where i != row {
                let factor = a[i, column]
                if factor.isZero { continue }
                for j in 0..<n { a[i, j] = a[i, j] - factor * a[row, j] }
                for j in 0..<b.columns { b[i, j] = b[i, j] - factor * b[row, j] }
                a[i, column] = .zero
            }
            pivots.append(column)
            row += 1
        }
        return Reduced(matrix: a, rhs: b, pivotColumns: pivots)
    }

    /// A solution of the consistent system A x = b (A square): the unique one
    /// when A is nonsingular, otherwise the one of minimum Euclidean norm,
    /// x = Fᵀ(FFᵀ)⁻¹F·x₀, where F holds the non-zero rows of the reduced
    /// echelon form (a basis of A's row space) and x₀ is the particular
    /// solution with the free variables 0. For symmetric A = XᵀX this is the
    /// pseudoinverse solution X⁺y of least squares.
    public static func minimumNormSolution<S: ReferenceScalar>(_ a: Matrix<S>, _ b: [S]) -> (solution: [S], rank: Int) {
        let n = a.columns
        let reduced = reduce(a, Matrix(rows: b.count, columns: 1, values: b))
        var particular = Array(repeating: S.zero, count: n)
        for (row, column) in reduced.pivotColumns.enumerated() { particular[column] = reduced.rhs[row, 0] }
        let r = reduced.rank
        if r == n { return (particular, r) }
        if r == 0 { return (Array(repeating: .zero, count: n), 0) }
        let f = Matrix(rows: r, columns: n, values: Array(reduced.matrix.values[0..<(r * n)]))
        let ffT = f * f.transposed
        let fx = f.times(particular)
        let z = reduce(ffT, Matrix(rows: r, columns: 1, values: fx)).rhs.values
        return (f.transposed.times(z), r)
    }

    /// A⁻¹ for a nonsingular square A; nil when A is singular (exactly, for the
    /// exact type; to working precision for floats).
    public static func inverse<S: ReferenceScalar>(_ a: Matrix<S>) -> Matrix<S>? {
        let reduced = reduce(a, Matrix.identity(a.rows))
        guard reduced.rank == a.columns else { return nil }
        return reduced.rhs
    }
}
