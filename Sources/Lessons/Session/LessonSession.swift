import Foundation

/// The stepping engine: one student going through one lesson. It takes
/// keys (or typed lines) and keeps what the terminal shows as a screen — a
/// window onto the current step, a few lines of feedback, the keys that
/// apply, and a prompt — so the whole dialogue is testable as strings and
/// the terminal stays the CLI's business.
///
/// A step longer than the terminal pages (space, ↓ and ↑ move within it).
/// Typing a number (or a choice) at a question starts the answer; Enter
/// submits it, Esc cancels. A wrong answer is diagnosed where the trace can
/// tell; after two wrong tries, or on `s`, the answer is shown with its
/// derivation.
public struct LessonSession {
    public enum Mode: Equatable, Sendable {
        case browsing
        /// Typing the answer to question `question` of the current step.
        case answering(question: Int, text: String)
    }

    public private(set) var renderer: LessonRenderer
    public private(set) var step: Int
    public private(set) var mode = Mode.browsing
    public private(set) var answered: Set<QuestionKey>
    public private(set) var revealed: Set<QuestionKey>
    /// Wrong tries per question, this session.
    public private(set) var tries: [QuestionKey: Int] = [:]
    /// The last step was left forwards.
    public private(set) var finished = false
    public private(set) var quit = false
    /// Whether keys arrive one at a time (a terminal) or as lines (a pipe).
    public let singleKey: Bool
    /// The terminal's height; the CLI updates it when the terminal is resized.
    public var rows: Int

    /// First content line shown.
    private(set) var top = 0
    /// The window shows the end of the step and keeps showing it when
    /// feedback below takes lines away.
    private var pinnedToEnd = false
    /// Messages below the content, already wrapped.
    private(set) var feedback: [String] = []
    /// The step at which `n` was pressed once with a question still open.
    private var skipWarned: Int?
    private var cache: (key: String, lines: [String])?

    /// Wrong tries after which the answer is shown.
    public static let triesBeforeReveal = 2

    public init(
        _ renderer: LessonRenderer, step: Int = 0, answered: Set<QuestionKey> = [], revealed: Set<QuestionKey> = [],
        singleKey: Bool = false, rows: Int = 24
    ) {
        self.renderer = renderer
        self.singleKey = singleKey
        self.rows = max(8, rows)
        self.step = min(max(0, step), renderer.run.lesson.steps.count - 1)
        let valid = Set(renderer.run.lesson.questionKeys)
        self.answered = answered.intersection(valid)
        self.revealed = revealed.intersection(valid).subtracting(answered)
    }

    var lesson: Lesson { renderer.run.lesson }

    func key(_ question: Int) -> QuestionKey { QuestionKey(step: step, question: question) }

    func state(_ key: QuestionKey) -> QuestionState {
        answered.contains(key) ? .answered : revealed.contains(key) ? .revealed : .pending
    }

    /// Questions of the current step not yet answered or shown.
    public var openQuestions: [Int] {
        lesson.steps[step].questions.indices.filter { state(key($0)) == .pending }
    }

    /// Questions of the whole lesson not yet answered or shown.
    public var openInLesson: [QuestionKey] {
        lesson.questionKeys.filter { state($0) == .pending }
    }

    /// Draws with new options (the terminal was resized).
    public mutating func resize(to options: RenderOptions) {
        renderer = renderer.with(options)
        cache = nil
    }

    /// Adds a line of feedback (the CLI's resume message, say).
    public mutating func say(_ text: String) {
        feedback += renderer.wrap(text).components(separatedBy: "\n")
    }

    // MARK: Content

    /// The current step's lines: the lesson header on the first step, the
    /// page (pending answers hidden), and the questions with their state.
    func content() throws -> [String] {
        let states = lesson.steps[step].questions.indices.map { "\(state(key($0)))" }.joined(separator: ",")
        let cacheKey = "\(step)|\(states)|\(renderer.options.expandExact)|\(renderer.options.width)"
        if let cache, cache.key == cacheKey { return cache.lines }
        var text = step == 0 ? renderer.header() + "\n" : ""
        text += try renderer.page(step, pending: Set(openQuestions))
        for index in lesson.steps[step].questions.indices {
            text += try renderer.questionBlock(step: step, question: index, state: state(key(index)))
        }
        var lines = text.components(separatedBy: "\n")
        while lines.last == "" { lines.removeLast() }
        return lines
    }

    private mutating func refreshCache() throws {
        let lines = try content()
        let states = lesson.steps[step].questions.indices.map { "\(state(key($0)))" }.joined(separator: ",")
        cache = ("\(step)|\(states)|\(renderer.options.expandExact)|\(renderer.options.width)", lines)
    }

    // MARK: The screen

