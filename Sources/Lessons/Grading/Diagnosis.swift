import Exact
import Reference

/// Names the likely mistake behind a wrong number, where the trace can tell:
/// the lesson's own `mistake:` lines first, then ε left out (the answer
/// recomputed with ε = 0), the sign, N versus N − 1, a factor of the batch
/// size, a square or square root, and rounding too early.
struct Diagnosis {
    let grader: Grader
    let step: Int
    let question: Int

    var run: LessonRun { grader.run }
    var format: ValueFormat { grader.renderer.format }

    /// One sentence, or nil when no known mistake gives the typed value.
    func explain(_ typed: Surd, answer: Surd, tolerance: Rational) throws -> String? {
        let slack = max(tolerance, LessonParser.defaultTolerance)
        func near(_ candidate: Surd) -> Bool { Grader.agrees(typed, candidate, tolerance: slack) }
        let question = grader.question(step, self.question)

        for mistake in question.mistakes {
            if let value = try? run.exactScalar(mistake.value, source: mistake.source, line: mistake.line), near(value)
            {
                return try grader.renderer.filler.fill(mistake.message, line: mistake.line)
            }
        }
        if let withoutEpsilon = try valueWithoutEpsilon(question), withoutEpsilon != answer, near(withoutEpsilon) {
            let eps = epsilonText()
            return "That is the value with ε = 0: ε\(eps.map { " = \($0)" } ?? "") was left out (of σ² + ε?)."
        }
        if !answer.isZero, near(-answer) {
            return "Your value has the wrong sign: check the sign of each term."
        }
        for m in batchSizes() where m >= 3 {
            let ratio = Surd(Rational(m)) / Surd(Rational(m - 1))
            if near(answer * ratio) {
                return
                    "Your value is the answer × \(m)/\(m - 1): a division by N − 1 = \(m - 1) where this divides by N = \(m)."
            }
            if near(answer / ratio) {
                return
                    "Your value is the answer × \(m - 1)/\(m): a division by N = \(m) where this divides by N − 1 = \(m - 1)."
            }
        }
        if !answer.isZero {
            for m in batchSizes() {
                if near(answer * Surd(m)) {
                    return
                        "Your value is \(m) times the answer: a sum where a mean is asked, or a missing division by \(m)?"
                }
                if near(answer / Surd(m)) {
                    return
                        "Your value is the answer divided by \(m): a mean where a sum is asked, or one division by \(m) too many?"
                }
            }
            if answer != Surd.one, near(answer * answer) {
                return "Your value is the square of the answer (σ² where σ is asked?)."
            }
            if answer.signum > 0, typed.signum > 0, answer != Surd.one,
                Grader.agrees(typed * typed, answer, tolerance: slack)
            {
                return "Your value is the square root of the answer (σ where σ² is asked?)."
            }
        }
        let needed = Self.digitsNeeded(answer, tolerance: tolerance)
        if let digits = Self.roundedDigits(typed, answer, below: needed) {
            return
                "Close: that is the answer rounded to \(digits) significant digits, but \(needed) are needed here; keep more digits (rounded too early?)."
        }
        return nil
    }

    /// The answer recomputed with every ε set to 0, when some run has ε ≠ 0.
    func valueWithoutEpsilon(_ question: Question) throws -> Surd? {
        guard case .numeric(let answer, let source, _) = question.kind,
            let rerun = run.withEpsilonZero()
        else { return nil }
        return try? rerun.exactScalar(answer, source: source, line: question.line)
    }

    func epsilonText() -> String? {
        for entry in run.runs {
            if let parameter = entry.traces.exact.params.first(where: { $0.name == "eps" }),
                case .number(let value) = parameter.value, !value.isZero
            {
                return format.parameter(parameter.value, written: run.writtenParameter(run: entry.name, "eps"))
            }
        }
        return nil
    }

    /// The sizes a statistic of this lesson may divide by: every axis length
    /// of the main run's inputs, and the count over all axes but one.
    func batchSizes() -> [Int] {
        var sizes = Set<Int>()
        for (_, tensor) in run.runs[0].traces.input.inputs {
            let count = tensor.count
            for dim in tensor.shape where dim >= 2 {
                sizes.insert(dim)
                if count / dim >= 2 { sizes.insert(count / dim) }
            }
            if count >= 2 { sizes.insert(count) }
        }
        return sizes.filter { $0 <= 100_000 }.sorted()
    }

    /// The number of significant digits d (2 ≤ d < `limit`) such that the
    /// typed value is the answer rounded or cut to d digits.
    static func roundedDigits(_ typed: Surd, _ answer: Surd, below limit: Int) -> Int? {
        guard limit > 2, !answer.isZero else { return nil }
        for digits in 2..<limit {
            let rounded = answer.decimalString(significantDigits: digits)
            if let value = try? Surd(parsing: rounded), value == typed { return digits }
            // Cut instead of rounded: the same digits, the last one one lower in magnitude.
            if let cut = Self.truncated(answer, digits: digits), cut == typed { return digits }
        }
        return nil
    }

    /// The value with its decimal digits after the d-th cut off.
    static func truncated(_ value: Surd, digits: Int) -> Surd? {
        let text = value.decimalString(significantDigits: 17)
        let exponentIndex = text.firstIndex(where: { $0 == "e" || $0 == "E" }) ?? text.endIndex
        let mantissa = text[..<exponentIndex]
        let exponent = text[exponentIndex...]
        var kept = ""
        var significant = 0
        for character in mantissa {
            if character.isNumber {
                if significant == 0 && character == "0" {
                    kept.append(character)
                    continue
                }
                if significant >= digits { kept.append("0") } else { kept.append(character) }
                significant += 1
            } else {
                kept.append(character)
            }
        }
        return try? Surd(parsing: kept + exponent)
    }

    /// Significant digits that bring a value within the tolerance.
    static func digitsNeeded(_ value: Surd, tolerance: Rational) -> Int {
        for digits in 1...17 {
            if let rounded = try? Surd(parsing: value.decimalString(significantDigits: digits)),
                Grader.agrees(rounded, value, tolerance: tolerance)
            {
                return digits
            }
        }
        return 17
    }
}

extension LessonRun {
    /// The same lesson with every nonzero ε set to 0 (nil when there is none),
    /// for recognising an answer that left ε out.
    func withEpsilonZero() -> LessonRun? {
        var changed = false
        var runs: [(name: String, traces: TraceSet)] = []
        for entry in self.runs {
            var input = entry.traces.input
            let eps = entry.traces.exact.params.first { $0.name == "eps" }?.value.rational
            if let eps, !eps.isZero {
                input.setParam("eps", "0")
                changed = true
            }
            guard let operation = ReferenceOperations.named(input.op),
                let traces = try? TraceSet(operation, input: input)
            else { return nil }
            runs.append((entry.name, traces))
        }
        guard changed else { return nil }
        return LessonRun(
            lesson: lesson, runs: runs, snapped: snapped, studentSource: studentSource, written: written, charts: charts
        )
    }
}
