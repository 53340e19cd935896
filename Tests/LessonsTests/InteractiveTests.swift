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

        init(
            _ arguments: [String], environment: [String: String], columns: UInt16 = 80, rows: UInt16 = 24,
            pipedInput: Bool = false
        ) throws {
            var slave: Int32 = -1
            var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
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
                if screen[start...].replacingOccurrences(
                    of: "\u{1B}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression
                ).contains(marker) {
                    break
                }
                var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
                guard poll(&descriptor, 1, 200) > 0 else { continue }
                let count = Glibc.read(master, &buffer, buffer.count)
                if count <= 0 { break }
                screen += String(decoding: buffer[0..<count], as: UTF8.self)
            }
            // What a person sees: colours and cursor movements left out.
            let text = String(screen[start...]).replacingOccurrences(
                of: "\u{1B}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression)
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

    /// A student at an 80×24 terminal: the pager, a digit that starts the
    /// answer, a right answer, a wrong one with its diagnosis, the answer
    /// shown after two tries, quitting and resuming.
    func testAnsweringFlowOnAnEightyByTwentyFourTerminal() throws {
        let terminal = try Terminal(
            ["lesson", "bn-forward", "--lessons-dir", lessonsDirectory], environment: environment, columns: 80, rows: 24
        )
        let first = terminal.read(until: "> ")
        // Keys act at once, not echoed by the terminal.
        XCTAssertEqual(terminal.localModes & tcflag_t(ICANON | ECHO), 0)
        XCTAssertTrue(terminal.screen.contains("\u{1B}[2m"), "colours expected on a terminal without NO_COLOR")
        XCTAssertTrue(first.contains("══ Batch norm forward pass"), first)
        // The header and step 1 are longer than 24 lines: the pager says so.
        XCTAssertTrue(first.contains("lines 1–"), first)
        XCTAssertTrue(first.contains("type a number to answer"), first)
        XCTAssertFalse(first.contains("a answer"), first)
        // Space pages down until the question shows.
        var paged = ""
        for _ in 0..<3 where !paged.contains("Question 1:") {
            terminal.press(" ")
            paged = terminal.read(until: "> ")
        }
        XCTAssertTrue(paged.contains("Question 1: What is the batch mean of feature 1?"), paged)
        XCTAssertTrue(paged.contains("? hidden until question 1 is answered"), paged)
        // A digit starts the answer; Enter submits.
        terminal.press("3")
        XCTAssertTrue(terminal.read(until: "answer to question 1> 3").contains("Enter submits"))
        terminal.press("\r")
        let right = terminal.read(until: "answered]")
        XCTAssertTrue(right.contains("✓ Correct: 3."), right)
        XCTAssertTrue(right.contains("1/5 answered"), right)
        terminal.press("n")
        XCTAssertTrue(terminal.read(until: "> ").contains("Step 2/6"))
        // Dividing by m − 1 is recognised from the trace.
        terminal.press("20/3\r")
        let wrong = terminal.read(until: "Try again")
        XCTAssertTrue(wrong.contains("✗ Not quite."), wrong)
        XCTAssertTrue(wrong.contains("a division by N − 1 = 3 where this"), wrong)
        // Esc cancels an answer being typed.
        terminal.press("7")
        terminal.read(until: "answer to question 1> 7")
        terminal.press("\u{1B}")
        XCTAssertTrue(terminal.read(until: "> ").contains("Answer cancelled."))
        // A second wrong try shows the answer with its derivation.
        terminal.press("20/3\r")
        let revealed = terminal.read(until: "shown below the question")
        XCTAssertTrue(revealed.contains("After 2 tries the answer is shown"), revealed)
        XCTAssertTrue(revealed.contains("Answer: 5"), revealed)
        XCTAssertTrue(revealed.contains("Solution:"), revealed)
        XCTAssertTrue(revealed.contains("1 shown"), revealed)
        terminal.press("q")
        terminal.read(until: "Resume with: normlab lesson bn-forward")
        XCTAssertEqual(terminal.finish(), 0)
        XCTAssertTrue(terminal.screen.contains("Saved at step 2 of 6 (1 of 5 questions answered, 1 shown)"))
        XCTAssertEqual(
            terminal.modesAtExit & tcflag_t(ICANON | ECHO), tcflag_t(ICANON | ECHO),
            "terminal settings restored on quit")

        let progress = try String(contentsOfFile: stateHome + "/normlab/progress.json", encoding: .utf8)
        XCTAssertTrue(progress.contains("\"bn-forward\""), progress)
        XCTAssertTrue(progress.contains("\"step\" : 1"), progress)
        XCTAssertTrue(progress.contains("\"1.1\""), progress)
        XCTAssertTrue(progress.contains("\"revealed\" : [\n        \"2.1\""), progress)

        // Resumes where the student left off; the list shows the progress.
        let again = try Terminal(
            ["lesson", "bn-forward", "--lessons-dir", lessonsDirectory], environment: environment, columns: 80, rows: 24
        )
        XCTAssertTrue(again.read(until: "> ").contains("Resuming at step 2 of 6"))
        again.press("\u{1B}[C") // →
        XCTAssertTrue(again.read(until: "> ").contains("Step 3/6"))
        // An open question: n warns once, then skips.
        again.press("n")
        XCTAssertTrue(again.read(until: "> ").contains("is still open"))
        again.press("h")
        XCTAssertTrue(again.read(until: "> ").contains("Hint (question 1)"))
        again.press("q")
        again.read(until: "Resume with")
        XCTAssertEqual(again.finish(), 0)

        let list = try Terminal(
            ["--lessons-dir", lessonsDirectory], environment: environment.merging(["NO_COLOR": "1"]) { $1 },
            columns: 80, rows: 24)
        let listing = list.read(until: "Next: normlab lesson bn-forward")
        XCTAssertTrue(listing.contains("step 3/6, 1/5 answered"), listing)
        XCTAssertTrue(listing.contains("Course ["), listing)
        XCTAssertFalse(list.screen.contains("\u{1B}["), "NO_COLOR must turn colours off")
        XCTAssertEqual(list.finish(), 0)
    }

    /// A long step pages: space goes down, ↑ back up, and e collapses or
    /// expands the long exact values.
    func testPagerAndExactValues() throws {
        let terminal = try Terminal(
            ["lesson", "bn-jacobian", "--lessons-dir", lessonsDirectory, "--step", "4"], environment: environment,
            columns: 80, rows: 24)
        let first = terminal.read(until: "> ")
        XCTAssertTrue(first.contains("Step 4/"), first)
        XCTAssertTrue(first.contains("↓"), first)
        terminal.press(" ")
        let second = terminal.read(until: "> ")
        XCTAssertFalse(second.contains("Step 4/"), second)
        terminal.press("\u{1B}[A") // ↑
        terminal.read(until: "> ")
        terminal.press("e")
        XCTAssertTrue(terminal.read(until: "> ").contains("Exact values in full."))
        terminal.press("q")
        terminal.read(until: "Resume with")
        XCTAssertEqual(terminal.finish(), 0)
    }

    /// Keys piped into standard input (not a terminal) are read as lines,
    /// with the pages still drawn on the terminal.
    func testPipedLinesStillDriveTheLesson() throws {
        let terminal = try Terminal(
            ["lesson", "dropout-inverted", "--lessons-dir", lessonsDirectory], environment: environment,
            columns: 80, rows: 24, pipedInput: true)
        XCTAssertTrue(terminal.read(until: "> ").contains("type a number and Enter to answer"))
        terminal.pipeLine("6")
        XCTAssertTrue(terminal.read(until: "> ").contains("Correct: 6."))
        terminal.pipeLine("n")
        XCTAssertTrue(terminal.read(until: "> ").contains("Step 2/"))
        terminal.pipeLine("next")
        XCTAssertTrue(terminal.read(until: "> ").contains("still open"))
        terminal.pipeLine("show")
        XCTAssertTrue(terminal.read(until: "> ").contains("Answer:"))
        terminal.pipeLine("back")
        XCTAssertTrue(terminal.read(until: "> ").contains("Step 1/"))
        // End of input quits like q, saying where to resume.
        terminal.pipe.fileHandleForWriting.closeFile()
        terminal.read(until: "Saved at step 1")
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
