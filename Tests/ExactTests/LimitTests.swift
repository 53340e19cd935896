import Exact
import TestSupport
import XCTest

/// The limits on values read from text (`ExactLimits`): each crash and
/// blow-up once reported, as a regression test, and the exact edges of every
/// limit. The expected limits are the documented numbers, written out here,
/// not read from `ExactLimits`.
final class LimitTests: XCTestCase {
    private func assertExponentLimit(
        _ text: String, exponent: String, base: Int, file: StaticString = #filePath, line: UInt = #line
    ) {
        for parse in parsers {
            XCTAssertThrowsError(try parse(text), text, file: file, line: line) { error in
                XCTAssertEqual(
                    error as? ExactError, .exponentBeyondLimit(text, exponent: exponent, base: base), text, file: file,
                    line: line)
                let message = "\(error)"
                XCTAssertTrue(message.contains("exponent limit ±\(base == 2 ? 40000 : 10000)"), message)
            }
        }
    }

    private func assertSizeLimit(
        _ text: String, surdOnly: Bool = false, file: StaticString = #filePath, line: UInt = #line
    ) {
        for parse in surdOnly ? [parsers[1]] : parsers {
            XCTAssertThrowsError(try parse(text), "\(text.prefix(40))…", file: file, line: line) { error in
                guard case .beyondSizeLimit(let quoted, let bits) = error as? ExactError else {
                    return XCTFail("\(error)", file: file, line: line)
                }
                XCTAssertEqual(quoted, text, file: file, line: line)
                XCTAssertGreaterThan(bits, 262_144, file: file, line: line)
                XCTAssertTrue("\(error)".contains("size limit of 262144 bits"), "\(error)", file: file, line: line)
            }
        }
    }

    /// Rational and Surd parsing, which must agree on every rational.
    private let parsers: [(String) throws -> Any] = [
        { try Rational(parsing: $0) },
        { try Surd(parsing: $0) },
    ]

    // MARK: - Regressions

    /// Exponents at Int.min reached abs() and trapped (SIGILL); far beyond
    /// Int they read as "not a number".
    func testExponentsAtAndBeyondIntegerRangeAreTheExponentLimit() {
        assertExponentLimit("1e-9223372036854775808", exponent: "-9223372036854775808", base: 10)
        assertExponentLimit("0x1p-9223372036854775808", exponent: "-9223372036854775808", base: 2)
        assertExponentLimit("1e9223372036854775807", exponent: "9223372036854775807", base: 10)
        assertExponentLimit("-0x1.8p+9223372036854775807", exponent: "+9223372036854775807", base: 2)
        assertExponentLimit("1e999999999", exponent: "999999999", base: 10)
        assertExponentLimit("1e99999999999999999999999999", exponent: "99999999999999999999999999", base: 10)
        assertExponentLimit("3/1e-9223372036854775808", exponent: "-9223372036854775808", base: 10)
        XCTAssertThrowsError(try Surd(parsing: "sqrt(1e-9223372036854775808)")) { error in
            guard case .exponentBeyondLimit = error as? ExactError else { return XCTFail("\(error)") }
        }
    }

    /// `sqrt(1e1000000)` ran past a minute, `sqrt(1e300000)` 13 s; a CSV
    /// cell `1e999999` and `--alpha 1e-1000000` made ridge take 17 s and 30 s.
    func testExponentsThatOnceCostSecondsAreRefused() {
        assertExponentLimit("1e999999", exponent: "999999", base: 10)
        assertExponentLimit("1e-1000000", exponent: "-1000000", base: 10)
        assertExponentLimit("1e300000", exponent: "300000", base: 10)
        XCTAssertThrowsError(try Surd(parsing: "sqrt(1e1000000)")) { error in
            XCTAssertEqual(error as? ExactError, .exponentBeyondLimit("sqrt(1e1000000)", exponent: "1000000", base: 10))
        }
    }

