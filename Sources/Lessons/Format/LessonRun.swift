import Exact
import Plots
import Reference

/// Finds an operation by name; tests may add their own.
public typealias OperationResolver = @Sendable (String) -> (any ReferenceOperation.Type)?

/// A lesson with its computations done: one `TraceSet` (exact, f64, maybe
/// f32) per run. Everything the renderer prints is read from here.
public struct LessonRun: Sendable {
    public let lesson: Lesson
    public let runs: [(name: String, traces: TraceSet)]
    /// Per run, the inputs and parameters that snapping to the target precision changed.
    public let snapped: [(run: String, changed: [String])]
    /// Where the student's numbers came from (`--input FILE`), if they did.
    public let studentSource: String?
    /// Each run's case as written, before snapping: parameters are shown
    /// the way they were given ("0.1", not the double's exact value).
    let written: [String: CaseInput]
    /// The data of every chart the lesson draws, by place.
    public internal(set) var charts: [ChartPlace: Chart] = [:]

    /// Runs every computation the lesson names, then evaluates every value
    /// the lesson shows once, so a lesson that cannot be shown fails here,
    /// before its first page. `studentInput` replaces the main run's case
    /// (and so that of the runs `like` it): its inputs replace the example's
    /// inputs entirely — an input the file leaves out takes the op's own
    /// default, never the lesson's example value — and its parameters
    /// override the lesson's.
    public init(
        _ lesson: Lesson, studentInput: CaseInput? = nil, studentSource: String? = nil,
        resolve: OperationResolver = { ReferenceOperations.named($0) }
    ) throws {
        self.lesson = lesson
        self.studentSource = studentInput == nil ? nil : (studentSource ?? "your case")
        var cases: [String: CaseInput] = [:]
        var runs: [(name: String, traces: TraceSet)] = []
        var snapped: [(run: String, changed: [String])] = []
        for (index, spec) in lesson.runs.enumerated() {
            func fail(_ reason: String) -> LessonFileError {
                LessonFileError(file: lesson.file, line: spec.line, reason: reason)
            }
            var input = spec.like.flatMap { cases[$0] } ?? CaseInput(op: spec.op)
            if !spec.op.isEmpty { input.op = spec.op }
            if let precision = spec.precision { input.precision = precision }
            if let convention = spec.convention { input.convention = convention }
            for (name, value) in spec.params { input.setParam(name, value) }
            if index == 0, let student = studentInput {
                guard student.op == input.op else {
                    throw LessonInputError(
                        "the case file is for op \"\(student.op)\", but lesson \(lesson.id) runs \"\(input.op)\"")
                }
                if let convention = student.convention { input.convention = convention }
                for (name, value) in student.params { input.setParam(name, value) }
                input.inputs = student.inputs
                if student.precisionWasGiven { input.precision = student.precision }
                try Self.checkStudentValues(input, lesson: lesson)
            } else {
                for (name, tensor) in spec.inputs { input.setInput(name, tensor) }
            }
            guard let operation = resolve(input.op) else {
                throw fail("run \(spec.name): there is no op \"\(input.op)\" (not merged yet, or misspelled)")
            }
            let followsStudent = studentInput != nil && (index == 0 || Self.follows(spec, in: lesson))
            do {
                runs.append((spec.name, try TraceSet(operation, input: input)))
            } catch let error as ReferenceError {
                if followsStudent {
                    throw LessonInputError(
                        "lesson \(lesson.id)\(index == 0 ? "" : " (run \(spec.name))"): \(error.message)\(Self.exampleNote(lesson))"
                    )
                }
                throw fail("run \(spec.name) (op \(input.op)): \(error.message)")
            } catch {
                throw fail("run \(spec.name) (op \(input.op)): \(error)")
            }
            cases[spec.name] = input
            snapped.append((spec.name, input.snappedToPrecision().changed))
        }
        self.runs = runs
        self.snapped = snapped
        self.written = cases
        do {
            try validate()
            charts = try computeCharts(cases: cases, resolve: resolve)
        } catch let failure as ValidationFailure {
            if studentInput != nil {
                let place = failure.step.map { " at step \($0 + 1) (\(lesson.steps[$0].title))" } ?? ""
                throw LessonInputError(
                    "lesson \(lesson.id) cannot show your numbers\(place): \(failure.message)\(Self.exampleNote(lesson))"
                )
            }
            throw LessonFileError(file: lesson.file, line: failure.line, reason: failure.message)
        }
    }

