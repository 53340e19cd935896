import ArgumentParser
import Foundation
import Lessons
import OrderedJSON
import Reference
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `normlab lesson [ID]`: list the lessons, or step through one.
struct LessonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson",
        abstract: "Step through a lesson with exact and floating-point numbers side by side.",
        discussion: """
        With no ID, lists the lessons with your progress and what to do next. With an ID, \
        steps through that lesson (keys: n/enter next, b back, h hint, a answer, q quit), \
        resuming where you left off; progress is kept in $XDG_STATE_HOME/normlab/progress.json \
        (default ~/.local/state/normlab/). When standard output is not a terminal, or with \
        --all, the whole lesson is printed at once. Lessons are read from --lessons-dir, \
        else $NORMLAB_LESSONS, else ./lessons.
        """
    )

    @Argument(help: "The lesson to run, e.g. bn-forward. Omit to list the lessons.")
    var id: String?

    @Flag(help: "Print the whole lesson at once, answers included (the default when not on a terminal).")
    var all = false

    @Option(help: "A case file with your own numbers for the lesson's main computation (as `normlab trace --input` reads).")
    var input: String?

    @Flag(help: "Show only the exact column.")
    var exactOnly = false

    @Flag(help: "Show only the floating-point columns.")
    var doubleOnly = false

    @Flag(help: "Plain ASCII without colour (also when NO_COLOR is set).")
    var plain = false

    @Option(help: "The folder holding the lesson files.")
    var lessonsDir: String?

    @Option(help: "Wrap to this many columns instead of the terminal's width (80 when not on a terminal).")
    var width: Int?

    @Flag(help: "Keep long exact values on their table rows instead of rounding them to fit the width.")
    var wide = false

    @Flag(help: "Start the lesson from its first step instead of resuming.")
    var restart = false

    func validate() throws {
        if exactOnly && doubleOnly { throw ValidationError("--exact-only and --double-only exclude each other") }
        if let width, width < 40 { throw ValidationError("--width \(width) must be at least 40") }
        if input != nil && id == nil { throw ValidationError("--input needs a lesson id") }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let (directory, origin) = lessonDirectory(environment: environment)
        let library: LessonLibrary
        do { library = try LessonLibrary(directory: directory) } catch let error as LessonFileError {
            throw InputError("lesson file \(error.description)")
        }
        guard !library.lessons.isEmpty else {
            let absolute = (directory as NSString).isAbsolutePath ? directory : FileManager.default.currentDirectoryPath + "/" + directory
            throw InputError("no lessons found: looked for *.lesson files in \(absolute) (\(origin)); give --lessons-dir DIR or set NORMLAB_LESSONS, or run from the NormLab folder")
        }
        let progressPath = LessonProgress.defaultPath(environment: environment)
        var progress = LessonProgress.load(from: progressPath)
        let options = renderOptions(environment: environment)

        guard let id else {
            print(listing(library, progress: progress, options: options), terminator: "")
            return
        }
        guard let lesson = library.lesson(id) else {
            let suggestion = library.nearest(to: id).map { "; did you mean \"\($0)\"?" } ?? ""
            throw InputError("no lesson \"\(id)\" in \(directory)\(suggestion) (normlab lesson lists them)")
        }
        let run: LessonRun
        do { run = try LessonRun(lesson, studentInput: try studentCase()) }
        catch let error as LessonInputError { throw InputError("--input \(input ?? ""): \(error.message)") }
        catch let error as LessonFileError { throw InputError("lesson file \(error.description)") }
        let renderer = LessonRenderer(run, options: options)

        let interactive = !all && isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1
        do {
            if !interactive {
                print(try renderer.renderAll(), terminator: "")
                return
            }
            var entry = progress.lessons[lesson.id] ?? LessonProgress.Entry(steps: lesson.steps.count)
            if entry.done || restart { entry.step = 0 }
            var session = LessonSession(renderer, step: entry.step, answered: entry.answered)
            var intro = renderer.header()
            if session.step > 0 { intro += "Resuming at step \(session.step + 1) of \(lesson.steps.count) (--restart starts over).\n" }
            write(intro + "\n" + (try session.screen()))
            func record() {
                entry.step = session.step
                entry.steps = lesson.steps.count
                entry.answered = session.answered.sorted()
                if session.finished { entry.done = true; entry.step = 0 }
                progress.lessons[lesson.id] = entry
                try? progress.save(to: progressPath)
            }
            record()
            while !session.finished && !session.quit {
                write(session.prompt)
                guard let line = readLine(strippingNewline: true) else {
                    write("\n")
                    _ = try session.handle("q")
                    break
                }
                write(try session.handle(line))
                record()
            }
            record()
        } catch let error as LessonFileError {
            throw InputError("lesson \(lesson.id): \(error.description)")
        }
    }

    /// --lessons-dir, else $NORMLAB_LESSONS, else ./lessons.
    func lessonDirectory(environment: [String: String]) -> (String, String) {
        if let lessonsDir { return (lessonsDir, "from --lessons-dir") }
        if let fromEnvironment = environment["NORMLAB_LESSONS"], !fromEnvironment.isEmpty { return (fromEnvironment, "from NORMLAB_LESSONS") }
        return ("lessons", "lessons/ under the current directory")
    }

    func renderOptions(environment: [String: String]) -> RenderOptions {
        let onTerminal = isatty(STDOUT_FILENO) == 1
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let locale = environment["LC_ALL"] ?? environment["LC_CTYPE"] ?? environment["LANG"] ?? ""
        let utf8 = locale.lowercased().contains("utf-8") || locale.lowercased().contains("utf8")
        let fancy = !plain && !noColor && environment["TERM"] != "dumb"
        var columns = RenderOptions.Columns.both
        if exactOnly { columns = .exactOnly }
        if doubleOnly { columns = .doubleOnly }
        return RenderOptions(unicode: fancy && utf8, color: fancy && onTerminal,
                             width: width ?? (onTerminal ? terminalWidth() : 80), columns: columns, wide: wide)
    }

    func studentCase() throws -> CaseInput? {
        guard let input else { return nil }
        guard let data = FileManager.default.contents(atPath: input) else { throw InputError("--input \(input): cannot read the file") }
        do {
            let json = try JSONValue(parsing: String(decoding: data, as: UTF8.self))
            return try CaseInput(json: json)
        } catch let error as ReferenceError {
            throw InputError("--input \(input): \(error.message)")
        } catch {
            throw InputError("--input \(input): \(error)")
        }
    }

    /// The lesson list with progress and a one-line hint of what to do next.
    func listing(_ library: LessonLibrary, progress: LessonProgress, options: RenderOptions) -> String {
        let idWidth = library.lessons.map(\.id.count).max() ?? 0
        let statusWidth = library.lessons.map { progress.status(of: $0).count }.max() ?? 0
        var out = "NormLab lessons (\(library.directory)):\n\n"
        for lesson in library.lessons {
            let status = progress.status(of: lesson)
            let idColumn: String = lesson.id.padding(toLength: idWidth, withPad: " ", startingAt: 0)
            let statusColumn: String = status.padding(toLength: statusWidth, withPad: " ", startingAt: 0)
            let line = "  \(idColumn)  \(statusColumn)  \(lesson.title)"
            out += (line.count > options.width ? String(line.prefix(options.width - 1)) + "…" : line) + "\n"
        }
        out += "\n"
        if let next = progress.next(in: library) {
            out += next.resume
                ? "Next: normlab lesson \(next.lesson.id)   (resume where you left off; keys n b h a q)\n"
                : "Next: normlab lesson \(next.lesson.id)   (--all prints a lesson at once)\n"
        } else {
            out += "All lessons done. Replay one with: normlab lesson ID --restart\n"
        }
        return options.unicode ? out : LessonRenderer.asciiOnly(out)
    }

    func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// The terminal's width in columns (ioctl TIOCGWINSZ), or 80.
func terminalWidth() -> Int {
    var size = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 40 { return Int(size.ws_col) }
    if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns >= 40 { return columns }
    return 80
}
