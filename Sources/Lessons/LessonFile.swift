import Exact
import Reference

/// A lesson as written in a `lessons/*.lesson` file: front matter, the
/// reference computations it runs, and its steps. Nothing here holds a
/// number — every value on screen comes from a trace.
public struct Lesson: Sendable {
    /// The file name without extension, e.g. "bn-backward-graph".
    public var id: String
    public var title: String
    /// One line for the lesson list.
    public var summary: String
    /// Lesson ids worth doing first.
    public var assumes: [String]
    /// Position in the list (smaller first; ties by id).
    public var order: Int
    /// The computations the lesson runs; the first is the main run, which
    /// `--input` replaces with the student's own numbers.
    public var runs: [RunSpec]
    public var steps: [LessonStep]
    /// Where the lesson came from, for error messages.
    public var file: String

    public var mainRun: RunSpec { runs[0] }
}

/// One reference computation a lesson runs: an op and its example case.
public struct RunSpec: Sendable {
    public var name: String
    public var op: String
    /// Another run whose case this one starts from (so a comparison follows
    /// the student's own numbers too).
    public var like: String?
    public var precision: TargetPrecision?
    public var convention: String?
    public var params: [(name: String, value: String)]
    public var inputs: [(name: String, tensor: Tensor<Rational>)]
    public var line: Int
}

public struct LessonStep: Sendable {
    public var title: String
    public var blocks: [Block]
    public var questions: [Question]
    /// A hint for the step itself (questions carry their own).
    public var hint: String?
    public var line: Int

    public enum Block: Sendable {
        /// Prose, paragraphs separated by "\n\n"; may hold `{…}` values.
        case text(String, line: Int)
        /// A formula in symbols.
        case formula(String, line: Int)
        /// The formula with numbers: a template whose `{…}` are trace values.
        case numbers(String, line: Int)
        /// A trace step (or one element of it): exact and float side by side.
        case show(String, line: Int)
        /// A labelled expression over trace values, shown like a trace step.
        case compute(label: String, expression: String, line: Int)
    }
}

public struct Question: Sendable {
    public var prompt: String
    /// A numeric answer: an expression over the traces, with a tolerance.
    public var answer: String?
    public var tolerance: Rational
    /// Multiple choice: each option with the condition that makes it right.
    public var choices: [(text: String, condition: String)]
    public var hint: String?
    public var line: Int

    public var isChoice: Bool { !choices.isEmpty }
}

/// A lesson file that cannot be read: which file, which line, and why.
public struct LessonFileError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let line: Int
    public let reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String { "\(file):\(line): \(reason)" }
}

// MARK: - Parsing

