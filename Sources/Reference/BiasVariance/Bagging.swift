import Exact

/// Bagging (Breiman 1996) in a finite world, exactly: for every dataset D of
/// n draws, every bootstrap resample B (n draws with replacement from D, as
/// a multiset with multinomial probability) is fitted; the bagged predictor
/// averages M independent bootstrap fits. With m_D(x) = E_B[f(x;B)] and
/// v_D(x) = Var_B[f(x;B)]:
///   E[f_bag] = E_D m_D,  Var[f_bag] = Var_D(m_D) + E_D v_D / M,
/// so bagging removes (1 − 1/M)·E_x E_D v_D of a single bootstrap model's
/// variance. The risk is computed from second moments,
/// E[(f_bag − y)²] = E[f_bag²] − 2E[f_bag·f*] + E[y²], and checked against
/// bias² + variance + Bayes error.
public enum BaggingOperation: ReferenceOperation {
    public static let name = "bagging"
    public static let summary =
        "Exact variance of a bagged polynomial fit (M bootstrap models) and the variance bagging removes"

    public static func run<S: ReferenceScalar>(_ input: CaseInput, as _: S.Type) throws -> Trace<S> {
        let (world, _) = try World<S>.read(input)
        let model = try ModelParameters(input)
        let models = try input.integerParam("models", in: 1...Int.max, default: 10)
        let datasets = try BiasVarianceDecomposition.checkSize(outcomes: world.outcomes, n: model.n)
        let resamples = Multisets.count(size: model.n, categories: min(model.n, world.outcomes))
        guard datasets * resamples <= BigInt(BiasVarianceDecomposition.datasetLimit) else {
            throw ReferenceError(
                "\(datasets) datasets × up to \(resamples) bootstrap resamples each; limit \(BiasVarianceDecomposition.datasetLimit) fits; use fewer draws or outcomes"
            )
        }
        var trace = Trace<S>(
            op: name,
            params: [
                ("n", .number(Rational(model.n))), ("degree", .number(Rational(model.degree))),
                ("alpha", .number(model.alpha)),
                ("models", .number(Rational(models))),
                ("decay_intercept", .word(model.decayIntercept ? "true" : "false")),
            ])
        world.record(into: &trace)
        let k = world.x.count
        let m = world.noise.count
        let alpha = S(model.alpha)
        let outcomeProbabilities = (0..<(k * m)).map { world.xProbabilities[$0 / m] * world.noiseProbabilities[$0 % m] }
        var cache: [[Int]: FitOperator<S>] = [:]
        func predictions(_ counts: [Int], outcomes: [Int]) -> [S] {
            var xCounts = Array(repeating: 0, count: k)
            var sums = Array(repeating: S.zero, count: k)
            for (index, c) in counts.enumerated() where c > 0 {
                let o = outcomes[index]
                xCounts[o / m] += c
                sums[o / m] += S(c) * (world.target[o / m] + world.noise[o % m])
            }
            let fit: FitOperator<S>
            if let cached = cache[xCounts] {
                fit = cached
            } else {
                fit = FitOperator(
                    points: world.x, counts: xCounts, degree: model.degree, alpha: alpha,
                    decayIntercept: model.decayIntercept)
                cache[xCounts] = fit
            }
            let w = fit.coefficients(sums: sums)
            return world.x.map { FitOperator.evaluate(w, at: $0) }
        }
        let zeros = Array(repeating: S.zero, count: k)
        var singleMean = zeros
        var singleSecond = zeros
        var bagMean = zeros
        var bagMeanSecond = zeros
        var bagInner = zeros
        let allOutcomes = Array(0..<(k * m))
        let nScalar = S(model.n)
        var progress = ProgressCounter("exact bagging: datasets", total: datasets.exactInt ?? 0, stride: 1)
        Multisets.forEach(size: model.n, categories: k * m) { counts in
            progress.step()
            let weight = Multisets.probability(counts, outcomeProbabilities)
            if weight.isZero { return }
            let single = predictions(counts, outcomes: allOutcomes)
            // Bootstrap: resample the draws of D.
            let present = counts.indices.filter { counts[$0] > 0 }
            let resampleProbabilities = present.map { S(counts[$0]) / nScalar }
            var mD = zeros
            var sD = zeros
            Multisets.forEach(size: model.n, categories: present.count) { resample in
                let probability = Multisets.probability(resample, resampleProbabilities)
                let values = predictions(resample, outcomes: present)
                for i in 0..<k {
                    mD[i] += probability * values[i]
                    sD[i] += probability * values[i] * values[i]
                }
            }
            for i in 0..<k {
                singleMean[i] += weight * single[i]
                singleSecond[i] += weight * single[i] * single[i]
                bagMean[i] += weight * mD[i]
                bagMeanSecond[i] += weight * mD[i] * mD[i]
                bagInner[i] += weight * (sD[i] - mD[i] * mD[i])
            }
        }
        let regression = world.regression
        let mScalar = S(models)
        var bias2 = S.zero
        var varianceSingle = S.zero
        var varianceBootstrap = S.zero
        var variance = S.zero
        var removed = S.zero
        var risk = S.zero
        var secondY = S.zero
        for (j, e) in world.noise.enumerated() { secondY += world.noiseProbabilities[j] * e * e }
        for i in 0..<k {
            let px = world.xProbabilities[i]
            bias2 += px * (bagMean[i] - regression[i]) * (bagMean[i] - regression[i])
            varianceSingle += px * (singleSecond[i] - singleMean[i] * singleMean[i])
            let between = bagMeanSecond[i] - bagMean[i] * bagMean[i]
            varianceBootstrap += px * (between + bagInner[i])
            variance += px * (between + bagInner[i] / mScalar)
            removed += px * (bagInner[i] - bagInner[i] / mScalar)
            // E[f_bag²] − 2E[f_bag]·f* + E[y²|x], E[y²|x] = f² + 2f·E[ε] + E[ε²].
            let fx = world.target[i]
            risk +=
                px
                * (bagMeanSecond[i] + bagInner[i] / mScalar - S(2) * bagMean[i] * regression[i] + fx * fx + S(2) * fx
                    * world.noiseMean + secondY)
        }
        trace.record("mean_prediction", symbol: "E[f_bag(x)]", formula: "E_D E_B f(x;B)", Tensor(vector: bagMean))
        trace.record(
            "variance_single", symbol: "Var_D f(x;D)",
            formula: "variance of one model fitted to D itself (no bootstrap)", Tensor(scalar: varianceSingle))
        trace.record(
            "variance_bootstrap_model", symbol: "Var f(x;B)", formula: "one bootstrap model: E_x[Var_D m_D + E_D v_D]",
            Tensor(scalar: varianceBootstrap))
        trace.record(
            "bias2", symbol: "bias²", formula: "E_x[(E f_bag − f*)²]: the same for every M", role: .output,
            Tensor(scalar: bias2))
        trace.record(
            "variance", symbol: "Var f_bag", formula: "E_x[Var_D m_D + E_D v_D / M]", role: .output,
            Tensor(scalar: variance))
        trace.record(
            "variance_removed", symbol: "(1 − 1/M)E_x E_D v_D",
            formula: "variance of one bootstrap model minus that of the bag of M", role: .output,
            Tensor(scalar: removed))
        trace.record(
            "bayes_error", symbol: "Bayes error", formula: "Var(ε)", role: .output, Tensor(scalar: world.bayesError))
        trace.record(
            "risk", symbol: "R(f_bag)", formula: "E[f_bag²] − 2E[f_bag]f* + E[y²], from second moments", role: .output,
            Tensor(scalar: risk))
        trace.record(
            "decomposition_check", symbol: "R − (bias² + variance + Bayes)", formula: "must be 0", role: .check,
            Tensor(scalar: risk - (bias2 + variance + world.bayesError)))
        trace.record(
            "removed_check", symbol: "difference", formula: "(Var f(x;B) − Var f_bag) − variance_removed = 0",
            role: .check, Tensor(scalar: varianceBootstrap - variance - removed))
        return trace
    }
}

