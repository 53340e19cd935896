import Exact
import TestSupport
import XCTest

@testable import Reference

/// Bias–variance: the exact decomposition over random worlds, against
/// brute-force enumeration of ordered datasets, closed forms, minimum-norm
/// fits, Monte-Carlo convergence, bagging and cross-validation.
final class BiasVarianceTests: XCTestCase {
    func r(_ text: String) -> Rational { try! Rational(parsing: text) }

    func worldInputs(
        x: [Rational], target: [Rational], noise: [Rational], xProbs: [Rational]? = nil, noiseProbs: [Rational]? = nil
    ) -> [(name: String, tensor: Tensor<Rational>)] {
        var inputs: [(name: String, tensor: Tensor<Rational>)] = [
            ("x", Tensor(vector: x)), ("target", Tensor(vector: target)), ("noise", Tensor(vector: noise)),
        ]
        if let xProbs { inputs.append(("x_probs", Tensor(vector: xProbs))) }
        if let noiseProbs { inputs.append(("noise_probs", Tensor(vector: noiseProbs))) }
        return inputs
    }

    /// A random world with k distinct x, m noise values and random probabilities.
    func randomWorld(_ generator: inout SplitMix64, k: Int, m: Int) -> [(name: String, tensor: Tensor<Rational>)] {
        var xs: [Rational] = []
        while xs.count < k {
            let value = try! Rational(BigInt(Int(generator.next() % 9) - 4), BigInt(Int(generator.next() % 2) + 1))
            if !xs.contains(value) { xs.append(value) }
        }
        func probabilities(_ count: Int) -> [Rational] {
            let weights = (0..<count).map { _ in Int(generator.next() % 3) + 1 }
            let total = weights.reduce(0, +)
            return weights.map { try! Rational(BigInt($0), BigInt(total)) }
        }
        return worldInputs(
            x: xs, target: (0..<k).map { _ in generator.rational(bits: 4) },
            noise: (0..<m).map { _ in generator.rational(bits: 3) },
            xProbs: probabilities(k), noiseProbs: probabilities(m))
    }

    func testDecompositionHoldsExactlyOverRandomWorlds() throws {
        var generator = SplitMix64(seed: 123)
        for trial in 0..<60 {
            let k = Int(generator.next() % 3) + 1
            let m = Int(generator.next() % 2) + 1
            let n = Int(generator.next() % 3) + 1
            let degree = Int(generator.next() % 4)
            let alpha = ["0", "1/2", "3"][Int(generator.next() % 3)]
            let input = CaseInput(
                op: "bias-variance", params: [("n", "\(n)"), ("degree", "\(degree)"), ("alpha", alpha)],
                inputs: randomWorld(&generator, k: k, m: m))
            let trace = try BiasVarianceOperation.run(input, as: Surd.self)
            XCTAssertEqual(trace["decomposition_check"]?[0], .zero, "trial \(trial)")
            XCTAssertEqual(trace["risk"]![0], trace["bias2"]![0] + trace["variance"]![0] + trace["bayes_error"]![0])
            XCTAssertGreaterThanOrEqual(trace["variance"]![0], .zero)
            let double = try BiasVarianceOperation.run(input, as: Double.self)
            XCTAssertEqual(
                double["risk"]![0], trace["risk"]![0].rounded(to: Double.self),
                accuracy: 1e-9 * max(1, abs(double["risk"]![0])))
        }
    }

