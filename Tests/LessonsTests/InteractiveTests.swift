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

        init(_ arguments: [String], environment: [String: String], columns: UInt16 = 100) throws {
            var slave: Int32 = -1
            var size = winsize(ws_row: 40, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
            guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw POSIXError(.EIO) }
            process.executableURL = URL(fileURLWithPath: InteractiveTests.binary)
            process.arguments = arguments
            process.environment = environment
            let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
            process.standardInput = handle
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
        }

        /// Reads until `marker` appears after what was read so far, or fails.
        @discardableResult
        func read(until marker: String, timeout: TimeInterval = 20, file: StaticString = #filePath, line: UInt = #line) -> String {
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
            if !text.contains(marker) { XCTFail("timed out waiting for \"\(marker)\"; screen so far:\n\(text)", file: file, line: line) }
            return text
        }

        func type(_ keys: String) {
            let bytes = Array((keys + "\r").utf8)
            _ = bytes.withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
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
            close(master)
            return process.terminationStatus
        }
    }

    var stateHome = ""

    override func setUp() {
        stateHome = FileManager.default.temporaryDirectory.appendingPathComponent("normlab-state-\(UUID().uuidString)").path
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: stateHome)
    }

    var environment: [String: String] {
        ["XDG_STATE_HOME": stateHome, "HOME": stateHome, "PATH": "/usr/bin:/bin", "TERM": "xterm", "LANG": "C.UTF-8"]
    }

    func testNextBackHintWrongThenRightAnswerQuitAndResume() throws {
        let terminal = try Terminal(["lesson", "dropout-inverted", "--lessons-dir", lessonsDirectory], environment: environment)
        let first = terminal.read(until: "> ")
        XCTAssertTrue(first.contains("Step 1/"), first)
        XCTAssertTrue(first.contains("keys: n/enter next, b back, h hint, a answer, q quit"), first)
        XCTAssertTrue(first.contains("\u{1B}["), "colours expected on a terminal without NO_COLOR")
        XCTAssertTrue(first.contains("μ") || first.contains("─"), "Unicode expected with a UTF-8 locale")
        // The rules are as wide as the pty (100 columns, from TIOCGWINSZ).
        XCTAssertTrue(first.contains(String(repeating: "─", count: 40)), first)
        terminal.type("a")
        XCTAssertTrue(terminal.read(until: "answer> ").contains("How many"))
        terminal.type("seven")
        XCTAssertTrue(terminal.read(until: "answer> ").contains("is not a number I can read"))
        terminal.type("5")
        XCTAssertTrue(terminal.read(until: "answer> ").contains("Not quite"))
        terminal.type("6")
        XCTAssertTrue(terminal.read(until: "> ").contains("Correct: 6."))
        terminal.type("n")
        XCTAssertTrue(terminal.read(until: "> ").contains("Step 2/"))
        terminal.type("h")
        XCTAssertTrue(terminal.read(until: "> ").contains("Hint:"))
        terminal.type("")
        XCTAssertTrue(terminal.read(until: "> ").contains("Step 3/"))
        terminal.type("b")
        XCTAssertTrue(terminal.read(until: "> ").contains("Step 2/"))
        terminal.type("q")
        terminal.read(until: "Resume with: normlab lesson dropout-inverted")
        XCTAssertEqual(terminal.finish(), 0)

        let progress = try String(contentsOfFile: stateHome + "/normlab/progress.json", encoding: .utf8)
        XCTAssertTrue(progress.contains("\"dropout-inverted\""), progress)
        XCTAssertTrue(progress.contains("\"step\" : 1"), progress)
        XCTAssertTrue(progress.contains("\"1.1\""), progress)

        // Resumes where the student left off; the list shows the progress.
        let again = try Terminal(["lesson", "dropout-inverted", "--lessons-dir", lessonsDirectory], environment: environment)
        XCTAssertTrue(again.read(until: "> ").contains("Resuming at step 2"))
        again.type("q")
        again.read(until: "Resume with")
        XCTAssertEqual(again.finish(), 0)

        let list = try Terminal(["--lessons-dir", lessonsDirectory], environment: environment.merging(["NO_COLOR": "1"]) { $1 })
        let listing = list.read(until: "Next: normlab lesson dropout-inverted")
        XCTAssertTrue(listing.contains("step 2/"), listing)
        XCTAssertFalse(listing.contains("\u{1B}["), "NO_COLOR must turn colours off")
        XCTAssertEqual(list.finish(), 0)
    }

    func testUnknownIdExitsTwoWithSuggestion() throws {
        let terminal = try Terminal(["lesson", "dropout-inverte", "--lessons-dir", lessonsDirectory], environment: environment)
        terminal.read(until: "did you mean \"dropout-inverted\"?")
        XCTAssertEqual(terminal.finish(), 2)
    }

    func testNoLessonsSaysWhereItLooked() throws {
        let terminal = try Terminal(["lesson", "--lessons-dir", stateHome + "/empty"], environment: environment)
        terminal.read(until: "no lessons found: looked for *.lesson files in \(stateHome)/empty")
        XCTAssertEqual(terminal.finish(), 2)
    }
}
