#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The stepper's commands.
enum StepperCommand: Equatable {
    case step, epoch, runToEnd, back, zoom, help, quit
    case unknown(String)

    /// The command of one key: n/space/Enter/→ step, e epoch, r run to the end,
    /// b/← back, z zoom, h/? help, q/Ctrl-D quit.
    static func decode(_ bytes: [UInt8]) -> StepperCommand {
        guard let first = bytes.first else { return .quit }
        if first == 0x1B {
            if bytes.count >= 3 && (bytes[1] == UInt8(ascii: "[") || bytes[1] == UInt8(ascii: "O")) {
                switch bytes[bytes.count - 1] {
                case UInt8(ascii: "C"): return .step
                case UInt8(ascii: "D"): return .back
                default: return .unknown("Esc sequence")
                }
            }
            return .unknown("Esc")
        }
        switch Character(UnicodeScalar(first)) {
        case "n", "N", " ", "\r", "\n": return .step
        case "e", "E": return .epoch
        case "r", "R": return .runToEnd
        case "b", "B": return .back
        case "z", "Z": return .zoom
        case "h", "H", "?": return .help
        case "q", "Q", "\u{04}": return .quit
        default: return .unknown(String(UnicodeScalar(first)))
        }
    }
}

/// Standard input as single keypresses: non-canonical mode without echo while the
/// stepper runs, the original settings put back on exit (and on SIGINT/SIGTERM).
final class StepperKeyboard {
    private var original = termios()
    private var active = false

    init?() {
        guard isatty(STDIN_FILENO) == 1, tcgetattr(STDIN_FILENO, &original) == 0 else { return nil }
        stepperSavedTerminal = original
        stepperTerminalSaved = true
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number) { code in
                if stepperTerminalSaved { _ = tcsetattr(STDIN_FILENO, TCSANOW, &stepperSavedTerminal) }
                _exit(128 + code)
            }
        }
        var raw = original
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        active = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0
    }

    func restore() {
        guard active else { return }
        _ = tcsetattr(STDIN_FILENO, TCSANOW, &original)
        active = false
    }

    /// The bytes of one keypress (an escape sequence's rest arrives within 50 ms).
    func readKey() -> [UInt8] {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        guard read(STDIN_FILENO, &byte, 1) == 1 else { return [] }
        bytes.append(byte)
        if byte == 0x1B {
            var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            while poll(&descriptor, 1, 50) > 0, read(STDIN_FILENO, &byte, 1) == 1 {
                bytes.append(byte)
                if bytes.count >= 3 && byte >= 0x40 { break }
            }
        }
        return bytes
    }

    /// A line typed with echo (for the zoom's layer number).
    func readLine(prompt: String) -> String? {
        restore()
        print(prompt, terminator: "")
        fflush(nil)
        let line = Swift.readLine()
        var raw = original
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        active = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0
        return line
    }
}

nonisolated(unsafe) private var stepperSavedTerminal = termios()
nonisolated(unsafe) private var stepperTerminalSaved = false
