import Foundation
import Lessons

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
                return bytes[0] == 0x1B ? .escape : .other(String(decoding: bytes, as: UTF8.self))
            }
            bytes.append(next)
        }
    }

    /// A line typed in canonical mode with echo (for a confirmation).
    func readLine() -> String? {
        restore()
        var bytes: [UInt8] = []
        while let byte = readByte(wait: true) {
            if byte == 10 { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
}

/// The terminal's size in columns and rows (ioctl TIOCGWINSZ), or 80×24.
func terminalSize() -> (columns: Int, rows: Int) {
    var size = winsize()
    var columns = 80
    var rows = 24
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 {
        if size.ws_col >= 20 { columns = Int(size.ws_col) }
        if size.ws_row >= 8 { rows = Int(size.ws_row) }
    } else if let text = ProcessInfo.processInfo.environment["COLUMNS"], let value = Int(text), value >= 20 {
        columns = value
    }
    return (columns, rows)
}

/// The terminal's width in columns when it is at least 40, else 80 (for
/// commands that lay text out to the terminal, such as `normlab plot`).
func terminalWidth() -> Int {
    let columns = terminalSize().columns
    return columns >= 40 ? columns : 80
}
