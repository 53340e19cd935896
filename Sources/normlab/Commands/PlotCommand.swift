import ArgumentParser
import Foundation
import OrderedJSON
import Plots

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `normlab plot FILE`: curves from a JSON-lines file (what `normlab simulate
/// --metrics` writes, or any file of JSON objects with numeric fields), in
/// the terminal or as an SVG file.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw curves from a JSON-lines metrics file, in the terminal or as SVG.",
        discussion: """
            Each non-blank line of FILE is one JSON object. --y names the fields to draw against --x \
            (default: step, else the record's number), one curve per field and per value of --by \
            (default: run, when every line has one; --by none draws one curve per field). A field may be \
            nested: layers.act_std draws one curve per element of the layers array (named layers[1].act_std, \
            layers[2].act_std, …); layers[2].grad_norm picks the second element (elements count from 1). \
            null means "not logged here"; the strings "NaN", "inf" and "-inf" are values, and a curve that \
            meets one stops there with a mark and a note. When --x itself fans out (--x layers.layer), each \
            line gives one curve along the array, a profile: --x layers.layer --y layers.act_std --where \
            step=0 draws activation scale against depth at initialization, one curve per run. The terminal chart fits the terminal's width \
            (--width sets it); --plain or NO_COLOR draws plain ASCII. --svg writes an SVG 1.1 file instead.
            """
    )

    @Argument(help: "The JSON-lines file, e.g. metrics.jsonl from normlab simulate --metrics.")
    var file: String

    @Option(help: "The field along the x axis (default: step if the file has it, else the line's record number).")
    var x: String?

    @Option(
        help:
            "Fields to draw, comma-separated, e.g. train_loss,test_loss or layers.act_std (default: every top-level numeric field)."
    )
    var y: String?

    @Option(help: "One curve per value of this field (default: run when every line has it; none for no grouping).")
    var by: String?

    @Option(help: "Only lines where FIELD equals VALUE, e.g. step=0 (a profile at one step) or run=c=2.")
    var `where`: String?

    @Flag(help: "Log scale on the y axis (every drawn value must be positive).")
    var logY = false

    @Flag(help: "Log scale on the x axis.")
    var logX = false

    @Option(help: "Fix the y axis to LOW,HIGH (values outside are clipped), e.g. 0,1.")
    var yLimits: String?

    @Flag(help: "Mark each curve's minimum.")
    var markMin = false

    @Option(help: "Write the chart as an SVG file instead of drawing it in the terminal.")
    var svg: String?

    @Option(help: "SVG size in pixels, WIDTHxHEIGHT (default 640x480).")
    var size: String?

    @Option(help: "The chart's title (default: the file's name).")
    var title: String?

    @Option(help: "Columns for the terminal chart (default: the terminal's width, 80 when not on a terminal).")
    var width: Int?

    @Option(help: "Rows of the terminal chart's plot area (default: from the width).")
    var height: Int?

    @Flag(help: "Plain ASCII without colour (also when NO_COLOR is set).")
    var plain = false

    /// Option errors are one line on stderr (InputError, from run(): errors
    /// thrown by validate() come back wrapped with usage text).
    func checkOptions() throws {
        if let height, height < 3 { throw InputError("--height \(height) must be at least 3 rows") }
        if let width, width < 1 { throw InputError("--width \(width) must be a positive number of columns") }
        if size != nil && svg == nil { throw InputError("--size sets the SVG's size; it needs --svg FILE") }
        _ = try svgOptions()
        _ = try yRange()
    }

    func yRange() throws -> ClosedRange<Double>? {
        guard let text = yLimits else { return nil }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map {
            Double($0.trimmingCharacters(in: .whitespaces))
        }
        guard parts.count == 2, let low = parts[0], let high = parts[1], low.isFinite, high.isFinite, low < high else {
            throw InputError("--y-limits \(text) must be LOW,HIGH with finite LOW < HIGH, e.g. 0,1")
        }
        if logY && low <= 0 {
            throw InputError("--y-limits \(text): a log scale needs values > 0, and LOW is \(parts[0]!)")
        }
        return low...high
    }

    func svgOptions() throws -> SVGOptions {
        guard let size else { return SVGOptions() }
        let parts = size.lowercased().split(separator: "x")
        guard parts.count == 2, let w = Double(parts[0]), let h = Double(parts[1]), w >= 200, h >= 150,
            w <= 10_000, h <= 10_000
        else {
            throw InputError("--size \(size) must be WIDTHxHEIGHT in pixels, from 200x150 to 10000x10000")
        }
        return SVGOptions(width: w, height: h)
    }

    func run() throws {
        try checkOptions()
        let metrics = try MetricsFile(path: file)
        let chart = try MetricsChart(metrics: metrics, command: self).chart()
        do {
            if let svg {
                let text = try Chart.line(chart).svg(try svgOptions())
                try write(text, to: svg)
                let options = try svgOptions()
                print(
                    "wrote \(svg) (\(chart.series.count) curve\(chart.series.count == 1 ? "" : "s"), \(Int(options.width))×\(Int(options.height ?? 480)))"
                )
            } else {
                print(try TerminalRenderer.render(.line(chart), options: terminalOptions()), terminator: "")
            }
        } catch let error as PlotError {
            throw InputError(message(for: error))
        }
    }

    /// A chart's rule, said in terms of this command's options.
    func message(for error: PlotError) -> String {
        switch error.subject {
        case .width:
            return width != nil
                ? "--" + error.message
                : "the terminal's " + error.message + "; widen the terminal or give --width N"
        case .logScale: return (logY ? "--log-y: " : "--log-x: ") + error.message
        case .size: return "--size: " + error.message
        case .data: return "\(file): " + error.message
        }
    }

    func terminalOptions() -> TerminalOptions {
        let environment = ProcessInfo.processInfo.environment
        let onTerminal = isatty(STDOUT_FILENO) == 1
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let locale = environment["LC_ALL"] ?? environment["LC_CTYPE"] ?? environment["LANG"] ?? ""
        let utf8 = locale.lowercased().contains("utf-8") || locale.lowercased().contains("utf8")
        let fancy = !plain && !noColor && environment["TERM"] != "dumb"
        let trueColor = ["truecolor", "24bit"].contains(environment["COLORTERM"]?.lowercased() ?? "")
        return TerminalOptions(
            width: width ?? (onTerminal ? terminalWidth() : 80), plotRows: height, unicode: fancy && utf8,
            color: fancy && onTerminal ? (trueColor ? .trueColor : .ansi256) : .none)
    }

    /// Writes through open(2) so that a failure says why (strerror).
    func write(_ text: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw InputError("--svg \(path): cannot write the file (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                Platform.write(descriptor, $0.baseAddress! + offset, $0.count - offset)
            }
            guard written > 0 else {
                throw InputError("--svg \(path): writing the file failed (\(String(cString: strerror(errno))))")
            }
            offset += written
        }
    }
}
