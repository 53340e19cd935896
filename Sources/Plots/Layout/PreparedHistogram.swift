/// Histogram checks shared by both renderers, and the overlaid layout as a
/// line chart of step outlines (matplotlib's `histtype="step"`).
enum PreparedHistogram {
    static func check(_ chart: HistogramChart) throws {
        guard !chart.histograms.isEmpty else {
            throw PlotError("a histogram chart needs at least one histogram; none was given")
        }
        for named in chart.histograms {
            let histogram = named.histogram
            guard histogram.edges.count >= 2, histogram.counts.count == histogram.edges.count - 1 else {
                throw PlotError(
                    "histogram \"\(named.name)\" has \(histogram.edges.count) edges and \(histogram.counts.count) counts; n bins need n + 1 edges"
                )
            }
            guard histogram.edges.allSatisfy(\.isFinite),
                zip(histogram.edges, histogram.edges.dropFirst()).allSatisfy({ $0 < $1 })
            else { throw PlotError("histogram \"\(named.name)\": bin edges must be finite and increasing") }
            if let bad = histogram.counts.first(where: { !$0.isFinite || $0 < 0 }) {
                throw PlotError(
                    "histogram \"\(named.name)\" has count \(NumberText.short(bad)); counts must be finite and ≥ 0")
            }
        }
        if chart.x.scale == .log, let low = chart.histograms.compactMap(\.histogram.edges.first).min(), low <= 0 {
            throw PlotError(
                "log scale on x: a bin edge is \(NumberText.short(low)); a log scale needs values > 0",
                subject: .logScale)
        }
    }

    /// The x range all panels share.
    static func xRange(_ chart: HistogramChart) -> ClosedRange<Double> {
        if let limits = chart.x.limits { return limits }
        let low = chart.histograms.compactMap(\.histogram.edges.first).min()!
        let high = chart.histograms.compactMap(\.histogram.edges.last).max()!
        return low...high
    }

    /// Outlines: up and down each bin edge, along each bin top.
    static func stepChart(_ chart: HistogramChart) -> LineChart {
        let series = chart.histograms.map { named -> Series in
            let h = named.histogram
            var points = [Point(h.edges[0], 0)]
            for (index, count) in h.counts.enumerated() {
                points.append(Point(h.edges[index], count))
                points.append(Point(h.edges[index + 1], count))
            }
            points.append(Point(h.edges[h.edges.count - 1], 0))
            return Series(named.name, points: points)
        }
        let top = chart.histograms.flatMap(\.histogram.counts).max() ?? 1
        return LineChart(
            title: chart.title, x: Axis(chart.x.label, scale: chart.x.scale, limits: chart.x.limits ?? xRange(chart)),
            y: Axis(chart.countLabel, limits: 0...max(top * 1.05, 1)), series: series, notes: chart.notes)
    }
}
