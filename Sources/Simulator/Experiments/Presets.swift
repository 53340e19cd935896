import OrderedJSON

/// The presets: each reproduces a claim of the course notes (shared/seeds) as one
/// command, `normlab simulate --preset NAME`.
public enum Presets {
    public static let all: [Preset] = [
        initScale, initPersists, batchnormVsPlain, layernormVsBatchnorm, minibatchDependence, dropout, weightDecay,
        edgeOfStability, testTimeBN,
    ]

    public static func named(_ name: String) -> Preset? { all.first { $0.name == name } }

    /// A deep ReLU network on the digits (the base of several presets).
    static func deepDigits(depth: Int, width: Int = 100) -> SimulationConfig {
        var c = SimulationConfig()
        c.dataset = "digits"
        c.hidden = Array(repeating: width, count: depth)
        c.activation = .relu
        c.batchSize = 64
        c.learningRate = 0.01
        c.steps = 600
        c.logEvery = 20
        return c
    }

    // MARK: - Initialization

    /// Notes 003, "Initialization vs. optimization": W ~ N(0, c/n) in a deep ReLU
    /// network: c = 3 gives NaN, c = 2 works, c = 1 makes no progress.
    public static let initScale: Preset = {
        let runs = [3.0, 2.0, 1.0].map { c -> (String, SimulationConfig) in
            var config = deepDigits(depth: 30)
            config.initialization = .scale(c)
            config.learningRate = 0.02
            return ("c=\(shortestText(c))", config)
        }
        return Preset(
            name: "init-scale",
            claim:
                "in a deep ReLU network with W ~ N(0, c/n), c = 3 diverges (NaN), c = 2 trains, c = 1 makes no progress",
            source: "notes 003, \"Initialization vs. optimization\"", runs: runs,
            compare: { outcome in
                // Per-layer activation norms of the initial network (step 0), every run.
                let norms: [(String, JSONValue)] = outcome.records.filter { $0.step == 0 }.map { record in
                    (
                        record.run,
                        .doubles(record.layers.filter { $0.kind == "hidden" }.map { $0.activationNorm ?? .nan })
                    )
                }
                return [
                    ("statuses", .object(outcome.results.map { ($0.name, .string($0.status.rawValue)) })),
                    ("act_norm_at_init", .object(norms)),
                ]
            })
    }()

    /// Notes 003: even when training succeeds, the scales present at initialization
    /// persist: each layer's weights move little relative to where they started.
    public static let initPersists: Preset = {
        var config = deepDigits(depth: 10)
        config.initialization = .he
        config.learningRate = 0.05
        config.steps = 1500
        config.logEvery = 50
        return Preset(
            name: "init-persists",
            claim:
                "the scales present at initialization persist through training: ‖W_T − W_0‖/‖W_0‖ stays small in every layer",
            source: "notes 003, \"Initialization vs. optimization\" (second slide)", runs: [("he", config)],
            measure: { trainer in
                let first = trainer.records.first!.layers.filter { $0.kind == "hidden" }
                let last = trainer.records.last!.layers
                let hidden = last.filter { $0.kind == "hidden" }
                return [
                    ("weight_drift", .doubles(last.map(\.drift))),
                    ("max_hidden_weight_drift", .double(hidden.map(\.drift).max())),
                    ("act_norm_at_init", .doubles(first.map { $0.activationNorm ?? .nan })),
                    ("act_norm_trained", .doubles(hidden.map { $0.activationNorm ?? .nan })),
                ]
            })
    }()

    // MARK: - Normalization

    /// Notes 003, "Normalization": normalization layers fix the activation scales
    /// that a poor initialization gets wrong, so the same net trains.
    public static let batchnormVsPlain: Preset = {
        var plain = deepDigits(depth: 30)
        plain.initialization = .scale(1)
        plain.learningRate = 0.05
        var bn = plain
        bn.normalization = .batchnorm
        return Preset(
            name: "batchnorm-vs-plain",
            claim:
                "at the same initialization (c = 1) and learning rate, the deep net without normalization makes no progress; with batch norm it trains",
            source: "notes 003, \"Normalization\" and \"Batch normalization\"",
            runs: [("plain", plain), ("batchnorm", bn)],
            compare: lossComparison("plain", "batchnorm"))
    }()

    /// Notes 003, "LayerNorm illustration": for a standard fully connected network,
    /// layer norm is harder to train to low loss (the relative norms of examples are
    /// a useful feature, and layer norm removes them).
    public static let layernormVsBatchnorm: Preset = {
        var bn = deepDigits(depth: 10)
        bn.normalization = .batchnorm
        bn.learningRate = 0.05
        bn.steps = 1000
        var ln = bn
        ln.normalization = .layernorm
        return Preset(
            name: "layernorm-vs-batchnorm",
            claim:
                "at the same initialization and learning rate, layer norm trains the MLP to a higher loss than batch norm",
            source: "notes 003, \"LayerNorm illustration\"", runs: [("batchnorm", bn), ("layernorm", ln)],
            compare: lossComparison("batchnorm", "layernorm"))
    }()

