import Exact
import Foundation
import Reference
import XCTest

@testable import Lessons

final class SessionTests: XCTestCase {
    func session(rows: Int = 24, singleKey: Bool = true) throws -> LessonSession {
        let lesson = try LessonParser.parse(TeacherTests.lessonText, id: "t", file: "t.lesson")
        return LessonSession(LessonRenderer(try LessonRun(lesson)), singleKey: singleKey, rows: rows)
    }

    func type(_ text: String, into session: inout LessonSession) throws {
        for character in text { try session.handle(.character(character)) }
    }

    /// Typing a digit starts the answer; Enter submits; Esc cancels. A wrong
    /// answer says so, a second wrong one shows the answer with its
    /// solution; a right one counts.
    func testTypingAnswersAndRevealing() throws {
        var session = try session()
        var screen = try session.screen()
        XCTAssertTrue(screen.contains("Step 1/2: Scale"), screen)
        XCTAssertTrue(screen.contains("type a number to answer"), screen)
        XCTAssertFalse(screen.contains("a answer"), "no \"a\" key any more")
        // The answer (12) is hidden in the table until answered.
        XCTAssertTrue(screen.contains("? hidden until question 1 is answered"), screen)
        try type("1", into: &session)
        XCTAssertEqual(session.mode, .answering(question: 0, text: "1"))
        XCTAssertTrue(try session.screen().hasSuffix("answer to question 1> 1"))
        try session.handle(.escape)
        XCTAssertEqual(session.mode, .browsing)
        try type("11", into: &session)
        try session.handle(.enter)
        screen = try session.screen()
        XCTAssertTrue(screen.contains("x Not quite. Try again"), screen)
        XCTAssertEqual(session.tries[QuestionKey(step: 0, question: 0)], 1)
        // Backspace edits before Enter.
        try type("133", into: &session)
        try session.handle(.backspace)
        try session.handle(.backspace)
        try type("2", into: &session)
        try session.handle(.enter)
        XCTAssertEqual(session.answered, [QuestionKey(step: 0, question: 0)])
        screen = try session.screen()
        XCTAssertTrue(screen.contains("ok Correct: 12."), screen)
        XCTAssertTrue(screen.contains("ok answered: 12"), screen)
        XCTAssertFalse(screen.contains("hidden until"), "answered values are shown")

        try session.handle(.character("n"))
        XCTAssertEqual(session.step, 1)
        try type("2", into: &session)
        try session.handle(.enter)
        XCTAssertTrue(try session.screen().contains("Not that one."))
        try type("2", into: &session)
        try session.handle(.enter)
        screen = try session.screen()
        XCTAssertTrue(screen.contains("After 2 tries the answer is shown"), screen)
        XCTAssertTrue(screen.contains("Answer: 1) yes"), screen)
        XCTAssertTrue(screen.contains("Solution: 18 against 10."), screen)
        XCTAssertEqual(session.revealed, [QuestionKey(step: 1, question: 0)])
        XCTAssertEqual(session.answered.count, 1, "a revealed answer does not count")
    }

    /// `s` shows the answer at once; `h` gives the hint; `n` with a question
    /// open warns once, then skips (the question stays open).
    func testShowHintAndSkip() throws {
        var session = try session()
        try session.handle(.character("h"))
        XCTAssertTrue(try session.screen().contains("Hint (question 1): Twice 6."))
        try session.handle(.character("n"))
        XCTAssertEqual(session.step, 0)
        let warned = try session.screen()
        XCTAssertTrue(warned.contains("Question 1 is still open"), warned)
        try session.handle(.character("n"))
        XCTAssertEqual(session.step, 1)
        try session.handle(.character("s"))
        let shown = try session.screen()
        XCTAssertTrue(shown.contains("Answer: 1) yes"), shown)
        try session.handle(.left)
        XCTAssertEqual(session.step, 0)
        XCTAssertEqual(session.openInLesson, [QuestionKey(step: 0, question: 0)])
        try session.handle(.right)
        XCTAssertEqual(session.step, 0, "warned again: the question is still open")
        try session.handle(.character("n"))
        XCTAssertEqual(session.step, 1)
        try session.handle(.character("n"))
        XCTAssertTrue(session.finished)
    }

