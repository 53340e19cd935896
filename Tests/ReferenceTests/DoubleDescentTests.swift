import Exact
import TestSupport
import XCTest

@testable import Reference

/// Double descent: minimum-norm least squares on prefixes of random ReLU
/// features, exactly — hand-worked cases, the shape of the default curve,
/// the identities of the pseudoinverse solution, the generator's documented
/// mapping, and the bad inputs.
final class DoubleDescentTests: XCTestCase {
    func r(_ text: String) -> Rational { try! Rational(parsing: text) }
    func s(_ text: String) -> Surd { Surd(r(text)) }

    func vector(_ values: [String]) -> Tensor<Rational> { Tensor(vector: values.map(r)) }

    func givenCase(
        x: [String], y: [String], weights: [String], biases: [String], testX: [String], testY: [String]
    ) -> CaseInput {
        CaseInput(
            op: DoubleDescent.name,
            inputs: [
                ("x", vector(x)), ("y", vector(y)), ("feature_weights", vector(weights)),
                ("feature_biases", vector(biases)), ("test_x", vector(testX)), ("test_y", vector(testY)),
            ])
    }

    /// The row of `w` for p features (its first p entries).
    func weights(_ trace: Trace<Surd>, p: Int) -> [Surd] {
        let count = trace["features"]!.count
        return Array(trace["w"]!.values[((p - 1) * count)..<((p - 1) * count + p)])
    }

    /// n = 2 training points x = (0, 1), y = (1, 3); features
    /// φ₁ = max(0, x + 1), φ₂ = max(0, 1/2 − x), φ₃ = max(0, 2x − 1);
    /// test points x* = (−1, 2) with y* = (0, 5). By hand:
    ///
    /// Φ = [[1, 1/2, 0], [2, 0, 1]] (rows x = 0, 1); Φ* = [[0, 3/2, 0], [3, 0, 3]].
    ///
    /// p = 1 (least squares, p < n): w = Φᵀy/ΦᵀΦ = (1 + 6)/(1 + 4) = 7/5;
    ///   fitted (7/5, 14/5), residuals (−2/5, 1/5), train risk (4/25 + 1/25)/2 = 1/10;
    ///   test predictions (0, 21/5), errors (0, −4/5), test risk (16/25)/2 = 8/25;
    ///   ‖w‖² = 49/25; Φᵀr = −2/5 + 2/5 = 0.
    /// p = 2 = n (square, interpolation): 2w₁ = 3 → w₁ = 3/2; w₁ + w₂/2 = 1 → w₂ = −1;
    ///   train risk 0; test predictions (−3/2, 9/2), errors (−3/2, −1/2),
    ///   test risk (9/4 + 1/4)/2 = 5/4 (the peak); ‖w‖² = 9/4 + 1 = 13/4.
    /// p = 3 > n (minimum-norm interpolant): G = ΦΦᵀ = [[5/4, 2], [2, 5]],
    ///   det G = 25/4 − 4 = 9/4, z = G⁻¹y = (4/9)(5·1 − 2·3, −2·1 + (5/4)·3) = (−4/9, 7/9),
    ///   w = Φᵀz = (−4/9 + 14/9, −2/9, 7/9) = (10/9, −2/9, 7/9); Φw = (1, 3);
    ///   test predictions (−1/3, 30/9 + 21/9 = 17/3), errors (−1/3, 2/3),
    ///   test risk (1/9 + 4/9)/2 = 5/18; ‖w‖² = (100 + 4 + 49)/81 = 17/9, below the
    ///   13/4 of the interpolant (3/2, −1, 0); the null space of Φ is spanned by
    ///   (1, −2, −2), and (10 + 4 − 14)/9 = 0.
    func testHandWorkedCase() throws {
        let input = givenCase(
            x: ["0", "1"], y: ["1", "3"], weights: ["1", "-1", "2"], biases: ["1", "1/2", "-1"], testX: ["-1", "2"],
            testY: ["0", "5"])
        let trace = try DoubleDescent.run(input, as: Surd.self)
        XCTAssertEqual(trace["phi"]!.values, ["1", "1/2", "0", "2", "0", "1"].map(s))
        XCTAssertEqual(trace["phi_test"]!.values, ["0", "3/2", "0", "3", "0", "3"].map(s))
        XCTAssertEqual(trace["features"]!.values, ["1", "2", "3"].map(s))
        XCTAssertEqual(trace["rank"]!.values, ["1", "2", "2"].map(s))
        XCTAssertEqual(weights(trace, p: 1), [s("7/5")])
        XCTAssertEqual(weights(trace, p: 2), ["3/2", "-1"].map(s))
        XCTAssertEqual(weights(trace, p: 3), ["10/9", "-2/9", "7/9"].map(s))
        XCTAssertEqual(trace["weight_norm2"]!.values, ["49/25", "13/4", "17/9"].map(s))
        XCTAssertEqual(trace["train_risk"]!.values, ["1/10", "0", "0"].map(s))
        XCTAssertEqual(trace["test_risk"]!.values, ["8/25", "5/4", "5/18"].map(s))
        XCTAssertEqual(trace["normal_equations_check"]!.values, [.zero, .zero, .zero])
        // Padding after p is zero.
        XCTAssertEqual(trace["w"]!.values[1], .zero)
        XCTAssertEqual(trace["w"]!.values[2], .zero)
        XCTAssertEqual(trace["w"]!.values[5], .zero)
    }

