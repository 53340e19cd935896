import Kernels

/// The shape of a multilayer perceptron and what each hidden layer does:
/// linear → [norm if before] → activation → [norm if after] → [dropout];
/// the output layer is linear.
public struct ModelSpec: Sendable, Equatable {
    public var inputs: Int
    public var outputs: Int
    /// Widths of the hidden layers 1…L.
    public var hidden: [Int]
    public var activation: Activation
    public var normalization: NormalizationKind
    public var position: NormalizationPosition
    public var affine: Bool
    /// Groups of group normalization (a divisor of every hidden width).
    public var groups: Int
    /// ε of batch, layer and group normalization.
    public var eps: Double
    /// Batch norm's running statistics.
    public var running: RunningStatistics
    /// Drop probability per hidden layer.
    public var dropout: [Double]

    public var layerCount: Int { hidden.count }
    /// Widths of every layer's output, from the input: [inputs, h1, …, hL, outputs].
    public var widths: [Int] { [inputs] + hidden + [outputs] }
    public var hasNorm: Bool { normalization != .none }
}

/// How a forward pass runs.
public enum ForwardMode: Sendable, Equatable {
    /// Training: batch statistics, dropout masks of `step`; running statistics
    /// updated when `updateRunning`.
    case train(step: Int, updateRunning: Bool)
    /// Evaluation: batch norm with running statistics (or, with `batchStatistics`,
    /// with the statistics of the evaluated batch: test-time BN); no dropout.
    case eval(batchStatistics: Bool)
}

/// Buffers of one forward and backward pass at one batch size.
final class Workspace<T: MatMulScalar> {
    let batch: Int
    let input: Buffer<T>
    /// Per hidden layer: linear output z, normalization output, activation output, dropout output.
    var linear: [Buffer<T>] = []
    var normalized: [Buffer<T>?] = []
    var activated: [Buffer<T>] = []
    var dropped: [Buffer<T>?] = []
    var masks: [[UInt8]] = []
    var saved: [SavedStatistics<T>?] = []
    /// Which buffer each hidden layer hands on (after the last stage that ran).
    var output: [Buffer<T>] = []
    let logits: Buffer<T>
    let gradLogits: Buffer<T>
    let gradA: Buffer<T>
    let gradB: Buffer<T>

    init(spec: ModelSpec, batch: Int) {
        self.batch = batch
        input = Buffer(count: batch * spec.inputs)
        for (l, width) in spec.hidden.enumerated() {
            linear.append(Buffer(count: batch * width))
            normalized.append(spec.hasNorm ? Buffer(count: batch * width) : nil)
            activated.append(Buffer(count: batch * width))
            dropped.append(spec.dropout[l] > 0 ? Buffer(count: batch * width) : nil)
            masks.append(spec.dropout[l] > 0 ? [UInt8](repeating: 1, count: batch * width) : [])
            saved.append(nil)
        }
        output = activated
        logits = Buffer(count: batch * spec.outputs)
        gradLogits = Buffer(count: batch * spec.outputs)
        let widest = spec.widths.max()!
        gradA = Buffer(count: batch * widest)
        gradB = Buffer(count: batch * widest)
    }
}

/// Batch norm's running statistics of one layer, kept in Double.
public struct RunningState: Sendable, Equatable {
    /// Values of the network's float type (each update is computed in Double and rounded).
    public var mean: [Double]
    public var variance: [Double]
}

/// The live tensors of one layer's normalization or dropout at one step, as the
/// kernels saw and produced them (values of the network's float type, held as Double).
public struct Captured: Sendable {
    public var x: [Double] = []
    public var y: [Double] = []
    public var gamma: [Double] = []
    public var beta: [Double] = []
    public var mean: [Double] = []
    public var variance: [Double] = []
    public var runningMeanBefore: [Double] = []
    public var runningVarianceBefore: [Double] = []
    public var runningMean: [Double] = []
    public var runningVariance: [Double] = []
    public var batchesSeen = 0
    public var mask: [UInt8] = []
    public var dy: [Double] = []
    public var dx: [Double] = []
    public var dgamma: [Double] = []
    public var dbeta: [Double] = []
    /// "normalization" or "dropout".
    public var what = ""
    public var batch = 0
    public var width = 0
}

