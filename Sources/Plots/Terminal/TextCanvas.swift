@preconcurrency import Rainbow

/// A grid of character cells, each with optional colours, that grows by
/// rows; rendered to lines of text with ANSI colour codes (through Rainbow)
/// or without.
struct TextCanvas {
    struct Cell: Equatable {
        var character: Character = " "
        var foreground: RGB? = nil
        var background: RGB? = nil
        var bold = false

        var isBlank: Bool { character == " " && background == nil }
    }

    let width: Int
    private(set) var rows: [[Cell]] = []

    init(width: Int) { self.width = width }

    var height: Int { rows.count }

    /// Adds `count` blank rows; returns the index of the first.
    @discardableResult
    mutating func addRows(_ count: Int) -> Int {
        let first = rows.count
        rows += Array(repeating: Array(repeating: Cell(), count: width), count: max(count, 0))
        return first
    }

    subscript(row: Int, column: Int) -> Cell {
        get { rows[row][column] }
        set {
            guard row >= 0, row < rows.count, column >= 0, column < width else { return }
            rows[row][column] = newValue
        }
    }

    func isBlank(row: Int, column: Int) -> Bool {
        guard row >= 0, row < rows.count, column >= 0, column < width else { return false }
        return rows[row][column].isBlank
    }

    /// Writes text from `column` on, cut at the canvas edge.
    mutating func put(
        _ text: String, row: Int, column: Int, foreground: RGB? = nil, background: RGB? = nil, bold: Bool = false
    ) {
        var position = column
        for character in text {
            if position >= 0 && position < width {
                self[row, position] = Cell(
                    character: character, foreground: foreground,
                    background: background ?? rows[row][position].background, bold: bold)
            }
            position += 1
        }
    }

    /// Writes a line of text on a new row, cut to the width with an ellipsis.
    mutating func addLine(_ text: String, column: Int = 0, unicode: Bool, foreground: RGB? = nil, bold: Bool = false) {
        let row = addRows(1)
        put(
            TextCanvas.fitted(text, width - column, unicode: unicode), row: row, column: column, foreground: foreground,
            bold: bold)
    }

    /// A paragraph on as many new rows as it needs, broken between words
    /// (a word longer than the width is cut).
    mutating func addWrapped(_ text: String, indent: Int = 0, unicode: Bool) {
        let available = max(width - indent, 1)
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            if line.isEmpty {
                line = word
            } else if line.count + 1 + word.count <= available {
                line += " " + word
            } else {
                addLine(line, column: indent, unicode: unicode)
                line = word
            }
        }
        addLine(line, column: indent, unicode: unicode)
    }

    /// Text cut to `width` characters, ending in "…" (or "...") when cut.
    static func fitted(_ text: String, _ width: Int, unicode: Bool) -> String {
        guard text.count > width else { return text }
        guard width > 0 else { return "" }
        let ellipsis = unicode ? "…" : "..."
        if width <= ellipsis.count { return String(text.prefix(width)) }
        return String(text.prefix(width - ellipsis.count)) + ellipsis
    }

    /// The lines, trailing blanks dropped, colour codes when asked.
    func rendered(color: TerminalOptions.Color) -> String {
        var output = ""
        for row in rows {
            var end = row.count
            while end > 0 && row[end - 1].isBlank { end -= 1 }
            var index = 0
            while index < end {
                let style = row[index]
                var text = ""
                var next = index
                while next < end, row[next].foreground == style.foreground, row[next].background == style.background,
                    row[next].bold == style.bold
                {
                    text.append(row[next].character)
                    next += 1
                }
                output += TerminalColor.styled(
                    text, foreground: style.foreground, background: style.background, bold: style.bold, mode: color)
                index = next
            }
            output += "\n"
        }
        return output
    }
}

/// Colour escape codes, written by Rainbow. Rainbow stays silent unless it
/// believes it writes to a console; a caller that asks for colour has
/// decided that already, so the renderer tells Rainbow so.
enum TerminalColor {
    static func styled(_ text: String, foreground: RGB?, background: RGB?, bold: Bool, mode: TerminalOptions.Color)
        -> String
    {
        guard mode != .none, foreground != nil || background != nil || bold else { return text }
        if Rainbow.outputTarget != .console || !Rainbow.enabled {
            Rainbow.outputTarget = .console
            Rainbow.enabled = true
        }
        return text.applyingAll(
            color: foreground.map { code($0, mode: mode) }, backgroundColor: background.map { code($0, mode: mode) },
            styles: bold ? [.bold] : [])
    }

    static func code(_ color: RGB, mode: TerminalOptions.Color) -> ColorType {
        mode == .trueColor ? .bit24((color.red, color.green, color.blue)) : .bit8(xterm256(color))
    }

    static func code(_ color: RGB, mode: TerminalOptions.Color) -> BackgroundColorType {
        mode == .trueColor ? .bit24((color.red, color.green, color.blue)) : .bit8(xterm256(color))
    }

    /// The nearest of xterm's 256 colours: the 6 × 6 × 6 cube (levels 0, 95,
    /// 135, …, 255) or the 24 greys, by the "redmean" weighted distance
    /// (closer to what the eye sees than plain RGB distance). Rainbow's own
    /// approximation divides each channel into six equal parts, which does
    /// not match the cube's levels and turns tab10's blue much lighter.
    static func xterm256(_ color: RGB) -> UInt8 {
        let levels = [0, 95, 135, 175, 215, 255]
        func distance(_ r: Int, _ g: Int, _ b: Int) -> Int {
            let mean = (r + Int(color.red)) / 2
            let dr = r - Int(color.red)
            let dg = g - Int(color.green)
            let db = b - Int(color.blue)
            return ((512 + mean) * dr * dr) / 256 + 4 * dg * dg + ((767 - mean) * db * db) / 256
        }
        var best = 16
        var bestDistance = Int.max
        for r in 0..<6 {
            for g in 0..<6 {
                for b in 0..<6 {
                    let d = distance(levels[r], levels[g], levels[b])
                    if d < bestDistance {
                        best = 16 + 36 * r + 6 * g + b
                        bestDistance = d
                    }
                }
            }
        }
        for step in 0..<24 {
            let grey = 8 + 10 * step
            let d = distance(grey, grey, grey)
            if d < bestDistance {
                best = 232 + step
                bestDistance = d
            }
        }
        return UInt8(best)
    }
}
