import OrderedJSON

/// One or more runs and what is measured after them: a single configuration
/// from the command line, or a preset.
public struct Experiment {
    public let preset: Preset?
    public let runs: [(name: String, config: SimulationConfig)]

    public init(single config: SimulationConfig) throws {
        try config.validate()
        preset = nil
        runs = [("run", config)]
    }

    /// The preset's runs, each passed through `adjust` (the command line's options).
    public init(preset: Preset, adjust: (SimulationConfig) throws -> SimulationConfig = { $0 }) throws {
        self.preset = preset
        runs = try preset.runs.map { name, config in
            let adjusted = try adjust(config)
            try adjusted.validate()
            return (name, adjusted)
        }
    }

    /// Trains every run to its end (or its first NaN/∞), reporting records as they
    /// are logged, then takes the preset's measurements.
    public func run(
        threads: Int, readFile: (String) throws -> String, zoom: ZoomRequest? = nil,
        onRecord: (StepRecord) -> Void = { _ in }, onStart: (any Trainer) -> Void = { _ in },
        onFinish: (any Trainer, RunResult) -> Void = { _, _ in }
    ) throws -> ExperimentOutcome {
        var outcome = ExperimentOutcome(preset: preset)
        for (index, (name, config)) in runs.enumerated() {
            let data = try config.loadData(readFile: readFile)
            let trainer = try makeTrainer(name: name, config: config, data: data, threads: threads)
            outcome.configs.append((name, try config.json(data: data)))
            var zoomCapture: ZoomCapture? = nil
            if let zoom, index == 0 { zoomCapture = try ZoomCapture.attach(zoom, to: trainer) }
            preset?.prepare(trainer)
            onStart(trainer)
            var reported = 0
            func flush() {
                while reported < trainer.records.count {
                    onRecord(trainer.records[reported])
                    reported += 1
                }
            }
            flush()
            while try trainer.advance() { flush() }
            flush()
            var result = try trainer.result()
            if let preset { result.extra = try preset.measure(trainer) }
            if let zoomCapture { outcome.zoom = try zoomCapture.finish(trainer) }
            outcome.results.append(result)
            outcome.records.append(contentsOf: trainer.records)
            onFinish(trainer, result)
        }
        if let preset { outcome.findings = preset.findings(outcome) }
        return outcome
    }
}

/// What an experiment produced.
public struct ExperimentOutcome {
    public let preset: Preset?
    public var configs: [(String, JSONValue)] = []
    public var results: [RunResult] = []
    public var records: [StepRecord] = []
    /// The preset's comparison across runs, and whether the notes' claim showed.
    public var findings: [(String, JSONValue)] = []
    public var zoom: ZoomReport?

    public init(preset: Preset?) { self.preset = preset }

    public func result(_ name: String) -> RunResult? { results.first { $0.name == name } }

    /// `{"config", "runs"}` (and "findings", "zoom" when there are some).
    public var json: JSONValue {
        var config: JSONValue
        if let preset {
            config = .object([
                ("preset", .string(preset.name)), ("claim", .string(preset.claim)), ("source", .string(preset.source)),
                ("runs", .object(configs)),
            ])
        } else {
            config = configs.first?.1 ?? .null
        }
        var members: [(String, JSONValue)] = [("config", config), ("runs", .array(results.map(\.json)))]
        if !findings.isEmpty { members.append(("findings", .object(findings))) }
        if let zoom { members.append(("zoom", zoom.json)) }
        return .object(members)
    }
}