    /// Lines of keys that apply now, wrapped to the width.
    func keyLines(scrollable: Bool) -> [String] {
        var parts: [String] = []
        if case .answering = mode {
            parts = ["Enter submits", "Esc cancels", "Backspace deletes"]
        } else {
            if let first = openQuestions.first {
                let question = lesson.steps[step].questions[first]
                if case .choice(let choices) = question.kind {
                    parts.append(
                        singleKey ? "type 1–\(choices.count) to answer" : "type 1–\(choices.count) and Enter to answer")
                } else {
                    parts.append(singleKey ? "type a number to answer" : "type a number and Enter to answer")
                }
                parts += ["h hint", "s show answer"]
            }
            if singleKey {
                if scrollable { parts.append("space more, ↑/↓ scroll") }
                parts += ["n/→ next", "b/← back", "e exact values", "q quit"]
            } else {
                parts += [scrollable ? "Enter more" : "Enter next", "n next", "b back", "e exact values", "q quit"]
            }
        }
        // Lines break between items, never inside one.
        let separator = renderer.options.unicode ? " · " : " | "
        var lines: [String] = []
        for part in parts {
            let part = renderer.styler.fold(part)
            if let last = lines.last, last.count + separator.count + part.count <= renderer.options.width {
                lines[lines.count - 1] = last + separator + part
            } else {
                lines.append(part)
            }
        }
        return lines
    }

    /// The window's height, the key lines and whether the step scrolls,
    /// for content of `lineCount` lines.
    private func layout(_ lineCount: Int) -> (height: Int, keys: [String], scrollable: Bool) {
        let plainKeys = keyLines(scrollable: false)
        let scrollable = lineCount > rows - feedback.count - plainKeys.count - 2
        let keys = scrollable ? keyLines(scrollable: true) : plainKeys
        return (max(3, rows - feedback.count - keys.count - 2), keys, scrollable)
    }

    /// The whole screen for a terminal of `rows` lines: the visible part of
    /// the step, feedback, a status line, the keys and the prompt (last line,
    /// without a newline).
    public mutating func screen() throws -> String {
        try refreshCache()
        let lines = cache!.lines
        let (height, keys, scrollable) = layout(lines.count)
        top = pinnedToEnd ? max(0, lines.count - height) : min(top, max(0, lines.count - height))
        let shown = lines[top..<min(lines.count, top + height)]
        var out = shown.joined(separator: "\n") + "\n"
        // Short pages keep the prompt at the bottom.
        out += String(repeating: "\n", count: max(0, height - shown.count))
        let dot = renderer.options.unicode ? " · " : ", "
        var status = "[step \(step + 1)/\(lesson.steps.count)"
        if scrollable {
            status += dot + "lines \(top + 1)–\(top + shown.count) of \(lines.count)"
            if top + height < lines.count { status += " ↓" }
        }
        let total = lesson.questionKeys.count
        if total > 0 {
            status += dot + "\(answered.count)/\(total) answered"
            if !revealed.isEmpty { status += ", \(revealed.count) shown" }
        }
        status += "]"
        out += feedback.suffix(max(0, rows - height - keys.count - 2)).map { $0 + "\n" }.joined()
        out += renderer.style(renderer.styler.fold(status), .dim) + "\n"
        out += renderer.style(keys.joined(separator: "\n"), .dim) + "\n"
        out += renderer.styler.fold(prompt)
        return out
    }

    public var prompt: String {
        switch mode {
        case .browsing: return "> "
        case .answering(let question, let text):
            return "answer to question \(question + 1)> " + text
        }
    }

    /// Lines the step's window shows at once.
    private func pageHeight() -> Int { layout(cache?.lines.count ?? 0).height }

    private var maxTop: Int { max(0, (cache?.lines.count ?? 0) - pageHeight()) }

    // MARK: Events

    /// One keypress (a terminal in non-canonical mode).
    public mutating func handle(_ key: KeyPress) throws {
        try refreshCache()
        if case .answering(let question, var text) = mode {
            switch key {
            case .character(let character):
                if text.count < LessonNumber.maximumLength { text.append(character) }
                mode = .answering(question: question, text: text)
            case .backspace:
                if !text.isEmpty { text.removeLast() }
                mode = .answering(question: question, text: text)
            case .enter:
                if text.trimmingCharacters(in: .whitespaces).isEmpty { return }
                try submit(text, question: question)
            case .escape, .endOfInput:
                mode = .browsing
                feedback = ["Answer cancelled."]
            default: break
            }
            return
        }
        feedback = []
        switch key {
        case .character(let character):
            if character.isNumber || "-−+.√".contains(character) {
                startAnswer(String(character))
                return
            }
            try command(String(character).lowercased())
        case .enter, .right: try command("n")
        case .left: try command("b")
        case .down: scroll(by: 1)
        case .up: scroll(by: -1)
        case .pageDown: try command(" ")
        case .pageUp: scroll(by: -pageHeight())
        case .home:
            top = 0
            pinnedToEnd = false
        case .end: try showEnd()
        case .endOfInput: try command("q")
        case .escape, .backspace, .tab, .incomplete: break
        case .other(let name): feedback = ["Unknown key \(name)."]
        }
    }

