/// One set of axes in an SVG chart: where the plot area goes once the tick
/// labels, axis labels and title are measured, and how to draw its frame —
/// four spines, outward ticks, labels — as matplotlib's defaults do.
struct SVGAxes {
    struct Style {
        let fontSize: Double
        var titleSize: Double { fontSize * 1.2 }
        var tickLength: Double { fontSize * 0.38 }
        var tickPad: Double { fontSize * 0.27 }
        var superscriptSize: Double { fontSize * 0.7 }

        init(_ options: SVGOptions) { fontSize = options.fontSize }
    }

    /// Tick labels on the category axis of a bar chart are names, not numbers.
    enum TickText {
        case number(TickLabel)
        case name(String)
    }

    struct PlacedTick {
        let position: Double
        let text: TickText
    }

    var plot: Rect
    var x: AxisTransform
    var y: AxisTransform
    var xTicks: [PlacedTick]
    var yTicks: [PlacedTick]
    let style: Style
    /// Category names too wide to sit side by side are turned 45°.
    var rotateXLabels = false

    /// SVG markup for a tick label (a superscript exponent as a <tspan>) and
    /// its width.
    static func markup(_ text: TickText, style: Style) -> (String, Double) {
        switch text {
        case .name(let name):
            return (SVGWriter.escape(name), TextMetrics.width(name, fontSize: style.fontSize))
        case .number(let label):
            let mantissa = label.mantissa.replacingOccurrences(of: "-", with: "−")
            guard let exponent = label.exponent else {
                return (mantissa, TextMetrics.width(mantissa, fontSize: style.fontSize))
            }
            let base = mantissa == "1" ? "10" : mantissa + "×10"
            let power = String(exponent).replacingOccurrences(of: "-", with: "−")
            let width =
                TextMetrics.width(base, fontSize: style.fontSize)
                + TextMetrics.width(power, fontSize: style.superscriptSize)
            let shift = SVGWriter.number(-style.fontSize * 0.45)
            let size = SVGWriter.number(style.superscriptSize)
            return ("\(base)<tspan dy=\"\(shift)\" font-size=\"\(size)\">\(power)</tspan>", width)
        }
    }

    /// Lays out axes inside `frame`: numeric ticks on both axes, their
    /// count chosen so labels neither crowd nor overlap.
    static func layout(
        frame: Rect, xLimits: ClosedRange<Double>, xScale: AxisScale, yLimits: ClosedRange<Double>, yScale: AxisScale,
        xLabel: String, yLabel: String, title: String, style: Style, xNames: [(Double, String)]? = nil,
        xTickLabels: Bool = true
    ) -> SVGAxes {
        let top = frame.y + (title.isEmpty ? style.fontSize * 0.6 : style.titleSize * 1.9)
        // Names that would collide at a rough width estimate are turned 45°
        // and need room below: the widest one's width × sin 45°.
        let rough =
            xNames.map { names -> Bool in
                let widths = names.map { TextMetrics.width($0.1, fontSize: style.fontSize) }
                let available = (frame.width * 0.85) / Double(max(names.count, 1))
                return (widths.max() ?? 0) + style.fontSize * 0.5 > available
            } ?? false
        let nameDrop = rough ? (xNames!.map { TextMetrics.width($0.1, fontSize: style.fontSize) }.max() ?? 0) * 0.71 : 0
        let bottom =
            frame.maxY - style.tickLength - style.tickPad - (xTickLabels ? style.fontSize * 1.0 + nameDrop : 0)
            - (xLabel.isEmpty ? 0 : style.fontSize * 1.5)
        let height = max(bottom - top, 20)
        let yMax = max(3, Int(height / (style.fontSize * 2.8)) + 1)
        let yTicks = Ticks.ticks(yLimits, scale: yScale, maxCount: yMax)
        let yLabelWidth = yTicks.map { markup(.number($0.label), style: style).1 }.max() ?? 0
        let left =
            frame.x + (yLabel.isEmpty ? 0 : style.fontSize * 1.5) + yLabelWidth + style.tickPad + style.tickLength
        // Room on the right for half of the last x tick label.
        let right = frame.maxX - style.fontSize * 1.2
        let plot = Rect(x: left, y: top, width: max(right - left, 20), height: height)
        let xTransform = AxisTransform(domain: xLimits, scale: xScale, start: plot.x, end: plot.maxX)
        let yTransform = AxisTransform(domain: yLimits, scale: yScale, start: plot.maxY, end: plot.y)
        let xTicks =
            xNames.map { names in names.map { PlacedTick(position: xTransform.position($0.0), text: .name($0.1)) } }
            ?? fittingTicks(xLimits, scale: xScale, transform: xTransform, length: plot.width, style: style)
        return SVGAxes(
            plot: plot, x: xTransform, y: yTransform, xTicks: xTicks,
            yTicks: yTicks.map { PlacedTick(position: yTransform.position($0.value), text: .number($0.label)) },
            style: style, rotateXLabels: rough)
    }

