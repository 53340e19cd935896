import Foundation

/// What both renderers need from a line chart before they draw it: each
/// series cut into runs of finite points, the places where a series stopped
/// on a non-finite value, the axis extents, and the rule checks (a log scale
/// needs positive values).
struct PreparedLineChart {
    struct Curve {
        let name: String
        let color: RGB
        let style: Series.Style
        /// Runs of consecutive drawable points; a non-finite y ends a run.
        let runs: [[Point]]
    }

    /// Where a series met a non-finite value after finite ones (or at its start).
    struct Break {
        let curve: Int
        let x: Double
        let value: Double
    }

    let chart: LineChart
    let curves: [Curve]
    let breaks: [Break]
    /// The chart's own notes.
    let notes: [String]
    /// One line per series that met a non-finite value: what, and where.
    let breakNotes: [String]
    let xData: ClosedRange<Double>?
    let yData: ClosedRange<Double>?

    init(_ chart: LineChart) throws {
        self.chart = chart
        guard !chart.series.isEmpty else { throw PlotError("a line chart needs at least one series; none was given") }
        try PreparedLineChart.checkPositive(chart)
        var curves: [Curve] = []
        var breaks: [Break] = []
        // (what, where, stops) → series names, in order of first appearance.
        var breakGroups: [(String, Double, Bool, [String])] = []
        for (index, series) in chart.series.enumerated() {
            var runs: [[Point]] = []
            var current: [Point] = []
            var inBreak = false
            var seriesBreaks: [Break] = []
            for point in series.points where point.x.isFinite {
                if point.y.isFinite {
                    current.append(point)
                    inBreak = false
                } else {
                    if !current.isEmpty { runs.append(current) }
                    current = []
                    if !inBreak { seriesBreaks.append(Break(curve: index, x: point.x, value: point.y)) }
                    inBreak = true
                }
            }
            if !current.isEmpty { runs.append(current) }
            if let first = seriesBreaks.first {
                let what = first.value.isNaN ? "NaN" : (first.value > 0 ? "+inf" : "-inf")
                let stops = !(runs.last.map { $0.first!.x > first.x } ?? false)
                if let index = breakGroups.firstIndex(where: { $0.0 == what && $0.1 == first.x && $0.2 == stops }) {
                    breakGroups[index].3.append(series.name)
                } else {
                    breakGroups.append((what, first.x, stops, [series.name]))
                }
            }
            breaks += seriesBreaks
            curves.append(
                Curve(
                    name: series.name, color: series.color ?? Palette.color(index), style: series.style, runs: runs))
        }
        guard curves.contains(where: { !$0.runs.isEmpty }) else {
            throw PlotError(
                "nothing to draw: none of the \(chart.series.count) series has a point with finite x and y")
        }
        self.curves = curves
        self.breaks = breaks
        self.notes = chart.notes
        let axis = chart.x.label.isEmpty ? "x =" : chart.x.label
        breakNotes = breakGroups.map { what, x, stops, names in
            let who =
                names.count > 3 ? "\(names[0]), \(names[1]) and \(names.count - 2) more" : names.joined(separator: ", ")
            let plural = names.count > 1
            return "\(who): \(what) at \(axis) \(NumberText.short(x)), "
                + (stops
                    ? (plural ? "the curves stop there" : "the curve stops there")
                    : (plural ? "the curves have gaps from there" : "the curve has gaps from there"))
        }
        let points = curves.flatMap { $0.runs.flatMap { $0 } }
        var xs = points.map(\.x)
        var ys = points.map(\.y)
        for marker in chart.markers {
            switch marker.kind {
            case .point(let point), .text(let point):
                xs.append(point.x)
                ys.append(point.y)
            case .verticalLine(let x): xs.append(x)
            case .horizontalLine(let y): ys.append(y)
            }
        }
        xData = DataRange.extent(xs, scale: chart.x.scale)
        yData = DataRange.extent(ys, scale: chart.y.scale)
    }

    /// A log axis takes positive values only: the first one that is not
    /// positive is named.
    static func checkPositive(_ chart: LineChart) throws {
        for (axis, name, pick) in [(chart.x, "x", { (p: Point) in p.x }), (chart.y, "y", { (p: Point) in p.y })]
        where axis.scale == .log {
            if let limits = axis.limits, limits.lowerBound <= 0 {
                throw PlotError(
                    "log scale on \(name): the limit \(NumberText.short(limits.lowerBound)) is not positive; a log scale needs values > 0",
                    subject: .logScale)
            }
            for series in chart.series {
                for point in series.points where point.x.isFinite && point.y.isFinite && pick(point) <= 0 {
                    throw PlotError(
                        "log scale on \(name): series \"\(series.name)\" has \(name) = \(NumberText.short(pick(point))) at x = \(NumberText.short(point.x)); a log scale needs values > 0",
                        subject: .logScale)
                }
            }
            for marker in chart.markers {
                let value: Double?
                switch marker.kind {
                case .point(let point), .text(let point): value = pick(point)
                case .verticalLine(let x): value = name == "x" ? x : nil
                case .horizontalLine(let y): value = name == "y" ? y : nil
                }
                if let value, value <= 0 {
                    throw PlotError(
                        "log scale on \(name): marker \"\(marker.label)\" sits at \(NumberText.short(value)); a log scale needs values > 0",
                        subject: .logScale)
                }
            }
        }
    }

    func limits(xMargin: Double, yMargin: Double) -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        (
            DataRange.limits(fixed: chart.x.limits, data: xData, scale: chart.x.scale, margin: xMargin),
            DataRange.limits(fixed: chart.y.limits, data: yData, scale: chart.y.scale, margin: yMargin)
        )
    }
}

/// Numbers in notes and messages: integers without ".0", others in Swift's
/// shortest round-trip form.
enum NumberText {
    static func short(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+inf" : "-inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// A value with `digits` significant digits, trailing zeros dropped.
    static func significant(_ value: Double, _ digits: Int = 4) -> String {
        if !value.isFinite { return short(value) }
        if value == 0 { return "0" }
        let magnitude = Int((abs(value)).exponent10)
        if magnitude >= 6 || magnitude < -4 {
            return String(format: "%.\(max(digits - 1, 0))e", value).replacingExponent()
        }
        let decimals = max(0, digits - 1 - magnitude)
        return Ticks.trimmed(Ticks.fixed(value, decimals: decimals))
    }
}

extension Double {
    fileprivate var exponent10: Double { Foundation.log10(self).rounded(.down) }
}

extension String {
    /// "1.500e-05" → "1.5e-5" (C's %e keeps zeros in the mantissa and pads
    /// the exponent).
    fileprivate func replacingExponent() -> String {
        guard let e = firstIndex(of: "e") else { return self }
        let mantissa = Ticks.trimmed(String(self[..<e]))
        let exponent = Int(self[index(after: e)...]) ?? 0
        return "\(mantissa)e\(exponent)"
    }
}
