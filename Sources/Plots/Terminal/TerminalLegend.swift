/// A terminal chart's legend: a swatch and a name per entry. It goes inside
/// the plot at matplotlib's "best" place if one covers nothing drawn,
/// otherwise under the chart, entries side by side as the width allows.
struct TerminalLegend {
    struct Entry {
        let swatch: String
        let color: RGB?
        let name: String
    }

    static let maxInside = 10

    let entries: [Entry]
    let unicode: Bool

    func text(_ entry: Entry) -> String { entry.swatch + " " + entry.name }

    /// Draws inside if it can; returns false when it must go below.
    func drawInside(_ canvas: inout TextCanvas, frame: TerminalFrame, top: Int) -> Bool {
        guard !entries.isEmpty, entries.count <= TerminalLegend.maxInside else { return false }
        let longest = entries.map { text($0).count }.max() ?? 0
        let boxWidth = longest + 2
        guard boxWidth <= frame.columns - 2, entries.count <= frame.rows else { return false }
        let area = Rect(
            x: Double(frame.plotLeft), y: Double(top + 1), width: Double(frame.columns), height: Double(frame.rows))
        let placement = LegendPlacement.best(
            width: Double(boxWidth), height: Double(entries.count), in: area, inset: 0
        ) { box in
            var covered = 0
            for row in Int(box.y)..<Int(box.maxY) {
                for column in Int(box.x)..<Int(box.maxX) where !canvas.isBlank(row: row, column: column) {
                    covered += 1
                }
            }
            return covered
        }
        guard placement.cost == 0 else { return false }
        for (index, entry) in entries.enumerated() {
            let row = Int(placement.box.y) + index
            let column = Int(placement.box.x) + 1
            canvas.put(entry.swatch, row: row, column: column, foreground: entry.color)
            canvas.put(
                TextCanvas.fitted(" " + entry.name, longest - entry.swatch.count, unicode: unicode), row: row,
                column: column + entry.swatch.count)
        }
        return true
    }

    /// Entries under the chart, as many per row as fit; past `maxBelow`
    /// entries a count of the rest.
    static let maxBelow = 12

    func drawBelow(_ canvas: inout TextCanvas, indent: Int) {
        var row = -1
        var column = indent
        let hidden = entries.count - TerminalLegend.maxBelow
        var shown = Array(entries.prefix(TerminalLegend.maxBelow))
        if hidden > 0 { shown.append(Entry(swatch: "…", color: nil, name: "and \(hidden) more")) }
        for entry in shown {
            let width = text(entry).count
            if row < 0 || column + width > canvas.width {
                row = canvas.addRows(1)
                column = indent
            }
            canvas.put(entry.swatch, row: row, column: column, foreground: entry.color)
            canvas.put(
                TextCanvas.fitted(" " + entry.name, canvas.width - column - entry.swatch.count, unicode: unicode),
                row: row, column: column + entry.swatch.count)
            column += width + 3
        }
    }
}
