import ArgumentParser
import Foundation
import Lessons
import OrderedJSON
import Plots
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
            steps through that lesson, one screen per step, resuming where you left off. Keys: \
            space or ↓ pages through a long step, n, → or Enter goes to the next step, b or ← back; \
            at a question, typing a number (or a choice) starts your answer — Enter submits, Esc \
            cancels — h gives a hint and s shows the answer with its derivation (it is also shown \
            after two wrong tries); e shows long exact values in full; q quits. Keys piped into \
            standard input are read as lines. Progress is kept in $XDG_STATE_HOME/normlab/progress.json \
            (default ~/.local/state/normlab/). When standard output is not a terminal, or with \
            --all, the whole lesson is printed at once. Lessons are read from --lessons-dir, \
            else $NORMLAB_LESSONS, else ./lessons.
            """
    )

    @Argument(help: "The lesson to run, e.g. bn-forward. Omit to list the lessons.")
    var id: String?

    @Flag(help: "Print the whole lesson at once, answers included (the default when not on a terminal).")
    var all = false

    @Option(help: "Start at (or, with --all, print only) this step, 1-based.")
    var step: Int?

    @Option(
        help: "A case file with your own numbers for the lesson's main computation (as `normlab trace --input` reads).")
    var input: String?

    @Flag(help: "Show only the exact column.")
    var exactOnly = false

    @Flag(help: "Show only the floating-point columns.")
    var doubleOnly = false

    @Flag(help: "Plain ASCII without colour (also when NO_COLOR is set).")
    var plain = false

    @Option(help: "The folder holding the lesson files.")
    var lessonsDir: String?

    @Option(
        help: ArgumentHelp(
            "Wrap to this many columns (\(RenderOptions.minimumWidth) to \(RenderOptions.maximumWidth)) instead of the terminal's width (80 when not on a terminal)."
        ))
    var width: Int?

    @Flag(help: "Keep long exact values on their table rows instead of rounding them to fit the width.")
    var wide = false

    @Option(
        help: "Write each chart of the lesson as an SVG file into this folder (ID-step-N.svg) instead of running it.")
    var svg: String?

    @Flag(help: "Start the lesson from its first step, forgetting its answers (asks first).")
    var restart = false

    @Flag(help: "Forget your progress in lesson ID (asks first) and exit.")
    var reset = false

    @Flag(name: .long, help: "Do not ask before --reset or --restart forgets answers.")
    var yes = false

    func validate() throws {
        if exactOnly && doubleOnly { throw ValidationError("--exact-only and --double-only exclude each other") }
        // Values out of range are input errors: one line naming the value and the rule.
        if let width, !(RenderOptions.minimumWidth...RenderOptions.maximumWidth).contains(width) {
            throw InputError(
                "--width \(width) must be from \(RenderOptions.minimumWidth) to \(RenderOptions.maximumWidth) columns")
        }
        if let step, step < 1 { throw InputError("--step \(step) must be 1 or more") }
        if input != nil && id == nil { throw ValidationError("--input needs a lesson id") }
        if svg != nil && id == nil { throw ValidationError("--svg needs a lesson id") }
        if reset && id == nil { throw ValidationError("--reset needs a lesson id: normlab lesson --reset ID") }
        if reset && restart { throw ValidationError("--reset and --restart exclude each other") }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let (directory, origin) = lessonDirectory(environment: environment)
        let library = LessonLibrary(directory: directory)
        guard !library.lessons.isEmpty || !library.broken.isEmpty else {
            let absolute =
                (directory as NSString).isAbsolutePath
                ? directory : FileManager.default.currentDirectoryPath + "/" + directory
            throw InputError(
                "no lessons found: looked for *.lesson files in \(absolute) (\(origin)); give --lessons-dir DIR or set NORMLAB_LESSONS, or run from the NormLab folder"
            )
        }
        let progressPath = LessonProgress.defaultPath(environment: environment)
        var (progress, warning) = LessonProgress.load(from: progressPath)
        if let warning { writeToStandardError("normlab: " + warning) }
        let options = renderOptions(environment: environment)

        guard let id else {
            print(LessonListing(library: library, progress: progress, options: options).text, terminator: "")
            return
        }
        if let broken = library.brokenLesson(id) {
            throw InputError("lesson file \(broken.description)")
        }
        guard let lesson = library.lesson(id) else {
            let suggestion = library.nearest(to: id).map { "; did you mean \"\($0)\"?" } ?? ""
            throw InputError(
                "no lesson \"\(id.count > 40 ? String(id.prefix(40)) + "…" : id)\" in \(directory)\(suggestion) (normlab lesson lists them)"
            )
        }
        if let step, step > lesson.steps.count {
            throw InputError("--step \(step): lesson \(lesson.id) has \(lesson.steps.count) steps")
        }
        if reset || restart, let entry = progress.lessons[lesson.id] {
            let what = "your progress in \(lesson.id) (step \(entry.step + 1), \(entry.answered.count) answered)"
            guard yes || confirm("Forget \(what)? [y/N] ") else {
                print("Nothing changed.")
                return
            }
            progress.lessons[lesson.id] = nil
            try? progress.save(to: progressPath)
            if reset {
                print("Forgot \(what).")
                return
            }
        } else if reset {
            print("No progress recorded for \(lesson.id); nothing to forget.")
            return
        }

        let run: LessonRun
        do {
            run = try LessonRun(lesson, studentInput: try studentCase(), studentSource: input)
        } catch let error as LessonInputError {
            throw InputError("--input \(input ?? ""): \(error.message)")
        } catch let error as LessonFileError { throw InputError("lesson file \(error.description)") }
        if let svg {
            try writeCharts(of: run, to: svg)
            return
        }

        let interactive = !all && isatty(STDOUT_FILENO) == 1
        do {
            if !interactive {
                var printOptions = options
                printOptions.expandExact = true
                let renderer = LessonRenderer(run, options: printOptions)
                if let step {
                    var text = renderer.header() + "\n" + (try renderer.page(step - 1))
                    for question in 0..<lesson.steps[step - 1].questionCount {
                        text += try renderer.questionBlock(
                            step: step - 1, question: question, state: .revealed, withHint: true)
                    }
                    print(text, terminator: "")
                } else {
                    print(try renderer.renderAll(), terminator: "")
                }
                return
            }
            var terminal = LessonTerminal(
                lesson: lesson, lessonRun: run, options: options, library: library, progress: progress,
                progressPath: progressPath, startStep: step.map { $0 - 1 })
            try terminal.start()
        } catch let error as LessonFileError {
            throw InputError("lesson \(lesson.id): \(error.description)")
        }
    }

    /// `--svg DIR`: every chart of the lesson as an SVG file, named by its
    /// step (`bagging-step-2.svg`; `-2`, `-3` for further charts of a step).
    func writeCharts(of run: LessonRun, to directory: String) throws {
        let charts = run.orderedCharts
        guard !charts.isEmpty else { throw InputError("--svg: lesson \(run.lesson.id) draws no charts") }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw InputError("--svg \(directory): cannot create the folder (\(error.localizedDescription))")
        }
        for (offset, entry) in charts.enumerated() {
            let earlier = charts[..<offset].filter { $0.place.step == entry.place.step }.count
            let name = "\(run.lesson.id)-step-\(entry.place.step + 1)\(earlier == 0 ? "" : "-\(earlier + 1)").svg"
            let path = (directory as NSString).appendingPathComponent(name)
            let text: String
            do { text = try entry.chart.svg() } catch let error as PlotError {
                throw InputError(
                    "--svg: the chart \"\(entry.title)\" of step \(entry.place.step + 1): \(error.message)")
            }
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
                throw InputError("--svg \(path): cannot write the file (\(String(cString: strerror(errno))))")
            }
            print("wrote \(path)")
        }
    }

    /// Asks on the terminal (or reads a line from a pipe); yes only for "y"/"yes".
    func confirm(_ question: String) -> Bool {
        FileHandle.standardOutput.write(Data(question.utf8))
        guard let answer = readLine(strippingNewline: true) else { return false }
        return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// --lessons-dir, else $NORMLAB_LESSONS, else ./lessons.
    func lessonDirectory(environment: [String: String]) -> (String, String) {
        if let lessonsDir { return (lessonsDir, "from --lessons-dir") }
        if let fromEnvironment = environment["NORMLAB_LESSONS"], !fromEnvironment.isEmpty {
            return (fromEnvironment, "from NORMLAB_LESSONS")
        }
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
        return RenderOptions(
            unicode: fancy && utf8, color: fancy && onTerminal,
            width: width ?? (onTerminal ? terminalSize().columns : 80), columns: columns, wide: wide,
            expandExact: !onTerminal || all,
            trueColor: ["truecolor", "24bit"].contains(environment["COLORTERM"]?.lowercased() ?? ""))
    }

    func studentCase() throws -> CaseInput? {
        guard let input else { return nil }
        guard let data = FileManager.default.contents(atPath: input) else {
            throw InputError("--input \(input): cannot read the file")
        }
        guard data.count <= LessonParser.maximumFileSize else {
            throw InputError(
                "--input \(input): the file is \(data.count) bytes; a lesson case may hold at most \(LessonParser.maximumFileSize)"
            )
        }
        do {
            let json = try JSONValue(parsing: String(decoding: data, as: UTF8.self))
            return try CaseInput(json: json)
        } catch let error as ReferenceError {
            throw InputError("--input \(input): \(error.message)")
        } catch {
            throw InputError("--input \(input): \(error)")
        }
    }
}

/// The lesson list: course progress, each lesson with its status (a broken
/// file with its error), and what to do next.
struct LessonListing {
    let library: LessonLibrary
    let progress: LessonProgress
    let options: RenderOptions

    var text: String {
        let course = progress.course(library)
        let idWidth = (library.lessons.map(\.id.count) + library.broken.map(\.id.count)).max() ?? 0
        let statuses = library.lessons.map { progress.status(of: $0) }
        let statusWidth = statuses.map(\.count).max() ?? 0
        var out = "NormLab lessons (\(library.directory))\n\n"
        let bar = progressBar(course.lessonsDone, of: course.lessons, width: 20, unicode: options.unicode)
        out += "Course \(bar) \(course.lessonsDone)/\(course.lessons) lessons done, "
        out += "\(course.answered)/\(course.questions) questions answered\n\n"
        for (lesson, status) in zip(library.lessons, statuses) {
            let line =
                "  \(lesson.id.padding(toLength: idWidth, withPad: " ", startingAt: 0))  \(status.padding(toLength: statusWidth, withPad: " ", startingAt: 0))  \(lesson.title)"
            out += clip(line) + "\n"
        }
        for (id, error) in library.broken {
            out += "  \(id.padding(toLength: idWidth, withPad: " ", startingAt: 0))  cannot be read:\n"
            let place = "\((error.file as NSString).lastPathComponent):\(error.line): \(error.reason)"
            out += wrap(place, indent: 6) + "\n"
        }
        out += "\n"
        if let next = progress.next(in: library) {
            out +=
                next.resume
                ? "Next: normlab lesson \(next.lesson.id)   (resumes where you left off)\n"
                : "Next: normlab lesson \(next.lesson.id)   (--all prints a lesson at once)\n"
        } else if !library.lessons.isEmpty {
            out += "All lessons done. Replay one with: normlab lesson ID --restart\n"
        }
        return options.unicode ? out : LessonRenderer.asciiOnly(out)
    }

    /// Words wrapped to the width, each line indented.
    func wrap(_ text: String, indent: Int) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && indent + line.count + 1 + word.count > options.width {
                lines.append(String(repeating: " ", count: indent) + line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        lines.append(String(repeating: " ", count: indent) + line)
        return lines.joined(separator: "\n")
    }

    func clip(_ line: String) -> String {
        line.count > options.width ? String(line.prefix(options.width - 1)) + "…" : line
    }
}
