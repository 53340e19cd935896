import Exact
import TestSupport
import XCTest

final class ExactSumTests: XCTestCase {
    func testMatchesRationalSummationOnRandomBitPatterns() throws {
        var generator = SplitMix64(seed: 0x5EED_0030)
        for trial in 0..<50 {
            var values: [Double] = []
            for _ in 0..<200 { values.append(generator.finiteDouble()) }
            // Cancellation: add every value's negation back for some trials.
            if trial % 5 == 0 { values += values.prefix(150).map { -$0 } }
            var expected = Rational(0)
            for value in values { expected += try Rational(exactly: value) }
            XCTAssertEqual(try ExactSum(values).value, expected)
        }
    }

    func testClassicCancellationIsExact() throws {
        let values = [1e100, 1.0, -1e100, .leastNonzeroMagnitude, -.greatestFiniteMagnitude, .greatestFiniteMagnitude]
        XCTAssertEqual(try ExactSum(values).value, Rational(1) + (try Rational(exactly: Double.leastNonzeroMagnitude)))
        // Many maximal values: the headroom absorbs the growth.
        let large = try ExactSum(repeatElement(Double.greatestFiniteMagnitude, count: 1000)).value
        XCTAssertEqual(large, try Rational(exactly: Double.greatestFiniteMagnitude) * Rational(1000))
        XCTAssertThrowsError(try ExactSum([1, .nan]))
    }
}