/// Reads the lesson format (see lessons/README.md):
///
///     title: Batch norm, forward
///     assumes: standardize-inputs
///     run:
///       op: batchnorm
///       param eps: 0
///       input x [4,2]: 1, 2, 3, 4, 5, 6, 7, 8
///     step: The mean of each column
///       text: Prose, continued on indented lines.
///       formula: μ_c = (1/m) Σ_i x_ic
///       numbers: μ_0 = ({sum: x[:,0]}) / 4 = {mean[0]}
///       show: mean
///       question: What is μ_1?
///       answer: mean[1]
///       hint: Average the second column.
///
/// A key starts at the first non-blank character of a line; a line indented
/// deeper than its key's line continues the key's value (a blank line in
/// between makes a new paragraph). `#` at the start of a line is a comment.
public enum LessonParser {
    public static func parse(_ text: String, id: String, file: String) throws -> Lesson {
        var entries: [(key: String, value: String, line: Int)] = []
        // Gather key/value entries with their continuation lines.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        var pendingBlank = false
        var lastIndent = -1
        for (offset, raw) in lines.enumerated() {
            let number = offset + 1
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty {
                pendingBlank = true
                continue
            }
            if trimmed.hasPrefix("#") { continue }
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            if line.contains("\t") && line.prefix(indent).contains("\t") {
                throw LessonFileError(file: file, line: number, reason: "use spaces, not tabs, to indent")
            }
            if !entries.isEmpty, indent > lastIndent, !startsWithKnownKey(trimmed) {
                let separator = pendingBlank ? "\n\n" : " "
                entries[entries.count - 1].value += separator + trimmed
                pendingBlank = false
                continue
            }
            pendingBlank = false
            guard let colon = trimmed.firstIndex(of: ":") else {
                throw LessonFileError(
                    file: file, line: number,
                    reason: "expected \"key: value\" (or an indented continuation line), found \"\(trimmed.clipped)\"")
            }
            let key = String(trimmed[..<colon]).trimmingSpaces
            let value = String(trimmed[trimmed.index(after: colon)...]).trimmingSpaces
            entries.append((key, value, number))
            lastIndent = indent
        }

        var lesson = Lesson(id: id, title: "", summary: "", assumes: [], order: 1000, runs: [], steps: [], file: file)
        enum Section { case front, run, step }
        var section = Section.front
        var titleLine = 0

        func fail(_ line: Int, _ reason: String) -> LessonFileError {
            LessonFileError(file: file, line: line, reason: reason)
        }

        for entry in entries {
            let (key, value, line) = entry
            let words = key.split(separator: " ").map(String.init)
            guard let head = words.first else { throw fail(line, "empty key before \":\"") }
            if head == "run" {
                guard words.count <= 2 else { throw fail(line, "a run is \"run:\" or \"run NAME:\"") }
                let name = words.count == 2 ? words[1] : (lesson.runs.isEmpty ? "main" : "")
                guard !name.isEmpty else { throw fail(line, "only the first run may be unnamed; write \"run NAME:\"") }
                guard name.isIdentifier else { throw fail(line, "run name \"\(name)\" must be letters, digits and _") }
                guard !lesson.runs.contains(where: { $0.name == name }) else {
                    throw fail(line, "run \"\(name)\" is defined twice")
                }
                guard lesson.steps.isEmpty else { throw fail(line, "runs come before the first step") }
                guard value.isEmpty else { throw fail(line, "put the run's op on its own line: \"op: NAME\"") }
                lesson.runs.append(
                    RunSpec(
                        name: name, op: "", like: nil, precision: nil, convention: nil, params: [], inputs: [],
                        line: line))
                section = .run
                continue
            }
            if head == "step" {
                guard words.count == 1 else { throw fail(line, "a step starts with \"step: Title\"") }
                guard !value.isEmpty else { throw fail(line, "a step needs a title: \"step: Title\"") }
                lesson.steps.append(LessonStep(title: value, blocks: [], questions: [], hint: nil, line: line))
                section = .step
                continue
            }
            switch section {
            case .front:
                switch key {
                case "title":
                    lesson.title = value
                    titleLine = line
                case "summary": lesson.summary = value
                case "assumes":
                    lesson.assumes = value.split(separator: ",").map { $0.trimmingSpaces }.filter {
                        !$0.isEmpty && $0 != "nothing"
                    }
                case "order":
                    guard let order = Int(value) else {
                        throw fail(line, "order must be an integer, found \"\(value)\"")
                    }
                    lesson.order = order
                case "id":
                    guard value == id else {
                        throw fail(
                            line, "id \"\(value)\" differs from the file name \"\(id)\"; the file name is the id")
                    }
                default:
                    throw fail(
                        line,
                        "unknown front-matter key \"\(key)\" (expected title, summary, assumes, order, run:, step:)")
                }
            case .run:
                var run = lesson.runs.removeLast()
                switch head {
                case "op" where words.count == 1:
                    guard !value.isEmpty else { throw fail(line, "op needs a name, e.g. \"op: batchnorm\"") }
                    run.op = value
                case "like" where words.count == 1:
                    guard lesson.runs.contains(where: { $0.name == value }) else {
                        throw fail(line, "like: \"\(value)\" is not a run defined above")
                    }
                    run.like = value
                case "precision" where words.count == 1:
                    guard let precision = TargetPrecision(rawValue: value) else {
                        throw fail(line, "precision must be f64 or f32, found \"\(value)\"")
                    }
                    run.precision = precision
                case "convention" where words.count == 1:
                    run.convention = value
                case "param" where words.count == 2:
                    guard !value.isEmpty else { throw fail(line, "param \(words[1]) has no value") }
                    run.params.append((words[1], value))
                case "input":
                    run.inputs.append(
                        (
                            words.count > 1 ? words[1] : "",
                            try parseTensor(key: words, value: value, line: line, file: file)
                        ))
                default:
                    throw fail(
                        line,
                        "unknown run key \"\(key)\" (expected op, like, precision, convention, param NAME, input NAME [shape])"
                    )
                }
                lesson.runs.append(run)
            case .step:
                var step = lesson.steps.removeLast()
                guard words.count == 1 else { throw fail(line, "unknown step key \"\(key)\"") }
                guard !value.isEmpty else { throw fail(line, "\(key): has no value") }
                switch key {
                case "text": step.blocks.append(.text(value, line: line))
                case "formula": step.blocks.append(.formula(value, line: line))
                case "numbers": step.blocks.append(.numbers(value, line: line))
                case "show":
                    for item in value.split(separator: ",", omittingEmptySubsequences: true)
                    where !item.trimmingSpaces.isEmpty {
                        step.blocks.append(.show(item.trimmingSpaces, line: line))
                    }
                case "compute":
                    // The label may hold "="; the expression starts after the last " = ".
                    guard let equals = value.components(separatedBy: " = ").dropLast().joined(separator: " = ").nonEmpty
                    else {
                        throw fail(line, "compute needs \"label = expression\"")
                    }
                    let label = equals.trimmingSpaces
                    let expression = String(value.dropFirst(equals.count + 3)).trimmingSpaces
                    guard !label.isEmpty, !expression.isEmpty else {
                        throw fail(line, "compute needs \"label = expression\"")
                    }
                    step.blocks.append(.compute(label: label, expression: expression, line: line))
                case "question":
                    step.questions.append(
                        Question(
                            prompt: value, answer: nil, tolerance: defaultTolerance, choices: [], hint: nil, line: line)
                    )
                case "answer":
                    guard var question = step.questions.popLast() else {
                        throw fail(line, "answer: comes after a question:")
                    }
                    guard question.answer == nil, question.choices.isEmpty else {
                        throw fail(line, "this question already has an answer")
                    }
                    question.answer = value
                    step.questions.append(question)
                case "tolerance":
                    guard var question = step.questions.popLast() else {
                        throw fail(line, "tolerance: comes after a question:")
                    }
                    guard let tolerance = try? Rational(parsing: value), tolerance.signum >= 0 else {
                        throw fail(line, "tolerance must be a non-negative number, found \"\(value)\"")
                    }
                    question.tolerance = tolerance
                    step.questions.append(question)
                case "choice":
                    guard var question = step.questions.popLast() else {
                        throw fail(line, "choice: comes after a question:")
                    }
                    guard question.answer == nil else {
                        throw fail(line, "a question has either answer: or choice: lines, not both")
                    }
                    guard let bar = value.lastIndex(of: "|") else {
                        throw fail(
                            line, "a choice is \"text | condition\", the condition saying when it is the right one")
                    }
                    let text = String(value[..<bar]).trimmingSpaces
                    let condition = String(value[value.index(after: bar)...]).trimmingSpaces
                    guard !text.isEmpty, !condition.isEmpty else {
                        throw fail(line, "a choice is \"text | condition\"")
                    }
                    question.choices.append((text, condition))
                    step.questions.append(question)
                case "hint":
                    if var question = step.questions.popLast() {
                        question.hint = value
                        step.questions.append(question)
                    } else {
                        step.hint = value
                    }
                default:
                    throw fail(
                        line,
                        "unknown step key \"\(key)\" (expected text, formula, numbers, show, compute, question, answer, tolerance, choice, hint)"
                    )
                }
                lesson.steps.append(step)
            }
        }
        guard !lesson.title.isEmpty else { throw fail(max(titleLine, 1), "the lesson has no \"title:\"") }
        guard !lesson.runs.isEmpty else { throw fail(1, "the lesson has no \"run:\" section naming its op") }
        for run in lesson.runs where run.op.isEmpty && run.like == nil {
            throw fail(run.line, "run \(run.name) has no \"op:\"")
        }
        guard !lesson.steps.isEmpty else { throw fail(lines.count, "the lesson has no \"step:\"") }
        for step in lesson.steps {
            if step.blocks.isEmpty {
                throw fail(step.line, "step \"\(step.title)\" shows nothing (add text:, formula:, numbers: or show:)")
            }
            for question in step.questions {
                if question.answer == nil && question.choices.count < 2 {
                    throw fail(question.line, "the question has no answer: and fewer than two choice: lines")
                }
            }
        }
        return lesson
    }

