import Exact
import SplitMix

/// The data of the double-descent computation: n training points (x, y), a
/// pool of P random ReLU features φ_j(x) = max(0, a_j·x + b_j) of the 1-D
/// input, and a finite test set (test_x, test_y) over which the test risk is
/// an exact mean. Each part is either given in the case or generated, from
/// NormLab's own generator with the bits-to-value mappings below, so that
/// every generated number is a small dyadic rational: exactly representable
/// in f32 and f64, and cheap to compute with exactly.
///
/// Generated parts (`seed` s, `noise` σ):
/// - feature j = 0, 1, …, P − 1 takes output j of SplitMix64(s), a word z:
///   slope a = (−1)^(bit 63) · (4 + bits 60–62)/4 ∈ ±{1, 5/4, …, 11/4}, kink
///   t = (2·bits 54–59 − 63)/64 (an odd multiple of 1/64 in (−1, 1)), bias
///   b = −a·t; so φ_j(x) = |a|·max(0, ±(x − t)), a hinge at t facing either
///   way. An odd multiple of 1/64 is never a training or test input.
/// - training inputs x_i = (2i + 1 − n)/2^⌈log₂ n⌉, i = 0…n − 1: evenly
///   spaced odd multiples, centred on 0 (for n = 16 the midpoints of sixteen
///   equal cells of [−1, 1]).
/// - training targets y_i = f(x_i) + ε_i, noise i taking output i of
///   SplitMix64(s + 1), a word z: ε = σ·(2·(z >> 58) − 63)/64, uniform on
///   the 64 odd multiples of σ/64 in (−σ, σ), mean 0.
/// - the test set: the 33 points k/16, k = −16…16, with targets f(x) (no
///   noise): the test risk is the mean squared distance from f on [−1, 1]'s
///   sixteenth grid.
///
/// The target f(x) = 4x³ − 3x is the Chebyshev polynomial T₃: it swings
/// between −1 and 1 three times on [−1, 1], so a few hinges fit it poorly.
public struct RandomFeatureProblem: Sendable {
    public var x: [Rational]
    public var y: [Rational]
    public var featureWeights: [Rational]
    public var featureBiases: [Rational]
    public var testX: [Rational]
    public var testY: [Rational]
    /// Which parts were generated, in the order above ("features",
    /// "training data", "test set"); empty when everything was given.
    public var generated: [String]

    public var n: Int { x.count }
    public var maxFeatures: Int { featureWeights.count }

    public init(
        x: [Rational], y: [Rational], featureWeights: [Rational], featureBiases: [Rational], testX: [Rational],
        testY: [Rational], generated: [String] = []
    ) {
        self.x = x
        self.y = y
        self.featureWeights = featureWeights
        self.featureBiases = featureBiases
        self.testX = testX
        self.testY = testY
        self.generated = generated
    }

    // MARK: - The generated problem

    /// The target function of the generated data, f(x) = 4x³ − 3x.
    public static func target(_ x: Rational) -> Rational { 4 * x * x * x - 3 * x }

    /// Slopes and biases of P features from SplitMix64(seed).
    public static func features(count: Int, seed: UInt64) -> (weights: [Rational], biases: [Rational]) {
        var generator = SplitMix64(seed: seed)
        var weights: [Rational] = []
        var biases: [Rational] = []
        for _ in 0..<count {
            let z = generator.next()
            let sign = z >> 63 == 1 ? -1 : 1
            let slope = Rational(sign * (4 + Int((z >> 60) & 7))).timesPowerOfTwo(-2)
            let kink = Rational(2 * Int((z >> 54) & 63) - 63).timesPowerOfTwo(-6)
            weights.append(slope)
            biases.append(-(slope * kink))
        }
        return (weights, biases)
    }

    /// x_i = (2i + 1 − n)/2^⌈log₂ n⌉.
    public static func trainingInputs(count n: Int) -> [Rational] {
        var scale = 1
        while scale < n { scale *= 2 }
        return (0..<n).map { Rational(2 * $0 + 1 - n) / Rational(scale) }
    }

    /// n noise values from SplitMix64(seed + 1), scaled by σ.
    public static func noise(count: Int, seed: UInt64, scale: Rational) -> [Rational] {
        var generator = SplitMix64(seed: seed &+ 1)
        return (0..<count).map { _ in scale * Rational(2 * Int(generator.next() >> 58) - 63).timesPowerOfTwo(-6) }
    }

    /// k/16 for k = −16…16.
    public static let testInputs: [Rational] = (-16...16).map { Rational($0).timesPowerOfTwo(-4) }

    // MARK: - Reading a case

    /// Bounds on the work one case implies: an exact least-squares solve for
    /// each p = 1…P, whose cost grows like n²·p (the Gram matrix) plus
    /// min(n, p)³ (the elimination), on rationals that lengthen with n, and
    /// m·p for the predictions at the m test points. n·P ≤ 1024 and m·P ≤
    /// 4224 (the 33 default test points with 128 features) keep a case within
    /// about two and a half seconds of a debug build (the default, n = 16,
    /// P = 64 and m = 33, takes about one).
    public static let maxTrainingPoints = 32
    public static let maxFeatureCount = 128
    public static let maxWork = 1024
    public static let maxTestWork = 4224

