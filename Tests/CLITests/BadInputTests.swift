import Foundation
import XCTest

/// Inputs a new user tries: each exits 2 with one line on stderr naming the
/// value and the rule, quickly — never a crash, a hang or a silent NaN.
final class BadInputTests: XCTestCase {
    func assertOneLineError(
        _ arguments: [String], _ fragment: String, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let result = try CLITests.run(arguments)
        let shown = arguments.joined(separator: " ")
        XCTAssertEqual(result.status, 2, "\(shown): \(result.standardError)", file: file, line: line)
        XCTAssertEqual(
            result.standardError.split(separator: "\n").count, 1, "\(shown): \(result.standardError)", file: file,
            line: line)
        XCTAssertTrue(
            result.standardError.contains(fragment), "\(shown): \(result.standardError)", file: file, line: line)
    }

    func testValuesBeyondThePrecisionAreNamedWithItsRange() throws {
        try assertOneLineError(
            ["trace", "batchnorm", "--x", "1,2,3,4,1e400,6,7,8", "--shape", "4,2"],
            "input x[2,0] = 1e+400 is outside the f64 range")
        try assertOneLineError(
            ["trace", "standardize", "--x", "1,1e39", "--precision", "f32"],
            "input x[1] = 1e+39 is outside the f32 range: it rounds to inf; f32 values lie within ±3.4028235e38")
        try assertOneLineError(["trace", "batchnorm", "--eps", "1e400"], "parameter eps = 1e+400 is outside the f64")
        try assertOneLineError(["trace", "ridge", "--X", "1,2,3", "--y", "1,2,1e400"], "input y[2] = 1e+400")
    }

    func testAbsurdShapesAndSizesAreRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("normlab-bad-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("case.json")
        try #"{"op":"standardize","inputs":{"x":{"shape":[4611686018427387904,4],"values":["1"]}}}"#
            .write(to: file, atomically: true, encoding: .utf8)
        try assertOneLineError(
            ["trace", "standardize", "--input", file.path], "holds more values than a computer can address")
        try assertOneLineError(
            ["bench", "reference", "--n", "99999999999", "--c", "99999999"], "N·C")
        try assertOneLineError(["trace", "bias-variance", "--n", "20"], "exceed the exact path's limit")
        try assertOneLineError(
            ["trace", "ridge", "--X", "1,2,3", "--y", "1,2,3", "--alpha", "1e-5000"], "limited to 4096 bits")
    }

    func testNegativeValuesParseAndMeetTheRule() throws {
        try assertOneLineError(["trace", "batchnorm", "--eps", "-1"], "eps = -1 is negative")
        try assertOneLineError(["trace", "batchnorm", "--momentum", "-0.5"], "momentum = -1/2 is outside [0, 1]")
        try assertOneLineError(["trace", "batchnorm", "--digits", "-3"], "--digits -3 must be between 1 and 40")
        try assertOneLineError(["trace", "batchnorm", "--x", "-2,1", "--shape", "-2,-2"], "must be non-negative")
        try assertOneLineError(["trace", "dropout", "--p=-0.1", "--x", "1", "--mask", "1"], "p = -0.1 must lie in")
        try assertOneLineError(
            ["trace", "dropout-committee", "--monte-carlo", "5", "--seed", "-3"], "seed = -3 must lie in 0…")
        let negative = try CLITests.run(["trace", "standardize", "--x", "-2,1", "--json"])
        XCTAssertEqual(negative.status, 0, negative.standardError)
    }

    func testExamplesNeverMixWithGivenInputs() throws {
        try assertOneLineError(["trace", "dropout", "--x", "5,6,7,8"], "input mask is missing")
        try assertOneLineError(["trace", "groupnorm", "--x", "1,2,3,4", "--shape", "1,4"], "groups is required")
        try assertOneLineError(["trace", "bias-variance", "--x", "1,2"], "input target is required")
        try assertOneLineError(["trace", "ridge", "--y", "1,2"], "input X is required")
    }

