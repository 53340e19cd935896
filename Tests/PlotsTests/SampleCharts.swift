import Foundation

@testable import Plots

/// Charts with fixed, simple data for the renderer tests and snapshots.
enum SampleCharts {
    static let steps = Array(stride(from: 0.0, through: 400, by: 10))

    /// Three runs as in notes 003's initialization experiment: one trains,
    /// one stalls, one diverges (NaN from step 300).
    static var training: LineChart {
        var diverging = steps.map { 2.3 * pow(1.02, $0) }
        for index in 30..<diverging.count { diverging[index] = .nan }
        return LineChart(
            title: "Training loss", x: Axis("step"), y: Axis("train_loss", scale: .log),
            series: [
                Series("c=1", x: steps, y: steps.map { 2.3 * pow(0.999, $0) }),
                Series("c=2", x: steps, y: steps.map { 2.3 * pow(0.985, $0) }),
                Series("c=3", x: steps, y: diverging),
            ], markers: [.point(400, 2.3 * pow(0.985, 400), label: "min"), .vertical(at: 200, label: "p = n")])
    }

    /// A U-shaped curve on a linear axis, one series.
    static var uCurve: LineChart {
        let degrees = Array(stride(from: 1.0, through: 12, by: 1))
        let risk = degrees.map { 4 / $0 + 0.08 * $0 * $0 / 4 + 0.5 }
        return LineChart(
            title: "Test risk", x: Axis("degree"), y: Axis("risk"), series: [Series("risk", x: degrees, y: risk)],
            markers: [
                .point(5, 4.0 / 5 + 0.08 * 25 / 4 + 0.5, label: "minimum"), .horizontal(at: 0.5, label: "Bayes error"),
            ])
    }

    static var heatmap: Heatmap {
        var grid: [[Double]] = []
        for row in 0..<24 {
            grid.append(
                (0..<32).map { column in
                    let x = -2 + 4 * (Double(column) + 0.5) / 32
                    let y = -1.5 + 3 * (Double(row) + 0.5) / 24
                    return 1 / (1 + exp(-3 * (x * x + y * y - 1.2)))
                })
        }
        let angles = (0..<12).map { Double($0) * Double.pi / 6 }
        return Heatmap(
            title: "Decision regions", x: Axis("x1"), y: Axis("x2"), xRange: -2...2, yRange: -1.5...1.5,
            values: grid, colormap: .blueRed, valueLabel: "p(outer)", valueRange: 0...1,
            points: [
                PointGroup("inner", points: angles.map { Point(0.5 * cos($0), 0.5 * sin($0)) }, value: 0),
                PointGroup("outer", points: angles.map { Point(1.6 * cos($0 + 0.2), 1.2 * sin($0 + 0.2)) }, value: 1),
            ])
    }

    /// Per-layer values with spreads growing by layer, from a fixed sequence.
    static var layerValues: [(String, [Double])] {
        (1...3).map { layer in
            let values = (0..<400).map { index -> Double in
                // A triangular distribution from two evenly spread uniforms.
                let u = Double(index % 20) / 20 + 0.025
                let v = Double(index / 20) / 20 + 0.025
                return (u + v - 1) * Double(layer)
            }
            return ("layer \(layer)", values)
        }
    }

    static var histogram: HistogramChart {
        try! HistogramChart(title: "Activations", x: Axis("activation"), values: layerValues, bins: 24)
    }

    static var stackedBars: BarChart {
        BarChart(
            title: "Risk by degree", categoryLabel: "degree", value: Axis("risk"), categories: ["1", "2", "3", "4"],
            series: [
                BarSeries("bias²", values: [3.1, 1.2, 0.4, 0.3]), BarSeries("variance", values: [0.2, 0.5, 1.0, 2.1]),
                BarSeries("Bayes", values: [1, 1, 1, 1]),
            ], arrangement: .stacked, showValues: true)
    }

    static var groupedBars: BarChart {
        BarChart(
            title: "Gradient norm", categoryLabel: "layer", value: Axis("norm"),
            categories: ["hidden 1", "hidden 2", "output"],
            series: [BarSeries("c=1", values: [0.3, 0.1, -0.05]), BarSeries("c=2", values: [1.0, 1.1, 0.9])],
            showValues: true)
    }

    static var all: [(String, Chart)] {
        [
            ("training", .line(training)), ("u-curve", .line(uCurve)), ("heatmap", .heatmap(heatmap)),
            ("histogram", .histogram(histogram)),
            (
                "histogram-overlaid",
                .histogram(
                    {
                        var h = histogram
                        h.layout = .overlaid
                        return h
                    }())
            ),
            ("stacked-bars", .bar(stackedBars)), ("grouped-bars", .bar(groupedBars)),
        ]
    }
}
