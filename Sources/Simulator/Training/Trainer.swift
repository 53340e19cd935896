import Kernels

/// A run in progress, whatever its float type: the interface the command line,
/// the presets and the tests drive.
public protocol Trainer: AnyObject {
    var name: String { get }
    var config: SimulationConfig { get }
    var data: DataSplit { get }
    /// Updates done so far.
    var step: Int { get }
    var totalSteps: Int { get }
    var stepsPerEpoch: Int { get }
    var divergence: Divergence? { get }
    var initialTrainLoss: Double { get }
    /// The records logged so far (step 0 first).
    var records: [StepRecord] { get }
    /// Thread count of the kernels (does not change any result).
    var threads: Int { get set }
    /// Figures a preset adds to every logged record (computed at logging time).
    var recordExtras: ((any Trainer) throws -> [(String, Double?)])? { get set }
    /// One update; stops (and sets `divergence`) at the first NaN/∞. Returns false
    /// when the run is over (all steps done or diverged).
    @discardableResult func advance() throws -> Bool
    /// The summary as it stands.
    func result() throws -> RunResult
    /// Mean loss and accuracy on examples, in eval mode (`batchStatistics`: batch norm
    /// normalises each chunk of `chunk` examples by its own statistics).
    func evaluate(_ examples: Examples, batchStatistics: Bool, chunk: Int) throws -> (loss: Double, accuracy: Double?)
}

extension Trainer {
    /// Runs to the end (or the first NaN/∞).
    public func runToEnd() throws { while try advance() {} }
    public var finished: Bool { step >= totalSteps || divergence != nil }
}

/// A trainer for `config` on `data` named `name`.
public func makeTrainer(name: String, config: SimulationConfig, data: DataSplit, threads: Int) throws -> any Trainer {
    try config.validate()
    switch config.precision {
    case .f32: return TrainerBox(.f32(try Simulation<Float>(name: name, config: config, data: data, threads: threads)))
    case .f64: return TrainerBox(.f64(try Simulation<Double>(name: name, config: config, data: data, threads: threads)))
    }
}

/// The training loop: batches in a seeded order, forward, loss, backward, update,
/// the divergence check, and the figures of logged steps.
public final class Simulation<T: MatMulScalar>: Trainer {
    public let name: String
    public let config: SimulationConfig
    public let data: DataSplit
    public let network: Network<T>
    let optimizer: Optimizer<T>
    let loss: LossKind
    public let batch: Int
    public let stepsPerEpoch: Int
    public let totalSteps: Int
    public private(set) var step = 0
    public private(set) var divergence: Divergence?
    public private(set) var initialTrainLoss = Double.nan
    public private(set) var records: [StepRecord] = []
    /// The weights at initialization (for ‖W − W₀‖/‖W₀‖).
    public let initial: Parameters<T>
    var permutationEpoch = -1
    var permutation: [Int] = []
    let shuffleSeed: UInt64
    /// Hooks an experiment may set: called after each training forward pass
    /// (before the backward pass) with the step number.
    public var afterForward: ((Simulation<T>, Int) throws -> Void)?
    public var recordExtras: ((any Trainer) throws -> [(String, Double?)])? {
        // Step 0 is recorded when the run is made; a hook set afterwards fills its figures in too.
        didSet { if records.count == 1, let recordExtras { records[0].extra = (try? recordExtras(self)) ?? [] } }
    }
    /// The layer (from 0) and step whose normalization or dropout is captured for the zoom.
    public var zoomTarget: (layer: Int, step: Int)?

    public var threads: Int {
        get { network.threads }
        set { network.threads = newValue }
    }

