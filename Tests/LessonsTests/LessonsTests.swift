import Exact
import Foundation
import Reference
import XCTest

@testable import Lessons

/// The repository root, found from this file's path.
let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
    }
    fatalError("no Package.swift above \(#filePath)")
}()

let lessonsDirectory = repositoryRoot.appendingPathComponent("lessons").path
let transcriptsDirectory = repositoryRoot.appendingPathComponent("Tests/LessonsTests/Transcripts").path

final class LessonFilesTests: XCTestCase {
    /// Every lesson in lessons/ loads, runs its ops, and every value it refers
    /// to exists; every question has a computable answer (numeric: one value;
    /// choice: exactly one right option).
    func testEveryLessonLoadsAndValidates() throws {
        let library = try LessonLibrary(directory: lessonsDirectory)
        XCTAssertGreaterThanOrEqual(library.lessons.count, 1, "no lessons found in \(lessonsDirectory)")
        // Lessons waiting in pending/ for their ops may be named as prerequisites.
        let pending = ((try? FileManager.default.contentsOfDirectory(atPath: lessonsDirectory + "/pending")) ?? [])
            .filter { $0.hasSuffix(".lesson") }.map { String($0.dropLast(".lesson".count)) }
        let ids = Set(library.lessons.map(\.id) + pending)
        for lesson in library.lessons {
            do {
                do {
                    let run = try LessonRun(lesson)
                    let renderer = LessonRenderer(run)
                    _ = try renderer.renderAll()
                    for step in lesson.steps {
                        for question in step.questions {
                            if question.isChoice {
                                XCTAssertEqual(try renderer.correctChoices(question).count, 1)
                            } else {
                                XCTAssertNoThrow(try renderer.answerValue(question), "\(lesson.file):\(question.line)")
                            }
                        }
                    }
                    for prerequisite in lesson.assumes {
                        XCTAssertTrue(ids.contains(prerequisite), "\(lesson.id) assumes unknown lesson \(prerequisite)")
                    }
                } catch {
                    XCTFail("\(lesson.id): \(error)")
                }
            }
        }
    }

    /// The full plain `--all` rendering of each lesson equals its reviewed
    /// transcript. Set NORMLAB_RECORD_TRANSCRIPTS=1 to write them afresh.
    func testTranscriptsMatch() throws {
        let record = ProcessInfo.processInfo.environment["NORMLAB_RECORD_TRANSCRIPTS"] == "1"
        let library = try LessonLibrary(directory: lessonsDirectory)
        var expected = Set<String>()
        for lesson in library.lessons {
            let path = transcriptsDirectory + "/\(lesson.id).txt"
            expected.insert("\(lesson.id).txt")
            let text = try LessonRenderer(try LessonRun(lesson), options: .plain).renderAll()
            if record {
                try FileManager.default.createDirectory(atPath: transcriptsDirectory, withIntermediateDirectories: true)
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                continue
            }
            guard let committed = try? String(contentsOfFile: path, encoding: .utf8) else {
                XCTFail(
                    "no transcript for \(lesson.id) at \(path); record with NORMLAB_RECORD_TRANSCRIPTS=1 and review it")
                continue
            }
            if committed != text {
                let a = committed.split(separator: "\n", omittingEmptySubsequences: false)
                let b = text.split(separator: "\n", omittingEmptySubsequences: false)
                let line = zip(a, b).enumerated().first { $1.0 != $1.1 }?.offset ?? min(a.count, b.count)
                XCTFail(
                    """
                    \(lesson.id): the rendering differs from \(path) at line \(line + 1):
                      transcript: \(line < a.count ? String(a[line]) : "<end>")
                      now:        \(line < b.count ? String(b[line]) : "<end>")
                    """)
            }
        }
        if !record {
            let present = Set(
                ((try? FileManager.default.contentsOfDirectory(atPath: transcriptsDirectory)) ?? []).filter {
                    $0.hasSuffix(".txt")
                })
            XCTAssertEqual(present.subtracting(expected), [], "transcripts without a lesson")
        }
    }

    /// Plain output is ASCII only and fits 80 columns, value tables included:
    /// an exact value too wide for its row is shown rounded, and in full on
    /// the lines below.
    func testPlainRenderingIsAsciiAndFitsTheWidth() throws {
        let library = try LessonLibrary(directory: lessonsDirectory)
        for lesson in library.lessons {
            let text = try LessonRenderer(try LessonRun(lesson), options: .plain).renderAll()
            XCTAssertTrue(text.allSatisfy(\.isASCII), "\(lesson.id) has non-ASCII characters in plain mode")
            for line in text.split(separator: "\n") where line.count > 80 {
                XCTFail("\(lesson.id): a line is \(line.count) columns wide:\n\(line)")
            }
        }
    }

