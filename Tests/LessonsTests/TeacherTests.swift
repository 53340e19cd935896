import Exact
import Foundation
import Reference
import XCTest

@testable import Lessons

final class TeacherTests: XCTestCase {
    static let lessonText = """
        title: Dropout by hand
        summary: a teacher's own lesson
        run:
          op: dropout
          param p: 1/2
          input x: 3, -4, 5, 6
          input mask: 1, 0, 0, 1
        step: Scale
          text: Kept units are doubled because p = {p}.
          numbers: y_0 = {scale[0]} * {mask[0]} * {x[0]} = {y[0]}
          show: y
          question: What is y_3?
          answer: y[3]
          hint: Twice {x[3]}.
          solution: y_3 = {scale[0]} · {mask[3]} · {x[3]} = {y[3]}
        step: Sum
          compute: total = sum(y)
          question: Is the total larger than the sum of x?
          choice: yes | sum(y) > sum(x)
          choice: no | sum(y) <= sum(x)
          hint: Compare {sum(y)} with {sum(x)}.
          solution: {sum(y)} against {sum(x)}.
        """

    /// A new lesson file in a fresh folder works with no Swift change: it
    /// loads, renders with computed numbers, and its questions are checked.
    func testNewLessonInTemporaryFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("teacher-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.lessonText.write(
            to: folder.appendingPathComponent("my-dropout.lesson"), atomically: true, encoding: .utf8)
        try "not a lesson".write(to: folder.appendingPathComponent("notes.md"), atomically: true, encoding: .utf8)

