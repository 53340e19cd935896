import Foundation
import XCTest

/// `normlab lesson` as a program: exit codes, one-line errors, the list,
/// the progress file, --reset and --restart.
final class LessonCommandTests: XCTestCase {
    struct Result {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    var stateHome = ""

    override func setUp() {
        stateHome =
            FileManager.default.temporaryDirectory.appendingPathComponent("lesson-cli-\(UUID().uuidString)").path
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: stateHome)
    }

    func run(_ arguments: [String], input: String = "") throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: InteractiveTests.binary)
        process.arguments = arguments
        process.environment = [
            "XDG_STATE_HOME": stateHome, "HOME": stateHome, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
        ]
        let output = Pipe()
        let error = Pipe()
        let standardInput = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = standardInput
        try process.run()
        standardInput.fileHandleForWriting.write(Data(input.utf8))
        standardInput.fileHandleForWriting.closeFile()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
            standardError: String(decoding: errData, as: UTF8.self))
    }

    func expectInputError(
        _ arguments: [String], saying text: String, file: StaticString = #filePath, line: UInt = #line
    )
        throws
    {
        let result = try run(arguments)
        XCTAssertEqual(result.status, 2, result.standardError, file: file, line: line)
        XCTAssertTrue(result.standardError.contains(text), result.standardError, file: file, line: line)
        XCTAssertEqual(
            result.standardError.trimmingCharacters(in: .newlines).components(separatedBy: "\n").count, 1,
            "one line: \(result.standardError)", file: file, line: line)
    }

    func writeCase(_ json: String) throws -> String {
        try FileManager.default.createDirectory(atPath: stateHome, withIntermediateDirectories: true)
        let path = stateHome + "/case-\(UUID().uuidString).json"
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testBadOptionsAndInputsAreOneLineErrors() throws {
        try expectInputError(
            ["lesson", "bn-forward", "--width", "100000000", "--lessons-dir", lessonsDirectory],
            saying: "--width 100000000 must be from 40 to 400 columns")
        try expectInputError(
            ["lesson", "bn-forward", "--step", "9", "--lessons-dir", lessonsDirectory],
            saying: "--step 9: lesson bn-forward has 6 steps")
        let small = try writeCase(
            #"{"op": "batchnorm", "inputs": {"x": {"shape": [3, 2], "values": ["1", "2", "3", "6", "5", "4"]}}}"#)
        try expectInputError(
            ["lesson", "bn-forward", "--input", small, "--lessons-dir", lessonsDirectory],
            saying: "lesson bn-forward cannot show your numbers at step")
        let result = try run(["lesson", "bn-forward", "--input", small, "--lessons-dir", lessonsDirectory])
        XCTAssertFalse(result.standardError.contains(".lesson:"), "no line of the lesson file: \(result.standardError)")
        let huge = try writeCase(
            #"{"op": "batchnorm", "inputs": {"x": {"shape": [2, 1], "values": ["1", "1e400"]}}}"#)
        try expectInputError(
            ["lesson", "bn-forward", "--input", huge, "--lessons-dir", lessonsDirectory],
            saying: "x[1] = 1.00000e+400 is beyond the largest f64")
    }

    /// The trace table and the lesson print one error for the same √5.
    func testTraceAndLessonShareTheUlpConvention() throws {
        let trace = try run(["trace", "batchnorm", "--x", "1,2,3,6,5,4,7,0", "--shape", "4,2", "--eps", "0"])
        XCTAssertEqual(trace.status, 0, trace.standardError)
        let stdRow = trace.standardOutput.components(separatedBy: "\n").first { $0.contains("= sqrt(5)") } ?? ""
        XCTAssertTrue(stdRow.contains("+0.24 ulp"), trace.standardOutput)
        let lesson = try run(["lesson", "bn-forward", "--all", "--plain", "--lessons-dir", lessonsDirectory])
        XCTAssertTrue(lesson.standardOutput.contains("sqrt(5)  2.23606797749979  +0.24 ulp"), lesson.standardOutput)
    }

    /// One malformed lesson is listed with its error; the others still run.
    func testBrokenLessonIsListedWithItsError() throws {
        let folder = stateHome + "/lessons"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: lessonsDirectory + "/dropout-inverted.lesson", toPath: folder + "/dropout-inverted.lesson")
        try "title: Broken\nrun:\n  op: dropout\n  colour: red\n".write(
            toFile: folder + "/broken.lesson", atomically: true, encoding: .utf8)
        let list = try run(["lesson", "--lessons-dir", folder])
        XCTAssertEqual(list.status, 0, list.standardError)
        XCTAssertTrue(list.standardOutput.contains("dropout-inverted  new"), list.standardOutput)
        XCTAssertTrue(list.standardOutput.contains("broken            cannot be read:\n"), list.standardOutput)
        XCTAssertTrue(list.standardOutput.contains("broken.lesson:4: unknown run key"), list.standardOutput)
        XCTAssertEqual(try run(["lesson", "dropout-inverted", "--all", "--lessons-dir", folder]).status, 0)
        try expectInputError(["lesson", "broken", "--lessons-dir", folder], saying: "broken.lesson:4: unknown run key")
    }

    /// A corrupt progress file: a warning, the file kept aside, a fresh start.
    func testCorruptProgressIsSetAside() throws {
        let directory = stateHome + "/normlab"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "{\"lessons\": 7".write(toFile: directory + "/progress.json", atomically: true, encoding: .utf8)
        let list = try run(["lesson", "--lessons-dir", lessonsDirectory])
        XCTAssertEqual(list.status, 0)
        XCTAssertTrue(list.standardError.contains("warning: the progress file"), list.standardError)
        XCTAssertTrue(list.standardError.contains("was set aside as"), list.standardError)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        XCTAssertTrue(names.contains { $0.hasPrefix("progress.json.corrupt-") }, "\(names)")
    }

    /// --reset asks first; --yes skips the question; --restart forgets too.
    func testResetAsksBeforeForgetting() throws {
        let directory = stateHome + "/normlab"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let progress =
            #"{"version": 2, "lessons": {"bn-forward": {"step": 2, "steps": 5, "done": false, "answered": ["1.1"], "revealed": []}}}"#
        try progress.write(toFile: directory + "/progress.json", atomically: true, encoding: .utf8)
        let declined = try run(["lesson", "--reset", "bn-forward", "--lessons-dir", lessonsDirectory], input: "n\n")
        XCTAssertTrue(
            declined.standardOutput.contains("Forget your progress in bn-forward (step 3, 1 answered)? [y/N]"))
        XCTAssertTrue(declined.standardOutput.contains("Nothing changed."))
        XCTAssertTrue(try String(contentsOfFile: directory + "/progress.json", encoding: .utf8).contains("bn-forward"))
        let accepted = try run(["lesson", "--reset", "bn-forward", "--lessons-dir", lessonsDirectory], input: "y\n")
        XCTAssertTrue(accepted.standardOutput.contains("Forgot your progress in bn-forward"), accepted.standardOutput)
        XCTAssertFalse(try String(contentsOfFile: directory + "/progress.json", encoding: .utf8).contains("bn-forward"))
        let nothing = try run(["lesson", "--reset", "bn-forward", "--yes", "--lessons-dir", lessonsDirectory])
        XCTAssertTrue(nothing.standardOutput.contains("No progress recorded for bn-forward"))
        let usage = try run(["lesson", "--reset", "--lessons-dir", lessonsDirectory])
        XCTAssertEqual(usage.status, 2)
        XCTAssertTrue(usage.standardError.contains("--reset needs a lesson id"), usage.standardError)
    }

    /// --step with --all prints that step alone, its questions answered.
    func testStepPrintsOneStep() throws {
        let result = try run([
            "lesson", "bn-forward", "--all", "--plain", "--step", "2", "--lessons-dir", lessonsDirectory,
        ])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("-- Step 2/6:"))
        XCTAssertFalse(result.standardOutput.contains("-- Step 1/6:"))
        XCTAssertFalse(result.standardOutput.contains("-- Step 3/6:"))
        XCTAssertTrue(result.standardOutput.contains("Answer: 5"))
    }
}
