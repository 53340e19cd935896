import Foundation
import XCTest

/// `normlab exact` at the command line: POSIX "--", negative values, and bad
/// values as one line on stderr with exit 2 — including the inputs that once
/// crashed (exit 132) or ran for a minute.
final class ExactCLITests: XCTestCase {
    private func assertOneLineError(
        _ arguments: [String], mentions fragments: [String], file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let result = try CLITests.run(["exact"] + arguments)
        let label = arguments.joined(separator: " ").debugDescription
        XCTAssertEqual(result.status, 2, "\(label): \(result.standardError)", file: file, line: line)
        XCTAssertEqual(result.standardOutput, "", label, file: file, line: line)
        XCTAssertEqual(
            result.standardError.split(separator: "\n", omittingEmptySubsequences: false).count, 2,
            "\(label): one line, then the newline: \(result.standardError.debugDescription)", file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(
                result.standardError.contains(fragment), "\(label): \(result.standardError)", file: file, line: line)
        }
    }

    func testEndOfOptionsMarkerAndNegativeValues() throws {
        let marked = try CLITests.run(["exact", "--", "1/3"])
        XCTAssertEqual(marked.status, 0, marked.standardError)
        XCTAssertTrue(marked.standardOutput.contains("exact  1/3"), marked.standardOutput)
        XCTAssertFalse(marked.standardOutput.contains("--"), marked.standardOutput)

        let negative = try CLITests.run(["exact", "-3/7", "-0x1p-3", "-1e5"])
        XCTAssertEqual(negative.status, 0, negative.standardError)
        for exact in ["exact  -3/7", "exact  -1/8", "exact  -100000"] {
            XCTAssertTrue(negative.standardOutput.contains(exact), negative.standardOutput)
        }

        // After "--" everything is a value, "--json" too; before it, options work.
        let json = try CLITests.run(["exact", "--json", "--", "-2", "1/3"])
        XCTAssertEqual(json.status, 0, json.standardError)
        XCTAssertTrue(json.standardOutput.contains("\"exact\": \"-2\""), json.standardOutput)
        try assertOneLineError(["--", "--json"], mentions: ["cannot parse \"--json\""])
    }

    func testBadValuesExitTwoWithOneLine() throws {
        try assertOneLineError(["1e-9223372036854775808"], mentions: ["exponent limit ±10000"])
        try assertOneLineError(["0x1p-9223372036854775808"], mentions: ["binary exponent", "exponent limit ±40000"])
        try assertOneLineError(["1e999999999"], mentions: ["\"1e999999999\"", "exponent limit ±10000"])
        try assertOneLineError(["sqrt(1e1000000)"], mentions: ["exponent limit ±10000"])
        try assertOneLineError(["1\n2"], mentions: [#""1\n2""#])
        try assertOneLineError(["1/3", "x\u{2028}y"], mentions: [#""x\u{2028}y""#])
        try assertOneLineError(["--digits", "-3", "1/3"], mentions: ["--digits -3 must be between 1 and 60"])
        try assertOneLineError(["--digits=61", "1/3"], mentions: ["--digits 61 must be between 1 and 60"])
    }
}
