import Exact
import Reference

/// How text is drawn. The renderer only builds strings; the CLI decides the
/// options from the terminal (isatty, NO_COLOR, width) and writes them.
public struct RenderOptions: Sendable {
    public enum Columns: String, Sendable { case both, exactOnly, doubleOnly }

    public var unicode: Bool
    public var color: Bool
    public var width: Int
    public var columns: Columns
    /// Keep every exact value on its table row however wide it is (`--wide`);
    /// otherwise a too-wide value is shown rounded, in full on the lines below.
    public var wide: Bool

    public init(
        unicode: Bool = false, color: Bool = false, width: Int = 80, columns: Columns = .both, wide: Bool = false
    ) {
        self.unicode = unicode
        self.color = color
        self.width = max(40, width)
        self.columns = columns
        self.wide = wide
    }

    /// Plain ASCII, no colour, 80 columns: the transcript form.
    public static let plain = RenderOptions()
}

/// What the student typed, judged against the trace.
public enum AnswerVerdict: Equatable, Sendable {
    case correct(String)
    case wrong(String)
    /// Could not be read: ask again.
    case unreadable(String)
}

/// Turns a `LessonRun` into text: pages for stepping, or the whole lesson.
public struct LessonRenderer: Sendable {
    public let run: LessonRun
    public let options: RenderOptions

    public init(_ run: LessonRun, options: RenderOptions = .plain) {
        self.run = run
        self.options = options
    }

    var lesson: Lesson { run.lesson }

    // MARK: Whole lesson

    /// The complete lesson, every step with its questions answered.
    public func renderAll() throws -> String {
        var out = header()
        for index in lesson.steps.indices {
            out += "\n" + (try page(index))
            for questionIndex in lesson.steps[index].questions.indices {
                out += try questionBlock(step: index, question: questionIndex, revealed: true)
            }
        }
        out += "\n" + rule("end of lesson \(lesson.id)") + "\n"
        return finish(out)
    }

    /// Title, what runs, and the inputs (with a note when inputs were snapped).
    public func header() -> String {
        var out = style(rule(lesson.title, heavy: true), .bold) + "\n"
        if !lesson.summary.isEmpty { out += wrap(lesson.summary, indent: 0) + "\n" }
        if !lesson.assumes.isEmpty { out += "Assumes: " + lesson.assumes.joined(separator: ", ") + "\n" }
        let main = run.runs[0].traces
        for (number, entry) in run.runs.enumerated() {
            let input = entry.traces.input
            var parts = ["op \(input.op)"]
            if let convention = input.convention { parts.append("convention \(convention)") }
            parts.append("precision \(input.precision.rawValue)")
            let mainParams = main.exact.params
            for (name, value) in entry.traces.exact.params
            where number == 0 || input.op != main.input.op
                || !mainParams.contains(where: { $0.name == name && $0.value == value })
            {
                parts.append("\(name) = \(value)")
            }
            out += wrap("Run \(entry.name): " + parts.joined(separator: ", "), indent: 0, hanging: 4) + "\n"
            for (name, tensor) in input.inputs where number == 0 || main.input.tensor(name) != tensor {
                let values = tensor.values.map { Surd($0).description }
                let shape = tensor.shape.map(String.init).joined(separator: "x")
                out += wrap("\(name) [\(shape)] = " + values.joined(separator: ", "), indent: 2, hanging: 6) + "\n"
            }
            if number > 0 && input.op == main.input.op
                && input.inputs.allSatisfy({ main.input.tensor($0.name) == $0.tensor })
            {
                out += "  (same inputs as run \(run.runs[0].name))\n"
            }
        }
        for (name, changed) in run.snapped where !changed.isEmpty {
            out +=
                wrap(
                    "Note: in run \(name), \(changed.joined(separator: ", ")) snapped to the nearest representable values; the exact column shows the snapped inputs.",
                    indent: 0, hanging: 2) + "\n"
        }
        return finish(out)
    }

    // MARK: Pages

