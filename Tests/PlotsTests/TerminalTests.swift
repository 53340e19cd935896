import Foundation
import XCTest

@testable import Plots

/// Terminal renderings against reviewed snapshots, and the rules every
/// rendering keeps: it fits its width, and a width too small is refused
/// with the width that would do.
final class TerminalTests: XCTestCase {
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Snapshots")

    /// Compares with Snapshots/NAME.txt; NORMLAB_UPDATE_SNAPSHOTS=1 rewrites
    /// the file (then review it and commit it).
    func assertSnapshot(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = Self.snapshots.appendingPathComponent(name + ".txt")
        if ProcessInfo.processInfo.environment["NORMLAB_UPDATE_SNAPSHOTS"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        if expected != text {
            let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let b = text.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
            XCTFail(
                "\(name): differs from the snapshot at line \(first + 1):\n  snapshot: \(first < a.count ? String(a[first]) : "(end)")\n  now:      \(first < b.count ? String(b[first]) : "(end)")",
                file: file, line: line)
        }
    }

    func testPlainSnapshots() throws {
        for (name, chart) in SampleCharts.all {
            try assertSnapshot(try TerminalRenderer.render(chart, options: .plain(width: 72)), name + ".plain")
        }
    }

    func testUnicodeSnapshots() throws {
        for (name, chart) in SampleCharts.all {
            try assertSnapshot(
                try TerminalRenderer.render(chart, options: TerminalOptions(width: 80)), name + ".unicode")
        }
    }

    func testColourSnapshots() throws {
        for (name, chart) in SampleCharts.all {
            let text = try TerminalRenderer.render(chart, options: TerminalOptions(width: 80, color: .ansi256))
            XCTAssertTrue(text.contains("\u{1B}[38;5;"), "\(name) has no colour codes")
            try assertSnapshot(text, name + ".ansi256")
        }
        // 24-bit codes carry the chart's colours themselves: tab10's blue.
        let trueColor = try TerminalRenderer.render(
            .line(SampleCharts.training), options: TerminalOptions(width: 80, color: .trueColor))
        XCTAssertTrue(trueColor.contains("\u{1B}[38;2;31;119;180m"))
    }

    func testPlainMeansASCIIWithoutEscapes() throws {
        for (name, chart) in SampleCharts.all {
            let text = try TerminalRenderer.render(chart, options: .plain(width: 72))
            let foreign = text.unicodeScalars.filter { !$0.isASCII }
            // Only the chart's own labels (bias², x₁) may bring other characters.
            let allowed = Set("²".unicodeScalars)
            XCTAssertTrue(
                foreign.allSatisfy { allowed.contains($0) }, "\(name): \(String(String.UnicodeScalarView(foreign)))")
            XCTAssertFalse(text.contains("\u{1B}"), name)
        }
    }

    func visibleWidth(_ line: Substring) -> Int {
        var count = 0
        var escape = false
        for character in line {
            if escape {
                if character == "m" { escape = false }
            } else if character == "\u{1B}" {
                escape = true
            } else {
                count += 1
            }
        }
        return count
    }

    func testEveryRenderingFitsItsWidth() throws {
        for (name, chart) in SampleCharts.all {
            for width in [44, 57, 80, 123, 200] {
                for options in [
                    TerminalOptions.plain(width: width), TerminalOptions(width: width),
                    TerminalOptions(width: width, color: .trueColor),
                ] {
                    let text = try TerminalRenderer.render(chart, options: options)
                    for line in text.split(separator: "\n") {
                        XCTAssertLessThanOrEqual(visibleWidth(line), width, "\(name) at \(width): \(line)")
                    }
                }
            }
        }
    }

    func testTooNarrowNamesTheWidthThatWouldDo() throws {
        for (name, chart) in SampleCharts.all {
            var needed = 0
            XCTAssertThrowsError(try TerminalRenderer.render(chart, options: .plain(width: 12))) { error in
                guard let plot = error as? PlotError, case .width(let columns) = plot.subject else {
                    return XCTFail("\(name): \(error)")
                }
                XCTAssertTrue(plot.message.hasPrefix("width 12 is below the \(columns) columns"), plot.message)
                needed = columns
            }
            // The width it names is exactly enough.
            XCTAssertNoThrow(try TerminalRenderer.render(chart, options: .plain(width: needed)), name)
            XCTAssertThrowsError(try TerminalRenderer.render(chart, options: .plain(width: needed - 1)), name)
        }
    }

    func testDegenerateDataDrawsSomething() throws {
        // One point; a constant series; all in braille and ASCII.
        for series in [Series("one", x: [3], y: [7]), Series("flat", x: [0, 1, 2, 3], y: [2, 2, 2, 2])] {
            for options in [TerminalOptions.plain(width: 60), TerminalOptions(width: 60)] {
                let text = try TerminalRenderer.render(.line(LineChart(series: [series])), options: options)
                let plot = text.split(separator: "\n").filter { $0.contains("|") || $0.contains("│") }
                let marks = plot.joined().filter { $0 == "*" || ("\u{2801}"..."\u{28FF}").contains($0) }
                XCTAssertFalse(marks.isEmpty, "\(series.name): nothing drawn\n\(text)")
            }
        }
        let flat = try TerminalRenderer.render(
            .line(LineChart(series: [Series("flat", x: [0, 1, 2, 3], y: [2, 2, 2, 2])])), options: .plain(width: 60))
        // The constant sits on a labelled tick: "2.0+***" or "2.00+***".
        let row = try XCTUnwrap(flat.split(separator: "\n").first { $0.contains("+*") })
        XCTAssertNotNil(row.range(of: "^ *2\\.00?\\+\\*", options: .regularExpression), flat)
    }
}
