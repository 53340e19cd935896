import Exact
import Plots
import Reference

/// Where a question stands for the student.
public enum QuestionState: Equatable, Sendable {
    case pending
    case answered
    /// The answer was shown (after two wrong tries, or on request).
    case revealed
}

/// Turns a `LessonRun` into text: the header, one page per step, question
/// blocks, or the whole lesson. It composes the parts — `TemplateFiller`,
/// `ValueTable`, `Styler` — and holds no state of its own.
public struct LessonRenderer {
    public let run: LessonRun
    public let options: RenderOptions
    let styler: Styler
    let filler: TemplateFiller

    public init(_ run: LessonRun, options: RenderOptions = .plain) {
        self.run = run
        self.options = options
        styler = Styler(options: options)
        filler = TemplateFiller(run: run, unicode: options.unicode)
    }

    /// The same lesson drawn with other options (a toggled key, a resized terminal).
    public func with(_ options: RenderOptions) -> LessonRenderer { LessonRenderer(run, options: options) }

    var lesson: Lesson { run.lesson }
    var format: ValueFormat { filler.format }

    // MARK: Whole lesson

    /// The complete lesson, every question followed by its hint, answer and solution.
    public func renderAll() throws -> String {
        var out = header()
        for index in lesson.steps.indices {
            out += "\n" + (try page(index))
            for question in lesson.steps[index].questions.indices {
                out += try questionBlock(step: index, question: question, state: .revealed, withHint: true)
            }
        }
        out += "\n" + styler.rule("end of lesson \(lesson.id)") + "\n"
        return out
    }

    /// Title, summary, what runs with which parameters (as written), and the inputs.
    public func header() -> String {
        var out = styler.style(styler.rule(lesson.title, heavy: true), .bold) + "\n"
        if !lesson.summary.isEmpty { out += styler.wrap(lesson.summary) + "\n" }
        if !lesson.assumes.isEmpty { out += styler.wrap("Assumes: " + lesson.assumes.joined(separator: ", ")) + "\n" }
        let main = run.runs[0].traces
        var exactParams: [(text: String, run: String)] = []
        for (number, entry) in run.runs.enumerated() {
            let input = entry.traces.input
            var parts = ["op \(input.op)"]
            if let convention = input.convention { parts.append("convention \(convention)") }
            parts.append("precision \(input.precision.rawValue)")
            for (name, value) in entry.traces.exact.params
            where !(name == "convention" && input.convention != nil)
                && (number == 0 || input.op != main.input.op
                    || !main.exact.params.contains(where: { $0.name == name && $0.value == value }))
            {
                let written = format.parameter(value, written: run.writtenParameter(run: entry.name, name))
                parts.append("\(name) = \(written)")
                if case .number(let exact) = value,
                    exact.description != written.replacingOccurrences(of: "−", with: "-")
                {
                    exactParams.append(("\(name) = \(exact)", entry.name))
                }
            }
            out += styler.wrap("Run \(entry.name): " + parts.joined(separator: ", "), hanging: 4) + "\n"
            if number == 0, let source = run.studentSource {
                out += styler.wrap("  Your numbers, from \(source):", hanging: 4) + "\n"
            }
            for (name, tensor) in input.inputs where number == 0 || main.input.tensor(name) != tensor {
                let values = tensor.values.map { format.exact(Surd($0)) }
                let shape = tensor.shape.map(String.init).joined(separator: "×")
                out +=
                    styler.wrap("\(name) [\(shape)] = " + values.joined(separator: ", "), indent: 2, hanging: 6) + "\n"
            }
            if number > 0 && input.op == main.input.op
                && input.inputs.allSatisfy({ main.input.tensor($0.name) == $0.tensor })
            {
                out += "  (same inputs as run \(run.runs[0].name))\n"
            }
        }
        if !exactParams.isEmpty {
            // One entry per parameter and value, naming the runs that share it.
            var merged: [(text: String, runs: [String])] = []
            for (text, runName) in exactParams {
                if let index = merged.firstIndex(where: { $0.text == text }) {
                    merged[index].runs.append(runName)
                } else {
                    merged.append((text, [runName]))
                }
            }
            let list = merged.map { entry in
                entry.text
                    + (run.runs.count > 1
                        ? " (run\(entry.runs.count > 1 ? "s" : "") \(entry.runs.joined(separator: ", ")))" : "")
            }
            out +=
                options.expandExact
                ? styler.wrap(
                    "Parameters are used as their nearest floats; exactly: " + list.joined(separator: ", ") + ".",
                    hanging: 2)
                    + "\n"
                : styler.wrap("Parameters are used as their nearest floats (e shows them exactly).", hanging: 2) + "\n"
        }
        for (name, all) in run.snapped {
            let changed = all.filter { changedName in
                run.runs.first { $0.name == name }?.traces.input.tensor(changedName) != nil
            }
            if changed.isEmpty { continue }
            out +=
                styler.wrap(
                    "Note: in run \(name), \(changed.joined(separator: ", ")) snapped to the nearest representable values; the exact column shows the snapped inputs.",
                    hanging: 2) + "\n"
        }
        return out
    }