    func testCommandTyposAreNotLessons() throws {
        try assertOneLineError(["vector", "check"], "unknown command \"vector\"; did you mean \"vectors\"?")
        try assertOneLineError(["nosuchverb"], "unknown command \"nosuchverb\"")
        let result = try CLITests.run(["nosuchverb"])
        XCTAssertFalse(result.standardError.contains("no lesson"), result.standardError)
    }

    func testEnumerationTyposAreParserErrors() throws {
        try assertOneLineError(["trace", "batchnorm", "--mode", "evl"], "'evl' is invalid for '--mode <mode>'")
        try assertOneLineError(["trace", "batchnorm", "--convention", "pytorc"], "did you mean pytorch?")
        try assertOneLineError(["trace", "dropout", "--variant", "inverse"], "'inverse' is invalid")
        try assertOneLineError(["trace", "batchnorm", "--precision", "f16"], "'f16' is invalid")
        let help = try CLITests.run(["trace", "dropout-committee", "--help"])
        XCTAssertTrue(help.standardOutput.contains("linear, relu"), help.standardOutput)
    }

    func testEndOfOptionsMarker() throws {
        XCTAssertEqual(try CLITests.run(["--", "trace", "standardize", "--json"]).status, 0)
        XCTAssertEqual(try CLITests.run(["vectors", "verify", "--", "no-such-results.json"]).status, 2)
    }

    func testInputFileWithAFlagNeedsNoShapeFlag() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("normlab-shape-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("case.json")
        try
            #"{"op":"batchnorm","inputs":{"x":{"shape":[4,2],"values":["1","2","3","6","5","4","7","0"]},"dy":{"shape":[4,2],"values":["1","0","2","1","0","-1","-1","2"]}}}"#
            .write(to: file, atomically: true, encoding: .utf8)
        let replaced = try CLITests.run([
            "trace", "batchnorm", "--input", file.path, "--x", "1,2,3,4,5,6,7,9", "--json",
        ])
        XCTAssertEqual(replaced.status, 0, replaced.standardError)
        let result = try CLITests.run(["trace", "batchnorm", "--input", file.path, "--x", "1,2"])
        XCTAssertFalse(result.standardError.contains("--shape"), result.standardError)
        XCTAssertEqual(result.status, 2)
    }

    func testGenerateIntoANonDirectoryNamesThePath() throws {
        try assertOneLineError(["vectors", "generate", "--dir", "/dev/null/x"], "/dev/null/x")
        let result = try CLITests.run(["vectors", "generate", "--dir", "/dev/null/x"])
        XCTAssertFalse(result.standardError.contains("NSCocoaErrorDomain"), result.standardError)
    }
}

/// What `vectors` reports, and that its two streams never interleave mid-line.
final class VectorsCommandTests: XCTestCase {
    func testSelfVerificationLabelsExpectedFailuresAndPasses() throws {
        let result = try CLITests.run(["vectors", "verify", "--self"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("XFAIL batchnorm_train_2d/huge-offset"), result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains("0 failed, "), result.standardOutput)
    }

    func testCheckNamesAnAddedFileAndItsErrorStartsALine() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("normlab-vectors-copy-\(getpid())")
        try? FileManager.default.removeItem(at: copy)
        try FileManager.default.copyItem(at: root.appendingPathComponent("vectors"), to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        try "{}".write(to: copy.appendingPathComponent("normalization/extra.json"), atomically: true, encoding: .utf8)
        // Both streams into one pipe, as a terminal or `2>&1` shows them.
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = ["vectors", "check", "--dir", copy.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 1, output)
        XCTAssertTrue(output.contains("normalization/extra.json: not part of a fresh generation"), output)
        let lines = output.split(separator: "\n")
        XCTAssertTrue(lines.contains { $0.hasPrefix("normlab: 1 file(s) differ") }, output)
    }
}