/// A multilayer perceptron on the kernels: matmul for the linear maps, the SIMD
/// normalization and dropout kernels, elementwise activations. Generic over Float
/// and Double.
public final class Network<T: MatMulScalar>: @unchecked Sendable {
    public let spec: ModelSpec
    public let parameters: Parameters<T>
    public let gradients: Parameters<T>
    public var running: [RunningState?]
    /// Training batches seen by batch norm (for cumulative and Caffe averaging).
    public var batchesSeen = 0
    /// Seed of the dropout stream.
    public let dropoutSeed: UInt64
    public var threads: Int
    var workspaces: [Int: Workspace<T>] = [:]
    /// The hidden layer (from 0) whose normalization or dropout the next training
    /// step copies into `captured`, for the exact zoom.
    public var captureLayer: Int?
    public var captured = Captured()
    let ones: [Buffer<T>]
    let zeros: [Buffer<T>]

    /// A network initialised from the initialization stream of `seed`: weights of
    /// layer 1, then 2, …, row-major, each w = σ·z with z standard normal.
    public init(spec: ModelSpec, initialization: Initialization, seed: UInt64, threads: Int) {
        self.spec = spec
        self.threads = threads
        dropoutSeed = RandomPurpose.dropout.seed(seed)
        var normal = NormalSampler(RandomPurpose.initialization.generator(seed))
        var tensors: [Buffer<T>] = []
        var info: [Parameters<T>.Info] = []
        let widths = spec.widths
        for l in 0..<(widths.count - 1) {
            let (fanIn, fanOut) = (widths[l], widths[l + 1])
            let sd = initialization.variance(fanIn: fanIn, fanOut: fanOut).squareRoot()
            let w = Buffer<T>(count: fanIn * fanOut)
            for i in 0..<w.count { w[i] = T(sd * normal.next()) }
            tensors.append(w)
            info.append(.init(layer: l + 1, kind: .weight))
            tensors.append(Buffer(count: fanOut))
            info.append(.init(layer: l + 1, kind: .bias))
        }
        if spec.hasNorm && spec.affine {
            for (l, width) in spec.hidden.enumerated() {
                tensors.append(Buffer(count: width, repeating: 1))
                info.append(.init(layer: l + 1, kind: .gain))
                tensors.append(Buffer(count: width, repeating: 0))
                info.append(.init(layer: l + 1, kind: .shift))
            }
        }
        parameters = Parameters(tensors: tensors, info: info)
        gradients = parameters.zeros()
        running = spec.hidden.map {
            spec.normalization == .batchnorm
                ? RunningState(
                    mean: Array(repeating: Double(T(spec.running.initialMean)), count: $0),
                    variance: Array(repeating: Double(T(spec.running.initialVariance)), count: $0)) : nil
        }
        ones = spec.hidden.map { Buffer(count: $0, repeating: 1) }
        zeros = spec.hidden.map { Buffer(count: $0, repeating: 0) }
    }

    func workspace(_ batch: Int) -> Workspace<T> {
        if let w = workspaces[batch] { return w }
        let w = Workspace<T>(spec: spec, batch: batch)
        workspaces[batch] = w
        return w
    }

    func weight(_ l: Int) -> Buffer<T> { parameters.tensors[2 * l] }
    func bias(_ l: Int) -> Buffer<T> { parameters.tensors[2 * l + 1] }
    func gain(_ l: Int) -> Buffer<T> { parameters.tensor(layer: l + 1, kind: .gain) ?? ones[l] }
    func shift(_ l: Int) -> Buffer<T> { parameters.tensor(layer: l + 1, kind: .shift) ?? zeros[l] }

    /// The seed of the dropout mask of hidden layer l (from 0) at `step` (from 1):
    /// output (step − 1)·L + l + 1 of the dropout stream.
    public func maskSeed(step: Int, layer l: Int) -> UInt64 {
        SplitMix64.value(seed: dropoutSeed, index: (step - 1) * spec.layerCount + l)
    }

    // MARK: - Forward

