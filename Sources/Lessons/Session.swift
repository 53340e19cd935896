/// The stepping engine: the state of one student going through one lesson.
/// It takes typed lines and returns the text to show; the terminal is
/// someone else's business, so the whole dialogue is testable as strings.
public struct LessonSession: Sendable {
    public enum Mode: Equatable, Sendable {
        case browsing
        /// Waiting for the answer to question `question` of the current step.
        case answering(question: Int)
    }

    public let renderer: LessonRenderer
    public private(set) var step: Int
    public private(set) var mode = Mode.browsing
    /// Answered questions as "step.question", 1-based.
    public private(set) var answered: Set<String>
    public private(set) var finished = false
    public private(set) var quit = false

    /// One keypress each, no Enter (a terminal in non-canonical mode).
    public static let singleKeys = "keys: n/→/space/enter next, b/← back, h hint, a answer, q quit"
    /// Whole lines (input piped in, not a terminal).
    public static let lineKeys = "keys (then Enter): n or empty next, b back, h hint, a answer, q quit"

    /// Whether keys arrive one at a time (the CLI in raw mode) or as lines.
    public let singleKey: Bool
    public var keys: String { singleKey ? Self.singleKeys : Self.lineKeys }

    public init(_ renderer: LessonRenderer, step: Int = 0, answered: [String] = [], singleKey: Bool = false) {
        self.renderer = renderer
        self.singleKey = singleKey
        self.step = min(max(0, step), renderer.run.lesson.steps.count - 1)
        self.answered = Set(answered)
    }

    var lesson: Lesson { renderer.run.lesson }
    var questions: [Question] { lesson.steps[step].questions }

    /// The prompt to show before reading a key or a line.
    public var prompt: String {
        switch mode {
        case .browsing: return "> "
        case .answering: return "answer> "
        }
    }

    /// The current page, its questions (unanswered) and the keys.
    public func screen() throws -> String {
        var out = try renderer.page(step)
        for index in questions.indices {
            var block = try renderer.questionBlock(step: step, question: index, revealed: false)
            if answered.contains(key(index)) {
                block = block.trimmedRight + renderer.finish("  ✓ answered") + "\n"
            }
            out += block
        }
        return out + "\n" + renderer.finish(keyLine()) + "\n"
    }

    func keyLine() -> String {
        var line = "[\(step + 1)/\(lesson.steps.count)]  " + keys
        if questions.isEmpty { line = line.replacingOccurrences(of: ", a answer", with: "") }
        return line
    }

    func key(_ question: Int) -> String { "\(step + 1).\(question + 1)" }

    /// Handles one typed line and returns what to show.
    public mutating func handle(_ typed: String) throws -> String {
        let input = typed.trimmingSpaces
        if case .answering(let question) = mode { return try answer(input, question: question) }
        switch input.lowercased() {
        case "", "n", "next":
            if step == lesson.steps.count - 1 {
                finished = true
                return renderer.finish("\nEnd of lesson \(lesson.id): \(lesson.title). Well done.\n")
            }
            step += 1
            return try screen()
        case "b", "back":
            guard step > 0 else { return "Already at the first step. " + renderer.finish(keyLine()) + "\n" }
            step -= 1
            return try screen()
        case "h", "hint":
            var hints: [String] = []
            if let hint = lesson.steps[step].hint {
                hints.append(try renderer.fill(hint, line: lesson.steps[step].line, negativesInParentheses: false))
            }
            for (index, question) in questions.enumerated() {
                if let hint = question.hint {
                    hints.append(
                        "(question \(index + 1)) "
                            + (try renderer.fill(hint, line: question.line, negativesInParentheses: false)))
                }
            }
            if hints.isEmpty { return "No hint for this step.\n" }
            return hints.map { renderer.wrap("Hint: " + $0, indent: 0, hanging: 6) }.map(renderer.finish).joined(
                separator: "\n") + "\n"
        case "a", "answer":
            guard !questions.isEmpty else { return "This step has no question; n goes on.\n" }
            let question = questions.indices.first { !answered.contains(key($0)) } ?? 0
            mode = .answering(question: question)
            return try askText(question)
        case "q", "quit":
            quit = true
            return
                "Progress saved at step \(step + 1) of \(lesson.steps.count). Resume with: normlab lesson \(lesson.id)\n"
        default:
            return "Unknown key \"\(input)\". " + renderer.finish(keyLine()) + "\n"
        }
    }

    private func askText(_ question: Int) throws -> String {
        let block = try renderer.questionBlock(step: step, question: question, revealed: false)
        let how =
            questions[question].isChoice
            ? "Type the number of your choice"
            : "Type a number (e.g. 2.5, 5/2, -1e-3)"
        return block + how + "; h for a hint, empty line to go back.\n"
    }

    private mutating func answer(_ input: String, question: Int) throws -> String {
        if input.isEmpty {
            mode = .browsing
            return "Back to the step. " + renderer.finish(keyLine()) + "\n"
        }
        if input.lowercased() == "h" {
            guard let hint = questions[question].hint else { return "No hint for this question. Try again:\n" }
            return renderer.finish(
                renderer.wrap(
                    "Hint: " + (try renderer.fill(hint, line: questions[question].line, negativesInParentheses: false)),
                    indent: 0, hanging: 6)) + "\n"
        }
        switch try renderer.check(input, step: step, question: question) {
        case .unreadable(let message):
            return message + " Try again:\n"
        case .wrong(let message):
            return renderer.styled(message, good: false) + " Try again, h for a hint, or an empty line to go back.\n"
        case .correct(let message):
            answered.insert(key(question))
            mode = .browsing
            var out = renderer.styled(message, good: true)
            if let next = questions.indices.first(where: { !answered.contains(key($0)) }) {
                out += " a for question \(next + 1)."
            } else {
                out += " n for the next step."
            }
            return out + "\n"
        }
    }
}
