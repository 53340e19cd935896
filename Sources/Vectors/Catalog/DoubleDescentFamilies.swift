import Exact
import Reference

/// Minimum-norm least squares on random ReLU features, p = 1…P: the
/// double-descent curve, exactly.
enum DoubleDescentFamilies {
    typealias B = CaseBuilding

    static var all: [VectorFamily] { [doubleDescent] }

    /// A case whose data, features and test set are all given.
    static func given(
        _ slug: String, _ comment: String, flags: [String], x: [String], y: [String], weights: [String],
        biases: [String], testX: [String], testY: [String]
    ) -> VectorCase {
        VectorCase(
            slug, comment, flags: flags,
            B.input(
                DoubleDescent.name,
                [
                    ("x", B.tensor([x.count], x)), ("y", B.tensor([y.count], y)),
                    ("feature_weights", B.tensor([weights.count], weights)),
                    ("feature_biases", B.tensor([biases.count], biases)),
                    ("test_x", B.tensor([testX.count], testX)), ("test_y", B.tensor([testY.count], testY)),
                ]))
    }

    /// A case generated from its parameters (the trace lists the generated
    /// values as the case's inputs).
    static func generated(_ slug: String, _ comment: String, flags: [String], params: [(String, String)])
        -> VectorCase
    {
        VectorCase(slug, comment, flags: flags, B.input(DoubleDescent.name, params: params, []))
    }

    static var doubleDescent: VectorFamily {
        VectorFamily(
            name: "double_descent", area: "bias_variance", op: DoubleDescent.name,
            header: [
                "Minimum-norm least squares w_p = Φ_p⁺y on the first p of P ReLU features φ_j(x) = max(0, a_j·x + b_j)",
                "of a 1-D input, for p = 1…P: rank, weights, train risk and test risk (the mean over the test set),",
                "exact. The test risk peaks where the rank first reaches n (the interpolation threshold) and falls again.",
                "Generated cases list the generated data as inputs; the params say how they were generated (seed, noise).",
            ],
            cases: [
                given(
                    "hand-worked",
                    "n = 2, three features: least squares at p = 1, interpolation at p = 2 = n, the minimum-norm interpolant at p = 3; test risks 8/25, 5/4, 5/18.",
                    flags: ["integers"], x: ["0", "1"], y: ["1", "3"], weights: ["1", "-1", "2"],
                    biases: ["1", "1/2", "-1"], testX: ["-1", "2"], testY: ["0", "5"]),
                given(
                    "rank-deficient",
                    "Hinges that add no new direction: rank 1, 1, 2, 2, 3 for p = 1…5, so XᵀX is singular at p = 2, 3 and XXᵀ at p = 4.",
                    flags: ["singular"], x: ["-1/2", "0", "1/2"], y: ["1", "-1", "2"],
                    weights: ["1", "2", "1", "1/2", "-1"], biases: ["1/4", "1/2", "-1/4", "-1/8", "1/4"],
                    testX: ["-1", "-1/4", "1/4", "1"], testY: ["0", "0", "1", "1"]),
                generated(
                    "generated-n4-seed3",
                    "n = 4, P = 16, seed 3: the first four features are independent, so the threshold is p = 4.",
                    flags: ["random"], params: [("n", "4"), ("max_features", "16"), ("seed", "3"), ("noise", "1/4")]),
                generated(
                    "generated-n4-seed0",
                    "n = 4, P = 16, seed 0: the second feature is zero on every training input, so the rank reaches n only at p = 5.",
                    flags: ["random", "singular"],
                    params: [("n", "4"), ("max_features", "16"), ("seed", "0"), ("noise", "1/4")]),
                generated(
                    "default-n16",
                    "The built-in curve: n = 16, P = 64, seed 93, σ = 1/4. The peak at p = 16 is ill-conditioned for f64.",
                    flags: ["random", "ill-conditioned"], params: []),
            ],
            tolerances: { _, _ in
                let bound = Tolerance.normwise(
                    0x1p-20,
                    rule:
                        "2⁻²⁰ normwise over p: near the threshold Φ_p is nearly singular, and a solver that forms the normal equations in f64 loses about log₁₀ κ(Φ_p)² digits"
                )
                return [("features", .exact), ("train_risk", bound), ("test_risk", bound)]
            })
    }
}