    /// A step longer than the terminal pages: space and ↓ move within it,
    /// the status line says where, and space at the end goes on.
    func testPagerScrollsLongSteps() throws {
        let run = try XCTUnwrap(repositoryLessons.first { $0.lesson.id == "bn-jacobian" })
        var session = LessonSession(
            LessonRenderer(run, options: RenderOptions(expandExact: true)), step: 3, singleKey: true, rows: 24)
        let first = try session.screen()
        XCTAssertEqual(first.components(separatedBy: "\n").count, 24, "one screen of 24 lines:\n\(first)")
        XCTAssertTrue(first.contains("Step 4/"), first)
        guard let range = first.range(of: #"lines 1-\d+ of (\d+) down"#, options: .regularExpression) else {
            return XCTFail("no position in the status line:\n\(first)")
        }
        XCTAssertTrue(first[range].hasPrefix("lines 1-"))
        try session.handle(.character(" "))
        let second = try session.screen()
        XCTAssertFalse(second.contains("Step 4/"), "the title scrolled away")
        XCTAssertEqual(session.step, 3)
        try session.handle(.up)
        XCTAssertTrue(try session.screen().contains(#"lines 21-"#) || (try session.screen()).contains("lines 2"))
        try session.handle(.end)
        try session.handle(.character(" "))
        XCTAssertTrue(try session.screen().contains("still open") || session.step == 4)
        // Collapsed exact values make the same step much shorter.
        let collapsed = LessonSession(
            LessonRenderer(run, options: RenderOptions(expandExact: false)), step: 3, singleKey: true, rows: 24)
        var expandedCopy = session
        _ = try expandedCopy.screen()
        XCTAssertLessThan(
            try collapsed.content().count,
            try LessonSession(
                LessonRenderer(run, options: RenderOptions(expandExact: true)), step: 3
            ).content().count)
    }

    /// Keys piped in as lines: a number line answers, words are commands.
    func testLinesDriveTheSession() throws {
        var session = try session(singleKey: false)
        XCTAssertTrue(try session.screen().contains("type a number and Enter to answer"))
        try session.handle(line: "hint")
        XCTAssertTrue(try session.screen().contains("Twice 6"))
        try session.handle(line: "24/2")
        XCTAssertEqual(session.answered.count, 1)
        try session.handle(line: "")
        XCTAssertEqual(session.step, 1)
        try session.handle(line: "zz")
        XCTAssertTrue(try session.screen().contains("Unknown command"))
        try session.handle(line: "back")
        XCTAssertEqual(session.step, 0)
        try session.handle(line: "q")
        XCTAssertTrue(session.quit)
    }

    /// Bytes from a terminal in non-canonical mode.
    func testKeyDecoder() {
        func key(_ text: String) -> KeyPress { KeyDecoder.decode(Array(text.utf8)).key }
        XCTAssertEqual(key("n"), .character("n"))
        XCTAssertEqual(key("5"), .character("5"))
        XCTAssertEqual(key("\r"), .enter)
        XCTAssertEqual(key("\n"), .enter)
        XCTAssertEqual(key("\u{7F}"), .backspace)
        XCTAssertEqual(key("\u{04}"), .endOfInput)
        XCTAssertEqual(key("\u{1B}[C"), .right)
        XCTAssertEqual(key("\u{1B}OC"), .right)
        XCTAssertEqual(key("\u{1B}[1;5C"), .right)
        XCTAssertEqual(key("\u{1B}[D"), .left)
        XCTAssertEqual(key("\u{1B}[A"), .up)
        XCTAssertEqual(key("\u{1B}[B"), .down)
        XCTAssertEqual(key("\u{1B}[5~"), .pageUp)
        XCTAssertEqual(key("\u{1B}[6~"), .pageDown)
        XCTAssertEqual(key("\u{1B}[H"), .home)
        XCTAssertEqual(key("\u{1B}[4~"), .end)
        XCTAssertEqual(key("é"), .character("é"))
        XCTAssertEqual(key("\u{1B}"), .incomplete)
        XCTAssertEqual(key("\u{1B}["), .incomplete)
        XCTAssertEqual(key("\u{1B}x"), .escape)
        XCTAssertEqual(KeyDecoder.decode(Array("\u{1B}[Cq".utf8)).used, 3, "the rest is the next key")
    }
}

final class DiagnosisTests: XCTestCase {
    func grader(_ id: String) throws -> Grader {
        let run = try XCTUnwrap(repositoryLessons.first { $0.lesson.id == id })
        return Grader(renderer: LessonRenderer(run))
    }

    func verdict(_ grader: Grader, _ typed: Surd, step: Int, question: Int = 0) throws -> String {
        switch try grader.check(typed.description, step: step, question: question) {
        case .wrong(let message): return message
        case .correct(let message): return "correct: " + message
        case .unreadable(let message): return "unreadable: " + message
        }
    }

    func testWrongAnswersAreDiagnosedFromTheTrace() throws {
        // standardize-inputs step 1: the mean of 1, 2, 3, 6 is 3.
        let standardize = try grader("standardize-inputs")
        let mean = try standardize.answer(step: 0, question: 0).value
        XCTAssertTrue(try verdict(standardize, -mean, step: 0).contains("wrong sign"))
        XCTAssertTrue(try verdict(standardize, mean * Surd(4), step: 0).contains("4 times the answer"))
        XCTAssertTrue(try verdict(standardize, mean / Surd(4), step: 0).contains("divided by 4"))
        XCTAssertTrue(
            try verdict(standardize, try Surd(parsing: "3.0000001"), step: 0).hasPrefix("correct"),
            "within the tolerance")
        // bn-forward step 2: σ² of feature 1; dividing by m − 1 = 3 gives 20/3.
        let forward = try grader("bn-forward")
        let variance = try forward.answer(step: 1, question: 0).value
        let unbiased = try verdict(forward, variance * Surd(4) / Surd(3), step: 1)
        XCTAssertTrue(unbiased.contains("division by N − 1 = 3"), unbiased)
        XCTAssertTrue(try verdict(forward, variance * variance, step: 1).contains("square of the answer"))
        // Rounded too early: x-hat to 3 digits where 6 are asked.
        let xhat = try forward.answer(step: 2, question: 0).value
        let early = try Surd(parsing: xhat.decimalString(significantDigits: 3))
        XCTAssertTrue(
            try verdict(forward, early, step: 2).contains(
                "the answer rounded to 3 significant digits, but 6 are needed"))
    }

    /// An answer computed without ε is recognised by recomputing the lesson with ε = 0.
    func testForgottenEpsilonIsRecognised() throws {
        let text = """
            title: Eps
            run:
              op: batchnorm
              param eps: 1/10
              input x [4,1]: 1, 2, 3, 6
            step: S
              text: hi
              question: What is x-hat for sample 3?
              answer: xhat[3,0]
              hint: h
              solution: s
            """
        let lesson = try LessonParser.parse(text, id: "e", file: "e.lesson")
        let run = try LessonRun(lesson)
        let grader = Grader(renderer: LessonRenderer(run))
        let withoutEps = try XCTUnwrap(run.withEpsilonZero()).exactScalar(
            try ExpressionParser.parse("xhat[3,0]"), source: "xhat[3,0]", line: 9)
        XCTAssertEqual(withoutEps, Surd(3) / (try Surd.squareRoot(of: Rational(7) / Rational(2))))
        XCTAssertTrue(try verdict(grader, withoutEps, step: 0).contains("the value with ε = 0: ε = 1/10 was left out"))
    }

    /// A lesson's own `mistake:` lines come first.
    func testLessonMistakesComeFirst() throws {
        let text = TeacherTests.lessonText.replacingOccurrences(
            of: "  hint: Twice {x[3]}.",
            with: "  hint: Twice {x[3]}.\n  mistake: x[3] | You left out the scale {scale[0]}.")
        let lesson = try LessonParser.parse(text, id: "m", file: "m.lesson")
        let grader = Grader(renderer: LessonRenderer(try LessonRun(lesson)))
        XCTAssertEqual(try grader.check("6", step: 0, question: 0), .wrong("Not quite. You left out the scale 2."))
    }
}

final class ProgressTests: XCTestCase {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent(
            "progress-\(UUID().uuidString)/normlab/progress.json"
        ).path
    }

    func testProgressRoundTrips() throws {
        let path = temporaryPath()
        var progress = LessonProgress()
        progress.lessons["t"] = .init(step: 1, steps: 2, done: false, answered: ["1.1"], revealed: ["2.1"])
        try progress.save(to: path)
        let loaded = LessonProgress.load(from: path)
        XCTAssertEqual(loaded.progress, progress)
        XCTAssertNil(loaded.warning)
        XCTAssertEqual(
            LessonProgress.defaultPath(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]), "/s/normlab/progress.json")
        XCTAssertEqual(LessonProgress.defaultPath(environment: ["HOME": "/h"]), "/h/.local/state/normlab/progress.json")
    }

