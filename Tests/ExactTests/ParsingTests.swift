import Exact
import Foundation
import TestSupport
import XCTest

final class ParsingTests: XCTestCase {
    func testAcceptedSyntaxesGiveExactValues() throws {
        let cases: [(String, Rational)] = [
            ("12", Rational(12)),
            ("-12", Rational(-12)),
            ("+7", Rational(7)),
            ("3/6", try Rational(1, 2)),
            ("-3/7", try Rational(-3, 7)),
            ("0.1", try Rational(1, 10)),
            ("760.", Rational(760)),
            (".5", try Rational(1, 2)),
            ("-1.25e-5", try Rational(-125, 10_000_000)),
            ("-0.670191154593408E-01", try Rational(BigInt(-670_191_154_593_408), BigInt(10).power(16))),
            ("1e3", Rational(1000)),
            ("0x1.8p+1", Rational(3)),
            ("0x1p-2", try Rational(1, 4)),
            ("-0x0p+0", Rational(0)),
            ("0X1.Ap3", Rational(13)),
            ("1e-5/2", try Rational(1, 200_000)),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try Rational(parsing: text), expected, text)
        }
    }

    func testHexFloatsReadBackEveryDouble() throws {
        var generator = SplitMix64(seed: 0x5EED_0010)
        for _ in 0..<20_000 {
            let value = generator.finiteDouble()
            let text = hexString(value)
            XCTAssertEqual(try Rational(parsing: text), try Rational(exactly: value), text)
            // Swift's own reader agrees on the text.
            XCTAssertEqual(Double(text)?.bitPattern, value.bitPattern, text)
        }
        XCTAssertEqual(hexString(1.0 / 3.0), "0x1.5555555555555p-2")
        XCTAssertEqual(hexString(-0.0), "-0x0p+0")
        XCTAssertEqual(hexString(3.0), "0x1.8p+1")
        XCTAssertEqual(hexString(Double.leastNonzeroMagnitude), "0x0.0000000000001p-1022")
        XCTAssertEqual(hexString(Float(1.0 / 3.0)), "0x1.555556p-2")
        XCTAssertEqual(hexString(Double.infinity), "inf")
    }

    func testBadInputNamesTheValueAndRule() {
        let cases: [(String, ExactError)] = [
            ("1/0", .divisionByZero("1/0")),
            ("nan", .notFinite("nan")),
            ("-inf", .notFinite("-inf")),
            ("sqrt(-2)", .negativeRadicand("-2")),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try Surd(parsing: text), text) { error in
                XCTAssertEqual(error as? ExactError, expected, text)
            }
        }
        for text in ["", "abc", "1.2.3", "1e", "0x", "--1", "1/", "sqrt(2", "2*sqrt()", "1+", "- 3", "1 2", "0x1.8 p1"]
        {
            XCTAssertThrowsError(try Surd(parsing: text), text) { error in
                guard case .unparsable = error as? ExactError else { return XCTFail("\(text): \(error)") }
                XCTAssertTrue("\(error)".contains("\"\(text)\""), "\(error) names the input")
            }
        }
        XCTAssertThrowsError(try Rational(exactly: Double.nan))
        XCTAssertThrowsError(try Rational(exactly: Float.infinity))
    }

    func testCodableUsesTheCanonicalString() throws {
        let values = [try Surd(parsing: "1/2+3/4*sqrt(5/2)"), try Surd(parsing: "-3/7")]
        let data = try JSONEncoder().encode(values)
        XCTAssertEqual(String(decoding: data, as: UTF8.self), "[\"1\\/2+3\\/8*sqrt(10)\",\"-3\\/7\"]")
        XCTAssertEqual(try JSONDecoder().decode([Surd].self, from: data), values)
        let big = BigInt("-123456789012345678901234567890")!
        XCTAssertEqual(try JSONDecoder().decode(BigInt.self, from: JSONEncoder().encode(big)), big)
        XCTAssertThrowsError(try JSONDecoder().decode(BigInt.self, from: Data("\"12x\"".utf8)))
        let rational = try Rational(parsing: "-22/7")
        XCTAssertEqual(try JSONDecoder().decode(Rational.self, from: JSONEncoder().encode(rational)), rational)
    }
}
