import Exact
import SplitMix

/// Generated inputs for vector cases, from NormLab's own documented generator
/// (never the standard library's unspecified one):
///
///     u = (SplitMix64.next() >> 11) · 2⁻⁵³          uniform on [0, 1)
///     x = low + (high − low) · u                    computed exactly, then
///                                                   rounded to the target precision
public enum GeneratedData {
    public static func uniform(seed: UInt64, count: Int, low: Rational, high: Rational) -> [Rational] {
        var generator = SplitMix64(seed: seed)
        let scale = Rational(1).timesPowerOfTwo(-53)
        return (0..<count).map { _ in
            let u = Rational(BigInt(UInt(generator.next() >> 11))) * scale
            return low + (high - low) * u
        }
    }
}
