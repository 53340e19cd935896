import Foundation
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// Drives `normlab lesson` through a real pseudo-terminal: keys are written to
/// the master side, the screen is read back from it.
final class InteractiveTests: XCTestCase {
    static var binary: String {
        var directory = Bundle(for: InteractiveTests.self).bundleURL
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("normlab").path) {
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        return directory.appendingPathComponent("normlab").path
    }

    /// A running `normlab` on a pty.
    final class Terminal {
        let process = Process()
        var master: Int32 = -1
        var screen = ""
        /// The pty's local modes once the process has ended.
        var modesAtExit: tcflag_t = 0

        /// Lines for a standard input that is not a terminal (`pipedInput`).
        let pipe = Pipe()

        init(_ arguments: [String], environment: [String: String], columns: UInt16 = 100, pipedInput: Bool = false)
            throws
        {
            var slave: Int32 = -1
            var size = winsize(ws_row: 40, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
            guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw POSIXError(.EIO) }
            process.executableURL = URL(fileURLWithPath: InteractiveTests.binary)
            process.arguments = arguments
            process.environment = environment
            let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
            process.standardInput = pipedInput ? pipe : handle
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
        }

        /// Reads until `marker` appears after what was read so far, or fails.
        @discardableResult
        func read(until marker: String, timeout: TimeInterval = 20, file: StaticString = #filePath, line: UInt = #line)
            -> String
        {
            let start = screen.endIndex
            let deadline = Date().addingTimeInterval(timeout)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while Date() < deadline {
                if screen[start...].contains(marker) { break }
                var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
                guard poll(&descriptor, 1, 200) > 0 else { continue }
                let count = Glibc.read(master, &buffer, buffer.count)
                if count <= 0 { break }
                screen += String(decoding: buffer[0..<count], as: UTF8.self)
            }
            let text = String(screen[start...])
            if !text.contains(marker) {
                XCTFail("timed out waiting for \"\(marker)\"; screen so far:\n\(text)", file: file, line: line)
            }
            return text
        }

        /// Types a line and Enter (an answer, in canonical mode).
        func type(_ keys: String) {
            press(keys + "\r")
        }

        /// Sends bytes with no Enter: single keys in raw mode.
        func press(_ keys: String) {
            let bytes = Array(keys.utf8)
            _ = bytes.withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
        }

        /// A line to the piped standard input.
        func pipeLine(_ line: String) {
            pipe.fileHandleForWriting.write(Data((line + "\n").utf8))
        }

        /// The pty's current local modes (shared by both sides).
        var localModes: tcflag_t {
            var settings = termios()
            _ = tcgetattr(master, &settings)
            return settings.c_lflag
        }

        func finish() -> Int32 {
            let deadline = Date().addingTimeInterval(20)
            while process.isRunning && Date() < deadline {
                var buffer = [UInt8](repeating: 0, count: 4096)
                var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
                if poll(&descriptor, 1, 100) > 0 {
                    let count = Glibc.read(master, &buffer, buffer.count)
                    if count > 0 { screen += String(decoding: buffer[0..<count], as: UTF8.self) }
                }
            }
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            modesAtExit = localModes
            close(master)
            return process.terminationStatus
        }
    }

    var stateHome = ""

    override func setUp() {
        stateHome =
            FileManager.default.temporaryDirectory.appendingPathComponent("normlab-state-\(UUID().uuidString)").path
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: stateHome)
    }

    var environment: [String: String] {
        ["XDG_STATE_HOME": stateHome, "HOME": stateHome, "PATH": "/usr/bin:/bin", "TERM": "xterm", "LANG": "C.UTF-8"]
    }

