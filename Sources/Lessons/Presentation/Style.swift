import Foundation

/// How text is drawn. The lesson code only builds strings; the CLI decides
/// the options from the terminal (isatty, NO_COLOR, size) and writes them.
public struct RenderOptions: Sendable {
    public enum Columns: String, Sendable { case both, exactOnly, doubleOnly }

    public var unicode: Bool
    public var color: Bool
    public var width: Int
    public var columns: Columns
    /// Keep every exact value on its table row however wide it is (`--wide`);
    /// otherwise a too-wide value is shown rounded on its row.
    public var wide: Bool
    /// Show the full exact form of a value rounded to fit (below its row),
    /// and the exact values of parameters. The whole-lesson print does;
    /// on a terminal a key toggles it.
    public var expandExact: Bool
    /// Colour charts in 24-bit colour (the terminal says COLORTERM=truecolor)
    /// rather than xterm's 256 colours; only with `color`.
    public var trueColor: Bool

    /// Columns a rendering may take: narrower is raised to this, wider is
    /// lowered to `maximumWidth` (the CLI refuses wider with an error).
    public static let minimumWidth = 40
    public static let maximumWidth = 400

    public init(
        unicode: Bool = false, color: Bool = false, width: Int = 80, columns: Columns = .both, wide: Bool = false,
        expandExact: Bool = true, trueColor: Bool = false
    ) {
        self.unicode = unicode
        self.color = color
        self.width = min(Self.maximumWidth, max(Self.minimumWidth, width))
        self.columns = columns
        self.wide = wide
        self.expandExact = expandExact
        self.trueColor = trueColor
    }

    /// Plain ASCII, no colour, 80 columns, everything expanded: the transcript form.
    public static let plain = RenderOptions()
}

/// Colours, rules, word wrapping and ASCII folding: the one place that knows
/// what the terminal can show.
struct Styler: Sendable {
    let options: RenderOptions

    enum Tone { case bold, dim, cyan, green, red, yellow }

    func style(_ text: String, _ tone: Tone) -> String {
        guard options.color else { return text }
        let code: String
        switch tone {
        case .bold: code = "1"
        case .dim: code = "2"
        case .cyan: code = "36"
        case .green: code = "32"
        case .red: code = "31"
        case .yellow: code = "33"
        }
        return "\u{1B}[\(code)m" + text + "\u{1B}[0m"
    }

    /// `── title ─────` across the width.
    func rule(_ title: String, heavy: Bool = false) -> String {
        let bar: Character = options.unicode ? (heavy ? "═" : "─") : (heavy ? "=" : "-")
        let head = "\(bar)\(bar) \(fold(title)) "
        return head + String(repeating: bar, count: max(2, options.width - head.count))
    }

    /// The text in the terminal's alphabet: Unicode, or ASCII spellings.
    func fold(_ text: String) -> String { options.unicode ? text : text.asciiFolded }

    /// Word-wraps to the width (escape sequences do not count); `prefix`
    /// starts the first line after `indent` spaces, later lines start at
    /// `hanging` (default: under the text after the prefix). A word longer
    /// than a line is cut.
    func wrap(_ text: String, indent: Int = 0, hanging: Int? = nil, prefix: String = "") -> String {
        let width = options.width
        let text = fold(text)
        let prefix = fold(prefix)
        var lines: [String] = []
        var current = String(repeating: " ", count: indent) + prefix
        let firstStart = indent + prefix.visibleWidth
        let continuation = String(repeating: " ", count: min(hanging ?? firstStart, width / 2))
        var currentWidth = firstStart
        var lineStart = firstStart
        for word in text.components(separatedBy: " ") where !word.isEmpty {
            var word = Substring(word)
            while !word.isEmpty {
                let wordWidth = word.visibleWidth
                if currentWidth > lineStart && currentWidth + 1 + wordWidth > width {
                    lines.append(current)
                    current = continuation
                    currentWidth = continuation.count
                    lineStart = currentWidth
                }
                let separator = currentWidth > lineStart ? " " : ""
                let room = width - currentWidth - separator.count
                if wordWidth > room && currentWidth == lineStart && !word.contains("\u{1B}") {
                    // One word wider than a line: cut it.
                    current += word.prefix(max(1, room))
                    word = word.dropFirst(max(1, room))
                    lines.append(current)
                    current = continuation
                    currentWidth = continuation.count
                    lineStart = currentWidth
                    continue
                }
                current += separator + word
                currentWidth += separator.count + wordWidth
                word = ""
            }
        }
        lines.append(current)
        return lines.map(\.trimmedRight).joined(separator: "\n")
    }
}

extension StringProtocol {
    /// Columns on screen: characters, ignoring ANSI escape sequences.
    var visibleWidth: Int {
        var width = 0
        var inEscape = false
        for character in self {
            if inEscape {
                if character.isLetter { inEscape = false }
                continue
            }
            if character == "\u{1B}" {
                inEscape = true
                continue
            }
            width += 1
        }
        return width
    }

    var trimmedRight: String {
        guard let last = lastIndex(where: { $0 != " " }) else { return "" }
        return String(self[...last])
    }
}

extension String {
    /// Padded with spaces to `width` visible columns.
    func padded(to width: Int) -> String {
        let visible = visibleWidth
        return visible >= width ? self : self + String(repeating: " ", count: width - visible)
    }
}
