import ArgumentParser
import Simulator

extension Activation: ExpressibleByArgument {}
extension NormalizationKind: ExpressibleByArgument {}
extension NormalizationPosition: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension LossKind: ExpressibleByArgument {}
extension DecayScope: ExpressibleByArgument {}
extension Precision: ExpressibleByArgument {}

/// The settings of a run. Every one is optional: given alone they change the
/// default configuration; with `--preset` they change every run of the preset.
struct SimulationOptions: ParsableArguments {
    @Option(help: "circle, xor, gaussians, spiral, regression, digits, or a FILE.csv (last column the target).")
    var dataset: String?
    @Option(parsing: .unconditional, help: "Examples generated for the synthetic sets (default 400).") var samples: Int?
    @Option(
        parsing: .unconditional,
        help: "Noise of a synthetic set (default: circle/xor 0.05, gaussians 0.5, spiral 0.05, regression 0.1).")
    var noise: Double?
    @Option(parsing: .unconditional, help: "Fraction of the examples held out as the test set (default 0.2).")
    var testFraction: Double?
    @Option(help: "Seed of generated data and of the train/test split (default 1).") var dataSeed: UInt64?
    @Option(
        parsing: .unconditional,
        help: "Covariate shift of the test set, SCALE,OFFSET: every test feature x becomes SCALE·x + OFFSET.")
    var testShift: String?
    @Option(help: "For a CSV: classification or regression (default: classification when the targets are labels 0…99).")
    var task: String?

    @Option(help: "Widths of the hidden layers, comma-separated, e.g. 100,100,100 (default 16,16).") var hidden: String?
    @Option(help: "relu, tanh, sigmoid or linear (default relu).") var activation: Activation?
    @Option(help: "Normalization per hidden layer: none, batchnorm, layernorm, groupnorm (default none).")
    var norm: NormalizationKind?
    @Option(help: "before or after the activation (default before).") var normPosition: NormalizationPosition?
    @Flag(help: "Normalization without the learned gain γ and shift β.") var noAffine = false
    @Option(
        help:
            "Batch norm running statistics: a convention NormLab knows (pytorch, pytorch-cma, keras, onnx, caffe, notes-002, …; default pytorch)."
    )
    var convention: String?
    @Option(
        parsing: .unconditional, help: "Batch norm momentum, in the convention's meaning (default: the convention's).")
    var bnMomentum: Double?
    @Option(
        parsing: .unconditional,
        help: "ε of the normalization (default: the convention's for batch norm, 1e-5 otherwise).") var eps: Double?
    @Option(parsing: .unconditional, help: "Groups of group norm; must divide every hidden width (default 2).")
    var groups: Int?
    @Option(
        parsing: .unconditional,
        help: "Inverted dropout drop probability p, one for all hidden layers or one per layer (default 0).")
    var dropout: String?
    @Option(parsing: .unconditional, help: "c in W ~ N(0, c/fan_in), or he (c = 2) or xavier (default he).") var `init`:
        String?
    @Option(help: "cross-entropy or squared-error (default: cross-entropy for classes, squared-error otherwise).")
    var loss: LossKind?
    @Option(help: "f32 or f64 (default f32).") var precision: Precision?

    @Option(help: "sgd or adam (default sgd).") var optimizer: OptimizerKind?
    @Option(parsing: .unconditional, help: "Learning rate α (default 0.1).") var lr: Double?
    @Option(parsing: .unconditional, help: "SGD momentum μ (default 0).") var momentum: Double?
    @Option(parsing: .unconditional, help: "Weight decay λ: W ← (1 − αλ)W − α·step (default 0).") var weightDecay:
        Double?
    @Option(help: "What weight decay shrinks: weights (not biases or norm parameters) or all (default weights).")
    var decayOn: DecayScope?
    @Option(parsing: .unconditional, help: "Examples per step, or full for the whole training set (default 32).")
    var batchSize: String?
    @Option(parsing: .unconditional, help: "Training steps (default 500).") var steps: Int?
    @Option(parsing: .unconditional, help: "Training epochs (instead of --steps): ⌊n/batch⌋ steps each.") var epochs:
        Int?
    @Option(help: "Seed of initialization, shuffling and dropout masks (default 0).") var seed: UInt64?
    @Option(parsing: .unconditional, help: "Log (and print) every K steps (default 10).") var logEvery: Int?

    func validateFlags() throws {
        if let steps, epochs != nil {
            throw ValidationError("--steps \(steps) and --epochs both given; give one")
        }
    }

    /// `config` with every given option applied.
    func apply(to base: SimulationConfig) throws -> SimulationConfig {
        var c = base
        if let dataset { c.dataset = dataset }
        if let samples { c.samples = samples }
        if let noise { c.noise = noise }
        if let testFraction { c.testFraction = testFraction }
        if let dataSeed { c.dataSeed = dataSeed }
        if let testShift {
            let parts = testShift.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let scale = parts[0], let offset = parts[1] else {
                throw InputError("--test-shift \(testShift) must be SCALE,OFFSET, two numbers")
            }
            c.testShiftScale = scale
            c.testShiftOffset = offset
        }
        if let task { c.task = task }
        if let hidden { c.hidden = try Self.integers(hidden, flag: "--hidden") }
        if let activation { c.activation = activation }
        if let norm { c.normalization = norm }
        if let normPosition { c.position = normPosition }
        if noAffine { c.affine = false }
        if let convention { c.convention = convention }
        if let bnMomentum { c.bnMomentum = bnMomentum }
        if let eps { c.eps = eps }
        if let groups { c.groups = groups }
        if let dropout { c.dropout = try Self.numbers(dropout, flag: "--dropout") }
        if let initText = `init` { c.initialization = try Initialization(parsing: initText) }
        if let loss { c.loss = loss }
        if let precision { c.precision = precision }
        if let optimizer { c.optimizer = optimizer }
        if let lr { c.learningRate = lr }
        if let momentum { c.momentum = momentum }
        if let weightDecay { c.weightDecay = weightDecay }
        if let decayOn { c.decayScope = decayOn }
        if let batchSize {
            if batchSize == "full" {
                c.batchSize = nil
            } else if let b = Int(batchSize) {
                c.batchSize = b
            } else {
                throw InputError("--batch-size \(batchSize) must be a positive integer or full")
            }
        }
        if let steps {
            c.steps = steps
            c.epochs = nil
        }
        if let epochs { c.epochs = epochs }
        if let seed { c.seed = seed }
        if let logEvery { c.logEvery = logEvery }
        return c
    }

    static func integers(_ text: String, flag: String) throws -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        return try parts.map { part in
            guard let value = Int(part.trimmingCharacters(in: .whitespaces)) else {
                throw InputError("\(flag) \(text): \"\(part)\" is not an integer; give widths like 100,100")
            }
            return value
        }
    }

    static func numbers(_ text: String, flag: String) throws -> [Double] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
            guard let value = Double(part.trimmingCharacters(in: .whitespaces)) else {
                throw InputError("\(flag) \(text): \"\(part)\" is not a number")
            }
            return value
        }
    }
}