    // MARK: Pages

    /// One step as a page: title, prose, formulas, numbers and tables. The
    /// values that the `pending` questions ask for are hidden.
    public func page(_ index: Int, pending: Set<Int> = []) throws -> String {
        let step = lesson.steps[index]
        let concealment = try self.concealment(step: index, pending: pending)
        var out = styler.style(styler.rule("Step \(index + 1)/\(lesson.steps.count): \(step.title)"), .bold) + "\n"
        var previous: LessonStep.Block?
        for (blockIndex, block) in step.blocks.enumerated() {
            defer { previous = block }
            switch block {
            case .text(let template, let line):
                let filled = try filler.fill(template, line: line, concealment: concealment)
                for paragraph in filled.components(separatedBy: "\n\n") { out += "\n" + styler.wrap(paragraph) + "\n" }
            case .formula(let text, _):
                switch previous {
                case .formula?, .numbers?: break
                default: out += "\n"
                }
                out += styler.wrap(text, indent: 2, hanging: 11, prefix: styler.style("formula  ", .dim)) + "\n"
            case .numbers(let template, let line):
                switch previous {
                case .formula?, .numbers?: break
                default: out += "\n"
                }
                let filled = try filler.fill(template, line: line, parenthesize: true, concealment: concealment)
                out += styler.wrap(filled, indent: 2, hanging: 11, prefix: styler.style("numbers  ", .dim)) + "\n"
            case .show(let expression, let source, let line):
                out += "\n" + (try showTable(expression, source: source, line: line, concealment: concealment))
            case .compute(let label, let expression, _, let line):
                out += "\n" + (try table(heading: label, expression: expression, line: line, concealment: concealment))
            case .plot(let plot):
                out += "\n" + (try chartText(plot, at: ChartPlace(step: index, block: blockIndex)))
            }
        }
        return out
    }

    /// A chart drawn at the page's width: braille and colour on a terminal
    /// that has them, ASCII in plain output.
    func chartText(_ plot: LessonPlot, at place: ChartPlace) throws -> String {
        guard let chart = run.charts[place] else {
            throw filler.error(plot.line, "the plot \"\(plot.title.clipped)\" has no data")
        }
        let color: TerminalOptions.Color = options.color ? (options.trueColor ? .trueColor : .ansi256) : .none
        let terminal = TerminalOptions(
            width: options.width, plotRows: plot.rows ?? LessonPlot.defaultRows, unicode: options.unicode, color: color)
        do {
            let text = try TerminalRenderer.render(options.unicode ? chart : chart.asciiFolded, options: terminal)
            return text.hasSuffix("\n") ? text : text + "\n"
        } catch let error as PlotError {
            throw filler.error(
                plot.line,
                "the plot \"\(plot.title.clipped)\" cannot be drawn at \(options.width) columns: \(error.message)")
        }
    }

    /// The answers of the pending questions of a step.
    func concealment(step: Int, pending: Set<Int>) throws -> Concealment {
        var concealment = Concealment()
        for index in pending.sorted() {
            let question = lesson.steps[step].questions[index]
            if case .numeric(let answer, let source, _) = question.kind {
                concealment.answers.append(
                    (try run.exactScalar(answer, source: source, line: question.line), index + 1))
            }
        }
        return concealment
    }

    /// A question: its prompt and choices, then by state a mark, or (revealed)
    /// the answer with its derivation; `withHint` adds the hint.
    public func questionBlock(step: Int, question index: Int, state: QuestionState, withHint: Bool = false) throws
        -> String
    {
        let question = lesson.steps[step].questions[index]
        let prompt = try filler.fill(question.prompt, line: question.line)
        var out = "\n" + styler.wrap(styler.style("Question \(index + 1): ", .bold) + prompt, hanging: 2) + "\n"
        if case .choice(let choices) = question.kind {
            for (number, choice) in choices.enumerated() {
                out +=
                    styler.wrap(
                        "\(number + 1)) " + (try filler.fill(choice.text, line: question.line)), indent: 2, hanging: 5)
                    + "\n"
            }
        }
        if withHint, let hint = try hint(step: step, question: index) {
            out += styler.wrap("Hint: " + hint, hanging: 6) + "\n"
        }
        switch state {
        case .pending: break
        case .answered:
            out +=
                styler.wrap(
                    styler.style("  ✓ answered: ", .green) + (try answerText(step: step, question: index)), hanging: 4)
                + "\n"
        case .revealed:
            out += try reveal(step: step, question: index)
        }
        return out
    }

