import OrderedJSON

/// An experiment from the course notes, one command: its runs, what it measures
/// in each, and the comparison that shows (or fails to show) the notes' claim.
public struct Preset: @unchecked Sendable {
    public let name: String
    /// The notes' claim, in a sentence.
    public let claim: String
    /// Where the notes make it.
    public let source: String
    public let runs: [(String, SimulationConfig)]
    /// Hooks set on each trainer before it runs (extra logged figures).
    let prepareRun: (any Trainer) -> Void
    /// Measurements of each finished run, added to its result.
    let measureRun: (any Trainer) throws -> [(String, JSONValue)]
    /// The comparison across runs.
    let compare: (ExperimentOutcome) -> [(String, JSONValue)]

    init(
        name: String, claim: String, source: String, runs: [(String, SimulationConfig)],
        prepare: @escaping (any Trainer) -> Void = { _ in },
        measure: @escaping (any Trainer) throws -> [(String, JSONValue)] = { _ in [] },
        compare: @escaping (ExperimentOutcome) -> [(String, JSONValue)] = { _ in [] }
    ) {
        self.name = name
        self.claim = claim
        self.source = source
        self.runs = runs
        self.prepareRun = prepare
        self.measureRun = measure
        self.compare = compare
    }

    func prepare(_ trainer: any Trainer) { prepareRun(trainer) }
    func measure(_ trainer: any Trainer) throws -> [(String, JSONValue)] {
        // A diverged network has nothing left to measure.
        trainer.divergence == nil ? try measureRun(trainer) : []
    }
    func findings(_ outcome: ExperimentOutcome) -> [(String, JSONValue)] { compare(outcome) }
}

extension JSONValue {
    /// A list of Doubles.
    static func doubles(_ values: [Double]) -> JSONValue { .array(values.map { .double($0) }) }

    /// The number at `key` of an object, as a Double.
    public func number(_ key: String) -> Double? { self[key]?.numberText.flatMap(Double.init) }
}

extension RunResult {
    /// An extra figure of the run by name.
    public func extra(_ key: String) -> JSONValue? { extra.first { $0.0 == key }?.1 }
}
