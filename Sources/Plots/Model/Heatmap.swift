/// Values on a regular grid over a rectangle, coloured by a colormap with a
/// colour bar, and groups of points drawn on top: a 2-D classifier's
/// decision regions with its data, for instance.
public struct Heatmap: Sendable {
    public var title: String
    public var x: Axis
    public var y: Axis
    /// The rectangle the grid covers.
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    /// `values[row][column]`; row 0 is the bottom (lowest y), column 0 the
    /// left. Every row has the same length. NaN cells are left blank.
    public var values: [[Double]]
    public var colormap: Colormap
    /// The colour bar's label.
    public var valueLabel: String
    /// The values at the ends of the colormap; nil takes the finite range.
    public var valueRange: ClosedRange<Double>?
    public var points: [PointGroup]

    public init(
        title: String = "", x: Axis = Axis(), y: Axis = Axis(), xRange: ClosedRange<Double>,
        yRange: ClosedRange<Double>, values: [[Double]], colormap: Colormap = .viridis, valueLabel: String = "",
        valueRange: ClosedRange<Double>? = nil, points: [PointGroup] = []
    ) {
        self.title = title
        self.x = x
        self.y = y
        self.xRange = xRange
        self.yRange = yRange
        self.values = values
        self.colormap = colormap
        self.valueLabel = valueLabel
        self.valueRange = valueRange
        self.points = points
    }
}

/// Points drawn over a heatmap, one legend entry per group.
public struct PointGroup: Sendable {
    public var name: String
    public var points: [Point]
    /// A value on the heatmap's scale (a class label, say): the group is
    /// drawn in the colormap's colour for it. nil takes the palette's next.
    public var value: Double?

    public init(_ name: String, points: [Point], value: Double? = nil) {
        self.name = name
        self.points = points
        self.value = value
    }
}
