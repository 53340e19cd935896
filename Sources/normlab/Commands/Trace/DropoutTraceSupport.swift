import ArgumentParser
import Exact
import Foundation
import Reference

/// `--monte-carlo N --seed S`: the sampled estimate several verbs offer next
/// to their exact value.
struct MonteCarloOptions: ParsableArguments {
    @Option(
        name: .customLong("monte-carlo"),
        help: "Also estimate by Monte Carlo in f64 with this many samples (a 99.9% interval is shown).")
    var samples: Int?

    @Option(help: "SplitMix64 seed for --monte-carlo (default 1).")
    var seed: Int?

    func validate() throws {
        if let samples, samples < 1 { throw ValidationError("--monte-carlo \(samples) must be at least 1") }
    }

    func apply(to base: inout CaseInput) {
        VerbInput.set(&base, "samples", samples.map(String.init), default: nil)
        VerbInput.set(&base, "seed", seed.map(String.init), default: nil)
    }
}

/// Helpers shared by the dropout, regression and bias–variance trace verbs.
enum VerbInput {
    /// A vector flag "1,2,3/4" as a tensor, optionally reshaped by a "2x3" flag.
    static func tensor(_ text: String?, flag: String, shape: String? = nil, shapeFlag: String = "shape") throws
        -> Tensor<Rational>?
    {
        guard let text else { return nil }
        let values = try parseValueList(text, flag: flag)
        guard let shape else { return Tensor(vector: values) }
        let dims = try parseShape(shape, flag: shapeFlag)
        guard dims.reduce(1, *) == values.count else {
            throw InputError(
                "--\(shapeFlag) \(shape) holds \(dims.reduce(1, *)) values but --\(flag) gives \(values.count)")
        }
        return Tensor(shape: dims, values: values)
    }

    /// Sets an input from a flag, else keeps the --input file's, else the default.
    static func set(
        _ base: inout CaseInput, _ name: String, _ flagValue: Tensor<Rational>?,
        default defaultValue: @autoclosure () throws -> Tensor<Rational>?
    ) rethrows {
        if let flagValue {
            base.setInput(name, flagValue)
        } else if base.tensor(name) == nil, let value = try defaultValue() {
            base.setInput(name, value)
        }
    }

    /// Sets a parameter from a flag, else keeps the file's, else the default.
    static func set(_ base: inout CaseInput, _ name: String, _ flagValue: String?, default defaultValue: String?) {
        if let flagValue {
            base.setParam(name, flagValue)
        } else if base.param(name) == nil, let defaultValue {
            base.setParam(name, defaultValue)
        }
    }

    static func vector(_ values: [String]) -> Tensor<Rational> {
        Tensor(vector: values.map { try! Rational(parsing: $0) })
    }

    static func matrix(_ rows: Int, _ columns: Int, _ values: [String]) -> Tensor<Rational> {
        Tensor(shape: [rows, columns], values: values.map { try! Rational(parsing: $0) })
    }

    /// Reads a CSV file of numbers: rows of comma-, semicolon-, tab- or
    /// space-separated cells; a first row with no number in it is a header.
    /// A bad cell is named by row and column (1-based, counting the header).
    static func readCSV(_ path: String, flag: String) throws -> [[Rational]] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError("--\(flag) \(path): cannot read the file")
        }
        var rows: [[Rational]] = []
        let lines = String(decoding: data, as: UTF8.self).split(
            omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (lineIndex, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let cells = trimmed.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "\t" || $0 == " " }).map(
                String.init)
            let parsed = cells.map { try? Rational(parsing: $0) }
            if rows.isEmpty && parsed.allSatisfy({ $0 == nil }) { continue } // header
            var row: [Rational] = []
            for (column, value) in parsed.enumerated() {
                guard let value else {
                    throw InputError(
                        "--\(flag) \(path): row \(lineIndex + 1), column \(column + 1): \"\(cells[column])\" is not a number (integers, decimals, p/q or hex floats)"
                    )
                }
                row.append(value)
            }
            if let first = rows.first, first.count != row.count {
                throw InputError(
                    "--\(flag) \(path): row \(lineIndex + 1) has \(row.count) cells but earlier rows have \(first.count)"
                )
            }
            rows.append(row)
        }
        guard !rows.isEmpty else { throw InputError("--\(flag) \(path): no data rows") }
        return rows
    }
}
