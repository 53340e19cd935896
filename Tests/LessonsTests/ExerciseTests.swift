import Foundation
import XCTest

@testable import Lessons

/// `normlab exercise`: a student's Python function checked intermediate by
/// intermediate against the exact trace.
final class ExerciseTests: XCTestCase {
    static let exercises = repositoryRoot.appendingPathComponent("Tests/LessonsTests/Exercises").path

    var run: LessonRun { repositoryLessons.first { $0.lesson.id == "bn-backward-graph" }! }

    /// Python 3 with NumPy must be present for the checks themselves; when it
    /// is not, the runner must say so (tested below), and this says why the
    /// rest cannot run here.
    func requirePythonWithNumPy() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let python = ExerciseRunner.findPython(environment) else {
            throw XCTSkip("no python3 on PATH: the exercise checks need Python 3 with NumPy")
        }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: python)
        probe.arguments = ["-c", "import numpy"]
        probe.standardError = Pipe()
        try probe.run()
        probe.waitUntilExit()
        if probe.terminationStatus != 0 { throw XCTSkip("\(python) has no NumPy: the exercise checks need it") }
    }

    func testTheCasesAreTheLessonsRuns() throws {
        let cases = try XCTUnwrap(try run.exerciseCases())
        XCTAssertEqual(cases.map(\.run), ["main", "check"])
        XCTAssertEqual(cases[0].arguments.map(\.python), ["x", "gamma", "beta", "dout", "eps"])
        XCTAssertEqual(cases[0].arguments.first { $0.python == "dout" }?.values, [1, 0, 2, 1, 0, -1, -1, 2])
        XCTAssertEqual(cases[0].arguments.last?.isScalar, true)
        XCTAssertEqual(cases[1].arguments[0].shape, [5, 3])
        // Kratzert's order, forward then backward.
        XCTAssertEqual(cases[0].expected.map(\.check.name).prefix(4), ["mu", "xmu", "sq", "var"])
        XCTAssertEqual(cases[0].expected.last?.check.name, "dx")
        XCTAssertEqual(cases[0].expected.first { $0.check.name == "var" }?.values.map(\.description), ["5", "5"])
    }

    func testTheTemplateListsEveryIntermediate() throws {
        let template = try XCTUnwrap(try run.exerciseTemplate())
        XCTAssertTrue(template.contains("def batchnorm_forward_backward(x, gamma, beta, dout, eps):"), template)
        for check in run.lesson.exercise!.checks {
            XCTAssertTrue(template.contains("# r[\"\(check.name)\"] = ..."), check.name)
        }
    }

    func testACompleteSolutionPasses() throws {
        try requirePythonWithNumPy()
        let report = try ExerciseRunner(run: run).check(file: Self.exercises + "/bn_backward_solution.py")
        XCTAssertTrue(report.passed, report.text(unicode: true))
        XCTAssertEqual(report.rows.count, 23)
        // Some intermediates are correctly rounded, the others within tolerance.
        XCTAssertTrue(report.rows.contains { $0.status == .exact })
        XCTAssertTrue(report.text(unicode: true).contains("23 of 23 intermediates correct. All done."))
    }

    func testMistakesAreFoundAndNamed() throws {
        try requirePythonWithNumPy()
        let report = try ExerciseRunner(run: run).check(file: Self.exercises + "/bn_backward_halfway.py")
        XCTAssertFalse(report.passed)
        func status(_ name: String) -> ExerciseReport.Status? { report.rows.first { $0.name == name }?.status }
        XCTAssertEqual(status("mu")?.passed, true)
        guard case .wrong(let variance)? = status("var") else { return XCTFail("var should be wrong") }
        XCTAssertTrue(variance.contains("4/3 times too large: N − 1 where N = 4 is meant?"), variance)
        XCTAssertTrue(variance.contains("expected 5.00000, got 6.666666666666667"), variance)
        guard case .wrong(let sign)? = status("dsqrtvar") else { return XCTFail("dsqrtvar should be wrong") }
        XCTAssertTrue(sign.contains("wrong sign"), sign)
        XCTAssertEqual(status("dxmu1"), .missing)
        XCTAssertEqual(status("dx"), .missing)
        XCTAssertTrue(report.text(unicode: true).contains("Next: var"), report.text(unicode: true))
    }

    func testErrorsInTheStudentsCodeAreShown() throws {
        try requirePythonWithNumPy()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("exercise-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let raising = folder.appendingPathComponent("raising.py").path
        try
            "def batchnorm_forward_backward(x, gamma, beta, dout, eps):\n    return {'mu': x.mean(axis=0) / 0 + undefined_name}\n"
            .write(toFile: raising, atomically: true, encoding: .utf8)
        let report = try ExerciseRunner(run: run).check(file: raising)
        XCTAssertEqual(report.caseErrors.count, 2)
        XCTAssertTrue(report.caseErrors[0].message.contains("NameError"), report.caseErrors[0].message)
        let misnamed = folder.appendingPathComponent("misnamed.py").path
        try "def something_else():\n    return {}\n".write(toFile: misnamed, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ExerciseRunner(run: run).check(file: misnamed)) { error in
            XCTAssertTrue("\(error)".contains("defines no function batchnorm_forward_backward()"), "\(error)")
        }
        let broken = folder.appendingPathComponent("broken.py").path
        try "def batchnorm_forward_backward(:\n".write(toFile: broken, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ExerciseRunner(run: run).check(file: broken)) { error in
            XCTAssertTrue((error as? ExerciseError)?.detail?.contains("SyntaxError") ?? false, "\(error)")
        }
    }

    /// Without Python, or without NumPy, the runner says which is missing.
    func testMissingPythonOrNumPyIsNamed() throws {
        var environment = ProcessInfo.processInfo.environment
        environment["NORMLAB_PYTHON"] = "/nonexistent/python3"
        XCTAssertThrowsError(
            try ExerciseRunner(run: run, environment: environment).check(
                file: Self.exercises + "/bn_backward_solution.py")
        ) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/python3 does not exist"), "\(error)")
        }
        environment["NORMLAB_PYTHON"] = nil
        environment["PATH"] = "/nonexistent"
        XCTAssertThrowsError(
            try ExerciseRunner(run: run, environment: environment).check(
                file: Self.exercises + "/bn_backward_solution.py")
        ) { error in
            XCTAssertTrue("\(error)".contains("no python3 was found on PATH"), "\(error)")
        }
        // A NumPy that cannot be imported, put first on the module path.
        guard let python = ExerciseRunner.findPython(ProcessInfo.processInfo.environment) else {
            throw XCTSkip("no python3 on PATH to check the NumPy message with")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("no-numpy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "raise ImportError('no numpy here')\n".write(
            to: folder.appendingPathComponent("numpy.py"), atomically: true, encoding: .utf8)
        var withoutNumPy = ProcessInfo.processInfo.environment
        withoutNumPy["NORMLAB_PYTHON"] = python
        withoutNumPy["PYTHONPATH"] = folder.path
        XCTAssertThrowsError(
            try ExerciseRunner(run: run, environment: withoutNumPy).check(
                file: Self.exercises + "/bn_backward_solution.py")
        ) { error in
            XCTAssertTrue("\(error)".contains("exercises need NumPy"), "\(error)")
            XCTAssertTrue("\(error)".contains("-m pip install numpy"), "\(error)")
        }
    }
}
