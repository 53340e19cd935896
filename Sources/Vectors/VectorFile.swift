import Exact
import OrderedJSON
import Reference

/// The on-disk layout of the vectors, modelled on Wycheproof: per file a
/// schema reference, counts, a header, notes (one per flag used), and test
/// groups by target precision; per case a stable id, comment, flags, the
/// convention, inputs, params, every intermediate, every output, and the
/// tolerance each output is held to.
public enum VectorFormat {
    public static let formatVersion = 1
    public static let generatorName = "normlab"
    public static let generatorVersion = "0.1.0"

    static var generatorJSON: JSONValue {
        .object([("name", .string(generatorName)), ("version", .string(generatorVersion))])
    }
}

/// One family's generated file, with what the schema and manifest need.
public struct GeneratedFamily: Sendable {
    public let family: VectorFamily
    public let contents: String
    public let schema: String
    public let caseCount: Int
}

extension VectorFamily {
    /// Runs every case exactly and builds the family's file and schema.
    public func generate(lookup: (String) -> (any ReferenceOperation.Type)? = ReferenceOperations.named) throws
        -> GeneratedFamily
    {
        guard let operation = lookup(op) else { throw ReferenceError("family \(name): unknown op \"\(op)\"") }
        var groups: [(TargetPrecision, [JSONValue])] = []
        var usedFlags: [String] = []
        var stepNames: (inputs: [String], intermediates: [String], outputs: [String])? = nil
        var seenSlugs = Set<String>()
        for vectorCase in cases {
            guard seenSlugs.insert(vectorCase.slug).inserted else {
                throw ReferenceError("family \(name): case slug \"\(vectorCase.slug)\" is used twice")
            }
            for flag in vectorCase.flags where VectorFlags.named(flag) == nil {
                throw ReferenceError(
                    "family \(name)/\(vectorCase.slug): flag \"\(flag)\" is not documented in VectorFlags")
            }
            let input = try vectorCase.input.snappedToPrecision().input
            let trace: Trace<Surd>
            do { trace = try operation.run(input, as: Surd.self) } catch {
                throw ReferenceError("family \(name)/\(vectorCase.slug): \(error)")
            }
            var caseJSON = trace.caseJSON(
                precision: input.precision, id: caseID(vectorCase), comment: vectorCase.comment,
                flags: vectorCase.flags, convention: input.convention)
            let tolerance = JSONValue.object(
                tolerances(input, trace).map { output, tolerance in
                    (
                        output,
                        .object([
                            ("metric", .string(tolerance.metric.rawValue)),
                            ("bound", .number(boundText(tolerance.bound))),
                            ("rule", .string(tolerance.rule)),
                        ])
                    )
                })
            if case .object(var members) = caseJSON {
                members.append(("tolerance", tolerance))
                caseJSON = .object(members)
            }
            if let index = groups.firstIndex(where: { $0.0 == input.precision }) {
                groups[index].1.append(caseJSON)
            } else {
                groups.append((input.precision, [caseJSON]))
            }
            for flag in vectorCase.flags where !usedFlags.contains(flag) { usedFlags.append(flag) }
            let names = (
                trace.steps(.input).map(\.name),
                trace.steps.filter { $0.role == .intermediate || $0.role == .check }.map(\.name),
                trace.steps(.output).map(\.name)
            )
            if let previous = stepNames {
                stepNames = (
                    previous.inputs.filter(names.0.contains), previous.intermediates.filter(names.1.contains),
                    previous.outputs.filter(names.2.contains)
                )
            } else {
                stepNames = names
            }
        }
        let notes = JSONValue.object(
            usedFlags.sorted().map { flag in
                let documented = VectorFlags.named(flag)!
                return (
                    flag,
                    .object([
                        ("description", .string(documented.description)), ("catches", .string(documented.catches)),
                    ])
                )
            })
        let file = JSONValue.object([
            ("schema", .string(schemaPath)),
            ("family", .string(name)),
            ("op", .string(op)),
            ("formatVersion", .int(VectorFormat.formatVersion)),
            ("generator", VectorFormat.generatorJSON),
            ("numberOfTests", .int(cases.count)),
            ("header", .array(header.map { .string($0) })),
            ("notes", notes),
            (
                "testGroups",
                .array(
                    groups.map { precision, tests in
                        .object([
                            ("precision", .string(precision.rawValue)),
                            ("source", VectorFormat.generatorJSON),
                            ("tests", .array(tests)),
                        ])
                    })
            ),
        ])
        let names = stepNames ?? ([], [], [])
        let schema = VectorSchema.schema(
            for: self, inputs: names.inputs, intermediates: names.intermediates, outputs: names.outputs)
        return GeneratedFamily(
            family: self, contents: file.serialized() + "\n", schema: schema.serialized() + "\n", caseCount: cases.count
        )
    }
}

/// Bounds print as Swift's shortest round-trip decimal: the same on every machine.
func boundText(_ bound: Double) -> String {
    bound == bound.rounded() && bound.magnitude < 1e15 ? String(Int(bound)) : "\(bound)"
}
