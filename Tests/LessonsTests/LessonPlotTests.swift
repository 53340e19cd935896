import Exact
import Foundation
import Plots
import Reference
import XCTest

@testable import Lessons

/// The `plot:` directive: bad input is a one-line error with its line, the
/// data drawn is the reference's (read back from the chart and compared with
/// values computed independently), and the chart fits the page.
final class LessonPlotTests: XCTestCase {
    /// A dropout lesson the cases below add plot lines to (line 8 is the first added).
    static let base =
        "title: T\nrun:\n  op: dropout\n  param p: 1/2\n  input x: 1, 2, 3\n  input mask: 1, 0, 1\nstep: S\n"

    func error(_ text: String) -> LessonFileError? {
        do {
            let lesson = try LessonParser.parse(text, id: "bad", file: "bad.lesson")
            _ = try LessonRun(lesson)
            return nil
        } catch let error as LessonFileError {
            return error
        } catch {
            XCTFail("not a LessonFileError: \(error)")
            return nil
        }
    }

    func testMalformedPlotsGiveLineAndReason() {
        let chart = "  plot: C\n  plot x: i = indices(x)\n"
        let cases: [(String, Int, String)] = [
            ("  text: t\n  plot x: i = x\n", 9, "belongs to the chart above it"),
            ("  plot:\n  plot curve: y = y\n", 8, "a plot needs a title"),
            ("  plot pie: C\n", 8, "unknown plot key \"plot pie\""),
            (chart + "  plot colour: red\n", 10, "unknown plot key \"plot colour\""),
            (chart + "  plot curve: y\n", 10, "\"label = expression\""),
            (chart + "  plot curve: y = (y\n", 10, "missing \")\""),
            (chart + "  plot curve: y = y\n  plot curve: y = x\n", 11, "already has a series \"y\""),
            (chart + "  plot x: j = x\n", 10, "already has an x: line"),
            (chart + "  plot curve: y = y\n  plot height: 2\n", 11, "from 4 to 40"),
            (chart + "  plot curve: y = y\n  plot min: z\n", 11, "\"z\" is not a series"),
            (chart + "  plot curve: y = y\n  plot hline: 0\n", 11, "\"label = expression\""),
            (chart, 8, "has no series"),
            ("  plot: C\n  plot curve: y = y\n", 8, "needs its x values"),
            ("  plot bars: C\n  plot categories: a, b, c\n  plot curve: y = y\n", 10, "are plot bar: lines"),
            (chart + "  plot bar: y = y\n", 10, "belongs to plot bars:"),
            ("  plot bars: C\n  plot bar: y = y\n", 8, "needs plot categories:"),
            ("  plot bars: C\n  plot categories: a, , c\n", 9, "comma-separated list"),
            ("  plot bars: C\n  plot y log: v\n  plot categories: a\n  plot bar: y = y\n", 8, "linear axes"),
            (
                "  plot bars: C\n  plot categories: a, b, c\n  plot bar: y = y\n  plot hline: h = 1\n", 11,
                "not a bar chart"
            ),
            (chart + "  plot sweep: nosuch.p = 0, 1/4\n", 10, "\"nosuch\" is not a run"),
            (chart + "  plot sweep: main.p = 1 to 1000\n", 10, "more than 64 values"),
            (chart + "  plot sweep: main.p = 5 to 1\n", 10, "whole numbers A ≤ B"),
            (chart + "  plot sweep: main.p = 0, half, 1/2\n", 10, "value 2"),
            (chart + "  plot sweep: main = 0, 1/2\n", 10, "RUN.PARAMETER"),
            (chart + "  plot sweep: main.p = 0\n  plot sweep: main.p = 1/4\n", 11, "at most one sweep"),
        ]
        for (tail, line, reason) in cases {
            guard let error = error(Self.base + tail) else {
                XCTFail("accepted:\n\(tail)")
                continue
            }
            XCTAssertEqual(error.line, line, "\(tail): \(error)")
            XCTAssertTrue(error.reason.contains(reason), "\(error) should say \(reason)")
            XCTAssertFalse(error.description.contains("\n"), "one line: \(error)")
        }
    }