    /// One typed line (keys piped in): a command word, or an answer.
    public mutating func handle(line: String) throws {
        try refreshCache()
        let text = line.trimmingCharacters(in: .whitespaces)
        feedback = []
        if let first = text.first, first.isNumber || "-−+.√".contains(first) {
            guard let question = openQuestions.first else {
                feedback = ["This step has no open question; n goes on."]
                return
            }
            try submit(text, question: question)
            return
        }
        switch text.lowercased() {
        case "": try command(" ")
        case "next": try command("n")
        case "back": try command("b")
        case "hint": try command("h")
        case "show": try command("s")
        case "quit": try command("q")
        case "more": scroll(by: pageHeight())
        case "up": scroll(by: -pageHeight())
        default:
            if text.count == 1 {
                try command(text.lowercased())
            } else {
                feedback = ["Unknown command \"\(text.clipped)\"."]
            }
        }
    }

    private mutating func scroll(by lines: Int) {
        top = min(maxTop, max(0, top + lines))
        pinnedToEnd = top >= maxTop && lines > 0
    }

    private mutating func startAnswer(_ first: String) {
        guard let question = openQuestions.first else {
            feedback = [
                lesson.steps[step].questions.isEmpty
                    ? "This step has no question; n goes on." : "Every question of this step is done; n goes on."
            ]
            return
        }
        mode = .answering(question: question, text: first)
    }

    private mutating func command(_ command: String) throws {
        switch command {
        case " ":
            if top < maxTop { scroll(by: pageHeight()) } else { try next() }
        case "n": try next()
        case "b":
            guard step > 0 else {
                feedback = ["This is the first step."]
                return
            }
            go(to: step - 1)
        case "h", "?":
            if let question = openQuestions.first {
                if let hint = try renderer.hint(step: step, question: question) {
                    say("Hint (question \(question + 1)): " + hint)
                } else {
                    say("No hint for question \(question + 1); s shows the answer.")
                }
                try showEnd()
            } else if let hint = try renderer.stepHint(step) {
                say("Hint: " + hint)
            } else {
                feedback = ["No open question on this step."]
            }
        case "s":
            guard let question = openQuestions.first else {
                feedback = ["No open question on this step."]
                return
            }
            revealed.insert(key(question))
            mode = .browsing
            say("The answer to question \(question + 1) is shown below it.")
            try showEnd()
        case "e":
            var options = renderer.options
            options.expandExact.toggle()
            renderer = renderer.with(options)
            cache = nil
            say(options.expandExact ? "Exact values in full." : "Long exact values rounded to fit (e expands them).")
        case "q":
            quit = true
        default:
            feedback = ["Unknown key \"\(command.clipped)\"."]
        }
    }

    private mutating func next() throws {
        if !openQuestions.isEmpty && skipWarned != step {
            skipWarned = step
            let numbers = openQuestions.map { String($0 + 1) }.joined(separator: ", ")
            say(
                "Question \(numbers) is still open: type your answer, h for a hint, s to show the answer, or n again to skip it (a skipped question does not count)."
            )
            try showEnd()
            return
        }
        if step == lesson.steps.count - 1 {
            finished = true
            return
        }
        go(to: step + 1)
    }

    private mutating func go(to target: Int) {
        step = target
        top = 0
        pinnedToEnd = false
        skipWarned = nil
        mode = .browsing
    }

    /// Shows the end of the content (where the questions are).
    private mutating func showEnd() throws {
        try refreshCache()
        top = maxTop
        pinnedToEnd = true
    }

    private mutating func submit(_ text: String, question: Int) throws {
        let questionKey = key(question)
        switch try Grader(renderer: renderer).check(text, step: step, question: question) {
        case .unreadable(let message):
            if singleKey { mode = .answering(question: question, text: "") }
            say(message + (singleKey ? " Type again, or Esc." : ""))
        case .correct(let message):
            answered.insert(questionKey)
            tries[questionKey] = nil
            mode = .browsing
            let rest = openQuestions
            say("✓ " + message + (rest.isEmpty ? " n goes on." : " Now question \(rest[0] + 1)."))
            try showEnd()
        case .wrong(let message):
            let count = (tries[questionKey] ?? 0) + 1
            tries[questionKey] = count
            mode = .browsing
            if count >= Self.triesBeforeReveal {
                revealed.insert(questionKey)
                say("✗ " + message)
                say("After \(count) tries the answer is shown below the question, with how to get it.")
                try showEnd()
            } else {
                say("✗ " + message + " Try again (h hint, s show the answer).")
                try showEnd()
            }
        }
    }
}
