import Exact
import Reference

/// Values a page must not show yet: the answers of its pending questions.
struct Concealment: Sendable {
    /// (value, question number shown to the student, 1-based).
    var answers: [(value: Surd, question: Int)] = []

    static let none = Concealment()

    func question(hiding value: Surd) -> Int? { answers.first { $0.value == value }?.question }

    var isEmpty: Bool { answers.isEmpty }
}

/// Fills a template's placeholders from the traces.
struct TemplateFiller {
    let run: LessonRun
    let exact: EvaluationContext<Surd>
    let double: EvaluationContext<Double>
    let float: EvaluationContext<Float>?
    let format: ValueFormat

    init(run: LessonRun, unicode: Bool) {
        self.run = run
        exact = run.exactContext
        double = run.doubleContext
        float = run.floatContext
        format = ValueFormat(unicode: unicode)
    }

    /// The template with every `{…}` replaced. In a numbers line negative
    /// values and surds are parenthesized, so `2 · (−3/5·√5)` reads right.
    func fill(
        _ template: Template, line: Int, parenthesize: Bool = false, concealment: Concealment = .none
    ) throws -> String {
        var out = ""
        for piece in template.pieces {
            switch piece {
            case .text(let text): out += text
            case .value(let placeholder):
                out += try value(placeholder, line: line, parenthesize: parenthesize, concealment: concealment)
            case .conditional(let condition, let source, let then, let otherwise):
                let value = try evaluate(condition, in: exact, line: line)
                guard let scalar = value.scalar else {
                    throw error(
                        line, "{if: \(source.clipped)}: the condition gives \(value.items.count) values, not one")
                }
                out += try fill(
                    scalar.isZero ? otherwise : then, line: line, parenthesize: parenthesize, concealment: concealment)
            }
        }
        return out
    }

    private func value(
        _ placeholder: Placeholder, line: Int, parenthesize: Bool, concealment: Concealment
    ) throws -> String {
        let expression = placeholder.expression
        var items: [String]
        let given = isGivenData(expression)
        switch placeholder.format {
        case .f64:
            items = try evaluate(expression, in: double, line: line).items.map { format.float($0) }
        case .f32:
            guard let float else { throw error(line, "{\(placeholder.source.clipped)}: no run targets f32") }
            items = try evaluate(expression, in: float, line: line).items.map { format.float($0) }
        case .auto, .exact, .dec:
            if case .reference(let runName, let name, nil) = expression, let written = parameter(runName, name) {
                items = [written]
                break
            }
            let values = try evaluate(expression, in: exact, line: line).items
            items = values.map { value in
                if !given, concealment.question(hiding: value) != nil { return "?" }
                switch placeholder.format {
                case .exact: return format.exact(value)
                case .dec: return format.decimal(value)
                default: return format.short(value)
                }
            }
        }
        if parenthesize || placeholder.joiner == .sum || placeholder.joiner == .product {
            items = items.map { item in
                let negative =
                    item.hasPrefix("-") || item.hasPrefix("−") || item.hasPrefix("≈-") || item.hasPrefix("≈−")
                let surd = item.contains("sqrt") || item.contains("√")
                return negative || (parenthesize && surd) ? "(\(item))" : item
            }
        }
        if items.count == 1 { return items[0] }
        switch placeholder.joiner {
        case .bracketed: return "[" + items.joined(separator: ", ") + "]"
        case .list: return items.joined(separator: ", ")
        case .sum: return items.joined(separator: " + ")
        case .product: return items.joined(separator: " · ")
        }
    }

    /// A parameter as written (`momentum` → "0.1"), when the name is a
    /// parameter of the run rather than a trace step or input.
    private func parameter(_ runName: String?, _ name: String) -> String? {
        guard let entry = exact.traces.first(where: { $0.name == (runName ?? exact.defaultRun) }),
            entry.trace.step(name) == nil, entry.input.tensor(name) == nil
        else { return nil }
        if let value = entry.trace.params.first(where: { $0.name == name })?.value {
            return format.parameter(value, written: run.writtenParameter(run: entry.name, name))
        }
        return run.writtenParameter(run: entry.name, name).map { format.parameter(.word($0), written: $0) }
    }

    /// Whether an expression only reads given data (an input or parameter),
    /// which is never hidden: the student has it already.
    func isGivenData(_ expression: Expression) -> Bool {
        guard case .reference(let runName, let name, _) = expression,
            let entry = exact.traces.first(where: { $0.name == (runName ?? exact.defaultRun) })
        else { return false }
        if let step = entry.trace.step(name) { return step.role == .input }
        return true
    }

    func evaluate<S>(_ expression: Expression, in context: EvaluationContext<S>, line: Int) throws -> Values<S> {
        do { return try context.evaluate(expression) } catch let failure as ExpressionError {
            throw error(line, failure.message)
        }
    }

    func error(_ line: Int, _ reason: String) -> LessonFileError {
        LessonFileError(file: run.lesson.file, line: line, reason: reason)
    }
}
