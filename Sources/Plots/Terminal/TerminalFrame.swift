/// The axes of a terminal chart: a gutter for the y tick labels, a box
/// frame with outward ticks (┤ on the left, ┬ below), the x tick labels
/// under it — and the transforms from data to dots inside.
struct TerminalFrame {
    struct Glyphs {
        let horizontal, vertical, topLeft, topRight, bottomLeft, bottomRight, leftTick, bottomTick: Character

        init(unicode: Bool) {
            if unicode {
                (horizontal, vertical, topLeft, topRight) = ("─", "│", "┌", "┐")
                (bottomLeft, bottomRight, leftTick, bottomTick) = ("└", "┘", "┤", "┬")
            } else {
                (horizontal, vertical, topLeft, topRight) = ("-", "|", "+", "+")
                (bottomLeft, bottomRight, leftTick, bottomTick) = ("+", "+", "+", "+")
            }
        }
    }

    let width: Int
    let gutter: Int
    let columns: Int
    let rows: Int
    let x: AxisTransform
    let y: AxisTransform
    let xResolution: Int
    let yResolution: Int
    /// Tick positions as plot-area cell indices, with their labels.
    let xTicks: [(column: Int, label: String)]
    let yTicks: [(row: Int, label: String)]

    /// Canvas column of the plot area's first cell.
    var plotLeft: Int { gutter + 1 }

    /// Lays out a frame `width` columns wide whose plot area is `rows` high;
    /// fails when the width leaves fewer than the minimum plot columns.
    /// `reserveRight` keeps columns free right of the frame (a colour bar).
    static func make(
        width: Int, rows: Int, xLimits: ClosedRange<Double>, xScale: AxisScale, yLimits: ClosedRange<Double>,
        yScale: AxisScale, xResolution: Int, yResolution: Int, labels: TickLabel.Style, reserveRight: Int = 0,
        xTickOverride: [(Double, String)]? = nil
    ) throws -> TerminalFrame {
        let dotRows = rows * yResolution
        let y = AxisTransform(domain: yLimits, scale: yScale, start: Double(dotRows - 1), end: 0)
        let yTicks = fittingYTicks(
            yLimits, scale: yScale, transform: y, rows: rows, resolution: yResolution, labels: labels)
        let gutter = max(yTicks.map { $0.1.count }.max() ?? 0, 1)
        let columns = width - gutter - 2 - reserveRight
        guard columns >= TerminalRenderer.minimumPlotColumns else {
            let needed = gutter + 2 + reserveRight + TerminalRenderer.minimumPlotColumns
            throw PlotError(
                "width \(width) is below the \(needed) columns this chart needs (\(gutter) for the y tick labels, 2 for the frame, \(reserveRight > 0 ? "\(reserveRight) for the colour bar, " : "")\(TerminalRenderer.minimumPlotColumns) for the plot)",
                subject: .width(needed: needed))
        }
        let x = AxisTransform(domain: xLimits, scale: xScale, start: 0, end: Double(columns * xResolution - 1))
        let xTicks: [(Int, String)]
        if let xTickOverride {
            xTicks = xTickOverride.map { (Int(x.position($0.0).rounded()) / xResolution, $0.1) }
        } else {
            xTicks = fittingXTicks(
                xLimits, scale: xScale, transform: x, columns: columns, resolution: xResolution, gutter: gutter,
                width: width, labels: labels)
        }
        return TerminalFrame(
            width: width, gutter: gutter, columns: columns, rows: rows, x: x, y: y, xResolution: xResolution,
            yResolution: yResolution, xTicks: xTicks.map { (column: $0.0, label: $0.1) },
            yTicks: yTicks.map { (row: $0.0, label: $0.1) })
    }

