/// One keypress from a terminal in non-canonical mode. The terminal itself
/// (termios, signals) is the CLI's business; decoding is pure so it can be
/// tested without one.
public enum KeyPress: Equatable, Sendable {
    /// A printable character (letters, digits, punctuation, space, UTF-8).
    case character(Character)
    case enter
    case escape
    case backspace
    case tab
    case up
    case down
    case left
    case right
    case pageUp
    case pageDown
    case home
    case end
    /// Ctrl-D.
    case endOfInput
    /// Another control key or escape sequence, named for a message.
    case other(String)
    /// Wait for more bytes: an escape sequence or a UTF-8 character has begun.
    case incomplete
}

public enum KeyDecoder {
    /// Decodes the bytes of one keypress. Returns the key and how many bytes
    /// it used; `.incomplete` with 0 when more bytes are needed (a lone Esc
    /// stays incomplete: the reader calls it `.escape` when nothing follows).
    public static func decode(_ bytes: [UInt8]) -> (key: KeyPress, used: Int) {
        guard let first = bytes.first else { return (.incomplete, 0) }
        switch first {
        case 0x0D, 0x0A: return (.enter, 1)
        case 0x7F, 0x08: return (.backspace, 1)
        case 0x09: return (.tab, 1)
        case 0x04: return (.endOfInput, 1)
        case 0x1B:
            guard bytes.count >= 2 else { return (.incomplete, 0) }
            guard bytes[1] == UInt8(ascii: "[") || bytes[1] == UInt8(ascii: "O") else { return (.escape, 1) }
            var end = 2
            // Parameters (digits, ';') come before the final byte, e.g. ESC [ 1 ; 5 C or ESC [ 5 ~.
            while end < bytes.count, bytes[end] >= 0x30, bytes[end] <= 0x3F { end += 1 }
            guard end < bytes.count else { return (.incomplete, 0) }
            let parameters = String(decoding: bytes[2..<end], as: UTF8.self)
            let key: KeyPress
            switch bytes[end] {
            case UInt8(ascii: "A"): key = .up
            case UInt8(ascii: "B"): key = .down
            case UInt8(ascii: "C"): key = .right
            case UInt8(ascii: "D"): key = .left
            case UInt8(ascii: "H"): key = .home
            case UInt8(ascii: "F"): key = .end
            case UInt8(ascii: "~"):
                switch parameters.split(separator: ";").first ?? "" {
                case "5": key = .pageUp
                case "6": key = .pageDown
                case "1", "7": key = .home
                case "4", "8": key = .end
                default: key = .other("Esc [\(parameters)~")
                }
            default: key = .other("Esc " + String(decoding: bytes[1...end], as: UTF8.self))
            }
            return (key, end + 1)
        case ..<0x20: return (.other("Ctrl-" + String(UnicodeScalar(first + 0x40))), 1)
        case 0x80...:
            // One UTF-8 character: its lead byte says how many bytes follow.
            let length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1
            guard bytes.count >= length else { return (.incomplete, 0) }
            let text = String(decoding: bytes[0..<length], as: UTF8.self)
            return (text.first.map { .character($0) } ?? .other("byte"), length)
        default:
            return (.character(Character(UnicodeScalar(first))), 1)
        }
    }
}
