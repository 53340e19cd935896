import Exact
import XCTest

/// Every `ExactError` is one line that names the value and the rule; nothing
/// in the input can break that line.
final class ErrorMessageTests: XCTestCase {
    private func message(_ text: String) -> String {
        do {
            _ = try Surd(parsing: text)
            XCTFail("\(text.debugDescription) parsed")
            return ""
        } catch let error as ExactError {
            return error.description
        } catch {
            XCTFail("\(text.debugDescription): \(type(of: error)) \(error)")
            return ""
        }
    }

    /// Characters that end or reorder a line on a terminal.
    private static let lineBreaking: [Unicode.Scalar] = [
        "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}", "\u{1B}", "\u{0}", "\u{202E}", "\u{7F}",
    ]

    private func assertOneLine(_ message: String, file: StaticString = #filePath, line: UInt = #line) {
        for scalar in Self.lineBreaking {
            XCTAssertFalse(
                message.unicodeScalars.contains(scalar), "\(message.debugDescription) holds U+\(scalar.value)",
                file: file, line: line)
        }
    }

    /// 92 fuzzed numbers once gave two-line errors by echoing a newline.
    func testControlCharactersInTheInputAreEscaped() {
        let cases: [(String, String)] = [
            ("1\n2", #""1\n2""#),
            ("abc\r\ndef", #""abc\r\ndef""#),
            ("1\u{2028}2", #""1\u{2028}2""#),
            ("\u{1B}[31m1", #""\u{1B}[31m1""#),
            ("1\u{0}", #""1\u{0}""#),
            ("\u{202E}1", #""\u{202E}1""#),
            ("say \"1\"", #""say \"1\"""#),
            ("back\\slash", #""back\\slash""#),
            ("1e\n5", #""1e\n5""#),
            ("sqrt(\n-2)", #""-2""#),
        ]
        for (input, quoted) in cases {
            let text = message(input)
            assertOneLine(text)
            XCTAssertTrue(text.contains(quoted), "\(text) should contain \(quoted)")
        }
        // The character found is escaped too.
        XCTAssertTrue(message("1+\u{7}").contains(#"unexpected "\u{7}" at position 3"#), message("1+\u{7}"))
        XCTAssertTrue(message("1\u{85}").contains(#"unexpected "\u{85}" at position 2"#), message("1\u{85}"))
    }

    func testLongInputsAreShortenedWithTheirLength() {
        let long = String(repeating: "1", count: 100) + "x"
        let text = message(long)
        XCTAssertTrue(text.contains("\"\(String(repeating: "1", count: 48))…\" (101 characters)"), text)
        XCTAssertTrue(text.contains("unexpected \"x\" at position 101"), text)
        let exponent = message("1e-" + String(repeating: "9", count: 5000))
        XCTAssertTrue(exponent.contains("decimal exponent -9999999999999999999…"), exponent)
        XCTAssertLessThan(exponent.count, 250, exponent)
    }

    /// Each message names the value and states the rule it breaks.
    func testEveryErrorNamesTheValueAndTheRule() throws {
        let cases: [(String, [String])] = [
            ("", ["cannot parse \"\"", "the text is empty"]),
            ("abc", ["cannot parse \"abc\"", "unexpected \"a\" at position 1", "expected a number"]),
            ("1/0", ["\"1/0\" divides by zero", "a denominator must be non-zero"]),
            ("-inf", ["\"-inf\" is not finite", "exact values must be finite"]),
            ("sqrt(-2)", ["sqrt of \"-2\"", "a radicand must be >= 0"]),
            ("1e", ["cannot parse \"1e\"", "digits after the exponent marker \"e\""]),
            ("0x", ["cannot parse \"0x\"", "hex digits after \"0x\""]),
            ("2*sqrt", ["\"(\" after sqrt"]),
            ("sqrt(2", ["\")\" after the radicand"]),
            ("1 2", ["unexpected \"2\" at position 3", "\"+\", \"-\" or the end"]),
            ("1e99999", ["\"1e99999\"", "decimal exponent 99999", "exponent limit ±10000"]),
            ("0x1p99999", ["\"0x1p99999\"", "binary exponent 99999", "exponent limit ±40000"]),
            (String(repeating: "7", count: 80_000), ["(80000 characters)", "size limit of 262144 bits"]),
        ]
        for (input, fragments) in cases {
            let text = message(input)
            assertOneLine(text)
            for fragment in fragments {
                XCTAssertTrue(text.contains(fragment), "\(text) should contain \(fragment)")
            }
        }
        let field = try Surd(parsing: "sqrt(2)+sqrt(3)")
        XCTAssertThrowsError(try field.quadraticComponents()) { error in
            XCTAssertEqual("\(error)".prefix(18), "\"sqrt(2)+sqrt(3)\" ")
            XCTAssertTrue("\(error)".contains("needs a single quadratic field"))
        }
        XCTAssertThrowsError(try Surd(parsing: "1+sqrt(2)").squareRoot()) { error in
            XCTAssertTrue("\(error)".hasPrefix("sqrt of \"1+sqrt(2)\" is a nested radical"), "\(error)")
        }
        XCTAssertThrowsError(try BigInt(parsing: "12x")) { error in
            XCTAssertTrue("\(error)".contains("unexpected \"x\" at position 3; expected base-10 digits"), "\(error)")
        }
    }
}