    /// A sum of square roots of 2,000 distinct primes took over a minute
    /// (every addition compared all pairs of roots: n³).
    func testASumOfManyDistinctRootsIsRefusedAtTheRadicandLimit() {
        let primes = Self.primes(count: 2000)
        let text = primes.map { "sqrt(\($0))" }.joined(separator: "+")
        XCTAssertThrowsError(try Surd(parsing: text)) { error in
            XCTAssertEqual(error as? ExactError, .beyondRadicandLimit(text))
            XCTAssertTrue("\(error)".contains("more than 256 distinct square roots"), "\(error)")
        }
    }

    // MARK: - Edges

    func testDecimalExponentEdges() throws {
        XCTAssertEqual(try Rational(parsing: "1e10000"), Rational(10).power10000)
        XCTAssertEqual(try Rational(parsing: "1e-10000"), try Rational(10).power10000.reciprocal())
        XCTAssertEqual(try Rational(parsing: "-2.5E+010000"), Rational(-25) * Rational(10).power9999)
        XCTAssertEqual(try Rational(parsing: "1e00000000000000000000010000"), Rational(10).power10000)
        assertExponentLimit("1e10001", exponent: "10001", base: 10)
        assertExponentLimit("1e-10001", exponent: "-10001", base: 10)
        assertExponentLimit("1.5e+0010001", exponent: "+0010001", base: 10)
        // The limit is on the written exponent; digits before it count toward the size limit.
        XCTAssertEqual(try Rational(parsing: "100e9999"), Rational(10).power10000 * Rational(10))
    }

    func testBinaryExponentEdges() throws {
        XCTAssertEqual(try Rational(parsing: "0x1p40000"), Rational(1).timesPowerOfTwo(40000))
        XCTAssertEqual(try Rational(parsing: "0x1p-40000"), Rational(1).timesPowerOfTwo(-40000))
        XCTAssertEqual(try Rational(parsing: "-0X1.8P-40000"), Rational(-3).timesPowerOfTwo(-40001))
        assertExponentLimit("0x1p40001", exponent: "40001", base: 2)
        assertExponentLimit("0x1p-40001", exponent: "-40001", base: 2)
        // A decimal "e" is a hex digit after 0x, not an exponent.
        XCTAssertEqual(try Rational(parsing: "0x1e5"), Rational(0x1e5))
    }

    /// A decimal digit counts 3.322 bits, rounded up over the number (so
    /// 78,911 digits are 262,143 bits and 78,912 are 262,146), a hex digit 4
    /// bits, 10^k as k decimal digits and 2^k as k bits, over all the numbers
    /// of one value.
    func testSizeLimitEdges() throws {
        let nines = String(repeating: "9", count: 78_911)
        XCTAssertEqual(try Rational(parsing: nines).numerator, BigInt(10).power(78_911) - 1)
        assertSizeLimit(nines + "9")
        assertSizeLimit("-" + nines + "9/7")
        assertSizeLimit("1/" + nines + "9")
        XCTAssertEqual(try Rational(parsing: "0x" + String(repeating: "f", count: 65_536)).numerator.bitWidth, 262_144)
        assertSizeLimit("0x" + String(repeating: "f", count: 65_537))
        // 10^k counts as k digits: 78,911 in all is the most.
        XCTAssertNoThrow(try Rational(parsing: "9" + String(repeating: "0", count: 68_910) + "e10000"))
        assertSizeLimit("9" + String(repeating: "0", count: 68_911) + "e10000")
        // Every number of one value counts: 2^40000 is 40,004 bits (one digit
        // and the exponent), six fit and seven do not; 24,000 hex digits
        // times 2^40000 are 136,000 bits, and two of them do not fit.
        let power = "0x1p40000"
        XCTAssertNoThrow(try Surd(parsing: Array(repeating: power, count: 6).joined(separator: "+")))
        assertSizeLimit(Array(repeating: power, count: 7).joined(separator: "+"), surdOnly: true)
        let large = "0x" + String(repeating: "f", count: 24_000) + "p40000"
        XCTAssertNoThrow(try Rational(parsing: "\(large)/\(power)"))
        assertSizeLimit("\(large)/\(large)")
        assertSizeLimit("\(large)-\(large)", surdOnly: true)
        // Zeros that do not change the value cost nothing.
        let zeros = String(repeating: "0", count: 200_000)
        XCTAssertEqual(try Rational(parsing: zeros + "7"), Rational(7))
        XCTAssertEqual(try Rational(parsing: "7." + zeros), Rational(7))
        XCTAssertEqual(try Rational(parsing: "0x" + zeros + "1.8" + zeros + "p1"), Rational(3))
        XCTAssertEqual(try Rational(parsing: "0." + zeros), Rational(0))
        assertSizeLimit("0." + zeros + "1")
        // Integers read on their own meet the same limit.
        XCTAssertEqual(try BigInt(parsing: nines), BigInt(10).power(78_911) - 1)
        XCTAssertThrowsError(try BigInt(parsing: nines + "9")) { error in
            guard case .beyondSizeLimit = error as? ExactError else { return XCTFail("\(error)") }
        }
        XCTAssertNil(BigInt(nines + "9"))
    }

