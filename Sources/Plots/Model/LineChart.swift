/// Curves against a common x axis: several series, a legend, linear or log
/// axes, markers for special points and notes under the chart.
public struct LineChart: Sendable {
    public var title: String
    public var x: Axis
    public var y: Axis
    public var series: [Series]
    public var markers: [Marker]
    /// Lines of text printed under the chart (a non-finite value adds one).
    public var notes: [String]

    public init(
        title: String = "", x: Axis = Axis(), y: Axis = Axis(), series: [Series], markers: [Marker] = [],
        notes: [String] = []
    ) {
        self.title = title
        self.x = x
        self.y = y
        self.series = series
        self.markers = markers
        self.notes = notes
    }
}

extension LineChart {
    /// A legend is worth its room when there are several series, or one
    /// whose name the y label does not already give.
    var showsLegend: Bool {
        series.count > 1 || (series.first.map { !$0.name.isEmpty && $0.name != y.label } ?? false)
    }
}

/// One named curve. Points are drawn in the order given; a point whose y is
/// NaN or infinite breaks the curve there (a diverged run stops), and the
/// renderers mark and note where.
public struct Series: Sendable {
    public enum Style: String, Sendable {
        /// Points joined by straight lines.
        case line
        /// Each point on its own.
        case points
        /// Lines with each point marked.
        case lineAndPoints
    }

    public var name: String
    public var points: [Point]
    public var style: Style
    /// A fixed colour; nil takes the next colour of the palette (tab10).
    public var color: RGB?

    public init(_ name: String, points: [Point], style: Style = .line, color: RGB? = nil) {
        self.name = name
        self.points = points
        self.style = style
        self.color = color
    }

    public init(_ name: String, x: [Double], y: [Double], style: Style = .line, color: RGB? = nil) {
        self.init(name, points: zip(x, y).map { Point($0, $1) }, style: style, color: color)
    }
}

/// Something special on a chart, labelled: a point such as a minimum, a
/// vertical rule such as an interpolation threshold, a horizontal rule such
/// as a Bayes error, or a text annotation at a data position.
public struct Marker: Sendable {
    public enum Kind: Equatable, Sendable {
        case point(Point)
        case verticalLine(x: Double)
        case horizontalLine(y: Double)
        case text(Point)
    }

    public var kind: Kind
    public var label: String
    /// nil draws it in a neutral grey (rules) or the foreground colour.
    public var color: RGB?

    public init(_ kind: Kind, label: String = "", color: RGB? = nil) {
        self.kind = kind
        self.label = label
        self.color = color
    }

    public static func point(_ x: Double, _ y: Double, label: String = "", color: RGB? = nil) -> Marker {
        Marker(.point(Point(x, y)), label: label, color: color)
    }

    public static func vertical(at x: Double, label: String = "") -> Marker {
        Marker(.verticalLine(x: x), label: label)
    }

    public static func horizontal(at y: Double, label: String = "") -> Marker {
        Marker(.horizontalLine(y: y), label: label)
    }

    public static func text(_ text: String, at x: Double, _ y: Double) -> Marker {
        Marker(.text(Point(x, y)), label: text)
    }
}
