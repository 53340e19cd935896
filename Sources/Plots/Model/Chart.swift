/// A chart as data: what to draw, in data coordinates, with no knowledge of
/// where the numbers came from. The renderers (`TerminalRenderer`,
/// `SVGRenderer`) turn one into terminal text or an SVG document.
public enum Chart: Sendable {
    case line(LineChart)
    case heatmap(Heatmap)
    case histogram(HistogramChart)
    case bar(BarChart)

    public var title: String {
        switch self {
        case .line(let chart): return chart.title
        case .heatmap(let chart): return chart.title
        case .histogram(let chart): return chart.title
        case .bar(let chart): return chart.title
        }
    }
}

/// A point in data coordinates.
public struct Point: Equatable, Sendable {
    public var x: Double
    public var y: Double

    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

/// How values map to positions along an axis.
public enum AxisScale: String, Equatable, Sendable {
    case linear
    case log
}

/// One axis of a chart: its label, its scale, and optional fixed limits
/// (otherwise the data's range with a 5% margin, as matplotlib does).
public struct Axis: Equatable, Sendable {
    public var label: String
    public var scale: AxisScale
    public var limits: ClosedRange<Double>?

    public init(_ label: String = "", scale: AxisScale = .linear, limits: ClosedRange<Double>? = nil) {
        self.label = label
        self.scale = scale
        self.limits = limits
    }
}
