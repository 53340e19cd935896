import ArgumentParser
import Conformance
import Exact
import Foundation
import OrderedJSON
import Reference
import Vectors

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
    @Option(
        name: .long,
        help: "A case file: {\"op\", \"params\", \"inputs\": {name: {\"shape\", \"values\"}}, \"precision\"?}.")
    var input: String?

    @Flag(help: "Print the case as JSON (the layout of a golden vector case).")
    var json = false

    @Option(help: "Target precision of the float columns and of the inputs: f64 or f32.")
    var precision: String?

    @Option(help: "Significant digits in the table's decimal columns.")
    var digits = 10

    @Option(
        help:
            "reference: the reference computation only; simd: also run the SIMD kernel on the case and measure it against the exact values (batchnorm, layernorm, groupnorm, instancenorm, dropout)."
    )
    var engine = "reference"

    func validate() throws {
        guard ["reference", "simd"].contains(engine) else {
            throw ValidationError("--engine \(engine) must be reference or simd")
        }
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
            guard base.op == op else {
                throw InputError("--input \(input) is a case for \"\(base.op)\", not \"\(op)\"")
            }
        }
        if let precision { base.precision = TargetPrecision(rawValue: precision)! }
        return base
    }
}

/// Parses "1,2,3/4,0x1p-3" into exact values; the flag name goes into errors.
func parseValueList(_ text: String, flag: String) throws -> [Rational] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
    }
    guard !(parts.count == 1 && parts[0].isEmpty) else {
        throw InputError("--\(flag) is empty; give comma-separated numbers")
    }
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

/// Runs `operation` on `input` and prints it as `options` ask. Inputs are
/// snapped to the target precision first unless `snapping` is false (a fit
/// of the user's data exactly as written).
func printTrace(
    _ operation: any ReferenceOperation.Type, input: CaseInput, options: TraceOptions, snapping: Bool = true
) throws {
    let traces: TraceSet
    var kernel: KernelEngine.Outputs?
    do {
        traces = snapping ? try TraceSet(operation, input: input) : try TraceSet(unsnapped: operation, input: input)
        if options.engine == "simd" { kernel = try KernelEngine.run(traces.input, exact: traces.exact) }
    } catch let error as ReferenceError {
        throw InputError(error.message)
    }
    if options.json {
        var json = traces.exact.caseJSON(precision: traces.input.precision, convention: traces.input.convention)
        if let kernel {
            json = KernelJSON.annotate(json, with: kernel, exact: traces.exact, precision: traces.input.precision)
        }
        print(json.serialized())
        return
    }
    let changed = snapping ? input.snappedToPrecision().changed : []
    if !changed.isEmpty {
        print(
            "note: \(changed.joined(separator: ", ")) snapped to the nearest \(traces.input.precision.rawValue) values\n"
        )
    }
    print(TraceTable(traces, digits: options.digits).render())
    if let kernel {
        print("")
        print(KernelJSON.summary(kernel, traces: traces))
    }
}

/// The SIMD kernel's results next to the exact trace.
enum KernelJSON {
    /// Each tensor the kernel produced gains "computed" (hex, in the case's
    /// precision), "max_ulp" and "normwise_rel_err" against the exact values.
    static func annotate(
        _ json: JSONValue, with kernel: KernelEngine.Outputs, exact: Trace<Surd>, precision: TargetPrecision
    ) -> JSONValue {
        guard case .object(var members) = json else { return json }
        for index in members.indices where ["intermediates", "outputs"].contains(members[index].0) {
            guard case .object(var tensors) = members[index].1 else { continue }
            for tensorIndex in tensors.indices {
                let name = tensors[tensorIndex].0
                let role: StepRole = members[index].0 == "outputs" ? .output : .intermediate
                guard let computed = kernel[name], let reference = exact.step(name, role: role)?.tensor.values,
                    computed.count == reference.count, case .object(var fields) = tensors[tensorIndex].1
                else { continue }
                let error =
                    precision == .f32
                    ? TensorError(computed: computed.map { Float($0) }, exact: reference, as: Float.self)
                    : TensorError(computed: computed, exact: reference, as: Double.self)
                let hex = precision == .f32 ? computed.map { hexString(Float($0)) } : computed.map { hexString($0) }
                fields.append(("computed", .array(hex.map { .string($0) })))
                fields.append(("max_ulp", error.maxUlp == .max ? .string("inf") : .number(String(error.maxUlp))))
                fields.append(
                    (
                        "normwise_rel_err",
                        .number(error.normwiseRelative.isFinite ? "\(error.normwiseRelative)" : "null")
                    ))
                tensors[tensorIndex].1 = .object(fields)
            }
            members[index].1 = .object(tensors)
        }
        if !kernel.notes.isEmpty { members.append(("engine_notes", .array(kernel.notes.map { .string($0) }))) }
        return .object(members)
    }

    /// A table of the kernel's errors and its stated bounds, for the terminal.
    static func summary(_ kernel: KernelEngine.Outputs, traces: TraceSet) -> String {
        let checks = KernelConformance.check(
            caseID: traces.exact.op, input: traces.input, exact: traces.exact, outputs: kernel)
        var lines = [
            "SIMD KERNEL (\(traces.input.precision.rawValue)) against the exact values",
            "  " + "output".padding(to: 14) + "error".padding(to: 12) + "bound".padding(to: 8) + "measure",
        ]
        for check in checks {
            lines.append(
                "  " + check.field.padding(to: 14) + format3(check.measured).padding(to: 12)
                    + format3(check.bound).padding(to: 8)
                    + check.rule + (check.passed ? "" : "   EXCEEDS THE BOUND"))
        }
        for note in kernel.notes { lines.append("  note: \(note)") }
        return lines.joined(separator: "\n")
    }
}
