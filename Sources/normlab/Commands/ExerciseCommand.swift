import ArgumentParser
import Foundation
import Lessons

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `normlab exercise ID FILE`: check a Python function against a lesson's
/// exact trace, intermediate by intermediate.
struct ExerciseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exercise",
        abstract: "Check your own Python implementation of a lesson's computation against the exact values.",
        discussion: """
            With no ID, lists the lessons that have an exercise. With --template, prints a Python file \
            to start from. With a FILE, runs its function on the lesson's cases (with Python 3 and NumPy: \
            python3 on PATH, or $NORMLAB_PYTHON) and reports each intermediate it returns: exact (every \
            value the correctly rounded double), within tolerance, or the largest difference and, when the \
            numbers show it, the likely mistake. Exit status 0 when every intermediate is right, 1 when \
            some are not (yet), 2 when the file cannot be checked.
            """
    )

    @Argument(help: "The lesson whose exercise to check, e.g. bn-backward-graph.")
    var id: String?

    @Argument(help: "Your Python file.")
    var file: String?

    @Flag(help: "Print a Python file to start from.")
    var template = false

    @Option(help: "The folder holding the lesson files.")
    var lessonsDir: String?

    func validate() throws {
        if template && file != nil { throw ValidationError("--template prints a file; give either --template or FILE") }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let directory = lessonsDir ?? environment["NORMLAB_LESSONS"].flatMap { $0.isEmpty ? nil : $0 } ?? "lessons"
        let library = LessonLibrary(directory: directory)
        guard let id else {
            let withExercise = library.lessons.filter { $0.exercise != nil }
            guard !withExercise.isEmpty else { throw InputError("no lesson in \(directory) has an exercise") }
            var out = "Lessons with an exercise:\n\n"
            for lesson in withExercise {
                out += "  \(lesson.id)  \(lesson.exercise!.title)\n"
            }
            out += "\nStart with: normlab exercise \(withExercise[0].id) --template > exercise.py\n"
            print(out, terminator: "")
            return
        }
        if let broken = library.brokenLesson(id) { throw InputError("lesson file \(broken.description)") }
        guard let lesson = library.lesson(id) else {
            let suggestion = library.nearest(to: id).map { "; did you mean \"\($0)\"?" } ?? ""
            throw InputError(
                "no lesson \"\(id.count > 40 ? String(id.prefix(40)) + "…" : id)\" in \(directory)\(suggestion)")
        }
        guard lesson.exercise != nil else {
            throw InputError("lesson \(lesson.id) has no exercise (normlab exercise lists the ones that do)")
        }
        let run: LessonRun
        do { run = try LessonRun(lesson) } catch let error as LessonFileError {
            throw InputError("lesson file \(error.description)")
        }
        if template {
            print(try run.exerciseTemplate() ?? "", terminator: "")
            return
        }
        guard let file else {
            throw InputError(
                "give your Python file: normlab exercise \(lesson.id) FILE (normlab exercise \(lesson.id) --template prints one to start from)"
            )
        }
        let report: ExerciseReport
        do { report = try ExerciseRunner(run: run, environment: environment).check(file: file) } catch let error
            as ExerciseError
        {
            if let detail = error.detail { print(detail) }
            throw InputError(error.message)
        }
        let locale = environment["LC_ALL"] ?? environment["LC_CTYPE"] ?? environment["LANG"] ?? ""
        let unicode = locale.lowercased().contains("utf")
        print(report.text(unicode: unicode), terminator: "")
        if !report.passed {
            throw CheckFailure(message: "\(report.rows.filter { !$0.status.passed }.count) intermediates not right yet")
        }
    }
}
