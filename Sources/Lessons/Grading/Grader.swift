import Exact
import Foundation
import Reference

/// What the student typed, judged against the trace.
public enum AnswerVerdict: Equatable, Sendable {
    case correct(String)
    /// Wrong; the message says what the mistake probably was when the trace
    /// can tell.
    case wrong(String)
    /// Could not be read: ask again (not counted as a try).
    case unreadable(String)
}

/// Checks typed answers against the exact answers of a lesson's questions.
struct Grader {
    let renderer: LessonRenderer

    var run: LessonRun { renderer.run }

    func question(_ step: Int, _ index: Int) -> Question { run.lesson.steps[step].questions[index] }

    /// The index of the one right choice.
    func correctChoice(step: Int, question index: Int) throws -> Int {
        let question = question(step, index)
        guard case .choice(let choices) = question.kind else {
            throw LessonFileError(file: run.lesson.file, line: question.line, reason: "the question has no choices")
        }
        var right: [Int] = []
        for (offset, choice) in choices.enumerated() {
            if !(try run.exactScalar(choice.condition, source: choice.source, line: question.line)).isZero {
                right.append(offset)
            }
        }
        guard right.count == 1 else {
            throw LessonFileError(
                file: run.lesson.file, line: question.line,
                reason: "exactly one choice must be right, but \(right.count) conditions hold on these numbers")
        }
        return right[0]
    }

    /// The exact answer of a numeric question.
    func answer(step: Int, question index: Int) throws -> (value: Surd, tolerance: Rational) {
        let question = question(step, index)
        guard case .numeric(let answer, let source, let tolerance) = question.kind else {
            throw LessonFileError(
                file: run.lesson.file, line: question.line, reason: "the question has no numeric answer")
        }
        return (try run.exactScalar(answer, source: source, line: question.line), tolerance)
    }

    func check(_ typed: String, step: Int, question index: Int) throws -> AnswerVerdict {
        let question = question(step, index)
        let text = typed.trimmingCharacters(in: .whitespaces)
        if case .choice(let choices) = question.kind {
            guard let number = Int(text), (1...choices.count).contains(number) else {
                return .unreadable("Type the number of a choice, 1 to \(choices.count).")
            }
            return number - 1 == (try correctChoice(step: step, question: index))
                ? .correct("Right.") : .wrong("Not that one.")
        }
        let value: Surd
        do { value = try LessonNumber.parseValue(Self.normalized(text)) } catch {
            return .unreadable(
                "\"\(text.clipped)\" is not a number I can read. Try e.g. 2.5, 5/2, -0.25, 1e-3 or 3/5*sqrt(5).")
        }
        let (exact, tolerance) = try answer(step: step, question: index)
        let format = renderer.format
        if Self.agrees(value, exact, tolerance: tolerance) {
            let shown =
                exact.isRational && exact.description.count <= 12
                ? format.exact(exact) : format.exact(exact) + " " + format.approximate(exact, digits: 10)
            return .correct(
                value == exact ? "Correct: \(shown)." : "Correct to the tolerance; exactly, it is \(shown).")
        }
        let diagnosis = try Diagnosis(grader: self, step: step, question: index).explain(
            value, answer: exact, tolerance: tolerance)
        return .wrong(diagnosis.map { "Not quite. \($0)" } ?? "Not quite.")
    }

    /// Whether `value` is within a relative `tolerance` of `exact`
    /// (absolute when |exact| < 1).
    static func agrees(_ value: Surd, _ exact: Surd, tolerance: Rational) -> Bool {
        let scale = exact.magnitude > Surd.one ? exact.magnitude : Surd.one
        return (value - exact).magnitude <= Surd(tolerance) * scale
    }

    /// What a student types, in the exact parser's grammar: the minus sign,
    /// the middle dot and √ are accepted.
    static func normalized(_ text: String) -> String {
        var out = ""
        let characters = Array(text.replacingOccurrences(of: " ", with: ""))
        var index = 0
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "−", "–": out.append("-")
            case "·", "×": out.append("*")
            case "√":
                // √5 → sqrt(5); √(5/2) → sqrt(5/2)
                if index + 1 < characters.count, characters[index + 1] == "(" {
                    out += "sqrt"
                } else {
                    var digits = ""
                    while index + 1 < characters.count, characters[index + 1].isNumber || characters[index + 1] == "." {
                        index += 1
                        digits.append(characters[index])
                    }
                    out += "sqrt(\(digits))"
                }
            default: out.append(character)
            }
            index += 1
        }
        return out
    }
}
