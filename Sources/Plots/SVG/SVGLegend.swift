/// A legend box in an SVG chart: a swatch and a name per entry, white
/// behind at 80% opacity with a light grey edge (matplotlib's `legend()`),
/// at most `maxEntries` rows with a count of the rest.
struct SVGLegend {
    enum Swatch {
        case line(RGB)
        case point(RGB)
        case lineAndPoint(RGB)
        case box(RGB)
    }

    static let maxEntries = 12

    let entries: [(Swatch, String)]
    let hidden: Int
    let style: SVGAxes.Style

    init(_ entries: [(Swatch, String)], style: SVGAxes.Style) {
        self.entries = Array(entries.prefix(SVGLegend.maxEntries))
        hidden = max(0, entries.count - SVGLegend.maxEntries)
        self.style = style
    }

    var swatchWidth: Double { style.fontSize * 2 }
    var rowHeight: Double { style.fontSize * 1.35 }
    var padding: Double { style.fontSize * 0.5 }

    var rows: [String] {
        entries.map(\.1) + (hidden > 0 ? ["… \(hidden) more"] : [])
    }

    var width: Double {
        let text = rows.map { TextMetrics.width($0, fontSize: style.fontSize) }.max() ?? 0
        return padding * 2 + swatchWidth + style.fontSize * 0.6 + text
    }

    var height: Double { padding * 2 + rowHeight * Double(rows.count) - style.fontSize * 0.35 }

    func draw(_ writer: inout SVGWriter, in box: Rect) {
        let n = SVGWriter.number
        writer.open("g", [("id", "legend")])
        writer.element(
            "rect",
            [
                ("x", n(box.x)), ("y", n(box.y)), ("width", n(box.width)), ("height", n(box.height)), ("rx", "3"),
                ("fill", "#ffffff"), ("fill-opacity", "0.8"), ("stroke", "#cccccc"), ("stroke-width", "1"),
            ])
        for (index, row) in rows.enumerated() {
            let middle = box.y + padding + rowHeight * Double(index) + style.fontSize * 0.5
            let left = box.x + padding
            if index < entries.count {
                switch entries[index].0 {
                case .line(let color), .lineAndPoint(let color):
                    writer.element(
                        "path",
                        [
                            ("d", "M\(n(left)) \(n(middle)) h\(n(swatchWidth))"), ("stroke", color.hexString),
                            ("stroke-width", "2"), ("fill", "none"),
                        ])
                    if case .lineAndPoint = entries[index].0 {
                        writer.element(
                            "circle",
                            [
                                ("cx", n(left + swatchWidth / 2)), ("cy", n(middle)), ("r", "3"),
                                ("fill", color.hexString),
                            ])
                    }
                case .point(let color):
                    writer.element(
                        "circle",
                        [
                            ("cx", n(left + swatchWidth / 2)), ("cy", n(middle)), ("r", "4"), ("fill", color.hexString),
                            ("stroke", "#ffffff"), ("stroke-width", "0.8"),
                        ])
                case .box(let color):
                    writer.element(
                        "rect",
                        [
                            ("x", n(left + swatchWidth * 0.2)), ("y", n(middle - style.fontSize * 0.35)),
                            ("width", n(swatchWidth * 0.6)), ("height", n(style.fontSize * 0.7)),
                            ("fill", color.hexString),
                        ])
                }
            }
            writer.text(
                "text",
                [("x", n(left + swatchWidth + style.fontSize * 0.6)), ("y", n(middle + style.fontSize * 0.35))], row)
        }
        writer.close("g")
    }
}
