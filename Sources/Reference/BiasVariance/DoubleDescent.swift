import Exact

/// `double-descent`: minimum-norm least squares on the first p of P random
/// ReLU features of a 1-D input, for p = 1…P, and its exact train and test
/// risk (course notes 001 §7.1, Fig. 7.2).
///
/// With p < n features the least-squares fit cannot follow every training
/// point; at p = n (when the features are in general position) the square
/// system Φ_p w = y has exactly one solution, however badly conditioned,
/// and the test risk peaks; beyond, among the many interpolating weight
/// vectors the minimum-norm one w_p = Φ_p⁺y is taken, and the test risk
/// falls again. Computed in exact rationals, the peak at the interpolation
/// threshold and the second descent are facts of the data, not rounding
/// noise; the f64 run takes the same steps, and near the threshold its
/// elimination meets a nearly singular matrix — the ulp column shows what
/// that does.
///
/// Inputs (each pair optional; missing ones are generated, see
/// `RandomFeatureProblem`): `x`, `y` (n training points), `feature_weights`,
/// `feature_biases` (a_j, b_j of the P features φ_j(x) = max(0, a_j x + b_j)),
/// `test_x`, `test_y` (the test set; the test risk is the mean over it).
/// Parameters: `n`, `max_features` P (default 4n), `seed`, `noise` σ.
public enum DoubleDescent: ReferenceOperation {
    public static let name = "double-descent"
    public static let summary =
        "Exact test and train risk of minimum-norm least squares on p = 1…P random ReLU features: double descent"

    public static func run<S: ReferenceScalar>(_ input: CaseInput, as _: S.Type) throws -> Trace<S> {
        let (problem, seed, noise) = try RandomFeatureProblem.read(input)
        let n = problem.n
        let count = problem.maxFeatures
        let m = problem.testX.count
        var trace = Trace<S>(
            op: name, params: [("n", .number(Rational(n))), ("max_features", .number(Rational(count)))])
        if let seed { trace.setParameter("seed", .number(Rational(BigInt(UInt(seed))))) }
        if let noise { trace.setParameter("noise", .number(noise)) }
        trace.setParameter(
            "generated", .word(problem.generated.isEmpty ? "nothing" : problem.generated.joined(separator: ", ")))

        func vector(_ values: [Rational]) -> Tensor<S> { Tensor(vector: values.map { S($0) }) }
        let x = trace.record("x", symbol: "x", formula: "training inputs", role: .input, vector(problem.x)).values
        let y = trace.record(
            "y", symbol: "y", formula: "training targets (f(x) + noise when generated)", role: .input,
            vector(problem.y)
        ).values
        let a = trace.record(
            "feature_weights", symbol: "a", formula: "slope of each feature", role: .input,
            vector(problem.featureWeights)
        ).values
        let b = trace.record(
            "feature_biases", symbol: "b", formula: "bias of each feature (hinge at −b/a)", role: .input,
            vector(problem.featureBiases)
        ).values
        let testX = trace.record(
            "test_x", symbol: "x*", formula: "test inputs", role: .input, vector(problem.testX)
        ).values
        let testY = trace.record(
            "test_y", symbol: "y*", formula: "test targets (f(x*) when generated)", role: .input,
            vector(problem.testY)
        ).values

        func features(at inputs: [S]) -> Matrix<S> {
            var matrix = Matrix<S>(rows: inputs.count, columns: count)
            for (i, input) in inputs.enumerated() {
                for j in 0..<count {
                    let value = a[j] * input + b[j]
                    matrix[i, j] = value > .zero ? value : .zero
                }
            }
            return matrix
        }
        let phi = Matrix(
            trace.record(
                "phi", symbol: "Φ", formula: "Φ_ij = max(0, a_j·x_i + b_j): feature j at training input i",
                features(at: x).tensor))
        let phiTest = Matrix(
            trace.record(
                "phi_test", symbol: "Φ*", formula: "Φ*_kj = max(0, a_j·x*_k + b_j): feature j at test input k",
                features(at: testX).tensor))

        var ranks: [S] = []
        var weights: [S] = []
        var norms: [S] = []
        var normalChecks: [S] = []
        var trainRisks: [S] = []
        var testRisks: [S] = []
        var singularDual: [Int] = []
        for p in 1...count {
            let design = phi.leadingColumns(p)
            let (w, rank, route) = Elimination.minimumNormLeastSquares(design, y)
            if route == .dualSquared { singularDual.append(p) }
            ranks.append(S(rank))
            weights += w + Array(repeating: S.zero, count: count - p)
            norms.append(dot(w, w))
            let residual = zip(y, design.times(w)).map { $0 - $1 }
            let gradient = design.transposeTimes(residual)
            normalChecks.append(dot(gradient, gradient))
            trainRisks.append(dot(residual, residual) / S(n))
            let testError = zip(phiTest.leadingColumns(p).times(w), testY).map { $0 - $1 }
            testRisks.append(dot(testError, testError) / S(m))
        }
        trace.setParameter(
            "solution",
            .word(
                "p ≤ n: \(Elimination.LeastSquaresRoute.normalEquations.rawValue); p > n: "
                    + Elimination.LeastSquaresRoute.dual.rawValue
                    + (singularDual.isEmpty
                        ? ""
                        : " (singular at p = \(singularDual.map(String.init).joined(separator: ", ")): "
                            + "\(Elimination.LeastSquaresRoute.dualSquared.rawValue))")))

        trace.record(
            "rank", symbol: "rank Φ_p",
            formula: "rank of the first p feature columns; the fit interpolates (train risk 0) once it is n",
            Tensor(vector: ranks))
        trace.record(
            "w", symbol: "w_p",
            formula: "row p: w_p = Φ_p⁺y, minimum-norm least squares on features 1…p (zeros after p)",
            Tensor(shape: [count, count], values: weights))
        trace.record("weight_norm2", symbol: "‖w_p‖²", formula: "Σ_j w_pj²", Tensor(vector: norms))
        trace.record(
            "normal_equations_check", symbol: "‖Φ_pᵀ(y − Φ_p w_p)‖²",
            formula: "the residual is orthogonal to every feature used: must be 0", role: .check,
            Tensor(vector: normalChecks))
        trace.record(
            "features", symbol: "p", formula: "number of features used", role: .output,
            Tensor(vector: (1...count).map { S($0) }))
        trace.record(
            "train_risk", symbol: "R_train(p)", formula: "(1/n) Σ_i ((Φ_p w_p)_i − y_i)²", role: .output,
            Tensor(vector: trainRisks))
        trace.record(
            "test_risk", symbol: "R_test(p)", formula: "(1/m) Σ_k ((Φ*_p w_p)_k − y*_k)² over the m test points",
            role: .output, Tensor(vector: testRisks))
        return trace
    }
}

extension Matrix {
    /// The first `count` columns.
    func leadingColumns(_ count: Int) -> Matrix {
        var result = Matrix(rows: rows, columns: count)
        for i in 0..<rows { for j in 0..<count { result[i, j] = self[i, j] } }
        return result
    }
}