    /// Runs the network on the `batch` examples in the workspace input; fills the logits.
    @discardableResult
    func forward(_ ws: Workspace<T>, mode: ForwardMode) throws -> Buffer<T> {
        let b = ws.batch
        var x = ws.input
        for l in 0..<spec.layerCount {
            let width = spec.hidden[l]
            let fanIn = spec.widths[l]
            try MatMul.multiply(
                a: x.ro, .normal, b: weight(l).ro, .normal, bias: bias(l).ro, c: ws.linear[l].rw,
                m: b, n: width, k: fanIn, threads: threads)
            var current = ws.linear[l]
            if spec.hasNorm && spec.position == .before {
                try normalize(l, ws, from: current, to: ws.normalized[l]!, mode: mode)
                current = ws.normalized[l]!
            }
            applyActivation(current, ws.activated[l], count: b * width)
            current = ws.activated[l]
            if spec.hasNorm && spec.position == .after {
                try normalize(l, ws, from: current, to: ws.normalized[l]!, mode: mode)
                current = ws.normalized[l]!
            }
            if case .train(let step, _) = mode, spec.dropout[l] > 0, let out = ws.dropped[l] {
                let p = spec.dropout[l]
                let seed = maskSeed(step: max(step, 1), layer: l)
                try ws.masks[l].withUnsafeMutableBufferPointer {
                    try Dropout.fillMask($0, p: p, seed: seed, threads: threads)
                }
                try ws.masks[l].withUnsafeBufferPointer {
                    try Dropout.forwardTraining(
                        x: current.ro, mask: $0, p: T(p), scaling: .inverted, y: out.rw, threads: threads)
                }
                if captureLayer == l && !spec.hasNorm {
                    captured = Captured()
                    captured.what = "dropout"
                    captured.batch = b
                    captured.width = width
                    captured.x = current.array.map { Double($0) }
                    captured.mask = ws.masks[l]
                    captured.y = out.array.map { Double($0) }
                }
                current = out
            }
            ws.output[l] = current
            x = current
        }
        let last = spec.layerCount
        try MatMul.multiply(
            a: x.ro, .normal, b: weight(last).ro, .normal, bias: bias(last).ro, c: ws.logits.rw,
            m: b, n: spec.outputs, k: spec.widths[last], threads: threads)
        return ws.logits
    }

    func normalize(_ l: Int, _ ws: Workspace<T>, from x: Buffer<T>, to y: Buffer<T>, mode: ForwardMode) throws {
        let capturing = captureLayer == l
        if capturing, case .train = mode {
            captured = Captured()
            captured.what = "normalization"
            captured.batch = ws.batch
            captured.width = spec.hidden[l]
            captured.x = x.array.map { Double($0) }
            captured.gamma = gain(l).array.map { Double($0) }
            captured.beta = shift(l).array.map { Double($0) }
            captured.batchesSeen = batchesSeen
            if let state = running[l] {
                captured.runningMeanBefore = state.mean
                captured.runningVarianceBefore = state.variance
            }
        }
        defer {
            if capturing, case .train = mode {
                captured.y = Array(y.ro(ws.batch * spec.hidden[l])).map { Double($0) }
                if let saved = ws.saved[l] {
                    captured.mean = saved.mean.map { Double($0) }
                    captured.variance = saved.variance.map { Double($0) }
                }
                if let state = running[l] {
                    captured.runningMean = state.mean
                    captured.runningVariance = state.variance
                }
            }
        }
        let b = ws.batch
        let c = spec.hidden[l]
        let gamma = gain(l).ro
        let beta = shift(l).ro
        let eps = T(spec.eps)
        switch spec.normalization {
        case .none: return
        case .batchnorm:
            if case .eval(let batchStatistics) = mode, !batchStatistics {
                let state = running[l]!
                let mean = state.mean.map { T($0) }
                let variance = state.variance.map { T($0) }
                try mean.withUnsafeBufferPointer { rm in
                    try variance.withUnsafeBufferPointer { rv in
                        try BatchNorm.forwardEval(
                            x: x.ro, shape: .nc(n: b, c: c), gamma: gamma, beta: beta, runningMean: rm,
                            runningVariance: rv, epsilon: eps, y: y.rw, threads: threads)
                    }
                }
                return
            }
            let saved = try BatchNorm.forwardTraining(
                x: x.ro, shape: .nc(n: b, c: c), gamma: gamma, beta: beta, epsilon: eps, y: y.rw, threads: threads)
            ws.saved[l] = saved
            if case .train(_, true) = mode { try updateRunning(l, saved: saved, count: b) }
        case .layernorm:
            ws.saved[l] = try LayerNorm.forward(
                x: x.ro, rows: b, features: c, gamma: gamma, beta: beta, epsilon: eps, y: y.rw, threads: threads)
        case .groupnorm:
            ws.saved[l] = try GroupNorm.forward(
                x: x.ro, n: b, c: c, h: 1, w: 1, groups: spec.groups, gamma: gamma, beta: beta, epsilon: eps,
                y: y.rw, threads: threads)
        }
    }

