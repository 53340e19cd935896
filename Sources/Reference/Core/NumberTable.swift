import Exact

/// A table of numbers read from CSV text, cells kept exact: rows of comma-,
/// semicolon-, tab- or space-separated cells; blank lines and lines starting
/// with `#` are skipped; a first row with no number in it is a header.
/// Cells are parsed from their raw text (never through a float), so a fit
/// uses the data exactly as written.
///
/// Not a CSV library: these are numeric tables as data sets are published
/// (NIST's .dat files separate columns by runs of spaces, others by
/// semicolons or tabs), with no quoting; a CSV library (SwiftCSV, CSV.swift)
/// splits on one delimiter and would reject them. What matters for
/// exactness — the raw text of each cell — any reader would give.
public struct NumberTable: Sendable {
    public let rows: [[Rational]]

    /// Reads `text`; `source` names the file in errors ("--design X.csv").
    /// A bad cell is named by row and column (1-based, counting the header).
    public init(csv text: String, source: String) throws {
        var rows: [[Rational]] = []
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (lineIndex, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: " \t")
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let cells = trimmed.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "\t" || $0 == " " })
            let parsed = cells.map { try? Rational(parsing: String($0)) }
            if rows.isEmpty && parsed.allSatisfy({ $0 == nil }) { continue } // header
            var row: [Rational] = []
            for (column, value) in parsed.enumerated() {
                guard let value else {
                    throw ReferenceError(
                        "\(source): row \(lineIndex + 1), column \(column + 1): \(quotedInput(cells[column])) is not a number (integers, decimals, p/q or hex floats)"
                    )
                }
                row.append(value)
            }
            if let first = rows.first, first.count != row.count {
                throw ReferenceError(
                    "\(source): row \(lineIndex + 1) has \(row.count) cells but earlier rows have \(first.count)")
            }
            rows.append(row)
            try WorkLimits.check(
                rows.count * row.count, limit: WorkLimits.caseValues, "\(source): values")
        }
        guard !rows.isEmpty else { throw ReferenceError("\(source): no data rows") }
        self.rows = rows
    }

    /// The table as an n × p matrix.
    public var matrix: Tensor<Rational> {
        Tensor(shape: [rows.count, rows[0].count], values: rows.flatMap { $0 })
    }

    /// One column (or one row) of values; more than one of each is an error.
    public func vector(source: String) throws -> Tensor<Rational> {
        if rows.count == 1 { return Tensor(vector: rows[0]) }
        guard rows.allSatisfy({ $0.count == 1 }) else {
            throw ReferenceError("\(source): give one column (or one row) of values; found \(rows[0].count) columns")
        }
        return Tensor(vector: rows.map { $0[0] })
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return slice
    }
}
