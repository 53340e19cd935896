/// Values per category, one bar per series in each category: side by side
/// (grouped) or on top of each other (stacked: a decomposition such as
/// risk = bias² + variance + Bayes error).
public struct BarChart: Sendable {
    public enum Arrangement: String, Sendable {
        case grouped
        case stacked
    }

    public var title: String
    /// The category axis label.
    public var categoryLabel: String
    /// The value axis (linear; its limits may be fixed).
    public var value: Axis
    public var categories: [String]
    public var series: [BarSeries]
    public var arrangement: Arrangement
    /// Print each bar's value at its end.
    public var showValues: Bool

    public init(
        title: String = "", categoryLabel: String = "", value: Axis = Axis(), categories: [String],
        series: [BarSeries], arrangement: Arrangement = .grouped, showValues: Bool = false
    ) {
        self.title = title
        self.categoryLabel = categoryLabel
        self.value = value
        self.categories = categories
        self.series = series
        self.arrangement = arrangement
        self.showValues = showValues
    }
}

public struct BarSeries: Sendable {
    public var name: String
    /// One value per category, in the chart's category order.
    public var values: [Double]
    public var color: RGB?

    public init(_ name: String, values: [Double], color: RGB? = nil) {
        self.name = name
        self.values = values
        self.color = color
    }
}
