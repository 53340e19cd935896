import Exact

/// A chart a step draws, as written in a lesson file (lessons/README.md,
/// "Plots"): curves or bars whose values are expressions over the traces,
/// either read from one computation (a value per element) or from a sweep
/// that re-runs one of the lesson's runs at several values of a parameter
/// (a value per run). Nothing here holds a number; `LessonRun` computes the
/// chart's data once, at load.
struct LessonPlot: Sendable {
    enum Kind: String, Sendable {
        /// Curves against a numeric x axis.
        case line
        /// Bars side by side in each category.
        case bars
        /// Bars on top of each other: a sum and its parts.
        case stacked

        var drawsBars: Bool { self != .line }
    }

    struct Series: Sendable {
        enum Style: String, Sendable {
            /// Points joined by lines, each point marked.
            case curve
            /// Points joined by lines.
            case line
            /// Points alone.
            case points
            /// One bar per category.
            case bar
        }

        var label: String
        var style: Style
        var value: Expression
        var source: String
        var line: Int
    }

    /// `plot sweep: RUN.PARAMETER = 1 to 20` or `= 1/2, 1, 2`: RUN is re-run
    /// once per value with the parameter set to it.
    struct Sweep: Sendable {
        var run: String
        var parameter: String
        /// As written (a parameter is shown the way it was given).
        var values: [String]
        var line: Int
    }

    /// The x values (or the categories of a bar chart): an expression, or
    /// with a sweep by default the swept values.
    struct XValues: Sendable {
        var value: Expression
        var source: String
        var line: Int
    }

    enum Mark: Sendable {
        /// The smallest (or largest) point of a series, labelled.
        case extreme(largest: Bool, label: String, series: String, line: Int)
        /// A vertical (x =) or horizontal (y =) rule at a value, labelled.
        case rule(vertical: Bool, label: String, value: Expression, source: String, line: Int)

        var line: Int {
            switch self {
            case .extreme(_, _, _, let line), .rule(_, _, _, _, let line): return line
            }
        }
    }

    var kind: Kind
    var title: String
    var sweep: Sweep?
    var xLabel = ""
    var x: XValues?
    var xLog = false
    var yLabel = ""
    var yLog = false
    /// Category names typed in the lesson (bar charts).
    var categories: [String]?
    var series: [Series] = []
    var marks: [Mark] = []
    /// Rows of the plot area; nil takes `defaultRows`.
    var rows: Int?
    var line: Int

    init(kind: Kind, title: String, line: Int) {
        self.kind = kind
        self.title = title
        self.line = line
    }

    /// A sweep re-runs a computation per value: this bounds the work.
    static let maximumSweepValues = 64
    static let maximumSeries = 10
    static let maximumMarks = 10
    static let maximumCategories = 64
    static let rowRange = 4...40
    /// Rows of a lesson's chart unless `plot height:` says otherwise: small
    /// enough that a chart, its title and legend fit a 24-line screen.
    static let defaultRows = 14

    /// The keys after `plot`, for messages.
    static let keyList =
        "plot sweep, plot x, plot x log, plot y, plot y log, plot curve, plot line, plot points, plot bar, plot categories, plot vline, plot hline, plot min, plot max, plot height"
}

// MARK: - Reading the keys

extension LessonPlot {
    /// `plot:`, `plot bars:` or `plot stacked:` with the chart's title.
    static func start(words: [String], title: String, line: Int) throws -> LessonPlot {
        let kind: Kind
        switch words.count == 1 ? "line" : words[1] {
        case "line" where words.count == 1: kind = .line
        case "bars" where words.count == 2: kind = .bars
        case "stacked" where words.count == 2: kind = .stacked
        default:
            throw ExpressionError(
                "unknown plot key \"\(words.joined(separator: " ").clipped)\" (a chart starts with plot:, plot bars: or plot stacked:; then \(keyList))"
            )
        }
        guard !title.isEmpty else { throw ExpressionError("a plot needs a title: \"plot: Title\"") }
        return LessonPlot(kind: kind, title: title, line: line)
    }

    /// The words after `plot` of the keys that add to a chart.
    static let partKeys: Set<String> = [
        "sweep", "x", "x log", "y", "y log", "curve", "line", "points", "bar", "categories", "vline", "hline", "min",
        "max", "height",
    ]

