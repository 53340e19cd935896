import Exact
import TestSupport
import XCTest

final class SurdTests: XCTestCase {
    private func surd(_ text: String) -> Surd { try! Surd(parsing: text) }

    func testSquareRootOfTwo() {
        XCTAssertEqual(hexString(surd("sqrt(2)").rounded(to: Double.self)), "0x1.6a09e667f3bcdp+0")
        XCTAssertEqual(surd("sqrt(2)").rounded(to: Double.self), 2.0.squareRoot())
        XCTAssertEqual(surd("sqrt(2)").rounded(to: Float.self), Float(2).squareRoot())
    }

    func testPerfectSquaresCollapseAndRadicandsMerge() {
        XCTAssertEqual(surd("sqrt(4/9)"), surd("2/3"))
        XCTAssertTrue(surd("sqrt(4/9)").isRational)
        XCTAssertEqual(surd("sqrt(8)").description, "2*sqrt(2)")
        XCTAssertEqual(surd("sqrt(5/2)").description, "1/2*sqrt(10)")
        XCTAssertEqual(surd("sqrt(2)") * surd("sqrt(2)"), surd("2"))
        XCTAssertEqual(surd("sqrt(2)") * surd("sqrt(3)"), surd("sqrt(6)"))
        XCTAssertEqual(surd("sqrt(6)") * surd("sqrt(10)"), surd("2*sqrt(15)"))
        XCTAssertEqual(surd("sqrt(2)+sqrt(8)"), surd("3*sqrt(2)"))
        XCTAssertEqual(surd("sqrt(2)") - surd("sqrt(2)"), .zero)
        // A radicand with a square factor beyond trial division still merges.
        let bigPrime = BigInt(1_000_003)
        let hidden = try! Surd.squareRoot(of: Rational(bigPrime * bigPrime * 2))
        XCTAssertEqual(hidden + surd("sqrt(2)"), surd("1000004*sqrt(2)"))
    }

    func testMultipleRadicandsFormAField() {
        let x = surd("1/2+sqrt(2)-3*sqrt(3)")
        let y = surd("sqrt(2)+sqrt(3)+sqrt(5)")
        XCTAssertEqual((x * y) / y, x)
        XCTAssertEqual(surd("1") / surd("sqrt(2)+sqrt(3)"), surd("sqrt(3)-sqrt(2)"))
        XCTAssertThrowsError(try y.quadraticComponents()) { error in
            guard case .mixedFields = error as? ExactError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try surd("1+2*sqrt(3)").quadraticComponents().s, 3)
    }

    func testFieldIdentitiesOnRandomSurds() {
        var generator = SplitMix64(seed: 0x5EED_0020)
        for _ in 0..<2_000 {
            let radicand = generator.rational(bits: 12, allowNegative: false) + Rational(1)
            let x = try! Surd(generator.rational(), generator.rational(), sqrtOf: radicand)
            let y = try! Surd(generator.rational(), generator.rational(), sqrtOf: radicand)
            let z = try! Surd(
                generator.rational(), generator.rational(), sqrtOf: generator.rational(bits: 8, allowNegative: false))
            if !y.isZero { XCTAssertEqual((x * y) / y, x) }
            XCTAssertEqual(x * (y + z), x * y + x * z)
            XCTAssertEqual((x + y) - y, x)
            XCTAssertEqual(try Surd(parsing: x.description), x, x.description)
            XCTAssertEqual(try Surd(parsing: (x + z).description), x + z)
            XCTAssertEqual((x - y).signum, x < y ? -1 : (x == y ? 0 : 1))
        }
    }

    /// The rounded value r is the nearest float: |v − r| ≤ |v − r⁺| and
    /// |v − r| ≤ |v − r⁻|, compared exactly (sign of a + b√s via squaring).
    func testSurdRoundingIsNearestByExactComparison() {
        var generator = SplitMix64(seed: 0x5EED_0021)
        for index in 0..<3_000 {
            let scale = Rational(1).timesPowerOfTwo(Int(generator.next() % 200) - 100)
            let value = try! Surd(
                generator.rational(bits: 40), generator.rational(bits: 40),
                sqrtOf: generator.rational(bits: 30, allowNegative: false)
            )
            .scaled(by: scale)
            if index % 2 == 0 {
                checkNearest(value, Double.self)
            } else {
                checkNearest(value, Float.self)
            }
        }
        // Near-cancellation: a + b√s with a ≈ −b√s to many digits.
        let root = surd("sqrt(2)")
        let approximation = try! Rational(exactly: 2.0.squareRoot())
        checkNearest(root - Surd(approximation), Double.self)
        checkNearest(Surd(approximation) - root, Float.self)
    }

    private func checkNearest<F: BinaryFloatingPoint>(_ value: Surd, _: F.Type)
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        let rounded = value.rounded(to: F.self)
        guard rounded.isFinite else { return }
        let distance = (Surd(try! Rational(exactly: Double(rounded))) - value).magnitude
        for neighbour in [rounded.nextUp, rounded.nextDown] where neighbour.isFinite {
            let other = (Surd(try! Rational(exactly: Double(neighbour))) - value).magnitude
            XCTAssertLessThanOrEqual(distance, other, "\(value): \(rounded) vs \(neighbour)")
        }
        // And within half an ulp of the rounded value.
        let halfUlp = Surd(try! Rational(exactly: Double(unitInLastPlace(of: rounded)))).scaled(
            by: Rational(1) / Rational(2))
        XCTAssertLessThanOrEqual(distance, halfUlp, "\(value)")
    }

    func testDecimalDisplayOfSurds() {
        XCTAssertEqual(surd("sqrt(2)").decimalString(significantDigits: 20), "1.4142135623730950488")
        XCTAssertEqual(surd("-sqrt(3)").decimalString(significantDigits: 5), "-1.7321")
        XCTAssertEqual(surd("sqrt(2)+sqrt(3)").decimalString(significantDigits: 10), "3.146264370")
    }
}