    /// Every ordered sequence of n draws (K^n of them), each fitted with the
    /// ridge reference on its own design matrix.
    func bruteForce(
        x: [Rational], px: [Rational], target: [Rational], noise: [Rational], pe: [Rational], n: Int, degree: Int,
        alpha: Rational
    ) throws -> (mean: [Rational], second: [Rational]) {
        let k = x.count
        let m = noise.count
        let outcomes = k * m
        var mean = Array(repeating: Rational(0), count: k)
        var second = mean
        var total = 1
        for _ in 0..<n { total *= outcomes }
        for sequence in 0..<total {
            var code = sequence
            var probability = Rational(1)
            var rows: [Rational] = []
            var ys: [Rational] = []
            for _ in 0..<n {
                let o = code % outcomes
                code /= outcomes
                let (i, j) = (o / m, o % m)
                probability *= px[i] * pe[j]
                rows += (0...degree).map { try! x[i].power($0) }
                ys.append(target[i] + noise[j])
            }
            let input = CaseInput(
                op: "ridge", params: [("alpha", alpha.description)],
                inputs: [("X", Tensor(shape: [n, degree + 1], values: rows)), ("y", Tensor(vector: ys))])
            // Penalise all but the constant column: give it as the intercept.
            let withIntercept = CaseInput(
                op: "ridge", params: [("alpha", alpha.description), ("intercept", "true")],
                inputs: [
                    (
                        "X",
                        Tensor(
                            shape: [n, degree],
                            values: (0..<n).flatMap { row in rows[(row * (degree + 1) + 1)..<((row + 1) * (degree + 1))]
                            })
                    ), ("y", Tensor(vector: ys)),
                ])
            let w = try Ridge.run(degree == 0 ? input : withIntercept, as: Surd.self)["w"]!.values.map {
                $0.rationalValue!
            }
            for i in 0..<k {
                var prediction = Rational(0)
                for (power, c) in w.enumerated() { prediction += c * (try x[i].power(power)) }
                mean[i] += probability * prediction
                second[i] += probability * prediction * prediction
            }
        }
        return (mean, second)
    }

    func testAgreesWithBruteForceOverOrderedDatasets() throws {
        var generator = SplitMix64(seed: 8)
        for trial in 0..<12 {
            let k = Int(generator.next() % 3) + 1
            let m = Int(generator.next() % 2) + 1
            let n = Int(generator.next() % 3) + 1
            let degree = Int(generator.next() % 3)
            let alpha = trial % 2 == 0 ? Rational(0) : r("1/3")
            let inputs = randomWorld(&generator, k: k, m: m)
            func values(_ name: String) -> [Rational] { inputs.first { $0.name == name }!.tensor.values }
            // Degree 0 has only the intercept column: with α > 0 and no decay on it, it is OLS.
            let trace = try BiasVarianceOperation.run(
                CaseInput(
                    op: "bias-variance",
                    params: [("n", "\(n)"), ("degree", "\(degree)"), ("alpha", degree == 0 ? "0" : alpha.description)],
                    inputs: inputs), as: Surd.self)
            let brute = try bruteForce(
                x: values("x"), px: values("x_probs"), target: values("target"), noise: values("noise"),
                pe: values("noise_probs"), n: n, degree: degree, alpha: degree == 0 ? 0 : alpha)
            XCTAssertEqual(trace["mean_prediction"]?.values, brute.mean.map { Surd($0) }, "trial \(trial)")
            var variance = Rational(0)
            for i in 0..<k { variance += values("x_probs")[i] * (brute.second[i] - brute.mean[i] * brute.mean[i]) }
            XCTAssertEqual(trace["variance"]?[0], Surd(variance), "trial \(trial)")
        }
    }

    func testConstantModelClosedForm() throws {
        // Degree 0, α = 0: f(x;D) = mean of the n targets; variance = Var(y)/n;
        // bias² = E_x[(E y − f*(x))²].
        let inputs = worldInputs(x: [0, 1, 2], target: [0, 1, 4], noise: [-1, 1])
        for n in 1...4 {
            let trace = try BiasVarianceOperation.run(
                CaseInput(op: "bias-variance", params: [("n", "\(n)"), ("degree", "0")], inputs: inputs), as: Surd.self)
            // E y = 5/3, E y² = (0 + 1 + 16)/3 + 1 = 20/3, Var y = 20/3 − 25/9 = 35/9.
            XCTAssertEqual(trace["variance"]?[0], Surd(r("35/9") / Rational(n)))
            XCTAssertEqual(trace["bias2"]?[0], Surd((r("25/9") + r("4/9") + r("49/9")) / 3))
            XCTAssertEqual(trace["bayes_error"]?[0], Surd(1))
        }
    }

    func testMinimumNormFitWhenSingular() throws {
        // One point x = 2, y = 3, degree 1: w = 3·(1, 2)/5, the minimum-norm interpolant.
        let fit = FitOperator<Surd>(points: [Surd(2)], counts: [1], degree: 1, alpha: .zero, decayIntercept: false)
        XCTAssertEqual(fit.rank, 1)
        XCTAssertEqual(fit.coefficients(sums: [Surd(3)]), [Surd(r("3/5")), Surd(r("6/5"))])
        // Ridge op: α = 0 with a rank-deficient design says so.
        let trace = try Ridge.run(
            CaseInput(
                op: "ridge",
                inputs: [("X", Tensor(shape: [2, 2], values: [1, 2, 2, 4])), ("y", Tensor(vector: [1, 2]))]),
            as: Surd.self)
        XCTAssertTrue(trace.params.first { $0.name == "solution" }!.value.description.hasPrefix("minimum-norm"))
        XCTAssertEqual(trace["w"]?.values, [Surd(r("1/5")), Surd(r("2/5"))])
        XCTAssertTrue(trace["stationarity_check"]!.values.allSatisfy(\.isZero))
    }

