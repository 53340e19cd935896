import Exact
import Plots
import Reference

/// Where a chart sits in a lesson: its step and its place among the step's
/// blocks, both 0-based.
public struct ChartPlace: Hashable, Sendable, Comparable {
    public let step: Int
    public let block: Int

    public init(step: Int, block: Int) {
        self.step = step
        self.block = block
    }

    public static func < (a: ChartPlace, b: ChartPlace) -> Bool { (a.step, a.block) < (b.step, b.block) }
}

extension LessonRun {
    /// Every chart of the lesson with its place and title, in the order the
    /// lesson shows them.
    public var orderedCharts: [(place: ChartPlace, title: String, chart: Chart)] {
        charts.keys.sorted().map { place in (place, charts[place]!.title, charts[place]!) }
    }

    /// The data of every `plot:` of the lesson, computed once: sweeps are run,
    /// series evaluated exactly and rounded correctly to doubles, and each
    /// chart drawn once at the narrowest width a lesson is shown at, so a
    /// chart that cannot be drawn fails at load with its line.
    func computeCharts(cases: [String: CaseInput], resolve: OperationResolver) throws -> [ChartPlace: Chart] {
        var charts: [ChartPlace: Chart] = [:]
        // Charts that sweep the same run over the same values share its runs.
        var sweeps: [String: [EvaluationContext<Surd>]] = [:]
        for (stepIndex, step) in lesson.steps.enumerated() {
            for (blockIndex, block) in step.blocks.enumerated() {
                guard case .plot(let plot) = block else { continue }
                var builder = ChartBuilder(run: self, plot: plot, step: stepIndex)
                if let sweep = plot.sweep {
                    let key = "\(sweep.run).\(sweep.parameter)=\(sweep.values.joined(separator: ","))"
                    if sweeps[key] == nil {
                        sweeps[key] = try builder.sweepContexts(
                            sweep, input: cases[sweep.run], operation: cases[sweep.run].flatMap { resolve($0.op) })
                    }
                    builder.sweepContexts = sweeps[key]
                }
                let chart = try builder.chart()
                do {
                    _ = try TerminalRenderer.render(
                        chart.asciiFolded,
                        options: .plain(
                            width: RenderOptions.minimumWidth, plotRows: plot.rows ?? LessonPlot.defaultRows))
                } catch let error as PlotError {
                    throw ValidationFailure(
                        step: stepIndex, line: plot.line,
                        message:
                            "the plot \"\(plot.title.clipped)\" cannot be drawn at \(RenderOptions.minimumWidth) columns: \(error.message)"
                    )
                }
                charts[ChartPlace(step: stepIndex, block: blockIndex)] = chart
            }
        }
        return charts
    }
}

/// Turns one `LessonPlot` into chart data over a lesson's traces.
private struct ChartBuilder {
    let run: LessonRun
    let plot: LessonPlot
    let step: Int
    /// With a sweep: the lesson's traces once per swept value.
    var sweepContexts: [EvaluationContext<Surd>]?

    func fail(_ line: Int, _ message: String) -> ValidationFailure {
        ValidationFailure(step: step, line: line, message: message)
    }

    /// The lesson's own traces; in a chart with a sweep, names without a run
    /// read the swept run.
    var baseContext: EvaluationContext<Surd> {
        var context = run.exactContext
        if let sweep = plot.sweep { context.defaultRun = sweep.run }
        return context
    }

