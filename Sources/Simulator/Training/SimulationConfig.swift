import Kernels

/// Everything that determines a run. Two runs with equal configurations produce
/// the same bytes, whatever the thread count (which is therefore not part of it).
public struct SimulationConfig: Sendable, Equatable {
    // Data
    /// `circle`, `xor`, `gaussians`, `spiral`, `regression`, `digits`, or a CSV file path.
    public var dataset = "circle"
    /// Examples generated for the synthetic sets.
    public var samples = 400
    /// Noise of the synthetic sets (nil: the set's default).
    public var noise: Double? = nil
    public var testFraction = 0.2
    public var dataSeed: UInt64 = 1
    /// The test set's covariate shift x ↦ scale·x + offset (1 and 0: none).
    public var testShiftScale = 1.0
    public var testShiftOffset = 0.0
    /// `classification` or `regression` for a CSV file (nil: decided from the targets).
    public var task: String? = nil

    // Model
    public var hidden = [16, 16]
    public var activation = Activation.relu
    public var normalization = NormalizationKind.none
    public var position = NormalizationPosition.before
    public var affine = true
    public var convention = "pytorch"
    public var bnMomentum: Double? = nil
    /// ε of the normalization (nil: the convention's for batch norm, 1e-5 otherwise).
    public var eps: Double? = nil
    public var groups = 2
    /// One drop probability for every hidden layer, or one per layer.
    public var dropout = [0.0]
    public var initialization = Initialization.he
    public var loss: LossKind? = nil
    public var precision = Precision.f32

    // Training
    public var optimizer = OptimizerKind.sgd
    public var learningRate = 0.1
    public var momentum = 0.0
    public var beta1 = 0.9
    public var beta2 = 0.999
    public var adamEpsilon = 1e-8
    public var weightDecay = 0.0
    public var decayScope = DecayScope.weights
    /// Examples per step; nil is the full training set (gradient descent).
    public var batchSize: Int? = 32
    public var steps = 500
    /// Epochs instead of steps: ⌊n/batch⌋ steps each.
    public var epochs: Int? = nil
    /// Log every this many steps (and the first and last).
    public var logEvery = 10
    public var seed: UInt64 = 0

    public init() {}

    /// The loss: as given, or cross-entropy for classification and squared error for regression.
    public func resolvedLoss(_ task: Task) -> LossKind {
        if let loss { return loss }
        if case .classification = task { return .crossEntropy }
        return .squaredError
    }

    /// Checks the rules that do not need the data; each error names the value and the rule.
    public func validate() throws {
        guard !hidden.isEmpty else { throw SimulatorError("--hidden is empty; give at least one hidden layer width") }
        for (i, w) in hidden.enumerated() where w < 1 {
            throw SimulatorError("--hidden: layer \(i + 1) has width \(w); every width must be at least 1")
        }
        guard dropout.count == 1 || dropout.count == hidden.count else {
            throw SimulatorError(
                "--dropout has \(dropout.count) values for \(hidden.count) hidden layers; give one value or one per layer"
            )
        }
        for p in dropout where !(p >= 0 && p < 1) {
            throw SimulatorError(
                "--dropout \(shortestText(p)) must lie in [0, 1) (inverted dropout scales kept units by 1/(1 − p))")
        }
        guard learningRate > 0, learningRate.isFinite else {
            throw SimulatorError("--lr \(shortestText(learningRate)) must be > 0")
        }
        guard momentum >= 0, momentum < 1 else {
            throw SimulatorError("--momentum \(shortestText(momentum)) must lie in [0, 1)")
        }
        guard beta1 >= 0, beta1 < 1, beta2 >= 0, beta2 < 1 else {
            throw SimulatorError("Adam's betas (\(beta1), \(beta2)) must lie in [0, 1)")
        }
        guard weightDecay >= 0, weightDecay.isFinite else {
            throw SimulatorError("--weight-decay \(shortestText(weightDecay)) must be ≥ 0")
        }
        guard learningRate * weightDecay < 1 else {
            throw SimulatorError(
                "--lr × --weight-decay = \(learningRate * weightDecay) must be < 1 (the shrink factor 1 − αλ must stay positive)"
            )
        }
        guard steps >= 1 else { throw SimulatorError("--steps \(steps) must be at least 1") }
        if let epochs, epochs < 1 { throw SimulatorError("--epochs \(epochs) must be at least 1") }
        guard logEvery >= 1 else { throw SimulatorError("--log-every \(logEvery) must be at least 1") }
        if let batchSize, batchSize < 1 {
            throw SimulatorError("--batch-size \(batchSize) must be at least 1 (or `full`)")
        }
        guard testFraction >= 0, testFraction < 1 else {
            throw SimulatorError("--test-fraction \(shortestText(testFraction)) must lie in [0, 1)")
        }
        guard testShiftScale.isFinite, testShiftOffset.isFinite else {
            throw SimulatorError("--test-shift must be finite numbers")
        }
        if normalization == .groupnorm {
            guard groups >= 1 else { throw SimulatorError("--groups \(groups) must be at least 1") }
            for w in hidden where w % groups != 0 {
                throw SimulatorError("--groups \(groups) does not divide the hidden width \(w); group norm needs it to")
            }
        }
        if let eps, !(eps >= 0 && eps.isFinite) { throw SimulatorError("--eps \(shortestText(eps)) must be ≥ 0") }
        if let noise, !(noise >= 0 && noise.isFinite) {
            throw SimulatorError("--noise \(shortestText(noise)) must be ≥ 0")
        }
        if SyntheticData.names.contains(dataset) && samples < 4 {
            throw SimulatorError("--samples \(samples) must be at least 4")
        }
        _ = try runningStatistics()
    }