    /// A run from traces already computed (no validation).
    init(
        lesson: Lesson, runs: [(name: String, traces: TraceSet)], snapped: [(run: String, changed: [String])],
        studentSource: String?, written: [String: CaseInput], charts: [ChartPlace: Chart]
    ) {
        self.lesson = lesson
        self.runs = runs
        self.snapped = snapped
        self.studentSource = studentSource
        self.written = written
        self.charts = charts
    }

    /// A parameter as it was written in the lesson or the student's case.
    func writtenParameter(run: String, _ name: String) -> String? { written[run]?.param(name) }

    /// Whether a run starts from the main run's case, directly or through others.
    static func follows(_ spec: RunSpec, in lesson: Lesson) -> Bool {
        var source = spec.like
        var seen = 0
        while let name = source, seen < lesson.runs.count {
            if name == lesson.runs[0].name { return true }
            source = lesson.runs.first { $0.name == name }?.like
            seen += 1
        }
        return false
    }

    /// "; this lesson's example has x [4,2], gamma [2], …": what a case for
    /// this lesson looks like.
    static func exampleNote(_ lesson: Lesson) -> String {
        let inputs = lesson.runs[0].inputs.map {
            "\($0.name) [\($0.tensor.shape.map(String.init).joined(separator: ","))]"
        }
        return inputs.isEmpty ? "" : "; the lesson's own example has " + inputs.joined(separator: ", ")
    }

    /// The student's numbers are finite in the run's precision (the float
    /// runs see them too) before anything is snapped or computed.
    static func checkStudentValues(_ input: CaseInput, lesson: Lesson) throws {
        for (name, tensor) in input.inputs {
            if let index = tensor.values.firstIndex(where: { !LessonNumber.isFinite($0, in: input.precision) }) {
                throw LessonInputError(
                    "\(name)[\(index)] = \(Surd(tensor.values[index]).decimalString(significantDigits: 6)) is beyond the largest \(input.precision.rawValue) (\(LessonNumber.largest(input.precision)))"
                )
            }
            guard tensor.count <= LessonParser.maximumInputValues else {
                throw LessonInputError(
                    "\(name) has \(tensor.count) values; a lesson takes at most \(LessonParser.maximumInputValues) per input"
                )
            }
        }
        for (name, text) in input.params {
            guard text.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) ?? false else { continue }
            let value: Rational
            do { value = try LessonNumber.parse(text) } catch let error as ExpressionError {
                throw LessonInputError("parameter \(name): \(error.message)")
            }
            if !LessonNumber.isFinite(value, in: input.precision) {
                throw LessonInputError(
                    "parameter \(name) = \(text.clipped) is beyond the largest \(input.precision.rawValue) (\(LessonNumber.largest(input.precision)))"
                )
            }
        }
    }

    func context<S: ReferenceScalar>(_ pick: (TraceSet) -> Trace<S>?) -> EvaluationContext<S>? {
        var traces: [(name: String, trace: Trace<S>, input: CaseInput)] = []
        for run in runs {
            guard let trace = pick(run.traces) else { continue }
            traces.append((run.name, trace, run.traces.input))
        }
        guard let first = traces.first else { return nil }
        return EvaluationContext(traces: traces, defaultRun: first.name)
    }

    var exactContext: EvaluationContext<Surd> {
        var context = context { $0.exact }!
        let double = doubleContext
        context.precisions["f64"] = { expression in try LessonRun.lift(try double.evaluate(expression), "f64") }
        if let float = floatContext {
            context.precisions["f32"] = { expression in try LessonRun.lift(try float.evaluate(expression), "f32") }
        }
        return context
    }

    static func lift<F: ReferenceScalar>(_ values: Values<F>, _ name: String) throws -> (
        shape: [Int], items: [Rational]
    ) {
        let items = try values.items.map { item -> Rational in
            guard let value = item.exactValue?.rationalValue else {
                throw ExpressionError("the \(name) value \(item) is not finite")
            }
            return value
        }
        return (values.shape, items)
    }

    var doubleContext: EvaluationContext<Double> { context { $0.f64 }! }
    /// Float32 values exist only for runs that target f32.
    var floatContext: EvaluationContext<Float>? { context { $0.f32 } }

    /// The exact value of an expression, or the error with the lesson line.
    func exact(_ expression: Expression, line: Int) throws -> Values<Surd> {
        do { return try exactContext.evaluate(expression) } catch let error as ExpressionError {
            throw LessonFileError(file: lesson.file, line: line, reason: error.message)
        }
    }

    /// The exact scalar of an expression that must give one value.
    func exactScalar(_ expression: Expression, source: String, line: Int) throws -> Surd {
        let value = try exact(expression, line: line)
        guard let scalar = value.scalar else {
            throw LessonFileError(
                file: lesson.file, line: line,
                reason: "\"\(source.clipped)\" gives \(value.items.count) values, not one")
        }
        return scalar
    }
}