    /// A progress file of the first format (no revealed answers) still reads.
    func testVersionOneFileReads() throws {
        let path = temporaryPath()
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try #"{"version": 1, "lessons": {"t": {"step": 1, "steps": 2, "done": false, "answered": ["1.1"]}}}"#.write(
            toFile: path, atomically: true, encoding: .utf8)
        let loaded = LessonProgress.load(from: path)
        XCTAssertNil(loaded.warning)
        XCTAssertEqual(loaded.progress.lessons["t"]?.answered, ["1.1"])
        XCTAssertEqual(loaded.progress.lessons["t"]?.revealed, [])
    }

    /// A corrupt file is set aside (nothing lost) with a warning.
    func testCorruptFileIsSetAsideWithAWarning() throws {
        let path = temporaryPath()
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "{not json".write(toFile: path, atomically: true, encoding: .utf8)
        let loaded = LessonProgress.load(from: path, now: Date(timeIntervalSince1970: 0))
        XCTAssertEqual(loaded.progress, LessonProgress())
        let warning = try XCTUnwrap(loaded.warning)
        XCTAssertTrue(warning.contains("set aside as \(path).corrupt-19700101-000000"), warning)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        XCTAssertEqual(
            try String(contentsOfFile: path + ".corrupt-19700101-000000", encoding: .utf8), "{not json")
    }

    /// Status and course counts come from answered questions only.
    func testStatusCountsAnsweredQuestions() throws {
        let library = LessonLibrary(directory: lessonsDirectory)
        let lesson = try XCTUnwrap(library.lesson("bn-forward"))
        var progress = LessonProgress()
        XCTAssertEqual(progress.status(of: lesson), "new")
        let total = lesson.questionKeys.count
        progress.lessons[lesson.id] = .init(
            step: 2, steps: lesson.steps.count, answered: ["1.1", "9.9"], revealed: ["2.1"])
        XCTAssertEqual(progress.status(of: lesson), "step 3/\(lesson.steps.count), 1/\(total) answered")
        let course = progress.course(library)
        XCTAssertEqual(course.answered, 1)
        XCTAssertEqual(course.lessonsDone, 0)
        XCTAssertEqual(progressBar(1, of: 4, width: 8, unicode: false), "[##------]")
        XCTAssertEqual(progress.next(in: library)?.lesson.id, "bn-forward")
        XCTAssertNotEqual(progress.next(in: library, after: "bn-forward")?.lesson.id, "bn-forward")
    }
}
