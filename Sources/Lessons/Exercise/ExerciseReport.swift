import Exact
import Foundation

/// What the student's function got right, intermediate by intermediate, in
/// the exercise's order, over all its cases.
public struct ExerciseReport: Sendable {
    public enum Status: Sendable, Equatable {
        /// Every value is the correctly rounded double of the exact value.
        case exact
        /// Within the exercise's tolerance, relative to the largest exact value.
        case withinTolerance(relative: Double, ulps: Double)
        /// Not within the tolerance; the message says where and, when the
        /// numbers show it, what went wrong.
        case wrong(String)
        /// The function does not return this key (yet).
        case missing

        public var passed: Bool {
            switch self {
            case .exact, .withinTolerance: return true
            default: return false
            }
        }
    }

    public struct Row: Sendable {
        public let name: String
        public let label: String
        public let status: Status
    }

    public let lessonID: String
    public let title: String
    public let rows: [Row]
    /// Errors raised by the student's code, per case.
    public let caseErrors: [(run: String, message: String)]
    public let header: String

    public var passed: Bool { caseErrors.isEmpty && rows.allSatisfy(\.status.passed) }

    init(
        lesson: Lesson, exercise: Exercise, cases: [ExerciseCase], replies: [[String: Any]], file: String,
        python: String, numpy: String, batchSizes: [Int]
    ) {
        lessonID = lesson.id
        title = exercise.title
        let shapes = cases.map { exerciseCase in
            let first = exerciseCase.arguments.first { !$0.isScalar }
            return exerciseCase.run
                + (first.map { " [" + $0.shape.map(String.init).joined(separator: "×") + "]" } ?? "")
        }
        header = "Python \(python), NumPy \(numpy); \(file); cases: \(shapes.joined(separator: ", "))"
        var errors: [(String, String)] = []
        var rows: [Row] = []
        let byRun = Dictionary(replies.compactMap { reply in (reply["run"] as? String).map { ($0, reply) } }) { a, _ in
            a
        }
        for (index, check) in exercise.checks.enumerated() {
            var status = Status.exact
            var worst = (relative: 0.0, ulps: 0.0)
            for exerciseCase in cases {
                let reply = byRun[exerciseCase.run] ?? [:]
                if reply["error"] != nil { continue }
                let results = reply["results"] as? [String: Any] ?? [:]
                guard let result = results[check.name] as? [String: Any] else {
                    status = .missing
                    break
                }
                let expected = exerciseCase.expected[index]
                let outcome = Self.compare(
                    result, shape: expected.shape, exact: expected.values, tolerance: exercise.tolerance,
                    run: exerciseCase.run, batchSizes: batchSizes)
                switch outcome {
                case .exact: continue
                case .withinTolerance(let relative, let ulps):
                    worst = (max(worst.relative, relative), max(worst.ulps, ulps))
                    status = .withinTolerance(relative: worst.relative, ulps: worst.ulps)
                default:
                    status = outcome
                }
                if case .wrong = status { break }
            }
            rows.append(Row(name: check.name, label: check.label, status: status))
        }
        for exerciseCase in cases {
            if let message = byRun[exerciseCase.run]?["error"] as? String { errors.append((exerciseCase.run, message)) }
        }
        if cases.allSatisfy({ byRun[$0.run]?["error"] != nil }) {
            rows = rows.map { Row(name: $0.name, label: $0.label, status: .missing) }
        }
        self.rows = rows
        caseErrors = errors
    }

