/// Distributions, one per named series (activations per layer, say): as a
/// column of small panels sharing the x axis, or overlaid as outlines.
public struct HistogramChart: Sendable {
    public enum Layout: String, Sendable {
        case panels
        case overlaid
    }

    public var title: String
    public var x: Axis
    /// The count axis label ("count" when empty).
    public var countLabel: String
    public var histograms: [NamedHistogram]
    public var layout: Layout
    public var notes: [String]

    public init(
        title: String = "", x: Axis = Axis(), countLabel: String = "count", histograms: [NamedHistogram],
        layout: Layout = .panels, notes: [String] = []
    ) {
        self.title = title
        self.x = x
        self.countLabel = countLabel
        self.histograms = histograms
        self.layout = layout
        self.notes = notes
    }

    /// Bins every series over one shared range (the finite values' overall
    /// minimum to maximum) in `bins` equal bins, so panels compare.
    public init(
        title: String = "", x: Axis = Axis(), countLabel: String = "count", values: [(String, [Double])],
        bins: Int = 20, layout: Layout = .panels
    ) throws {
        let finite = values.flatMap { $0.1.filter(\.isFinite) }
        guard bins >= 1 else { throw PlotError("bins \(bins) must be at least 1") }
        guard let low = finite.min(), let high = finite.max() else {
            throw PlotError("a histogram needs at least one finite value; none of the \(values.count) series has one")
        }
        let span = DataRange.nonsingular(low, high, scale: .linear)
        let edges = (0...bins).map { span.lowerBound + (span.upperBound - span.lowerBound) * Double($0) / Double(bins) }
        var notes: [String] = []
        var histograms: [NamedHistogram] = []
        for (name, series) in values {
            let histogram = Histogram(values: series, edges: edges)
            if histogram.excluded > 0 {
                notes.append("\(name): \(histogram.excluded) value(s) not finite, not drawn")
            }
            histograms.append(NamedHistogram(name, histogram))
        }
        self.init(
            title: title, x: x, countLabel: countLabel, histograms: histograms, layout: layout, notes: notes)
    }
}

public struct NamedHistogram: Sendable {
    public var name: String
    public var histogram: Histogram

    public init(_ name: String, _ histogram: Histogram) {
        self.name = name
        self.histogram = histogram
    }
}

/// Counts in bins: `counts[i]` values fell in [edges[i], edges[i+1]) (the
/// last bin includes its right edge, as numpy's and matplotlib's do).
public struct Histogram: Equatable, Sendable {
    public var edges: [Double]
    public var counts: [Double]
    /// Values that were NaN or infinite, or outside the edges.
    public var excluded: Int

    public init(edges: [Double], counts: [Double], excluded: Int = 0) {
        self.edges = edges
        self.counts = counts
        self.excluded = excluded
    }

    public init(values: [Double], edges: [Double]) {
        var counts = [Double](repeating: 0, count: max(edges.count - 1, 0))
        var excluded = 0
        for value in values {
            guard value.isFinite, let first = edges.first, let last = edges.last, value >= first, value <= last,
                !counts.isEmpty
            else {
                excluded += 1
                continue
            }
            // The last edge index not above the value; binary search keeps
            // uneven edges correct.
            var low = 0
            var high = edges.count - 1
            while high - low > 1 {
                let middle = (low + high) / 2
                if edges[middle] <= value { low = middle } else { high = middle }
            }
            counts[min(low, counts.count - 1)] += 1
        }
        self.init(edges: edges, counts: counts, excluded: excluded)
    }
}