    /// x = (−1/2, 0, 1/2), y = (1, −1, 2); the columns on the training points
    /// are c₁ = (0, 1/4, 3/4), c₂ = 2c₁, c₃ = (0, 0, 1/4), c₄ = c₃/2,
    /// c₅ = (3/4, 1/4, 0): ranks 1, 1, 2, 2, 3. By hand (the directions c₁,
    /// c₃, c₅ are independent, so the minimum-norm weights split each
    /// direction's coefficient β over its group in proportion to the scale):
    ///
    /// p = 1: w = c₁·y/‖c₁‖² = (5/4)/(10/16) = 2; fitted (0, 1/2, 3/2),
    ///   residual (1, −3/2, 1/2), train risk (1 + 9/4 + 1/4)/3 = 7/6; ‖w‖² = 4.
    /// p = 2 (XᵀX singular): w₁ + 2w₂ = 2 with least norm: (2/5, 4/5), ‖w‖² = 4/5.
    /// p = 3 (singular): the projection of y on span{e₂, e₃} is (0, −1, 2), β₁ = −4,
    ///   β₃ = 20: w = (−4/5, −8/5, 20), ‖w‖² = 16/5 + 400 = 2016/5, train risk 1/3.
    /// p = 4 > n with XXᵀ singular: (w₃, w₄) = 20·(1, 1/2)/(5/4) = (16, 8),
    ///   ‖w‖² = 16/5 + 256 + 64 = 1616/5, train risk 1/3.
    /// p = 5: interpolation, β₅·3/4 = 1 → β₅ = 4/3; (β₁ + β₅)/4 = −1 → β₁ = −16/3;
    ///   (3β₁ + β₃)/4 = 2 → β₃ = 24: w = (−16/15, −32/15, 96/5, 48/5, 4/3).
    ///   ‖w‖² = (256 + 1024 + 82944 + 20736 + 400)/225 = 7024/15.
    ///   At the test points (−1, −1/4, 1/4, 1): c₁ = (0, 0, 1/2, 5/4), c₃ = (0, 0, 0, 3/4),
    ///   c₅ = (5/4, 1/2, 0, 0): predictions (5/3, 2/3, −8/3, −20/3 + 18 = 34/3), errors
    ///   against (0, 0, 1, 1): (5/3, 2/3, −11/3, 31/3), test risk (25 + 4 + 121 + 961)/(9·4) = 1111/36.
    func testRankDeficientFeaturesTakeTheSingularRoutes() throws {
        let input = givenCase(
            x: ["-1/2", "0", "1/2"], y: ["1", "-1", "2"], weights: ["1", "2", "1", "1/2", "-1"],
            biases: ["1/4", "1/2", "-1/4", "-1/8", "1/4"], testX: ["-1", "-1/4", "1/4", "1"],
            testY: ["0", "0", "1", "1"])
        let trace = try DoubleDescent.run(input, as: Surd.self)
        XCTAssertEqual(trace["rank"]!.values, ["1", "1", "2", "2", "3"].map(s))
        XCTAssertEqual(weights(trace, p: 1), [s("2")])
        XCTAssertEqual(weights(trace, p: 2), ["2/5", "4/5"].map(s))
        XCTAssertEqual(weights(trace, p: 3), ["-4/5", "-8/5", "20"].map(s))
        XCTAssertEqual(weights(trace, p: 4), ["-4/5", "-8/5", "16", "8"].map(s))
        XCTAssertEqual(weights(trace, p: 5), ["-16/15", "-32/15", "96/5", "48/5", "4/3"].map(s))
        XCTAssertEqual(trace["weight_norm2"]!.values, ["4", "4/5", "2016/5", "1616/5", "7024/15"].map(s))
        XCTAssertEqual(trace["train_risk"]!.values, ["7/6", "7/6", "1/3", "1/3", "0"].map(s))
        XCTAssertEqual(trace["test_risk"]![4], s("1111/36"))
        XCTAssertEqual(trace.params.first { $0.name == "solution" }?.value.description.contains("p = 4"), true)
    }

