import Exact

/// The record of one reference computation: its parameters and every named
/// step, in computation order. Vectors write it out, lessons render it, and
/// conformance checks compare against it — nothing recomputes its formulas.
public struct Trace<Scalar: ReferenceScalar>: Sendable {
    /// The operation, e.g. "batchnorm".
    public let op: String
    /// Parameters in a stable order, each an exact rational (ε, momentum, p, …)
    /// or a word (mode, convention).
    public private(set) var params: [(name: String, value: ParameterValue)]
    public private(set) var steps: [Step<Scalar>]
    /// For the normalization ops: which statistics group and which γ/β each
    /// element of x belongs to, as the computation grouped them. Consumers
    /// (the kernel checks, the tolerance policy) read it here instead of
    /// deriving it again from the op's name.
    public private(set) var layout: ElementLayout?

    public init(op: String, params: [(name: String, value: ParameterValue)] = []) {
        self.op = op
        self.params = params
        self.steps = []
    }

    public mutating func setLayout(_ layout: ElementLayout) { self.layout = layout }

    public mutating func setParameter(_ name: String, _ value: ParameterValue) {
        if let index = params.firstIndex(where: { $0.name == name }) {
            params[index].value = value
        } else {
            params.append((name, value))
        }
    }

    /// Records a step and returns its values, so algorithms read naturally:
    /// `let mean = trace.record("mean", …, meanTensor)`.
    @discardableResult
    public mutating func record(
        _ name: String, symbol: String, formula: String,
        role: StepRole = .intermediate, _ tensor: Tensor<Scalar>
    ) -> Tensor<Scalar> {
        // A name is unique among non-inputs; an output may repeat an input's
        // name (running_mean in, running_mean out).
        precondition(
            !steps.contains { $0.name == name && ($0.role == .input) == (role == .input) },
            "step \(name) recorded twice")
        steps.append(Step(name: name, symbol: symbol, formula: formula, role: role, tensor: tensor))
        Progress.reporter?.update("\(Scalar.precisionName) \(op): step \(steps.count), \(name)", done: 0)
        return tensor
    }

    /// The step called `name`; when an input and an output share the name,
    /// the output (the last one recorded).
    public func step(_ name: String) -> Step<Scalar>? { steps.last { $0.name == name } }

    /// The step called `name` with the given role.
    public func step(_ name: String, role: StepRole) -> Step<Scalar>? {
        steps.first { $0.name == name && $0.role == role }
    }

    public subscript(name: String) -> Tensor<Scalar>? { step(name)?.tensor }

    public func steps(_ role: StepRole) -> [Step<Scalar>] { steps.filter { $0.role == role } }
}

/// Which statistics group (one mean and variance) and which affine
/// parameter (one γ and β) each element of a normalization input belongs to.
public struct ElementLayout: Sendable, Equatable {
    /// Per element of x, its group.
    public let group: [Int]
    /// Per element of x, its index into γ and β.
    public let affine: [Int]
    /// Elements per group, m (the same for every group).
    public let groupSize: Int

    public init(group: [Int], affine: [Int], groupSize: Int) {
        self.group = group
        self.affine = affine
        self.groupSize = groupSize
    }
}

/// What a step is to the computation.
public enum StepRole: String, Sendable, CaseIterable {
    case input, intermediate, output
    /// A checked fact: a quantity that must equal zero or hold as stated
    /// (e.g. the chain-rule ∂ℓ/∂x minus the compact formula's).
    case check
}

/// One named step: what it is called, its symbol, the one-line formula that
/// produced it, and its values.
public struct Step<Scalar: ReferenceScalar>: Sendable {
    /// A stable machine name (DESIGN.md "Names"): "mean", "xhat", "dx", …
    public let name: String
    /// The mathematical symbol, e.g. "μ", "x̂", "∂ℓ/∂x".
    public let symbol: String
    /// One line, e.g. "μ_c = (1/m) Σ_i x_ic".
    public let formula: String
    public let role: StepRole
    public let tensor: Tensor<Scalar>
}

/// A parameter's value: an exact number or a word.
public enum ParameterValue: Sendable, Equatable, CustomStringConvertible {
    case number(Rational)
    case word(String)

    public var description: String {
        switch self {
        case .number(let value): return value.description
        case .word(let word): return word
        }
    }

    public var rational: Rational? {
        if case .number(let value) = self { return value }
        return nil
    }
}
