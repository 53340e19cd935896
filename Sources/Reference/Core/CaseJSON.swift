import Exact
import OrderedJSON

/// Writing a case (DESIGN.md "Contracts"): what `normlab trace … --json`
/// prints and what a vector file holds many of. Every value appears exactly
/// (canonical string) and correctly rounded (C99 hex): `f64` always, `f32`
/// when the case targets f32. Float columns are roundings of the exact value,
/// never the result of a floating-point run.
extension Trace where Scalar == Surd {
    public func caseJSON(
        precision: TargetPrecision, id: String? = nil, comment: String? = nil,
        flags: [String]? = nil, convention: String? = nil
    ) -> JSONValue {
        var members: [(String, JSONValue)] = [("op", .string(op))]
        if let id { members.append(("id", .string(id))) }
        if let comment { members.append(("comment", .string(comment))) }
        if let flags { members.append(("flags", .array(flags.map { .string($0) }))) }
        if let convention { members.append(("convention", .string(convention))) }
        members.append(("params", .object(params.map { ($0.name, .string($0.value.description)) })))
        members.append(
            ("inputs", .object(steps(.input).map { ($0.name, tensorJSON($0.tensor, precision: precision)) })))
        let intermediates = steps.filter { $0.role == .intermediate || $0.role == .check }
        members.append(
            ("intermediates", .object(intermediates.map { ($0.name, tensorJSON($0.tensor, precision: precision)) })))
        members.append(
            ("outputs", .object(steps(.output).map { ($0.name, tensorJSON($0.tensor, precision: precision)) })))
        let checks = steps(.check).map(\.name)
        if !checks.isEmpty {
            // Intermediates that are exactly zero by a theorem, listed by name.
            members.append(("checks", .array(checks.map { .string($0) })))
        }
        return .object(members)
    }
}

/// `{"shape": [...], "exact": [...], "f64": [...], "f32": [...]}`.
public func tensorJSON(_ tensor: Tensor<Surd>, precision: TargetPrecision) -> JSONValue {
    var members: [(String, JSONValue)] = [
        ("shape", .array(tensor.shape.map { .int($0) })),
        ("exact", .array(tensor.values.map { .string($0.description) })),
        ("f64", .array(tensor.values.map { .string(hexString($0.rounded(to: Double.self))) })),
    ]
    if precision == .f32 {
        members.append(("f32", .array(tensor.values.map { .string(hexString($0.rounded(to: Float.self))) })))
    }
    return .object(members)
}
