import Exact
import Reference

/// One case an exercise is checked on: the arguments the student's function
/// receives (the run's f64 inputs and parameters) and, for every check, the
/// exact values it must reproduce.
public struct ExerciseCase: Sendable {
    public struct Argument: Sendable {
        public let python: String
        public let shape: [Int]
        /// The f64 values, exactly the snapped inputs of the run.
        public let values: [Double]
        /// A parameter (a Python float), not an array.
        public let isScalar: Bool
    }

    public let run: String
    public let arguments: [Argument]
    /// Per check, in the exercise's order: the exact expected values.
    public let expected: [(check: Exercise.Check, shape: [Int], values: [Surd])]
}

extension LessonRun {
    /// The cases of the lesson's exercise: its runs, or every run with the
    /// main run's op; nil when the lesson has no exercise.
    public func exerciseCases() throws -> [ExerciseCase]? {
        guard let exercise = lesson.exercise else { return nil }
        let names =
            exercise.runs.isEmpty
            ? runs.filter { $0.traces.input.op == runs[0].traces.input.op }.map(\.name) : exercise.runs
        return try names.map { name in
            guard let entry = runs.first(where: { $0.name == name }) else {
                throw LessonFileError(file: lesson.file, line: exercise.line, reason: "there is no run \"\(name)\"")
            }
            var context = exactContext
            context.defaultRun = name
            var arguments: [ExerciseCase.Argument] = []
            for (python, traceName) in exercise.arguments {
                let value: Values<Surd>
                do { value = try context.lookup(run: name, name: traceName) } catch let error as ExpressionError {
                    throw LessonFileError(file: lesson.file, line: exercise.line, reason: error.message)
                }
                arguments.append(
                    ExerciseCase.Argument(
                        python: python, shape: value.shape, values: value.items.map { $0.rounded(to: Double.self) },
                        isScalar: value.shape.isEmpty && entry.traces.input.tensor(traceName) == nil))
            }
            let expected = try exercise.checks.map { check -> (Exercise.Check, [Int], [Surd]) in
                do {
                    let value = try context.evaluate(check.value)
                    return (check, value.shape, value.items)
                } catch let error as ExpressionError {
                    throw LessonFileError(file: lesson.file, line: check.line, reason: error.message)
                }
            }
            return ExerciseCase(run: name, arguments: arguments, expected: expected)
        }
    }
}

extension Exercise {
    /// A Python file to start from: the function, and one commented line per
    /// intermediate in the order they are checked.
    public func template(lessonID: String, text: String) -> String {
        let width = checks.map(\.name.count).max() ?? 0
        var out = "\"\"\"\(title) (NormLab lesson \(lessonID)).\n\n"
        out += wrapped(text, width: 76) + "\n\n"
        out += "Return a dict of NumPy arrays; each key below is checked against the exact\n"
        out += "values, in this order. Check your progress with:\n\n"
        out += "    normlab exercise \(lessonID) THIS_FILE.py\n\"\"\"\n\nimport numpy as np\n\n\n"
        out += "def \(function)(\(arguments.map(\.python).joined(separator: ", "))):\n    r = {}\n"
        for check in checks {
            out +=
                "    # r[\"\(check.name)\"] = ..." + String(repeating: " ", count: width - check.name.count)
                + "  # \(check.label)\n"
        }
        out += "    return r\n"
        return out
    }

    private func wrapped(_ text: String, width: Int) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines.joined(separator: "\n")
    }
}

extension LessonRun {
    /// The exercise's template with its prose filled in from the traces.
    public func exerciseTemplate() throws -> String? {
        guard let exercise = lesson.exercise else { return nil }
        let text =
            try exercise.text.map { try TemplateFiller(run: self, unicode: true).fill($0, line: exercise.line) } ?? ""
        return exercise.template(lessonID: lesson.id, text: text)
    }
}
