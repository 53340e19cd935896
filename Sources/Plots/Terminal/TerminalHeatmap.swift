extension TerminalRenderer {
    /// Shades from low to high when there is no colour (ten levels).
    static let asciiRamp: [Character] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]
    /// One glyph per point group, capitals so they stand out from the shades.
    static let groupGlyphs: [Character] = ["O", "X", "V", "A", "S", "Z", "N", "W"]

    static func renderHeatmap(_ chart: Heatmap, options: TerminalOptions) throws -> String {
        let prepared = try PreparedHeatmap(chart)
        let colored = options.color != .none
        // In colour, each cell shows two values: "▀" in the upper one's
        // colour on the lower one's.
        let yResolution = colored ? 2 : 1
        let rows = options.rows(forColumns: options.width - 10)
        let frame = try TerminalFrame.make(
            width: options.width, rows: rows, xLimits: chart.xRange, xScale: .linear, yLimits: chart.yRange,
            yScale: .linear, xResolution: 1, yResolution: yResolution, labels: options.unicode ? .unicode : .ascii)
        var canvas = TextCanvas(width: options.width)
        drawHeading(&canvas, title: chart.title, yLabel: chart.y.label, frame: frame, unicode: options.unicode)
        let top = canvas.addRows(frame.rows + 3)
        frame.draw(&canvas, top: top, unicode: options.unicode)

        // Sample the grid at the centre of each dot.
        func sample(_ column: Int, _ dotRow: Int) -> Double? {
            let x = frame.x.value(at: Double(column))
            let y = frame.y.value(at: Double(dotRow))
            return prepared.value(x: x, y: y)
        }
        for row in 0..<frame.rows {
            for column in 0..<frame.columns {
                var cell = TextCanvas.Cell()
                if colored {
                    let upper = sample(column, row * 2).flatMap(prepared.color)
                    let lower = sample(column, row * 2 + 1).flatMap(prepared.color)
                    if let upper {
                        cell = TextCanvas.Cell(character: "▀", foreground: upper, background: lower)
                    } else if let lower {
                        cell = TextCanvas.Cell(character: "▄", foreground: lower)
                    }
                } else if let value = sample(column, row), value.isFinite {
                    let t = PreparedHeatmap.fraction(value, in: prepared.valueRange)
                    let level = Int((min(max(t, 0), 1) * Double(asciiRamp.count - 1)).rounded())
                    cell = TextCanvas.Cell(character: asciiRamp[level])
                }
                canvas[top + 1 + row, frame.plotLeft + column] = cell
            }
        }
        for (index, group) in chart.points.enumerated() {
            let glyph = groupGlyphs[index % groupGlyphs.count]
            for point in group.points where point.x.isFinite && point.y.isFinite {
                let cell = frame.cell(frame.dots(point), top: top)
                guard frame.contains(column: cell.column, row: cell.row, top: top) else { continue }
                var existing = canvas[cell.row, cell.column]
                existing.character = glyph
                if colored {
                    // Black or white on the region behind, whichever reads.
                    let behind = existing.background ?? existing.foreground ?? .white
                    existing.background = behind
                    existing.foreground = behind.luminance > 0.5 ? .black : .white
                    existing.bold = true
                }
                canvas[cell.row, cell.column] = existing
            }
        }
        if !chart.x.label.isEmpty {
            let row = canvas.addRows(1)
            let label = TextCanvas.fitted(chart.x.label, options.width, unicode: options.unicode)
            canvas.put(label, row: row, column: max(0, frame.plotLeft + (frame.columns - label.count) / 2))
        }
        drawColorScale(&canvas, prepared: prepared, frame: frame, options: options)
        if !chart.points.isEmpty {
            let legend = TerminalLegend(
                entries: chart.points.enumerated().map {
                    TerminalLegend.Entry(
                        swatch: String(groupGlyphs[$0.offset % groupGlyphs.count]), color: nil, name: $0.element.name)
                }, unicode: options.unicode)
            legend.drawBelow(&canvas, indent: frame.plotLeft)
        }
        return canvas.rendered(color: options.color)
    }

    /// The colour bar as one row: low value, the scale, high value, label.
    static func drawColorScale(
        _ canvas: inout TextCanvas, prepared: PreparedHeatmap, frame: TerminalFrame, options: TerminalOptions
    ) {
        let low = NumberText.significant(prepared.valueRange.lowerBound, 3)
        let high = NumberText.significant(prepared.valueRange.upperBound, 3)
        let label = prepared.chart.valueLabel
        let row = canvas.addRows(1)
        var column = frame.plotLeft
        canvas.put(low + " ", row: row, column: column)
        column += low.count + 1
        let colored = options.color != .none
        if !colored {
            // The blank low end of the ramp needs a visible boundary.
            canvas.put("[", row: row, column: column)
            column += 1
        }
        let available = options.width - column - high.count - 1 - (label.isEmpty ? 0 : label.count + 2)
        let length = min(max(available, 10), 40)
        for index in 0..<length {
            let t = Double(index) / Double(max(length - 1, 1))
            if colored {
                canvas[row, column + index] = TextCanvas.Cell(
                    character: "█", foreground: prepared.chart.colormap.color(at: t))
            } else {
                let level = Int((t * Double(asciiRamp.count - 1)).rounded())
                canvas[row, column + index] = TextCanvas.Cell(character: asciiRamp[level])
            }
        }
        if !colored {
            canvas.put("]", row: row, column: column + length)
            column += 1
        }
        canvas.put(" " + high + (label.isEmpty ? "" : "  " + label), row: row, column: column + length)
    }
}
