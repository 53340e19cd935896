import Foundation
import OrderedJSON
import Plots

/// A metrics file and `normlab plot`'s options → a line chart: which fields,
/// which curves, every value checked where it is read (with its line).
struct MetricsChart {
    let metrics: MetricsFile
    let command: PlotCommand

    /// The default grouping field, when every record has it.
    static let defaultGroup = "run"
    static let defaultX = "step"

    /// One curve being collected.
    struct Curve {
        let group: String?
        let field: String
        /// The record a profile curve comes from (nil: curves over records).
        let record: Int?
        var points: [Point] = []
    }

    func chart() throws -> LineChart {
        let xPath: FieldPath? =
            try command.x.map { try parse($0, option: "--x") }
            ?? (metrics.fieldNames.contains(MetricsChart.defaultX) ? try FieldPath(MetricsChart.defaultX) : nil)
        let filter = try command.where.map(parseCondition)
        let records = try metrics.records.filter { record in try filter.map { try matches(record, $0) } ?? true }
        guard !records.isEmpty else {
            throw InputError("--where \(command.where ?? ""): no line of \(metrics.path) matches")
        }
        let groupPath: FieldPath?
        switch command.by {
        case "none"?: groupPath = nil
        case let field?: groupPath = try parse(field, option: "--by")
        case nil:
            groupPath =
                records.allSatisfy { $0.value[MetricsChart.defaultGroup] != nil }
                ? try FieldPath(MetricsChart.defaultGroup) : nil
        }
        let yPaths: [FieldPath]
        if let y = command.y {
            yPaths = try y.split(separator: ",", omittingEmptySubsequences: false).map {
                try parse(String($0).trimmingCharacters(in: .whitespaces), option: "--y")
            }
        } else {
            let excluded = Set([xPath?.text, groupPath?.text].compactMap { $0 })
            let names = metrics.numericFieldNames.filter { !excluded.contains($0) }
            guard !names.isEmpty else {
                throw InputError(
                    "\(metrics.path): no top-level numeric field to draw (fields: \(metrics.fieldNames.joined(separator: ", "))); name one with --y"
                )
            }
            yPaths = try names.map(FieldPath.init)
        }
        if let xPath { try checkPresent(xPath, option: "--x") }
        if let groupPath { try checkPresent(groupPath, option: "--by") }
        for path in yPaths { try checkPresent(path, option: "--y") }

        // A profile: x fans out over an array (layers.layer), and each
        // record gives one curve along it.
        let profile = xPath.map { path in records.contains { path.values(in: $0.value).count > 1 } } ?? false
        var order: [String] = []
        var curves: [String: Curve] = [:]
        func add(_ point: Point, group: String?, field: String, record: Int?) {
            let key = [group ?? "", field, record.map(String.init) ?? ""].joined(separator: "\u{0}")
            if curves[key] == nil {
                order.append(key)
                curves[key] = Curve(group: group, field: field, record: record)
            }
            curves[key]!.points.append(point)
        }
        for (ordinal, record) in records.enumerated() {
            let group = try groupLabel(record, groupPath)
            let xs: [Double?]
            if let xPath {
                xs = try xPath.values(in: record.value).map { name, value in
                    switch MetricsFile.reading(value) {
                    case .number(let number): return number.isFinite ? number : nil
                    case .missing: return nil
                    case .notNumeric(let kind):
                        throw InputError(
                            "--x \(name): line \(record.line) holds \(kind), not a number; --x takes a numeric field")
                    }
                }
                if xs.isEmpty { continue }
                if !profile && xs.count > 1 {
                    throw InputError(
                        "--x \(xPath): line \(record.line) reaches \(xs.count) values (an array); --x takes one number per line"
                    )
                }
            } else {
                xs = [Double(ordinal + 1)]
            }
            for path in yPaths {
                let values = path.values(in: record.value)
                if profile && !values.isEmpty && values.count != xs.count {
                    throw InputError(
                        "--y \(path): line \(record.line) has \(values.count) values and --x \(xPath!) has \(xs.count); a profile pairs them element by element"
                    )
                }
                for (index, (field, value)) in values.enumerated() {
                    let y: Double
                    switch MetricsFile.reading(value) {
                    case .number(let number): y = number
                    case .missing: continue
                    case .notNumeric(let kind):
                        throw InputError(
                            "--y \(field): line \(record.line) holds \(kind), not a number; --y takes numeric fields")
                    }
                    guard let x = profile ? xs[index] : xs[0] else { continue }
                    if command.logY && y.isFinite && y <= 0 {
                        throw InputError(
                            "--log-y: \(field) is \(NumberText.plain(y)) on line \(record.line); a log scale needs values > 0"
                        )
                    }
                    if command.logX && x <= 0 {
                        throw InputError(
                            "--log-x: \(xPath?.text ?? "the record number") is \(NumberText.plain(x)) on line \(record.line); a log scale needs values > 0"
                        )
                    }
                    add(
                        Point(x, y), group: group, field: profile ? path.text : field,
                        record: profile ? record.line : nil)
                }
            }
        }
        guard !order.isEmpty else {
            throw InputError(
                "\(metrics.path): no line has a number for \(yPaths.map(\.text).joined(separator: ", "))\(xPath.map { " together with \($0)" } ?? "")"
            )
        }
        return LineChart(
            title: command.title ?? (metrics.path as NSString).lastPathComponent,
            x: Axis(xPath?.text ?? "record", scale: command.logX ? .log : .linear),
            y: Axis(
                yPaths.map(\.text).joined(separator: ", "), scale: command.logY ? .log : .linear,
                limits: try command.yRange()),
            series: try seriesNames(order.map { curves[$0]! }, grouped: groupPath != nil, records: records).map {
                Series($0.1, points: $0.0.points)
            },
            markers: command.markMin ? minimumMarkers(order.map { curves[$0]! }) : [])
    }

