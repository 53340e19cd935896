import Exact
import TestSupport
import XCTest

/// `==` and `hash(into:)` on `Surd` compare values. A radicand may hide the
/// square of a prime above 1000 (`sqrt(2036162)` is `1009*sqrt(2)`), so one
/// number can print two ways; equality and hashing must not care.
final class ValueEqualityTests: XCTestCase {
    private func surd(_ text: String) -> Surd { try! Surd(parsing: text) }

    /// The reported pair, and sums built on it.
    func testOneNumberInTwoFormsIsEqual() {
        let pairs: [(String, String)] = [
            ("sqrt(2036162)", "1009*sqrt(2)"),
            ("-sqrt(2036162)", "-1009*sqrt(2)"),
            ("1/3+1/7*sqrt(2036162)", "1/3+1009/7*sqrt(2)"),
            ("5+sqrt(2036162)+sqrt(3)", "5+sqrt(3)+1009*sqrt(2)"),
        ]
        for (left, right) in pairs {
            let x = surd(left)
            let y = surd(right)
            XCTAssertNotEqual(x.description, y.description, "the forms differ")
            XCTAssertEqual(x, y, "\(left) = \(right)")
            XCTAssertEqual(x.hashValue, y.hashValue, "\(left) hashes as \(right)")
            XCTAssertFalse(x < y)
            XCTAssertFalse(y < x)
            XCTAssertEqual(Set([x, y]).count, 1)
            XCTAssertEqual((x - y).description, "0")
        }
        XCTAssertNotEqual(surd("sqrt(2036162)"), surd("-1009*sqrt(2)"))
        XCTAssertNotEqual(surd("sqrt(2036162)"), surd("1009*sqrt(3)"))
        XCTAssertNotEqual(surd("sqrt(2036162)"), surd("1008*sqrt(2)"))
        XCTAssertNotEqual(surd("1+sqrt(2036162)"), surd("1009*sqrt(2)"))
    }

    /// Random values in several forms: x == y exactly when x − y is zero,
    /// and equal values hash alike.
    func testEqualityIsTheValueOnRandomForms() {
        var generator = SplitMix64(seed: 0x5EED_0040)
        let largePrimes: [BigInt] = [1009, 1013, 65_537, 1_000_003, BigInt(2_147_483_647)]
        var equalPairs = 0
        for _ in 0..<1_000 {
            // a + Σ c·√(k²·n) against a + Σ (c·k)·√n, with k a prime above 1000 or 1.
            let a = generator.rational()
            var hidden = Surd(a)
            var plain = Surd(a)
            let count = Int(generator.next() % 4) + 1
            for _ in 0..<count {
                let n = Rational(Int(generator.next() % 50) + 2)
                let k = generator.next() % 2 == 0 ? largePrimes[Int(generator.next() % 5)] : 1
                let c = generator.rational(bits: 16)
                hidden += try! Surd.squareRoot(of: n * Rational(k * k)).scaled(by: c)
                plain += try! Surd.squareRoot(of: n).scaled(by: c * Rational(k))
            }
            let other = generator.next() % 3 == 0 ? plain : plain + Surd(generator.rational(bits: 4))
            let differenceIsZero = (hidden - other).isZero
            XCTAssertEqual(hidden == other, differenceIsZero, "\(hidden) vs \(other)")
            XCTAssertEqual(other == hidden, differenceIsZero)
            if differenceIsZero {
                equalPairs += 1
                XCTAssertEqual(hidden.hashValue, other.hashValue, "\(hidden) vs \(other)")
                XCTAssertEqual(try! Surd(parsing: hidden.description), other)
            } else {
                XCTAssertNotEqual(hidden < other, other < hidden)
            }
        }
        XCTAssertGreaterThan(equalPairs, 100, "the test meets equal pairs")
    }

    /// Rationals have one printed form: equal values print alike.
    func testRationalStringsAreUnique() throws {
        for (left, right) in [("2/4", "0.5"), ("0x1p-1", "1/2"), ("-6/-12", "5e-1"), ("10/5", "2.000")] {
            XCTAssertEqual(try Rational(parsing: left).description, try Rational(parsing: right).description)
            XCTAssertEqual(try Surd(parsing: left).description, try Surd(parsing: right).description)
        }
    }
}
