import ArgumentParser
import Exact
import Foundation
import OrderedJSON
import Reference

/// `normlab trace <op>`: run a reference computation and print every
/// intermediate, exact and double side by side, or the case as JSON.
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Run a reference computation and show every intermediate.",
        discussion: """
        Each op reads its inputs from flags (--x "1,2,3,4") or from a case file \
        (--input case.json; flags override the file). Numbers may be integers, p/q, \
        decimals or hex floats. Inputs are snapped to the target precision first \
        (--precision f64|f32), so the exact values shown are those of the floats a \
        float implementation would be given.
        """,
        subcommands: traceSubcommands
    )
}

/// Options every `trace` verb shares.
struct TraceOptions: ParsableArguments {
    @Option(name: .long, help: "A case file: {\"op\", \"params\", \"inputs\": {name: {\"shape\", \"values\"}}, \"precision\"?}.")
    var input: String?

    @Flag(help: "Print the case as JSON (the layout of a golden vector case).")
    var json = false

    @Option(help: "Target precision of the float columns and of the inputs: f64 or f32.")
    var precision: String?

    @Option(help: "Significant digits in the table's decimal columns.")
    var digits = 10

    func validate() throws {
        if let precision, TargetPrecision(rawValue: precision) == nil {
            throw ValidationError("--precision \(precision) must be f64 or f32")
        }
        guard (1...40).contains(digits) else { throw ValidationError("--digits \(digits) must be between 1 and 40") }
    }

    /// The case from --input (or an empty one for `op`), with --precision applied.
    func baseCase(op: String) throws -> CaseInput {
        var base = CaseInput(op: op)
        if let input {
            guard let data = FileManager.default.contents(atPath: input) else {
                throw InputError("--input \(input): cannot read the file")
            }
            let json: JSONValue
            do { json = try JSONValue(parsing: String(decoding: data, as: UTF8.self)) } catch {
                throw InputError("--input \(input): \(error)")
            }
            do { base = try CaseInput(json: json, defaultOp: op) } catch let error as ReferenceError {
                throw InputError("--input \(input): \(error.message)")
            }
            guard base.op == op else { throw InputError("--input \(input) is a case for \"\(base.op)\", not \"\(op)\"") }
        }
        if let precision { base.precision = TargetPrecision(rawValue: precision)! }
        return base
    }
}

/// Parses "1,2,3/4,0x1p-3" into exact values; the flag name goes into errors.
func parseValueList(_ text: String, flag: String) throws -> [Rational] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    guard !(parts.count == 1 && parts[0].isEmpty) else { throw InputError("--\(flag) is empty; give comma-separated numbers") }
    return try parts.enumerated().map { index, part in
        do { return try Rational(parsing: part) } catch let error as ExactError {
            throw InputError("--\(flag) value \(index + 1): \(error)")
        }
    }
}

/// Parses "2,3" or "2x3" into a shape.
func parseShape(_ text: String, flag: String) throws -> [Int] {
    let parts = text.split(whereSeparator: { $0 == "," || $0 == "x" })
    let dims = parts.compactMap { Int($0) }
    guard dims.count == parts.count, !dims.isEmpty, dims.allSatisfy({ $0 >= 0 }) else {
        throw InputError("--\(flag) \"\(text)\" must be non-negative integers like 4,3 or 2x3x2x2")
    }
    return dims
}

/// Runs `operation` on `input` and prints it as `options` ask.
func printTrace(_ operation: any ReferenceOperation.Type, input: CaseInput, options: TraceOptions) throws {
    let traces: TraceSet
    do { traces = try TraceSet(operation, input: input) } catch let error as ReferenceError {
        throw InputError(error.message)
    }
    if options.json {
        print(traces.exact.caseJSON(precision: traces.input.precision, convention: traces.input.convention).serialized())
    } else {
        let changed = input.snappedToPrecision().changed
        if !changed.isEmpty {
            print("note: \(changed.joined(separator: ", ")) snapped to the nearest \(traces.input.precision.rawValue) values\n")
        }
        print(TraceTable(traces, digits: options.digits).render())
    }
}
