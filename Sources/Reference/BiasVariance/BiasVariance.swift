import Exact
import SplitMix

/// A finite world: x takes the values `x` with probabilities `x_probs`, the
/// target is f(x_i) = `target`_i, and y = f(x) + ε with ε independent of x,
/// taking the values `noise` with probabilities `noise_probs` (both uniform
/// when the probabilities are omitted). The regression function is
/// f*(x) = E[y|x] = f(x) + E[ε]. A dataset is n i.i.d. draws of (x, ε): a
/// multiset over the k·m outcomes, of multinomial probability.
public struct World<S: ReferenceScalar>: Sendable {
    public let x: [S]
    public let xProbabilities: [S]
    public let target: [S]
    public let noise: [S]
    public let noiseProbabilities: [S]

    public var outcomes: Int { x.count * noise.count }
    public var noiseMean: S { zip(noise, noiseProbabilities).reduce(S.zero) { $0 + $1.0 * $1.1 } }
    /// f*(x_i) = f(x_i) + E[ε].
    public var regression: [S] { target.map { $0 + noiseMean } }
    /// E[(y − f*(x))²] = Var(ε).
    public var bayesError: S {
        let mean = noiseMean
        return zip(noise, noiseProbabilities).reduce(S.zero) { $0 + $1.1 * ($1.0 - mean) * ($1.0 - mean) }
    }

    /// Reads and validates a world from a case: inputs `x`, `target`, `noise`,
    /// optional `x_probs`, `noise_probs` (each non-negative, summing to 1).
    public static func read(_ input: CaseInput) throws -> (world: World<S>, exact: WorldData) {
        let x = try input.requiredTensor("x").values
        let target = try input.requiredTensor("target").values
        let noise = input.tensor("noise")?.values ?? [0]
        guard !x.isEmpty else { throw ReferenceError("input x is empty") }
        guard target.count == x.count else {
            throw ReferenceError("input target has \(target.count) values but x has \(x.count)")
        }
        guard Set(x.map(\.description)).count == x.count else {
            throw ReferenceError("input x repeats a value; list each x once and give its probability in x_probs")
        }
        func probabilities(_ name: String, count: Int) throws -> [Rational] {
            guard let given = input.tensor(name)?.values else {
                return Array(repeating: try Rational(BigInt(1), BigInt(count)), count: count)
            }
            guard given.count == count else {
                throw ReferenceError("input \(name) has \(given.count) values but \(count) are needed")
            }
            for (i, value) in given.enumerated() where value < 0 {
                throw ReferenceError("input \(name)[\(i)] = \(valueText(value)) must be ≥ 0")
            }
            let total = given.reduce(Rational(0), +)
            guard total == 1 else {
                throw ReferenceError("input \(name) sums to \(valueText(total)); probabilities must sum to 1")
            }
            return given
        }
        let px = try probabilities("x_probs", count: x.count)
        let pe = try probabilities("noise_probs", count: noise.count)
        let exact = WorldData(x: x, xProbabilities: px, target: target, noise: noise, noiseProbabilities: pe)
        return (
            World(
                x: x.map { S($0) }, xProbabilities: px.map { S($0) }, target: target.map { S($0) },
                noise: noise.map { S($0) }, noiseProbabilities: pe.map { S($0) }), exact
        )
    }
}

/// A world's numbers as exact rationals (what the Monte-Carlo sampler reads).
public struct WorldData: Sendable {
    public let x: [Rational], xProbabilities: [Rational], target: [Rational], noise: [Rational],
        noiseProbabilities: [Rational]
}

/// The exact bias–variance decomposition (course notes Eqs. 7.4–7.7) of a
/// polynomial ridge fit: E_D[f(x;D)], bias², variance, Bayes error and the
/// population risk R = E_D E_(x,y)[(f(x;D) − y)²], computed directly — and
/// the check R − (bias² + variance + Bayes error) = 0, exactly.
public enum BiasVarianceDecomposition {
    /// Limit on the number of distinct datasets enumerated (`WorkLimits.datasets`).
    public static let datasetLimit = WorkLimits.datasets

