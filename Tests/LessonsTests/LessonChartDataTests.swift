import Exact
import Foundation
import Plots
import Reference
import XCTest

@testable import Lessons

/// The charts of the lessons hold the reference's values: each series is
/// read back from the chart and compared with the op's exact outputs,
/// computed here from a case written out independently of the lesson file.
final class LessonChartDataTests: XCTestCase {
    func chart(_ id: String, step: Int, _ title: String) throws -> (LessonRun, Chart) {
        let run = try XCTUnwrap(repositoryLessons.first { $0.lesson.id == id }, "no lesson \(id)")
        let entry = try XCTUnwrap(
            run.orderedCharts.first { $0.place.step == step - 1 && $0.title == title },
            "no chart \"\(title)\" in step \(step) of \(id): \(run.orderedCharts.map(\.title))")
        return (run, entry.chart)
    }

    func lineSeries(_ chart: Chart, _ name: String) throws -> [Point] {
        guard case .line(let line) = chart else { throw XCTSkip("not a line chart") }
        return try XCTUnwrap(line.series.first { $0.name == name }, "no series \(name)").points
    }

    /// The bagging world of the lessons, written out here: x ∈ {−1, 0, 1, 2}
    /// uniform, f = x², noise ±1, n = 3 draws, a line.
    static func worldCase(op: String, models: Int? = nil) -> CaseInput {
        var input = CaseInput(op: op)
        input.setInput("x", Tensor(vector: [-1, 0, 1, 2].map { Rational($0) }))
        input.setInput("x_probs", Tensor(vector: Array(repeating: Rational(1) / Rational(4), count: 4)))
        input.setInput("target", Tensor(vector: [1, 0, 1, 4].map { Rational($0) }))
        input.setInput("noise", Tensor(vector: [Rational(-1), Rational(1)]))
        input.setInput("noise_probs", Tensor(vector: [Rational(1) / Rational(2), Rational(1) / Rational(2)]))
        input.setParam("n", "3")
        input.setParam("degree", "1")
        input.setParam("alpha", "0")
        if let models { input.setParam("models", "\(models)") }
        return input
    }

    /// The op's exact outputs, by name (each a scalar).
    static func exactOutputs(_ input: CaseInput, _ names: String...) throws -> [Surd] {
        let operation = try XCTUnwrap(ReferenceOperations.named(input.op))
        let trace = try operation.run(input, as: Surd.self)
        return try names.map { try XCTUnwrap(trace.step($0)?.tensor.values.first, "\(input.op) has no \($0)") }
    }

    /// Bagging, M = 1…20: every point of every curve is the bagging (or
    /// bias-variance) op's exact value for that M, correctly rounded.
    func testBaggingChartsHoldTheReferenceValues() throws {
        let plain = Self.worldCase(op: "bias-variance")
        let plainOutputs = try Self.exactOutputs(plain, "bias2", "variance")
        let (plainBias, plainVariance) = (plainOutputs[0], plainOutputs[1])
        var oneSum = Surd(0)

        let (_, perM) = try chart("bagging", step: 2, "Bias² and variance of a bag of M bootstrap models")
        let (_, factor) = try chart("bagging", step: 3, "Bias² + variance against M")
        let bias = try lineSeries(perM, "bias²")
        let variance = try lineSeries(perM, "variance")
        let bag = try lineSeries(factor, "bag of M bootstrap models")
        let independent = try lineSeries(factor, "M fits to independent data sets")
        let notes = try lineSeries(factor, "notes: one bootstrap model / M")
        XCTAssertEqual(bias.map(\.x), (1...20).map(Double.init))
        for (index, m) in (1...20).enumerated() {
            let outputs = try Self.exactOutputs(Self.worldCase(op: "bagging", models: m), "bias2", "variance")
            let (exactBias, exactVariance) = (outputs[0], outputs[1])
            if m == 1 { oneSum = exactBias + exactVariance }
            XCTAssertEqual(bias[index].y, exactBias.doubleValue, "bias² at M = \(m)")
            XCTAssertEqual(variance[index].y, exactVariance.doubleValue, "variance at M = \(m)")
            XCTAssertEqual(bag[index].y, (exactBias + exactVariance).doubleValue, "bag at M = \(m)")
            XCTAssertEqual(
                independent[index].y, (plainBias + plainVariance * Surd(Rational(1) / Rational(m))).doubleValue)
            XCTAssertEqual(notes[index].y, (oneSum * Surd(Rational(1) / Rational(m))).doubleValue)
            XCTAssertEqual(bag[index].x, Double(m))
        }
        // What the lesson's prose says of these curves: bias² is flat, the
        // variance falls, and a bag of two beats the plain fit's sum.
        XCTAssertEqual(Set(bias.map(\.y)).count, 1)
        XCTAssertTrue(zip(variance, variance.dropFirst()).allSatisfy { $0.y > $1.y })
        XCTAssertGreaterThan(bag[0].y, (plainBias + plainVariance).doubleValue)
        XCTAssertLessThan(bag[1].y, (plainBias + plainVariance).doubleValue)
        // The rules: the plain fit's sum, and the floor Var_D m_D.
        guard case .line(let factorChart) = factor, case .line(let perMChart) = perM else { return }
        XCTAssertEqual(factorChart.markers.map(\.kind), [.horizontalLine(y: (plainBias + plainVariance).doubleValue)])
        let two = Self.worldCase(op: "bagging", models: 2)
        let twoOutputs = try Self.exactOutputs(two, "variance", "variance_removed")
        let floor = twoOutputs[0] - twoOutputs[1]
        XCTAssertEqual(perMChart.markers.map(\.kind), [.horizontalLine(y: floor.doubleValue)])
    }

