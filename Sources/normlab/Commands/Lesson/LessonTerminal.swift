import Foundation
import Lessons

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A lesson on a terminal: draws the session's screens, feeds it keys (or
/// lines, when keys are piped in), follows the terminal's size, and keeps
/// the progress file up to date after every action.
struct LessonTerminal {
    let lesson: Lesson
    let lessonRun: LessonRun
    let options: RenderOptions
    let library: LessonLibrary
    var progress: LessonProgress
    let progressPath: String
    let startStep: Int?

    func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Home, each line cleared to its end, the rest of the screen cleared:
    /// a redraw without flicker.
    func draw(_ screen: String) {
        let lines = screen.components(separatedBy: "\n")
        write("\u{1B}[H" + lines.map { $0 + "\u{1B}[K" }.joined(separator: "\n") + "\u{1B}[J")
    }

    mutating func start() throws {
        let keyboard = isatty(STDIN_FILENO) == 1 ? RawKeyboard() : nil
        defer { keyboard?.restore() }
        var entry = progress.lessons[lesson.id] ?? LessonProgress.Entry(steps: lesson.steps.count)
        let start = startStep ?? (entry.done ? 0 : min(entry.step, lesson.steps.count - 1))
        var size = terminalSize()
        var session = LessonSession(
            LessonRenderer(lessonRun, options: options), step: start, answered: progress.answered(in: lesson),
            revealed: progress.revealed(in: lesson), singleKey: keyboard != nil, rows: size.rows)
        if startStep == nil {
            if entry.done {
                session.say("You finished this lesson before; your answers are kept (--restart clears them).")
            } else if start > 0 {
                session.say("Resuming at step \(start + 1) of \(lesson.steps.count) (--restart starts over).")
            }
        }

        func record() {
            entry.steps = lesson.steps.count
            entry.answered = session.answered.sorted().map(\.description)
            entry.revealed = session.revealed.sorted().map(\.description)
            entry.step = session.step
            if session.finished {
                if let open = session.openInLesson.first {
                    entry.step = open.step
                } else {
                    entry.done = true
                    entry.step = 0
                }
            }
            progress.lessons[lesson.id] = entry
            try? progress.save(to: progressPath)
        }
        record()
        keyboard?.enterRaw()
        write("\u{1B}[2J")
        while !session.finished && !session.quit {
            let now = terminalSize()
            if now != size {
                size = now
                session.rows = size.rows
                if options.width != size.columns {
                    var resized = session.renderer.options
                    resized.width = min(RenderOptions.maximumWidth, max(RenderOptions.minimumWidth, size.columns))
                    session.resize(to: resized)
                }
            }
            draw(try session.screen())
            if let keyboard {
                guard let key = keyboard.readKey() else { break }
                try session.handle(key)
            } else {
                guard let line = readLine(strippingNewline: true) else { break }
                try session.handle(line: line)
            }
            record()
        }
        record()
        keyboard?.restore()
        write("\n" + farewell(session))
    }

    /// What is said on leaving: where the lesson resumes, or, at its end,
    /// the score, the course and the next lesson.
    func farewell(_ session: LessonSession) -> String {
        let renderer = session.renderer
        let total = lesson.questionKeys.count
        let score =
            total == 0
            ? ""
            : "\(session.answered.count) of \(total) questions answered"
                + (session.revealed.isEmpty ? "" : ", \(session.revealed.count) shown")
        var out = ""
        if !session.finished {
            out += "Saved at step \(session.step + 1) of \(lesson.steps.count)\(score.isEmpty ? "" : " (\(score))"). "
            out += "Resume with: normlab lesson \(lesson.id)\n"
            return LessonRenderer.asciiOnly(out, unless: options.unicode)
        }
        out += "End of lesson \(lesson.id).\n"
        if !score.isEmpty { out += score.prefix(1).uppercased() + score.dropFirst() + ".\n" }
        let open = session.openInLesson
        if !open.isEmpty {
            let list = open.map { "step \($0.step + 1) question \($0.question + 1)" }.joined(separator: ", ")
            out += "Still open: \(list). normlab lesson \(lesson.id) returns to step \(open[0].step + 1).\n"
        }
        let course = progress.course(library)
        out +=
            "Course \(progressBar(course.lessonsDone, of: course.lessons, width: 20, unicode: options.unicode)) "
            + "\(course.lessonsDone)/\(course.lessons) lessons done, \(course.answered)/\(course.questions) questions answered\n"
        if let next = progress.next(in: library, after: lesson.id) {
            out += "Next: normlab lesson \(next.lesson.id) — \(next.lesson.title)\n"
        } else if open.isEmpty {
            out += "That was the last lesson: the whole course is done.\n"
        }
        _ = renderer
        return LessonRenderer.asciiOnly(out, unless: options.unicode)
    }
}