    public init(name: String, config: SimulationConfig, data: DataSplit, threads: Int) throws {
        self.name = name
        self.config = config
        self.data = data
        let spec = try config.modelSpec(for: data)
        network = Network(spec: spec, initialization: config.initialization, seed: config.seed, threads: threads)
        optimizer = Optimizer(
            kind: config.optimizer, learningRate: config.learningRate, momentum: config.momentum,
            beta1: config.beta1, beta2: config.beta2, epsilon: config.adamEpsilon, weightDecay: config.weightDecay,
            scope: config.decayScope)
        loss = config.resolvedLoss(data.task)
        batch = config.resolvedBatch(trainCount: data.train.count)
        stepsPerEpoch = max(1, data.train.count / batch)
        totalSteps =
            config.epochs.map { $0 * max(1, data.train.count / config.resolvedBatch(trainCount: data.train.count)) }
            ?? config.steps
        shuffleSeed = RandomPurpose.shuffling.seed(config.seed)
        initial = network.parameters.copy()
        try start()
    }

    /// Step 0: the initial losses and the figures of a forward and backward pass on
    /// the first batch that changes nothing.
    func start() throws {
        let (trainLoss, _) = try evaluate(data.train, batchStatistics: false, chunk: 256)
        initialTrainLoss = trainLoss
        let ws = network.workspace(batch)
        let targets = load(step: 1, into: ws)
        try network.forward(ws, mode: .train(step: 1, updateRunning: false))
        let (sum, _) = Loss.evaluate(
            loss, logits: ws.logits, batch: batch, outputs: data.task.outputs, targets: targets,
            gradient: ws.gradLogits)
        try network.backward(ws)
        records.append(try record(ws, batchLoss: sum / Double(batch), changes: nil))
        if !trainLoss.isFinite { divergence = locate(ws, step: 0) }
    }

    /// The indices of the training examples of `step` (from 1): the full set in order
    /// for full-batch runs; otherwise positions ((step−1) mod E)·B ..< +B of the
    /// epoch's permutation (E = ⌊n/B⌋ steps per epoch; the last n mod B examples of
    /// each permutation sit the epoch out).
    public func batchIndices(step: Int) -> [Int] {
        if batch == data.train.count { return Array(0..<batch) }
        let epoch = (step - 1) / stepsPerEpoch
        if epoch != permutationEpoch {
            var generator = SplitMix64(seed: SplitMix64.value(seed: shuffleSeed, index: epoch))
            permutation = generator.permutation(data.train.count)
            permutationEpoch = epoch
        }
        let start = ((step - 1) % stepsPerEpoch) * batch
        return Array(permutation[start..<(start + batch)])
    }

    func load(step: Int, into ws: Workspace<T>) -> Loss.Targets {
        load(data.train.subset(batchIndices(step: step)), into: ws)
    }

    func load(_ examples: Examples, into ws: Workspace<T>) -> Loss.Targets {
        for i in 0..<examples.features.count { ws.input[i] = T(examples.features[i]) }
        return Loss.Targets(labels: examples.labels, values: examples.targets)
    }

    @discardableResult
    public func advance() throws -> Bool {
        guard !finished else { return false }
        let t = step + 1
        let ws = network.workspace(batch)
        let targets = load(step: t, into: ws)
        network.captureLayer = zoomTarget?.step == t ? zoomTarget?.layer : nil
        defer { network.captureLayer = nil }
        try network.forward(ws, mode: .train(step: t, updateRunning: true))
        if network.spec.normalization == .batchnorm { network.batchesSeen += 1 }
        try afterForward?(self, t)
        let (sum, _) = Loss.evaluate(
            loss, logits: ws.logits, batch: batch, outputs: data.task.outputs, targets: targets,
            gradient: ws.gradLogits)
        step = t
        let batchLoss = sum / Double(batch)
        if !sum.isFinite { return diverged(locate(ws, step: t), ws, batchLoss: batchLoss) }
        try network.backward(ws)
        if let bad = firstNonFiniteGradient() {
            let d = Divergence(step: t, layer: bad.layer, quantity: "gradient of the \(bad.kind)", value: bad.value)
            return diverged(d, ws, batchLoss: batchLoss)
        }
        let logged = t % config.logEvery == 0 || t == totalSteps
        let changes = optimizer.step(network.parameters, network.gradients, measure: logged)
        if let bad = firstNonFinite(network.parameters) {
            let d = Divergence(step: t, layer: bad.layer, quantity: "\(bad.kind) after the update", value: bad.value)
            return diverged(d, ws, batchLoss: batchLoss)
        }
        if logged {
            let r = try record(ws, batchLoss: batchLoss, changes: changes)
            records.append(r)
            if !r.trainLoss.isFinite {
                divergence = Divergence(
                    step: t, layer: nil, quantity: "training loss (eval mode)", value: text(r.trainLoss))
                return false
            }
        }
        return !finished
    }