/// k-fold cross-validation of a polynomial ridge fit on one dataset: point i
/// belongs to fold i mod k; each fold is predicted by the fit on the others.
/// Inputs `x`, `y`; params `degree`, `alpha`, `folds` (default n: leave-one-out).
public enum CrossValidation: ReferenceOperation {
    public static let name = "cross-validation"
    public static let summary = "k-fold cross-validation error of a polynomial ridge fit, exactly"

    public static func run<S: ReferenceScalar>(_ input: CaseInput, as _: S.Type) throws -> Trace<S> {
        let xTensor = try input.requiredTensor("x")
        let yTensor = try input.requiredTensor("y")
        let n = xTensor.count
        guard yTensor.count == n else { throw ReferenceError("input y has \(yTensor.count) values but x has \(n)") }
        guard n >= 2 else { throw ReferenceError("input x has \(n) points; cross-validation needs at least 2") }
        let degree = try input.integerParam("degree") ?? 1
        guard (0...20).contains(degree) else { throw ReferenceError("parameter degree = \(degree) must lie in 0…20") }
        let alphaValue = try input.rationalParam("alpha") ?? 0
        guard alphaValue >= 0 else { throw ReferenceError("parameter alpha = \(valueText(alphaValue)) must be ≥ 0") }
        let folds = try input.integerParam("folds") ?? n
        guard (2...n).contains(folds) else {
            throw ReferenceError("parameter folds = \(folds) must lie in 2…\(n) (the number of points)")
        }
        // Each fold is one exact elimination over the other points.
        try WorkLimits.check(folds * n, limit: 250_000, "cross-validation work (folds × points)")
        let decayIntercept = try input.flagParam("decay_intercept", default: false)
        var trace = Trace<S>(
            op: name,
            params: [
                ("degree", .number(Rational(degree))), ("alpha", .number(alphaValue)),
                ("folds", .number(Rational(folds))),
            ])
        let x = trace.record("x", symbol: "x", formula: "inputs", role: .input, xTensor.converted(to: S.self)).values
        let y = trace.record("y", symbol: "y", formula: "targets", role: .input, yTensor.converted(to: S.self)).values
        var predictions = Array(repeating: S.zero, count: n)
        var foldErrors: [S] = []
        var total = S.zero
        for fold in 0..<folds {
            let counts = (0..<n).map { $0 % folds == fold ? 0 : 1 }
            let fit = FitOperator(
                points: x, counts: counts, degree: degree, alpha: S(alphaValue), decayIntercept: decayIntercept)
            let w = fit.coefficients(sums: (0..<n).map { counts[$0] == 1 ? y[$0] : .zero })
            var foldSum = S.zero
            var foldCount = 0
            for i in 0..<n where counts[i] == 0 {
                predictions[i] = FitOperator.evaluate(w, at: x[i])
                foldSum += (predictions[i] - y[i]) * (predictions[i] - y[i])
                foldCount += 1
            }
            total += foldSum
            foldErrors.append(foldSum / S(foldCount))
        }
        trace.record(
            "predictions", symbol: "f(x_i; D∖fold(i))",
            formula: "each point predicted by the fit without its fold (minimum norm when singular)",
            Tensor(vector: predictions))
        trace.record(
            "fold_errors", symbol: "MSE_fold", formula: "mean squared error on each held-out fold",
            Tensor(vector: foldErrors))
        trace.record(
            "cv_error", symbol: "CV", formula: "(1/n) Σ_i (f(x_i; D∖fold(i)) − y_i)²", role: .output,
            Tensor(scalar: total / S(n)))
        return trace
    }
}
