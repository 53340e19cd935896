extension SVGRenderer {
    static let regionOpacity = "0.75"

    static func renderHeatmap(_ chart: Heatmap, options: SVGOptions) throws -> String {
        let prepared = try PreparedHeatmap(chart)
        let style = SVGAxes.Style(options)
        let width = options.width
        let height = options.height ?? 480
        let pad = style.fontSize * 0.8
        // The colour bar on the right: gap, bar, ticks, tick labels, label.
        let barTicks = Ticks.linear(prepared.valueRange, maxCount: 6)
        let barLabelWidth = barTicks.map { SVGAxes.markup(.number($0.label), style: style).1 }.max() ?? 0
        let barWidth = style.fontSize * 1.2
        let barReserve =
            style.fontSize * 1.5 + barWidth + style.tickLength + style.tickPad + barLabelWidth
            + (chart.valueLabel.isEmpty ? 0 : style.fontSize * 1.6)
        let frame = Rect(x: pad, y: pad, width: width - 2 * pad - barReserve, height: height - 2 * pad)
        let axes = SVGAxes.layout(
            frame: frame, xLimits: chart.xRange, xScale: .linear, yLimits: chart.yRange, yScale: .linear,
            xLabel: chart.x.label, yLabel: chart.y.label, title: chart.title, style: style)
        let description =
            "Heatmap of \(prepared.rows) × \(prepared.columns) values"
            + (chart.points.isEmpty ? "" : " with points: " + chart.points.map(\.name).joined(separator: ", "))
        return document(width: width, height: height, options: options, title: chart.title, description: description) {
            writer in
            let n = SVGWriter.number
            let plot = axes.plot
            writer.open("defs")
            writer.open("clipPath", [("id", "plot-area")])
            writer.element(
                "rect", [("x", n(plot.x)), ("y", n(plot.y)), ("width", n(plot.width)), ("height", n(plot.height))])
            writer.close("clipPath")
            writer.open("linearGradient", [("id", "colormap"), ("x1", "0"), ("y1", "1"), ("x2", "0"), ("y2", "0")])
            for (index, stop) in chart.colormap.stops.enumerated() {
                writer.element(
                    "stop",
                    [
                        ("offset", n(Double(index) / Double(chart.colormap.stops.count - 1))),
                        ("stop-color", stop.hexString),
                    ])
            }
            writer.close("linearGradient")
            writer.close("defs")

            // Cells, a row at a time; neighbours of one colour share a rect.
            // Regions a shade lighter (as scikit-learn's decision-region
            // plots draw them) so the points on top, in the full colour of
            // their value with a black edge, stand out; the colour bar
            // carries the same shade.
            writer.open(
                "g",
                [
                    ("id", "cells"), ("shape-rendering", "crispEdges"), ("clip-path", "url(#plot-area)"),
                    ("fill-opacity", chart.points.isEmpty ? "1" : regionOpacity),
                ])
            let cellWidth = (chart.xRange.upperBound - chart.xRange.lowerBound) / Double(prepared.columns)
            let cellHeight = (chart.yRange.upperBound - chart.yRange.lowerBound) / Double(prepared.rows)
            for (row, values) in chart.values.enumerated() {
                let top = axes.y.position(chart.yRange.lowerBound + Double(row + 1) * cellHeight)
                let bottom = axes.y.position(chart.yRange.lowerBound + Double(row) * cellHeight)
                var column = 0
                while column < prepared.columns {
                    let color = prepared.color(values[column])
                    var end = column + 1
                    while end < prepared.columns && prepared.color(values[end]) == color { end += 1 }
                    if let color {
                        let left = axes.x.position(chart.xRange.lowerBound + Double(column) * cellWidth)
                        let right = axes.x.position(chart.xRange.lowerBound + Double(end) * cellWidth)
                        writer.element(
                            "rect",
                            [
                                ("x", n(left)), ("y", n(top)), ("width", n(right - left)), ("height", n(bottom - top)),
                                ("fill", color.hexString),
                            ])
                    }
                    column = end
                }
            }
            writer.close("g")

            writer.open("g", [("id", "points"), ("clip-path", "url(#plot-area)")])
            for (index, group) in chart.points.enumerated() {
                writer.open(
                    "g",
                    [
                        ("id", "group-\(index + 1)"), ("fill", prepared.groupColors[index].hexString),
                        ("stroke", "#000000"), ("stroke-width", "0.8"),
                    ])
                for point in group.points where point.x.isFinite && point.y.isFinite {
                    writer.element(
                        "circle",
                        [("cx", n(axes.x.position(point.x))), ("cy", n(axes.y.position(point.y))), ("r", "4.5")])
                }
                writer.close("g")
            }
            writer.close("g")

            axes.draw(&writer, xLabel: chart.x.label, yLabel: chart.y.label, title: chart.title)
            drawColorBar(
                &writer, prepared: prepared, ticks: barTicks, left: plot.maxX + style.fontSize * 1.5, top: plot.y,
                width: barWidth, height: plot.height, style: style)

            if !chart.points.isEmpty {
                let legend = SVGLegend(
                    chart.points.enumerated().map { (.point(prepared.groupColors[$0.offset]), $0.element.name) },
                    style: style)
                var occupied: [(Double, Double)] = []
                for group in chart.points {
                    for point in group.points where point.x.isFinite && point.y.isFinite {
                        occupied.append((axes.x.position(point.x), axes.y.position(point.y)))
                    }
                }
                let placement = LegendPlacement.best(
                    width: legend.width, height: legend.height, in: plot, inset: style.fontSize * 0.5
                ) { box in occupied.filter { box.contains($0.0, $0.1) }.count }
                legend.draw(&writer, in: placement.box)
            }
        }
    }

    /// A vertical bar of the colormap with ticks on its right and the value
    /// label turned to read upwards, as matplotlib's `colorbar()`.
    static func drawColorBar(
        _ writer: inout SVGWriter, prepared: PreparedHeatmap, ticks: [Tick], left: Double, top: Double,
        width: Double, height: Double, style: SVGAxes.Style
    ) {
        let n = SVGWriter.number
        let transform = AxisTransform(domain: prepared.valueRange, scale: .linear, start: top + height, end: top)
        writer.open("g", [("id", "color-bar")])
        writer.element(
            "rect",
            [
                ("x", n(left)), ("y", n(top)), ("width", n(width)), ("height", n(height)), ("fill", "url(#colormap)"),
                ("fill-opacity", prepared.chart.points.isEmpty ? "1" : regionOpacity), ("stroke", "#000000"),
                ("stroke-width", "1"),
            ])
        var path = ""
        var widest = 0.0
        for tick in ticks {
            let y = transform.position(tick.value)
            path += "M\(n(left + width)) \(n(y)) h\(n(style.tickLength)) "
            let (markup, labelWidth) = SVGAxes.markup(.number(tick.label), style: style)
            widest = max(widest, labelWidth)
            writer.text(
                "text",
                [("x", n(left + width + style.tickLength + style.tickPad)), ("y", n(y + style.fontSize * 0.35))],
                markup, markup: true)
        }
        if !path.isEmpty { writer.element("path", [("d", String(path.dropLast())), ("stroke", "#000000")]) }
        if !prepared.chart.valueLabel.isEmpty {
            let x = left + width + style.tickLength + style.tickPad + widest + style.fontSize * 1.1
            let y = top + height / 2
            writer.text(
                "text",
                [
                    ("class", "value-label"), ("x", n(x)), ("y", n(y)), ("text-anchor", "middle"),
                    ("transform", "rotate(-90 \(n(x)) \(n(y)))"),
                ], prepared.chart.valueLabel)
        }
        writer.close("g")
    }
}