    func testSweepShowsTheUShape() throws {
        let inputs = worldInputs(x: [-1, 0, 1, 2], target: [1, 0, 1, 4], noise: [-1, 1])
        let trace = try BiasVarianceSweep.run(
            CaseInput(op: "bias-variance-sweep", params: [("n", "6"), ("max_degree", "4")], inputs: inputs),
            as: Surd.self)
        let risk = trace["risk"]!.values
        let bias2 = trace["bias2"]!.values
        let variance = trace["variance"]!.values
        XCTAssertTrue(trace["decomposition_check"]!.values.allSatisfy(\.isZero))
        XCTAssertLessThan(risk[2], risk[0])
        XCTAssertLessThan(risk[2], risk[4])
        // The target is quadratic, yet degree 2 keeps a little bias: datasets
        // with fewer than 3 distinct x get minimum-norm fits.
        XCTAssertGreaterThan(bias2[2], .zero)
        XCTAssertLessThan(bias2[2], bias2[1])
        // Variance is smallest for the constant model and largest for degree 4
        // (more coefficients than distinct x: minimum-norm interpolants).
        for d in 1...4 {
            XCTAssertLessThan(variance[0], variance[d])
            XCTAssertLessThan(variance[d - 1], variance[4])
        }
        XCTAssertEqual(risk[0], Surd(try Rational(91, 24)))
    }

    func testWeightDecaySweepTradesVarianceForBias() throws {
        let inputs = worldInputs(x: [-1, 0, 1], target: [-1, 0, 2], noise: [-1, 1])
        let alphas = Tensor(vector: [r("0"), r("1/2"), r("2"), r("8")])
        let trace = try BiasVarianceSweep.run(
            CaseInput(
                op: "bias-variance-sweep", params: [("n", "4"), ("max_degree", "2")],
                inputs: inputs + [("alphas", alphas)]), as: Surd.self)
        let variance = trace["variance"]!.values
        let bias2 = trace["bias2"]!.values
        // Degree 2 row: variance falls and bias² rises with α.
        for a in 0..<3 {
            XCTAssertGreaterThan(variance[8 + a], variance[8 + a + 1])
            XCTAssertLessThan(bias2[8 + a], bias2[8 + a + 1])
        }
    }

    func testMonteCarloConvergesToExact() throws {
        let inputs = worldInputs(x: [-1, 0, 1], target: [1, 0, 2], noise: [-1, 0, 1])
        let exact = try BiasVarianceOperation.run(
            CaseInput(op: "bias-variance", params: [("n", "4"), ("degree", "1")], inputs: inputs), as: Surd.self)
        let world = try World<Double>.read(CaseInput(op: "bias-variance", inputs: inputs)).exact
        var misses = 0
        for seed in 1...10 {
            let (result, estimate) = BiasVarianceDecomposition.monteCarlo(
                world: world, n: 4, degree: 1, alpha: 0, decayIntercept: false, samples: 4000, seed: UInt64(seed))
            if !estimate.contains(exact["risk"]![0].rounded(to: Double.self)) { misses += 1 }
            XCTAssertEqual(result.bias2 + result.variance + result.bayesError, result.risk, accuracy: 0.1)
        }
        XCTAssertLessThanOrEqual(misses, 1)
        let (large, _) = BiasVarianceDecomposition.monteCarlo(
            world: world, n: 4, degree: 1, alpha: 0, decayIntercept: false, samples: 100_000, seed: 99)
        XCTAssertEqual(large.variance, exact["variance"]![0].rounded(to: Double.self), accuracy: 0.02)
        XCTAssertEqual(large.bias2, exact["bias2"]![0].rounded(to: Double.self), accuracy: 0.01)
        // The op's Monte-Carlo mode.
        let mc = try BiasVarianceOperation.run(
            CaseInput(op: "bias-variance", params: [("n", "4"), ("degree", "1"), ("samples", "3000")], inputs: inputs),
            as: Double.self)
        XCTAssertNotNil(mc["mc_interval"])
    }