    public struct Result<S: ReferenceScalar>: Sendable {
        public let meanPrediction: [S]
        public let bias2: S
        public let variance: S
        public let bayesError: S
        public let risk: S
        public let datasets: BigInt
    }

    /// The number of distinct datasets of n draws over `outcomes` outcomes,
    /// refused when it (times `models`, for a sweep) exceeds the limit.
    public static func checkSize(outcomes: Int, n: Int, models: Int = 1) throws -> BigInt {
        let count = Multisets.count(size: n, categories: outcomes)
        guard count * BigInt(models) <= BigInt(datasetLimit) else {
            let times = models > 1 ? " × \(models) models" : ""
            throw ReferenceError(
                "\(count) distinct datasets\(times) (n = \(n) draws over \(outcomes) outcomes) exceed the exact path's limit of \(datasetLimit); use fewer draws or outcomes, or --monte-carlo (param samples)"
            )
        }
        return count
    }

    /// Enumerates every dataset once, with its multinomial probability.
    public static func compute<S: ReferenceScalar>(world: World<S>, n: Int, degree: Int, alpha: S, decayIntercept: Bool)
        throws -> Result<S>
    {
        let datasets = try checkSize(outcomes: world.outcomes, n: n)
        var progress = ProgressCounter(
            "exact bias–variance (degree \(degree)): datasets", total: datasets.exactInt ?? 0)
        let k = world.x.count
        let m = world.noise.count
        let outcomeProbabilities = (0..<(k * m)).map { world.xProbabilities[$0 / m] * world.noiseProbabilities[$0 % m] }
        var cache: [[Int]: FitOperator<S>] = [:]
        var mean = Array(repeating: S.zero, count: k)
        var second = Array(repeating: S.zero, count: k)
        var risk = S.zero
        let regression = world.regression
        Multisets.forEach(size: n, categories: k * m) { counts in
            progress.step()
            let weight = Multisets.probability(counts, outcomeProbabilities)
            if weight.isZero { return }
            var xCounts = Array(repeating: 0, count: k)
            var sums = Array(repeating: S.zero, count: k)
            for (o, c) in counts.enumerated() where c > 0 {
                xCounts[o / m] += c
                sums[o / m] += S(c) * (world.target[o / m] + world.noise[o % m])
            }
            let fit: FitOperator<S>
            if let cached = cache[xCounts] {
                fit = cached
            } else {
                fit = FitOperator(
                    points: world.x, counts: xCounts, degree: degree, alpha: alpha, decayIntercept: decayIntercept)
                cache[xCounts] = fit
            }
            let w = fit.coefficients(sums: sums)
            var datasetRisk = S.zero
            for i in 0..<k {
                let prediction = FitOperator.evaluate(w, at: world.x[i])
                mean[i] += weight * prediction
                second[i] += weight * prediction * prediction
                for j in 0..<m {
                    let error = prediction - world.target[i] - world.noise[j]
                    datasetRisk += world.xProbabilities[i] * world.noiseProbabilities[j] * error * error
                }
            }
            risk += weight * datasetRisk
        }
        var bias2 = S.zero
        var variance = S.zero
        for i in 0..<k {
            bias2 += world.xProbabilities[i] * (mean[i] - regression[i]) * (mean[i] - regression[i])
            variance += world.xProbabilities[i] * (second[i] - mean[i] * mean[i])
        }
        return Result(
            meanPrediction: mean, bias2: bias2, variance: variance, bayesError: world.bayesError, risk: risk,
            datasets: datasets)
    }

