import Exact
import Reference

/// A documented edge-case flag: what it marks and which bug it catches.
public struct VectorFlag: Sendable {
    public let name: String
    /// Whether the case is built so that the textbook formulas evaluated
    /// naively in the case's precision miss the tolerance (NormLab's own
    /// Double reference does: `vectors verify --self` expects those failures).
    public let defeatsNaiveArithmetic: Bool
    public let description: String
    public let catches: String

    public init(name: String, defeatsNaiveArithmetic: Bool = false, description: String, catches: String) {
        self.name = name
        self.defeatsNaiveArithmetic = defeatsNaiveArithmetic
        self.description = description
        self.catches = catches
    }
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
