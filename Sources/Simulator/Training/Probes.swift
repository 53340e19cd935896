import Kernels

/// Measurements the presets take of a network in training, beyond the logged figures.
public protocol Probes: AnyObject {
    /// The top eigenvalue of the Hessian of the full-batch training loss (train
    /// mode, no dropout), by `iterations` of power iteration on Hessian-vector
    /// products; each product is a central difference of two full-batch gradients,
    /// (∇L(θ + hv) − ∇L(θ − hv))/2h with ‖v‖ = 1, h = 10⁻⁴.
    func sharpness(iterations: Int) throws -> Double
    /// The logits of training example `example` in train mode (batch statistics, no
    /// dropout, running statistics untouched), once per batch of companions (the
    /// example is put first in each), and in eval mode.
    func outputs(of example: Int, withCompanions companions: [[Int]]) throws -> (train: [[Double]], eval: [Double])
    /// For each batch-norm layer, the mean over channels of |running − population|
    /// for the mean (in units of the population standard deviation) and of
    /// |running/population − 1| for the variance; population statistics are the
    /// batch statistics of the whole training set in one batch.
    func runningStatisticsGap() throws -> [(mean: Double, variance: Double)]
    /// Test loss and accuracy of the Monte-Carlo committee: the mean of the softmax
    /// outputs of `samples` forward passes with fresh dropout masks; and the mean
    /// |p_MC − p_eval| over examples and classes against the weight-scaled
    /// (inverted-dropout eval) network.
    func monteCarlo(_ examples: Examples, samples: Int) throws -> (loss: Double, accuracy: Double, difference: Double)
}

extension Simulation: Probes {
    public func sharpness(iterations: Int) throws -> Double {
        let theta = network.parameters.flattened()
        defer { setParameters(theta) }
        var normal = NormalSampler(RandomPurpose.sharpness.generator(config.seed &+ UInt64(step)))
        var v = theta.map { _ in normal.next() }
        normalize(&v)
        var eigenvalue = 0.0
        let h = 1e-4
        for _ in 0..<iterations {
            setParameters(zip(theta, v).map { $0 + h * $1 })
            let plus = try fullBatchGradient()
            setParameters(zip(theta, v).map { $0 - h * $1 })
            let minus = try fullBatchGradient()
            var w = zip(plus, minus).map { ($0 - $1) / (2 * h) }
            eigenvalue = zip(v, w).reduce(0) { $0 + $1.0 * $1.1 }
            normalize(&w)
            v = w
        }
        return eigenvalue
    }

    func normalize(_ v: inout [Double]) {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { for i in v.indices { v[i] /= norm } }
    }

    func setParameters(_ values: [Double]) {
        var k = 0
        for tensor in network.parameters.tensors {
            for i in 0..<tensor.count {
                tensor[i] = T(values[k])
                k += 1
            }
        }
    }

    /// ∇ of the mean training loss over the whole training set in one batch.
    func fullBatchGradient() throws -> [Double] {
        let n = data.train.count
        let ws = network.workspace(n)
        let targets = load(data.train, into: ws)
        try network.forward(ws, mode: .eval(batchStatistics: true))
        _ = Loss.evaluate(
            loss, logits: ws.logits, batch: n, outputs: data.task.outputs, targets: targets, gradient: ws.gradLogits)
        try network.backward(ws, train: false)
        return network.gradients.flattened()
    }

    public func outputs(of example: Int, withCompanions companions: [[Int]]) throws -> (
        train: [[Double]], eval: [Double]
    ) {
        let k = data.task.outputs
        var train: [[Double]] = []
        for others in companions {
            let members = [example] + others
            let ws = network.workspace(members.count)
            _ = load(data.train.subset(members), into: ws)
            try network.forward(ws, mode: .eval(batchStatistics: true))
            train.append((0..<k).map { Double(ws.logits[$0]) })
        }
        var eval: [Double] = []
        for others in companions {
            let members = [example] + others
            let ws = network.workspace(members.count)
            _ = load(data.train.subset(members), into: ws)
            try network.forward(ws, mode: .eval(batchStatistics: false))
            let row = (0..<k).map { Double(ws.logits[$0]) }
            if eval.isEmpty {
                eval = row
            } else if row != eval {
                eval = row.map { _ in .nan } // eval mode must not depend on the companions
            }
        }
        return (train, eval)
    }

    public func runningStatisticsGap() throws -> [(mean: Double, variance: Double)] {
        let n = data.train.count
        let ws = network.workspace(n)
        _ = load(data.train, into: ws)
        try network.forward(ws, mode: .eval(batchStatistics: true))
        var gaps: [(mean: Double, variance: Double)] = []
        for l in 0..<network.spec.layerCount {
            guard let state = network.running[l], let saved = ws.saved[l] else { continue }
            var meanGap = 0.0
            var varianceGap = 0.0
            let c = state.mean.count
            for j in 0..<c {
                let populationMean = Double(saved.mean[j]) + Double(saved.meanLow[j])
                let populationVariance = Double(saved.variance[j])
                meanGap += abs(state.mean[j] - populationMean) / max(populationVariance.squareRoot(), 1e-12)
                varianceGap += abs(state.variance[j] / max(populationVariance, 1e-300) - 1)
            }
            gaps.append((meanGap / Double(c), varianceGap / Double(c)))
        }
        return gaps
    }

    public func monteCarlo(_ examples: Examples, samples: Int) throws -> (
        loss: Double, accuracy: Double, difference: Double
    ) {
        let n = examples.count
        let k = data.task.outputs
        let ws = network.workspace(n)
        let targets = load(examples, into: ws)
        try network.forward(ws, mode: .eval(batchStatistics: false))
        let evalProbabilities = softmax(ws.logits, rows: n, columns: k)
        var mean = [Double](repeating: 0, count: n * k)
        for s in 0..<samples {
            _ = load(examples, into: ws)
            // Masks of the Monte-Carlo stream: step numbers past any training step.
            try network.forward(ws, mode: .train(step: 1_000_000_000 + s, updateRunning: false))
            let p = softmax(ws.logits, rows: n, columns: k)
            for i in 0..<(n * k) { mean[i] += p[i] / Double(samples) }
        }
        var loss = 0.0
        var correct = 0
        var difference = 0.0
        for i in 0..<n {
            let row = Array(mean[(i * k)..<((i + 1) * k)])
            let label = targets.labels[i]
            loss += -PortableMath.log(row[label])
            if row.firstIndex(of: row.max()!) == label { correct += 1 }
            for j in 0..<k { difference += abs(row[j] - evalProbabilities[i * k + j]) }
        }
        return (loss / Double(n), Double(correct) / Double(n), difference / Double(n * k))
    }

    func softmax(_ logits: Buffer<T>, rows: Int, columns k: Int) -> [Double] {
        var out = [Double](repeating: 0, count: rows * k)
        for i in 0..<rows {
            var top = -Double.infinity
            for j in 0..<k { top = max(top, Double(logits[i * k + j])) }
            var s = 0.0
            for j in 0..<k {
                out[i * k + j] = PortableMath.exp(Double(logits[i * k + j]) - top)
                s += out[i * k + j]
            }
            for j in 0..<k { out[i * k + j] /= s }
        }
        return out
    }
}
