import Exact
import Foundation
import Reference

/// Reads the lesson format (lessons/README.md describes it):
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
///       solution: μ_1 = ({sum: x[:,1]}) / 4 = {mean[1]}
///
/// A key starts at the first non-blank character of a line; a line indented
/// deeper than its key's line continues the key's value (a blank line in
/// between makes a new paragraph). `#` at the start of a line is a comment.
/// Every expression and template is parsed here, so a malformed one is an
/// error with its line before anything is shown.
public enum LessonParser {
    /// Bytes in one lesson file.
    public static let maximumFileSize = 1 << 20
    /// Values in one `input` line, and axes in its shape.
    public static let maximumInputValues = 10_000
    public static let maximumRank = 6

    public static let defaultTolerance = Rational(1) / Rational(1_000_000)
    public static let defaultExerciseTolerance = Rational(1) / Rational(1_000_000_000_000)

    static let knownKeys: Set<String> = [
        "text", "formula", "numbers", "show", "compute", "question", "answer", "tolerance", "choice", "hint",
        "solution", "mistake", "step", "run", "op", "like", "precision", "convention", "title", "summary", "assumes",
        "order", "id", "exercise", "function", "runs", "check", "plot",
    ]

    public static func parse(_ text: String, id: String, file: String) throws -> Lesson {
        func fail(_ line: Int, _ reason: String) -> LessonFileError {
            LessonFileError(file: file, line: line, reason: reason)
        }
        guard text.utf8.count <= maximumFileSize else {
            throw fail(1, "the file is \(text.utf8.count) bytes; a lesson file may hold at most \(maximumFileSize)")
        }
        let entries = try gatherEntries(text, file: file)
        var builder = Builder(id: id, file: file)
        for entry in entries {
            do { try builder.take(entry) } catch let error as ExpressionError {
                throw fail(entry.line, error.message)
            }
        }
        return try builder.finish(lineCount: text.split(separator: "\n", omittingEmptySubsequences: false).count)
    }

    struct Entry {
        var key: String
        var value: String
        var line: Int
    }

    /// Key/value entries with their continuation lines folded in.
    static func gatherEntries(_ text: String, file: String) throws -> [Entry] {
        var entries: [Entry] = []
        var pendingBlank = false
        var lastIndent = -1
        for (offset, raw) in text.components(separatedBy: "\n").enumerated() {
            let number = offset + 1
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                pendingBlank = true
                continue
            }
            if trimmed.hasPrefix("#") { continue }
            let indentation = line.prefix { $0 == " " || $0 == "\t" }
            if indentation.contains("\t") {
                throw LessonFileError(file: file, line: number, reason: "use spaces, not tabs, to indent")
            }
            if !entries.isEmpty, indentation.count > lastIndent, !startsWithKnownKey(trimmed) {
                entries[entries.count - 1].value += (pendingBlank ? "\n\n" : " ") + trimmed
                pendingBlank = false
                continue
            }
            pendingBlank = false
            guard let colon = trimmed.firstIndex(of: ":") else {
                throw LessonFileError(
                    file: file, line: number,
                    reason: "expected \"key: value\" (or an indented continuation line), found \"\(trimmed.clipped)\"")
            }
            entries.append(
                Entry(
                    key: trimmed[..<colon].trimmingCharacters(in: .whitespaces),
                    value: trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces),
                    line: number))
            lastIndent = indentation.count
        }
        return entries
    }

    /// A continuation line that happens to contain a colon is still prose;
    /// only known keys start a new entry.
    static func startsWithKnownKey(_ line: String) -> Bool {
        guard let colon = line.firstIndex(of: ":") else { return false }
        let words = line[..<colon].split(separator: " ")
        guard let head = words.first.map(String.init) else { return false }
        if ["param", "input", "run", "check", "plot"].contains(head) { return words.count <= 3 }
        return words.count == 1 && knownKeys.contains(head)
    }

    /// `input x [4,2]: 1, 2, 3, …` or `input x: 1, 2, 3`.
    static func parseTensor(name: String, shapeText: String?, value: String) throws -> Tensor<Rational> {
        let parts = value.components(separatedBy: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !parts.isEmpty, !parts.contains(where: \.isEmpty) else {
            throw ExpressionError("input \(name) needs comma-separated numbers")
        }
        guard parts.count <= maximumInputValues else {
            throw ExpressionError(
                "input \(name) has \(parts.count) values; a lesson input may hold at most \(maximumInputValues)")
        }
        let values: [Rational] = try parts.enumerated().map { index, part in
            do { return try LessonNumber.parse(part) } catch let error as ExpressionError {
                throw ExpressionError("input \(name) value \(index + 1): \(error.message)")
            }
        }
        guard let shapeText else { return Tensor(vector: values) }
        guard shapeText.hasPrefix("["), shapeText.hasSuffix("]") else {
            throw ExpressionError("the shape of \(name) is written in brackets, e.g. [4,2]")
        }
        let dims = shapeText.dropFirst().dropLast().components(separatedBy: ",").map {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard !dims.isEmpty, dims.count <= maximumRank, dims.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ExpressionError("shape \(shapeText) must be 1 to \(maximumRank) positive whole numbers")
        }
        // The product is compared with the count without overflowing.
        var product = 1
        for dim in dims.map({ $0! }) {
            let (next, overflow) = product.multipliedReportingOverflow(by: dim)
            guard !overflow, next <= values.count else {
                throw ExpressionError(
                    "input \(name) has shape \(shapeText), which holds more than the \(values.count) values given")
            }
            product = next
        }
        guard product == values.count else {
            throw ExpressionError(
                "input \(name) has shape \(shapeText), which holds \(product) values, but \(values.count) are given")
        }
        return Tensor(shape: dims.map { $0! }, values: values)
    }
}

