extension TerminalRenderer {
    /// Left block elements by eighths: a bar's end in an eighth of a column.
    static let horizontalEighths: [Character] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]
    /// Bar fills when there is no colour, one per series.
    static let barSymbols: [Character] = ["#", "=", "*", "+", "o", "x", "%", "&"]
    /// Bar fills on a Unicode terminal without colour: shades, then symbols.
    static let barShades: [Character] = ["█", "▒", "░", "▓"]

    static func barFill(series: Int, unicode: Bool, colored: Bool) -> Character {
        if unicode && colored { return "█" }
        if unicode && series < barShades.count { return barShades[series] }
        return barSymbols[series % barSymbols.count]
    }

    /// Bars lie horizontally in a terminal: category names read on the left,
    /// lengths in eighths of a column.
    static func renderBar(_ chart: BarChart, options: TerminalOptions) throws -> String {
        let prepared = try PreparedBarChart(chart)
        let unicode = options.unicode
        let colored = options.color != .none
        let seriesCount = chart.series.count
        let grouped = chart.arrangement == .grouped && seriesCount > 1
        let rowsPerCategory = grouped ? seriesCount : 1
        // A blank row between categories when there is room for one.
        let gap = grouped || chart.categories.count <= 12 ? 1 : 0
        let plotRows = chart.categories.count * rowsPerCategory + (chart.categories.count - 1) * gap
        // Category names longer than 20 columns are cut, so the width needed
        // does not depend on the width given.
        let gutter = min(max(chart.categories.map(\.count).max() ?? 1, 1), 20)
        let limits = prepared.limits
        let valueWidth =
            chart.showValues
            ? (prepared.bars.map { NumberText.significant($0.to - $0.from, 3).count }.max() ?? 0) + 1 : 0
        // The frame spans the width; the bars the part of it that leaves
        // room for their values.
        let columns = options.width - gutter - 2
        let barColumns = columns - valueWidth
        guard barColumns >= minimumPlotColumns else {
            let needed = gutter + 2 + valueWidth + minimumPlotColumns
            throw PlotError(
                "width \(options.width) is below the \(needed) columns this chart needs (\(gutter) for the category names, 2 for the frame, \(valueWidth > 0 ? "\(valueWidth) for the values, " : "")\(minimumPlotColumns) for the bars)",
                subject: .width(needed: needed))
        }
        // Positions in eighths of a column, 0 at the frame's left inner edge.
        let x = AxisTransform(domain: limits, scale: .linear, start: 0, end: Double(barColumns * 8))
        let ticks = TerminalFrame.fittingXTicks(
            limits, scale: .linear,
            transform: AxisTransform(domain: limits, scale: .linear, start: 0, end: Double(barColumns - 1)),
            columns: barColumns, resolution: 1, gutter: gutter, width: options.width,
            labels: unicode ? .unicode : .ascii)

        var canvas = TextCanvas(width: options.width)
        if !chart.title.isEmpty {
            let row = canvas.addRows(1)
            let text = TextCanvas.fitted(chart.title, options.width, unicode: unicode)
            canvas.put(text, row: row, column: max(0, gutter + 1 + (columns - text.count) / 2), bold: true)
        }
        if !chart.categoryLabel.isEmpty { canvas.addLine(chart.categoryLabel, unicode: unicode) }
        let glyphs = TerminalFrame.Glyphs(unicode: unicode)
        let top = canvas.addRows(plotRows + 3)
        let left = gutter
        canvas.put(
            String(glyphs.topLeft) + String(repeating: glyphs.horizontal, count: columns) + String(glyphs.topRight),
            row: top, column: left)
        for row in 1...plotRows {
            canvas.put(String(glyphs.vertical), row: top + row, column: left)
            canvas.put(String(glyphs.vertical), row: top + row, column: left + 1 + columns)
        }
        let bottom = top + plotRows + 1
        canvas.put(
            String(glyphs.bottomLeft) + String(repeating: glyphs.horizontal, count: columns)
                + String(glyphs.bottomRight), row: bottom, column: left)
        for tick in ticks {
            canvas.put(String(glyphs.bottomTick), row: bottom, column: left + 1 + tick.0)
            let span = TerminalFrame.labelSpan(column: tick.0, label: tick.1, gutter: gutter, width: options.width)
            canvas.put(tick.1, row: bottom + 1, column: span.lowerBound)
        }
        let zero = Int(x.position(0).rounded())
        for (category, name) in chart.categories.enumerated() {
            let firstRow = top + 1 + category * (rowsPerCategory + gap)
            let label = TextCanvas.fitted(name, gutter, unicode: unicode)
            canvas.put(label, row: firstRow, column: gutter - label.count)
            let bars = prepared.bars.filter { $0.category == category }
            for bar in bars {
                let row = firstRow + (grouped ? bar.series : 0)
                let from = Int(x.position(bar.from).rounded())
                let to = Int(x.position(bar.to).rounded())
                let color = colored ? prepared.colors[bar.series] : nil
                drawBar(
                    &canvas, row: row, origin: left + 1, from: min(from, to), to: max(from, to),
                    unicode: unicode, color: color,
                    symbol: barFill(series: bar.series, unicode: unicode, colored: colored),
                    towardsLeft: to < from)
                if chart.showValues && (chart.arrangement == .grouped || bar.series == seriesCount - 1) {
                    let value = chart.arrangement == .stacked ? bar.to : bar.to - bar.from
                    let end = max(from, to, zero)
                    let text = NumberText.significant(value, 3)
                    let column = left + 1 + (end + 7) / 8 + 1
                    canvas.put(text, row: row, column: min(column, options.width - text.count))
                }
            }
        }
        if !chart.value.label.isEmpty {
            let row = canvas.addRows(1)
            let label = TextCanvas.fitted(chart.value.label, options.width, unicode: unicode)
            canvas.put(label, row: row, column: max(0, gutter + 1 + (columns - label.count) / 2))
        }
        if seriesCount > 1 {
            let legend = TerminalLegend(
                entries: chart.series.enumerated().map { index, series in
                    let swatch = String(repeating: barFill(series: index, unicode: unicode, colored: colored), count: 2)
                    return TerminalLegend.Entry(
                        swatch: swatch, color: colored ? prepared.colors[index] : nil, name: series.name)
                }, unicode: unicode)
            legend.drawBelow(&canvas, indent: gutter + 1)
        }
        return canvas.rendered(color: options.color)
    }

    /// One bar from `from` to `to` eighths: whole cells, and in Unicode a
    /// partial block at a rightward end (left blocks exist only in eighths
    /// growing from the left, so leftward bars end on a whole cell). In
    /// colour a partial cell keeps what lies under it as its background.
    static func drawBar(
        _ canvas: inout TextCanvas, row: Int, origin: Int, from: Int, to: Int, unicode: Bool, color: RGB?,
        symbol: Character, towardsLeft: Bool
    ) {
        guard to > from else { return }
        let colored = color != nil
        let fillCharacter = symbol
        if !towardsLeft, unicode, colored, from % 8 != 0 {
            // A stacked segment starts inside the previous one's partial
            // cell: that cell's empty part is this segment's colour.
            var shared = canvas[row, origin + from / 8]
            if horizontalEighths.contains(shared.character), shared.character != " ", shared.background == nil {
                shared.background = color
                canvas[row, origin + from / 8] = shared
            }
        }
        let firstCell = towardsLeft ? from / 8 : (from + 4) / 8
        let lastFull = towardsLeft ? (to + 7) / 8 : to / 8
        for cell in firstCell..<max(firstCell, lastFull) {
            canvas[row, origin + cell] = TextCanvas.Cell(character: fillCharacter, foreground: color)
        }
        let remainder = to - lastFull * 8
        if !towardsLeft, remainder > 0 {
            let behind = canvas[row, origin + lastFull]
            if unicode && colored {
                canvas[row, origin + lastFull] = TextCanvas.Cell(
                    character: horizontalEighths[remainder], foreground: color,
                    background: behind.character == "█" ? behind.foreground : nil)
            } else if remainder >= 4 {
                // Without colour a partial block would not match the
                // series' fill: the end rounds to the nearest cell.
                canvas[row, origin + lastFull] = TextCanvas.Cell(character: fillCharacter, foreground: color)
            }
        }
    }
}