    // MARK: - The default curve

    /// The default case, computed once for the tests that read it.
    static let defaultTrace: Trace<Surd> = try! DoubleDescent.run(CaseInput(op: DoubleDescent.name), as: Surd.self)

    func testDefaultCurvePeaksAtTheInterpolationThresholdAndDescendsAgain() throws {
        let trace = Self.defaultTrace
        let n = Int(trace.params.first { $0.name == "n" }!.value.rational!.numerator.exactInt!)
        let risks = trace["test_risk"]!.values
        let count = risks.count
        XCTAssertEqual(n, 16)
        XCTAssertEqual(count, 64)
        let peak = risks.indices.max { risks[$0] < risks[$1] }! + 1
        XCTAssertLessThanOrEqual(abs(peak - n), 2, "the test risk peaks at p = \(peak), not within 2 of n = \(n)")
        // A peak, not a plateau: ten times the best risk before it and after it.
        let firstDescent = risks[0..<(n - 3)].min()!
        let secondDescent = risks[(n + 2)...].min()!
        XCTAssertGreaterThan(risks[peak - 1], Surd(10) * firstDescent)
        XCTAssertGreaterThan(risks[peak - 1], Surd(10) * secondDescent)
        // The second descent ends below the best under-parameterized fit.
        XCTAssertLessThan(risks[count - 1], firstDescent)
        // The default features are in general position: the threshold is p = n.
        XCTAssertEqual(trace["rank"]!.values, (1...count).map { Surd(min($0, n)) })
    }

    func testDefaultCurveIdentities() throws {
        let trace = Self.defaultTrace
        let n = 16
        let count = trace["features"]!.count
        let ranks = trace["rank"]!.values
        let train = trace["train_risk"]!.values
        for p in 1...count {
            // Least squares: the residual is orthogonal to every feature used.
            XCTAssertEqual(trace["normal_equations_check"]![p - 1], .zero, "p = \(p)")
            // Interpolation exactly when the rank reaches n; then the train risk is 0.
            XCTAssertEqual(train[p - 1].isZero, ranks[p - 1] == Surd(n), "p = \(p)")
            if p >= n { XCTAssertEqual(train[p - 1], .zero, "p = \(p)") }
            // Adding a feature never raises the train risk.
            if p > 1 { XCTAssertLessThanOrEqual(train[p - 1], train[p - 2], "p = \(p)") }
        }
        // Minimum norm: w_p is orthogonal to the null space of Φ_p (a basis from
        // this file's own elimination), for p just past the threshold and at P.
        let phi = trace["phi"]!
        for p in [n + 1, n + 5, 2 * n, count] {
            let rows = (0..<n).map { i in (0..<p).map { phi.values[i * count + $0].rationalValue! } }
            let w = weights(trace, p: p).map { $0.rationalValue! }
            let basis = Self.nullSpace(rows)
            XCTAssertEqual(basis.count, p - n)
            for v in basis { XCTAssertEqual(zip(v, w).reduce(Rational(0)) { $0 + $1.0 * $1.1 }, 0, "p = \(p)") }
        }
    }

