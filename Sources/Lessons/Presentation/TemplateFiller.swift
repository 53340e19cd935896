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
        for (index, piece) in template.pieces.enumerated() {
            switch piece {
            case .text(let text): out += text
            case .value(let placeholder):
                // In a numbers line a value is parenthesized only where it is an
                // operand: next to an operator, not after the final "=".
                let before = out.last { $0 != " " }
                let after = Self.nextCharacter(template.pieces, after: index)
                // Alone inside parentheses, σ(…) or √(…), a value needs no more.
                let enclosed = before == "(" && after == ")"
                let operand =
                    parenthesize && !enclosed
                    && (before.map(Self.operators.contains) ?? false
                        || after.map { Self.operators.contains($0) && $0 != "(" || Self.powers.contains($0) } ?? false)
                // A fraction next to "/" or a power needs parentheses too: (3/2)², (1/2) / 3.
                let fractionContext =
                    operand && (before == "/" || after.map { $0 == "/" || Self.powers.contains($0) } ?? false)
                var text = try value(
                    placeholder, line: line, parenthesize: operand, fractions: fractionContext, concealment: concealment
                )
                // "= ≈2.24" reads "≈ 2.24"; "≈ ≈2.24" reads "≈ 2.24".
                if text.hasPrefix("≈") {
                    if out.hasSuffix("= ") {
                        out = String(out.dropLast(2)) + "≈ "
                        text.removeFirst()
                    } else if out.hasSuffix("≈ ") {
                        text.removeFirst()
                    }
                }
                out += text
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

    /// A value that needs parentheses as an operand: negative, a sum, or a
    /// product or quotient with a root (−3/5·√5, 1−6/5·√5); √5 and 4/3 do not.
    static func isCompound(_ text: String) -> Bool {
        let body = text.hasPrefix("≈") ? String(text.dropFirst()) : text
        if body.hasPrefix("-") || body.hasPrefix("−") { return true }
        if body.dropFirst().contains(where: { "+-−".contains($0) }) && !body.contains("e") { return true }
        let hasRoot = body.contains("√") || body.contains("sqrt")
        return hasRoot && (body.contains("·") || body.contains("*") || body.contains("/"))
    }

    static let operators: Set<Character> = ["+", "-", "−", "*", "·", "/", "×", "(", "^", "⊙"]

    /// Superscripts that make the value before them a base: x², x³, x^n.
    static let powers: Set<Character> = ["²", "³", "^", "⁻"]

    /// The first non-blank character of the text after a placeholder.
    static func nextCharacter(_ pieces: [Template.Piece], after index: Int) -> Character? {
        guard index + 1 < pieces.count, case .text(let text) = pieces[index + 1] else { return nil }
        return text.first { $0 != " " }
    }

    private func value(
        _ placeholder: Placeholder, line: Int, parenthesize: Bool, fractions: Bool = false, concealment: Concealment
    ) throws -> String {
        if let partner = placeholder.partner {
            // {dot: a, b}: each product written out.
            let left = try evaluate(placeholder.expression, in: exact, line: line).items
            let right = try evaluate(partner, in: exact, line: line).items
            guard left.count == right.count else {
                throw error(
                    line, "{\(placeholder.source.clipped)}: the two lists have \(left.count) and \(right.count) values")
            }
            let operand = { (value: Surd) -> String in
                let text = self.format.short(value)
                return Self.isCompound(text) ? "(\(text))" : text
            }
            return zip(left, right).map { operand($0) + " · " + operand($1) }.joined(separator: " + ")
        }
        let expression = placeholder.expression
        var items: [String]
        let given = isGivenData(expression)
        switch placeholder.format {
        case .f64:
            items = try evaluate(expression, in: double, line: line).items.map { value in
                !given && hides(Double(value), concealment) ? "?" : format.float(value)
            }
        case .f32:
            guard let float else { throw error(line, "{\(placeholder.source.clipped)}: no run targets f32") }
            items = try evaluate(expression, in: float, line: line).items.map { value in
                !given && hides(Double(value), concealment) ? "?" : format.float(value)
            }
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
                switch placeholder.joiner {
                // Terms of a written-out sum need parentheses only when negative.
                case .sum, .list: return negative ? "(\(item))" : item
                default:
                    let fraction = fractions && item.contains("/")
                    return negative || Self.isCompound(item) || fraction ? "(\(item))" : item
                }
            }
        }
        if items.count == 1 { return items[0] }
        switch placeholder.joiner {
        case .bracketed: return "[" + items.joined(separator: ", ") + "]"
        case .list: return items.joined(separator: ", ")
        case .sum: return items.joined(separator: " + ")
        case .product: return items.joined(separator: " · ")
        case .dot: return items.joined(separator: " + ")
        }
    }

    /// Whether a float's exact value is an answer still to be given.
    private func hides(_ value: Double, _ concealment: Concealment) -> Bool {
        guard !concealment.isEmpty, let exact = try? Rational(exactly: value) else { return false }
        return concealment.question(hiding: Surd(exact)) != nil
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
