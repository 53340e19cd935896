import TestSupport
import XCTest

@testable import Exact

/// The fast rounding paths (small rationals by one IEEE division or a scaled
/// conversion; a + c√n by one fixed-point evaluation) against the general
/// exact path they short-cut.
final class FastRoundingTests: XCTestCase {
    func reference(_ value: Surd) -> Double {
        value.decided { $0.rounded(to: Double.self) }
    }

    func referenceFloat(_ value: Surd) -> Float {
        value.decided { $0.rounded(to: Float.self) }
    }

    func testRationalFastPathMatchesTheGeneralPath() throws {
        var generator = SplitMix64(seed: 31)
        for bits in [8, 20, 40, 53, 54, 60, 63] {
            for _ in 0..<2000 {
                let value = generator.rational(bits: bits)
                XCTAssertEqual(
                    value.rounded(to: Double.self).bitPattern, Fraction(value).rounded(to: Double.self).bitPattern,
                    "\(value)")
                XCTAssertEqual(
                    value.rounded(to: Float.self).bitPattern, Fraction(value).rounded(to: Float.self).bitPattern,
                    "\(value)")
                // Power-of-two denominators, including ones that would underflow.
                let numerator =
                    BigInt(Int(generator.next() >> UInt64(64 - bits))) * (generator.next() & 1 == 0 ? 1 : -1)
                let dyadic = try Rational(numerator, BigInt(1).shiftedLeft(Int(generator.next() % 1200)))
                XCTAssertEqual(
                    dyadic.rounded(to: Double.self).bitPattern, Fraction(dyadic).rounded(to: Double.self).bitPattern,
                    "\(dyadic)")
                XCTAssertEqual(
                    dyadic.rounded(to: Float.self).bitPattern, Fraction(dyadic).rounded(to: Float.self).bitPattern,
                    "\(dyadic)")
            }
        }
        // Ties to even at the division's and the conversion's precision.
        let tie = try Rational(BigInt((1 << 53) + 1), BigInt(1 << 60))
        XCTAssertEqual(tie.rounded(to: Double.self), Fraction(tie).rounded(to: Double.self))
    }

    func testSurdFastPathMatchesTheGeneralPath() throws {
        var generator = SplitMix64(seed: 32)
        for bits in [4, 16, 40, 80] {
            for _ in 0..<1500 {
                let a =
                    generator.rational(bits: min(bits, 60))
                    * (try Rational(BigInt(1), BigInt(1).shiftedLeft(Int(generator.next() % 90))))
                let c = generator.rational(bits: min(bits, 60))
                let n = generator.rational(bits: bits, allowNegative: false) + 1
                let value = Surd(a) + Surd(c) * (try Surd.squareRoot(of: n))
                XCTAssertEqual(value.rounded(to: Double.self).bitPattern, reference(value).bitPattern, "\(value)")
                XCTAssertEqual(value.rounded(to: Float.self).bitPattern, referenceFloat(value).bitPattern, "\(value)")
            }
        }
    }

    func testSurdsNearRoundingBoundariesAndCancellation() throws {
        let two = try Surd.squareRoot(of: 2)
        for k in [60, 70, 79, 80, 81, 90, 120, 200] {
            let tiny = try Rational(BigInt(1), BigInt(1).shiftedLeft(k))
            // Just above and below the midpoint between 1 and its successor.
            let midpoint = try Rational(BigInt((1 << 53) + 1), BigInt(1 << 53))
            for sign in [Rational(1), Rational(-1)] {
                let value = Surd(midpoint) + Surd(sign * tiny) * two
                XCTAssertEqual(value.rounded(to: Double.self), reference(value), "k = \(k)")
                XCTAssertEqual(value.rounded(to: Double.self), sign.signum > 0 ? 1.0000000000000002 : 1.0, "k = \(k)")
            }
            // Cancellation: (1 + 2^−k)·√2 − √2 = 2^−k·√2.
            let cancelled = Surd(1 + tiny) * two - two
            XCTAssertEqual(cancelled.rounded(to: Double.self), reference(cancelled))
            // a + c√n with a ≈ −c√n: 99/70 − √2 ≈ 7.2e−5.
            let close = Surd(try Rational(BigInt(99), BigInt(70))) - two
            XCTAssertEqual(close.rounded(to: Double.self), reference(close))
        }
        // Huge and tiny magnitudes fall back to the general path and still round correctly.
        for shift in [-1100, -1070, -150, 900, 1030] {
            let scale =
                shift >= 0
                ? Rational(BigInt(1).shiftedLeft(shift)) : try Rational(BigInt(1), BigInt(1).shiftedLeft(-shift))
            let value = Surd(scale) * (Surd(3) + two)
            XCTAssertEqual(value.rounded(to: Double.self).bitPattern, reference(value).bitPattern, "2^\(shift)")
            XCTAssertEqual(value.rounded(to: Float.self).bitPattern, referenceFloat(value).bitPattern, "2^\(shift)")
        }
    }
}