/// The student's own numbers do not fit the lesson (exit 2 in the CLI).
public struct LessonInputError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension CaseInput {
    /// Case files say their precision only when they mean it; the default
    /// f64 of an empty `CaseInput` should not override a lesson's f32 run.
    var precisionWasGiven: Bool { precision == .f32 }
}

// MARK: - Validation

/// A value the lesson cannot show: where and why.
struct ValidationFailure: Error {
    let step: Int?
    let line: Int
    let message: String
}

extension LessonRun {
    /// Evaluates every expression the lesson shows — exactly and in f64 (and
    /// f32 where a run targets it) — and every question's answer.
    func validate() throws {
        let exact = exactContext
        let double = doubleContext
        let float = floatContext
        func check(_ expression: Expression, step: Int?, line: Int, floats: Bool = false) throws {
            do {
                _ = try exact.evaluate(expression)
                if floats {
                    _ = try double.evaluate(expression)
                    if let float, usesOnlyFloat32Runs(expression) { _ = try float.evaluate(expression) }
                }
            } catch let error as ExpressionError {
                throw ValidationFailure(step: step, line: line, message: error.message)
            }
        }
        func check(_ template: Template, step: Int?, line: Int) throws {
            for piece in template.pieces {
                switch piece {
                case .text: continue
                case .value(let placeholder):
                    try check(placeholder.expression, step: step, line: line)
                    if let partner = placeholder.partner { try check(partner, step: step, line: line) }
                    if placeholder.format == .f64 {
                        try check(placeholder.expression, step: step, line: line, floats: true)
                    }
                case .conditional(let condition, let source, let then, let otherwise):
                    try check(condition, step: step, line: line)
                    let value = try exact.evaluate(condition)
                    guard let scalar = value.scalar else {
                        throw ValidationFailure(
                            step: step, line: line,
                            message: "{if: \(source.clipped)}: the condition gives \(value.items.count) values, not one"
                        )
                    }
                    try check(scalar.isZero ? otherwise : then, step: step, line: line)
                }
            }
        }
        for (index, step) in lesson.steps.enumerated() {
            for block in step.blocks {
                switch block {
                case .text(let template, let line), .numbers(let template, let line):
                    try check(template, step: index, line: line)
                case .formula, .plot: continue
                case .show(let expression, _, let line), .compute(_, let expression, _, let line):
                    try check(expression, step: index, line: line, floats: true)
                }
            }
            if let hint = step.hint { try check(hint, step: index, line: step.line) }
            for question in step.questions {
                let line = question.line
                try check(question.prompt, step: index, line: line)
                if let hint = question.hint { try check(hint, step: index, line: line) }
                if let solution = question.solution { try check(solution, step: index, line: line) }
                switch question.kind {
                case .numeric(let answer, let source, _):
                    try check(answer, step: index, line: line)
                    if (try? exact.evaluate(answer))?.scalar == nil {
                        throw ValidationFailure(
                            step: index, line: line,
                            message: "the answer \"\(source.clipped)\" gives several values, not one")
                    }
                case .choice(let choices):
                    var right = 0
                    for choice in choices {
                        try check(choice.text, step: index, line: line)
                        try check(choice.condition, step: index, line: line)
                        guard let scalar = try exact.evaluate(choice.condition).scalar else {
                            throw ValidationFailure(
                                step: index, line: line,
                                message: "the condition \"\(choice.source.clipped)\" gives several values, not one")
                        }
                        if !scalar.isZero { right += 1 }
                    }
                    guard right == 1 else {
                        throw ValidationFailure(
                            step: index, line: line,
                            message: "exactly one choice must be right, but \(right) conditions hold on these numbers")
                    }
                }
                for mistake in question.mistakes {
                    try check(mistake.value, step: index, line: mistake.line)
                    try check(mistake.message, step: index, line: mistake.line)
                }
            }
        }
    }

    /// Whether every run the expression reads targets f32 (so an f32 column exists).
    func usesOnlyFloat32Runs(_ expression: Expression) -> Bool {
        Set(expression.references.map { $0.run ?? runs[0].name }).allSatisfy { name in
            runs.first { $0.name == name }?.traces.f32 != nil
        }
    }
}