// MARK: - Building a lesson from entries

private struct Builder {
    enum Section { case front, run, step, exercise }

    var lesson: Lesson
    var section = Section.front
    var titleLine = 0
    /// The line of each input and parameter, "run/name", for range errors.
    var valueLines: [String: Int] = [:]

    init(id: String, file: String) {
        lesson = Lesson(
            id: id, title: "", summary: "", assumes: [], order: 1000, runs: [], steps: [], exercise: nil, file: file)
    }

    func fail(_ line: Int, _ reason: String) -> LessonFileError {
        LessonFileError(file: lesson.file, line: line, reason: reason)
    }

    mutating func take(_ entry: LessonParser.Entry) throws {
        let (key, value, line) = (entry.key, entry.value, entry.line)
        let words = key.split(separator: " ").map(String.init)
        guard let head = words.first else { throw fail(line, "empty key before \":\"") }
        switch head {
        case "run" where section != .exercise:
            try startRun(words: words, value: value, line: line)
            return
        case "step":
            guard words.count == 1 else { throw fail(line, "a step starts with \"step: Title\"") }
            guard !value.isEmpty else { throw fail(line, "a step needs a title: \"step: Title\"") }
            guard lesson.exercise == nil else { throw fail(line, "steps come before the exercise") }
            lesson.steps.append(LessonStep(title: value, blocks: [], questions: [], hint: nil, line: line))
            section = .step
            return
        case "exercise" where words.count == 1:
            guard lesson.exercise == nil else { throw fail(line, "a lesson has at most one exercise") }
            guard !value.isEmpty else { throw fail(line, "an exercise needs a title: \"exercise: Title\"") }
            lesson.exercise = Exercise(
                title: value, text: nil, function: "", arguments: [], runs: [], checks: [],
                tolerance: LessonParser.defaultExerciseTolerance, line: line)
            section = .exercise
            return
        default: break
        }
        switch section {
        case .front: try takeFront(key: key, value: value, line: line)
        case .run: try takeRun(words: words, key: key, value: value, line: line)
        case .step: try takeStep(words: words, key: key, value: value, line: line)
        case .exercise: try takeExercise(words: words, key: key, value: value, line: line)
        }
    }

    mutating func startRun(words: [String], value: String, line: Int) throws {
        guard words.count <= 2 else { throw fail(line, "a run is \"run:\" or \"run NAME:\"") }
        let name = words.count == 2 ? words[1] : (lesson.runs.isEmpty ? "main" : "")
        guard !name.isEmpty else { throw fail(line, "only the first run may be unnamed; write \"run NAME:\"") }
        guard name.isIdentifier else { throw fail(line, "run name \"\(name.clipped)\" must be letters, digits and _") }
        guard !lesson.runs.contains(where: { $0.name == name }) else {
            throw fail(line, "run \"\(name)\" is defined twice")
        }
        guard lesson.steps.isEmpty else { throw fail(line, "runs come before the first step") }
        guard value.isEmpty else { throw fail(line, "put the run's op on its own line: \"op: NAME\"") }
        lesson.runs.append(
            RunSpec(name: name, op: "", like: nil, precision: nil, convention: nil, params: [], inputs: [], line: line))
        section = .run
    }

