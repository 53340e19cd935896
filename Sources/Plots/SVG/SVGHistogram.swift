extension SVGRenderer {
    static func renderHistogram(_ chart: HistogramChart, options: SVGOptions) throws -> String {
        try PreparedHistogram.check(chart)
        if chart.layout == .overlaid {
            return try renderLine(PreparedHistogram.stepChart(chart), options: options)
        }
        let style = SVGAxes.Style(options)
        let count = chart.histograms.count
        let columns = count <= 3 ? count : (count == 4 ? 2 : 3)
        let panelRows = (count + columns - 1) / columns
        let width = options.width
        let height = options.height ?? max(480, Double(panelRows) * 170 + 90)
        let pad = style.fontSize * 0.8
        let noteHeight = Double(chart.notes.count) * style.fontSize * 1.3
        let titleHeight = chart.title.isEmpty ? 0 : style.titleSize * 1.8
        let xLabelHeight = chart.x.label.isEmpty ? 0 : style.fontSize * 1.6
        let yLabelWidth = style.fontSize * 1.6
        let grid = Rect(
            x: pad + yLabelWidth, y: pad + titleHeight, width: width - 2 * pad - yLabelWidth,
            height: height - 2 * pad - titleHeight - xLabelHeight - noteHeight)
        let cellWidth = grid.width / Double(columns)
        let cellHeight = grid.height / Double(panelRows)
        let xRange = PreparedHistogram.xRange(chart)
        let xLimits = DataRange.limits(fixed: nil, data: xRange, scale: chart.x.scale, margin: 0.05)
        let description =
            "Histograms: " + chart.histograms.map(\.name).joined(separator: ", ")
            + (chart.x.label.isEmpty ? "" : " of \(chart.x.label)")
        return document(width: width, height: height, options: options, title: chart.title, description: description) {
            writer in
            let n = SVGWriter.number
            var plots: [Rect] = []
            for (index, named) in chart.histograms.enumerated() {
                let row = index / columns
                let column = index % columns
                let bottomRow = row == panelRows - 1 || index + columns >= count
                let cell = Rect(
                    x: grid.x + Double(column) * cellWidth, y: grid.y + Double(row) * cellHeight,
                    width: cellWidth - style.fontSize * 0.8, height: cellHeight)
                let top = max(named.histogram.counts.max() ?? 1, 1)
                let axes = SVGAxes.layout(
                    frame: cell, xLimits: xLimits, xScale: chart.x.scale, yLimits: 0...top * 1.05, yScale: .linear,
                    xLabel: "", yLabel: "", title: named.name, style: style, xTickLabels: bottomRow)
                plots.append(axes.plot)
                writer.open(
                    "g", [("id", "histogram-\(index + 1)"), ("fill", Palette.color(0).hexString), ("stroke", "none")])
                let h = named.histogram
                for (bin, value) in h.counts.enumerated() where value > 0 {
                    let left = max(axes.x.position(h.edges[bin]), axes.plot.x)
                    let right = min(axes.x.position(h.edges[bin + 1]), axes.plot.maxX)
                    guard right > left else { continue }
                    let y = axes.y.position(value)
                    writer.element(
                        "rect",
                        [("x", n(left)), ("y", n(y)), ("width", n(right - left)), ("height", n(axes.plot.maxY - y))])
                }
                writer.close("g")
                axes.draw(
                    &writer, xLabel: "", yLabel: "", title: "", xTickLabels: bottomRow, id: "axes-\(index + 1)")
                writer.text(
                    "text",
                    [
                        ("class", "panel-title"), ("x", n(axes.plot.x + axes.plot.width / 2)),
                        ("y", n(axes.plot.y - style.fontSize * 0.5)), ("text-anchor", "middle"),
                    ], named.name)
            }
            let left = plots.map(\.x).min() ?? grid.x
            let right = plots.map(\.maxX).max() ?? grid.maxX
            if !chart.title.isEmpty {
                writer.text(
                    "text",
                    [
                        ("class", "title"), ("x", n((left + right) / 2)), ("y", n(pad + style.titleSize)),
                        ("text-anchor", "middle"), ("font-size", n(style.titleSize)),
                    ], chart.title)
            }
            if !chart.x.label.isEmpty {
                writer.text(
                    "text",
                    [
                        ("class", "x-label"), ("x", n((left + right) / 2)),
                        ("y", n(height - pad - noteHeight - style.fontSize * 0.3)), ("text-anchor", "middle"),
                    ], chart.x.label)
            }
            let x = pad + style.fontSize * 0.8
            let y = grid.y + grid.height / 2
            writer.text(
                "text",
                [
                    ("class", "y-label"), ("x", n(x)), ("y", n(y)), ("text-anchor", "middle"),
                    ("transform", "rotate(-90 \(n(x)) \(n(y)))"),
                ], chart.countLabel)
            drawNotes(&writer, chart.notes, top: height - pad - noteHeight, left: pad, style: style)
        }
    }
}
