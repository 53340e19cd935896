/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
/// generators", OOPSLA 2014): the generator behind every random number NormLab
/// produces — test data, benchmark inputs, dropout masks, Monte-Carlo samples —
/// so that each is reproducible from its seed on any machine and in any
/// language. Swift's default generator is unspecified and is never used.
///
/// Step: state += 0x9E3779B97F4A7C15; z = state;
///       z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
///       z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
///       output z ^ (z >> 31)            (all arithmetic mod 2^64)
public struct SplitMix64: RandomNumberGenerator, Sendable {
    @usableFromInline var state: UInt64

    public init(seed: UInt64) { state = seed }

    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A double uniform on [0, 1): the top 53 bits of one output times 2^−53.
    @inlinable
    public mutating func nextUnitInterval() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A random finite Double from a uniformly random bit pattern (NaN and
    /// infinity patterns are skipped).
    public mutating func nextFiniteBitPattern() -> Double {
        while true {
            let value = Double(bitPattern: next())
            if value.isFinite { return value }
        }
    }
}