    /// One context per swept value: the lesson's traces with the swept run
    /// computed again at that value (exactly; the chart draws exact values).
    func sweepContexts(
        _ sweep: LessonPlot.Sweep, input: CaseInput?, operation: (any ReferenceOperation.Type)?
    ) throws -> [EvaluationContext<Surd>] {
        guard var input, let index = run.runs.firstIndex(where: { $0.name == sweep.run }) else {
            throw fail(sweep.line, "plot sweep: there is no run \"\(sweep.run)\"")
        }
        guard let operation else {
            throw fail(sweep.line, "plot sweep: there is no op \"\(input.op)\"")
        }
        let base = run.exactContext
        var contexts: [EvaluationContext<Surd>] = []
        for value in sweep.values {
            input.setParam(sweep.parameter, value)
            let trace: Trace<Surd>
            do {
                trace = try operation.run(input.snappedToPrecision().input, as: Surd.self)
            } catch let error as ReferenceError {
                throw fail(
                    sweep.line, "plot sweep: run \(sweep.run) at \(sweep.parameter) = \(value): \(error.message)")
            } catch {
                throw fail(sweep.line, "plot sweep: run \(sweep.run) at \(sweep.parameter) = \(value): \(error)")
            }
            // A parameter the op does not take would leave every point the same.
            guard trace.params.contains(where: { $0.name == sweep.parameter }) else {
                throw fail(
                    sweep.line,
                    "plot sweep: op \(input.op) has no parameter \"\(sweep.parameter)\"; it has: \(trace.params.map(\.name).joined(separator: ", "))"
                )
            }
            var traces = base.traces
            traces[index] = (sweep.run, trace, input)
            contexts.append(EvaluationContext(traces: traces, defaultRun: sweep.run))
        }
        return contexts
    }

    /// The exact values of an expression as doubles (correctly rounded).
    func doubles(_ expression: Expression, source: String, line: Int, in context: EvaluationContext<Surd>) throws
        -> [Double]
    {
        let values: Values<Surd>
        do { values = try context.evaluate(expression) } catch let error as ExpressionError {
            throw fail(line, error.message)
        }
        return try values.items.map { value in
            let double = value.doubleValue
            guard double.isFinite else {
                throw fail(line, "\"\(source.clipped)\" has a value beyond the largest double; a chart cannot draw it")
            }
            return double
        }
    }

    /// One value per sweep point.
    func scalars(
        _ expression: Expression, source: String, line: Int, in contexts: [EvaluationContext<Surd>],
        sweep: LessonPlot.Sweep
    ) throws -> [Double] {
        try zip(contexts, sweep.values).map { context, value in
            let items = try doubles(expression, source: source, line: line, in: context)
            guard items.count == 1 else {
                throw fail(
                    line,
                    "\"\(source.clipped)\" gives \(items.count) values at \(sweep.parameter) = \(value); in a sweep each series gives one value per run"
                )
            }
            return items[0]
        }
    }

    func chart() throws -> Chart {
        var xs: [Double]?
        var ys: [[Double]] = []
        if let sweep = plot.sweep, let contexts = sweepContexts {
            if let x = plot.x {
                xs = try scalars(x.value, source: x.source, line: x.line, in: contexts, sweep: sweep)
            } else {
                xs = try sweep.values.map { text in
                    guard let value = try? LessonNumber.parse(text) else {
                        throw fail(sweep.line, "plot sweep: \"\(text.clipped)\" is not a number")
                    }
                    return Surd(value).doubleValue
                }
            }
            for series in plot.series {
                ys.append(
                    try scalars(series.value, source: series.source, line: series.line, in: contexts, sweep: sweep))
            }
        } else {
            let context = baseContext
            if let x = plot.x { xs = try doubles(x.value, source: x.source, line: x.line, in: context) }
            for series in plot.series {
                ys.append(try doubles(series.value, source: series.source, line: series.line, in: context))
            }
        }
        let count = xs?.count ?? plot.categories?.count ?? ys[0].count
        for (series, values) in zip(plot.series, ys) where values.count != count {
            let what = xs != nil ? "the \(count) x values" : "the \(count) categories"
            throw fail(
                series.line, "series \"\(series.label.clipped)\" has \(values.count) values, but \(what) need \(count)")
        }
        guard count >= 1 else { throw fail(plot.line, "the plot \"\(plot.title.clipped)\" has no points") }
        if plot.kind.drawsBars { return .bar(try barChart(xs: xs, ys: ys, count: count)) }
        return .line(try lineChart(xs: xs!, ys: ys))
    }