    /// A wide exact value: rounded on the row (correctly, to what fits) with
    /// the canonical form on continuation lines; `wide` keeps it on the row.
    func testWideExactValues() throws {
        let lesson = try XCTUnwrap(try LessonLibrary(directory: lessonsDirectory).lesson("bn-forward"))
        let run = try LessonRun(lesson)
        let canonical = "-17179869184/140546902607220564077*sqrt(120468773663331912066)"
        let fitted = try LessonRenderer(run, options: .plain).renderAll()
        XCTAssertTrue(
            fitted.contains(
                "    [0,0]  ~-1.3416394448610998   -1.3416394448610998  +0.065 ulp\n           = \(canonical)\n"),
            fitted)
        XCTAssertTrue(fitted.contains("~ rounded to fit 80 columns"), fitted)
        let wide = try LessonRenderer(run, options: RenderOptions(wide: true)).renderAll()
        XCTAssertTrue(wide.contains("    [0,0]  \(canonical)  -1.3416394448610998  +0.065 ulp\n"), wide)
        XCTAssertFalse(wide.contains("rounded to fit"))
        // Narrower: fewer digits on the row, the exact form broken at "*" and "/".
        let narrow = try LessonRenderer(run, options: RenderOptions(width: 60)).renderAll()
        XCTAssertTrue(
            narrow.contains(
                "           = -17179869184/140546902607220564077*\n             sqrt(120468773663331912066)\n"), narrow)
        let breaking = LessonRenderer.breakCanonical(
            "1/3*sqrt(2)-12345678901234567890/7*sqrt(3)", first: "= ", indent: 2, width: 30)
        XCTAssertEqual(breaking, "  = 1/3*sqrt(2)\n    -12345678901234567890/7*\n    sqrt(3)")
    }
}

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
        step: Sum
          compute: total = sum(y)
          question: Is the total larger than the sum of x?
          choice: yes | sum(y) > sum(x)
          choice: no | sum(y) <= sum(x)
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

        let library = try LessonLibrary(directory: folder.path)
        XCTAssertEqual(library.lessons.map(\.id), ["my-dropout"])
        let renderer = LessonRenderer(try LessonRun(library.lessons[0]))
        let text = try renderer.renderAll()
        XCTAssertTrue(text.contains("numbers  y_0 = 2 * 1 * 3 = 6"), text)
        XCTAssertTrue(text.contains("Answer: 12"), text)
        XCTAssertTrue(text.contains("Answer: 1) yes"), text)
        XCTAssertTrue(text.contains("Hint: Twice 6."), text)
        XCTAssertEqual(try renderer.check("12", step: 0, question: 0), .correct("Correct: 12."))
        XCTAssertEqual(try renderer.check("11.5", step: 0, question: 0), .wrong("Not quite."))
        guard case .unreadable = try renderer.check("twelve", step: 0, question: 0) else {
            return XCTFail("should re-ask")
        }
        XCTAssertEqual(try renderer.check("2", step: 1, question: 0), .wrong("Not that one."))
        guard case .unreadable = try renderer.check("7", step: 1, question: 0) else {
            return XCTFail("out of range should re-ask")
        }
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
        XCTAssertTrue(
            try LessonRenderer(try LessonRun(lesson, studentInput: student)).renderAll().contains(
                "The total does not grow (-100)."))
        let bad = try LessonParser.parse(
            text.replacingOccurrences(of: "{if: sum(y) > sum(x) |", with: "{if: y > 0 |"), id: "t", file: "t.lesson")
        XCTAssertThrowsError(try LessonRenderer(try LessonRun(bad)).renderAll()) { error in
            XCTAssertTrue("\(error)".contains("gives 4 values, not one"), "\(error)")
        }
    }

    /// The student's own numbers replace the main run's inputs.
    func testStudentInputReplacesTheExample() throws {
        let lesson = try LessonParser.parse(Self.lessonText, id: "t", file: "t.lesson")
        var student = CaseInput(op: "dropout")
        student.setInput("x", Tensor(vector: [Rational(10), Rational(20), Rational(30), Rational(40)]))
        let renderer = LessonRenderer(try LessonRun(lesson, studentInput: student))
        XCTAssertTrue(try renderer.renderAll().contains("Answer: 80"))
        student.op = "batchnorm"
        XCTAssertThrowsError(try LessonRun(lesson, studentInput: student)) { error in
            XCTAssertTrue("\(error)".contains("op \"batchnorm\""), "\(error)")
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
            ("title: T\nrun:\n  op: dropout\n  input x [3]: 1, 2\nstep: S\n  text: x\n", 4, "holds 3 values"),
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

    /// References that do not exist in the trace fail validation with the line.
    func testMissingTraceValuesAreReportedWithTheirLine() throws {
        let bad: [(String, Int, String)] = [
            ("  show: nosuchstep\n", 8, "no step, input or parameter \"nosuchstep\""),
            ("  numbers: {y[9]}\n", 8, "out of range"),
            ("  question: q?\n  answer: y\n", 8, "gives 2 values, not one"),
            (
                "  question: q?\n  choice: a | y[0] > 0\n  choice: b | y[0] >= 0\n", 8,
                "exactly one choice must be right"
            ),
            ("  text: {unknown.y}\n", 8, "no run \"unknown\""),
            ("  numbers: {y[0}\n", 8, "missing \"]\""),
        ]
        for (tail, line, reason) in bad {
            let text =
                "title: T\nrun:\n  op: dropout\n  input x: 1, 2\n  input mask: 1, 1\nstep: S\n  text: hi\n" + tail
            let lesson = try LessonParser.parse(text, id: "bad", file: "bad.lesson")
            XCTAssertThrowsError(try LessonRenderer(try LessonRun(lesson)).renderAll(), tail) { error in
                guard let error = error as? LessonFileError else { return XCTFail("\(error)") }
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
        let library = try LessonLibrary(directory: lessonsDirectory)
        for lesson in library.lessons {
            var typo = lesson.id
            typo.removeLast()
            XCTAssertEqual(library.nearest(to: typo), lesson.id)
        }
        XCTAssertEqual(editDistance("kitten", "sitting"), 3)
        XCTAssertEqual(editDistance("", "abc"), 3)
    }
}

final class SessionTests: XCTestCase {
    func session() throws -> LessonSession {
        let lesson = try LessonParser.parse(TeacherTests.lessonText, id: "t", file: "t.lesson")
        return LessonSession(LessonRenderer(try LessonRun(lesson)))
    }

    /// next, back, hint, a wrong then a right answer, quit — as strings.
    func testKeysDriveTheEngine() throws {
        var session = try session()
        XCTAssertTrue(try session.screen().contains("Step 1/2: Scale"))
        XCTAssertTrue(
            try session.screen().contains("keys (then Enter): n or empty next, b back, h hint, a answer, q quit"))
        let singleKey = LessonSession(session.renderer, singleKey: true)
        XCTAssertTrue(
            try singleKey.screen().contains("keys: n/->/space/enter next, b/<- back, h hint, a answer, q quit"))
        XCTAssertTrue(try session.handle("h").contains("Hint: (question 1) Twice 6."))
        XCTAssertTrue(try session.handle("b").contains("Already at the first step"))
        XCTAssertTrue(try session.handle("a").contains("What is y_3?"))
        XCTAssertEqual(session.mode, .answering(question: 0))
        XCTAssertTrue(try session.handle("banana").contains("is not a number I can read"))
        XCTAssertEqual(session.mode, .answering(question: 0))
        XCTAssertTrue(try session.handle("10").contains("Not quite"))
        XCTAssertTrue(try session.handle("h").contains("Twice 6"))
        XCTAssertTrue(try session.handle("24/2").contains("Correct: 12."))
        XCTAssertEqual(session.mode, .browsing)
        XCTAssertEqual(session.answered, ["1.1"])
        XCTAssertTrue(try session.screen().contains("answered"))
        XCTAssertTrue(try session.handle("").contains("Step 2/2: Sum"))
        XCTAssertTrue(try session.handle("zz").contains("Unknown key"))
        XCTAssertTrue(try session.handle("b").contains("Step 1/2"))
        _ = try session.handle("n")
        XCTAssertTrue(try session.handle("n").contains("End of lesson"))
        XCTAssertTrue(session.finished)
        var quitting = try self.session()
        XCTAssertTrue(try quitting.handle("q").contains("Resume with: normlab lesson t"))
        XCTAssertTrue(quitting.quit)
    }

    /// Bytes from a terminal in non-canonical mode: letters, Enter, space,
    /// arrows (also with modifiers), Ctrl-D, and sequences cut short.
    func testKeyDecoder() {
        func key(_ text: String) -> KeyPress { KeyDecoder.decode(Array(text.utf8)).key }
        for next in ["n", "N", " ", "\r", "\n", "\u{1B}[C", "\u{1B}OC", "\u{1B}[1;5C"] {
            XCTAssertEqual(key(next), .command("n"), next)
        }
        for back in ["b", "\u{1B}[D", "\u{1B}OD"] { XCTAssertEqual(key(back), .command("b"), back) }
        XCTAssertEqual(key("h"), .command("h"))
        XCTAssertEqual(key("a"), .command("a"))
        XCTAssertEqual(key("q"), .command("q"))
        XCTAssertEqual(key("\u{04}"), .command("q"))
        XCTAssertEqual(key("x"), .unknown("x"))
        XCTAssertEqual(key("\u{1B}[A"), .unknown("↑"))
        XCTAssertEqual(key("é"), .unknown("é"))
        XCTAssertEqual(key("\u{1B}"), .incomplete)
        XCTAssertEqual(key("\u{1B}["), .incomplete)
        XCTAssertEqual(KeyDecoder.decode(Array("\u{1B}[Cq".utf8)).used, 3, "the rest is the next key")
        XCTAssertEqual(KeyDecoder.decode(Array("nq".utf8)).used, 1)
    }

    func testProgressRoundTrips() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "progress-\(UUID().uuidString)/normlab/progress.json"
        ).path
        var progress = LessonProgress()
        progress.lessons["t"] = .init(step: 1, steps: 2, done: false, answered: ["1.1"])
        try progress.save(to: path)
        XCTAssertEqual(LessonProgress.load(from: path), progress)
        XCTAssertEqual(
            LessonProgress.defaultPath(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]), "/s/normlab/progress.json")
        XCTAssertEqual(LessonProgress.defaultPath(environment: ["HOME": "/h"]), "/h/.local/state/normlab/progress.json")
    }
}
