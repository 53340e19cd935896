import Exact
import SplitMix

/// Exact expectations over dropout masks by enumeration, and their
/// Monte-Carlo counterparts.
///
/// A mask over k units keeps each unit independently with probability 1 − p
/// (p is the drop probability), so a mask's probability depends only on its
/// number of kept units j: (1 − p)^j p^(k−j). Expectations group masks by j
/// with multiplicities C(k, j) wherever the quantity depends on the mask only
/// through such counts, and walk the 2^k masks one at a time (never storing
/// them) where it does not. Enumeration is bounded by the work it implies:
/// masks × the operations each costs (`WorkLimits.maskEvaluations` × 32).
public enum MaskEnumeration {
    /// log₂ of the largest number of masks of one enumeration.
    public static let limitExponent = 20

    /// Throws when `repeats` enumerations of 2^units masks, each mask costing
    /// `cost` exact operations, exceed the limit, saying how large and what
    /// to use instead.
    public static func checkSize(units: Int, repeats: Int = 1, cost: Int = 1, what: String) throws {
        let advice = "use --monte-carlo (param samples) instead"
        guard units <= limitExponent else {
            throw ReferenceError(
                "\(what): 2^\(units) masks exceed the exact path's limit of 2^\(limitExponent); \(advice)")
        }
        let work = WorkLimits.product([repeats, 1 << units, max(cost, 1)]) ?? .max
        try WorkLimits.check(
            work, limit: WorkLimits.maskEvaluations * 32,
            "\(what): \(repeats > 1 ? "\(repeats) × " : "")2^\(units) masks × \(cost) operations", advice: advice)
    }

    /// C(n, k) as an exact integer.
    public static func binomial(_ n: Int, _ k: Int) -> BigInt {
        guard k >= 0, k <= n else { return 0 }
        var result = BigInt(1)
        for i in 0..<min(k, n - k) {
            result = (result * BigInt(n - i)).quotientAndRemainderFloor(dividingBy: BigInt(i + 1)).quotient
        }
        return result
    }

    /// P(a given mask with j kept of k units) = (1 − p)^j p^(k−j), for j = 0…k.
    public static func maskProbabilities<S: ReferenceScalar>(units k: Int, p: S) -> [S] {
        let q = S.one - p
        return (0...k).map { j in
            var value = S.one
            for _ in 0..<j { value *= q }
            for _ in 0..<(k - j) { value *= p }
            return value
        }
    }

    /// Σ_j C(k, j)·P(j kept)·g(j): an expectation of a quantity that depends on
    /// the mask only through its number of kept units j — one term per j.
    public static func expectationByKeptCount<S: ReferenceScalar>(units k: Int, p: S, _ g: (Int) -> S) -> S {
        let probabilities = maskProbabilities(units: k, p: p)
        var sum = S.zero
        for j in 0...k { sum += S(Rational(binomial(k, j))) * probabilities[j] * g(j) }
        return sum
    }

    /// E[f(r)] over all 2^k masks r (bit i of the integer = unit i kept),
    /// walked one at a time; each mask weighted by the probability of its
    /// kept count. Returns E[f] and E[f²].
    public static func moments<S: ReferenceScalar>(units k: Int, p: S, _ f: (UInt64) -> S) throws -> (
        mean: S, secondMoment: S
    ) {
        guard k <= limitExponent else {
            throw ReferenceError(
                "exact enumeration over \(k) units: 2^\(k) masks exceed the limit of 2^\(limitExponent)")
        }
        let probabilities = maskProbabilities(units: k, p: p)
        var mean = S.zero
        var second = S.zero
        var progress = ProgressCounter("exact enumeration: masks", total: 1 << k, stride: 1024)
        for mask in 0..<(UInt64(1) << UInt64(k)) {
            progress.step()
            let weight = probabilities[mask.nonzeroBitCount]
            if weight.isZero { continue }
            let value = f(mask)
            mean += weight * value
            second += weight * value * value
        }
        return (mean, second)
    }
}

/// A Monte-Carlo estimate in Double with a normal-approximation confidence
/// interval: mean ± z·s/√N, s the sample standard deviation.
public struct MonteCarloEstimate: Sendable, CustomStringConvertible {
    public let mean: Double
    public let standardError: Double
    public let samples: Int
    /// The confidence level, e.g. 0.999.
    public let level: Double
    public let lower: Double
    public let upper: Double

    /// z for a two-sided 99.9% interval.
    public static let z999 = 3.290526731491926

    public init(values: [Double], level: Double = 0.999, z: Double = MonteCarloEstimate.z999) {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.count > 1 ? values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1) : 0
        self.mean = mean
        self.samples = values.count
        self.level = level
        self.standardError = (variance / n).squareRoot()
        self.lower = mean - z * standardError
        self.upper = mean + z * standardError
    }

    public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }

    public var description: String { "\(mean) ± \(upper - mean) (\(level * 100)% interval, \(samples) samples)" }
}

extension SplitMix64 {
    /// A dropout keep decision with drop probability p: u = (next() >> 11)·2⁻⁵³
    /// uniform on [0, 1), keep iff u ≥ p (so P(keep) = 1 − p up to 2⁻⁵³).
    public mutating func keep(dropProbability p: Double) -> Bool { nextUnit() >= p }
}
