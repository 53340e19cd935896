import Exact

extension BiasVarianceSweep {
    /// A finite world whose exact risk curve over polynomial degree 0…4 is the
    /// U of the course notes (001 §7.1, Fig. 7.1): the risk falls, bottoms
    /// out at degree 2 and rises again, while bias² falls and variance rises
    /// at every step and the Bayes error stays put.
    ///
    /// x takes five values in [0, 1] (0, 1/4, 1/2, 3/4, 1) with probabilities
    /// 3/16, 3/16, 1/4, 1/16, 5/16; the target bends like a quadratic with a
    /// little extra curvature (5/4, 7/4, 1, −1/2, −3); the noise is ±1/2 with
    /// equal probability (Bayes error 1/4); a dataset is n = 4 draws, fitted
    /// by least squares (α = 0; minimum norm when the degree exceeds what the
    /// draws determine). A constant or a line cannot follow the bend (bias);
    /// from degree 2 on, four draws of noisy targets are fitted ever more
    /// closely, and the fit swings with the noise (variance).
    ///
    /// Enumeration: 5 x values × 2 noise values = 10 outcomes, so C(13, 9) =
    /// 715 distinct datasets per degree and 3,575 for the sweep.
    public static var uCurveWorld: CaseInput {
        func values(_ texts: [String]) -> Tensor<Rational> {
            Tensor(vector: texts.map { try! Rational(parsing: $0) })
        }
        return CaseInput(
            op: name, params: [("n", "4"), ("max_degree", "4")],
            inputs: [
                ("x", values(["0", "1/4", "1/2", "3/4", "1"])),
                ("x_probs", values(["3/16", "3/16", "1/4", "1/16", "5/16"])),
                ("target", values(["5/4", "7/4", "1", "-1/2", "-3"])),
                ("noise", values(["-1/2", "1/2"])),
            ])
    }
}