    func lineChart(xs: [Double], ys: [[Double]]) throws -> LineChart {
        if plot.xLog, let bad = xs.first(where: { $0 <= 0 }) {
            throw fail(
                plot.x?.line ?? plot.line, "plot x log: the x value \(bad) is not positive; a log axis needs x > 0")
        }
        var series: [Series] = []
        for (entry, values) in zip(plot.series, ys) {
            if plot.yLog, let index = values.firstIndex(where: { $0 <= 0 }) {
                throw fail(
                    entry.line,
                    "plot y log: series \"\(entry.label.clipped)\" is \(values[index]) at x = \(xs[index]); a log axis needs values > 0"
                )
            }
            let style: Series.Style
            switch entry.style {
            case .curve, .bar: style = .lineAndPoints
            case .line: style = .line
            case .points: style = .points
            }
            series.append(Series(entry.label, x: xs, y: values, style: style))
        }
        var markers: [Marker] = []
        let context = baseContext
        for mark in plot.marks {
            switch mark {
            case .extreme(let largest, let label, let name, _):
                let index = plot.series.firstIndex { $0.label == name }!
                let values = ys[index]
                let best = values.indices.min { largest ? values[$0] > values[$1] : values[$0] < values[$1] }!
                markers.append(.point(xs[best], values[best], label: label))
            case .rule(let vertical, let label, let expression, let source, let line):
                let values = try doubles(expression, source: source, line: line, in: context)
                guard values.count == 1 else {
                    throw fail(line, "\"\(source.clipped)\" gives \(values.count) values; a rule is drawn at one")
                }
                if vertical && plot.xLog && values[0] <= 0 || !vertical && plot.yLog && values[0] <= 0 {
                    throw fail(line, "the rule at \(values[0]) lies off a log axis, which holds positive values only")
                }
                markers.append(
                    vertical ? .vertical(at: values[0], label: label) : .horizontal(at: values[0], label: label))
            }
        }
        return LineChart(
            title: plot.title, x: Axis(plot.xLabel, scale: plot.xLog ? .log : .linear),
            y: Axis(plot.yLabel, scale: plot.yLog ? .log : .linear), series: series, markers: markers)
    }

    func barChart(xs: [Double]?, ys: [[Double]], count: Int) throws -> BarChart {
        let categories: [String]
        if let typed = plot.categories {
            categories = typed
        } else if plot.x == nil, let sweep = plot.sweep {
            categories = sweep.values
        } else {
            categories = (xs ?? []).map(NumberLabel.short)
        }
        if count > LessonPlot.maximumCategories {
            throw fail(
                plot.line,
                "the bar chart has \(count) categories; a chart shows at most \(LessonPlot.maximumCategories)")
        }
        if plot.kind == .stacked {
            for (entry, values) in zip(plot.series, ys) where values.contains(where: { $0 < 0 }) {
                throw fail(
                    entry.line,
                    "series \"\(entry.label.clipped)\" has a negative value; stacked bars add parts that are ≥ 0")
            }
        }
        return BarChart(
            title: plot.title, categoryLabel: plot.xLabel, value: Axis(plot.yLabel), categories: categories,
            series: zip(plot.series, ys).map { BarSeries($0.label, values: $1) },
            arrangement: plot.kind == .stacked ? .stacked : .grouped, showValues: true)
    }
}

/// A category named by a number: the shortest decimal that reads back.
private enum NumberLabel {
    static func short(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }
}

extension Chart {
    /// The chart with its words in ASCII (`--plain`, transcripts): titles,
    /// axis labels, series names, categories and marker labels.
    var asciiFolded: Chart { mapText(\.asciiFolded) }

    func mapText(_ transform: (String) -> String) -> Chart {
        switch self {
        case .line(var chart):
            chart.title = transform(chart.title)
            chart.x.label = transform(chart.x.label)
            chart.y.label = transform(chart.y.label)
            for index in chart.series.indices { chart.series[index].name = transform(chart.series[index].name) }
            for index in chart.markers.indices { chart.markers[index].label = transform(chart.markers[index].label) }
            chart.notes = chart.notes.map(transform)
            return .line(chart)
        case .bar(var chart):
            chart.title = transform(chart.title)
            chart.categoryLabel = transform(chart.categoryLabel)
            chart.value.label = transform(chart.value.label)
            chart.categories = chart.categories.map(transform)
            for index in chart.series.indices { chart.series[index].name = transform(chart.series[index].name) }
            return .bar(chart)
        case .heatmap, .histogram:
            return self
        }
    }
}
