/// Size and type of an SVG chart. The defaults follow matplotlib's figure
/// (6.4 × 4.8 in at 100 dpi: 640 × 480) and its font sizes (10 pt ticks and
/// labels, 12 pt title, scaled to that size).
public struct SVGOptions: Equatable, Sendable {
    public var width: Double
    /// nil: 480 for one panel, more for a column of histogram panels.
    public var height: Double?
    public var fontSize: Double

    public init(width: Double = 640, height: Double? = nil, fontSize: Double = 13) {
        self.width = width
        self.height = height
        self.fontSize = fontSize
    }
}

/// Charts → one self-contained SVG 1.1 document: sizes in the file, text as
/// <text> (searchable, selectable), no scripts, no external references, and
/// the same bytes for the same chart.
public enum SVGRenderer {
    public static func render(_ chart: Chart, options: SVGOptions = SVGOptions()) throws -> String {
        guard options.width >= 200, (options.height ?? 200) >= 150 else {
            throw PlotError(
                "SVG size \(NumberText.short(options.width))×\(NumberText.short(options.height ?? 480)) is too small; a chart needs at least 200×150",
                subject: .size)
        }
        switch chart {
        case .line(let line): return try renderLine(line, options: options)
        case .heatmap(let heatmap): return try renderHeatmap(heatmap, options: options)
        case .histogram(let histogram): return try renderHistogram(histogram, options: options)
        case .bar(let bar): return try renderBar(bar, options: options)
        }
    }

    /// The fixed parts of every document: prologue, root element with its
    /// size, title, white background. `body` draws the rest.
    static func document(
        width: Double, height: Double, options: SVGOptions, title: String, description: String,
        body: (inout SVGWriter) -> Void
    ) -> String {
        var writer = SVGWriter()
        let w = SVGWriter.number(width)
        let h = SVGWriter.number(height)
        writer.open(
            "svg",
            [
                ("xmlns", "http://www.w3.org/2000/svg"), ("version", "1.1"), ("width", w), ("height", h),
                ("viewBox", "0 0 \(w) \(h)"), ("font-family", "'DejaVu Sans', Verdana, Arial, Helvetica, sans-serif"),
                ("font-size", SVGWriter.number(options.fontSize)), ("fill", "#000000"),
            ])
        writer.text("title", [], title.isEmpty ? "Chart" : title)
        writer.text("desc", [], description)
        writer.element("rect", [("x", "0"), ("y", "0"), ("width", w), ("height", h), ("fill", "#ffffff")])
        body(&writer)
        writer.close("svg")
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="no"?>
            <!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">

            """ + writer.lines.joined(separator: "\n") + "\n"
    }
}