    /// Whether `plot WORD…` starts a chart rather than adding to one.
    static func startsChart(_ words: [String]) -> Bool {
        words.count == 1 || (words.count == 2 && ["bars", "stacked"].contains(words[1]))
    }

    /// One `plot KEY: value` line of the chart above it. `runs` are the
    /// lesson's runs (a sweep must name one).
    mutating func take(words: [String], value: String, line: Int, runs: [RunSpec]) throws {
        let key = words.dropFirst().joined(separator: " ")
        guard !value.isEmpty else { throw ExpressionError("plot \(key): has no value") }
        switch key {
        case "sweep":
            guard sweep == nil else { throw ExpressionError("a plot has at most one sweep") }
            sweep = try Self.parseSweep(value, line: line, runs: runs)
        case "x", "x log":
            guard x == nil, xLabel.isEmpty else { throw ExpressionError("the plot already has an x: line") }
            xLog = key == "x log"
            if let (label, source) = Self.labelled(value) {
                xLabel = label
                x = XValues(value: try ExpressionParser.parse(source), source: source, line: line)
            } else {
                xLabel = value
            }
        case "y", "y log":
            guard yLabel.isEmpty else { throw ExpressionError("the plot already has a y: line") }
            yLog = key == "y log"
            yLabel = value
        case "curve", "line", "points", "bar":
            let style = Series.Style(rawValue: key)!
            guard let (label, source) = Self.labelled(value) else {
                throw ExpressionError("plot \(key): is \"label = expression\", e.g. \"plot \(key): bias² = bias2\"")
            }
            guard !series.contains(where: { $0.label == label }) else {
                throw ExpressionError("the plot already has a series \"\(label.clipped)\"")
            }
            guard series.count < Self.maximumSeries else {
                throw ExpressionError("a plot has at most \(Self.maximumSeries) series")
            }
            series.append(
                Series(
                    label: label, style: style, value: try ExpressionParser.parse(source), source: source, line: line))
        case "categories":
            guard categories == nil else { throw ExpressionError("the plot already has categories:") }
            let names = value.components(separatedBy: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !names.contains(where: \.isEmpty) else {
                throw ExpressionError("plot categories: is a comma-separated list of names")
            }
            guard names.count <= Self.maximumCategories else {
                throw ExpressionError(
                    "plot categories: has \(names.count) names; a chart shows at most \(Self.maximumCategories)")
            }
            categories = names
        case "vline", "hline":
            guard let (label, source) = Self.labelled(value) else {
                throw ExpressionError(
                    "plot \(key): is \"label = expression\", e.g. \"plot hline: Bayes error = bayes_error\"")
            }
            try addMark(
                .rule(
                    vertical: key == "vline", label: label, value: try ExpressionParser.parse(source), source: source,
                    line: line))
        case "min", "max":
            // "plot min: risk" or "plot min: best degree = risk".
            let (label, name) = Self.labelled(value) ?? (key == "min" ? "minimum" : "maximum", value)
            try addMark(.extreme(largest: key == "max", label: label, series: name, line: line))
        case "height":
            guard let rows = Int(value), Self.rowRange.contains(rows) else {
                throw ExpressionError(
                    "plot height: \(value.clipped) must be a whole number of rows from \(Self.rowRange.lowerBound) to \(Self.rowRange.upperBound)"
                )
            }
            self.rows = rows
        default:
            throw ExpressionError("unknown plot key \"plot \(key.clipped)\" (expected \(Self.keyList))")
        }
    }

    private mutating func addMark(_ mark: Mark) throws {
        guard marks.count < Self.maximumMarks else {
            throw ExpressionError("a plot has at most \(Self.maximumMarks) marks")
        }
        marks.append(mark)
    }

    /// "label = expression", split at the last " = " (a label may hold "=").
    static func labelled(_ value: String) -> (label: String, source: String)? {
        guard let range = value.range(of: " = ", options: .backwards) else { return nil }
        let label = value[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
        let source = value[range.upperBound...].trimmingCharacters(in: .whitespaces)
        guard !label.isEmpty, !source.isEmpty else { return nil }
        return (label, source)
    }

    /// `RUN.PARAMETER = A to B` (whole numbers) or `= v1, v2, …`.
    static func parseSweep(_ value: String, line: Int, runs: [RunSpec]) throws -> Sweep {
        let format = "plot sweep: is \"RUN.PARAMETER = 1 to 20\" or \"RUN.PARAMETER = 1/2, 1, 2\""
        guard let equals = value.range(of: "=") else { throw ExpressionError(format) }
        let target = value[..<equals.lowerBound].trimmingCharacters(in: .whitespaces)
        let list = value[equals.upperBound...].trimmingCharacters(in: .whitespaces)
        let parts = target.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, parts[0].isIdentifier, parts[1].isIdentifier, !list.isEmpty else {
            throw ExpressionError(format)
        }
        guard runs.contains(where: { $0.name == parts[0] }) else {
            throw ExpressionError(
                "plot sweep: \"\(parts[0].clipped)\" is not a run of this lesson (runs: \(runs.map(\.name).joined(separator: ", ")))"
            )
        }
        var values: [String]
        let words = list.split(separator: " ").map(String.init)
        if words.count == 3, words[1] == "to" {
            guard let low = Int(words[0]), let high = Int(words[2]), low <= high else {
                throw ExpressionError("plot sweep: \"\(list.clipped)\" must be \"A to B\" with whole numbers A ≤ B")
            }
            let (span, overflow) = high.subtractingReportingOverflow(low)
            guard !overflow, span < maximumSweepValues else {
                throw ExpressionError(
                    "plot sweep: \(list.clipped) has more than \(maximumSweepValues) values; a sweep runs at most \(maximumSweepValues) computations"
                )
            }
            values = (low...high).map(String.init)
        } else {
            values = list.components(separatedBy: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !values.contains(where: \.isEmpty) else {
                throw ExpressionError("plot sweep: \"\(list.clipped)\" is a comma-separated list of numbers, or A to B")
            }
            guard values.count <= maximumSweepValues else {
                throw ExpressionError(
                    "plot sweep: has \(values.count) values; a sweep runs at most \(maximumSweepValues) computations")
            }
            for (index, text) in values.enumerated() {
                do { _ = try LessonNumber.parse(text) } catch let error as ExpressionError {
                    throw ExpressionError("plot sweep: value \(index + 1): \(error.message)")
                }
            }
        }
        return Sweep(run: parts[0], parameter: parts[1], values: values, line: line)
    }

    /// What a complete chart needs, checked when the lesson is read; nil when
    /// it has all of it, else the line and the reason.
    func problem() -> (line: Int, reason: String)? {
        if series.isEmpty {
            return (
                line,
                "the plot \"\(title.clipped)\" has no series (add plot \(kind.drawsBars ? "bar" : "curve"): label = expression)"
            )
        }
        for entry in series where kind.drawsBars != (entry.style == .bar) {
            return (
                entry.line,
                kind.drawsBars
                    ? "a bar chart's series are plot bar: lines" : "plot bar: belongs to plot bars: or plot stacked:"
            )
        }
        if kind == .line {
            if x == nil && sweep == nil {
                return (line, "the plot \"\(title.clipped)\" needs its x values: plot x: label = expression")
            }
            if categories != nil { return (line, "plot categories: belongs to a bar chart") }
        } else {
            if xLog || yLog {
                return (line, "a bar chart has linear axes; plot x log: and plot y log: belong to plot:")
            }
            if x == nil && sweep == nil && categories == nil {
                return (
                    line,
                    "the bar chart \"\(title.clipped)\" needs plot categories:, plot x: label = expression or a sweep"
                )
            }
            if x != nil && categories != nil {
                return (line, "give the categories by plot x: or by plot categories:, not both")
            }
            if let mark = marks.first {
                return (mark.line, "plot vline:, hline:, min: and max: mark a line chart, not a bar chart")
            }
        }
        for mark in marks {
            if case .extreme(_, _, let name, let markLine) = mark, !series.contains(where: { $0.label == name }) {
                return (
                    markLine,
                    "plot min/max: \"\(name.clipped)\" is not a series of this plot (series: \(series.map(\.label).joined(separator: ", ")))"
                )
            }
        }
        return nil
    }
}