    /// One step as a page: title, prose, formulas, numbers, values, and the
    /// questions (unanswered).
    public func page(_ index: Int) throws -> String {
        let step = lesson.steps[index]
        var out = style(rule("Step \(index + 1)/\(lesson.steps.count): \(step.title)"), .bold) + "\n"
        var previous: LessonStep.Block?
        for block in step.blocks {
            defer { previous = block }
            switch block {
            case .text(let text, let line):
                let filled = try fill(text, line: line, negativesInParentheses: false)
                for paragraph in filled.components(separatedBy: "\n\n") {
                    out += "\n" + wrap(paragraph, indent: 0) + "\n"
                }
            case .formula(let text, _):
                out += "\n" + wrap(text, indent: 2, hanging: 11, prefix: style("formula  ", .dim)) + "\n"
            case .numbers(let text, let line):
                if case .formula = previous {} else if case .numbers = previous {} else { out += "\n" }
                let filled = try fill(text, line: line, negativesInParentheses: true)
                out += wrap(filled, indent: 2, hanging: 11, prefix: style("numbers  ", .dim)) + "\n"
            case .show(let reference, let line):
                out += "\n" + (try showTable(reference, line: line))
            case .compute(let label, let expression, let line):
                out += "\n" + (try computeTable(label: label, expression: expression, line: line))
            }
        }
        return finish(out)
    }

    /// A question, its choices, and (when revealed) hint and computed answer.
    public func questionBlock(step: Int, question index: Int, revealed: Bool) throws -> String {
        let question = lesson.steps[step].questions[index]
        var out =
            "\n"
            + wrap(
                style("Question \(index + 1): ", .bold)
                    + (try fill(question.prompt, line: question.line, negativesInParentheses: false)), indent: 0,
                hanging: 2) + "\n"
        for (number, choice) in question.choices.enumerated() {
            out +=
                wrap(
                    "  \(number + 1)) " + (try fill(choice.text, line: question.line, negativesInParentheses: false)),
                    indent: 0, hanging: 5) + "\n"
        }
        if revealed {
            if let hint = question.hint {
                out +=
                    wrap(
                        "  Hint: " + (try fill(hint, line: question.line, negativesInParentheses: false)), indent: 0,
                        hanging: 8) + "\n"
            }
            out += wrap("  Answer: " + (try answerText(question)), indent: 0, hanging: 10) + "\n"
        }
        return finish(out)
    }

    /// The computed answer, as the student would see it after answering.
    public func answerText(_ question: Question) throws -> String {
        if question.isChoice {
            let right = try correctChoices(question)
            return try right.map {
                "\($0 + 1)) "
                    + (try fill(question.choices[$0].text, line: question.line, negativesInParentheses: false))
            }.joined(separator: "; ")
        }
        let exact = try answerValue(question)
        var text = exact.description
        if !exact.isRational || text.count > 12 { text += " ≈ " + exact.decimalString(significantDigits: 10) }
        if let tolerance = question.tolerance.isZero ? nil : question.tolerance,
            tolerance != LessonParser.defaultTolerance
        {
            text += " (within \(Surd(tolerance).decimalString(significantDigits: 3)))"
        }
        return text
    }

    /// The exact answer of a numeric question.
    public func answerValue(_ question: Question) throws -> Surd {
        guard let answer = question.answer else { throw lineError(question.line, "the question has no numeric answer") }
        let value = try evaluate(answer, in: run.exactContext, line: question.line)
        guard let scalar = value.scalar else {
            throw lineError(question.line, "the answer \"\(answer)\" gives \(value.items.count) values, not one")
        }
        return scalar
    }

    /// Indices of the right choices: exactly one condition must hold.
    public func correctChoices(_ question: Question) throws -> [Int] {
        var right: [Int] = []
        for (index, choice) in question.choices.enumerated() {
            let value = try evaluate(choice.condition, in: run.exactContext, line: question.line)
            guard let scalar = value.scalar else {
                throw lineError(
                    question.line, "the condition \"\(choice.condition)\" gives \(value.items.count) values, not one")
            }
            if !scalar.isZero { right.append(index) }
        }
        guard right.count == 1 else {
            throw lineError(
                question.line, "exactly one choice must be right, but \(right.count) conditions hold on these numbers")
        }
        return right
    }