    /// A basis of {v : Av = 0} by plain Gauss–Jordan elimination over the
    /// rationals: one vector per free column of A's reduced echelon form.
    static func nullSpace(_ a: [[Rational]]) -> [[Rational]] {
        var rows = a
        let columns = a.first?.count ?? 0
        var pivots: [Int] = []
        var top = 0
        for column in 0..<columns where top < rows.count {
            guard let pick = (top..<rows.count).first(where: { !rows[$0][column].isZero }) else { continue }
            rows.swapAt(top, pick)
            let lead = rows[top][column]
            rows[top] = rows[top].map { $0 / lead }
            for i in rows.indices where i != top && !rows[i][column].isZero {
                let factor = rows[i][column]
                rows[i] = zip(rows[i], rows[top]).map { $0 - factor * $1 }
            }
            pivots.append(column)
            top += 1
        }
        return (0..<columns).filter { !pivots.contains($0) }.map { free in
            var v = Array(repeating: Rational(0), count: columns)
            v[free] = 1
            for (row, column) in pivots.enumerated() { v[column] = -rows[row][free] }
            return v
        }
    }

    /// The f64 run takes the same steps; near the threshold its elimination
    /// meets a nearly singular matrix and loses digits — the lesson the
    /// trace shows next to the exact value.
    func testDoubleRunLosesDigitsOnlyNearTheThreshold() throws {
        let double = try DoubleDescent.run(CaseInput(op: DoubleDescent.name), as: Double.self)
        let exact = Self.defaultTrace["test_risk"]!.values
        func relativeError(_ p: Int) -> Double {
            let value = exact[p - 1].rounded(to: Double.self)
            return abs(double["test_risk"]![p - 1] - value) / value
        }
        for p in 1...4 { XCTAssertLessThan(relativeError(p), 1e-14, "p = \(p)") }
        XCTAssertGreaterThan(relativeError(16), 1e-11)
        XCTAssertGreaterThan(relativeError(17), 1e-9)
    }

    // MARK: - The generator

    /// The mapping the documentation states, on the published first outputs
    /// of SplitMix64: seed 0 gives 0xE220A8397B1DCDAF, seed 1 gives
    /// 0x910A2DEC89025CC1.
    ///
    /// Feature 0 of seed 0: bit 63 is 1 (slope negative), bits 60–62 are
    /// 0b110 = 6, so a = −(4 + 6)/4 = −5/2; bits 54–59 are 0b001000 = 8, so the
    /// hinge is t = (2·8 − 63)/64 = −47/64 and b = −a·t = −235/128.
    /// Noise 0 of seed 0 comes from SplitMix64(1): z >> 58 = 0b100100 = 36,
    /// so ε = σ·(72 − 63)/64 = 9σ/64.
    func testGeneratedValuesFollowTheDocumentedMapping() throws {
        let features = RandomFeatureProblem.features(count: 1, seed: 0)
        XCTAssertEqual(features.weights, [r("-5/2")])
        XCTAssertEqual(features.biases, [r("-235/128")])
        XCTAssertEqual(RandomFeatureProblem.noise(count: 1, seed: 0, scale: r("1/4")), [r("9/256")])
        XCTAssertEqual(RandomFeatureProblem.trainingInputs(count: 4), ["-3/4", "-1/4", "1/4", "3/4"].map(r))
        XCTAssertEqual(RandomFeatureProblem.trainingInputs(count: 3), ["-1/2", "0", "1/2"].map(r))
        XCTAssertEqual(RandomFeatureProblem.testInputs.count, 33)
        XCTAssertEqual(RandomFeatureProblem.target(r("1/2")), r("-1"))
        // A generated case lists what it generated as inputs, and re-running
        // those inputs as a given case gives the same curve.
        let input = CaseInput(op: DoubleDescent.name, params: [("n", "4"), ("max_features", "8"), ("seed", "0")])
        let trace = try DoubleDescent.run(input, as: Surd.self)
        XCTAssertEqual(trace["feature_weights"]![0], s("-5/2"))
        XCTAssertEqual(trace["y"]![0], Surd(RandomFeatureProblem.target(r("-3/4")) + r("9/256")))
        let given = CaseInput(
            op: DoubleDescent.name,
            inputs: trace.steps(.input).map { step in (step.name, step.tensor.map { $0.rationalValue! }) })
        let again = try DoubleDescent.run(given, as: Surd.self)
        XCTAssertEqual(again["test_risk"]!.values, trace["test_risk"]!.values)
        XCTAssertEqual(again.params.first { $0.name == "generated" }?.value.description, "nothing")
        // Seed 0's second output, 0x6E789E6AA1B965F4, gives a = +5/2 and a hinge at
        // t = (2·57 − 63)/64 = 51/64, right of every training input and facing
        // right: the feature is 0 on the data, so the rank reaches n = 4 only at p = 5.
        XCTAssertEqual(trace["phi"]!.values[1], .zero)
        XCTAssertEqual(trace["rank"]!.values, ["1", "1", "2", "3", "4", "4", "4", "4"].map(s))
    }

