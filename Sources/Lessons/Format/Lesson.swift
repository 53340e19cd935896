import Exact
import Reference

/// A lesson as written in a `lessons/*.lesson` file, parsed once: front
/// matter, the reference computations it runs, its steps (prose, formulas,
/// tables, questions) and an optional exercise. Expressions and templates
/// are already parsed; nothing here holds a computed number — every value on
/// screen comes from a trace.
public struct Lesson: Sendable {
    /// The file name without extension, e.g. "bn-backward-graph".
    public var id: String
    public var title: String
    /// One line for the lesson list.
    public var summary: String
    /// Lesson ids worth doing first.
    public var assumes: [String]
    /// Position in the list (smaller first; ties by id).
    public var order: Int
    /// The computations the lesson runs; the first is the main run, which
    /// `--input` replaces with the student's own numbers.
    public var runs: [RunSpec]
    public var steps: [LessonStep]
    /// A function to write in Python, checked against the traces.
    public var exercise: Exercise?
    /// Where the lesson came from, for error messages.
    public var file: String

    public var mainRun: RunSpec { runs[0] }

    /// Every question, as (step index, question index).
    public var questionKeys: [QuestionKey] {
        steps.indices.flatMap { step in steps[step].questions.indices.map { QuestionKey(step: step, question: $0) } }
    }
}

/// A question's place: step and question, both 0-based; printed 1-based
/// ("2.1") in the progress file.
public struct QuestionKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let step: Int
    public let question: Int

    public init(step: Int, question: Int) {
        self.step = step
        self.question = question
    }

    /// "step.question", 1-based.
    public var description: String { "\(step + 1).\(question + 1)" }

    public init?(_ text: String) {
        let parts = text.split(separator: ".")
        guard parts.count == 2, let step = Int(parts[0]), let question = Int(parts[1]), step >= 1, question >= 1
        else { return nil }
        self.init(step: step - 1, question: question - 1)
    }

    public static func < (a: QuestionKey, b: QuestionKey) -> Bool { (a.step, a.question) < (b.step, b.question) }
}

/// One reference computation a lesson runs: an op and its example case.
public struct RunSpec: Sendable {
    public var name: String
    public var op: String
    /// Another run whose case this one starts from (so a comparison follows
    /// the student's own numbers too).
    public var like: String?
    public var precision: TargetPrecision?
    public var convention: String?
    public var params: [(name: String, value: String)]
    public var inputs: [(name: String, tensor: Tensor<Rational>)]
    public var line: Int
}

public struct LessonStep: Sendable {
    public var title: String
    var blocks: [Block]
    var questions: [Question]
    /// A hint for the step itself (questions carry their own).
    var hint: Template?
    public var line: Int

    public var questionCount: Int { questions.count }

    enum Block: Sendable {
        /// Prose; paragraphs are separated by "\n\n".
        case text(Template, line: Int)
        /// A formula in symbols.
        case formula(String, line: Int)
        /// The formula with the numbers filled in, then the value.
        case numbers(Template, line: Int)
        /// A trace step (or part of it): exact and floats side by side.
        case show(Expression, source: String, line: Int)
        /// A labelled expression over trace values, shown like a trace step;
        /// the label is mathematical notation, the expression is not shown.
        case compute(label: String, Expression, source: String, line: Int)
        /// A chart of trace values (or of a sweep of runs), drawn at the page's width.
        case plot(LessonPlot)
    }
}

struct Question: Sendable {
    enum Kind: Sendable {
        /// A number: an expression over the traces, and a relative tolerance.
        case numeric(answer: Expression, source: String, tolerance: Rational)
        /// Multiple choice: each option with the condition that makes it right.
        case choice([Choice])
    }

    struct Choice: Sendable {
        var text: Template
        var condition: Expression
        var source: String
    }

    /// A likely wrong answer, recognised by its value.
    struct Mistake: Sendable {
        var value: Expression
        var source: String
        var message: Template
        var line: Int
    }

    var prompt: Template
    var kind: Kind
    var hint: Template?
    /// How the answer is obtained, shown with it once it is revealed.
    var solution: Template?
    var mistakes: [Mistake]
    var line: Int

    var isChoice: Bool { if case .choice = kind { return true } else { return false } }
}

/// A Python function for the student to write, checked intermediate by
/// intermediate against the exact trace of each of the lesson's runs.
public struct Exercise: Sendable {
    public struct Check: Sendable {
        /// The key the student's function returns, e.g. "dxmu1".
        public var name: String
        /// What it is, in mathematical notation.
        public var label: String
        var value: Expression
        var source: String
        public var line: Int
    }

    public var title: String
    var text: Template?
    /// The Python function's name.
    public var function: String
    /// Its parameters: each a Python name bound to a trace input or parameter.
    public var arguments: [(python: String, trace: String)]
    /// The runs it is checked on (all runs with the main run's op if empty).
    public var runs: [String]
    public var checks: [Check]
    /// Relative to the largest exact value of an intermediate; default 1e-12.
    public var tolerance: Rational
    public var line: Int
}

/// A lesson file that cannot be read: which file, which line, and why — on
/// one line, whatever characters the file held.
public struct LessonFileError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let line: Int
    public let reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = oneLine(reason)
    }

    public var description: String { "\(oneLine(file)):\(line): \(reason)" }
}