    /// Values that cannot be drawn fail when the lesson is loaded, with the
    /// line of the series, rule or sweep at fault.
    func testPlotValuesAreCheckedAtLoad() {
        let chart = "  plot: C\n  plot x: i = indices(x)\n"
        let sweep = "  plot: C\n  plot sweep: main.p = 1/4, 1/2, 3/4\n  plot x: p\n"
        let cases: [(String, Int, String)] = [
            (chart + "  plot curve: v = nosuch\n", 10, "no step, input or parameter \"nosuch\""),
            (chart + "  plot curve: v = sum(y)\n", 10, "has 1 values, but the 3 x values need 3"),
            (chart + "  plot curve: v = y\n  plot hline: h = y\n", 11, "a rule is drawn at one"),
            ("  plot: C\n  plot x log: i = indices(x)\n  plot curve: v = y\n", 9, "a log axis needs x > 0"),
            ("  plot: C\n  plot x: i = x\n  plot y log: v\n  plot curve: v = y - 2\n", 11, "needs values > 0"),
            (sweep + "  plot curve: v = y\n", 11, "gives 3 values at p = 1/4"),
            (sweep + "  plot curve: v = sum(nosuch)\n", 11, "no step, input or parameter \"nosuch\""),
            (
                "  plot: C\n  plot sweep: main.q = 1/4, 1/2\n  plot x: q\n  plot curve: v = sum(y)\n", 9,
                "op dropout has no parameter \"q\""
            ),
            (
                "  plot: C\n  plot sweep: main.p = 1/4, 1\n  plot x: p\n  plot curve: v = sum(y)\n", 9,
                "run main at p = 1: parameter p = 1 must lie in [0, 1)"
            ),
            (
                "  plot stacked: C\n  plot categories: a, b, c\n  plot bar: v = y - 2\n", 10,
                "stacked bars add parts that are ≥ 0"
            ),
            (
                "  plot bars: C\n  plot categories: a, b\n  plot bar: v = y\n", 10,
                "has 3 values, but the 2 categories need 2"
            ),
            (
                chart
                    + "  plot curve: v = 2^64 * 2^64 * 2^64 * 2^64 * 2^64 * 2^64 * 2^64 * 2^64 * 2^64 * 2^64 * 2^64 * 2^64 * 2^64 * 2^64 * 2^64 * 2^64 * x\n",
                10, "beyond the largest double"
            ),
        ]
        for (tail, line, reason) in cases {
            guard let error = error(Self.base + tail) else {
                XCTFail("accepted:\n\(tail)")
                continue
            }
            XCTAssertEqual(error.line, line, "\(tail): \(error)")
            XCTAssertTrue(error.reason.contains(reason), "\(error) should say \(reason)")
            XCTAssertFalse(error.description.contains("\n"), "one line: \(error)")
        }
    }

    /// A sweep re-runs the named run at each value: the chart holds, per
    /// value, what the op computes there; other runs and the x default to
    /// the swept values.
    func testSweepDrawsOneValuePerRun() throws {
        let text =
            Self.base
            + "  plot: Sum of y against p\n  plot sweep: main.p = 1/4, 1/2, 3/4\n  plot x: p\n  plot curve: Σy = sum(y)\n  plot line: Σx = sum(main.x)\n  plot hline: Σy at p = 1/2 = sum(y)\n"
        let run = try LessonRun(try LessonParser.parse(text, id: "s", file: "s.lesson"))
        guard case .line(let chart) = try XCTUnwrap(run.charts[ChartPlace(step: 0, block: 0)]) else {
            return XCTFail("not a line chart")
        }
        // Inverted dropout: y = x·mask/(1 − p), so Σy = 4/(1 − p).
        XCTAssertEqual(chart.series[0].points.map(\.x), [0.25, 0.5, 0.75])
        XCTAssertEqual(chart.series[0].points.map(\.y), [4 / 0.75, 8, 16])
        XCTAssertEqual(chart.series[1].points.map(\.y), [6, 6, 6])
        // A rule reads the runs as written (p = 1/2).
        XCTAssertEqual(chart.markers.map(\.kind), [.horizontalLine(y: 8)])
    }

    // MARK: - Drawing

    /// Every chart fits the page at the narrowest and a wide width, in ASCII
    /// and in Unicode; colour adds escape codes only with colour on.
    func testChartsFitTheWidthInEveryStyle() throws {
        for run in repositoryLessons where !run.charts.isEmpty {
            for width in [RenderOptions.minimumWidth, 80, 132] {
                for unicode in [false, true] {
                    let renderer = LessonRenderer(run, options: RenderOptions(unicode: unicode, width: width))
                    for (place, title, _) in run.orderedCharts {
                        guard case .plot(let plot) = run.lesson.steps[place.step].blocks[place.block] else {
                            return XCTFail("no plot at \(place)")
                        }
                        let text = try renderer.chartText(plot, at: place)
                        for line in text.components(separatedBy: "\n") where line.count > width {
                            XCTFail("\(run.lesson.id) \"\(title)\" at \(width): \(line.count) columns:\n\(line)")
                        }
                        if !unicode { XCTAssertTrue(text.allSatisfy(\.isASCII), "\(run.lesson.id) \(title)") }
                        XCTAssertFalse(text.contains("\u{1B}"))
                    }
                }
            }
            let colored = LessonRenderer(run, options: RenderOptions(unicode: true, color: true))
            let (place, _, _) = run.orderedCharts[0]
            guard case .plot(let plot) = run.lesson.steps[place.step].blocks[place.block] else { continue }
            XCTAssertTrue(try colored.chartText(plot, at: place).contains("\u{1B}[38;5;"), run.lesson.id)
            var trueColor = colored.options
            trueColor.trueColor = true
            XCTAssertTrue(try colored.with(trueColor).chartText(plot, at: place).contains("\u{1B}[38;2;"))
        }
    }
}
