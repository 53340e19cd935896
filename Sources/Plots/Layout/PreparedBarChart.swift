/// Bar chart checks and the value range both renderers draw: from zero (bars
/// stand on it) to the largest end, stacked sums included.
struct PreparedBarChart {
    let chart: BarChart
    let colors: [RGB]
    /// The data's value extent, zero included.
    let extent: ClosedRange<Double>

    init(_ chart: BarChart) throws {
        self.chart = chart
        guard !chart.categories.isEmpty else {
            throw PlotError("a bar chart needs at least one category; none was given")
        }
        guard !chart.series.isEmpty else { throw PlotError("a bar chart needs at least one series; none was given") }
        if chart.value.scale == .log {
            throw PlotError("bars stand on zero, so their value axis is linear; a log scale was asked for")
        }
        for series in chart.series {
            guard series.values.count == chart.categories.count else {
                throw PlotError(
                    "bar series \"\(series.name)\" has \(series.values.count) values for \(chart.categories.count) categories; it needs one per category"
                )
            }
            if let bad = series.values.first(where: { !$0.isFinite }) {
                throw PlotError("bar series \"\(series.name)\" has \(NumberText.short(bad)); bar values must be finite")
            }
            if chart.arrangement == .stacked, let negative = series.values.first(where: { $0 < 0 }) {
                throw PlotError(
                    "stacked bar series \"\(series.name)\" has \(NumberText.short(negative)); stacked bars need values ≥ 0"
                )
            }
        }
        colors = chart.series.enumerated().map { $0.element.color ?? Palette.color($0.offset) }
        var low = 0.0
        var high = 0.0
        for index in chart.categories.indices {
            let values = chart.series.map { $0.values[index] }
            if chart.arrangement == .stacked {
                high = max(high, values.reduce(0, +))
            } else {
                low = min(low, values.min()!)
                high = max(high, values.max()!)
            }
        }
        extent = low...high
    }

    /// Zero stays on the axis's edge when all bars point one way (matplotlib's
    /// sticky edge); the far end gets a 5% margin.
    var limits: ClosedRange<Double> {
        if let fixed = chart.value.limits {
            return DataRange.nonsingular(fixed.lowerBound, fixed.upperBound, scale: .linear)
        }
        let range = DataRange.nonsingular(extent.lowerBound, extent.upperBound, scale: .linear)
        let pad = (range.upperBound - range.lowerBound) * 0.05
        return
            (range.lowerBound < 0 ? range.lowerBound - pad : range.lowerBound)...(range.upperBound > 0
            ? range.upperBound + pad : range.upperBound)
    }

    /// Each bar as (category, series, from, to) in value units.
    var bars: [(category: Int, series: Int, from: Double, to: Double)] {
        var result: [(Int, Int, Double, Double)] = []
        for category in chart.categories.indices {
            var base = 0.0
            for (series, data) in chart.series.enumerated() {
                let value = data.values[category]
                if chart.arrangement == .stacked {
                    result.append((category, series, base, base + value))
                    base += value
                } else {
                    result.append((category, series, 0, value))
                }
            }
        }
        return result.map { (category: $0.0, series: $0.1, from: $0.2, to: $0.3) }
    }
}
