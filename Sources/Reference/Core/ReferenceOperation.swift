import Exact

/// A reference computation that can be run from a `CaseInput` in any scalar.
/// The CLI's `trace` verbs, the vector generator and the lessons find
/// operations by `name` in `ReferenceOperations.all`.
public protocol ReferenceOperation: Sendable {
    /// The op name used in cases and on the command line, e.g. "batchnorm".
    static var name: String { get }
    /// One line for help texts.
    static var summary: String { get }
    /// The built-in example: a complete case, run when no input is given
    /// (Examples.swift). Never mixed with given inputs.
    static var example: CaseInput { get }
    /// Runs the computation. Inputs arrive exact; `S.init(Rational)` converts
    /// them (exactly, for inputs already snapped to the target precision).
    static func run<S: ReferenceScalar>(_ input: CaseInput, as scalar: S.Type) throws -> Trace<S>
}

extension ReferenceOperation {
    /// No example: an empty case, whose missing inputs are the operation's
    /// errors. Every registered operation has its own (a test runs them all).
    public static var example: CaseInput { CaseInput(op: name) }
}

/// The exact trace of a case together with the same computation in floating
/// point, step by step.
public struct TraceSet: Sendable {
    public let input: CaseInput
    public let exact: Trace<Surd>
    public let f64: Trace<Double>
    public let f32: Trace<Float>?

    /// Runs `operation` on `input` exactly and in f64 (and f32 when the case
    /// targets it). Inputs are first snapped to the target precision.
    public init(_ operation: any ReferenceOperation.Type, input: CaseInput) throws {
        try input.checkSize()
        try self.init(unsnapped: operation, input: input.snappedToPrecision().input)
    }

    /// Runs `operation` on the inputs exactly as given, without snapping them
    /// to the target precision first: the exact run then fits a user's
    /// decimal data as written (NIST's, say), and the float runs start from
    /// the nearest floats. Every value must still lie within the precision's
    /// range (the float runs could not represent it otherwise) and be short
    /// enough to compute with (`WorkLimits.valueBits`).
    public init(unsnapped operation: any ReferenceOperation.Type, input: CaseInput) throws {
        try input.checkSize(valuesAsWritten: true)
        for (name, tensor) in input.inputs {
            for (position, value) in tensor.values.enumerated() {
                _ = try input.precision.nearest(
                    value, naming: "input \(name)\(elementLabel(position, shape: tensor.shape))")
            }
        }
        for (name, text) in input.params {
            guard let value = try? Rational(parsing: text) else { continue }
            _ = try input.precision.nearest(value, naming: "parameter \(name)")
        }
        self.input = input
        exact = try operation.run(input, as: Surd.self)
        f64 = try operation.run(input, as: Double.self)
        f32 = input.precision == .f32 ? try operation.run(input, as: Float.self) : nil
    }
}

/// Every operation NormLab knows, by name.
public enum ReferenceOperations {
    public static var all: [any ReferenceOperation.Type] { registered }

    public static func named(_ name: String) -> (any ReferenceOperation.Type)? {
        registered.first { $0.name == name }
    }
}