    /// Curve names say only what tells curves apart: the group, the field
    /// when there are several, the step (or line) of a profile's record
    /// when a group has several.
    func seriesNames(_ curves: [Curve], grouped: Bool, records: [MetricsFile.Record]) throws -> [(Curve, String)] {
        let fields = Set(curves.map(\.field))
        let recordsPerGroup = Dictionary(grouping: curves.compactMap { c in c.record.map { (c.group ?? "", $0) } }) {
            $0.0
        }.mapValues { Set($0.map(\.1)).count }
        return curves.map { curve in
            var parts: [String] = []
            if let group = curve.group { parts.append(group) }
            if fields.count > 1 || (!grouped && curve.record == nil) { parts.append(curve.field) }
            if let line = curve.record, (recordsPerGroup[curve.group ?? ""] ?? 0) > 1 || parts.isEmpty {
                let step = records.first { $0.line == line }?.value[MetricsChart.defaultX]?.numberText
                parts.append(step.map { "step \($0)" } ?? "line \(line)")
            }
            return (curve, parts.joined(separator: " "))
        }
    }

    func minimumMarkers(_ curves: [Curve]) -> [Marker] {
        curves.enumerated().compactMap { index, curve in
            curve.points.filter { $0.y.isFinite }.min { $0.y < $1.y }.map {
                Marker.point($0.x, $0.y, label: "min \(NumberText.significant($0.y))", color: Palette.color(index))
            }
        }
    }

    func groupLabel(_ record: MetricsFile.Record, _ groupPath: FieldPath?) throws -> String? {
        guard let groupPath else { return nil }
        guard let value = groupPath.values(in: record.value).first?.1 else {
            throw InputError(
                "--by \(groupPath): line \(record.line) has no \(groupPath) field; every line needs one to be grouped by it (--by none draws without grouping)"
            )
        }
        switch value {
        case .string(let text): return text
        case .number(let text): return "\(groupPath)=\(text)"
        case .bool(let flag): return "\(groupPath)=\(flag)"
        default:
            throw InputError(
                "--by \(groupPath): line \(record.line) holds \(MetricsFile.kind(of: value)); --by takes a field holding a string or a number"
            )
        }
    }

