/// Single keypresses, as bytes read from a terminal in non-canonical mode,
/// turned into the commands `LessonSession.handle` takes. The terminal
/// itself (termios, signals) is the CLI's business; this part is pure so it
/// can be tested without one.
public enum KeyPress: Equatable, Sendable {
    /// A command for the session: "n", "b", "h", "a" or "q".
    case command(String)
    /// A key with no meaning here, named for the "Unknown key" message.
    case unknown(String)
    /// Wait for more bytes: an escape sequence has begun.
    case incomplete
}

public enum KeyDecoder {
    /// Decodes the bytes of one keypress (a plain key, or an escape sequence
    /// such as ESC [ C for the right arrow). Returns the key and how many
    /// bytes it used; `.incomplete` with 0 when more bytes are needed.
    public static func decode(_ bytes: [UInt8]) -> (key: KeyPress, used: Int) {
        guard let first = bytes.first else { return (.incomplete, 0) }
        switch first {
        case UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: " "), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
            return (.command("n"), 1)
        case UInt8(ascii: "b"), UInt8(ascii: "B"): return (.command("b"), 1)
        case UInt8(ascii: "h"), UInt8(ascii: "H"), UInt8(ascii: "?"): return (.command("h"), 1)
        case UInt8(ascii: "a"), UInt8(ascii: "A"): return (.command("a"), 1)
        case UInt8(ascii: "q"), UInt8(ascii: "Q"), 0x04: return (.command("q"), 1) // 0x04: Ctrl-D
        case 0x1B:
            // ESC [ X or ESC O X: arrows and other cursor keys.
            guard bytes.count >= 2 else { return (.incomplete, 0) }
            guard bytes[1] == UInt8(ascii: "[") || bytes[1] == UInt8(ascii: "O") else { return (.unknown("Esc"), 1) }
            var end = 2
            // Parameters (digits, ';') come before the final byte, e.g. ESC [ 1 ; 5 C.
            while end < bytes.count, bytes[end] >= 0x30, bytes[end] <= 0x3F { end += 1 }
            guard end < bytes.count else { return (.incomplete, 0) }
            switch bytes[end] {
            case UInt8(ascii: "C"): return (.command("n"), end + 1)
            case UInt8(ascii: "D"): return (.command("b"), end + 1)
            case UInt8(ascii: "A"): return (.unknown("↑"), end + 1)
            case UInt8(ascii: "B"): return (.unknown("↓"), end + 1)
            default: return (.unknown("Esc " + String(decoding: bytes[1...end], as: UTF8.self)), end + 1)
            }
        case 0x7F, 0x08: return (.unknown("Backspace"), 1)
        case 0x09: return (.unknown("Tab"), 1)
        case ..<0x20: return (.unknown("Ctrl-" + String(UnicodeScalar(first + 0x40))), 1)
        case 0x80...:
            // One UTF-8 character: its lead byte says how many bytes follow.
            let length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1
            guard bytes.count >= length else { return (.incomplete, 0) }
            return (.unknown(String(decoding: bytes[0..<length], as: UTF8.self)), length)
        default:
            return (.unknown(String(UnicodeScalar(first))), 1)
        }
    }
}
