import Foundation
import XCTest

/// Runs the built `normlab` binary as a user would and checks output and exit
/// codes (DESIGN.md "Contracts": 0 success, 1 check failed, 2 bad input).
final class CLITests: XCTestCase {
    struct Result {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    /// The binary sits next to the test bundle in SwiftPM's build folder.
    static var binary: URL {
        var directory = Bundle(for: CLITests.self).bundleURL
        while directory.pathExtension == "xctest"
            || !FileManager.default.fileExists(atPath: directory.appendingPathComponent("normlab").path)
        {
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        return directory.appendingPathComponent("normlab")
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            standardOutput: String(decoding: outData, as: UTF8.self),
            standardError: String(decoding: errData, as: UTF8.self))
    }

    func testExactPrintsCanonicalFormsAndRoundings() throws {
        let result = try Self.run(["exact", "--json", "1/3", "sqrt(2)", "0.1", "1/2+3/4*sqrt(5/2)", "-3/7"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("\"exact\": \"1/2+3/8*sqrt(10)\""))
        XCTAssertTrue(result.standardOutput.contains("\"f64\": \"0x1.6a09e667f3bcdp+0\""))
        XCTAssertTrue(result.standardOutput.contains("\"f64\": \"0x1.999999999999ap-4\""))
        XCTAssertTrue(result.standardOutput.contains("\"f32\": \"0x1.555556p-2\""))
        XCTAssertTrue(result.standardOutput.contains("\"exact\": \"-3/7\""))
        let table = try Self.run(["exact", "1/3"])
        XCTAssertTrue(table.standardOutput.contains("0x1.5555555555555p-2"))
        XCTAssertTrue(table.standardOutput.contains("-0.3333 ulp"))
    }

    func testEveryPrintedExactFormParsesBack() throws {
        let inputs = ["1/3", "sqrt(8)", "1/2+3/4*sqrt(5/2)", "sqrt(2)+sqrt(3)", "-0x1.8p-3", "1.25e-5"]
        let first = try Self.run(["exact", "--json"] + inputs)
        let exacts = first.standardOutput.split(separator: "\n").filter { $0.contains("\"exact\"") }
            .map { String($0.split(separator: "\"")[3]) }
        XCTAssertEqual(exacts.count, inputs.count)
        let second = try Self.run(["exact", "--json"] + exacts)
        let again = second.standardOutput.split(separator: "\n").filter { $0.contains("\"exact\"") }
            .map { String($0.split(separator: "\"")[3]) }
        XCTAssertEqual(again, exacts)
    }

    func testBadInputIsOneLineOnStandardErrorAndExitTwo() throws {
        for (input, fragment) in [
            ("1/0", "divides by zero"), ("abc", "cannot parse \"abc\""),
            ("nan", "not finite"), ("sqrt(-2)", "sqrt of \"-2\""),
        ] {
            let result = try Self.run(["exact", input])
            XCTAssertEqual(result.status, 2, input)
            XCTAssertEqual(result.standardOutput, "", input)
            XCTAssertTrue(result.standardError.contains(fragment), "\(input): \(result.standardError)")
            XCTAssertEqual(result.standardError.split(separator: "\n").count, 1, result.standardError)
        }
        XCTAssertEqual(try Self.run(["no-such-verb"]).status, 2)
        XCTAssertEqual(try Self.run(["--help"]).status, 0)
    }
}