    /// Monte-Carlo in Double for worlds too large to enumerate: `samples`
    /// datasets of n draws; each draw picks outcome (i, j) by inverse CDF of
    /// u = (next() >> 11)·2⁻⁵³ over x (then over ε) from SplitMix64(seed).
    /// Returns the estimated decomposition and a 99.9% interval for the risk.
    public static func monteCarlo(
        world exact: WorldData, n: Int, degree: Int, alpha: Double, decayIntercept: Bool,
        samples: Int, seed: UInt64
    ) -> (result: Result<Double>, risk: MonteCarloEstimate) {
        let x = exact.x.map { $0.rounded(to: Double.self) }
        let target = exact.target.map { $0.rounded(to: Double.self) }
        let noise = exact.noise.map { $0.rounded(to: Double.self) }
        let px = exact.xProbabilities.map { $0.rounded(to: Double.self) }
        let pe = exact.noiseProbabilities.map { $0.rounded(to: Double.self) }
        let noiseMean = zip(noise, pe).reduce(0) { $0 + $1.0 * $1.1 }
        let bayes = zip(noise, pe).reduce(0) { $0 + $1.1 * ($1.0 - noiseMean) * ($1.0 - noiseMean) }
        func pick(_ probabilities: [Double], _ generator: inout SplitMix64) -> Int {
            let u = generator.nextUnit()
            var cumulative = 0.0
            for (i, p) in probabilities.enumerated() {
                cumulative += p
                if u < cumulative { return i }
            }
            return probabilities.count - 1
        }
        var generator = SplitMix64(seed: seed)
        let k = x.count
        var mean = Array(repeating: 0.0, count: k)
        var second = Array(repeating: 0.0, count: k)
        var risks: [Double] = []
        var cache: [[Int]: FitOperator<Double>] = [:]
        for _ in 0..<samples {
            var counts = Array(repeating: 0, count: k)
            var sums = Array(repeating: 0.0, count: k)
            for _ in 0..<n {
                let i = pick(px, &generator)
                let j = pick(pe, &generator)
                counts[i] += 1
                sums[i] += target[i] + noise[j]
            }
            let fit: FitOperator<Double>
            if let cached = cache[counts] {
                fit = cached
            } else {
                fit = FitOperator(
                    points: x, counts: counts, degree: degree, alpha: alpha, decayIntercept: decayIntercept)
                cache[counts] = fit
            }
            let w = fit.coefficients(sums: sums)
            var datasetRisk = 0.0
            for i in 0..<k {
                let prediction = FitOperator.evaluate(w, at: x[i])
                mean[i] += prediction / Double(samples)
                second[i] += prediction * prediction / Double(samples)
                for j in noise.indices {
                    datasetRisk +=
                        px[i] * pe[j] * (prediction - target[i] - noise[j]) * (prediction - target[i] - noise[j])
                }
            }
            risks.append(datasetRisk)
        }
        var bias2 = 0.0
        var variance = 0.0
        for i in 0..<k {
            bias2 += px[i] * (mean[i] - target[i] - noiseMean) * (mean[i] - target[i] - noiseMean)
            variance += px[i] * (second[i] - mean[i] * mean[i])
        }
        let estimate = MonteCarloEstimate(values: risks)
        return (
            Result(
                meanPrediction: mean, bias2: bias2, variance: variance, bayesError: bayes, risk: estimate.mean,
                datasets: BigInt(samples)), estimate
        )
    }
}

/// Reads the model parameters shared by the bias–variance ops.
struct ModelParameters {
    let n: Int
    let degree: Int
    let alpha: Rational
    let decayIntercept: Bool

    init(_ input: CaseInput, defaultDegree: Int = 1) throws {
        // Draws per dataset.
        n = try input.integerParam("n", in: 1...1000, default: 3)
        degree = try input.integerParam("degree") ?? defaultDegree
        guard (0...20).contains(degree) else { throw ReferenceError("parameter degree = \(degree) must lie in 0…20") }
        alpha = try input.rationalParam("alpha") ?? 0
        guard alpha >= 0 else { throw ReferenceError("parameter alpha = \(valueText(alpha)) must be ≥ 0") }
        decayIntercept = try input.flagParam("decay_intercept", default: false)
    }
}

