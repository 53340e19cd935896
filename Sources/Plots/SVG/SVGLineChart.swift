extension SVGRenderer {
    static func renderLine(_ chart: LineChart, options: SVGOptions) throws -> String {
        let prepared = try PreparedLineChart(chart)
        let limits = prepared.limits(xMargin: 0.05, yMargin: 0.05)
        let style = SVGAxes.Style(options)
        let width = options.width
        let height = options.height ?? 480
        let pad = style.fontSize * 0.8
        let notes = prepared.notes + prepared.breakNotes.map { "× " + $0 }
        let noteHeight = Double(notes.count) * style.fontSize * 1.3
        let frame = Rect(x: pad, y: pad, width: width - 2 * pad, height: height - 2 * pad - noteHeight)
        let axes = SVGAxes.layout(
            frame: frame, xLimits: limits.x, xScale: chart.x.scale, yLimits: limits.y, yScale: chart.y.scale,
            xLabel: chart.x.label, yLabel: chart.y.label, title: chart.title, style: style)
        let description =
            "Line chart: " + chart.series.map(\.name).joined(separator: ", ")
            + (chart.x.label.isEmpty ? "" : " against \(chart.x.label)")
        return document(width: width, height: height, options: options, title: chart.title, description: description) {
            writer in
            let n = SVGWriter.number
            let plot = axes.plot
            writer.open("defs")
            writer.open("clipPath", [("id", "plot-area")])
            writer.element(
                "rect",
                [("x", n(plot.x)), ("y", n(plot.y)), ("width", n(plot.width)), ("height", n(plot.height))])
            writer.close("clipPath")
            writer.close("defs")

            var occupied: [(Double, Double)] = []
            writer.open("g", [("id", "data"), ("clip-path", "url(#plot-area)")])
            drawRules(&writer, chart.markers, axes: axes)
            for (index, curve) in prepared.curves.enumerated() {
                writer.open("g", [("id", "series-\(index + 1)"), ("stroke", curve.color.hexString)])
                for run in curve.runs {
                    let pixels = run.map { (axes.x.position($0.x), axes.y.position($0.y)) }
                    occupied += sampled(pixels, spacing: style.fontSize * 0.4)
                    if curve.style != .points && pixels.count >= 2 {
                        writer.element(
                            "path",
                            [
                                ("d", SVGWriter.path(pixels)), ("fill", "none"), ("stroke-width", "2"),
                                ("stroke-linejoin", "round"), ("stroke-linecap", "round"),
                            ])
                    }
                    if curve.style != .line || pixels.count == 1 {
                        for pixel in pixels {
                            writer.element(
                                "circle",
                                [
                                    ("cx", n(pixel.0)), ("cy", n(pixel.1)), ("r", curve.style == .line ? "2.5" : "3"),
                                    ("fill", curve.color.hexString), ("stroke", "none"),
                                ])
                        }
                    }
                }
                writer.close("g")
            }
            writer.close("g")

            axes.draw(&writer, xLabel: chart.x.label, yLabel: chart.y.label, title: chart.title)
            occupied += drawMarkers(&writer, chart.markers, axes: axes)
            drawBreaks(&writer, prepared, axes: axes)

            if chart.showsLegend {
                let legend = SVGLegend(
                    prepared.curves.map { curve in
                        let swatch: SVGLegend.Swatch =
                            curve.style == .line
                            ? .line(curve.color)
                            : curve.style == .points ? .point(curve.color) : .lineAndPoint(curve.color)
                        return (swatch, curve.name)
                    }, style: style)
                let placement = LegendPlacement.best(
                    width: legend.width, height: legend.height, in: plot, inset: style.fontSize * 0.5
                ) { box in occupied.filter { box.contains($0.0, $0.1) }.count }
                legend.draw(&writer, in: placement.box)
            }
            drawNotes(&writer, notes, top: height - pad - noteHeight, left: pad, style: style)
        }
    }

    /// Points along a polyline every `spacing` pixels, for the legend to
    /// count what it would cover.
    static func sampled(_ pixels: [(Double, Double)], spacing: Double) -> [(Double, Double)] {
        guard var previous = pixels.first else { return [] }
        var samples = [previous]
        for pixel in pixels.dropFirst() {
            let dx = pixel.0 - previous.0
            let dy = pixel.1 - previous.1
            let steps = Int(((dx * dx + dy * dy).squareRoot() / spacing).rounded(.up))
            if steps > 1 {
                for step in 1..<steps {
                    let t = Double(step) / Double(steps)
                    samples.append((previous.0 + dx * t, previous.1 + dy * t))
                }
            }
            samples.append(pixel)
            previous = pixel
        }
        return samples
    }

    /// Vertical and horizontal rules, under the data: dashed grey lines.
    static func drawRules(_ writer: inout SVGWriter, _ markers: [Marker], axes: SVGAxes) {
        let n = SVGWriter.number
        for marker in markers {
            let color = (marker.color ?? .gray).hexString
            switch marker.kind {
            case .verticalLine(let x):
                let position = axes.x.position(x)
                writer.element(
                    "path",
                    [
                        ("d", "M\(n(position)) \(n(axes.plot.y)) V\(n(axes.plot.maxY))"), ("stroke", color),
                        ("stroke-width", "1.2"), ("stroke-dasharray", "5 3"), ("fill", "none"),
                    ])
            case .horizontalLine(let y):
                let position = axes.y.position(y)
                writer.element(
                    "path",
                    [
                        ("d", "M\(n(axes.plot.x)) \(n(position)) H\(n(axes.plot.maxX))"), ("stroke", color),
                        ("stroke-width", "1.2"), ("stroke-dasharray", "5 3"), ("fill", "none"),
                    ])
            default: break
            }
        }
    }

    /// Point markers and every marker's label, above the data; returns the
    /// label positions so the legend avoids them.
    static func drawMarkers(_ writer: inout SVGWriter, _ markers: [Marker], axes: SVGAxes) -> [(Double, Double)] {
        guard !markers.isEmpty else { return [] }
        let n = SVGWriter.number
        let style = axes.style
        let plot = axes.plot
        var covered: [(Double, Double)] = []
        var placed: [Rect] = []
        /// The box a label would take.
        func box(_ anchor: (Double, Double), _ textAnchor: String, _ width: Double) -> Rect {
            let start = textAnchor == "start" ? anchor.0 : textAnchor == "end" ? anchor.0 - width : anchor.0 - width / 2
            return Rect(x: start, y: anchor.1 - style.fontSize * 0.8, width: width, height: style.fontSize)
        }
        writer.open("g", [("id", "markers")])
        for marker in markers {
            let width = TextMetrics.width(marker.label, fontSize: style.fontSize)
            var anchor = (0.0, 0.0)
            var textAnchor = "start"
            switch marker.kind {
            case .point(let point):
                let x = axes.x.position(point.x)
                let y = axes.y.position(point.y)
                writer.element(
                    "circle",
                    [
                        ("cx", n(x)), ("cy", n(y)), ("r", "5"), ("fill", "none"),
                        ("stroke", (marker.color ?? .black).hexString), ("stroke-width", "1.5"),
                    ])
                // Up and right of the point; else the first of the other
                // corners, then further up or down, that stays inside the
                // plot and clear of the labels already placed.
                let line = style.fontSize * 1.15
                var candidates: [((Double, Double), String)] = []
                for shift in [0.0, -1, 1, -2, 2, -3, 3] {
                    let up = y - 8 + shift * line
                    let down = y + 8 + style.fontSize * 0.8 + shift * line
                    candidates += [
                        ((x + 8, up), "start"), ((x + 8, down), "start"), ((x - 8, up), "end"), ((x - 8, down), "end"),
                    ]
                }
                let inside = candidates.filter { candidate in
                    let r = box(candidate.0, candidate.1, width)
                    return r.x >= plot.x && r.maxX <= plot.maxX && r.y >= plot.y && r.maxY <= plot.maxY
                }
                let choice =
                    inside.first { candidate in !placed.contains { $0.intersects(box(candidate.0, candidate.1, width)) }
                    }
                    ?? inside.first ?? candidates[0]
                (anchor, textAnchor) = choice
            case .text(let point):
                anchor = (axes.x.position(point.x), axes.y.position(point.y) + style.fontSize * 0.35)
                textAnchor = "middle"
            case .verticalLine(let x):
                let position = axes.x.position(x)
                let right = position + 4 + width <= plot.maxX
                anchor = (right ? position + 4 : position - 4, plot.y + style.fontSize * 1.1)
                textAnchor = right ? "start" : "end"
            case .horizontalLine(let y):
                anchor = (plot.maxX - 4, axes.y.position(y) - 4)
                textAnchor = "end"
            }
            guard !marker.label.isEmpty else { continue }
            placed.append(box(anchor, textAnchor, width))
            writer.text(
                "text",
                [
                    ("x", n(anchor.0)), ("y", n(anchor.1)), ("text-anchor", textAnchor),
                    ("fill", (marker.color ?? RGB(hex: 0x333333)).hexString),
                ], marker.label)
            let start = textAnchor == "start" ? anchor.0 : textAnchor == "end" ? anchor.0 - width : anchor.0 - width / 2
            for step in 0...Int(width / 4) {
                covered.append((start + Double(step) * 4, anchor.1 - style.fontSize * 0.35))
            }
        }
        writer.close("g")
        return covered
    }

    /// A × at the top of the plot, in the series' colour, where it met NaN
    /// or ∞ (the note under the chart says which).
    static func drawBreaks(_ writer: inout SVGWriter, _ prepared: PreparedLineChart, axes: SVGAxes) {
        guard !prepared.breaks.isEmpty else { return }
        let n = SVGWriter.number
        writer.open("g", [("id", "non-finite"), ("stroke-width", "2"), ("fill", "none")])
        for mark in prepared.breaks {
            let x = axes.x.position(mark.x)
            guard x >= axes.plot.x - 0.5 && x <= axes.plot.maxX + 0.5 else { continue }
            let y = mark.value < 0 && !mark.value.isNaN ? axes.plot.maxY - 6 : axes.plot.y + 6
            let size = 4.0
            writer.element(
                "path",
                [
                    (
                        "d",
                        "M\(n(x - size)) \(n(y - size)) L\(n(x + size)) \(n(y + size)) M\(n(x - size)) \(n(y + size)) L\(n(x + size)) \(n(y - size))"
                    ), ("stroke", prepared.curves[mark.curve].color.hexString),
                ])
        }
        writer.close("g")
    }

    static func drawNotes(_ writer: inout SVGWriter, _ notes: [String], top: Double, left: Double, style: SVGAxes.Style)
    {
        guard !notes.isEmpty else { return }
        let n = SVGWriter.number
        writer.open("g", [("id", "notes"), ("fill", "#333333")])
        for (index, note) in notes.enumerated() {
            writer.text(
                "text", [("x", n(left)), ("y", n(top + style.fontSize * (1.0 + 1.3 * Double(index))))], note)
        }
        writer.close("g")
    }
}