    /// "Answer: …" and, when the lesson gives one, "Solution: …".
    func reveal(step: Int, question index: Int) throws -> String {
        let question = lesson.steps[step].questions[index]
        var out = styler.wrap("Answer: " + (try answerText(step: step, question: index)), hanging: 8) + "\n"
        if let solution = question.solution {
            let filled = try filler.fill(solution, line: question.line, parenthesize: true)
            out += styler.wrap("Solution: " + filled, hanging: 10) + "\n"
        }
        return out
    }

    /// The question's hint, filled in; nil when it has none.
    public func hint(step: Int, question index: Int) throws -> String? {
        let question = lesson.steps[step].questions[index]
        guard let hint = question.hint else { return nil }
        return try filler.fill(hint, line: question.line)
    }

    /// The step's own hint, filled in.
    public func stepHint(_ step: Int) throws -> String? {
        guard let hint = lesson.steps[step].hint else { return nil }
        return try filler.fill(hint, line: lesson.steps[step].line)
    }

    /// The answer as the student sees it once answered or revealed.
    public func answerText(step: Int, question index: Int) throws -> String {
        let question = lesson.steps[step].questions[index]
        switch question.kind {
        case .choice(let choices):
            let right = try Grader(renderer: self).correctChoice(step: step, question: index)
            return "\(right + 1)) " + (try filler.fill(choices[right].text, line: question.line))
        case .numeric(let answer, let source, let tolerance):
            let exact = try run.exactScalar(answer, source: source, line: question.line)
            var text = format.exact(exact)
            if !exact.isRational || exact.description.count > 12 {
                text += " ≈ " + String(format.approximate(exact, digits: 10).dropFirst())
            }
            if !tolerance.isZero, tolerance != LessonParser.defaultTolerance {
                text += " (within \(Surd(tolerance).decimalString(significantDigits: 3)))"
            }
            return text
        }
    }

    // MARK: Tables

    func showTable(_ expression: Expression, source: String, line: Int, concealment: Concealment) throws -> String {
        guard case .reference(let runName, let name, let indices) = expression else {
            return try table(heading: source, expression: expression, line: line, concealment: concealment)
        }
        let traceRun = runName ?? run.runs[0].name
        guard let entry = run.runs.first(where: { $0.name == traceRun }) else {
            throw filler.error(line, "there is no run \"\(traceRun)\"")
        }
        var title = name
        if let step = entry.traces.exact.step(name) {
            if step.formula == step.symbol || step.formula.isEmpty || step.formula == "input" {
                title = step.symbol
            } else if let first = step.formula.first, "≥≤=<>≈".contains(first) {
                title = "\(step.symbol) \(step.formula)"
            } else if step.role == .input {
                title = "\(step.symbol): \(step.formula)"
            } else if step.formula.hasPrefix(step.symbol + " =") || step.formula.hasPrefix(step.symbol + " ←") {
                title = step.formula
            } else if step.formula.contains("=") {
                title = "\(step.symbol) = \(step.formula)"
            } else {
                title = "\(step.symbol): \(step.formula)"
            }
        }
        if let indices {
            title += " at [" + indices.map { $0.map(String.init) ?? ":" }.joined(separator: ",") + "]"
        }
        let suffix = run.runs.count > 1 ? "   (run \(traceRun))" : ""
        return try table(
            heading: title + suffix, expression: expression, line: line, concealment: concealment,
            hideGiven: !filler.isGivenData(expression))
    }

    func table(
        heading: String, expression: Expression, line: Int, concealment: Concealment, hideGiven: Bool = true
    ) throws -> String {
        let exact = try filler.evaluate(expression, in: filler.exact, line: line)
        let double = try filler.evaluate(expression, in: filler.double, line: line)
        let float: Values<Float>? =
            run.usesOnlyFloat32Runs(expression)
            ? try filler.float.map { try filler.evaluate(expression, in: $0, line: line) } : nil
        let table = ValueTable(
            heading: heading, exact: exact, double: double, float: float,
            concealedBy: { value, d, f in
                guard hideGiven, !concealment.isEmpty else { return nil }
                if let question = concealment.question(hiding: value) { return question }
                if let question = (try? Rational(exactly: d)).flatMap({ concealment.question(hiding: Surd($0)) }) {
                    return question
                }
                if let f, let question = (try? Rational(exactly: f)).flatMap({ concealment.question(hiding: Surd($0)) })
                {
                    return question
                }
                return nil
            })
        return table.render(styler)
    }

    // MARK: Text helpers for the session

    func wrap(_ text: String, indent: Int = 0, hanging: Int? = nil) -> String {
        styler.wrap(text, indent: indent, hanging: hanging)
    }

    func style(_ text: String, _ tone: Styler.Tone) -> String { styler.style(text, tone) }

    /// `text` in plain ASCII.
    public static func asciiOnly(_ text: String) -> String { text.asciiFolded }

    /// `text` as is on a Unicode terminal, else in plain ASCII.
    public static func asciiOnly(_ text: String, unless unicode: Bool) -> String { unicode ? text : text.asciiFolded }
}