        let library = LessonLibrary(directory: folder.path)
        XCTAssertEqual(library.lessons.map(\.id), ["my-dropout"])
        let renderer = LessonRenderer(try LessonRun(library.lessons[0]))
        let text = try renderer.renderAll()
        XCTAssertTrue(text.contains("numbers  y_0 = 2 * 1 * 3 = 6"), text)
        XCTAssertTrue(text.contains("Answer: 12"), text)
        XCTAssertTrue(text.contains("Solution: y_3 = 2 * 1 * 6 = 12"), text)
        XCTAssertTrue(text.contains("Answer: 1) yes"), text)
        XCTAssertTrue(text.contains("Hint: Twice 6."), text)
        let grader = Grader(renderer: renderer)
        XCTAssertEqual(try grader.check("12", step: 0, question: 0), .correct("Correct: 12."))
        XCTAssertEqual(try grader.check("11.5", step: 0, question: 0), .wrong("Not quite."))
        guard case .unreadable = try grader.check("twelve", step: 0, question: 0) else {
            return XCTFail("should re-ask")
        }
        XCTAssertEqual(try grader.check("2", step: 1, question: 0), .wrong("Not that one."))
        guard case .unreadable = try grader.check("7", step: 1, question: 0) else {
            return XCTFail("out of range should re-ask")
        }
    }

    /// A malformed lesson sits beside good ones: the library keeps the good
    /// ones and names the broken file with its line.
    func testMalformedLessonDoesNotHideTheOthers() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mixed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.lessonText.write(to: folder.appendingPathComponent("good.lesson"), atomically: true, encoding: .utf8)
        try "title: Broken\nrun:\n  op: dropout\n  colour: red\n".write(
            to: folder.appendingPathComponent("broken.lesson"), atomically: true, encoding: .utf8)
        let library = LessonLibrary(directory: folder.path)
        XCTAssertEqual(library.lessons.map(\.id), ["good"])
        XCTAssertEqual(library.broken.map(\.id), ["broken"])
        XCTAssertEqual(library.broken[0].error.line, 4)
        XCTAssertTrue(library.broken[0].error.reason.contains("unknown run key \"colour\""))
        XCTAssertEqual(library.nearest(to: "brokn"), "broken")
    }

    /// `{if: …}` chooses prose from the trace, so a sentence about the
    /// numbers holds for the student's numbers too; it may nest placeholders.
    func testConditionalTextFollowsTheNumbers() throws {
        let text = Self.lessonText.replacingOccurrences(
            of: "  text: Kept units are doubled because p = {p}.",
            with:
                "  text: Kept units are doubled because p = {p}. {if: sum(y) > sum(x) | The total grows to {sum(y)}. | The total does not grow ({sum(y)}).}"
        )
        let lesson = try LessonParser.parse(text, id: "t", file: "t.lesson")
        XCTAssertTrue(try LessonRenderer(try LessonRun(lesson)).renderAll().contains("The total grows to 18."))
        var student = CaseInput(op: "dropout")
        student.setInput("x", Tensor(vector: [Rational(-10), Rational(20), Rational(30), Rational(-40)]))
        student.setInput("mask", Tensor(vector: [Rational(1), Rational(0), Rational(0), Rational(1)]))
        XCTAssertTrue(
            try LessonRenderer(try LessonRun(lesson, studentInput: student)).renderAll().contains(
                "The total does not grow (-100)."))
        let bad = try LessonParser.parse(
            text.replacingOccurrences(of: "{if: sum(y) > sum(x) |", with: "{if: y > 0 |"), id: "t", file: "t.lesson")
        XCTAssertThrowsError(try LessonRun(bad)) { error in
            XCTAssertTrue("\(error)".contains("gives 4 values, not one"), "\(error)")
        }
    }

    /// The student's own numbers replace the main run's inputs entirely: an
    /// input the case leaves out is not taken from the lesson's example.
    func testStudentInputReplacesTheExample() throws {
        let lesson = try LessonParser.parse(Self.lessonText, id: "t", file: "t.lesson")
        var student = CaseInput(op: "dropout")
        student.setInput("x", Tensor(vector: [Rational(10), Rational(20), Rational(30), Rational(40)]))
        XCTAssertThrowsError(try LessonRun(lesson, studentInput: student)) { error in
            XCTAssertTrue(error is LessonInputError, "\(error)")
            XCTAssertTrue("\(error)".contains("mask is missing"), "\(error)")
            XCTAssertTrue("\(error)".contains("the lesson's own example has x [4], mask [4]"), "\(error)")
        }
        student.setInput("mask", Tensor(vector: [Rational(1), Rational(0), Rational(1), Rational(1)]))
        let renderer = LessonRenderer(try LessonRun(lesson, studentInput: student, studentSource: "mine.json"))
        let text = try renderer.renderAll()
        XCTAssertTrue(text.contains("Answer: 80"), text)
        XCTAssertTrue(text.contains("Your numbers, from mine.json"), text)
        student.op = "batchnorm"
        XCTAssertThrowsError(try LessonRun(lesson, studentInput: student)) { error in
            XCTAssertTrue("\(error)".contains("op \"batchnorm\""), "\(error)")
        }
    }

    /// A batch that does not fit the lesson is reported in lesson terms (the
    /// step and the value it needs), not as a line of the lesson file.
    func testStudentBatchTooSmallIsReportedInLessonTerms() throws {
        let lesson = try XCTUnwrap(LessonLibrary(directory: lessonsDirectory).lesson("bn-forward"))
        var student = CaseInput(op: "batchnorm")
        student.setInput("x", Tensor(shape: [3, 2], values: [1, 2, 3, 6, 5, 4].map { Rational($0) }))
        XCTAssertThrowsError(try LessonRun(lesson, studentInput: student)) { error in
            guard let error = error as? LessonInputError else { return XCTFail("\(error)") }
            XCTAssertTrue(error.message.contains("cannot show your numbers at step"), error.message)
            XCTAssertTrue(error.message.contains("shape [3, 2]"), error.message)
            XCTAssertTrue(error.message.contains("the lesson's own example has x [4,2]"), error.message)
            XCTAssertFalse(error.message.contains(".lesson:"), error.message)
        }
        // A value beyond the double range is refused before anything is computed.
        student.setInput("x", Tensor(shape: [4, 2], values: [1, 2, 3, 6, 5, 4, 7, 0].map { Rational($0) }))
        student.setInput(
            "x",
            Tensor(
                shape: [4, 2], values: [1, 2, 3, 6, 5, 4, 7].map { Rational($0) } + [try Rational(parsing: "1e400")]))
        XCTAssertThrowsError(try LessonRun(lesson, studentInput: student)) { error in
            XCTAssertTrue("\(error)".contains("x[7] = 1.00000e+400 is beyond the largest f64"), "\(error)")
        }
    }
}

final class MalformedLessonTests: XCTestCase {
    func parseError(_ text: String) -> LessonFileError? {
        do {
            _ = try LessonParser.parse(text, id: "bad", file: "bad.lesson")
            return nil
        } catch let error as LessonFileError {
            return error
        } catch { return nil }
    }