    /// The running statistics after one training batch, by the convention
    /// (`RunningStatistics.coefficients`); the batch mean is the kernel's double-word mean.
    func updateRunning(_ l: Int, saved: SavedStatistics<T>, count m: Int) throws {
        guard var state = running[l] else { return }
        let (a, b) = spec.running.coefficients(seen: batchesSeen)
        let factor = try spec.running.varianceFactor(count: m)
        for j in 0..<state.mean.count {
            let mean = Double(saved.mean[j]) + Double(saved.meanLow[j])
            let fed = Double(saved.variance[j]) * factor
            state.mean[j] = Double(T(a * state.mean[j] + b * mean))
            if spec.running.averagesStandardDeviation {
                let sd = a * state.variance[j].squareRoot() + b * fed.squareRoot()
                state.variance[j] = Double(T(sd * sd))
            } else {
                state.variance[j] = Double(T(a * state.variance[j] + b * fed))
            }
        }
        running[l] = state
    }

    func applyActivation(_ x: Buffer<T>, _ y: Buffer<T>, count: Int) {
        let xp = x.base
        let yp = y.base
        switch spec.activation {
        case .relu: for i in 0..<count { yp[i] = xp[i] > 0 ? xp[i] : (xp[i].isNaN ? xp[i] : 0) }
        case .linear: yp.update(from: xp, count: count)
        case .tanh: for i in 0..<count { yp[i] = T(PortableMath.tanh(Double(xp[i]))) }
        case .sigmoid: for i in 0..<count { yp[i] = T(PortableMath.sigmoid(Double(xp[i]))) }
        }
    }

    // MARK: - Backward

    /// Gradients of the loss whose ∂/∂logits is in `ws.gradLogits`, after a
    /// training forward pass on the same workspace, into `gradients`.
    func backward(_ ws: Workspace<T>, train: Bool = true) throws {
        let b = ws.batch
        let last = spec.layerCount
        // ∂ℓ/∂logits is copied into the first of the two ping-pong buffers.
        var g = ws.gradA
        var spare = ws.gradB
        g.base.update(from: ws.gradLogits.base, count: b * spec.outputs)
        for l in stride(from: last, through: 0, by: -1) {
            let fanIn = spec.widths[l]
            let fanOut = spec.widths[l + 1]
            if l < last {
                // g holds ∂ℓ/∂(output of hidden layer l) (0-based l ↔ layer l + 1).
                if train, spec.dropout[l] > 0 {
                    try ws.masks[l].withUnsafeBufferPointer {
                        try Dropout.backward(
                            dy: g.ro(b * fanOut), mask: $0, p: T(spec.dropout[l]), scaling: .inverted,
                            dx: spare.rw(b * fanOut), threads: threads)
                    }
                    if captureLayer == l && captured.what == "dropout" {
                        captured.dy = Array(g.ro(b * fanOut)).map { Double($0) }
                        captured.dx = Array(spare.ro(b * fanOut)).map { Double($0) }
                    }
                    swap(&g, &spare)
                }
                if spec.hasNorm && spec.position == .after {
                    try normalizeBackward(l, ws, x: ws.activated[l], dy: g, dx: spare)
                    swap(&g, &spare)
                }
                activationBackward(
                    g, input: spec.hasNorm && spec.position == .before ? ws.normalized[l]! : ws.linear[l],
                    output: ws.activated[l], count: b * fanOut)
                if spec.hasNorm && spec.position == .before {
                    try normalizeBackward(l, ws, x: ws.linear[l], dy: g, dx: spare)
                    swap(&g, &spare)
                }
            }
            let x = l == 0 ? ws.input : ws.output[l - 1]
            try MatMul.multiply(
                a: x.ro, .transposed, b: g.ro(b * fanOut), .normal, c: gradients.tensors[2 * l].rw,
                m: fanIn, n: fanOut, k: b, threads: threads)
            columnSums(g, rows: b, columns: fanOut, into: gradients.tensors[2 * l + 1])
            if l > 0 {
                try MatMul.multiply(
                    a: g.ro(b * fanOut), .normal, b: weight(l).ro, .transposed, c: spare.rw(b * fanIn),
                    m: b, n: fanIn, k: fanOut, threads: threads)
                swap(&g, &spare)
            }
        }
    }

