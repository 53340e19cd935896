import Foundation
import XCTest

@testable import Plots

/// The SVG renderer's output read back as XML: the document is SVG 1.1 with
/// its size, holds the elements a reader expects, and its curves sit where
/// the axes' own ticks say their values are.
final class SVGTests: XCTestCase {
    static let steps = Array(stride(from: 0.0, through: 400, by: 10))

    static var lossChart: LineChart {
        LineChart(
            title: "Training loss", x: Axis("step"), y: Axis("train_loss"),
            series: [
                Series("c=1", x: steps, y: steps.map { 2.3 * pow(0.999, $0) }),
                Series("c=2", x: steps, y: steps.map { 2.3 * pow(0.992, $0) + 0.1 }),
            ], markers: [.vertical(at: 200, label: "p = n"), .point(400, 2.3 * pow(0.992, 400) + 0.1, label: "min")])
    }

    func testDocumentIsSVG11WithItsSizeAndNoScripts() throws {
        let svg = try Chart.line(Self.lossChart).svg()
        XCTAssertTrue(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\""))
        XCTAssertTrue(svg.contains("<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\""))
        let document = SVGXML.parse(svg)
        let root = try XCTUnwrap(document.elements.first)
        XCTAssertEqual(root.name, "svg")
        XCTAssertEqual(root.attributes["xmlns"], "http://www.w3.org/2000/svg")
        XCTAssertEqual(root.attributes["version"], "1.1")
        XCTAssertEqual(root.attributes["width"], "640")
        XCTAssertEqual(root.attributes["height"], "480")
        XCTAssertEqual(root.attributes["viewBox"], "0 0 640 480")
        for element in document.elements {
            XCTAssertNotEqual(element.name, "script")
            XCTAssertNotEqual(element.name, "foreignObject")
            XCTAssertNotEqual(element.name, "image")
            for (key, value) in element.attributes {
                XCTAssertFalse(key.lowercased().hasPrefix("on"), "event handler \(key)")
                XCTAssertFalse(value.contains("http") && key != "xmlns", "external reference \(key)=\(value)")
            }
        }
        let other = try Chart.line(Self.lossChart).svg(SVGOptions(width: 800, height: 600))
        let otherRoot = try XCTUnwrap(SVGXML.parse(other).elements.first)
        XCTAssertEqual(otherRoot.attributes["viewBox"], "0 0 800 600")
    }

    func testTextIsTextAndEveryPartIsThere() throws {
        let document = SVGXML.parse(try Chart.line(Self.lossChart).svg())
        let texts = document.texts()
        for expected in ["Training loss", "step", "train_loss", "c=1", "c=2", "p = n", "min", "0", "200", "400"] {
            XCTAssertTrue(texts.contains(expected), "no <text> \"\(expected)\" in \(texts)")
        }
        XCTAssertTrue(try Chart.line(Self.lossChart).svg().contains("<title>Training loss</title>"))
        // One path per series, in its group, in the series' colour.
        for (index, color) in ["#1f77b4", "#ff7f0e"].enumerated() {
            let group = try XCTUnwrap(document.elements.first { $0.attributes["id"] == "series-\(index + 1)" })
            XCTAssertEqual(group.attributes["stroke"], color)
            XCTAssertEqual(document.inside("series-\(index + 1)").filter { $0.name == "path" }.count, 1)
        }
        // A legend with a box and both names.
        let legend = document.inside("legend")
        XCTAssertEqual(legend.filter { $0.name == "rect" }.count, 1)
        XCTAssertEqual(legend.filter { $0.name == "text" }.map(\.text), ["c=1", "c=2"])
        // Four spines as one frame rectangle, clipped data.
        XCTAssertEqual(document.inside("axes").filter { $0.name == "rect" }.count, 1)
        XCTAssertEqual(
            document.elements.first { $0.attributes["id"] == "data" }?.attributes["clip-path"], "url(#plot-area)")
    }

    func testSameChartSameBytes() throws {
        let first = try Chart.line(Self.lossChart).svg()
        let second = try Chart.line(Self.lossChart).svg()
        XCTAssertEqual(first, second)
        // Numbers carry at most two decimals.
        let decimals = try NSRegularExpression(pattern: "[0-9]\\.[0-9]{3,}")
        let coordinates = SVGXML.parse(first).named("path").map { $0.attributes["d"] ?? "" }.joined()
        XCTAssertEqual(
            decimals.numberOfMatches(in: coordinates, range: NSRange(coordinates.startIndex..., in: coordinates)), 0)
    }

    /// Reads an axis the way a reader of the chart does: tick marks give
    /// pixel positions, tick labels give values. Returns pixel = a + b·v
    /// (v in log10 on a log axis).
    func axisMap(_ document: SVGXML, horizontal: Bool, log: Bool) throws -> (Double, Double) {
        let marks = try XCTUnwrap(document.inside("axes").first { $0.name == "path" }?.attributes["d"])
        // "M x y v5" (x ticks) and "M x y h-5" (y ticks), in that order.
        var positions: [Double] = []
        for part in marks.split(separator: "M").map(String.init) {
            let fields = part.split(separator: " ")
            guard fields.count == 3 else { continue }
            let isX = fields[2].hasPrefix("v")
            guard isX == horizontal, let value = Double(isX ? fields[0] : fields[1]) else { continue }
            positions.append(value)
        }
        let labels = document.inside("axes-tick-labels").filter { $0.name == "text" }.filter {
            ($0.attributes["text-anchor"] == "middle") == horizontal
        }.map(\.text)
        XCTAssertEqual(positions.count, labels.count)
        XCTAssertGreaterThanOrEqual(positions.count, 2)
        func value(_ label: String) throws -> Double {
            let text = label.replacingOccurrences(of: "−", with: "-")
            if log, text.hasPrefix("10"), text.count > 2 {
                return try XCTUnwrap(Double(text.dropFirst(2))) // "10" then the exponent
            }
            let number = try XCTUnwrap(Double(text), "tick label \(label)")
            return log ? log10(number) : number
        }
        let first = try value(labels.first!)
        let last = try value(labels.last!)
        let slope = (positions.last! - positions.first!) / (last - first)
        return (positions.first! - slope * first, slope)
    }

    func checkCurvesMapBack(_ chart: LineChart, file: StaticString = #filePath, line: UInt = #line) throws {
        let document = SVGXML.parse(try Chart.line(chart).svg())
        let xMap = try axisMap(document, horizontal: true, log: chart.x.scale == .log)
        let yMap = try axisMap(document, horizontal: false, log: chart.y.scale == .log)
        for (index, series) in chart.series.enumerated() {
            let drawn = document.inside("series-\(index + 1)").filter { $0.name == "path" }.flatMap {
                pathPoints($0.attributes["d"] ?? "")
            }
            let finite = series.points.filter { $0.y.isFinite }
            XCTAssertEqual(drawn.count, finite.count, "series \(index + 1)", file: file, line: line)
            for (pixel, point) in zip(drawn, finite) {
                let x = chart.x.scale == .log ? log10(point.x) : point.x
                let y = chart.y.scale == .log ? log10(point.y) : point.y
                XCTAssertEqual(pixel.0, xMap.0 + xMap.1 * x, accuracy: 0.5, "x of \(point)", file: file, line: line)
                XCTAssertEqual(pixel.1, yMap.0 + yMap.1 * y, accuracy: 0.5, "y of \(point)", file: file, line: line)
            }
        }
    }

    func testPlottedCoordinatesMapBackToTheDataWithinHalfAPixel() throws {
        try checkCurvesMapBack(Self.lossChart)
        var logChart = Self.lossChart
        logChart.y.scale = .log
        try checkCurvesMapBack(logChart)
        let xs = [1.0, 3, 10, 30, 100, 300, 1000]
        try checkCurvesMapBack(
            LineChart(
                x: Axis("p", scale: .log), y: Axis("risk"),
                series: [
                    Series("test", x: xs, y: [5, 3, 2.5, 9, 4, 2, 1.5]), Series("train", x: xs, y: xs.map { 1 / $0 }),
                ]))
        try checkCurvesMapBack(
            LineChart(series: [Series("negative", x: [-5, -1, 0, 2], y: [-0.003, 0.001, -0.002, 0.0045])]))
    }

    func testANonFiniteValueStopsTheCurveWithAMarkAndANote() throws {
        var losses = Self.steps.map { 2.3 * pow(1.02, $0) }
        for index in 30..<losses.count { losses[index] = .nan }
        let chart = LineChart(
            x: Axis("step"), y: Axis("loss", scale: .log), series: [Series("c=3", x: Self.steps, y: losses)])
        try checkCurvesMapBack(chart)
        let document = SVGXML.parse(try Chart.line(chart).svg())
        XCTAssertEqual(document.inside("non-finite").filter { $0.name == "path" }.count, 1)
        XCTAssertTrue(document.texts().contains("× c=3: NaN at step 300, the curve stops there"), "\(document.texts())")
        // A gap in the middle, ∞ included: two runs, one mark.
        var gappy = Self.steps.map { $0 + 1 }
        gappy[5] = .infinity
        let gapChart = LineChart(x: Axis("step"), series: [Series("a", x: Self.steps, y: gappy)])
        let gapDocument = SVGXML.parse(try Chart.line(gapChart).svg())
        XCTAssertEqual(gapDocument.inside("series-1").filter { $0.name == "path" }.count, 2)
        XCTAssertTrue(gapDocument.texts().contains("× a: +inf at step 50, the curve has gaps from there"))
        // Every value non-finite: nothing to draw is an error, not a blank chart.
        XCTAssertThrowsError(
            try Chart.line(LineChart(series: [Series("x", x: [1, 2], y: [.nan, .nan])])).svg()
        ) { XCTAssertTrue(($0 as? PlotError)?.message.contains("nothing to draw") ?? false) }
    }

    func testALogScaleRefusesValuesThatAreNotPositive() {
        let chart = LineChart(y: Axis("loss", scale: .log), series: [Series("a", x: [1, 2, 3], y: [1, 0, 2])])
        XCTAssertThrowsError(try Chart.line(chart).svg()) { error in
            let plot = error as? PlotError
            XCTAssertEqual(plot?.subject, .logScale)
            XCTAssertEqual(
                plot?.message, "log scale on y: series \"a\" has y = 0 at x = 2; a log scale needs values > 0")
        }
    }

    func testHeatmapCellsColourBarAndPoints() throws {
        let values: [[Double]] = [[0, 0.25, 0.5, 0.75], [1, 0.9, .nan, 0.1], [0.3, 0.3, 0.6, 0.6]]
        let chart = Heatmap(
            title: "Regions", x: Axis("x₁"), y: Axis("x₂"), xRange: 0...4, yRange: 0...3, values: values,
            colormap: .blueRed, valueLabel: "p", valueRange: 0...1,
            points: [
                PointGroup("a", points: [Point(0.5, 0.5), Point(1.5, 2.5)], value: 0),
                PointGroup("b", points: [Point(3.5, 1.5)], value: 1),
            ])
        let document = SVGXML.parse(try Chart.heatmap(chart).svg())
        let cells = document.inside("cells").filter { $0.name == "rect" }
        // 12 cells, one NaN left blank, and the two equal neighbours of
        // rows 3 merged twice: 12 − 1 − 2 = 9 rects.
        XCTAssertEqual(cells.count, 9)
        // The bottom-left cell (value 0) has the colormap's first colour;
        // the cell with value 1 its last.
        XCTAssertTrue(cells.contains { $0.attributes["fill"] == "#053061" })
        XCTAssertTrue(cells.contains { $0.attributes["fill"] == "#67001f" })
        XCTAssertEqual(document.named("stop").count, Colormap.blueRed.stops.count)
        XCTAssertEqual(document.inside("points").filter { $0.name == "circle" }.count, 3)
        XCTAssertEqual(document.inside("legend").filter { $0.name == "text" }.map(\.text), ["a", "b"])
        XCTAssertTrue(document.texts().contains("p"))
        // Cells land where their data rectangle is: cell (row 0, column 0)
        // spans x 0…1 and y 0…1 of the axis.
        let xMap = try axisMap(document, horizontal: true, log: false)
        let yMap = try axisMap(document, horizontal: false, log: false)
        let corner = try XCTUnwrap(cells.first { $0.attributes["fill"] == "#053061" })
        XCTAssertEqual(Double(corner.attributes["x"]!)!, xMap.0, accuracy: 0.5)
        XCTAssertEqual(Double(corner.attributes["width"]!)!, xMap.1, accuracy: 0.5)
        XCTAssertEqual(Double(corner.attributes["y"]!)!, yMap.0 + yMap.1, accuracy: 0.5)
    }

    func testHistogramPanelsAndBars() throws {
        let chart = try HistogramChart(
            title: "Activations", x: Axis("activation"),
            values: [("layer 1", [0, 0.1, 0.2, 0.9, 1]), ("layer 2", [0.5, 0.5, .nan]), ("layer 3", [0.95])], bins: 4)
        XCTAssertEqual(chart.histograms[0].histogram.counts, [3, 0, 0, 2])
        XCTAssertEqual(chart.histograms[1].histogram.counts, [0, 0, 2, 0])
        XCTAssertEqual(chart.histograms[1].histogram.excluded, 1)
        XCTAssertEqual(chart.notes, ["layer 2: 1 value(s) not finite, not drawn"])
        let document = SVGXML.parse(try Chart.histogram(chart).svg())
        for (index, bars) in [2, 1, 1].enumerated() {
            XCTAssertEqual(document.inside("histogram-\(index + 1)").filter { $0.name == "rect" }.count, bars)
        }
        XCTAssertEqual(
            document.named("text").filter { $0.attributes["class"] == "panel-title" }.map(\.text),
            ["layer 1", "layer 2", "layer 3"])

        let bars = BarChart(
            title: "Risk", categoryLabel: "degree", value: Axis("risk"), categories: ["1", "2", "3"],
            series: [BarSeries("bias²", values: [3, 1, 0.5]), BarSeries("variance", values: [0.2, 0.6, 2])],
            arrangement: .stacked, showValues: true)
        let barDocument = SVGXML.parse(try Chart.bar(bars).svg())
        XCTAssertEqual(barDocument.inside("series-1").filter { $0.name == "rect" }.count, 3)
        XCTAssertEqual(barDocument.inside("series-2").filter { $0.name == "rect" }.count, 3)
        XCTAssertTrue(barDocument.texts().contains("3.2")) // the first stack's total
        XCTAssertEqual(barDocument.inside("legend").filter { $0.name == "text" }.map(\.text), ["bias²", "variance"])
        XCTAssertThrowsError(
            try Chart.bar(BarChart(categories: ["a"], series: [BarSeries("s", values: [-1])], arrangement: .stacked))
                .svg())
        XCTAssertThrowsError(
            try Chart.bar(BarChart(categories: ["a", "b"], series: [BarSeries("s", values: [1])])).svg())
    }
}
