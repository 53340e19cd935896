/// SplitMix64 (Steele, Lea & Flood 2014; Vigna's reference constants), the
/// generator behind every random number NormLab produces — test data,
/// benchmark inputs, dropout masks, Monte-Carlo samples — so that each is
/// reproducible from its seed on any machine and in any language. Swift's
/// default generator is unspecified and is never used.
///
/// One step:
/// ```
/// state = state &+ 0x9E3779B97F4A7C15
/// z = state
/// z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
/// z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
/// return z ^ (z >> 31)
/// ```
/// A uniform `Double` in [0, 1) is `Double(z >> 11) · 2⁻⁵³` (exact: 53 bits).
/// The k-th output (k = 1, 2, …) depends only on `seed &+ k &* 0x9E3779B97F4A7C15`,
/// so `SplitMix64.value(seed:index:)` gives output `index + 1` directly, which lets
/// workers generate disjoint parts of a stream with identical results.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    /// The golden-ratio increment added to the state at every step.
    public static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The current state (the seed before the first step).
    public var state: UInt64

    /// A generator whose first output is `mix(seed &+ increment)`.
    @inlinable public init(seed: UInt64) { state = seed }

    /// The output finaliser (a bijection on 64-bit words).
    @inlinable @inline(__always)
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64-bit output.
    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        state = state &+ SplitMix64.increment
        return SplitMix64.mix(state)
    }

    /// The next uniform value in [0, 1): `(next() >> 11) · 2⁻⁵³`.
    @inlinable @inline(__always)
    public mutating func nextUnit() -> Double {
        SplitMix64.unit(next())
    }

    /// Maps 64 random bits to [0, 1): `(z >> 11) · 2⁻⁵³`.
    @inlinable @inline(__always)
    public static func unit(_ z: UInt64) -> Double {
        Double(z >> 11) * 0x1p-53
    }

    /// Output number `index + 1` of the generator seeded with `seed`
    /// (`index` 0 is the first output), without stepping through the others.
    @inlinable @inline(__always)
    public static func value(seed: UInt64, index: Int) -> UInt64 {
        mix(seed &+ (UInt64(truncatingIfNeeded: index) &+ 1) &* increment)
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
