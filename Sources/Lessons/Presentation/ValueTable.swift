import Exact
import Reference

/// A table of values: per element its index, the exact value, and the
/// float runs' values with their errors (`FloatError`). An exact value too
/// wide for the terminal is shown correctly rounded on its row, marked "≈",
/// and — when expanded — in full on the lines below. A row whose value a
/// pending question asks for shows "?".
struct ValueTable {
    let heading: String
    let exact: Values<Surd>
    let double: Values<Double>
    let float: Values<Float>?
    /// The question (1-based) that hides a row, if any.
    let concealedBy: (Surd, Double, Float?) -> Int?

    func render(_ styler: Styler) -> String {
        let options = styler.options
        let format = ValueFormat(unicode: options.unicode)
        let showExact = options.columns != .doubleOnly
        let showFloats = options.columns != .exactOnly
        var header = ["", "exact"]
        if !showExact { header.removeLast() }
        if showFloats {
            header += ["f64", "f64 error"]
            if float != nil { header += ["f32", "f32 error"] }
        }
        var rows: [[String]] = [header]
        var hiddenBy: [Int: Int] = [:]
        for index in exact.items.indices {
            let value = exact.items[index]
            let d = double.items[index]
            let f = float?.items[index]
            var row = [Self.indexLabel(index, shape: exact.shape)]
            if let question = concealedBy(value, d, f) {
                hiddenBy[rows.count] = question
                if showExact { row.append("?") }
                if showFloats {
                    row += ["?", ""]
                    if float != nil { row += ["?", ""] }
                }
                rows.append(row)
                continue
            }
            if showExact { row.append(format.exact(value)) }
            if showFloats {
                row += [format.float(d), format.error(FloatError.describe(d, exact: value))]
                if let f { row += [format.float(f), format.error(FloatError.describe(f, exact: value))] }
            }
            rows.append(row)
        }
        var out = styler.wrap(styler.style(heading, .cyan), indent: 2, hanging: 6) + "\n"
        // Exact values too wide for the terminal: the row shows the value
        // correctly rounded, and the canonical form follows on its own lines.
        var continued: [Int: String] = [:]
        if showExact && !options.wide && Self.tableWidth(rows) > options.width {
            let rest = Self.tableWidth(rows.map { row in row.enumerated().filter { $0.offset != 1 }.map(\.element) })
            let budget = max(12, options.width - rest - 2)
            for number in rows.indices.dropFirst() where rows[number][1].visibleWidth > budget {
                let value = exact.items[number - 1]
                var digits = 17
                var rounded = format.approximate(value, digits: digits)
                while rounded.count > budget && digits > 6 {
                    digits -= 1
                    rounded = format.approximate(value, digits: digits)
                }
                continued[number] = value.description
                rows[number][1] = rounded
            }
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].visibleWidth }.max() ?? 0 }
        let exactIndent = 4 + widths[0] + 2
        for (number, row) in rows.enumerated() {
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padded(to: widths[column])
            }
            let text = styler.fold(("    " + cells.joined(separator: "  ")).trimmedRight)
            out += (number == 0 ? styler.style(text, .dim) : text) + "\n"
            if options.expandExact, let full = continued[number] {
                out +=
                    styler.style(
                        Self.breakCanonical(full, first: "= ", indent: exactIndent, width: options.width), .dim)
                    + "\n"
            }
        }
        if !continued.isEmpty {
            let note =
                options.expandExact
                ? "≈ rounded to fit \(options.width) columns; the exact value follows on the lines below (--wide keeps it on the row)."
                : "≈ rounded to fit \(options.width) columns (e shows the exact values)."
            out += styler.wrap(styler.style(note, .dim), indent: 4, hanging: 6) + "\n"
        }
        for question in Set(hiddenBy.values).sorted() {
            out += styler.wrap(styler.style("? hidden until question \(question) is answered", .dim), indent: 4) + "\n"
        }
        return out
    }

    /// Columns a table takes: indent, cells and two spaces between them.
    static func tableWidth(_ rows: [[String]]) -> Int {
        guard let first = rows.first, !first.isEmpty else { return 0 }
        let widths = first.indices.map { column in rows.map { $0[column].visibleWidth }.max() ?? 0 }
        return 4 + widths.reduce(0, +) + 2 * (widths.count - 1)
    }

    /// A canonical exact value over as many lines as it needs, broken before
    /// a sign that starts a term or after a "*" or "/" (mid-number only when
    /// one number alone is wider than a line).
    static func breakCanonical(_ text: String, first: String, indent: Int, width: Int) -> String {
        let room = max(10, width - indent - first.count)
        var pieces: [String] = []
        var current = ""
        var previous: Character?
        for character in text {
            let startsTerm = (character == "+" || character == "-") && previous.map { !"*/(eE".contains($0) } ?? false
            if startsTerm, !current.isEmpty {
                pieces.append(current)
                current = ""
            }
            current.append(character)
            if character == "*" || character == "/" {
                pieces.append(current)
                current = ""
            }
            previous = character
        }
        if !current.isEmpty { pieces.append(current) }
        var lines: [String] = []
        var line = ""
        for piece in pieces {
            if line.count + piece.count <= room {
                line += piece
                continue
            }
            if !line.isEmpty {
                lines.append(line)
                line = ""
            }
            var rest = Substring(piece)
            while rest.count > room {
                lines.append(String(rest.prefix(room)))
                rest = rest.dropFirst(room)
            }
            line = String(rest)
        }
        if !line.isEmpty { lines.append(line) }
        let pad = String(repeating: " ", count: indent)
        let hang = String(repeating: " ", count: indent + first.count)
        return lines.enumerated().map { ($0.offset == 0 ? pad + first : hang) + $0.element }.joined(separator: "\n")
    }

    static func indexLabel(_ index: Int, shape: [Int]) -> String {
        if shape.isEmpty { return "" }
        var rest = index
        var parts: [Int] = []
        for dim in shape.reversed() {
            parts.append(rest % max(dim, 1))
            rest /= max(dim, 1)
        }
        return "[" + parts.reversed().map(String.init).joined(separator: ",") + "]"
    }
}