    /// The final training losses of two runs and their ratio.
    static func lossComparison(_ a: String, _ b: String) -> (ExperimentOutcome) -> [(String, JSONValue)] {
        { outcome in
            guard let x = outcome.result(a), let y = outcome.result(b) else { return [] }
            return [
                ("final_train_loss", .object([(a, .double(x.finalTrainLoss)), (b, .double(y.finalTrainLoss))])),
                ("loss_ratio_\(b)_over_\(a)", .double(y.finalTrainLoss / x.finalTrainLoss)),
            ]
        }
    }

    /// Notes 003, "Minibatch dependence": with batch norm one example's prediction
    /// depends on the rest of its batch in train mode, not in eval mode; the
    /// running averages approach the population statistics.
    public static let minibatchDependence: Preset = {
        var c = deepDigits(depth: 2, width: 64)
        c.normalization = .batchnorm
        c.learningRate = 0.05
        c.batchSize = 32
        c.steps = 400
        c.logEvery = 10
        return Preset(
            name: "minibatch-dependence",
            claim:
                "with batch norm an example's train-mode output changes with its batch companions, its eval-mode output does not; running statistics converge to the population statistics",
            source: "notes 003, \"Minibatch dependence\"", runs: [("batchnorm", c)],
            prepare: { trainer in
                trainer.recordExtras = { t in
                    let gap = try (t as! any Probes).runningStatisticsGap().first
                    return [("running_mean_gap", gap?.mean), ("running_var_gap", gap?.variance)]
                }
            },
            measure: { trainer in
                var generator = RandomPurpose.monteCarlo.generator(trainer.config.seed)
                let n = trainer.data.train.count
                let companions = (0..<8).map { _ in (0..<31).map { _ in 1 + generator.nextIndex(below: n - 1) } }
                let (train, eval) = try (trainer as! any Probes).outputs(of: 0, withCompanions: companions)
                var spread = 0.0
                for j in 0..<train[0].count {
                    let column = train.map { $0[j] }
                    spread = max(spread, column.max()! - column.min()!)
                }
                let evalDepends = eval.contains { $0.isNaN }
                let gaps = trainer.records.compactMap { r in r.extra.first { $0.0 == "running_mean_gap" }?.1 }
                return [
                    ("train_mode_logit_spread", .double(spread)),
                    ("eval_mode_depends_on_batch", .bool(evalDepends)),
                    ("running_mean_gap_first", .double(gaps.first ?? nil)),
                    ("running_mean_gap_last", .double(gaps.last ?? nil)),
                ]
            })
    }()

    // MARK: - Regularization

    /// Notes 001 §7.3 and 003 "Dropout": dropout regularizes (a smaller train/test
    /// gap), and the weight-scaled eval network approximates the Monte-Carlo average
    /// of the stochastic networks (001 Eq. 7.15).
    public static let dropout: Preset = {
        var c = deepDigits(depth: 2, width: 256)
        c.testFraction = 0.8
        c.learningRate = 0.1
        c.momentum = 0.9
        c.steps = 500
        c.logEvery = 25
        var d = c
        d.dropout = [0.5]
        return Preset(
            name: "dropout",
            claim:
                "dropout narrows the train/test gap; the weight-scaled network (inverted dropout's eval mode) predicts like the Monte-Carlo average of dropout networks",
            source: "notes 001 §7.3 (Eqs. 7.14–7.15); notes 003, \"Dropout\"",
            runs: [("p=0", c), ("p=0.5", d)],
            measure: { trainer in
                var figures: [(String, JSONValue)] = []
                let train = try trainer.evaluate(trainer.data.train, batchStatistics: false, chunk: 256)
                let test = try trainer.evaluate(trainer.data.test, batchStatistics: false, chunk: 256)
                figures.append(("generalization_gap", .double(test.loss - train.loss)))
                if trainer.config.dropoutPerLayer.contains(where: { $0 > 0 }) {
                    let mc = try (trainer as! any Probes).monteCarlo(trainer.data.test, samples: 100)
                    figures.append(("monte_carlo_test_loss", .double(mc.loss)))
                    figures.append(("monte_carlo_test_accuracy", .double(mc.accuracy)))
                    figures.append(("weight_scaled_test_accuracy", .double(test.accuracy)))
                    figures.append(("mean_abs_probability_difference", .double(mc.difference)))
                }
                return figures
            })
    }()

