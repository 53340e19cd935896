import Exact
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

    /// Runs every computation the lesson names. `studentInput` replaces the
    /// main run's inputs and parameters (and so those of runs `like` it).
    public init(
        _ lesson: Lesson, studentInput: CaseInput? = nil,
        resolve: OperationResolver = { ReferenceOperations.named($0) }
    ) throws {
        self.lesson = lesson
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
            for (name, tensor) in spec.inputs { input.setInput(name, tensor) }
            if index == 0, let student = studentInput {
                guard student.op == input.op else {
                    throw LessonInputError(
                        "the case file is for op \"\(student.op)\", but lesson \(lesson.id) runs \"\(input.op)\"")
                }
                if let convention = student.convention { input.convention = convention }
                for (name, value) in student.params { input.setParam(name, value) }
                for (name, tensor) in student.inputs { input.setInput(name, tensor) }
                if student.precisionWasGiven { input.precision = student.precision }
            }
            guard let operation = resolve(input.op) else {
                throw fail("run \(spec.name): there is no op \"\(input.op)\" (not merged yet, or misspelled)")
            }
            do {
                runs.append((spec.name, try TraceSet(operation, input: input)))
            } catch let error as ReferenceError {
                if index == 0 && studentInput != nil { throw LessonInputError("your numbers: \(error.message)") }
                throw fail("run \(spec.name) (op \(input.op)): \(error.message)")
            } catch {
                throw fail("run \(spec.name) (op \(input.op)): \(error)")
            }
            cases[spec.name] = input
            snapped.append((spec.name, try input.snappedToPrecision().changed))
        }
        self.runs = runs
        self.snapped = snapped
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

    func hasFloat32(run: String?) -> Bool {
        let name = run ?? runs[0].name
        return runs.first { $0.name == name }?.traces.f32 != nil
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