    func testBaggingVarianceIsExact() throws {
        let inputs = worldInputs(x: [0, 1], target: [0, 1], noise: [-1, 1])
        var previous: Surd? = nil
        for models in [1, 2, 5, 50] {
            let trace = try BaggingOperation.run(
                CaseInput(
                    op: "bagging", params: [("n", "3"), ("degree", "1"), ("models", "\(models)")], inputs: inputs),
                as: Surd.self)
            XCTAssertEqual(trace["decomposition_check"]?[0], .zero)
            XCTAssertEqual(trace["removed_check"]?[0], .zero)
            if models == 1 {
                XCTAssertEqual(trace["variance"]?[0], trace["variance_bootstrap_model"]?[0])
                XCTAssertEqual(trace["variance_removed"]?[0], .zero)
            }
            if let previous { XCTAssertLessThan(trace["variance"]![0], previous) }
            previous = trace["variance"]![0]
        }
        // Degree 0: the bootstrap mean's inner variance is Var_D(sample)/n per dataset: check against direct enumeration.
        let t = try BaggingOperation.run(
            CaseInput(
                op: "bagging", params: [("n", "2"), ("degree", "0"), ("models", "2")],
                inputs: worldInputs(x: [0], target: [0], noise: [0, 2])), as: Surd.self)
        // y ∈ {0, 2}, n = 2: D = {0,0} (1/4), {0,2} (1/2), {2,2} (1/4). m_D = mean; v_D = s²_biased/2 = (1/2)·1 for {0,2}.
        // Var f_bag = Var(mean) + E v_D / 2 = 1/2 + (1/2·1/2)/2 = 5/8.
        XCTAssertEqual(t["variance"]?[0], Surd(r("5/8")))
    }

    func testCrossValidationLeaveOneOutMatchesRefits() throws {
        var generator = SplitMix64(seed: 4)
        for _ in 0..<10 {
            let n = 5
            let xs = (0..<n).map { Rational($0) + generator.rational(bits: 3, allowNegative: false) / 8 }
            let ys = (0..<n).map { _ in generator.rational(bits: 4) }
            let trace = try CrossValidation.run(
                CaseInput(
                    op: "cross-validation", params: [("degree", "1")],
                    inputs: [("x", Tensor(vector: xs)), ("y", Tensor(vector: ys))]), as: Surd.self)
            var total = Rational(0)
            for i in 0..<n {
                let keep = (0..<n).filter { $0 != i }
                let fit = try Ridge.run(
                    CaseInput(
                        op: "ridge", params: [("intercept", "true")],
                        inputs: [
                            ("X", Tensor(shape: [n - 1, 1], values: keep.map { xs[$0] })),
                            ("y", Tensor(vector: keep.map { ys[$0] })),
                        ]), as: Surd.self)["w"]!.values.map { $0.rationalValue! }
                let error = fit[0] + fit[1] * xs[i] - ys[i]
                total += error * error
            }
            XCTAssertEqual(trace["cv_error"]?[0], Surd(total / Rational(n)))
        }
    }

    func testBadWorldsAreRejected() {
        func message(_ inputs: [(name: String, tensor: Tensor<Rational>)], _ params: [(String, String)] = []) -> String
        {
            do {
                _ = try BiasVarianceOperation.run(
                    CaseInput(op: "bias-variance", params: params.map { ($0.0, $0.1) }, inputs: inputs), as: Surd.self)
                return ""
            } catch { return "\(error)" }
        }
        XCTAssertTrue(
            message(worldInputs(x: [0, 1], target: [0, 1], noise: [0], xProbs: [r("1/2"), r("1/3")])).contains(
                "x_probs sums to 5/6"))
        XCTAssertTrue(
            message(worldInputs(x: [0, 1], target: [0], noise: [0])).contains("target has 1 values but x has 2"))
        XCTAssertTrue(
            message(
                worldInputs(
                    x: Array(0..<10).map { Rational($0) }, target: Array(repeating: 0, count: 10), noise: [0, 1, 2, 3]),
                [("n", "30")]
            ).contains("exceed the exact path's limit of 20000"))
        XCTAssertTrue(
            message(worldInputs(x: [0], target: [0], noise: [0]), [("alpha", "-1")]).contains("alpha = -1 must be ≥ 0"))
    }
}