    /// Judges a typed answer. Unreadable text is not an error: the caller asks again.
    public func check(_ typed: String, step: Int, question index: Int) throws -> AnswerVerdict {
        let question = lesson.steps[step].questions[index]
        let text = typed.trimmingSpaces
        if question.isChoice {
            guard let number = Int(text), (1...question.choices.count).contains(number) else {
                return .unreadable("Type the number of a choice, 1 to \(question.choices.count).")
            }
            let right = try correctChoices(question)
            return right.contains(number - 1) ? .correct("Right.") : .wrong("Not that one.")
        }
        let normalized = text.replacingMinus
        guard !normalized.isEmpty, let value = try? Surd(parsing: normalized) else {
            return .unreadable("\"\(text)\" is not a number I can read. Try e.g. 2.5, 5/2, -0.25 or 1e-3.")
        }
        let exact = try answerValue(question)
        let scale = exact.magnitude > Surd.one ? exact.magnitude : Surd.one
        let within = (value - exact).magnitude <= Surd(question.tolerance) * scale
        let shown =
            exact.isRational && exact.description.count <= 12
            ? exact.description : exact.decimalString(significantDigits: 10)
        return within ? .correct("Correct: \(shown).") : .wrong("Not quite.")
    }

    // MARK: Tables

    func showTable(_ reference: String, line: Int) throws -> String {
        let expression: Expression
        do { expression = try ExpressionParser.parse(reference) } catch {
            throw lineError(line, "show: \(error)")
        }
        guard case .reference(let runName, let name, _) = expression else {
            throw lineError(line, "show: takes a step name like mean or mean[1]; use compute: for expressions")
        }
        let title: String
        let exactTrace = try traceFor(runName, line: line)
        if let step = exactTrace.step(name) {
            if step.formula == step.symbol {
                title = step.symbol
            } else if step.formula.hasPrefix(step.symbol + " =") || step.formula.hasPrefix(step.symbol + " ←") {
                title = step.formula
            } else if step.formula.contains("=") {
                title = "\(step.symbol) = \(step.formula)"
            } else {
                title = "\(step.symbol): \(step.formula)"
            }
        } else {
            title = name
        }
        let where_ = runName.map { " (run \($0))" } ?? (run.runs.count > 1 ? " (run \(run.runs[0].name))" : "")
        return try table(heading: "\(name)\(where_): \(title)", expression: expression, line: line, runName: runName)
    }

    func computeTable(label: String, expression text: String, line: Int) throws -> String {
        let expression: Expression
        do { expression = try ExpressionParser.parse(text) } catch { throw lineError(line, "compute: \(error)") }
        return try table(heading: "\(label) = \(text)", expression: expression, line: line, runName: nil)
    }

    private func traceFor(_ runName: String?, line: Int) throws -> Trace<Surd> {
        let name = runName ?? run.runs[0].name
        guard let entry = run.runs.first(where: { $0.name == name }) else {
            throw lineError(line, "there is no run \"\(name)\"")
        }
        return entry.traces.exact
    }