    public func evaluate(_ examples: Examples, batchStatistics: Bool, chunk: Int) throws -> (
        loss: Double, accuracy: Double?
    ) {
        var total = 0.0
        var correct = 0
        var start = 0
        let n = examples.count
        while start < n {
            let size = min(chunk, n - start)
            let ws = network.workspace(size)
            let part = examples.subset(Array(start..<(start + size)))
            let targets = load(part, into: ws)
            try network.forward(ws, mode: .eval(batchStatistics: batchStatistics))
            let (sum, right) = Loss.evaluate(
                loss, logits: ws.logits, batch: size, outputs: data.task.outputs, targets: targets, gradient: nil)
            total += sum
            correct += right
            start += size
        }
        let accuracy: Double? = examples.labels.isEmpty ? nil : Double(correct) / Double(max(n, 1))
        return (total / Double(max(n, 1)), accuracy)
    }

    public func result() throws -> RunResult {
        let last = records.last
        let finalTrain = divergence == nil ? (last?.trainLoss ?? .nan) : .nan
        return RunResult(
            name: name,
            status: RunStatus.of(initialLoss: initialTrainLoss, finalLoss: finalTrain, divergence: divergence),
            steps: step, initialTrainLoss: initialTrainLoss, finalTrainLoss: finalTrain,
            finalTestLoss: divergence == nil ? last?.testLoss : .nan,
            trainAccuracy: divergence == nil ? last?.trainAccuracy : nil,
            testAccuracy: divergence == nil ? last?.testAccuracy : nil, divergence: divergence)
    }

    // MARK: - Figures

    func record(_ ws: Workspace<T>, batchLoss: Double, changes: [(change: Double, before: Double)]?) throws
        -> StepRecord
    {
        let (trainLoss, trainAccuracy) = try evaluate(data.train, batchStatistics: false, chunk: 256)
        var testLoss: Double? = nil
        var testAccuracy: Double? = nil
        if data.test.count > 0 {
            (testLoss, testAccuracy) = try evaluate(data.test, batchStatistics: false, chunk: 256)
        }
        let spec = network.spec
        var layers: [LayerFigures] = []
        for l in 0...spec.layerCount {
            let width = spec.widths[l + 1]
            let wIndex = 2 * l
            let w = network.parameters.tensors[wIndex]
            let weightNorm = w.sumOfSquares().squareRoot()
            let w0 = initial.tensors[wIndex]
            var driftSquares = 0.0
            for i in 0..<w.count {
                let d = Double(w[i]) - Double(w0[i])
                driftSquares += d * d
            }
            var figures = LayerFigures(
                layer: l + 1, kind: l < spec.layerCount ? "hidden" : "output", width: width,
                gradientNorm: network.gradients.tensors[wIndex].sumOfSquares().squareRoot(), weightNorm: weightNorm,
                updateRatio: nil, drift: driftSquares.squareRoot() / w0.sumOfSquares().squareRoot())
            if let changes {
                figures.updateRatio = changes[wIndex].change.squareRoot() / changes[wIndex].before.squareRoot()
            }
            if l < spec.layerCount {
                let a = ws.activated[l]
                let n = ws.batch * width
                var sum = 0.0
                var squares = 0.0
                var norms = 0.0
                for i in 0..<ws.batch {
                    var row = 0.0
                    for j in 0..<width {
                        let v = Double(a[i * width + j])
                        sum += v
                        row += v * v
                    }
                    squares += row
                    norms += row.squareRoot()
                }
                let mean = sum / Double(n)
                figures.activationMean = mean
                figures.activationStd = max(0, squares / Double(n) - mean * mean).squareRoot()
                figures.activationNorm = norms / Double(ws.batch)
                if spec.activation == .relu {
                    var dead = 0
                    for j in 0..<width {
                        var alive = false
                        for i in 0..<ws.batch where a[i * width + j] != 0 {
                            alive = true
                            break
                        }
                        if !alive { dead += 1 }
                    }
                    figures.deadFraction = Double(dead) / Double(width)
                }
                if spec.normalization == .batchnorm, let saved = ws.saved[l], let state = network.running[l] {
                    figures.batchMean = saved.mean.reduce(0.0) { $0 + Double($1) } / Double(width)
                    figures.batchVariance = saved.variance.reduce(0.0) { $0 + Double($1) } / Double(width)
                    figures.runningMean = state.mean.reduce(0, +) / Double(width)
                    figures.runningVariance = state.variance.reduce(0, +) / Double(width)
                }
            }
            layers.append(figures)
        }
        var record = StepRecord(
            run: name, step: step, epoch: step == 0 ? 0 : (step - 1) / stepsPerEpoch + 1, trainLoss: trainLoss,
            testLoss: testLoss, trainAccuracy: trainAccuracy, testAccuracy: testAccuracy, batchLoss: batchLoss,
            layers: layers)
        if let recordExtras { record.extra = try recordExtras(self) }
        return record
    }