    mutating func takeFront(key: String, value: String, line: Int) throws {
        switch key {
        case "title":
            lesson.title = value
            titleLine = line
        case "summary": lesson.summary = value
        case "assumes":
            lesson.assumes = value.components(separatedBy: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && $0 != "nothing" }
        case "order":
            guard let order = Int(value), abs(order) <= 1_000_000 else {
                throw fail(line, "order must be a whole number up to a million, found \"\(value.clipped)\"")
            }
            lesson.order = order
        case "id":
            guard value == lesson.id else {
                throw fail(
                    line, "id \"\(value.clipped)\" differs from the file name \"\(lesson.id)\"; the file name is the id"
                )
            }
        default:
            throw fail(
                line,
                "unknown front-matter key \"\(key.clipped)\" (expected title, summary, assumes, order, run:, step:)")
        }
    }

    mutating func takeRun(words: [String], key: String, value: String, line: Int) throws {
        var run = lesson.runs.removeLast()
        defer { lesson.runs.append(run) }
        switch words[0] {
        case "op" where words.count == 1:
            guard !value.isEmpty else { throw fail(line, "op needs a name, e.g. \"op: batchnorm\"") }
            run.op = value
        case "like" where words.count == 1:
            guard lesson.runs.contains(where: { $0.name == value }) else {
                throw fail(line, "like: \"\(value.clipped)\" is not a run defined above")
            }
            run.like = value
        case "precision" where words.count == 1:
            guard let precision = TargetPrecision(rawValue: value) else {
                throw fail(line, "precision must be f64 or f32, found \"\(value.clipped)\"")
            }
            run.precision = precision
        case "convention" where words.count == 1:
            run.convention = value
        case "param" where words.count == 2:
            guard !value.isEmpty else { throw fail(line, "param \(words[1]) has no value") }
            if value.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) ?? false {
                _ = try LessonNumber.parse(value)
            }
            run.params.append((words[1], value))
            valueLines["\(run.name)/\(words[1])"] = line
        case "input":
            guard words.count >= 2, words[1].isIdentifier else {
                throw fail(line, "an input is \"input NAME [shape]: v1, v2, …\"")
            }
            let shape = words.count > 2 ? words[2...].joined() : nil
            run.inputs.append((words[1], try LessonParser.parseTensor(name: words[1], shapeText: shape, value: value)))
            valueLines["\(run.name)/\(words[1])"] = line
        default:
            throw fail(
                line,
                "unknown run key \"\(key.clipped)\" (expected op, like, precision, convention, param NAME, input NAME [shape])"
            )
        }
    }

    mutating func takeStep(words: [String], key: String, value: String, line: Int) throws {
        var step = lesson.steps.removeLast()
        defer { lesson.steps.append(step) }
        if words[0] == "plot" {
            if LessonPlot.startsChart(words) {
                step.blocks.append(.plot(try LessonPlot.start(words: words, title: value, line: line)))
            } else {
                guard LessonPlot.partKeys.contains(words.dropFirst().joined(separator: " ")) else {
                    throw fail(
                        line,
                        "unknown plot key \"\(key.clipped)\" (a chart starts with plot:, plot bars: or plot stacked:; then \(LessonPlot.keyList))"
                    )
                }
                guard case .plot(var plot)? = step.blocks.last else {
                    throw fail(line, "\(key.clipped): belongs to the chart above it; start one with \"plot: Title\"")
                }
                try plot.take(words: words, value: value, line: line, runs: lesson.runs)
                step.blocks[step.blocks.count - 1] = .plot(plot)
            }
            return
        }
        guard words.count == 1 else { throw fail(line, "unknown step key \"\(key.clipped)\"") }
        guard !value.isEmpty else { throw fail(line, "\(key): has no value") }
        func lastQuestion(_ what: String) throws -> Question {
            guard let question = step.questions.popLast() else { throw fail(line, "\(what): comes after a question:") }
            return question
        }
        switch key {
        case "text": step.blocks.append(.text(try Template.parse(value), line: line))
        case "formula": step.blocks.append(.formula(value, line: line))
        case "numbers": step.blocks.append(.numbers(try Template.parse(value), line: line))
        case "show":
            for item in value.components(separatedBy: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
            where !item.isEmpty {
                let expression = try ExpressionParser.parse(item)
                guard expression.isReference else {
                    throw fail(line, "show: takes step names like mean or mean[1]; use compute: for expressions")
                }
                step.blocks.append(.show(expression, source: item, line: line))
            }
        case "compute":
            // The label may hold "="; the expression starts after the last " = ".
            guard let range = value.range(of: " = ", options: .backwards) else {
                throw fail(line, "compute needs \"label = expression\"")
            }
            let label = value[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            let source = value[range.upperBound...].trimmingCharacters(in: .whitespaces)
            guard !label.isEmpty, !source.isEmpty else { throw fail(line, "compute needs \"label = expression\"") }
            step.blocks.append(.compute(label: label, try ExpressionParser.parse(source), source: source, line: line))
        case "question":
            step.questions.append(
                Question(
                    prompt: try Template.parse(value), kind: .choice([]), hint: nil, solution: nil, mistakes: [],
                    line: line))
        case "answer":
            var question = try lastQuestion("answer")
            guard case .choice(let choices) = question.kind, choices.isEmpty else {
                throw fail(line, "this question already has an answer: or choice: lines")
            }
            question.kind = .numeric(
                answer: try ExpressionParser.parse(value), source: value, tolerance: LessonParser.defaultTolerance)
            step.questions.append(question)
        case "tolerance":
            var question = try lastQuestion("tolerance")
            guard case .numeric(let answer, let source, _) = question.kind else {
                throw fail(line, "tolerance: belongs to a question with an answer: line")
            }
            guard let tolerance = try? LessonNumber.parse(value), tolerance.signum >= 0 else {
                throw fail(line, "tolerance must be a non-negative number, found \"\(value.clipped)\"")
            }
            question.kind = .numeric(answer: answer, source: source, tolerance: tolerance)
            step.questions.append(question)
        case "choice":
            var question = try lastQuestion("choice")
            guard case .choice(var choices) = question.kind else {
                throw fail(line, "a question has either answer: or choice: lines, not both")
            }
            guard let bar = value.lastIndex(of: "|") else {
                throw fail(line, "a choice is \"text | condition\", the condition saying when it is the right one")
            }
            let text = value[..<bar].trimmingCharacters(in: .whitespaces)
            let condition = value[value.index(after: bar)...].trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty, !condition.isEmpty else { throw fail(line, "a choice is \"text | condition\"") }
            guard choices.count < 9 else { throw fail(line, "a question has at most 9 choices") }
            choices.append(
                Question.Choice(
                    text: try Template.parse(text), condition: try ExpressionParser.parse(condition), source: condition)
            )
            question.kind = .choice(choices)
            step.questions.append(question)
        case "hint":
            if var question = step.questions.popLast() {
                question.hint = try Template.parse(value)
                step.questions.append(question)
            } else {
                step.hint = try Template.parse(value)
            }
        case "solution":
            var question = try lastQuestion("solution")
            question.solution = try Template.parse(value)
            step.questions.append(question)
        case "mistake":
            var question = try lastQuestion("mistake")
            guard case .numeric = question.kind else {
                throw fail(line, "mistake: belongs to a question with an answer: line")
            }
            guard let bar = value.firstIndex(of: "|") else {
                throw fail(line, "a mistake is \"expression | what the student probably did\"")
            }
            let source = value[..<bar].trimmingCharacters(in: .whitespaces)
            let message = value[value.index(after: bar)...].trimmingCharacters(in: .whitespaces)
            guard !source.isEmpty, !message.isEmpty else {
                throw fail(line, "a mistake is \"expression | what the student probably did\"")
            }
            question.mistakes.append(
                Question.Mistake(
                    value: try ExpressionParser.parse(source), source: source, message: try Template.parse(message),
                    line: line))
            step.questions.append(question)
        default:
            throw fail(
                line,
                "unknown step key \"\(key.clipped)\" (expected text, formula, numbers, show, compute, plot, question, answer, tolerance, choice, hint, solution, mistake)"
            )
        }
    }

    mutating func takeExercise(words: [String], key: String, value: String, line: Int) throws {
        guard var exercise = lesson.exercise else { return }
        defer { lesson.exercise = exercise }
        switch words[0] {
        case "text" where words.count == 1:
            exercise.text = try Template.parse(value)
        case "function" where words.count == 1:
            // name(a, b = trace_name, c)
            guard let open = value.firstIndex(of: "("), value.hasSuffix(")") else {
                throw fail(line, "function: is \"name(arg, arg = trace_name, …)\"")
            }
            let name = value[..<open].trimmingCharacters(in: .whitespaces)
            guard name.isIdentifier, name.allSatisfy(\.isASCII) else {
                throw fail(line, "the function name \"\(name.clipped)\" must be a Python identifier")
            }
            exercise.function = name
            let list = value[value.index(after: open)..<value.index(before: value.endIndex)]
            exercise.arguments = try list.components(separatedBy: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.map { argument in
                    let sides = argument.components(separatedBy: "=").map { $0.trimmingCharacters(in: .whitespaces) }
                    guard sides.count <= 2, sides.allSatisfy({ $0.isIdentifier && $0.allSatisfy(\.isASCII) }) else {
                        throw fail(line, "argument \"\(argument.clipped)\" must be NAME or NAME = trace_name")
                    }
                    return (sides[0], sides.count == 2 ? sides[1] : sides[0])
                }
        case "runs" where words.count == 1:
            exercise.runs = value.components(separatedBy: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            for run in exercise.runs where !lesson.runs.contains(where: { $0.name == run }) {
                throw fail(line, "runs: \"\(run.clipped)\" is not a run of this lesson")
            }
        case "tolerance" where words.count == 1:
            guard let tolerance = try? LessonNumber.parse(value), tolerance.signum > 0 else {
                throw fail(line, "tolerance must be a positive number, found \"\(value.clipped)\"")
            }
            exercise.tolerance = tolerance
        case "check" where words.count == 2:
            // check NAME: label = expression
            let name = words[1]
            guard name.isIdentifier, name.allSatisfy(\.isASCII) else {
                throw fail(line, "check \(name.clipped): the name must be a Python identifier")
            }
            guard !exercise.checks.contains(where: { $0.name == name }) else {
                throw fail(line, "check \(name) is defined twice")
            }
            guard let range = value.range(of: " = ", options: .backwards) else {
                throw fail(line, "check \(name): needs \"label = expression\"")
            }
            let label = value[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            let source = value[range.upperBound...].trimmingCharacters(in: .whitespaces)
            exercise.checks.append(
                Exercise.Check(
                    name: name, label: label, value: try ExpressionParser.parse(source), source: source, line: line))
        default:
            throw fail(
                line,
                "unknown exercise key \"\(key.clipped)\" (expected text, function, runs, tolerance, check NAME)")
        }
    }

    func finish(lineCount: Int) throws -> Lesson {
        guard !lesson.title.isEmpty else { throw fail(max(titleLine, 1), "the lesson has no \"title:\"") }
        guard !lesson.runs.isEmpty else { throw fail(1, "the lesson has no \"run:\" section naming its op") }
        for run in lesson.runs where run.op.isEmpty && run.like == nil {
            throw fail(run.line, "run \(run.name) has no \"op:\"")
        }
        try checkRanges()
        guard !lesson.steps.isEmpty else { throw fail(lineCount, "the lesson has no \"step:\"") }
        for step in lesson.steps {
            if step.blocks.isEmpty {
                throw fail(
                    step.line,
                    "step \"\(step.title.clipped)\" shows nothing (add text:, formula:, numbers:, show: or plot:)")
            }
            for case .plot(let plot) in step.blocks {
                if let problem = plot.problem() { throw fail(problem.line, problem.reason) }
            }
            for question in step.questions {
                if case .choice(let choices) = question.kind, choices.count < 2 {
                    throw fail(question.line, "the question has no answer: and fewer than two choice: lines")
                }
            }
        }
        if let exercise = lesson.exercise {
            guard !exercise.function.isEmpty else { throw fail(exercise.line, "the exercise has no function: line") }
            guard !exercise.checks.isEmpty else { throw fail(exercise.line, "the exercise has no check NAME: lines") }
        }
        return lesson
    }

    /// Inputs and numeric parameters must be finite in each run's precision
    /// (the float runs see them too); a run's precision may come from the
    /// run it is `like`.
    func checkRanges() throws {
        for run in lesson.runs {
            var precision = run.precision
            var source = run.like
            while precision == nil, let name = source, let parent = lesson.runs.first(where: { $0.name == name }) {
                precision = parent.precision
                source = parent.like
            }
            let target = precision ?? .f64
            for (name, tensor) in run.inputs {
                if let index = tensor.values.firstIndex(where: { !LessonNumber.isFinite($0, in: target) }) {
                    throw fail(
                        valueLines["\(run.name)/\(name)"] ?? run.line,
                        "run \(run.name): input \(name) value \(index + 1) is beyond the largest \(target.rawValue) (\(LessonNumber.largest(target)))"
                    )
                }
            }
            for (name, text) in run.params {
                if let value = try? LessonNumber.parse(text), !LessonNumber.isFinite(value, in: target) {
                    throw fail(
                        valueLines["\(run.name)/\(name)"] ?? run.line,
                        "run \(run.name): param \(name) = \(text.clipped) is beyond the largest \(target.rawValue) (\(LessonNumber.largest(target)))"
                    )
                }
            }
        }
    }
}

extension StringProtocol {
    var isIdentifier: Bool {
        guard let first = first, first.isLetter || first == "_", count <= 64 else { return false }
        return allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }
}
