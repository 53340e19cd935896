import SplitMix

/// The independent SplitMix64 streams of one run, each derived from the run's seed
/// and a fixed purpose number: stream(purpose) = SplitMix64(seed: value(seed, purpose)),
/// where value(seed, i) is output i + 1 of SplitMix64(seed) (see `SplitMix64.value`).
/// Changing how many numbers one purpose draws never shifts another's.
public enum RandomPurpose: Int, Sendable {
    /// Initial weights, layer by layer, row-major, as normal variates.
    case initialization = 1
    /// One Fisher–Yates permutation of the training set per epoch.
    case shuffling = 2
    /// Dropout masks: one mask seed per (step, layer).
    case dropout = 3
    /// Generated data sets and the train/test split (seeded by the data seed).
    case data = 4
    /// Monte-Carlo evaluations (the dropout preset's committee average).
    case monteCarlo = 5
    /// Start vectors of the power iteration (the sharpness).
    case sharpness = 6

    /// The seed of this purpose's stream under `seed`.
    public func seed(_ seed: UInt64) -> UInt64 { SplitMix64.value(seed: seed, index: rawValue) }

    /// A generator for this purpose.
    public func generator(_ seed: UInt64) -> SplitMix64 { SplitMix64(seed: self.seed(seed)) }
}

/// Standard normal variates by Marsaglia's polar method on SplitMix64 uniforms:
/// u, v = 2·unit − 1 until 0 < s = u² + v² < 1; then u·√(−2 ln s/s) and
/// v·√(−2 ln s/s), in that order. `PortableMath.log` and the correctly rounded
/// square root make the values the same on every machine.
public struct NormalSampler: Sendable {
    public var generator: SplitMix64
    private var spare: Double?

    public init(_ generator: SplitMix64) { self.generator = generator }

    public mutating func next() -> Double {
        if let value = spare {
            spare = nil
            return value
        }
        while true {
            let u = 2 * generator.nextUnit() - 1
            let v = 2 * generator.nextUnit() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let factor = (-2 * PortableMath.log(s) / s).squareRoot()
                spare = v * factor
                return u * factor
            }
        }
    }
}

extension SplitMix64 {
    /// A uniform integer in 0..<bound (bound ≥ 1) by rejection on the top bits, so
    /// every value is equally likely.
    public mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound >= 1)
        let b = UInt64(bound)
        let limit = UInt64.max - UInt64.max % b
        while true {
            let z = next()
            if z < limit { return Int(z % b) }
        }
    }

    /// A Fisher–Yates permutation of 0..<count: for i = count−1 down to 1, swap i
    /// with nextIndex(below: i + 1).
    public mutating func permutation(_ count: Int) -> [Int] {
        var order = Array(0..<count)
        var i = count - 1
        while i >= 1 {
            order.swapAt(i, nextIndex(below: i + 1))
            i -= 1
        }
        return order
    }
}