    /// Logs the step at which the run diverged (its figures hold the NaN or ∞), then stops.
    func diverged(_ d: Divergence, _ ws: Workspace<T>, batchLoss: Double) -> Bool {
        divergence = d
        if records.last?.step != d.step, let r = try? record(ws, batchLoss: batchLoss, changes: nil) {
            records.append(r)
        }
        return false
    }

    // MARK: - Finding the first NaN/∞

    func text(_ x: Double) -> String { x.isNaN ? "NaN" : (x > 0 ? "+∞" : "−∞") }

    func firstBad(_ b: Buffer<T>, count: Int) -> String? {
        for i in 0..<count where !b[i].isFinite { return text(Double(b[i])) }
        return nil
    }

    /// The first non-finite forward value, in computation order.
    func locate(_ ws: Workspace<T>, step: Int) -> Divergence {
        let spec = network.spec
        for l in 0..<spec.layerCount {
            let n = ws.batch * spec.hidden[l]
            var stages: [(String, Buffer<T>)] = [("pre-activation W·x + b", ws.linear[l])]
            let norm = spec.normalization.rawValue
            if spec.hasNorm && spec.position == .before { stages.append(("\(norm) output", ws.normalized[l]!)) }
            stages.append(("activation", ws.activated[l]))
            if spec.hasNorm && spec.position == .after { stages.append(("\(norm) output", ws.normalized[l]!)) }
            if let d = ws.dropped[l] { stages.append(("dropout output", d)) }
            for (quantity, buffer) in stages {
                if let value = firstBad(buffer, count: n) {
                    return Divergence(step: step, layer: l + 1, quantity: quantity, value: value)
                }
            }
        }
        if let value = firstBad(ws.logits, count: ws.batch * spec.outputs) {
            return Divergence(step: step, layer: spec.layerCount + 1, quantity: "logits", value: value)
        }
        return Divergence(step: step, layer: nil, quantity: "loss", value: "+∞")
    }

    func firstNonFiniteGradient() -> (layer: Int, kind: String, value: String)? {
        // Backward order: the output layer first.
        for index in network.gradients.tensors.indices.reversed() {
            let g = network.gradients.tensors[index]
            if let value = firstBad(g, count: g.count) {
                let info = network.gradients.info[index]
                return (info.layer, info.kind.rawValue, value)
            }
        }
        return nil
    }

    func firstNonFinite(_ p: Parameters<T>) -> (layer: Int, kind: String, value: String)? {
        for (index, tensor) in p.tensors.enumerated() where !tensor.allFinite() {
            return (p.info[index].layer, p.info[index].kind.rawValue, firstBad(tensor, count: tensor.count) ?? "NaN")
        }
        return nil
    }
}
