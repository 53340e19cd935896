import Exact
import Foundation
import Reference
import XCTest

@testable import Lessons

/// What a lesson must hold to teach: the checks of the lesson content.
final class LessonContentTests: XCTestCase {
    /// Every question has a hint and a solution (the derivation shown with
    /// a revealed answer).
    func testEveryQuestionHasAHintAndASolution() {
        for run in repositoryLessons {
            for (index, step) in run.lesson.steps.enumerated() {
                for question in step.questions {
                    let place = "\(run.lesson.id) step \(index + 1) (line \(question.line))"
                    XCTAssertNotNil(question.hint, "\(place): no hint")
                    XCTAssertNotNil(question.solution, "\(place): no solution")
                }
            }
        }
    }

    /// A step that shows a formula — a `formula:` line, or a table of a trace
    /// step with one — shows it with the numbers filled in too, and each
    /// numbers line has as many top-level terms as a formula it follows.
    func testEveryFormulaHasItsNumbers() throws {
        var checked = 0
        for run in repositoryLessons {
            for (index, step) in run.lesson.steps.enumerated() {
                let place = "\(run.lesson.id) step \(index + 1) \"\(step.title)\""
                var formulas: [String] = []
                var showsFormula = false
                var numbers: [(text: String, after: [String])] = []
                let renderer = LessonRenderer(run, options: RenderOptions(unicode: true))
                for block in step.blocks {
                    switch block {
                    case .formula(let text, _):
                        formulas.append(text)
                        showsFormula = true
                    case .numbers(let template, let line):
                        numbers.append((try renderer.filler.fill(template, line: line, parenthesize: true), formulas))
                    case .show(let expression, _, _):
                        if case .reference(let runName, let name, _) = expression,
                            let trace = run.runs.first(where: { $0.name == (runName ?? run.runs[0].name) })?.traces
                                .exact,
                            let traceStep = trace.step(name), traceStep.role != .input,
                            FormulaTerms.isFormula(traceStep.formula)
                        {
                            showsFormula = true
                        }
                    default: break
                    }
                }
                guard showsFormula else { continue }
                XCTAssertFalse(numbers.isEmpty, "\(place) shows a formula but no numbers line")
                for (text, after) in numbers where !after.isEmpty {
                    let parts = after.flatMap(FormulaTerms.parts)
                    let counts = parts.map(FormulaTerms.termCount)
                    let count = FormulaTerms.termCount(FormulaTerms.middle(of: text))
                    // A Σ standing as a term of its own expands to its terms.
                    let matches = zip(parts, counts).contains { part, terms in
                        part.contains("Σ") ? count >= terms : count == terms
                    }
                    XCTAssertTrue(
                        matches,
                        "\(place): the numbers line \"\(text)\" has \(count) top-level terms; its formula has \(counts)"
                    )
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 40)
    }

    /// Labels are mathematical notation: no expression-language code.
    func testLabelsAreMathematicalNotation() {
        let code = [
            "sum(", "count(", "mean(", "pow2(", "dot(", "norm2(", "abs(", "max(", "min(", "all(", "any(", "[:", " * ",
        ]
        for run in repositoryLessons {
            for step in run.lesson.steps {
                for block in step.blocks {
                    guard case .compute(let label, _, _, let line) = block else { continue }
                    for token in code where label.contains(token) {
                        XCTFail("\(run.lesson.id):\(line): the label \"\(label)\" contains code (\(token))")
                    }
                    // "a*b" is code; "w*" (w star) is notation.
                    if label.range(of: #"\*[A-Za-z0-9(]"#, options: .regularExpression) != nil {
                        XCTFail("\(run.lesson.id):\(line): the label \"\(label)\" multiplies with *")
                    }
                }
            }
        }
    }

    /// Walks every numeric question of every lesson: the page as the student
    /// sees it while the question is open holds no number equal to the
    /// answer (except as a value the student was given), and once answered
    /// the value is shown.
    func testNoAnswerIsOnScreenBeforeItIsAsked() throws {
        var walked = 0
        for run in repositoryLessons {
            let renderer = LessonRenderer(run, options: .plain)
            let given = Set(
                run.runs.flatMap { entry in
                    entry.traces.input.inputs.flatMap { $0.tensor.values }
                        + entry.traces.exact.params.compactMap { $0.value.rational }
                })
            for key in run.lesson.questionKeys {
                let question = run.lesson.steps[key.step].questions[key.question]
                guard case .numeric(let expression, let source, let tolerance) = question.kind else { continue }
                walked += 1
                let answer = try run.exactScalar(expression, source: source, line: question.line)
                let pending = Set(run.lesson.steps[key.step].questions.indices)
                var screen = try renderer.page(key.step, pending: pending)
                for index in pending.sorted() {
                    screen += try renderer.questionBlock(step: key.step, question: index, state: .pending)
                }
                let place = "\(run.lesson.id) step \(key.step + 1) question \(key.question + 1) (answer \(answer))"
                let isGiven = answer.rationalValue.map(given.contains) ?? false
                for token in ScreenNumbers.numbers(in: screen)
                where ScreenNumbers.shows(token, answer, tolerance: tolerance) {
                    if isGiven { continue }
                    XCTFail("\(place): \"\(token)\" is on screen before the question is answered:\n\(screen)")
                }
            }
        }
        XCTAssertGreaterThan(walked, 30)
    }
}

/// The top-level terms of formulas and numbers lines, for the term-for-term check.
enum FormulaTerms {
    /// A trace formula that is more than a name ("input", "x − μ" are not).
    static func isFormula(_ text: String) -> Bool {
        text.contains("=") || text.contains("Σ") || text.contains("/") || text.contains("√")
    }

    /// A formula line may define several things: "a = …,  b = …".
    static func parts(_ formula: String) -> [String] {
        formula.components(separatedBy: ",  ").flatMap { part -> [String] in
            // Every right-hand side: "a = b = c" offers b and c.
            let sides = part.components(separatedBy: " = ").flatMap { $0.components(separatedBy: " ← ") }
            return sides.count > 1 ? Array(sides.dropFirst()) : [part]
        }
    }

    /// What a numbers line computes: between the first "=" and the last "=".
    static func middle(of numbers: String) -> String {
        // A final value may follow "≈" instead of "=".
        let sides = numbers.replacingOccurrences(of: " ≈ ", with: " = ").components(separatedBy: " = ")
        if sides.count >= 3 { return sides[1..<(sides.count - 1)].joined(separator: " = ") }
        if sides.count == 2 {
            return sides[0].contains(":") ? String(sides[0].split(separator: ":").last ?? "") : sides[0]
        }
        return numbers
    }

    /// Terms joined by a binary + or − outside parentheses and brackets.
    static func termCount(_ text: String) -> Int {
        var depth = 0
        var count = 1
        var previous: Character = " "
        var previousNonSpace: Character = "("
        for character in text {
            if "([{⟨‖".contains(character) && !(character == "‖" && depth > 0 && previousNonSpace != "(") {
                depth += 1
            } else if ")]}⟩".contains(character) || (character == "‖" && depth > 0) {
                depth -= 1
            }
            if depth == 0, character == "+" || character == "−" || character == "-", previous == " ",
                !"(=,:+−-·×/".contains(previousNonSpace)
            {
                count += 1
            }
            previous = character
            if character != " " { previousNonSpace = character }
        }
        return count
    }
}

/// Numbers on a rendered page, and whether one shows a given value.
enum ScreenNumbers {
    /// Number-like tokens, leaving out step and question counters and index labels.
    static func numbers(in screen: String) -> [String] {
        var text = withoutErrorColumns(screen)
        // Counters, index labels and choice numbers.
        for pattern in [#"Step \d+/\d+"#, #"Question \d+:"#, #"\[\d+(,\d+)*\]"#, #"\n\s+\d\) "#] {
            text = text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
        }
        let regex = try! NSRegularExpression(
            pattern: #"-?[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?(/[0-9]+)?(\*sqrt\([0-9]+\))?|-?sqrt\([0-9]+\)"#)
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).compactMap { match -> String? in
            guard let range = Range(match.range, in: text) else { return nil }
            // Names such as x_00, mu_1 or f64 hold digits but are not values.
            if range.lowerBound > text.startIndex {
                let before = text[text.index(before: range.lowerBound)]
                if before.isLetter || before == "_" || before == "^" { return nil }
            }
            return String(text[range])
        }
    }

    /// The page with the error columns of its tables blanked: they hold
    /// errors ("0", "+0.24 ulp"), not values.
    static func withoutErrorColumns(_ screen: String) -> String {
        var out: [String] = []
        var cuts: [(start: Int, end: Int?)] = []
        for line in screen.components(separatedBy: "\n") {
            if line.contains(" exact") || line.hasSuffix(" error") && line.contains(" f64") {
                let characters = Array(line)
                func start(_ label: String) -> Int? {
                    line.range(of: label).map { line.distance(from: line.startIndex, to: $0.lowerBound) }
                }
                cuts = []
                if let f64Error = start("f64 error") { cuts.append((f64Error, start("f32 "))) }
                if let f32Error = start("f32 error") { cuts.append((f32Error, nil)) }
                _ = characters
                out.append(line)
                continue
            }
            if line.trimmingCharacters(in: .whitespaces).isEmpty { cuts = [] }
            var characters = Array(line)
            for (start, end) in cuts where start < characters.count {
                let stop = min(characters.count, end ?? characters.count)
                for index in start..<stop { characters[index] = " " }
            }
            out.append(String(characters))
        }
        return out.joined(separator: "\n")
    }

    /// Whether a token, typed as the answer, would be graded correct.
    static func shows(_ token: String, _ value: Surd, tolerance: Rational) -> Bool {
        guard let number = try? Surd(parsing: token) else { return false }
        return Grader.agrees(number, value, tolerance: tolerance)
    }
}