extension World {
    func record(into trace: inout Trace<S>) {
        trace.record("x", symbol: "x", formula: "values x takes", role: .input, Tensor(vector: x))
        trace.record(
            "x_probs", symbol: "P(x)", formula: "their probabilities", role: .input, Tensor(vector: xProbabilities))
        trace.record(
            "target", symbol: "f(x)", formula: "target function at each x", role: .input, Tensor(vector: target))
        trace.record("noise", symbol: "ε", formula: "noise values, y = f(x) + ε", role: .input, Tensor(vector: noise))
        trace.record(
            "noise_probs", symbol: "P(ε)", formula: "their probabilities", role: .input,
            Tensor(vector: noiseProbabilities))
    }
}

/// `bias-variance`: the decomposition for one model (degree, α).
public enum BiasVarianceOperation: ReferenceOperation {
    public static let name = "bias-variance"
    public static let summary =
        "Exact bias², variance, Bayes error and risk of polynomial ridge fits over all datasets of n draws"

    public static func run<S: ReferenceScalar>(_ input: CaseInput, as _: S.Type) throws -> Trace<S> {
        let (world, exactWorld) = try World<S>.read(input)
        let model = try ModelParameters(input)
        var trace = Trace<S>(
            op: name,
            params: [
                ("n", .number(Rational(model.n))), ("degree", .number(Rational(model.degree))),
                ("alpha", .number(model.alpha)), ("decay_intercept", .word(model.decayIntercept ? "true" : "false")),
            ])
        world.record(into: &trace)
        let samples = try input.samplesParam()
        try WorkLimits.check(
            samples * model.n, limit: WorkLimits.monteCarloSamples * 10, "Monte-Carlo draws (samples × n)")
        if samples > 0 {
            // Monte-Carlo only: for worlds too large to enumerate.
            let seed = try input.seedParam()
            trace.setParameter("samples", .number(Rational(samples)))
            trace.setParameter("method", .word("monte-carlo (f64, SplitMix64 seed \(seed))"))
            let (result, estimate) = BiasVarianceDecomposition.monteCarlo(
                world: exactWorld, n: model.n, degree: model.degree, alpha: model.alpha.rounded(to: Double.self),
                decayIntercept: model.decayIntercept, samples: samples, seed: seed)
            func scalar(_ value: Double) -> S { S((try? Rational(exactly: value)) ?? 0) }
            trace.record(
                "mean_prediction", symbol: "Ê_D[f(x;D)]", formula: "sample mean over \(samples) datasets",
                Tensor(vector: result.meanPrediction.map(scalar)))
            trace.record(
                "bias2", symbol: "bias²", formula: "Σ_x P(x)(Ê_D f − f*)²", role: .output,
                Tensor(scalar: scalar(result.bias2)))
            trace.record(
                "variance", symbol: "variance", formula: "Σ_x P(x)·sample variance of f(x;D)", role: .output,
                Tensor(scalar: scalar(result.variance)))
            trace.record(
                "bayes_error", symbol: "Bayes error", formula: "Var(ε), exact in f64", role: .output,
                Tensor(scalar: scalar(result.bayesError)))
            trace.record(
                "risk", symbol: "R(f)", formula: "sample mean of the datasets' risks", role: .output,
                Tensor(scalar: scalar(result.risk)))
            recordMonteCarlo(estimate, into: &trace, symbol: "risk estimate")
            return trace
        }
        let result = try BiasVarianceDecomposition.compute(
            world: world, n: model.n, degree: model.degree, alpha: S(model.alpha), decayIntercept: model.decayIntercept)
        trace.setParameter("datasets", .number(Rational(result.datasets)))
        trace.record(
            "regression_function", symbol: "f*(x)", formula: "E[y|x] = f(x) + E[ε]", Tensor(vector: world.regression))
        trace.record(
            "mean_prediction", symbol: "E_D[f(x;D)]",
            formula: "Σ_D P(D)·f(x;D) over all multisets D of n draws (multinomial P(D))",
            Tensor(vector: result.meanPrediction))
        trace.record(
            "bias2", symbol: "bias²", formula: "E_x[(E_D f(x;D) − f*(x))²]  (Eq. 7.6)", role: .output,
            Tensor(scalar: result.bias2))
        trace.record(
            "variance", symbol: "variance", formula: "E_x E_D[(f(x;D) − E_D f(x;D))²]  (Eq. 7.6)", role: .output,
            Tensor(scalar: result.variance))
        trace.record(
            "bayes_error", symbol: "Bayes error", formula: "E[(f*(x) − y)²] = Var(ε)  (Eq. 7.5)", role: .output,
            Tensor(scalar: result.bayesError))
        trace.record(
            "risk", symbol: "R(f)", formula: "E_D E_(x,y)[(f(x;D) − y)²], computed directly", role: .output,
            Tensor(scalar: result.risk))
        trace.record(
            "decomposition_check", symbol: "R − (bias² + variance + Bayes)", formula: "Eq. 7.7: must be 0",
            role: .check,
            Tensor(scalar: result.risk - (result.bias2 + result.variance + result.bayesError)))
        return trace
    }
}

