/// The bounds on what a value read from text may ask of the exact arithmetic.
///
/// Exact work grows with the size of the numbers: `1e1000000` is a
/// 3.3-million-bit integer, and every product, square root or rounding that
/// touches it pays for all of those bits. Text is where such sizes come from
/// (flags, case files, CSV cells, lesson files), so the parsers refuse them up
/// front, before building anything, with an `ExactError` that names the value
/// and the limit. Arithmetic on values already built is not limited.
///
/// The exponent limits take the widest IEEE format, binary128, twice over (it
/// spans 2^−16494 … 2^16384, that is 10^−4966 … 10^4932). The size limit is
/// more than ten times the largest exact value NormLab's batch norm computes
/// from doubles spread over the whole double range (about 20,000 bits, for
/// ∂ℓ/∂x over 4096 of them; their variance takes about 6,400), so that every
/// value NormLab prints reads back; the largest integer in the golden vectors
/// has 1,285 digits (about 4,300 bits).
public enum ExactLimits {
    /// The largest |e| in a decimal exponent (`1.5e-300`): 10^10000 has 33,220 bits.
    public static let decimalExponent = 10_000

    /// The largest |p| in a hex float's binary exponent (`0x1p-1074`).
    public static let binaryExponent = 40_000

    /// The most bits, summed over every integer a value is built from
    /// (numerators and denominators after applying exponents, radicands),
    /// in one value read from text: 2^18 bits, about 78,900 decimal digits.
    /// Leading and trailing zero digits cost nothing.
    public static let bitsPerValue = 262_144

    /// The most distinct square roots in one value read from text. Adding a
    /// root compares it with every root already present (two roots whose
    /// radicands have a square ratio are one root), so reading n roots costs
    /// n²/2 such comparisons.
    public static let radicands = 256
}
