import Accuracy
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
        if options.engine == .simd { kernel = try KernelEngine.run(traces.input, exact: traces.exact) }
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
    let changed = snapping ? try input.snappedToPrecision().changed : []
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