    func normalizeBackward(_ l: Int, _ ws: Workspace<T>, x: Buffer<T>, dy: Buffer<T>, dx: Buffer<T>) throws {
        let b = ws.batch
        let c = spec.hidden[l]
        defer {
            if captureLayer == l && captured.what == "normalization" {
                captured.dy = Array(dy.ro(b * c)).map { Double($0) }
                captured.dx = Array(dx.ro(b * c)).map { Double($0) }
                captured.dgamma =
                    (parameters.index(layer: l + 1, kind: .gain).map { gradients.tensors[$0].array } ?? [])
                    .map { Double($0) }
                captured.dbeta =
                    (parameters.index(layer: l + 1, kind: .shift).map { gradients.tensors[$0].array } ?? [])
                    .map { Double($0) }
            }
        }
        let saved = ws.saved[l]!
        let dgamma = parameters.index(layer: l + 1, kind: .gain).map { gradients.tensors[$0] } ?? Buffer<T>(count: c)
        let dbeta = parameters.index(layer: l + 1, kind: .shift).map { gradients.tensors[$0] } ?? Buffer<T>(count: c)
        let gamma = gain(l).ro
        switch spec.normalization {
        case .none: return
        case .batchnorm:
            try BatchNorm.backward(
                dy: dy.ro(b * c), source: .x(x.ro, saved), shape: .nc(n: b, c: c), gamma: gamma, dx: dx.rw(b * c),
                dgamma: dgamma.rw, dbeta: dbeta.rw, threads: threads)
        case .layernorm:
            try LayerNorm.backward(
                dy: dy.ro(b * c), source: .x(x.ro, saved), rows: b, features: c, gamma: gamma, dx: dx.rw(b * c),
                dgamma: dgamma.rw, dbeta: dbeta.rw, threads: threads)
        case .groupnorm:
            try GroupNorm.backward(
                dy: dy.ro(b * c), source: .x(x.ro, saved), n: b, c: c, h: 1, w: 1, groups: spec.groups, gamma: gamma,
                dx: dx.rw(b * c), dgamma: dgamma.rw, dbeta: dbeta.rw, threads: threads)
        }
    }

    /// g ← g·σ'(u), with σ' from the activation's input u or output a.
    func activationBackward(_ g: Buffer<T>, input u: Buffer<T>, output a: Buffer<T>, count: Int) {
        let gp = g.base
        switch spec.activation {
        case .relu:
            let up = u.base
            for i in 0..<count where !(up[i] > 0) { gp[i] = 0 }
        case .linear: return
        case .tanh:
            let ap = a.base
            for i in 0..<count { gp[i] = gp[i] * (1 - ap[i] * ap[i]) }
        case .sigmoid:
            let ap = a.base
            for i in 0..<count { gp[i] = gp[i] * (ap[i] * (1 - ap[i])) }
        }
    }

    /// Σ over rows, in row order.
    func columnSums(_ g: Buffer<T>, rows: Int, columns: Int, into out: Buffer<T>) {
        let o = out.base
        o.update(repeating: 0, count: columns)
        for r in 0..<rows {
            let row = g.base + r * columns
            for j in 0..<columns { o[j] = o[j] + row[j] }
        }
    }
}

extension Buffer {
    /// The first `count` values (workspace buffers are sized for the widest layer).
    @inlinable func ro(_ count: Int) -> UnsafeBufferPointer<T> { UnsafeBufferPointer(start: base, count: count) }
    @inlinable func rw(_ count: Int) -> UnsafeMutableBufferPointer<T> {
        UnsafeMutableBufferPointer(start: base, count: count)
    }
}
