/// A heatmap checked and reduced to what both renderers draw: the grid's
/// shape, the value range the colormap spans, the colour of each point group.
struct PreparedHeatmap {
    let chart: Heatmap
    let rows: Int
    let columns: Int
    let valueRange: ClosedRange<Double>
    let groupColors: [RGB]

    init(_ chart: Heatmap) throws {
        self.chart = chart
        guard let first = chart.values.first, !first.isEmpty else {
            throw PlotError("a heatmap needs at least one row and one column of values; the grid is empty")
        }
        if let ragged = chart.values.firstIndex(where: { $0.count != first.count }) {
            throw PlotError(
                "heatmap row \(ragged) has \(chart.values[ragged].count) values, row 0 has \(first.count); every row needs the same number"
            )
        }
        for (name, range) in [("x", chart.xRange), ("y", chart.yRange)] {
            guard range.lowerBound.isFinite, range.upperBound.isFinite, range.upperBound > range.lowerBound else {
                throw PlotError(
                    "heatmap \(name) range \(NumberText.short(range.lowerBound))…\(NumberText.short(range.upperBound)) must be finite and not empty"
                )
            }
        }
        if chart.x.scale == .log || chart.y.scale == .log {
            throw PlotError("a heatmap's axes are linear; a log scale was asked for")
        }
        rows = chart.values.count
        columns = first.count
        if let fixed = chart.valueRange {
            valueRange = DataRange.nonsingular(fixed.lowerBound, fixed.upperBound, scale: .linear)
        } else {
            guard let extent = DataRange.extent(chart.values.joined(), scale: .linear) else {
                throw PlotError("a heatmap needs at least one finite value; all \(rows * columns) are NaN or infinite")
            }
            valueRange = DataRange.nonsingular(extent.lowerBound, extent.upperBound, scale: .linear)
        }
        var groupColors: [RGB] = []
        var paletteIndex = 0
        for group in chart.points {
            if let value = group.value {
                groupColors.append(chart.colormap.color(at: PreparedHeatmap.fraction(value, in: valueRange)))
            } else {
                groupColors.append(Palette.color(paletteIndex))
                paletteIndex += 1
            }
        }
        self.groupColors = groupColors
    }

    static func fraction(_ value: Double, in range: ClosedRange<Double>) -> Double {
        (value - range.lowerBound) / (range.upperBound - range.lowerBound)
    }

    /// The value of the grid cell holding (x, y), nil outside the grid.
    func value(x: Double, y: Double) -> Double? {
        let column = Int(
            ((x - chart.xRange.lowerBound) / (chart.xRange.upperBound - chart.xRange.lowerBound) * Double(columns))
                .rounded(.down))
        let row = Int(
            ((y - chart.yRange.lowerBound) / (chart.yRange.upperBound - chart.yRange.lowerBound) * Double(rows))
                .rounded(.down))
        guard column >= 0, row >= 0, column <= columns, row <= rows else { return nil }
        return chart.values[min(row, rows - 1)][min(column, columns - 1)]
    }

    /// The colour for a value; nil for NaN (left blank).
    func color(_ value: Double) -> RGB? {
        value.isNaN ? nil : chart.colormap.color(at: PreparedHeatmap.fraction(value, in: valueRange))
    }
}
