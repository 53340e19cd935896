extension SVGRenderer {
    static func renderBar(_ chart: BarChart, options: SVGOptions) throws -> String {
        let prepared = try PreparedBarChart(chart)
        let style = SVGAxes.Style(options)
        let width = options.width
        let height = options.height ?? 480
        let pad = style.fontSize * 0.8
        let count = chart.categories.count
        let names = chart.categories.enumerated().map { (Double($0.offset), $0.element) }
        let frame = Rect(x: pad, y: pad, width: width - 2 * pad, height: height - 2 * pad)
        let axes = SVGAxes.layout(
            frame: frame, xLimits: -0.5...Double(count) - 0.5, xScale: .linear, yLimits: prepared.limits,
            yScale: .linear, xLabel: chart.categoryLabel, yLabel: chart.value.label, title: chart.title, style: style,
            xNames: names)
        let description =
            "Bar chart (\(chart.arrangement.rawValue)): " + chart.series.map(\.name).joined(separator: ", ") + " by "
            + (chart.categoryLabel.isEmpty ? "category" : chart.categoryLabel)
        return document(width: width, height: height, options: options, title: chart.title, description: description) {
            writer in
            let n = SVGWriter.number
            let plot = axes.plot
            let seriesCount = chart.series.count
            // matplotlib's default bar width: 0.8 of a category, shared by the group.
            let slot = chart.arrangement == .stacked ? 0.8 : 0.8 / Double(seriesCount)
            var occupied: [(Double, Double)] = []
            writer.open("defs")
            writer.open("clipPath", [("id", "plot-area")])
            writer.element(
                "rect", [("x", n(plot.x)), ("y", n(plot.y)), ("width", n(plot.width)), ("height", n(plot.height))])
            writer.close("clipPath")
            writer.close("defs")
            writer.open("g", [("id", "bars"), ("clip-path", "url(#plot-area)")])
            for index in chart.series.indices {
                writer.open("g", [("id", "series-\(index + 1)"), ("fill", prepared.colors[index].hexString)])
                for bar in prepared.bars where bar.series == index {
                    let offset = chart.arrangement == .stacked ? -0.4 : -0.4 + slot * Double(index)
                    let left = axes.x.position(Double(bar.category) + offset)
                    let right = axes.x.position(Double(bar.category) + offset + slot)
                    let y0 = axes.y.position(bar.from)
                    let y1 = axes.y.position(bar.to)
                    let top = min(y0, y1)
                    writer.element(
                        "rect",
                        [("x", n(left)), ("y", n(top)), ("width", n(right - left)), ("height", n(abs(y1 - y0)))])
                    for step in 0...4 {
                        occupied.append((left + (right - left) * Double(step) / 4, top))
                        occupied.append((left + (right - left) * Double(step) / 4, top + abs(y1 - y0) / 2))
                    }
                }
                writer.close("g")
            }
            writer.close("g")
            if prepared.limits.lowerBound < 0 && prepared.limits.upperBound > 0 {
                let zero = axes.y.position(0)
                writer.element(
                    "path",
                    [
                        ("d", "M\(n(plot.x)) \(n(zero)) H\(n(plot.maxX))"), ("stroke", "#000000"),
                        ("stroke-width", "0.8"),
                    ])
            }
            if chart.showValues {
                writer.open("g", [("id", "values"), ("font-size", n(style.fontSize * 0.85)), ("fill", "#333333")])
                for bar in prepared.bars {
                    let offset = chart.arrangement == .stacked ? 0 : -0.4 + slot * (Double(bar.series) + 0.5)
                    let x = axes.x.position(Double(bar.category) + offset)
                    let value = bar.to - bar.from
                    if chart.arrangement == .stacked {
                        // Inside its segment when it fits, else not at all.
                        let y0 = axes.y.position(bar.from)
                        let y1 = axes.y.position(bar.to)
                        guard abs(y0 - y1) >= style.fontSize * 1.1 else { continue }
                        let fill = prepared.colors[bar.series].luminance < 0.5 ? "#ffffff" : "#000000"
                        writer.text(
                            "text",
                            [
                                ("x", n(x)), ("y", n((y0 + y1) / 2 + style.fontSize * 0.3)), ("text-anchor", "middle"),
                                ("fill", fill),
                            ], NumberText.significant(value, 3))
                    } else {
                        let y = axes.y.position(bar.to)
                        let below = bar.to < 0
                        writer.text(
                            "text",
                            [
                                ("x", n(x)), ("y", n(below ? y + style.fontSize : y - style.fontSize * 0.3)),
                                ("text-anchor", "middle"),
                            ], NumberText.significant(value, 3))
                    }
                }
                if chart.arrangement == .stacked {
                    for category in chart.categories.indices {
                        let total = chart.series.reduce(0) { $0 + $1.values[category] }
                        writer.text(
                            "text",
                            [
                                ("x", n(axes.x.position(Double(category)))),
                                ("y", n(axes.y.position(total) - style.fontSize * 0.3)), ("text-anchor", "middle"),
                                ("font-weight", "bold"),
                            ], NumberText.significant(total, 3))
                    }
                }
                writer.close("g")
            }
            axes.draw(&writer, xLabel: chart.categoryLabel, yLabel: chart.value.label, title: chart.title)
            if seriesCount > 1 || !(chart.series.first?.name.isEmpty ?? true) {
                let legend = SVGLegend(
                    chart.series.enumerated().map { (.box(prepared.colors[$0.offset]), $0.element.name) }, style: style)
                let placement = LegendPlacement.best(
                    width: legend.width, height: legend.height, in: plot, inset: style.fontSize * 0.5
                ) { box in occupied.filter { box.contains($0.0, $0.1) }.count }
                legend.draw(&writer, in: placement.box)
            }
        }
    }
}
