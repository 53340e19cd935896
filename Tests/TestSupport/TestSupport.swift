import Accuracy
import Exact
import Foundation
@_exported import SplitMix
import XCTest

/// Asserts that `actual` is within `ulps` units in the last place of
/// `expected` (Exact's `ulpDistance`: NaN matches only NaN).
public func assertClose(
    _ actual: Double, _ expected: Double, ulps: UInt64,
    _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
) {
    if actual.isNaN || expected.isNaN {
        XCTAssert(actual.isNaN && expected.isNaN, "\(actual) vs \(expected) \(message())", file: file, line: line)
        return
    }
    let distance = ulpDistance(actual, expected)
    XCTAssertLessThanOrEqual(
        distance, ulps, "\(actual) is \(distance) ulp from \(expected) \(message())", file: file, line: line)
}

/// Asserts that a float is within `ulps` of the correctly rounded exact value
/// (`ErrorMeasures.ulps`: an exact value beyond the range must be that infinity).
public func assertClose<F: BinaryFloatingPoint>(
    _ actual: F, exact: Surd, ulps: UInt64,
    _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
) where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
    let distance = ErrorMeasures.ulps(actual, exact)
    XCTAssertLessThanOrEqual(
        distance, ulps, "\(actual) is \(distance) ulp from exact \(exact) \(message())", file: file, line: line)
}

extension SplitMix64 {
    public mutating func finiteDouble() -> Double { nextFiniteBitPattern() }

    /// A random rational with numerator and denominator up to `bits` bits.
    public mutating func rational(bits: Int = 20, allowNegative: Bool = true) -> Rational {
        let mask: UInt64 = bits >= 63 ? UInt64(Int64.max) : (1 << UInt64(bits)) - 1
        let numerator = Int(next() & mask) * (allowNegative && next() & 1 == 0 ? -1 : 1)
        let denominator = Int(next() & mask) + 1
        return try! Rational(BigInt(numerator), BigInt(denominator))
    }
}

/// Data files the tests read, kept in the repository under `Tests/Data` so a
/// clone tests on its own. Found from this file's path: the tests run from
/// the source tree.
public enum TestData {
    /// `Tests/Data`.
    public static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Data")

    /// NIST's Statistical Reference Datasets (public domain), one JSON file
    /// per dataset; see `Tests/Data/nist-strd/README.md`.
    public static let nistFolder = folder.appendingPathComponent("nist-strd")
}