    /// The problem a case describes: given parts taken as they are, the
    /// others generated from params `seed` (default `defaultSeed`), `noise`
    /// σ (default 1/4), `n` (default 16) and `max_features` (default 4n).
    /// Training data and test set come together or not at all: given
    /// training data need a given test set (the built-in target is never
    /// mixed into someone's data).
    public static func read(_ input: CaseInput) throws -> (
        problem: RandomFeatureProblem, seed: UInt64?, noise: Rational?
    ) {
        func pair(_ first: String, _ second: String) throws -> ([Rational], [Rational])? {
            switch (input.tensor(first), input.tensor(second)) {
            case (nil, nil): return nil
            case (let a?, let b?):
                guard a.count == b.count else {
                    throw ReferenceError("input \(second) has \(b.count) values but \(first) has \(a.count)")
                }
                guard a.count > 0 else { throw ReferenceError("input \(first) is empty") }
                return (a.values, b.values)
            case (nil, _): throw ReferenceError("input \(second) is given without \(first); give both or neither")
            case (_, nil): throw ReferenceError("input \(first) is given without \(second); give both or neither")
            }
        }
        let training = try pair("x", "y")
        let givenFeatures = try pair("feature_weights", "feature_biases")
        let test = try pair("test_x", "test_y")
        if training != nil && test == nil {
            throw ReferenceError(
                "inputs x and y are given without test_x and test_y; give the test set too (the built-in target is not mixed into given data)"
            )
        }

        let n = try input.integerParam("n") ?? training?.0.count ?? defaultN
        if let training, training.0.count != n {
            throw ReferenceError("parameter n = \(n) but input x has \(training.0.count) values")
        }
        guard (1...maxTrainingPoints).contains(n) else {
            throw ReferenceError("parameter n = \(n) must lie in 1…\(maxTrainingPoints) (training points)")
        }
        let p = try input.integerParam("max_features") ?? givenFeatures?.0.count ?? 4 * n
        if let givenFeatures, givenFeatures.0.count != p {
            throw ReferenceError(
                "parameter max_features = \(p) but input feature_weights has \(givenFeatures.0.count) values")
        }
        guard (1...maxFeatureCount).contains(p) else {
            throw ReferenceError("parameter max_features = \(p) must lie in 1…\(maxFeatureCount)")
        }
        guard n * p <= maxWork else {
            throw ReferenceError(
                "n·max_features = \(n)·\(p) = \(n * p) exceeds \(maxWork), the exact path's limit; use fewer training points or features"
            )
        }
        let m = test?.0.count ?? testInputs.count
        guard m * p <= maxTestWork else {
            throw ReferenceError(
                "test points · max_features = \(m)·\(p) = \(m * p) exceeds \(maxTestWork), the exact path's limit; use fewer test points or features"
            )
        }
        var generated: [String] = []
        let needsSeed = training == nil || givenFeatures == nil
        var seed: UInt64?
        if needsSeed {
            let value = try input.integerParam("seed") ?? Int(defaultSeed)
            guard value >= 0 else { throw ReferenceError("parameter seed = \(value) must be ≥ 0") }
            seed = UInt64(value)
        }
        var noise: Rational?
        let features: ([Rational], [Rational])
        if let givenFeatures {
            features = givenFeatures
        } else {
            features = RandomFeatureProblem.features(count: p, seed: seed!)
            generated.append("features")
        }
        let data: ([Rational], [Rational])
        if let training {
            data = training
        } else {
            let sigma = try input.rationalParam("noise") ?? defaultNoise
            guard sigma >= 0 else { throw ReferenceError("parameter noise = \(valueText(sigma)) must be ≥ 0") }
            noise = sigma
            let x = trainingInputs(count: n)
            let epsilon = RandomFeatureProblem.noise(count: n, seed: seed!, scale: sigma)
            data = (x, zip(x, epsilon).map { target($0) + $1 })
            generated.append("training data")
        }
        let testSet = test ?? (testInputs, testInputs.map(target))
        if test == nil { generated.append("test set") }
        let problem = RandomFeatureProblem(
            x: data.0, y: data.1, featureWeights: features.0, featureBiases: features.1, testX: testSet.0,
            testY: testSet.1, generated: generated)
        return (problem, seed, noise)
    }

    /// The defaults: 16 training points, noise σ = 1/4, and seed 93, one of
    /// the few seeds whose first 16 features are linearly independent on the
    /// 16 training inputs (rank Φ_p = min(p, n) for every p), so that the
    /// interpolation threshold is p = n exactly. Hinges of a 1-D input are
    /// rarely in general position — two or three falling between the same
    /// pair of training points add fewer than two or three dimensions — so
    /// for most seeds the rank reaches n only at some p > n, and the peak
    /// moves there with it; the trace's `rank` shows where.
    public static let defaultN = 16
    public static let defaultSeed: UInt64 = 93
    public static let defaultNoise = Rational(1).timesPowerOfTwo(-2)
}
