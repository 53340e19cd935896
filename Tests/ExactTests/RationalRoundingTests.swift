import Exact
import TestSupport
import XCTest

/// Correct rounding of rationals, checked against Swift's own string parsers
/// (which round correctly) and against constructions with known answers.
final class RationalRoundingTests: XCTestCase {
    /// A random decimal string: random digits, random exponent over the whole
    /// range of Double, including the subnormal and overflow ranges.
    private func randomDecimal(_ generator: inout SplitMix64, maxExponent: Int) -> String {
        let digitCount = Int(generator.next() % 25) + 1
        var digits = String(Int(generator.next() % 9) + 1)
        for _ in 1..<digitCount { digits += String(generator.next() % 10) }
        let exponent = Int(generator.next() % UInt64(2 * maxExponent + 1)) - maxExponent
        let sign = generator.next() & 1 == 0 ? "-" : ""
        let point = Int(generator.next() % UInt64(digitCount))
        let index = digits.index(digits.startIndex, offsetBy: point + 1)
        return "\(sign)\(digits[..<index]).\(digits[index...])e\(exponent)"
    }

    func testRandomDecimalsRoundLikeSwiftsParser() throws {
        var generator = SplitMix64(seed: 0x5EED_0001)
        for _ in 0..<20_000 {
            let text = randomDecimal(&generator, maxExponent: 330)
            let rational = try Rational(parsing: text)
            let expected = Double(text)!
            XCTAssertEqual(rational.rounded(to: Double.self).bitPattern, expected.bitPattern, text)
        }
        for _ in 0..<20_000 {
            let text = randomDecimal(&generator, maxExponent: 48)
            let rational = try Rational(parsing: text)
            let expected = Float(text)!
            XCTAssertEqual(rational.rounded(to: Float.self).bitPattern, expected.bitPattern, text)
        }
    }

    /// Decimal strings at, just below and just above the exact midpoint of two
    /// adjacent doubles: the hardest inputs for a rounding routine.
    func testNearHalfwayDecimalsRoundLikeSwiftsParser() throws {
        var generator = SplitMix64(seed: 0x5EED_0002)
        for index in 0..<3_000 {
            // Normal and subnormal neighbours alike.
            let low =
                index % 3 == 0
                ? Double(bitPattern: generator.next() % 0x000F_FFFF_FFFF_FFFF)
                : generator.finiteDouble().magnitude.nextDown
            guard low.isFinite, low.nextUp.isFinite else { continue }
            let midpoint =
                (try Rational(exactly: low) + Rational(exactly: low.nextUp)) * (try Rational(1).divided(by: 2))
            let exactText = midpoint.decimalString(significantDigits: 800)
            XCTAssertEqual(try Rational(parsing: exactText), midpoint, "decimal text of the midpoint must be exact")
            for text in [exactText, nudged(exactText, up: false), nudged(exactText, up: true)] {
                let expected = Double(text)!
                let actual = try Rational(parsing: text).rounded(to: Double.self)
                XCTAssertEqual(actual.bitPattern, expected.bitPattern, text)
            }
        }
    }

    /// The same digits with one more digit 1 appended (above) or the last
    /// digit's value reduced by one unit in a new last place (below).
    private func nudged(_ text: String, up: Bool) -> String {
        let (mantissa, exponent) = splitExponent(text)
        let base = mantissa.contains(".") ? mantissa : mantissa + "."
        if up { return base + "000001" + exponent }
        // x − 10^-k for a k beyond the last digit: subtract via Rational.
        let value = try! Rational(parsing: text)
        let tiny = try! Rational(parsing: "1e\(-(digitsAfterPoint(base) + 6) + exponentValue(exponent))")
        return (value - tiny).decimalString(significantDigits: 820)
    }

    private func splitExponent(_ text: String) -> (String, String) {
        guard let e = text.firstIndex(of: "e") else { return (text, "") }
        return (String(text[..<e]), String(text[e...]))
    }

    private func digitsAfterPoint(_ text: String) -> Int {
        guard let point = text.firstIndex(of: ".") else { return 0 }
        return text.distance(from: point, to: text.endIndex) - 1
    }

    private func exponentValue(_ text: String) -> Int { text.isEmpty ? 0 : Int(text.dropFirst())! }