    func testMalformedFilesGiveLineAndReason() {
        let base = "title: T\nrun:\n  op: dropout\n  input x: 1, 2\n  input mask: 1, 0\nstep: S\n  text: hi\n"
        let cases: [(String, Int, String)] = [
            (base + "  colour: red\n", 8, "unknown step key \"colour\""),
            (
                "title: T\nrun:\n  op: dropout\n  input x [3]: 1, 2\nstep: S\n  text: x\n", 4,
                "holds more than the 2 values"
            ),
            ("title: T\nrun:\n  op: dropout\n  input x: 1, two\nstep: S\n  text: x\n", 4, "\"two\" is not a number"),
            (base + "  question: why?\n  hint: because\n", 8, "no answer"),
            (base + "  answer: x[0]\n", 8, "answer: comes after a question:"),
            (
                "title: T\nrun:\n  op: dropout\n  precision: f16\nstep: S\n  text: x\n", 4,
                "precision must be f64 or f32"
            ),
            ("title: T\nrun:\n  op: dropout\nthis line has no colon\n", 4, "expected \"key: value\""),
            ("run:\n  op: dropout\nstep: S\n  text: x\n", 1, "no \"title:\""),
            (base + "run late:\n  op: dropout\n", 8, "runs come before the first step"),
            (base + "  question: q\n  choice: only one | 1 == 1\n", 8, "fewer than two choice"),
            (base + "  numbers: {y[0}\n", 8, "missing \"]\""),
            (base + "  text: {x[0]\n", 8, "has no matching \"}\""),
            (base + "  compute: no equals sign\n", 8, "label = expression"),
            (base + "  question: q\n  answer: x[0]\n  mistake: x[1]\n", 10, "a mistake is"),
            (base + "  show: x + 1\n", 8, "use compute: for expressions"),
        ]
        for (text, line, reason) in cases {
            guard let error = parseError(text) else {
                XCTFail("accepted:\n\(text)")
                continue
            }
            XCTAssertEqual(error.file, "bad.lesson")
            XCTAssertEqual(error.line, line, "\(error)")
            XCTAssertTrue(error.reason.contains(reason), "\(error) should say \(reason)")
            XCTAssertTrue(error.description.hasPrefix("bad.lesson:\(line): "), error.description)
        }
    }

    /// References that do not exist in the trace fail when the lesson is
    /// loaded (LessonRun validates), with the line.
    func testMissingTraceValuesAreReportedWithTheirLine() throws {
        let bad: [(String, Int, String)] = [
            ("  show: nosuchstep\n", 8, "no step, input or parameter \"nosuchstep\""),
            ("  numbers: {y[9]}\n", 8, "out of range"),
            ("  question: q?\n  answer: y\n", 8, "gives several values, not one"),
            (
                "  question: q?\n  choice: a | y[0] > 0\n  choice: b | y[0] >= 0\n", 8,
                "exactly one choice must be right"
            ),
            ("  text: {unknown.y}\n", 8, "no run \"unknown\""),
            ("  text: {nosuchfunction(y)}\n", 8, "unknown function nosuchfunction()"),
            ("  text: {x + mask + y[0:1]}\n", 8, "missing \"]\""),
        ]
        for (tail, line, reason) in bad {
            let text =
                "title: T\nrun:\n  op: dropout\n  param p: 1/2\n  input x: 1, 2\n  input mask: 1, 1\nstep: S\n  text: hi\n"
                .replacingOccurrences(of: "step: S\n  text: hi\n", with: "step: S\n" + tail + "  text: hi\n")
            do {
                let lesson = try LessonParser.parse(text, id: "bad", file: "bad.lesson")
                XCTAssertThrowsError(try LessonRun(lesson), tail) { error in
                    guard let error = error as? LessonFileError else { return XCTFail("\(error)") }
                    XCTAssertEqual(error.line, line, "\(error)")
                    XCTAssertTrue(error.reason.contains(reason), "\(error) should say \(reason)")
                }
            } catch let error as LessonFileError {
                XCTAssertEqual(error.line, line, "\(error)")
                XCTAssertTrue(error.reason.contains(reason), "\(error) should say \(reason)")
            }
        }
        let unknownOp = try LessonParser.parse(
            "title: T\nrun:\n  op: nosuchop\nstep: S\n  text: hi\n", id: "u", file: "u.lesson")
        XCTAssertThrowsError(try LessonRun(unknownOp)) { error in
            XCTAssertEqual((error as? LessonFileError)?.line, 2)
        }
    }

    func testUnknownIdSuggestsTheNearest() throws {
        let library = LessonLibrary(directory: lessonsDirectory)
        for lesson in library.lessons {
            var typo = lesson.id
            typo.removeLast()
            XCTAssertEqual(library.nearest(to: typo), lesson.id)
        }
        XCTAssertEqual(editDistance("kitten", "sitting"), 3)
        XCTAssertEqual(editDistance("", "abc"), 3)
    }

    /// Shapes broadcast as in NumPy; sums and means take an axis.
    func testBroadcastingAndAxes() throws {
        let text = """
            title: T
            run:
              op: dropout
              param p: 1/2
              input x [2,3]: 1, 2, 3, 4, 5, 6
              input mask [2,3]: 1, 1, 1, 1, 1, 1
            step: S
              text: {x - mean(x, 0)} {sum(x, 1)} {x * x[0,:]} {ones(x) * 2}
            """
        let lesson = try LessonParser.parse(text, id: "b", file: "b.lesson")
        let rendered = try LessonRenderer(try LessonRun(lesson)).renderAll()
        let flat = rendered.replacingOccurrences(of: "\n", with: " ")
        for part in ["[-3/2, -3/2, -3/2, 3/2, 3/2, 3/2]", "[6, 15]", "[1, 4, 9, 4, 10, 18]", "[2, 2, 2, 2, 2, 2]"] {
            XCTAssertTrue(flat.contains(part), rendered)
        }
    }
}
