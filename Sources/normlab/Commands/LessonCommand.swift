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
            steps through that lesson, resuming where you left off. On a terminal each key acts \
            at once: n, space, enter or → next, b or ← back, h hint, a answer (the answer itself \
            is typed as a line), q quit. Keys piped into standard input are read as lines. \
            Exact values too wide for the table are shown rounded, with the exact form on the \
            lines below (--wide keeps them on the row). Progress is kept in $XDG_STATE_HOME/normlab/progress.json \
            (default ~/.local/state/normlab/). When standard output is not a terminal, or with \
            --all, the whole lesson is printed at once. Lessons are read from --lessons-dir, \
            else $NORMLAB_LESSONS, else ./lessons.
            """
    )

    @Argument(help: "The lesson to run, e.g. bn-forward. Omit to list the lessons.")
    var id: String?

    @Flag(help: "Print the whole lesson at once, answers included (the default when not on a terminal).")
    var all = false

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
            let absolute =
                (directory as NSString).isAbsolutePath
                ? directory : FileManager.default.currentDirectoryPath + "/" + directory
            throw InputError(
                "no lessons found: looked for *.lesson files in \(absolute) (\(origin)); give --lessons-dir DIR or set NORMLAB_LESSONS, or run from the NormLab folder"
            )
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
        do { run = try LessonRun(lesson, studentInput: try studentCase()) } catch let error as LessonInputError {
            throw InputError("--input \(input ?? ""): \(error.message)")
        } catch let error as LessonFileError { throw InputError("lesson file \(error.description)") }
        let renderer = LessonRenderer(run, options: options)

        // Stepping needs a terminal to show pages on; keys come one at a time
        // from a terminal, or as lines when piped in.
        let interactive = !all && isatty(STDOUT_FILENO) == 1
        let keyboard = interactive && isatty(STDIN_FILENO) == 1 ? RawKeyboard() : nil
        defer { keyboard?.restore() }
        do {
            if !interactive {
                print(try renderer.renderAll(), terminator: "")
                return
            }
            var entry = progress.lessons[lesson.id] ?? LessonProgress.Entry(steps: lesson.steps.count)
            if entry.done || restart { entry.step = 0 }
            var session = LessonSession(
                renderer, step: entry.step, answered: entry.answered, singleKey: keyboard != nil)
            var intro = renderer.header()
            if session.step > 0 {
                intro += "Resuming at step \(session.step + 1) of \(lesson.steps.count) (--restart starts over).\n"
            }
            write(intro + "\n" + (try session.screen()))
            func record() {
                entry.step = session.step
                entry.steps = lesson.steps.count
                entry.answered = session.answered.sorted()
                if session.finished {
                    entry.done = true
                    entry.step = 0
                }
                progress.lessons[lesson.id] = entry
                try? progress.save(to: progressPath)
            }
            record()
            while !session.finished && !session.quit {
                let typed: String?
                if let keyboard, session.mode == .browsing {
                    // One keypress, not echoed: the reply is the echo.
                    keyboard.enterRaw()
                    write(session.prompt)
                    switch keyboard.readKey() {
                    case nil: typed = nil
                    case .command(let command)?:
                        write(command + "\n")
                        typed = command
                    case .unknown(let name)?:
                        write("\n")
                        typed = name
                    case .incomplete?: typed = nil
                    }
                } else {
                    // An answer (or piped input): a whole line, echoed as typed.
                    keyboard?.restore()
                    write(session.prompt)
                    typed = keyboard?.readLine() ?? readLine(strippingNewline: true)
                }
                guard let typed else {
                    // End of input: leave as q does, saying where to resume.
                    write("\n" + (try session.handle("q")))
                    break
                }
                write(try session.handle(typed))
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
            width: width ?? (onTerminal ? terminalWidth() : 80), columns: columns, wide: wide)
    }

    func studentCase() throws -> CaseInput? {
        guard let input else { return nil }
        guard let data = FileManager.default.contents(atPath: input) else {
            throw InputError("--input \(input): cannot read the file")
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
            out +=
                next.resume
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

/// The terminal settings to put back when a signal ends the lesson: the
/// handler may only read plain memory, so they live in a global.
nonisolated(unsafe) private var savedTerminal = termios()
nonisolated(unsafe) private var terminalSaved = false

/// Standard input in non-canonical mode without echo, so each key acts at
/// once; `restore()` puts the original settings back. They are also put back
/// on SIGINT, SIGTERM, SIGHUP and SIGQUIT (then the process exits 128+signal)
/// and, through `defer`, on every return or thrown error.
final class RawKeyboard {
    private var original = termios()
    private var raw = false
    private var pending: [UInt8] = []

    init?() {
        guard tcgetattr(STDIN_FILENO, &original) == 0 else { return nil }
        savedTerminal = original
        terminalSaved = true
        for signalNumber in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
            signal(signalNumber) { number in
                if terminalSaved { _ = tcsetattr(STDIN_FILENO, TCSANOW, &savedTerminal) }
                let newline: [UInt8] = [10]
                _ = newline.withUnsafeBytes { Platform.write(STDOUT_FILENO, $0.baseAddress, 1) }
                _exit(128 + number)
            }
        }
    }

    /// Keys one at a time, not echoed; signals (Ctrl-C) still work.
    func enterRaw() {
        guard !raw else { return }
        var settings = original
        settings.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &settings.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        if tcsetattr(STDIN_FILENO, TCSANOW, &settings) == 0 { raw = true }
    }

    /// The settings the terminal had before.
    func restore() {
        guard raw else { return }
        var settings = original
        _ = tcsetattr(STDIN_FILENO, TCSANOW, &settings)
        raw = false
    }

    private func readByte(wait: Bool) -> UInt8? {
        if !pending.isEmpty { return pending.removeFirst() }
        if !wait {
            // The rest of an escape sequence arrives within a few milliseconds.
            var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 50) > 0 else { return nil }
        }
        var byte: UInt8 = 0
        while true {
            let count = Platform.read(STDIN_FILENO, &byte, 1)
            if count == 1 { return byte }
            if count < 0 && errno == EINTR { continue }
            return nil
        }
    }

    /// The next keypress, or nil at end of input.
    func readKey() -> KeyPress? {
        guard let first = readByte(wait: true) else { return nil }
        var bytes = [first]
        while true {
            let (key, used) = KeyDecoder.decode(bytes)
            if key != .incomplete {
                pending.insert(contentsOf: bytes[used...], at: 0)
                return key
            }
            guard let next = readByte(wait: false) else {
                // A lone Esc, or a sequence cut short.
                return bytes[0] == 0x1B ? .unknown("Esc") : .unknown(String(decoding: bytes, as: UTF8.self))
            }
            bytes.append(next)
        }
    }

    /// A line typed in canonical mode (the terminal echoes and edits it).
    func readLine() -> String? {
        var bytes: [UInt8] = []
        while let byte = readByte(wait: true) {
            if byte == 10 { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
}

/// The terminal's width in columns (ioctl TIOCGWINSZ), or 80.
func terminalWidth() -> Int {
    var size = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 40 { return Int(size.ws_col) }
    if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns >= 40 { return columns }
    return 80
}
