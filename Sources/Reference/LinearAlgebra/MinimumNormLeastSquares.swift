import Exact

extension Elimination {
    /// Which system a minimum-norm least-squares solution came from.
    public enum LeastSquaresRoute: String, Sendable {
        /// p ≤ n: the p × p normal equations XᵀX w = Xᵀy.
        case normalEquations = "normal equations XᵀXw = Xᵀy"
        /// p > n, XXᵀ nonsingular: w = Xᵀz with XXᵀz = y.
        case dual = "dual system XXᵀz = y, w = Xᵀz"
        /// p > n, XXᵀ singular: w = Xᵀz with (XXᵀ)²z = XXᵀy.
        case dualSquared = "singular dual: (XXᵀ)²z = XXᵀy, w = Xᵀz"
    }

    /// The minimum-norm least-squares solution w = X⁺y of an n × p system,
    /// built on the rank-revealing elimination (no second one): it solves the
    /// smaller of the two Gram systems.
    ///
    /// - p ≤ n: the minimum-norm solution of XᵀXw = Xᵀy, which is X⁺y whether
    ///   or not XᵀX is singular (`minimumNormSolution`).
    /// - p > n: X⁺ = Xᵀ(XXᵀ)⁺, so w = Xᵀz with z = (XXᵀ)⁺y. When the n × n
    ///   matrix G = XXᵀ is nonsingular, z solves Gz = y. When it is singular,
    ///   y may lie outside G's range and Gz = y has no solution; then z is the
    ///   minimum-norm solution of the consistent system G²z = Gy, which is
    ///   (G²)⁺Gy = G⁺y for symmetric G.
    ///
    /// The floating-point runs take the same steps and decide singularity
    /// with the elimination's tolerance, so near an ill-conditioned X they
    /// may choose another route than the exact run: that difference is
    /// part of what a trace shows.
    public static func minimumNormLeastSquares<S: ReferenceScalar>(_ x: Matrix<S>, _ y: [S])
        -> (solution: [S], rank: Int, route: LeastSquaresRoute)
    {
        precondition(y.count == x.rows, "\(x.rows) rows but \(y.count) targets")
        if x.columns <= x.rows {
            let (w, rank) = minimumNormSolution(x.gram, x.transposeTimes(y))
            return (w, rank, .normalEquations)
        }
        let g = x.transposed.gram
        let (z, rank) = minimumNormSolution(g, y)
        if rank == x.rows { return (x.transposeTimes(z), rank, .dual) }
        let squared = minimumNormSolution(g * g, g.times(y)).solution
        return (x.transposeTimes(squared), rank, .dualSquared)
    }
}
