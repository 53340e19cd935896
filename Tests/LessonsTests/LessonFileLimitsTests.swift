import Exact
import Foundation
import Reference
import XCTest

@testable import Lessons

/// A teacher's lesson file is input like any other: every hostile file is a
/// one-line error naming the file and line — no crash, no minutes of work.
final class LessonFileLimitsTests: XCTestCase {
    static let base = "title: T\nrun:\n  op: dropout\n  param p: 1/2\n  input x: 1, 2\n  input mask: 1, 0\nstep: S\n"

    /// Parses (and runs, when it parses) a lesson; returns the error.
    func failure(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> LessonFileError? {
        let start = Date()
        defer {
            XCTAssertLessThan(Date().timeIntervalSince(start), 10, "took too long", file: file, line: line)
        }
        do {
            let lesson = try LessonParser.parse(text, id: "bad", file: "bad.lesson")
            _ = try LessonRun(lesson)
            XCTFail("accepted", file: file, line: line)
            return nil
        } catch let error as LessonFileError {
            return error
        } catch {
            XCTFail("not a LessonFileError: \(error)", file: file, line: line)
            return nil
        }
    }

    func expect(
        _ text: String, line expectedLine: Int, saying reason: String, file: StaticString = #filePath,
        line: UInt = #line
    ) {
        guard let error = failure(text, file: file, line: line) else { return }
        XCTAssertEqual(error.line, expectedLine, "\(error)", file: file, line: line)
        XCTAssertTrue(error.reason.contains(reason), "\(error) should say \(reason)", file: file, line: line)
        XCTAssertFalse(error.description.contains("\n"), "one line: \(error)", file: file, line: line)
        XCTAssertLessThan(error.description.count, 400, "\(error)", file: file, line: line)
    }

    func testDeepNestingIsRefused() {
        let minuses = String(repeating: "-", count: 100_000) + "1"
        expect(Self.base + "  text: {\(minuses)}\n", line: 8, saying: "characters long")
        let shortMinuses = String(repeating: "-", count: 1000) + "1"
        expect(Self.base + "  text: {\(shortMinuses)}\n", line: 8, saying: "nests deeper than")
        let parentheses = String(repeating: "(", count: 50_000) + "1" + String(repeating: ")", count: 50_000)
        expect(Self.base + "  compute: v = \(parentheses)\n", line: 8, saying: "characters long")
        let fewer = String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500)
        expect(Self.base + "  compute: v = \(fewer)\n", line: 8, saying: "nests deeper than")
        let calls = String(repeating: "abs(", count: 200) + "1" + String(repeating: ")", count: 200)
        expect(Self.base + "  compute: v = \(calls)\n", line: 8, saying: "nests deeper than")
        let conditionals = String(repeating: "{if: 1 | ", count: 40) + "x" + String(repeating: "}", count: 40)
        expect(Self.base + "  text: \(conditionals)\n", line: 8, saying: "nests deeper than")
    }

    func testLongChainsAreRefused() {
        let sum = Array(repeating: "x[0]", count: 20_000).joined(separator: "+")
        expect(Self.base + "  text: {\(sum)}\n", line: 8, saying: "characters long")
        let shorter = Array(repeating: "1", count: 1500).joined(separator: "+")
        expect(Self.base + "  text: {\(shorter)}\n", line: 8, saying: "chains more than")
        // A long chain within the limits evaluates without deep recursion.
        let allowed = Array(repeating: "x[0]", count: 400).joined(separator: " + ")
        let lesson = try? LessonParser.parse(
            Self.base + "  text: {\(allowed)}\n", id: "ok", file: "ok.lesson")
        XCTAssertNotNil(lesson)
        if let lesson {
            XCTAssertTrue((try? LessonRenderer(try LessonRun(lesson)).renderAll())?.contains("400") ?? false)
        }
    }

    func testExponentsAndPowersAreBounded() {
        expect(Self.base + "  text: {mean(x)^1000000}\n", line: 8, saying: "exponent")
        expect(Self.base + "  text: {x[1]^65}\n", line: 8, saying: "above the limit 64")
        // Powers of powers are bounded by the size of the values they make.
        expect(
            Self.base + "  text: {((((1e300^64)^64)^64)^64)}\n", line: 8, saying: "beyond the limit")
        expect(Self.base + "  text: {1e-9223372036854775808}\n", line: 8, saying: "exponent")
        expect(Self.base + "  text: {0x1p-9223372036854775808}\n", line: 8, saying: "exponent")
        expect(Self.base + "  text: {pow2(1000)}\n", line: 8, saying: "pow2() takes a whole number")
    }

    func testInputValuesAndShapesAreBounded() {
        let header = "title: T\nrun:\n  op: dropout\n  param p: 1/2\n"
        let tail = "step: S\n  text: hi\n"
        expect(header + "  input x: 1, 1e400\n  input mask: 1, 1\n" + tail, line: 5, saying: "beyond the largest f64")
        expect(
            header + "  precision: f32\n  input x: 1, 1e39\n  input mask: 1, 1\n" + tail, line: 6,
            saying: "beyond the largest f32")
        expect(
            header + "  input x: 1, 1e-9223372036854775808\n  input mask: 1, 1\n" + tail, line: 5, saying: "exponent")
        expect(
            header + "  input x [4611686018427387904,4]: 1\n  input mask: 1\n" + tail, line: 5,
            saying: "holds more than the 1 values given")
        expect(
            header + "  input x [9223372036854775807,9223372036854775807]: 1, 2\n  input mask: 1, 1\n" + tail, line: 5,
            saying: "holds more than")
        expect(header + "  input x [0,2]: 1, 2\n  input mask: 1, 1\n" + tail, line: 5, saying: "positive whole numbers")
        expect(
            header + "  input x: " + Array(repeating: "1", count: 20_000).joined(separator: ",") + "\n" + tail, line: 5,
            saying: "at most 10000")
        expect(
            "title: T\nrun:\n  op: dropout\n  param p: 1e400\n  input x: 1\n  input mask: 1\n" + tail, line: 4,
            saying: "beyond the largest f64")
        expect(
            Self.base + "  question: q?\n  answer: x[0]\n  tolerance: 1e-99999999\n", line: 10,
            saying: "tolerance must be a non-negative number")
        expect(Self.base + "  text: {x[99999999999999999999]}\n", line: 8, saying: "an index is a whole number")
        expect(Self.base + "  text: {" + String(repeating: "9", count: 500) + "}\n", line: 8, saying: "longer than")
    }

    func testAFileTooLargeIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("large-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = Self.base + "  text: " + String(repeating: "a", count: 2 << 20) + "\n"
        try text.write(to: folder.appendingPathComponent("big.lesson"), atomically: true, encoding: .utf8)
        let library = LessonLibrary(directory: folder.path)
        XCTAssertEqual(library.broken.map(\.id), ["big"])
        XCTAssertTrue(library.broken[0].error.reason.contains("at most 1048576"), "\(library.broken[0].error)")
    }
}
