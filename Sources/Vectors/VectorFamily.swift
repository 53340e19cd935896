import Exact
import Reference

/// A documented edge-case flag: what it marks and which bug it catches.
public struct VectorFlag: Sendable {
    public let name: String
    public let description: String
    public let catches: String
}

/// One case of a family: a stable slug (the id is `<family>/<slug>`), a
/// comment for humans, flags, and the exact input.
public struct VectorCase: Sendable {
    public let slug: String
    public let comment: String
    public let flags: [String]
    public let input: CaseInput

    public init(_ slug: String, _ comment: String, flags: [String] = [], _ input: CaseInput) {
        self.slug = slug
        self.comment = comment
        self.flags = flags
        self.input = input
    }
}

/// How an output tensor is judged (DESIGN.md "Golden vectors"): exactly,
/// elementwise in ulp against the correctly rounded value, or normwise
/// relative error where cancellation makes elementwise ulp meaningless.
public enum ToleranceMetric: String, Sendable {
    case exact
    case ulp
    case normwise
}

/// The bound one output of one case is held to, with the rule that produced it.
public struct Tolerance: Sendable {
    public let metric: ToleranceMetric
    /// ulp count for `.ulp`, relative error for `.normwise`, 0 for `.exact`.
    public let bound: Double
    /// The rule in words, e.g. "4 ulp" or "64·u·⌈log₂ m⌉ with m = 12".
    public let rule: String

    public static let exact = Tolerance(metric: .exact, bound: 0, rule: "exact")

    public static func ulp(_ count: Double, rule: String? = nil) -> Tolerance {
        Tolerance(metric: .ulp, bound: count, rule: rule ?? "\(Int(count)) ulp")
    }

    public static func normwise(_ bound: Double, rule: String) -> Tolerance {
        Tolerance(metric: .normwise, bound: bound, rule: rule)
    }

    /// Whether a measured error meets the bound.
    public func accepts(_ error: TensorError) -> Bool {
        switch metric {
        case .exact: return error.maxUlp == 0
        case .ulp: return Double(error.maxUlp) <= bound
        case .normwise: return error.normwiseRelative <= bound
        }
    }
}

/// A family of golden vectors: one file, one op, one schema.
public struct VectorFamily: Sendable {
    /// File stem and family id, e.g. "batchnorm_train_2d".
    public let name: String
    /// Folder under vectors/, e.g. "normalization".
    public let area: String
    public let op: String
    /// What the family pins down, for the file header.
    public let header: [String]
    public let cases: [VectorCase]
    /// The tolerance of each output of a case, given the case and its exact trace.
    public let tolerances: @Sendable (CaseInput, Trace<Surd>) -> [(output: String, tolerance: Tolerance)]

    public init(
        name: String, area: String, op: String, header: [String], cases: [VectorCase],
        tolerances: @escaping @Sendable (CaseInput, Trace<Surd>) -> [(output: String, tolerance: Tolerance)]
    ) {
        self.name = name
        self.area = area
        self.op = op
        self.header = header
        self.cases = cases
        self.tolerances = tolerances
    }

    /// The path of the family's file relative to vectors/.
    public var path: String { "\(area)/\(name).json" }
    public var schemaPath: String { "schema/\(name).schema.json" }

    public func caseID(_ vectorCase: VectorCase) -> String { "\(name)/\(vectorCase.slug)" }
}