    /// x ticks: as many as matplotlib would try (one per three font heights),
    /// fewer while neighbouring labels would come closer than half an em.
    static func fittingTicks(
        _ limits: ClosedRange<Double>, scale: AxisScale, transform: AxisTransform, length: Double, style: Style
    ) -> [PlacedTick] {
        var count = max(3, Int(length / (style.fontSize * 3)) + 1)
        while true {
            let ticks = Ticks.ticks(limits, scale: scale, maxCount: count)
            let placed = ticks.map { PlacedTick(position: transform.position($0.value), text: .number($0.label)) }
            if count <= 2 || !overlaps(placed, style: style) { return placed }
            count -= 1
        }
    }

    static func overlaps(_ ticks: [PlacedTick], style: Style) -> Bool {
        var previousEnd = -Double.infinity
        for tick in ticks {
            let width = markup(tick.text, style: style).1
            if tick.position - width / 2 < previousEnd + style.fontSize * 0.5 { return true }
            previousEnd = tick.position + width / 2
        }
        return false
    }

    /// Spines, ticks, tick labels, axis labels and title.
    func draw(
        _ writer: inout SVGWriter, xLabel: String, yLabel: String, title: String, xTickLabels: Bool = true,
        id: String = "axes"
    ) {
        let n = SVGWriter.number
        writer.open("g", [("id", id), ("stroke", "#000000"), ("stroke-width", "1"), ("stroke-linecap", "square")])
        writer.element(
            "rect",
            [
                ("x", n(plot.x)), ("y", n(plot.y)), ("width", n(plot.width)), ("height", n(plot.height)),
                ("fill", "none"),
            ])
        var ticks = ""
        for tick in xTicks where tick.position >= plot.x - 0.5 && tick.position <= plot.maxX + 0.5 {
            ticks += "M\(n(tick.position)) \(n(plot.maxY)) v\(n(style.tickLength)) "
        }
        for tick in yTicks where tick.position >= plot.y - 0.5 && tick.position <= plot.maxY + 0.5 {
            ticks += "M\(n(plot.x)) \(n(tick.position)) h\(n(-style.tickLength)) "
        }
        if !ticks.isEmpty { writer.element("path", [("d", String(ticks.dropLast())), ("fill", "none")]) }
        writer.close("g")

        writer.open("g", [("id", id + "-tick-labels"), ("stroke", "none")])
        var xBaseline = plot.maxY + style.tickLength + style.tickPad + style.fontSize * 0.8
        for tick in xTicks where xTickLabels && tick.position >= plot.x - 0.5 && tick.position <= plot.maxX + 0.5 {
            if rotateXLabels {
                let x = tick.position + style.fontSize * 0.3
                let y = plot.maxY + style.tickLength + style.tickPad + style.fontSize * 0.5
                writer.text(
                    "text",
                    [
                        ("x", n(x)), ("y", n(y)), ("text-anchor", "end"),
                        ("transform", "rotate(-45 \(n(x)) \(n(y)))"),
                    ], SVGAxes.markup(tick.text, style: style).0, markup: true)
            } else {
                writer.text(
                    "text", [("x", n(tick.position)), ("y", n(xBaseline)), ("text-anchor", "middle")],
                    SVGAxes.markup(tick.text, style: style).0, markup: true)
            }
        }
        if rotateXLabels {
            let widest = xTicks.map { SVGAxes.markup($0.text, style: style).1 }.max() ?? 0
            xBaseline += widest * 0.71 - style.fontSize * 0.2
        }
        for tick in yTicks where tick.position >= plot.y - 0.5 && tick.position <= plot.maxY + 0.5 {
            writer.text(
                "text",
                [
                    ("x", n(plot.x - style.tickLength - style.tickPad)),
                    ("y", n(tick.position + style.fontSize * 0.35)),
                    ("text-anchor", "end"),
                ],
                SVGAxes.markup(tick.text, style: style).0, markup: true)
        }
        writer.close("g")
        drawLabels(
            &writer, xLabel: xLabel, yLabel: yLabel, title: title,
            xBaseline: xTickLabels ? xBaseline : plot.maxY + style.tickLength)
    }

    func drawLabels(_ writer: inout SVGWriter, xLabel: String, yLabel: String, title: String, xBaseline: Double) {
        let n = SVGWriter.number
        if !xLabel.isEmpty {
            writer.text(
                "text",
                [
                    ("class", "x-label"), ("x", n(plot.x + plot.width / 2)),
                    ("y", n(xBaseline + style.fontSize * 1.45)),
                    ("text-anchor", "middle"),
                ], xLabel)
        }
        if !yLabel.isEmpty {
            let widest = yTicks.map { SVGAxes.markup($0.text, style: style).1 }.max() ?? 0
            let x = plot.x - style.tickLength - style.tickPad - widest - style.fontSize * 0.55
            let y = plot.y + plot.height / 2
            writer.text(
                "text",
                [
                    ("class", "y-label"), ("x", n(x)), ("y", n(y)), ("text-anchor", "middle"),
                    ("transform", "rotate(-90 \(n(x)) \(n(y)))"),
                ], yLabel)
        }
        if !title.isEmpty {
            writer.text(
                "text",
                [
                    ("class", "title"), ("x", n(plot.x + plot.width / 2)), ("y", n(plot.y - style.titleSize * 0.6)),
                    ("text-anchor", "middle"), ("font-size", n(style.titleSize)),
                ], title)
        }
    }
}