    /// Notes 003 and 001 §7.2: weight decay W ← (1 − αλ)W − α∇ shrinks the weights
    /// at every step; the norms stay smaller and the test loss changes.
    public static let weightDecay: Preset = {
        var c = deepDigits(depth: 2, width: 256)
        c.testFraction = 0.8
        c.learningRate = 0.1
        c.momentum = 0.9
        c.steps = 500
        c.logEvery = 25
        var d = c
        d.weightDecay = 5e-3
        return Preset(
            name: "weight-decay",
            claim:
                "weight decay shrinks the weights by (1 − αλ) before each gradient step: smaller weight norms, and a different test loss",
            source: "notes 003, \"ℓ2 regularization a.k.a. weight decay\"; notes 001 §7.2",
            runs: [("lambda=0", c), ("lambda=0.005", d)],
            measure: { trainer in
                let last = trainer.records.last!
                let train = try trainer.evaluate(trainer.data.train, batchStatistics: false, chunk: 256)
                let test = try trainer.evaluate(trainer.data.test, batchStatistics: false, chunk: 256)
                let lambda = trainer.config.weightDecay
                return [
                    ("weight_norms", .doubles(last.layers.map(\.weightNorm))),
                    ("generalization_gap", .double(test.loss - train.loss)),
                    ("shrink_factor", .double(1 - trainer.config.learningRate * lambda)),
                    (
                        "decay_over_gradient",
                        .doubles(last.layers.map { lambda * $0.weightNorm / max($0.gradientNorm, 1e-300) })
                    ),
                ]
            })
    }()

    // MARK: - Optimization

    /// Notes 003 (Cohen et al.): full-batch gradient descent at step size η drives
    /// the sharpness up to about 2/η, where it hovers — with and without batch norm.
    public static let edgeOfStability: Preset = {
        var c = SimulationConfig()
        c.dataset = "digits"
        c.testFraction = 0.5
        c.hidden = [64, 64]
        c.activation = .tanh
        c.loss = .squaredError
        c.batchSize = nil
        c.learningRate = 0.4
        c.steps = 800
        c.logEvery = 40
        c.precision = .f64
        c.initialization = .xavier
        // Batch norm makes the loss flatter, so its edge lies at a larger step: at
        // η = 0.4 it would sit below 2/η; at η = 1 the plain net diverges. Each run
        // gets a step size at which its sharpness reaches 2/η, as in Cohen et al.
        var bn = c
        bn.normalization = .batchnorm
        bn.learningRate = 1
        return Preset(
            name: "edge-of-stability",
            claim:
                "full-batch gradient descent at step size η raises the sharpness (top Hessian eigenvalue) to about 2/η, where it hovers, with and without batch norm",
            source:
                "notes 003, Cohen et al., \"Gradient descent on neural networks typically occurs at the edge of stability\"",
            runs: [("plain lr=0.4", c), ("batchnorm lr=1", bn)],
            prepare: { trainer in
                trainer.recordExtras = { t in
                    [
                        ("sharpness", try (t as! any Probes).sharpness(iterations: 20)),
                        ("two_over_eta", 2 / t.config.learningRate),
                    ]
                }
            },
            measure: { trainer in
                let values = trainer.records.compactMap { r in r.extra.first { $0.0 == "sharpness" }?.1 }
                let limit = 2 / trainer.config.learningRate
                let late = Array(values.suffix(max(1, values.count / 2)))
                return [
                    ("two_over_eta", .double(limit)), ("sharpness", .doubles(values)),
                    ("max_sharpness", .double(values.max())),
                    ("late_median_sharpness_over_two_over_eta", .double(median(late) / limit)),
                ]
            })
    }()

    /// Notes 003 (TENT, Wang et al.): on a covariate-shifted test set, normalizing
    /// with the test batch's own statistics beats the running statistics.
    public static let testTimeBN: Preset = {
        var c = deepDigits(depth: 3)
        c.normalization = .batchnorm
        c.learningRate = 0.05
        c.steps = 1000
        c.testShiftScale = 1.5
        c.testShiftOffset = 0.5
        return Preset(
            name: "test-time-bn",
            claim:
                "on a covariate-shifted test set, batch norm with the test batch's statistics beats the running (training) statistics",
            source: "notes 003, \"BatchNorm: Other benefits?\" (TENT)", runs: [("batchnorm", c)],
            measure: { trainer in
                var clean = trainer.config
                clean.testShiftScale = 1
                clean.testShiftOffset = 0
                let cleanTest = try clean.loadData { _ in "" }.test
                let shifted = trainer.data.test
                let batch = trainer.config.resolvedBatch(trainCount: trainer.data.train.count)
                let running = try trainer.evaluate(shifted, batchStatistics: false, chunk: 256)
                let batchStats = try trainer.evaluate(shifted, batchStatistics: true, chunk: batch)
                let cleanRunning = try trainer.evaluate(cleanTest, batchStatistics: false, chunk: 256)
                let cleanBatch = try trainer.evaluate(cleanTest, batchStatistics: true, chunk: batch)
                return [
                    ("shifted_accuracy_running_stats", .double(running.accuracy)),
                    ("shifted_accuracy_batch_stats", .double(batchStats.accuracy)),
                    ("clean_accuracy_running_stats", .double(cleanRunning.accuracy)),
                    ("clean_accuracy_batch_stats", .double(cleanBatch.accuracy)),
                ]
            })
    }()
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}
