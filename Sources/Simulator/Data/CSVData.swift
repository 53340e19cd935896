/// A user's data set from CSV text: one example per row, the last column the
/// target, the others the features. Cells are separated by commas (or
/// semicolons or tabs, one kind per file); a first row none of whose cells is a
/// number is a header and is skipped; blank lines are ignored. Numbers are
/// read as Swift reads a `Double` literal ("1", "-2.5", "1e-3").
///
/// The task: `classification` when every target is an integer in 0…99
/// (classes 0…max), else `regression` — unless the caller says which.
public enum CSVData {
    public static func parse(_ text: String, name: String, task forced: String? = nil) throws -> (Task, Examples) {
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        let separator: Character = text.contains(",") ? "," : text.contains(";") ? ";" : "\t"
        var rows: [[Double]] = []
        var width: Int? = nil
        var firstRow = 0
        for (index, rawLine) in lines.enumerated() {
            let line = rawLine.trimmingCharacters(in: " \r")
            if line.isEmpty { continue }
            let cells = line.split(separator: separator, omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: " \t\"")
            }
            let numbers = cells.map { Double($0) }
            if rows.isEmpty && width == nil && numbers.allSatisfy({ $0 == nil }) {
                width = cells.count // a header
                firstRow = index + 1
                continue
            }
            if let expected = width, cells.count != expected {
                throw SimulatorError(
                    "\(name): row \(index + 1) has \(cells.count) cells but row \(firstRow + 1) has \(expected); every row must have the same number of cells"
                )
            }
            width = cells.count
            if rows.isEmpty { firstRow = index }
            var row: [Double] = []
            for (column, cell) in cells.enumerated() {
                guard let value = numbers[column], value.isFinite else {
                    throw SimulatorError(
                        "\(name): row \(index + 1), column \(column + 1) is \"\(cell)\"; every cell must be a finite number"
                    )
                }
                row.append(value)
            }
            rows.append(row)
        }
        guard let columns = width, !rows.isEmpty else {
            throw SimulatorError("\(name) holds no data rows; a data set needs at least 2 examples")
        }
        guard columns >= 2 else {
            throw SimulatorError(
                "\(name) has \(columns) column; it needs at least one feature column and the target (last) column")
        }
        guard rows.count >= 2 else {
            throw SimulatorError("\(name) has \(rows.count) data row; a data set needs at least 2 examples")
        }
        let features = rows.flatMap { $0.dropLast() }
        let targets = rows.map { $0[columns - 1] }
        let integral = targets.allSatisfy { $0 == $0.rounded() && $0 >= 0 && $0 <= 99 }
        let task = forced ?? (integral ? "classification" : "regression")
        switch task {
        case "classification":
            guard integral else {
                let bad = targets.first { !($0 == $0.rounded() && $0 >= 0 && $0 <= 99) }!
                throw SimulatorError(
                    "\(name): target \(bad) is not a class label; classification needs integer labels 0…99 in the last column"
                )
            }
            let labels = targets.map { Int($0) }
            let classes = labels.max()! + 1
            guard classes >= 2 else {
                throw SimulatorError("\(name): every label is 0; classification needs at least 2 classes")
            }
            return (
                .classification(classes: classes),
                Examples(dimension: columns - 1, features: features, labels: labels)
            )
        default:
            return (.regression(outputs: 1), Examples(dimension: columns - 1, features: features, targets: targets))
        }
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var view = self[...]
        while let first = view.first, characters.contains(first) { view = view.dropFirst() }
        while let last = view.last, characters.contains(last) { view = view.dropLast() }
        return String(view)
    }
}