    /// y ticks at least two rows apart (a blank row between labels).
    static func fittingYTicks(
        _ limits: ClosedRange<Double>, scale: AxisScale, transform: AxisTransform, rows: Int, resolution: Int,
        labels: TickLabel.Style
    ) -> [(Int, String)] {
        var count = max(rows / 2 + 1, 2)
        while true {
            let ticks = Ticks.ticks(limits, scale: scale, maxCount: count).compactMap { tick -> (Int, String)? in
                let dot = Int(transform.position(tick.value).rounded())
                guard dot >= 0 && dot < rows * resolution else { return nil }
                return (dot / resolution, tick.label.text(labels))
            }
            let rowsTaken = ticks.map(\.0)
            let crowded = zip(rowsTaken, rowsTaken.dropFirst()).contains { abs($0 - $1) < 2 }
            if !crowded || count <= 2 { return ticks }
            count -= 1
        }
    }

    /// x ticks whose labels keep two spaces between them and stay on the canvas.
    static func fittingXTicks(
        _ limits: ClosedRange<Double>, scale: AxisScale, transform: AxisTransform, columns: Int, resolution: Int,
        gutter: Int, width: Int, labels: TickLabel.Style
    ) -> [(Int, String)] {
        var count = max(columns / 8 + 1, 2)
        while true {
            let ticks = Ticks.ticks(limits, scale: scale, maxCount: count).compactMap { tick -> (Int, String)? in
                let dot = Int(transform.position(tick.value).rounded())
                guard dot >= 0 && dot < columns * resolution else { return nil }
                return (dot / resolution, tick.label.text(labels))
            }
            let spans = ticks.map { labelSpan(column: $0.0, label: $0.1, gutter: gutter, width: width) }
            let crowded = zip(spans, spans.dropFirst()).contains { $1.lowerBound < $0.upperBound + 2 }
            if !crowded || count <= 2 { return ticks }
            count -= 1
        }
    }

    /// Canvas columns a tick label covers: centred under its tick, moved
    /// inwards at the edges.
    static func labelSpan(column: Int, label: String, gutter: Int, width: Int) -> Range<Int> {
        let center = gutter + 1 + column
        let start = min(max(center - (label.count - 1) / 2, 0), max(width - label.count, 0))
        return start..<start + label.count
    }

    /// Draws the frame, ticks and tick labels from canvas row `top` (the top
    /// edge) to `top + rows + 2` (the x tick labels).
    func draw(_ canvas: inout TextCanvas, top: Int, unicode: Bool) {
        let glyphs = Glyphs(unicode: unicode)
        let left = gutter
        let right = gutter + 1 + columns
        canvas.put(String(glyphs.topLeft), row: top, column: left)
        canvas.put(String(repeating: glyphs.horizontal, count: columns), row: top, column: left + 1)
        canvas.put(String(glyphs.topRight), row: top, column: right)
        for row in 1...rows {
            canvas.put(String(glyphs.vertical), row: top + row, column: left)
            canvas.put(String(glyphs.vertical), row: top + row, column: right)
        }
        let bottom = top + rows + 1
        canvas.put(String(glyphs.bottomLeft), row: bottom, column: left)
        canvas.put(String(repeating: glyphs.horizontal, count: columns), row: bottom, column: left + 1)
        canvas.put(String(glyphs.bottomRight), row: bottom, column: right)
        for tick in yTicks {
            canvas.put(String(glyphs.leftTick), row: top + 1 + tick.row, column: left)
            canvas.put(tick.label, row: top + 1 + tick.row, column: left - tick.label.count)
        }
        for tick in xTicks {
            canvas.put(String(glyphs.bottomTick), row: bottom, column: left + 1 + tick.column)
            let span = TerminalFrame.labelSpan(column: tick.column, label: tick.label, gutter: gutter, width: width)
            canvas.put(tick.label, row: bottom + 1, column: span.lowerBound)
        }
    }

    /// A dot position → (canvas column, row) given the frame's top row.
    func cell(_ dot: (Double, Double), top: Int) -> (column: Int, row: Int) {
        (
            plotLeft + Int(dot.0.rounded()) / xResolution,
            top + 1 + Int(dot.1.rounded()) / yResolution
        )
    }

    func dots(_ point: Point) -> (Double, Double) {
        (x.position(point.x), y.position(point.y))
    }

    func contains(column: Int, row: Int, top: Int) -> Bool {
        column >= plotLeft && column < plotLeft + columns && row > top && row <= top + rows
    }
}