    private func table(heading: String, expression: Expression, line: Int, runName: String?) throws -> String {
        let exact = try evaluate(expression, in: run.exactContext, line: line)
        let double = try evaluate(expression, in: run.doubleContext, line: line)
        let referenced = Set(expression.references.map { $0.run ?? run.runs[0].name })
        let wantsFloat = referenced.allSatisfy { name in run.runs.first { $0.name == name }?.traces.f32 != nil }
        let float: Values<Float>? =
            wantsFloat ? try run.floatContext.map { try evaluate(expression, in: $0, line: line) } : nil

        var header = ["", "exact"]
        let showExact = options.columns != .doubleOnly
        let showFloats = options.columns != .exactOnly
        if !showExact { header.removeLast() }
        if showFloats {
            header += ["f64", "f64 error"]
            if float != nil { header += ["f32", "f32 error"] }
        }
        var rows: [[String]] = [header]
        var exactValues: [Surd] = []
        for index in exact.items.indices {
            var row = [indexLabel(index, shape: exact.shape)]
            let value = exact.items[index]
            if showExact {
                row.append(value.description)
                exactValues.append(value)
            }
            if showFloats {
                let d = double.items[index]
                row += [formatDouble(d), ulpText(d, exact: value)]
                if let float {
                    let f = float.items[index]
                    row += [formatFloat(f), ulpText(f, exact: value)]
                }
            }
            rows.append(row)
        }
        var out = wrap(style(heading, .cyan), indent: 2, hanging: 6) + "\n"
        // Exact values too wide for the terminal: the row shows the value
        // correctly rounded, and the canonical form follows on its own lines.
        var continued: [Int: String] = [:]
        if showExact && !options.wide && Self.tableWidth(rows) > options.width {
            let rest = Self.tableWidth(rows.map { row in row.enumerated().filter { $0.offset != 1 }.map(\.element) })
            let budget = max(12, options.width - rest - 2)
            for number in rows.indices.dropFirst() where rows[number][1].count > budget {
                let value = exactValues[number - 1]
                var digits = 17
                var rounded = "≈" + value.decimalString(significantDigits: digits)
                while rounded.count > budget && digits > 6 {
                    digits -= 1
                    rounded = "≈" + value.decimalString(significantDigits: digits)
                }
                continued[number] = rows[number][1]
                rows[number][1] = rounded
            }
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].visibleWidth }.max() ?? 0 }
        let exactIndent = 4 + widths[0] + 2
        for (number, row) in rows.enumerated() {
            var cells: [String] = []
            for (column, cell) in row.enumerated() {
                cells.append(column == row.count - 1 ? cell : cell.padding(to: widths[column]))
            }
            let text = "    " + cells.joined(separator: "  ")
            out += (number == 0 ? style(text.trimmedRight, .dim) : text.trimmedRight) + "\n"
            if let full = continued[number] {
                out +=
                    style(Self.breakCanonical(full, first: "= ", indent: exactIndent, width: options.width), .dim)
                    + "\n"
            }
        }
        if !continued.isEmpty {
            out +=
                wrap(
                    style(
                        "≈ rounded to fit \(options.width) columns; the exact value follows on the lines below (--wide keeps it on the row).",
                        .dim), indent: 4, hanging: 6) + "\n"
        }
        return out
    }

    /// Columns a table takes: indent, cells and two spaces between them.
    static func tableWidth(_ rows: [[String]]) -> Int {
        guard let first = rows.first, !first.isEmpty else { return 0 }
        let widths = first.indices.map { column in rows.map { $0[column].visibleWidth }.max() ?? 0 }
        return 4 + widths.reduce(0, +) + 2 * (widths.count - 1)
    }

    /// A canonical exact value over as many lines as it needs, broken before
    /// a sign that starts a term or after a "*" or "/" (mid-number only when
    /// one number alone is wider than a line).
    static func breakCanonical(_ text: String, first: String, indent: Int, width: Int) -> String {
        let room = max(10, width - indent - first.count)
        var pieces: [String] = []
        var current = ""
        var previous: Character?
        for character in text {
            let startsTerm =
                (character == "+" || character == "-") && previous != nil
                && !"*/(eE".contains(previous!)
            if startsTerm, !current.isEmpty {
                pieces.append(current)
                current = ""
            }
            current.append(character)
            if character == "*" || character == "/" {
                pieces.append(current)
                current = ""
            }
            previous = character
        }
        if !current.isEmpty { pieces.append(current) }
        var lines: [String] = []
        var line = ""
        for piece in pieces {
            if line.count + piece.count <= room {
                line += piece
                continue
            }
            if !line.isEmpty {
                lines.append(line)
                line = ""
            }
            var rest = Substring(piece)
            while rest.count > room {
                lines.append(String(rest.prefix(room)))
                rest = rest.dropFirst(room)
            }
            line = String(rest)
        }
        if !line.isEmpty { lines.append(line) }
        let pad = String(repeating: " ", count: indent)
        let hang = String(repeating: " ", count: indent + first.count)
        return lines.enumerated().map { ($0.offset == 0 ? pad + first : hang) + $0.element }.joined(separator: "\n")
    }

    private func indexLabel(_ index: Int, shape: [Int]) -> String {
        if shape.isEmpty { return "" }
        var rest = index
        var parts: [Int] = []
        for dim in shape.reversed() {
            parts.append(rest % dim)
            rest /= dim
        }
        return "[" + parts.reversed().map(String.init).joined(separator: ",") + "]"
    }

    /// The float's error in units of the last place of the correctly rounded
    /// exact value (so a float 0 for a non-zero value reads sensibly).
    private func ulpText<F: BinaryFloatingPoint>(_ value: F, exact: Surd) -> String
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        guard value.isFinite, let float = try? Rational(exactly: Double(value)) else { return "not finite" }
        let difference = Surd(float) - exact
        if difference.isZero { return "0" }
        // An exact zero has no scale of its own: give the absolute error.
        if exact.isZero { return "abs " + difference.decimalString(significantDigits: 2) }
        let nearest = exact.rounded(to: F.self)
        guard nearest.isFinite, let unit = try? Rational(exactly: Double(unitInLastPlace(of: nearest))) else {
            return "overflow"
        }
        let ulps = difference.scaled(by: try! unit.reciprocal())
        return (ulps.signum > 0 ? "+" : "") + ulps.decimalString(significantDigits: 2) + " ulp"
    }

    // MARK: Templates

    /// Replaces each `{…}` with a value from the traces. Forms:
    /// `{mean[0]}` exact (short) or decimal; `{x[:,0]}` a list; `{sum: x[:,0]}`
    /// the list joined with " + "; `{…:f64}`, `{…:f32}`, `{…:exact}`, `{…:dec}`;
    /// `{if: condition | text | other text}`.
    func fill(_ template: String, line: Int, negativesInParentheses: Bool) throws -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            // The matching brace: `{if: …}` may hold placeholders of its own.
            var depth = 0
            var found: Substring.Index?
            for index in rest[open...].indices {
                if rest[index] == "{" { depth += 1 }
                if rest[index] == "}" {
                    depth -= 1
                    if depth == 0 {
                        found = index
                        break
                    }
                }
            }
            guard let close = found else {
                throw lineError(line, "a \"{\" has no matching \"}\" in \"\(template.clipped)\"")
            }
            let inside = String(rest[rest.index(after: open)..<close]).trimmingSpaces
            if inside.hasPrefix("if:") {
                out += try conditional(
                    String(inside.dropFirst(3)), line: line, negativesInParentheses: negativesInParentheses)
            } else {
                out += try placeholder(inside, line: line, negativesInParentheses: negativesInParentheses)
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// `{if: CONDITION | text when it holds | text otherwise}`: prose chosen
    /// from the trace, so a sentence about the numbers stays true for any
    /// input. The texts may hold placeholders; the second may be left out.
    private func conditional(_ body: String, line: Int, negativesInParentheses: Bool) throws -> String {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for character in body {
            if character == "{" { depth += 1 }
            if character == "}" { depth -= 1 }
            if character == "|" && depth == 0 {
                parts.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        parts.append(current)
        guard parts.count == 2 || parts.count == 3 else {
            throw lineError(
                line,
                "{if: …} takes a condition and one or two texts separated by \"|\", found \(parts.count - 1) text(s)")
        }
        let value = try evaluate(parts[0].trimmingSpaces, in: run.exactContext, line: line)
        guard let scalar = value.scalar else {
            throw lineError(
                line, "{if: \(parts[0].trimmingSpaces)}: the condition gives \(value.items.count) values, not one")
        }
        let chosen = !scalar.isZero ? parts[1] : (parts.count == 3 ? parts[2] : "")
        return try fill(chosen.trimmingSpaces, line: line, negativesInParentheses: negativesInParentheses)
    }

    private func placeholder(_ text: String, line: Int, negativesInParentheses: Bool) throws -> String {
        var body = text
        var joiner = ", "
        var bracket = true
        for (prefix, join) in [("sum:", " + "), ("list:", ", "), ("prod:", " · ")] where body.hasPrefix(prefix) {
            body = String(body.dropFirst(prefix.count)).trimmingSpaces
            joiner = join
            bracket = false
        }
        var format = "auto"
        if let colon = body.lastIndex(of: ":") {
            let suffix = String(body[body.index(after: colon)...]).trimmingSpaces
            if ["f64", "f32", "exact", "dec", "auto"].contains(suffix) {
                format = suffix
                body = String(body[..<colon]).trimmingSpaces
            }
        }
        let expression: Expression
        do { expression = try ExpressionParser.parse(body) } catch { throw lineError(line, "{\(text)}: \(error)") }
        var items: [String]
        switch format {
        case "f64":
            items = try evaluate(expression, in: run.doubleContext, line: line).items.map(formatDouble)
        case "f32":
            guard let context = run.floatContext else { throw lineError(line, "{\(text)}: no run targets f32") }
            items = try evaluate(expression, in: context, line: line).items.map(formatFloat)
        default:
            let values = try evaluate(expression, in: run.exactContext, line: line).items
            items = values.map { value in
                switch format {
                case "exact": return value.description
                case "dec": return value.decimalString(significantDigits: 6)
                default: return shortExact(value)
                }
            }
        }
        if negativesInParentheses || !bracket {
            items = items.map { $0.hasPrefix("-") || ($0.contains("sqrt") && negativesInParentheses) ? "(\($0))" : $0 }
        }
        if items.count == 1 && (bracket || joiner != ", ") { return items[0] }
        let joined = items.joined(separator: joiner)
        return bracket ? "[" + joined + "]" : joined
    }

    /// The exact value when short, else ten significant digits.
    func shortExact(_ value: Surd) -> String {
        let text = value.description
        if text.count <= 16 { return text }
        return value.decimalString(significantDigits: 10) + "…"
    }

    func evaluate<S>(_ text: String, in context: EvaluationContext<S>, line: Int) throws -> Values<S> {
        let expression: Expression
        do { expression = try ExpressionParser.parse(text) } catch { throw lineError(line, "\(error)") }
        return try evaluate(expression, in: context, line: line)
    }

    func evaluate<S>(_ expression: Expression, in context: EvaluationContext<S>, line: Int) throws -> Values<S> {
        do { return try context.evaluate(expression) } catch let error as ExpressionError {
            throw lineError(line, error.message)
        }
    }

    func lineError(_ line: Int, _ reason: String) -> LessonFileError {
        LessonFileError(file: lesson.file, line: line, reason: reason)
    }

    // MARK: Text

    enum Tone { case bold, dim, cyan, green, red, yellow }

    func style(_ text: String, _ tone: Tone) -> String {
        guard options.color else { return text }
        let code: String
        switch tone {
        case .bold: code = "1"
        case .dim: code = "2"
        case .cyan: code = "36"
        case .green: code = "32"
        case .red: code = "31"
        case .yellow: code = "33"
        }
        return "\u{1B}[\(code)m" + text + "\u{1B}[0m"
    }

    public func styled(_ text: String, good: Bool) -> String { finish(style(text, good ? .green : .red)) }

    func rule(_ title: String, heavy: Bool = false) -> String {
        let bar: Character = options.unicode ? (heavy ? "═" : "─") : (heavy ? "=" : "-")
        let head = "\(bar)\(bar) \(options.unicode ? title : title.asciiFolded) "
        let fill = max(2, options.width - head.count)
        return head + String(repeating: bar, count: fill)
    }

    /// Word-wraps to the width (escape sequences do not count).
    func wrap(_ text: String, indent: Int, hanging: Int? = nil, prefix: String = "") -> String {
        let width = options.width
        let text = options.unicode ? text : text.asciiFolded
        let prefix = options.unicode ? prefix : prefix.asciiFolded
        var lines: [String] = []
        var current = String(repeating: " ", count: indent) + prefix
        var currentWidth = indent + prefix.visibleWidth
        let indent = currentWidth
        let continuation = String(repeating: " ", count: hanging ?? indent)
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let wordWidth = word.visibleWidth
            if currentWidth > (lines.isEmpty ? indent : continuation.count) && currentWidth + 1 + wordWidth > width {
                lines.append(current)
                current = continuation + word
                currentWidth = continuation.count + wordWidth
            } else {
                let separator = currentWidth > (lines.isEmpty ? indent : continuation.count) ? " " : ""
                current += separator + word
                currentWidth += separator.count + wordWidth
            }
        }
        lines.append(current)
        return lines.map(\.trimmedRight).joined(separator: "\n")
    }

    /// ASCII folding for plain output.
    public func finish(_ text: String) -> String {
        options.unicode ? text : text.asciiFolded
    }

    /// `text` in plain ASCII.
    public static func asciiOnly(_ text: String) -> String { text.asciiFolded }

    func formatDouble(_ value: Double) -> String { "\(value)" }
    func formatFloat(_ value: Float) -> String { "\(value)" }
}

extension String {
    func padding(to width: Int) -> String {
        let visible = visibleWidth
        return visible >= width ? self : self + String(repeating: " ", count: width - visible)
    }

    var trimmedRight: String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }

    var replacingMinus: String { replacingOccurrences(of: "−", with: "-") }

    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        return components(separatedBy: target).joined(separator: replacement)
    }

    func components(separatedBy separator: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(self)
        while let range = rest.range(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(target) { return index..<self.index(index, offsetBy: target.count) }
            index = self.index(after: index)
        }
        return nil
    }
}

extension StringProtocol {
    /// Columns on screen: characters, ignoring ANSI escape sequences.
    var visibleWidth: Int {
        var width = 0
        var inEscape = false
        for character in self {
            if inEscape {
                if character.isLetter { inEscape = false }
                continue
            }
            if character == "\u{1B}" {
                inEscape = true
                continue
            }
            width += 1
        }
        return width
    }
}
