import Exact
import Foundation

/// Why an exercise could not be checked at all (the CLI exits 2).
public struct ExerciseError: Error, CustomStringConvertible, Sendable {
    /// One line: what is wrong.
    public let message: String
    /// More lines, e.g. Python's traceback.
    public let detail: String?
    public init(_ message: String, detail: String? = nil) {
        self.message = message
        self.detail = detail
    }
    public var description: String { message }
}

/// Runs a student's Python file on an exercise's cases and compares every
/// intermediate it returns with the exact values. Python 3 with NumPy is
/// needed for this, and only for this.
public struct ExerciseRunner {
    public let run: LessonRun
    /// The Python interpreter: $NORMLAB_PYTHON, else python3 (or python) on $PATH.
    public let python: String?
    /// Seconds the student's code may take for all cases together.
    public var timeout: TimeInterval = 60

    /// The environment the interpreter runs in.
    let environment: [String: String]

    public init(run: LessonRun, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.run = run
        self.environment = environment
        python = Self.findPython(environment)
    }

    static func findPython(_ environment: [String: String]) -> String? {
        if let given = environment["NORMLAB_PYTHON"], !given.isEmpty { return given }
        for directory in (environment["PATH"] ?? "/usr/bin:/bin").components(separatedBy: ":") where !directory.isEmpty
        {
            for name in ["python3", "python"] {
                let path = (directory as NSString).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
        }
        return nil
    }

    /// Checks `file`; throws `ExerciseError` when it cannot be checked.
    public func check(file: String) throws -> ExerciseReport {
        guard let exercise = run.lesson.exercise, let cases = try run.exerciseCases() else {
            throw ExerciseError("lesson \(run.lesson.id) has no exercise")
        }
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw ExerciseError("cannot read the file \(file)")
        }
        guard let python else {
            throw ExerciseError(
                "exercises run your code with Python 3 and NumPy, and no python3 was found on PATH (set NORMLAB_PYTHON to the interpreter)"
            )
        }
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw ExerciseError("the Python interpreter \(python) does not exist or cannot be run (NORMLAB_PYTHON)")
        }
        let request: [String: Any] = [
            "file": (file as NSString).isAbsolutePath ? file : FileManager.default.currentDirectoryPath + "/" + file,
            "function": exercise.function,
            "cases": cases.map { exerciseCase in
                [
                    "run": exerciseCase.run,
                    "arguments": exerciseCase.arguments.map { argument in
                        [
                            "name": argument.python, "shape": argument.shape, "scalar": argument.isScalar,
                            "values": argument.values.map(Self.hex),
                        ] as [String: Any]
                    },
                ] as [String: Any]
            },
        ]
        let reply = try execute(python: python, request: request)
        switch reply["status"] as? String {
        case "ok": break
        case "no-numpy":
            throw ExerciseError(
                "exercises need NumPy, and \(python) (Python \(reply["python"] as? String ?? "?")) cannot import it: install it with \"\(python) -m pip install numpy\""
            )
        case "load-error":
            throw ExerciseError(
                "\(file) could not be loaded by Python (its traceback is above)", detail: reply["error"] as? String)
        case "no-function":
            throw ExerciseError("\(file): \(reply["error"] as? String ?? "") (expected \(exercise.function)(…))")
        default:
            throw ExerciseError("the Python side gave an answer NormLab cannot read")
        }
        let replies = reply["cases"] as? [[String: Any]] ?? []
        return ExerciseReport(
            lesson: run.lesson, exercise: exercise, cases: cases, replies: replies, file: file,
            python: reply["python"] as? String ?? "?", numpy: reply["numpy"] as? String ?? "?",
            batchSizes: Self.batchSizes(cases))
    }

    private func execute(python: String, request: [String: Any]) throws -> [String: Any] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "normlab-exercise-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("harness.py")
        try PythonHarness.source.write(to: script, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path]
        process.environment = environment
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { throw ExerciseError("cannot start \(python): \(error.localizedDescription)") }
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: request))
        try? input.fileHandleForWriting.close()
        // Read both pipes while the process runs, so neither fills up.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            outData = output.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            errData = errors.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            group.wait()
            throw ExerciseError(
                "your code ran longer than \(Int(timeout)) s on the \(run.lesson.id) cases and was stopped")
        }
        group.wait()
        process.waitUntilExit()
        guard let reply = try? JSONSerialization.jsonObject(with: outData) as? [String: Any] else {
            let detail = String(decoding: errData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw ExerciseError(
                "\(python) ended without an answer (exit \(process.terminationStatus))",
                detail: detail.isEmpty ? nil : detail)
        }
        return reply
    }

    /// C99 hex, which Python's float.fromhex reads without rounding.
    static func hex(_ value: Double) -> String { hexString(value) }

    static func batchSizes(_ cases: [ExerciseCase]) -> [Int] {
        var sizes = Set<Int>()
        for exerciseCase in cases {
            for argument in exerciseCase.arguments where !argument.isScalar {
                for dim in argument.shape where dim >= 2 { sizes.insert(dim) }
            }
        }
        return sizes.sorted()
    }
}
