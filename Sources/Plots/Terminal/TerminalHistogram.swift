extension TerminalRenderer {
    /// Lower block elements by eighths: a bar's top in an eighth of a row.
    static let verticalEighths: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    static func renderHistogram(_ chart: HistogramChart, options: TerminalOptions) throws -> String {
        try PreparedHistogram.check(chart)
        if chart.layout == .overlaid {
            return try renderLine(PreparedHistogram.stepChart(chart), options: options)
        }
        let unicode = options.unicode
        let colored = options.color != .none
        let glyphs = TerminalFrame.Glyphs(unicode: unicode)
        let count = chart.histograms.count
        let panelRows = options.plotRows.map { max(2, $0 / count) } ?? max(2, min(6, 24 / count))
        let names = chart.histograms.map(\.name)
        let maxima = chart.histograms.map { $0.histogram.counts.max() ?? 0 }
        // Names longer than 16 columns are cut, so the width needed does not
        // depend on the width given.
        let gutter = min(max(names.map(\.count).max() ?? 1, 1), 16)
        let right = maxima.map { NumberText.short($0).count }.max() ?? 1
        // The right edge carries each panel's scale: "├ 90" at its top, "├ 0" at its bottom.
        let columns = options.width - gutter - 2 - (right + 1) - 1
        guard columns >= minimumPlotColumns else {
            let needed = gutter + 4 + right + minimumPlotColumns
            throw PlotError(
                "width \(options.width) is below the \(needed) columns this chart needs (\(gutter) for the names, \(right + 4) for the frame and counts, \(minimumPlotColumns) for the plot)",
                subject: .width(needed: needed))
        }
        let xLimits = DataRange.limits(
            fixed: chart.x.limits, data: PreparedHistogram.xRange(chart), scale: chart.x.scale, margin: 0)
        let x = AxisTransform(domain: xLimits, scale: chart.x.scale, start: 0, end: Double(columns - 1))
        let xTicks = TerminalFrame.fittingXTicks(
            xLimits, scale: chart.x.scale, transform: x, columns: columns, resolution: 1, gutter: gutter,
            width: options.width, labels: unicode ? .unicode : .ascii)

        var canvas = TextCanvas(width: options.width)
        if !chart.title.isEmpty {
            let row = canvas.addRows(1)
            let text = TextCanvas.fitted(chart.title, options.width, unicode: unicode)
            canvas.put(text, row: row, column: max(0, gutter + 1 + (columns - text.count) / 2), bold: true)
        }
        canvas.addLine(
            "bar heights: \(chart.countLabel), each panel to its own maximum (right)", unicode: unicode)
        let left = gutter
        let end = gutter + 1 + columns
        var row = canvas.addRows(1)
        canvas.put(
            String(glyphs.topLeft) + String(repeating: glyphs.horizontal, count: columns) + String(glyphs.topRight),
            row: row, column: left)
        for (index, named) in chart.histograms.enumerated() {
            let histogram = named.histogram
            // Each column shows the tallest bin it overlaps, so no peak is lost.
            var heights = [Double](repeating: 0, count: columns)
            for column in 0..<columns {
                let from = x.value(at: Double(column) - 0.5)
                let to = x.value(at: Double(column) + 0.5)
                for bin in histogram.counts.indices
                where histogram.edges[bin] < to && histogram.edges[bin + 1] > from {
                    heights[column] = max(heights[column], histogram.counts[bin])
                }
            }
            let maximum = max(maxima[index], 1)
            let first = canvas.addRows(panelRows)
            for panelRow in 0..<panelRows {
                let canvasRow = first + panelRow
                canvas.put(String(glyphs.vertical), row: canvasRow, column: left)
                canvas.put(String(glyphs.vertical), row: canvasRow, column: end)
                let rowsBelow = Double(panelRows - 1 - panelRow)
                for column in 0..<columns where heights[column] > 0 {
                    // Height in eighths of a row; a non-empty bin shows at least one.
                    let eighths = max(1, Int((heights[column] / maximum * Double(panelRows * 8)).rounded()))
                    let fill = min(max(eighths - Int(rowsBelow) * 8, 0), 8)
                    guard fill > 0 else { continue }
                    let character: Character =
                        unicode ? verticalEighths[fill] : (fill >= 4 ? "#" : "_")
                    canvas[canvasRow, left + 1 + column] = TextCanvas.Cell(
                        character: character, foreground: colored ? Palette.color(0) : nil)
                }
            }
            canvas.put(
                TextCanvas.fitted(names[index], gutter, unicode: unicode), row: first,
                column: max(0, gutter - min(names[index].count, gutter)))
            canvas.put(unicode ? "├" : "+", row: first, column: end)
            canvas.put(NumberText.short(maxima[index]), row: first, column: end + 2)
            canvas.put(unicode ? "├" : "+", row: first + panelRows - 1, column: end)
            canvas.put("0", row: first + panelRows - 1, column: end + 2)
            if index < count - 1 {
                row = canvas.addRows(1)
                canvas.put(
                    (unicode ? "├" : "+") + String(repeating: unicode ? "┈" : "-", count: columns)
                        + (unicode ? "┤" : "+"),
                    row: row, column: left)
            }
        }
        row = canvas.addRows(2)
        canvas.put(
            String(glyphs.bottomLeft) + String(repeating: glyphs.horizontal, count: columns)
                + String(glyphs.bottomRight), row: row, column: left)
        for tick in xTicks {
            canvas.put(String(glyphs.bottomTick), row: row, column: left + 1 + tick.0)
            let span = TerminalFrame.labelSpan(column: tick.0, label: tick.1, gutter: gutter, width: options.width)
            canvas.put(tick.1, row: row + 1, column: span.lowerBound)
        }
        if !chart.x.label.isEmpty {
            let line = canvas.addRows(1)
            let label = TextCanvas.fitted(chart.x.label, options.width, unicode: unicode)
            canvas.put(label, row: line, column: max(0, gutter + 1 + (columns - label.count) / 2))
        }
        for note in chart.notes { canvas.addWrapped(note, unicode: unicode) }
        return canvas.rendered(color: options.color)
    }
}