    func testNextBackHintWrongThenRightAnswerQuitAndResume() throws {
        let terminal = try Terminal(
            ["lesson", "dropout-inverted", "--lessons-dir", lessonsDirectory], environment: environment)
        let first = terminal.read(until: "> ")
        XCTAssertTrue(first.contains("Step 1/"), first)
        XCTAssertTrue(first.contains("keys: n/→/space/enter next, b/← back, h hint, a answer, q quit"), first)
        // Stepping: one key at a time, not echoed by the terminal.
        XCTAssertEqual(terminal.localModes & tcflag_t(ICANON | ECHO), 0)
        XCTAssertTrue(first.contains("\u{1B}["), "colours expected on a terminal without NO_COLOR")
        XCTAssertTrue(first.contains("μ") || first.contains("─"), "Unicode expected with a UTF-8 locale")
        // The rules are as wide as the pty (100 columns, from TIOCGWINSZ).
        XCTAssertTrue(first.contains(String(repeating: "─", count: 40)), first)
        terminal.press("a")
        XCTAssertTrue(terminal.read(until: "answer> ").contains("How many"))
        // Answers are lines again: canonical mode with echo.
        XCTAssertEqual(terminal.localModes & tcflag_t(ICANON | ECHO), tcflag_t(ICANON | ECHO))
        terminal.type("seven")
        XCTAssertTrue(terminal.read(until: "answer> ").contains("is not a number I can read"))
        terminal.type("5")
        XCTAssertTrue(terminal.read(until: "answer> ").contains("Not quite"))
        terminal.type("6")
        XCTAssertTrue(terminal.read(until: "> ").contains("Correct: 6."))
        terminal.press("n")
        XCTAssertTrue(terminal.read(until: "> ").contains("Step 2/"))
        terminal.press("h")
        XCTAssertTrue(terminal.read(until: "> ").contains("Hint:"))
        terminal.press("\r")
        XCTAssertTrue(terminal.read(until: "> ").contains("Step 3/"))
        terminal.press("\u{1B}[D") // ←
        XCTAssertTrue(terminal.read(until: "> ").contains("Step 2/"))
        terminal.press("\u{1B}[C") // →
        XCTAssertTrue(terminal.read(until: "> ").contains("Step 3/"))
        terminal.press("b")
        XCTAssertTrue(terminal.read(until: "> ").contains("Step 2/"))
        terminal.press("x")
        XCTAssertTrue(terminal.read(until: "> ").contains("Unknown key \"x\""))
        terminal.press("q")
        terminal.read(until: "Resume with: normlab lesson dropout-inverted")
        XCTAssertEqual(terminal.finish(), 0)
        XCTAssertEqual(
            terminal.modesAtExit & tcflag_t(ICANON | ECHO), tcflag_t(ICANON | ECHO),
            "terminal settings restored on quit")

        let progress = try String(contentsOfFile: stateHome + "/normlab/progress.json", encoding: .utf8)
        XCTAssertTrue(progress.contains("\"dropout-inverted\""), progress)
        XCTAssertTrue(progress.contains("\"step\" : 1"), progress)
        XCTAssertTrue(progress.contains("\"1.1\""), progress)

        // Resumes where the student left off; the list shows the progress.
        let again = try Terminal(
            ["lesson", "dropout-inverted", "--lessons-dir", lessonsDirectory], environment: environment)
        XCTAssertTrue(again.read(until: "> ").contains("Resuming at step 2"))
        again.press(" ")
        XCTAssertTrue(again.read(until: "> ").contains("Step 3/"))
        again.press("q")
        again.read(until: "Resume with")
        XCTAssertEqual(again.finish(), 0)

        let list = try Terminal(
            ["--lessons-dir", lessonsDirectory], environment: environment.merging(["NO_COLOR": "1"]) { $1 })
        let listing = list.read(until: "Next: normlab lesson dropout-inverted")
        XCTAssertTrue(listing.contains("step 3/"), listing)
        XCTAssertFalse(listing.contains("\u{1B}["), "NO_COLOR must turn colours off")
        XCTAssertEqual(list.finish(), 0)
    }

    /// Keys piped into standard input (not a terminal) are read as lines,
    /// with the pages still shown on the terminal.
    func testPipedLinesStillDriveTheLesson() throws {
        let terminal = try Terminal(
            ["lesson", "dropout-inverted", "--lessons-dir", lessonsDirectory], environment: environment,
            pipedInput: true)
        XCTAssertTrue(terminal.read(until: "> ").contains("keys (then Enter): n or empty next"))
        terminal.pipeLine("a")
        XCTAssertTrue(terminal.read(until: "answer> ").contains("How many"))
        terminal.pipeLine("6")
        XCTAssertTrue(terminal.read(until: "> ").contains("Correct: 6."))
        terminal.pipeLine("")
        XCTAssertTrue(terminal.read(until: "> ").contains("Step 2/"))
        terminal.pipeLine("next")
        XCTAssertTrue(terminal.read(until: "> ").contains("Step 3/"))
        terminal.pipeLine("back")
        XCTAssertTrue(terminal.read(until: "> ").contains("Step 2/"))
        // End of input quits like q, saying where to resume.
        terminal.pipe.fileHandleForWriting.closeFile()
        terminal.read(until: "Progress saved at step 2")
        XCTAssertEqual(terminal.finish(), 0)
    }

    /// SIGINT and SIGTERM while keys are raw put the terminal back as it was.
    func testSignalsRestoreTheTerminal() throws {
        for signalNumber in [SIGINT, SIGTERM] {
            let terminal = try Terminal(
                ["lesson", "dropout-inverted", "--lessons-dir", lessonsDirectory], environment: environment)
            terminal.read(until: "> ")
            XCTAssertEqual(terminal.localModes & tcflag_t(ICANON | ECHO), 0)
            kill(terminal.process.processIdentifier, signalNumber)
            XCTAssertEqual(terminal.finish(), 128 + signalNumber)
            XCTAssertEqual(
                terminal.modesAtExit & tcflag_t(ICANON | ECHO), tcflag_t(ICANON | ECHO), "signal \(signalNumber)")
        }
    }

    func testUnknownIdExitsTwoWithSuggestion() throws {
        let terminal = try Terminal(
            ["lesson", "dropout-inverte", "--lessons-dir", lessonsDirectory], environment: environment)
        terminal.read(until: "did you mean \"dropout-inverted\"?")
        XCTAssertEqual(terminal.finish(), 2)
    }

    func testNoLessonsSaysWhereItLooked() throws {
        let terminal = try Terminal(["lesson", "--lessons-dir", stateHome + "/empty"], environment: environment)
        terminal.read(until: "no lessons found: looked for *.lesson files in \(stateHome)/empty")
        XCTAssertEqual(terminal.finish(), 2)
    }
}