    func testRadicandLimitEdges() throws {
        let primes = Self.primes(count: 257)
        let allowed = primes.prefix(256).map { "sqrt(\($0))" }.joined(separator: "+")
        XCTAssertEqual(try Surd(parsing: allowed).terms.count, 256)
        let tooMany = allowed + "+sqrt(\(primes[256]))"
        XCTAssertThrowsError(try Surd(parsing: tooMany)) { error in
            XCTAssertEqual(error as? ExactError, .beyondRadicandLimit(tooMany))
        }
        // Roots that merge are one radicand: 1000 terms over two radicands are fine.
        let merging = (1...500).map { "sqrt(\(2 * $0 * $0))+sqrt(\(3 * $0 * $0))" }.joined(separator: "+")
        XCTAssertEqual(try Surd(parsing: merging), try Surd(parsing: "125250*sqrt(2)+125250*sqrt(3)"))
        // A root that cancels frees its place.
        let cancelled = allowed + "-sqrt(\(primes[0]))+sqrt(\(primes[256]))"
        XCTAssertEqual(try Surd(parsing: cancelled).terms.count, 256)
    }

    /// The limits leave room for what NormLab meets: the exact variance of
    /// 4096 doubles spread over the whole double range, and its square root,
    /// printed and read back, with room to spare.
    func testValuesFromFullRangeDoublesReadBack() throws {
        var generator = SplitMix64(seed: 0x5EED_0030)
        let values = (0..<4096).map { _ in generator.finiteDouble() }
        let count = Rational(values.count)
        let mean = try ExactSum(values).value / count
        var squares = Rational(0)
        for value in values {
            let centred = try Rational(exactly: value) - mean
            squares += centred * centred
        }
        let variance = squares / count
        let eps = try Rational(exactly: 1e-5)
        let std = try Surd.squareRoot(of: variance + eps)
        let xhat = (Surd(try Rational(exactly: values[0]) - mean)) / std
        for value in [Surd(mean), Surd(variance), std, xhat, xhat * xhat * std] {
            let text = value.description
            XCTAssertEqual(try Surd(parsing: text), value)
            // Each of these needs at most a tenth of the size limit.
            XCTAssertLessThan(text.count * 3322 / 1000, 262_144 / 10, "\(text.count) characters")
        }
        // Every finite double written as its exact decimal expansion reads back.
        for value in [Double.leastNonzeroMagnitude, .greatestFiniteMagnitude, -.leastNormalMagnitude] {
            let exact = try Rational(exactly: value)
            let decimal = exact.decimalString(significantDigits: 800)
            XCTAssertEqual(try Rational(parsing: decimal), exact, decimal)
            XCTAssertEqual(try Rational(parsing: hexString(value)), exact)
        }
    }

    // MARK: - Helpers

    static func primes(count: Int) -> [Int] {
        var primes: [Int] = []
        var candidate = 2
        while primes.count < count {
            if primes.allSatisfy({ candidate % $0 != 0 }) { primes.append(candidate) }
            candidate += 1
        }
        return primes
    }
}

extension Rational {
    fileprivate var power10000: Rational { try! power(10_000) }
    fileprivate var power9999: Rational { try! power(9_999) }
}
