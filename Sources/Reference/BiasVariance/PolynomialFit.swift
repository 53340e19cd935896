import Exact

/// Polynomial least squares with weight decay on weighted points, written
/// once over the scalar. The fitted coefficients are linear in the targets:
/// w = A⁺ Σ_j φ(x_j)·s_j, with A = Σ_j c_j φ(x_j)φ(x_j)ᵀ + αD, φ(x) = (1, x, …, x^d),
/// c_j the number of draws at x_j and s_j the sum of their targets. A⁺ is the
/// inverse when A is nonsingular and otherwise gives the minimum-norm
/// solution (exact, by rank-revealing elimination). `FitOperator` holds the
/// columns G_j = A⁺φ(x_j), so many datasets sharing the same x counts share one
/// elimination.
public struct FitOperator<S: ReferenceScalar>: Sendable {
    /// G_j for the points with c_j > 0 (zero columns otherwise).
    public let columns: [[S]]
    public let rank: Int
    public let parameters: Int

    /// φ(x) = (1, x, …, x^degree).
    public static func features(_ x: S, degree: Int) -> [S] {
        var result: [S] = [.one]
        for _ in 0..<degree { result.append(result.last! * x) }
        return result
    }

    public init(points: [S], counts: [Int], degree: Int, alpha: S, decayIntercept: Bool) {
        let p = degree + 1
        var a = Matrix<S>(rows: p, columns: p)
        let phis = points.map { FitOperator.features($0, degree: degree) }
        for (j, phi) in phis.enumerated() where counts[j] > 0 {
            let c = S(counts[j])
            for r in 0..<p { for s in 0..<p { a[r, s] = a[r, s] + c * phi[r] * phi[s] } }
        }
        // The intercept is the constant feature, column 0.
        a = Ridge.penalised(
            a, alpha: alpha, columns: Ridge.penalisedColumns(p, intercept: true, decayIntercept: decayIntercept))
        var rank = 0
        columns = phis.enumerated().map { j, phi in
            guard counts[j] > 0 else { return Array(repeating: S.zero, count: p) }
            let solved = Elimination.minimumNormSolution(a, phi)
            rank = solved.rank
            return solved.solution
        }
        self.rank = rank
        self.parameters = p
    }

    /// w = Σ_j G_j s_j.
    public func coefficients(sums: [S]) -> [S] {
        var w = Array(repeating: S.zero, count: parameters)
        for (j, column) in columns.enumerated() where !sums[j].isZero {
            for r in 0..<parameters { w[r] += column[r] * sums[j] }
        }
        return w
    }

    /// The fitted polynomial at x.
    public static func evaluate(_ w: [S], at x: S) -> S {
        var result = S.zero
        for coefficient in w.reversed() { result = result * x + coefficient }
        return result
    }
}

/// Multisets of size n over k categories, as count vectors, in lexicographic
/// order (first category's count descending).
public enum Multisets {
    /// C(n + k − 1, k − 1).
    public static func count(size n: Int, categories k: Int) -> BigInt { MaskEnumeration.binomial(n + k - 1, k - 1) }

    public static func forEach(size n: Int, categories k: Int, _ body: ([Int]) throws -> Void) rethrows {
        var counts = Array(repeating: 0, count: k)
        func place(_ index: Int, _ remaining: Int) throws {
            if index == k - 1 {
                counts[index] = remaining
                try body(counts)
                return
            }
            for c in stride(from: remaining, through: 0, by: -1) {
                counts[index] = c
                try place(index + 1, remaining - c)
            }
        }
        if k == 0 { return }
        try place(0, n)
    }

    /// n!/∏c_i! · ∏ q_i^{c_i}: the multinomial probability of the counts.
    public static func probability<S: ReferenceScalar>(_ counts: [Int], _ probabilities: [S]) -> S {
        var coefficient = BigInt(1)
        var total = 0
        var value = S.one
        for (i, c) in counts.enumerated() {
            for t in 0..<c {
                total += 1
                coefficient =
                    (coefficient * BigInt(total)).quotientAndRemainderFloor(dividingBy: BigInt(t + 1)).quotient
                value *= probabilities[i]
            }
        }
        return S(Rational(coefficient)) * value
    }
}
