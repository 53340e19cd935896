import Accuracy
import Exact
import TestSupport
import XCTest

/// The error measures (and Exact's ulpDistance, which they count with) on
/// the values where a naive ordinal subtraction
/// overflows or a norm's squares do: infinities, the largest finite values,
/// opposite signs, subnormals. Expected values are counted by hand from the
/// IEEE encoding, not by the code under test.
final class AccuracyTests: XCTestCase {
    func testUlpDistanceAcrossZeroAndAtTheEnds() {
        XCTAssertEqual(ulpDistance(1.0, 1.0.nextUp), 1)
        XCTAssertEqual(ulpDistance(0.0, -0.0), 0)
        XCTAssertEqual(ulpDistance(-Double.leastNonzeroMagnitude, Double.leastNonzeroMagnitude), 2)
        XCTAssertEqual(ulpDistance(Double.greatestFiniteMagnitude, .infinity), 1)
        // −max to +max: both are 0x7FEFFFFFFFFFFFFF positions from zero.
        XCTAssertEqual(
            ulpDistance(-Double.greatestFiniteMagnitude, Double.greatestFiniteMagnitude), 2 * 0x7FEF_FFFF_FFFF_FFFF)
        XCTAssertEqual(ulpDistance(-Double.infinity, Double.infinity), 2 * 0x7FF0_0000_0000_0000)
        XCTAssertEqual(ulpDistance(Float(-1), Float(1)), 2 * 0x3F80_0000)
        XCTAssertEqual(ulpDistance(1.0, .nan), .max)
        XCTAssertEqual(ulpDistance(Double.nan, .nan), 0)
    }

    func testInfinitiesMustBeMatched() throws {
        let huge = Surd(try Rational(parsing: "1e400"))
        XCTAssertEqual(ErrorMeasures.ulps(Double.infinity, huge), 0)
        XCTAssertEqual(ErrorMeasures.ulps(Double.greatestFiniteMagnitude, huge), .max)
        XCTAssertEqual(ErrorMeasures.ulps(-Double.infinity, huge), .max)
        let error = TensorError(computed: [Double.infinity, 1], exact: [huge, Surd(Rational(1))])
        XCTAssertEqual(error.maxUlp, 0)
        XCTAssertEqual(error.normwiseRelative, 0)
        let wrong = TensorError(computed: [Double.nan, 1], exact: [huge, Surd(Rational(1))])
        XCTAssertEqual(wrong.normwiseRelative, .infinity)
        XCTAssertEqual(wrong.lre, 0)
    }

    func testNormwiseErrorDoesNotOverflowNearTheLargestDouble() throws {
        // x = 1e307·(1, 1), computed one ulp high in the first element: the
        // relative error is ulp(1e307)/(√2·1e307), about 2⁻⁵³·(1e307/2^1019)/√2.
        let value = 1e307
        let exact = [Surd(try Rational(exactly: value)), Surd(try Rational(exactly: value))]
        let error = TensorError(computed: [value.nextUp, value], exact: exact)
        let expected = value.ulp / (value * 2.0.squareRoot())
        XCTAssertEqual(error.normwiseRelative / expected, 1, accuracy: 1e-12)
        XCTAssertEqual(error.maxUlp, 1)
    }

    func testLogTenAndLRE() {
        XCTAssertEqual(ErrorMeasures.lre(relativeError: 1e-10, as: Double.self), 10, accuracy: 1e-12)
        XCTAssertEqual(ErrorMeasures.lre(relativeError: 0, as: Double.self), 53 * 0.30102999566398120)
        XCTAssertEqual(ErrorMeasures.lre(relativeError: 2, as: Double.self), 0)
        XCTAssertEqual(ErrorMeasures.log2Ceiling(1), 1)
        XCTAssertEqual(ErrorMeasures.log2Ceiling(5), 3)
        XCTAssertEqual(ErrorMeasures.log2Ceiling(Int.max), Int.bitWidth - 2)
    }

    func testAssertCloseUsesTheSameMeasure() throws {
        assertClose(1.0, 1.0.nextUp, ulps: 1)
        assertClose(Float(1) / 3, exact: Surd(try Rational(parsing: "1/3")), ulps: 0)
        assertClose(Double.infinity, exact: Surd(try Rational(parsing: "1e400")), ulps: 0)
    }
}