    /// FIELD=VALUE: lines whose field equals the value (as text, or as a
    /// number when both are numbers).
    func parseCondition(_ text: String) throws -> (FieldPath, String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw InputError("--where \(text): must be FIELD=VALUE, e.g. step=0 or run=c=2")
        }
        let path = try parse(String(text[..<equals]), option: "--where")
        try checkPresent(path, option: "--where")
        return (path, String(text[text.index(after: equals)...]))
    }

    func matches(_ record: MetricsFile.Record, _ condition: (FieldPath, String)) throws -> Bool {
        guard let value = condition.0.values(in: record.value).first?.1 else { return false }
        switch value {
        case .string(let text): return text == condition.1
        case .number(let text):
            if let a = Double(text), let b = Double(condition.1) { return a == b }
            return text == condition.1
        case .bool(let flag): return String(flag) == condition.1
        default: return false
        }
    }

    func option(for path: FieldPath, x: FieldPath?, group: FieldPath?) -> String {
        if path == x { return "--x" }
        if path == group { return "--by" }
        return "--y"
    }

    func parse(_ text: String, option: String) throws -> FieldPath {
        do { return try FieldPath(text) } catch let error as FieldPathError {
            throw InputError("\(option) \(text): \(error.message)")
        }
    }

    /// A field no record has is a typo or the wrong file: say which fields exist.
    func checkPresent(_ path: FieldPath, option: String) throws {
        if metrics.records.contains(where: { !path.values(in: $0.value).isEmpty }) { return }
        // Walk as far as the records go, to name what lies there instead.
        var prefix: [FieldPath.Segment] = []
        var level: [JSONValue] = metrics.records.map(\.value)
        for segment in path.segments {
            var next: [JSONValue] = []
            for value in level {
                guard let member = value[segment.name] else { continue }
                if let index = segment.index {
                    if let items = member.arrayValue, index <= items.count { next.append(items[index - 1]) }
                } else if let items = member.arrayValue {
                    next += items
                } else {
                    next.append(member)
                }
            }
            if next.isEmpty {
                var names: [String] = []
                for value in level {
                    for (key, _) in value.objectValue ?? [] where !names.contains(key) { names.append(key) }
                }
                let place =
                    prefix.isEmpty
                    ? "no line of \(metrics.path) has this field"
                    : "no element under \(prefix.map { $0.name + ($0.index.map { "[\($0)]" } ?? "") }.joined(separator: ".")) has \(segment.name)\(segment.index.map { "[\($0)]" } ?? "")"
                let suggestion = MetricsChart.nearest(segment.name, in: names).map { "; did you mean \"\($0)\"?" } ?? ""
                throw InputError(
                    "\(option) \(path): \(place) (there: \(names.isEmpty ? "no fields" : names.joined(separator: ", ")))\(suggestion)"
                )
            }
            prefix.append(segment)
            level = next
        }
    }

    /// The name within two edits, if one is.
    static func nearest(_ name: String, in names: [String]) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var row = Array(0...b.count)
            for i in 1...max(a.count, 1) where !a.isEmpty {
                var previous = row[0]
                row[0] = i
                for j in 1...max(b.count, 1) where !b.isEmpty {
                    let saved = row[j]
                    row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                    previous = saved
                }
            }
            return row[b.count]
        }
        let scored = names.map { ($0, distance(Array(name), Array($0))) }.filter { $0.1 <= 2 }
        return scored.min { $0.1 < $1.1 }?.0
    }
}

enum NumberText {
    /// Four significant digits: "0.0005622", "23.2", "1.23e-7".
    static func significant(_ value: Double) -> String {
        String(format: "%.4g", value).replacingOccurrences(of: "e+", with: "e").replacingOccurrences(
            of: "e-0", with: "e-")
    }

    /// Integers without ".0", others in Swift's shortest round-trip form.
    static func plain(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