    /// One intermediate of one case against its exact values.
    static func compare(
        _ result: [String: Any], shape: [Int], exact: [Surd], tolerance: Rational, run: String, batchSizes: [Int]
    ) -> Status {
        if let error = result["error"] as? String { return .wrong("in case \(run): \(error)") }
        let gotShape = result["shape"] as? [Int] ?? []
        let texts = result["values"] as? [String] ?? []
        var got = texts.map { text -> Double in
            if let value = try? Rational(parsing: text) { return value.rounded(to: Double.self) }
            return text.contains("-inf") ? -.infinity : text.contains("inf") ? .infinity : .nan
        }
        // Same number of values: a (1, D) result for a (D,) value is fine; a
        // single value stands for all of them, as NumPy would broadcast it.
        if got.count != exact.count {
            if got.count == 1 {
                got = Array(repeating: got[0], count: exact.count)
            } else if let columns = shape.last, got.count == columns, exact.count % columns == 0 {
                got = (0..<exact.count).map { got[$0 % columns] }
            } else {
                return .wrong("in case \(run): shape \(gotShape), expected \(shape)")
            }
        }
        let rounded = exact.map { $0.rounded(to: Double.self) }
        if zip(got, rounded).allSatisfy({ $0 == $1 }) { return .exact }
        // The largest difference, measured exactly.
        var worst = (index: 0, difference: Surd.zero)
        var scale = Surd.zero
        var ulps = 0.0
        for (index, value) in got.enumerated() {
            let target = exact[index]
            if target.magnitude > scale { scale = target.magnitude }
            guard value.isFinite, let float = try? Rational(exactly: value) else {
                return .wrong(
                    "in case \(run): \(value) at \(ValueTable.indexLabel(index, shape: shape)), expected \(target.decimalString(significantDigits: 6))"
                )
            }
            let difference = (Surd(float) - target).magnitude
            if difference > worst.difference { worst = (index, difference) }
            if !target.isZero, let error = FloatError.ulps(value, exact: target) {
                ulps = max(ulps, abs(error.doubleValue))
            }
        }
        let reference = scale.isZero ? Surd.one : scale
        let relative = (worst.difference / reference).doubleValue
        if worst.difference <= Surd(tolerance) * reference {
            return .withinTolerance(relative: relative, ulps: ulps)
        }
        let place = ValueTable.indexLabel(worst.index, shape: shape)
        var message =
            "max difference \(worst.difference.decimalString(significantDigits: 3)) at \(place.isEmpty ? "the value" : place) in case \(run) (expected \(exact[worst.index].decimalString(significantDigits: 6)), got \(got[worst.index]))"
        if let why = diagnose(got, exact, batchSizes: batchSizes) { message += ": " + why }
        return .wrong(message)
    }

    /// A factor that turns every exact value into the returned one, when one does.
    static func diagnose(_ got: [Double], _ exact: [Surd], batchSizes: [Int]) -> String? {
        let pairs = zip(got, exact.map(\.doubleValue)).filter { $0.1 != 0 }
        guard !pairs.isEmpty else { return nil }
        if got.allSatisfy({ $0 == 0 }) { return "every value is 0" }
        func holds(_ factor: Double) -> Bool {
            pairs.allSatisfy { abs($0.0 - factor * $0.1) <= 1e-9 * max(abs($0.1), 1e-300) + 1e-300 }
        }
        if holds(-1) { return "every value has the wrong sign" }
        for m in batchSizes where m >= 3 {
            let n = Double(m)
            if holds(n / (n - 1)) {
                return "every value is \(m)/\(m - 1) times too large: N − 1 where N = \(m) is meant?"
            }
            if holds((n - 1) / n) {
                return "every value is \(m - 1)/\(m) of the right one: N where N − 1 = \(m - 1) is meant?"
            }
        }
        for m in batchSizes {
            let n = Double(m)
            if holds(n) {
                return "every value is \(m) times too large: a sum where a mean is meant, or a missing / \(m)?"
            }
            if holds(1 / n) {
                return "every value is \(m) times too small: a mean where a sum is meant, or an extra / \(m)?"
            }
        }
        if holds(2) { return "every value is twice the right one" }
        if holds(0.5) { return "every value is half the right one" }
        return nil
    }

    /// The report as text: one line per intermediate and the next one to do.
    public func text(unicode: Bool) -> String {
        var out = "Exercise: \(title) (lesson \(lessonID))\n\(header)\n\n"
        let nameWidth = rows.map(\.name.count).max() ?? 0
        for row in rows {
            let status: String
            switch row.status {
            case .exact: status = "✓ exact (every value correctly rounded)"
            case .withinTolerance(let relative, let ulps):
                status =
                    "✓ within tolerance (relative error \(String(format: "%.1e", relative)), \(String(format: "%.2g", ulps)) ulp)"
            case .wrong(let message): status = "✗ " + message
            case .missing: status = "· not returned yet"
            }
            let indent = String(repeating: " ", count: nameWidth + 4)
            out += "  " + row.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  " + status + "\n"
            // What a key is, where it still needs work.
            if !row.status.passed { out += indent + row.label + "\n" }
        }
        for (run, message) in caseErrors {
            out +=
                "\nYour function raised an error in case \(run):\n"
                + message.components(separatedBy: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
        }
        let done = rows.filter(\.status.passed).count
        out += "\n\(done) of \(rows.count) intermediates correct."
        if let next = rows.first(where: { !$0.status.passed }) {
            out += " Next: \(next.name) (\(next.label))."
        } else if caseErrors.isEmpty {
            out += " All done."
        }
        out += "\n"
        return unicode ? out : out.asciiFolded
    }
}
