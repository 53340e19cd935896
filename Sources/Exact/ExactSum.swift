/// The exact sum of any number of finite doubles.
///
/// A fixed-point "superaccumulator" in the spirit of Neal's xsum: one
/// two's-complement integer wide enough for every double (bits 2^−1074 to
/// 2^1024) plus 64 bits of headroom, so that adding a double is a shift and a
/// two-limb add with a rarely travelling carry — no GMP call, no rounding.
/// The sum becomes a `Rational` only when asked for.
public struct ExactSum: Sendable {
    /// Weight of bit 0 is 2^−1074; 34 limbs = 2176 bits ≥ 1074 + 1024 + 64.
    private static let limbCount = 34
    private var limbs = [UInt](repeating: 0, count: ExactSum.limbCount)
    public private(set) var count = 0

    public init() {}

    public init<S: Sequence>(_ values: S) throws where S.Element == Double {
        for value in values { try add(value) }
    }

    /// Adds a finite double exactly.
    public mutating func add(_ value: Double) throws {
        guard value.isFinite else { throw ExactError.notFinite("\(value)") }
        addFinite(value)
    }

    @inline(__always)
    private mutating func addFinite(_ value: Double) {
        count += 1
        if value == 0 { return }
        let exponentBits = Int(value.exponentBitPattern)
        // value = significand · 2^(position − 1074)
        let significand: UInt =
            exponentBits == 0
            ? UInt(value.significandBitPattern)
            : UInt(value.significandBitPattern) | (1 << 52)
        let position = max(exponentBits - 1, 0)
        let limb = position >> 6
        let shift = position & 63
        let low = significand << UInt(shift)
        let high = shift == 0 ? 0 : significand >> UInt(64 - shift)
        limbs.withUnsafeMutableBufferPointer { words in
            if value.sign == .plus {
                var (sum, carry) = words[limb].addingReportingOverflow(low)
                words[limb] = sum
                var index = limb + 1
                var addend = high
                while index < words.count {
                    let (partial, overflowA) = words[index].addingReportingOverflow(addend)
                    let (total, overflowB) = partial.addingReportingOverflow(carry ? 1 : 0)
                    words[index] = total
                    carry = overflowA || overflowB
                    addend = 0
                    if !carry { break }
                    index += 1
                }
                _ = sum
            } else {
                var (difference, borrow) = words[limb].subtractingReportingOverflow(low)
                words[limb] = difference
                var index = limb + 1
                var subtrahend = high
                while index < words.count {
                    let (partial, overflowA) = words[index].subtractingReportingOverflow(subtrahend)
                    let (total, overflowB) = partial.subtractingReportingOverflow(borrow ? 1 : 0)
                    words[index] = total
                    borrow = overflowA || overflowB
                    subtrahend = 0
                    if !borrow { break }
                    index += 1
                }
                _ = difference
            }
        }
    }

    /// The exact sum.
    public var value: Rational {
        Rational(BigInt(twosComplement: limbs)).timesPowerOfTwo(-1074)
    }
}