    public static let defaultTolerance = try! Rational(parsing: "1e-6")

    static let stepKeys: Set<String> = [
        "text", "formula", "numbers", "show", "compute", "question", "answer", "tolerance", "choice", "hint", "step",
        "run", "op", "like", "precision", "convention", "title", "summary", "assumes", "order", "id",
    ]

    /// A continuation line that happens to contain a colon is still prose;
    /// only known keys start a new entry.
    static func startsWithKnownKey(_ line: String) -> Bool {
        guard let colon = line.firstIndex(of: ":") else { return false }
        let key = line[..<colon]
        let head = key.split(separator: " ").first.map(String.init) ?? ""
        if head == "param" || head == "input" || head == "run" { return key.split(separator: " ").count <= 3 }
        return key.split(separator: " ").count == 1 && stepKeys.contains(head)
    }

    /// `input x [4,2]: 1, 2, 3, …` or `input x: 1, 2, 3`.
    static func parseTensor(key words: [String], value: String, line: Int, file: String) throws -> Tensor<Rational> {
        func fail(_ reason: String) -> LessonFileError { LessonFileError(file: file, line: line, reason: reason) }
        guard words.count >= 2, words[1].isIdentifier else {
            throw fail("an input is \"input NAME [shape]: v1, v2, …\"")
        }
        let parts = value.split(separator: ",").map { $0.trimmingSpaces }
        guard !parts.isEmpty, !parts.contains(where: \.isEmpty) else {
            throw fail("input \(words[1]) needs comma-separated numbers")
        }
        let values: [Rational] = try parts.enumerated().map { index, part in
            do { return try Rational(parsing: part) } catch {
                throw fail("input \(words[1]) value \(index + 1) \"\(part)\" is not a number (\(error))")
            }
        }
        var shape = [values.count]
        if words.count > 2 {
            let spec = words[2...].joined()
            guard spec.hasPrefix("["), spec.hasSuffix("]") else {
                throw fail("the shape of \(words[1]) is written in brackets, e.g. [4,2]")
            }
            let dims = spec.dropFirst().dropLast().split(separator: ",").map { Int($0.trimmingSpaces) }
            guard !dims.isEmpty, dims.allSatisfy({ ($0 ?? -1) > 0 }) else {
                throw fail("shape \(spec) must be positive integers")
            }
            shape = dims.map { $0! }
        }
        guard shape.reduce(1, *) == values.count else {
            throw fail(
                "input \(words[1]) has shape \(shape), which holds \(shape.reduce(1, *)) values, but \(values.count) are given"
            )
        }
        return Tensor(shape: shape, values: values)
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }

    var isIdentifier: Bool {
        guard let first = first, first.isLetter || first == "_" else { return false }
        return allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    var nonEmpty: String? { isEmpty ? nil : String(self) }

    var clipped: String { count > 40 ? String(prefix(40)) + "…" : String(self) }
}