/// `bias-variance-sweep`: the decomposition over degrees 0…max_degree and a
/// list of α (input `alphas`, default [0]): the U-shaped risk curve.
public enum BiasVarianceSweep: ReferenceOperation {
    public static let name = "bias-variance-sweep"
    public static let summary = "bias², variance, Bayes error and risk over polynomial degree 0…max_degree and α values"

    public static func run<S: ReferenceScalar>(_ input: CaseInput, as _: S.Type) throws -> Trace<S> {
        let (world, _) = try World<S>.read(input)
        let model = try ModelParameters(input)
        let maxDegree = try input.integerParam("max_degree") ?? 4
        guard (0...12).contains(maxDegree) else {
            throw ReferenceError("parameter max_degree = \(maxDegree) must lie in 0…12")
        }
        let alphas = input.tensor("alphas")?.values ?? [model.alpha]
        for (i, a) in alphas.enumerated() where a < 0 {
            throw ReferenceError("input alphas[\(i)] = \(valueText(a)) must be ≥ 0")
        }
        _ = try BiasVarianceDecomposition.checkSize(
            outcomes: world.outcomes, n: model.n, models: (maxDegree + 1) * max(alphas.count, 1))
        var trace = Trace<S>(
            op: name,
            params: [
                ("n", .number(Rational(model.n))), ("max_degree", .number(Rational(maxDegree))),
                ("decay_intercept", .word(model.decayIntercept ? "true" : "false")),
            ])
        world.record(into: &trace)
        trace.record(
            "alphas", symbol: "α", formula: "weight-decay values swept", role: .input,
            Tensor(vector: alphas.map { S($0) }))
        var bias2: [S] = []
        var variance: [S] = []
        var bayes: [S] = []
        var risk: [S] = []
        var check: [S] = []
        for degree in 0...maxDegree {
            for alpha in alphas {
                let result = try BiasVarianceDecomposition.compute(
                    world: world, n: model.n, degree: degree, alpha: S(alpha), decayIntercept: model.decayIntercept)
                bias2.append(result.bias2)
                variance.append(result.variance)
                bayes.append(result.bayesError)
                risk.append(result.risk)
                check.append(result.risk - (result.bias2 + result.variance + result.bayesError))
            }
        }
        let shape = [maxDegree + 1, alphas.count]
        trace.record(
            "bias2", symbol: "bias²[degree, α]", formula: "E_x[(E_D f − f*)²] per model", role: .output,
            Tensor(shape: shape, values: bias2))
        trace.record(
            "variance", symbol: "variance[degree, α]", formula: "E_x E_D[(f − E_D f)²] per model", role: .output,
            Tensor(shape: shape, values: variance))
        trace.record(
            "bayes_error", symbol: "Bayes error", formula: "Var(ε), the same for every model", role: .output,
            Tensor(shape: shape, values: bayes))
        trace.record(
            "risk", symbol: "R[degree, α]", formula: "population risk per model", role: .output,
            Tensor(shape: shape, values: risk))
        trace.record(
            "decomposition_check", symbol: "R − (bias² + variance + Bayes)", formula: "must be 0 for every model",
            role: .check, Tensor(shape: shape, values: check))
        return trace
    }
}