    func testEveryFiniteDoubleRoundTrips() throws {
        var generator = SplitMix64(seed: 0x5EED_0003)
        for _ in 0..<50_000 {
            let value = generator.finiteDouble()
            let rational = try Rational(exactly: value)
            XCTAssertEqual(rational.rounded(to: Double.self).bitPattern, value.bitPattern, "\(value)")
        }
        for _ in 0..<50_000 {
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()))
            guard value.isFinite else { continue }
            XCTAssertEqual(
                try Rational(exactly: value).rounded(to: Float.self).bitPattern, value.bitPattern, "\(value)")
        }
        for value in [0.0, -0.0, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, -1.5] {
            XCTAssertEqual(try Rational(exactly: value).rounded(to: Double.self), value)
        }
    }

    func testExactHalfwayCasesGoToEven() throws {
        var generator = SplitMix64(seed: 0x5EED_0004)
        let half = try Rational(1).divided(by: 2)
        for _ in 0..<10_000 {
            let low = generator.finiteDouble()
            let high = low.nextUp
            guard high.isFinite, low.isFinite else { continue }
            let midpoint = (try Rational(exactly: low) + Rational(exactly: high)) * half
            let rounded = midpoint.rounded(to: Double.self)
            let even = low.significandBitPattern & 1 == 0 ? low : high
            XCTAssertEqual(rounded.bitPattern, even.bitPattern, "midpoint of \(low) and \(high)")
        }
    }

    func testSubnormalsAndOverflow() throws {
        // Half the smallest subnormal is a tie: rounds to even, i.e. zero.
        let tiny = try Rational(exactly: Double.leastNonzeroMagnitude)
        XCTAssertEqual((tiny * Rational(1) / Rational(2)).rounded(to: Double.self), 0)
        XCTAssertEqual((tiny * Rational(3) / Rational(4)).rounded(to: Double.self), .leastNonzeroMagnitude)
        XCTAssertEqual((-tiny / Rational(4)).rounded(to: Double.self).sign, .minus)
        // The largest subnormal plus half its spacing is a tie that rounds up to
        // the smallest normal (even significand).
        let largestSubnormal = try Rational(exactly: Double.leastNormalMagnitude.nextDown)
        XCTAssertEqual((largestSubnormal + tiny / Rational(2)).rounded(to: Double.self), .leastNormalMagnitude)
        // Overflow threshold: max + half an ulp is a tie away from an odd
        // significand, so it rounds to infinity; just below, to max.
        let max = try Rational(exactly: Double.greatestFiniteMagnitude)
        let halfUlp = try Rational(exactly: Double.greatestFiniteMagnitude.ulp) / Rational(2)
        XCTAssertEqual((max + halfUlp).rounded(to: Double.self), .infinity)
        XCTAssertEqual((max + halfUlp - tiny).rounded(to: Double.self), .greatestFiniteMagnitude)
        XCTAssertEqual((-(max + halfUlp)).rounded(to: Double.self), -.infinity)
        XCTAssertEqual(try Rational(parsing: "1e-46").rounded(to: Float.self), 0)
        XCTAssertEqual(try Rational(parsing: "1e-45").rounded(to: Float.self), .leastNonzeroMagnitude)
        XCTAssertEqual(try Rational(parsing: "3.5e38").rounded(to: Float.self), .infinity)
    }

    func testDecimalPrintingIsCorrectlyRounded() throws {
        XCTAssertEqual(try Rational(parsing: "1/3").decimalString(significantDigits: 5), "0.33333")
        XCTAssertEqual(try Rational(parsing: "2/3").decimalString(significantDigits: 5), "0.66667")
        XCTAssertEqual(try Rational(parsing: "0.125").decimalString(significantDigits: 2), "0.12") // tie to even
        XCTAssertEqual(try Rational(parsing: "0.375").decimalString(significantDigits: 2), "0.38")
        XCTAssertEqual(try Rational(parsing: "9.9996").decimalString(significantDigits: 4), "10.00")
        XCTAssertEqual(try Rational(parsing: "-1.25e-12").decimalString(significantDigits: 3), "-1.25e-12")
        XCTAssertEqual(try Rational(parsing: "123456789").decimalString(significantDigits: 3), "1.23e+8")
        // 17 significant digits always identify a double.
        var generator = SplitMix64(seed: 0x5EED_0005)
        for _ in 0..<5_000 {
            let value = generator.finiteDouble()
            let text = try Rational(exactly: value).decimalString(significantDigits: 17)
            XCTAssertEqual(Double(text)!.bitPattern, value.bitPattern, text)
        }
    }
}

final class UlpDistanceTests: XCTestCase {
    func testCountsRepresentableValuesBetween() {
        XCTAssertEqual(ulpDistance(1.0, 1.0.nextUp), 1)
        XCTAssertEqual(ulpDistance(1.0.nextDown, 1.0.nextUp), 2)
        XCTAssertEqual(ulpDistance(0.0, -0.0), 0, "the two zeros are one value")
        XCTAssertEqual(ulpDistance(-Double.leastNonzeroMagnitude, Double.leastNonzeroMagnitude), 2)
        XCTAssertEqual(ulpDistance(Double.greatestFiniteMagnitude, .infinity), 1)
        XCTAssertEqual(ulpDistance(1.0, .nan), .max)
        XCTAssertEqual(ulpDistance(Float(1), Float(1).nextUp.nextUp.nextUp), 3)
    }

    /// Opposite signs far from zero overflowed the Int64 difference (a trap
    /// in `vectors verify` on a results file holding inf).
    func testOppositeSignsAndInfinitiesDoNotOverflow() {
        // Every float from −x to x, both zeros counted once: 2 · (the ordinal of x).
        XCTAssertEqual(ulpDistance(-Double.infinity, .infinity), 2 * 0x7FF0_0000_0000_0000)
        XCTAssertEqual(ulpDistance(Double.infinity, -.infinity), 2 * 0x7FF0_0000_0000_0000)
        XCTAssertEqual(
            ulpDistance(-Double.greatestFiniteMagnitude, .greatestFiniteMagnitude), 2 * 0x7FEF_FFFF_FFFF_FFFF)
        XCTAssertEqual(ulpDistance(-Double.infinity, 0), 0x7FF0_0000_0000_0000)
        XCTAssertEqual(ulpDistance(-Float.infinity, .infinity), 2 * 0x7F80_0000)
    }
}
