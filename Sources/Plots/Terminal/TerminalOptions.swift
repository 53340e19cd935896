/// How to draw a chart as terminal text.
public struct TerminalOptions: Equatable, Sendable {
    public enum Color: String, Equatable, Sendable {
        /// No escape codes at all.
        case none
        /// xterm's 256 colours (nearest to each chart colour).
        case ansi256
        /// 24-bit colour, for terminals that say so (COLORTERM=truecolor).
        case trueColor
    }

    /// Columns available: the chart fits in them or rendering fails with a
    /// `PlotError` naming the width it needs.
    public var width: Int
    /// Rows of the plot area (inside the frame); nil chooses from the width.
    public var plotRows: Int?
    /// Braille dots, block elements and box drawing; false draws in ASCII.
    public var unicode: Bool
    public var color: Color

    public init(width: Int = 80, plotRows: Int? = nil, unicode: Bool = true, color: Color = .none) {
        self.width = width
        self.plotRows = plotRows
        self.unicode = unicode
        self.color = color
    }

    /// ASCII only, no colour: what `--plain` and NO_COLOR give, and what
    /// lesson transcripts hold.
    public static func plain(width: Int = 80, plotRows: Int? = nil) -> TerminalOptions {
        TerminalOptions(width: width, plotRows: plotRows, unicode: false, color: .none)
    }

    /// The plot area's rows for a given plot width: about 0.3 rows per
    /// column (terminal cells are twice as tall as wide), 8 to 24 rows.
    func rows(forColumns columns: Int) -> Int {
        plotRows ?? min(max(Int((Double(columns) * 0.3).rounded()), 8), 24)
    }
}

/// Charts → terminal text: braille dots (2 × 4 per cell) or, in ASCII,
/// one symbol per cell as gnuplot's dumb terminal draws; a box frame with
/// outward ticks at round numbers; title, axis labels, legend, notes.
public enum TerminalRenderer {
    /// The narrowest plot area, in columns, worth drawing.
    public static let minimumPlotColumns = 16

    public static func render(_ chart: Chart, options: TerminalOptions) throws -> String {
        guard options.width > 0 else {
            throw PlotError("width \(options.width) must be positive", subject: .width(needed: minimumPlotColumns))
        }
        if let rows = options.plotRows, rows < 3 {
            throw PlotError("plot height \(rows) is below the 3 rows a chart needs", subject: .size)
        }
        switch chart {
        case .line(let line): return try renderLine(line, options: options)
        case .heatmap(let heatmap): return try renderHeatmap(heatmap, options: options)
        case .histogram(let histogram): return try renderHistogram(histogram, options: options)
        case .bar(let bar): return try renderBar(bar, options: options)
        }
    }
}

extension Chart {
    /// The chart as terminal text `width` columns wide: the one call a
    /// lesson or a trace verb needs (`unicode: false` for transcripts).
    public func terminalText(width: Int, unicode: Bool = false, color: TerminalOptions.Color = .none) throws -> String {
        try TerminalRenderer.render(self, options: TerminalOptions(width: width, unicode: unicode, color: color))
    }

    /// The chart as an SVG document.
    public func svg(_ options: SVGOptions = SVGOptions()) throws -> String {
        try SVGRenderer.render(self, options: options)
    }
}