    /// Layer norm: the bars are the examples' norms before (√Σx², from the
    /// integers of the input) and after (√D = 2 with ε = 0); the curve over
    /// scales is √(Dσ²/(σ² + ε)) with σ² = 5c² for the scale c.
    func testLayerNormChartsHoldTheReferenceValues() throws {
        let (_, bars) = try chart("layernorm-norms", step: 3, "Norm of each example, before and after layer norm")
        guard case .bar(let barChart) = bars else { return XCTFail("not a bar chart") }
        let rows: [[Double]] = [[1, 3, 2, 6], [4, 12, 8, 24], [11, 13, 12, 16], [-4, 0, 4, 0]]
        XCTAssertEqual(barChart.categories, ["x_0", "x_1", "x_2", "x_3"])
        XCTAssertEqual(barChart.series[0].values, rows.map { $0.map { $0 * $0 }.reduce(0, +).squareRoot() })
        XCTAssertEqual(barChart.series[1].values, [2, 2, 2, 2])

        let (_, curve) = try chart("layernorm-norms", step: 5, "Norm after layer norm against norm before, ε = 1e-5")
        let points = try lineSeries(curve, "‖x̂_i‖")
        XCTAssertEqual(points.count, 17)
        let eps = try Rational(exactly: 1e-5)
        for (index, k) in (-14...2).enumerated() {
            let c = k < 0 ? Rational(1) / Rational(1 << -k) : Rational(1 << k)
            let variance = Rational(5) * c * c
            // ‖x‖² = 20c² exactly; ‖x̂‖² = 4σ²/(σ² + ε).
            XCTAssertEqual(points[index].x, try Surd(Rational(20) * c * c).checkedSquareRoot().doubleValue)
            XCTAssertEqual(
                points[index].y, try Surd(Rational(4) * variance / (variance + eps)).checkedSquareRoot().doubleValue,
                "scale 2^\(k)")
        }
        guard case .line(let line) = curve else { return }
        XCTAssertEqual(line.x.scale, .log)
        XCTAssertEqual(
            line.markers.map(\.kind),
            [.horizontalLine(y: 2), .verticalLine(x: try Surd(Rational(4) * eps).checkedSquareRoot().doubleValue)])
    }

    /// A page draws its chart where the lesson puts it: after the text above
    /// it and before the text below.
    func testChartsSitInTheirPlaceOnThePage() throws {
        let run = try XCTUnwrap(repositoryLessons.first { $0.lesson.id == "layernorm-norms" })
        let page = try LessonRenderer(run, options: .plain).page(0)
        let title = try XCTUnwrap(page.range(of: "The examples, feature by feature"))
        let before = try XCTUnwrap(page.range(of: "Drawn feature by feature:"))
        let after = try XCTUnwrap(page.range(of: "Their norms"))
        XCTAssertLessThan(before.lowerBound, title.lowerBound)
        XCTAssertLessThan(title.lowerBound, after.lowerBound)
    }
}