    public func runningStatistics() throws -> RunningStatistics {
        try RunningStatistics(convention: convention, momentum: bnMomentum, eps: eps)
    }

    /// The drop probability of each hidden layer.
    public var dropoutPerLayer: [Double] {
        dropout.count == 1 ? Array(repeating: dropout[0], count: hidden.count) : dropout
    }

    /// The model for a data set.
    public func modelSpec(for data: DataSplit) throws -> ModelSpec {
        let running = try runningStatistics()
        return ModelSpec(
            inputs: data.train.dimension, outputs: data.task.outputs, hidden: hidden, activation: activation,
            normalization: normalization, position: position, affine: affine, groups: groups,
            eps: normalization == .batchnorm ? running.eps : (eps ?? 1e-5), running: running,
            dropout: dropoutPerLayer)
    }

    /// The examples per step for a training set of `count`.
    public func resolvedBatch(trainCount: Int) -> Int { batchSize ?? trainCount }
}

extension SimulationConfig {
    /// Loads the data set: generated, shipped (digits) or a CSV file (its text given by `readFile`).
    public func loadData(readFile: (String) throws -> String) throws -> DataSplit {
        var split: DataSplit
        if SyntheticData.names.contains(dataset) {
            let (task, all) = SyntheticData.generate(
                dataset, count: samples, noise: noise ?? SyntheticData.defaultNoise(dataset), seed: dataSeed)
            split = DataSplit(
                name: dataset, task: task, all: all, testFraction: testFraction, seed: dataSeed,
                source: "generated by NormLab from SplitMix64 (data seed \(dataSeed))")
        } else if dataset == "digits" {
            split = DataSplit(
                name: dataset, task: .classification(classes: 10), all: Digits.examples, testFraction: testFraction,
                seed: dataSeed, source: Digits.credit)
        } else if dataset.hasSuffix(".csv") {
            if let task, task != "classification" && task != "regression" {
                throw SimulatorError("--task \(task) must be classification or regression")
            }
            let text = try readFile(dataset)
            let (task, all) = try CSVData.parse(text, name: dataset, task: task)
            split = DataSplit(
                name: dataset, task: task, all: all, testFraction: testFraction, seed: dataSeed,
                source: "the file \(dataset)")
        } else {
            throw SimulatorError(
                "--dataset \(dataset) is unknown; give circle, xor, gaussians, spiral, regression, digits or a FILE.csv"
            )
        }
        if testShiftScale != 1 || testShiftOffset != 0 {
            split.test = split.test.shifted(scale: testShiftScale, offset: testShiftOffset)
        }
        let batch = resolvedBatch(trainCount: split.train.count)
        if batch > split.train.count {
            throw SimulatorError(
                "--batch-size \(batch) is larger than the training set (\(split.train.count) examples); it must be at most that"
            )
        }
        if normalization == .batchnorm && batch < 2 {
            throw SimulatorError(
                "--batch-size 1 with batch norm: a batch of one has zero variance; batch norm needs at least 2")
        }
        if case .regression = split.task, resolvedLoss(split.task) == .crossEntropy {
            throw SimulatorError("--loss cross-entropy needs class labels; \(dataset) is a regression set")
        }
        return split
    }
}