    // MARK: - Bad input

    func testBadInputIsNamedWithItsRule() {
        func message(_ params: [(String, String)], _ inputs: [(String, [String])] = []) -> String {
            let input = CaseInput(
                op: DoubleDescent.name, params: params.map { (name: $0.0, value: $0.1) },
                inputs: inputs.map { (name: $0.0, tensor: vector($0.1)) })
            do {
                _ = try DoubleDescent.run(input, as: Surd.self)
                return "no error"
            } catch let error as ReferenceError { return error.message } catch { return "\(error)" }
        }
        XCTAssertEqual(message([("n", "0")]), "parameter n = 0 must lie in 1…32 (training points)")
        XCTAssertEqual(message([("n", "33")]), "parameter n = 33 must lie in 1…32 (training points)")
        XCTAssertEqual(message([("max_features", "0")]), "parameter max_features = 0 must lie in 1…128")
        XCTAssertEqual(
            message([("n", "16"), ("max_features", "65")]),
            "n·max_features = 16·65 = 1040 exceeds 1024, the exact path's limit; use fewer training points or features")
        XCTAssertEqual(
            message(
                [("max_features", "100")],
                [
                    ("x", ["0", "1"]), ("y", ["1", "2"]), ("test_x", Array(repeating: "0", count: 45)),
                    ("test_y", Array(repeating: "0", count: 45)),
                ]),
            "test points · max_features = 45·100 = 4500 exceeds 4224, the exact path's limit; use fewer test points or features"
        )
        XCTAssertEqual(message([("seed", "-1")]), "parameter seed = -1 must be ≥ 0")
        XCTAssertEqual(message([("noise", "-1/4")]), "parameter noise = -1/4 must be ≥ 0")
        XCTAssertEqual(message([], [("x", ["0", "1"])]), "input x is given without y; give both or neither")
        XCTAssertEqual(message([], [("y", ["0", "1"])]), "input y is given without x; give both or neither")
        XCTAssertEqual(
            message([], [("x", ["0", "1"]), ("y", ["1"])]), "input y has 1 values but x has 2")
        XCTAssertEqual(
            message([], [("x", ["0", "1"]), ("y", ["1", "2"])]),
            "inputs x and y are given without test_x and test_y; give the test set too (the built-in target is not mixed into given data)"
        )
        XCTAssertEqual(
            message([("n", "3")], [("x", ["0", "1"]), ("y", ["1", "2"]), ("test_x", ["0"]), ("test_y", ["0"])]),
            "parameter n = 3 but input x has 2 values")
        XCTAssertEqual(
            message([("max_features", "2")], [("feature_weights", ["1"]), ("feature_biases", ["0"])]),
            "parameter max_features = 2 but input feature_weights has 1 values")
    }
}
