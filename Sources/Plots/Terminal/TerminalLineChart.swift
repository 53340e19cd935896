extension TerminalRenderer {
    /// Series symbols when there is no colour to tell series apart: one per
    /// cell, as gnuplot's dumb terminal draws.
    static let seriesSymbols: [Character] = ["*", "+", "o", "x", "#", "%", "&", "=", "$", "~"]

    static func renderLine(_ chart: LineChart, options: TerminalOptions) throws -> String {
        let prepared = try PreparedLineChart(chart)
        // No x margin: terminal columns are few, and the frame already
        // separates the curve from the tick labels.
        let limits = prepared.limits(xMargin: 0, yMargin: 0.05)
        let colored = options.color != .none
        // Braille dots all look alike: several series need colour to be told apart.
        let braille = options.unicode && (colored || prepared.curves.count == 1)
        let rows = options.rows(forColumns: options.width - 10)
        let frame = try TerminalFrame.make(
            width: options.width, rows: rows, xLimits: limits.x, xScale: chart.x.scale, yLimits: limits.y,
            yScale: chart.y.scale, xResolution: braille ? 2 : 1, yResolution: braille ? 4 : 1,
            labels: options.unicode ? .unicode : .ascii)

        var raster = Raster(columns: frame.columns, rows: frame.rows, braille: braille)
        for (index, curve) in prepared.curves.enumerated() {
            let symbol = seriesSymbols[index % seriesSymbols.count]
            for run in curve.runs {
                let dots = run.map(frame.dots)
                if curve.style != .points {
                    for (a, b) in zip(dots, dots.dropFirst()) {
                        raster.line(from: a, to: b, owner: index, symbol: symbol)
                    }
                }
                if curve.style != .line || dots.count == 1 {
                    for dot in dots { raster.point(dot, owner: index, symbol: symbol) }
                }
            }
        }

        var canvas = TextCanvas(width: options.width)
        drawHeading(&canvas, title: chart.title, yLabel: chart.y.label, frame: frame, unicode: options.unicode)
        let top = canvas.addRows(frame.rows + 3)
        frame.draw(&canvas, top: top, unicode: options.unicode)
        drawRules(&canvas, chart.markers, frame: frame, top: top, unicode: options.unicode)
        for row in 0..<frame.rows {
            for column in 0..<frame.columns {
                guard let (character, owner) = raster.cell(column: column, row: row) else { continue }
                canvas[top + 1 + row, frame.plotLeft + column] = TextCanvas.Cell(
                    character: character, foreground: colored ? prepared.curves[owner].color : nil)
            }
        }
        drawMarkers(&canvas, chart.markers, frame: frame, top: top, unicode: options.unicode, colored: colored)
        let breakGlyph = options.unicode ? "×" : "X"
        for mark in prepared.breaks {
            let x = frame.x.position(mark.x)
            guard x >= -0.5 && x <= Double(frame.columns * frame.xResolution) - 0.5 else { continue }
            let row = mark.value < 0 && !mark.value.isNaN ? top + frame.rows : top + 1
            canvas.put(
                breakGlyph, row: row, column: frame.plotLeft + Int(x.rounded()) / frame.xResolution,
                foreground: colored ? prepared.curves[mark.curve].color : nil, bold: colored)
        }
        if !chart.x.label.isEmpty {
            let row = canvas.addRows(1)
            let label = TextCanvas.fitted(chart.x.label, options.width, unicode: options.unicode)
            let start = frame.plotLeft + (frame.columns - label.count) / 2
            canvas.put(label, row: row, column: max(0, min(start, options.width - label.count)))
        }
        if chart.showsLegend {
            let legend = TerminalLegend(
                entries: prepared.curves.enumerated().map { index, curve in
                    let swatch =
                        braille
                        ? (curve.style == .points ? "⠶⠶" : "──")
                        : String(repeating: seriesSymbols[index % seriesSymbols.count], count: 2)
                    return TerminalLegend.Entry(swatch: swatch, color: colored ? curve.color : nil, name: curve.name)
                }, unicode: options.unicode)
            if !legend.drawInside(&canvas, frame: frame, top: top) {
                legend.drawBelow(&canvas, indent: frame.plotLeft)
            }
        }
        for note in prepared.notes { canvas.addWrapped(note, unicode: options.unicode) }
        for note in prepared.breakNotes { canvas.addWrapped(breakGlyph + " " + note, unicode: options.unicode) }
        return canvas.rendered(color: options.color)
    }

    /// The title centred over the plot (bold), then the y label over the
    /// tick labels.
    static func drawHeading(
        _ canvas: inout TextCanvas, title: String, yLabel: String, frame: TerminalFrame, unicode: Bool
    ) {
        if !title.isEmpty {
            let row = canvas.addRows(1)
            let text = TextCanvas.fitted(title, canvas.width, unicode: unicode)
            let start = frame.plotLeft + (frame.columns - text.count) / 2
            canvas.put(text, row: row, column: max(0, min(start, canvas.width - text.count)), bold: true)
        }
        if !yLabel.isEmpty { canvas.addLine(yLabel, unicode: unicode) }
    }

    /// Dashed rules in the empty cells of the plot area, under everything.
    static func drawRules(
        _ canvas: inout TextCanvas, _ markers: [Marker], frame: TerminalFrame, top: Int, unicode: Bool
    ) {
        for marker in markers {
            switch marker.kind {
            case .verticalLine(let x):
                let column = frame.plotLeft + Int(frame.x.position(x).rounded()) / frame.xResolution
                guard frame.contains(column: column, row: top + 1, top: top) else { continue }
                for row in top + 1...top + frame.rows {
                    canvas.put(unicode ? "┊" : ":", row: row, column: column, foreground: marker.color ?? .gray)
                }
            case .horizontalLine(let y):
                let row = top + 1 + Int(frame.y.position(y).rounded()) / frame.yResolution
                guard frame.contains(column: frame.plotLeft, row: row, top: top) else { continue }
                canvas.put(
                    String(repeating: unicode ? "┄" : "-", count: frame.columns), row: row, column: frame.plotLeft,
                    foreground: marker.color ?? .gray)
            default: break
            }
        }
    }

    /// Point markers and the labels of every marker, over the data, kept
    /// inside the plot area.
    static func drawMarkers(
        _ canvas: inout TextCanvas, _ markers: [Marker], frame: TerminalFrame, top: Int, unicode: Bool, colored: Bool
    ) {
        let left = frame.plotLeft
        let right = frame.plotLeft + frame.columns
        // Labels already written, as (row, columns), so later ones move clear.
        var taken: [(Int, Range<Int>)] = []
        func place(_ label: String, row: Int, after column: Int, color: RGB?) {
            guard !label.isEmpty else { return }
            let text = TextCanvas.fitted(label, frame.columns, unicode: unicode)
            // Right of the mark, else left; on its row, else one, two, three rows off.
            var candidates: [(Int, Int)] = []
            for offset in [0, -1, 1, -2, 2, -3, 3] {
                candidates.append((row + offset, column + 2))
                candidates.append((row + offset, column - 1 - text.count))
            }
            let fitting = candidates.filter { candidate in
                candidate.0 > top && candidate.0 <= top + frame.rows && candidate.1 >= left
                    && candidate.1 + text.count <= right
            }
            let free = fitting.first { candidate in
                !taken.contains { $0.0 == candidate.0 && $0.1.overlaps(candidate.1..<candidate.1 + text.count + 1) }
            }
            let (chosenRow, start) =
                free ?? fitting.first ?? (row, max(left, min(column + 2, right - text.count)))
            taken.append((chosenRow, start..<start + text.count))
            canvas.put(text, row: chosenRow, column: start, foreground: colored ? color : nil)
        }
        for marker in markers {
            switch marker.kind {
            case .point(let point):
                let cell = frame.cell(frame.dots(point), top: top)
                guard frame.contains(column: cell.column, row: cell.row, top: top) else { continue }
                canvas.put(
                    unicode ? "●" : "@", row: cell.row, column: cell.column, foreground: colored ? marker.color : nil,
                    bold: true)
                place(marker.label, row: cell.row, after: cell.column, color: marker.color)
            case .text(let point):
                let cell = frame.cell(frame.dots(point), top: top)
                guard frame.contains(column: cell.column, row: cell.row, top: top) else { continue }
                let text = TextCanvas.fitted(marker.label, frame.columns, unicode: unicode)
                let start = max(left, min(cell.column - text.count / 2, right - text.count))
                canvas.put(text, row: cell.row, column: start, foreground: colored ? marker.color : nil)
            case .verticalLine(let x):
                let column = frame.plotLeft + Int(frame.x.position(x).rounded()) / frame.xResolution
                guard frame.contains(column: column, row: top + 1, top: top) else { continue }
                place(marker.label, row: top + 1, after: column - 1, color: marker.color ?? .gray)
            case .horizontalLine(let y):
                let row = top + 1 + Int(frame.y.position(y).rounded()) / frame.yResolution
                guard frame.contains(column: left, row: row, top: top), !marker.label.isEmpty else { continue }
                let text = TextCanvas.fitted(" " + marker.label + " ", frame.columns, unicode: unicode)
                canvas.put(
                    text, row: row, column: right - text.count - 1, foreground: colored ? (marker.color ?? .gray) : nil)
            }
        }
    }
}
