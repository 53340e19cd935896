import Exact

/// How a framework (or a course) keeps batch-norm running statistics and
/// where it puts ε: a value, not a branch in the algorithm. The reference
/// takes one as a parameter; `presets` names the known ones. Facts and
/// citation tags come from docs/CONVENTIONS.md (§1 momentum, §2 biased vs
/// unbiased, §3 ε, §10 the course notes).
public struct BatchNormConvention: Sendable, Equatable {
    /// What the `momentum` number weighs.
    public enum MomentumMeaning: String, Sendable, CaseIterable {
        /// `R ← (1 − f)·R + f·B`: the weight of the new batch (PyTorch, cuDNN, TF fused).
        case factorOnNew
        /// `R ← d·R + (1 − d)·B`: the weight of the old value (Keras, ONNX, Flax, MXNet, Caffe).
        case decayOnOld
    }

    /// How batch statistics are combined over a sequence of batches.
    public enum Averaging: String, Sendable, CaseIterable {
        /// Exponential moving average with `momentum` (read by `momentumMeaning`).
        case exponential
        /// Cumulative (arithmetic) average: the k-th batch gets weight 1/k —
        /// PyTorch `momentum=None`, cuDNN factor 1/(1+n), the notes' E_B[·].
        case cumulative
        /// Caffe's stored sums: `s₀ ← B + d·s₀`, `s₂ ← d·s₂ + 1`, statistic
        /// `s₀/s₂` — a debiased exponential average (no zero-initialisation bias).
        case caffeNormalizedSum
    }

    /// The batch variance fed into the running variance (training always
    /// normalises with the biased σ²).
    public enum VarianceEstimator: String, Sendable, CaseIterable {
        /// σ²_b = Σ(x − μ)²/m.
        case biased
        /// σ²_u = σ²_b·m/(m − 1); m = 1 is an error (PyTorch raises, cuDNN gives NaN).
        case unbiased
        /// Caffe: σ²_b·m/(m − 1) when m > 1, σ²_b when m = 1.
        case unbiasedOrBiasedAtOne
        /// Keras 2.1.3–2.3.1: σ²_b·m/(m − (1 + ε)) [K2-9028].
        case keras2
    }

    public enum EpsPlacement: String, Sendable, CaseIterable {
        /// (x − μ)/√(σ² + ε) — every first-party implementation [conventions §3].
        case insideRoot
        /// (x − μ)/(√σ² + ε) — notes 001 Eq. 7.17, some third-party LayerNorms.
        case outsideRoot
    }

    /// The dispersion statistic that is averaged across batches.
    public enum AveragedStatistic: String, Sendable, CaseIterable {
        /// σ² (every framework).
        case variance
        /// σ, the standard deviation; the running variance is its square
        /// (notes 000 Eq. 4, notes 004).
        case standardDeviation
    }

    public let name: String
    /// One line for help texts and case comments.
    public let summary: String
    public let momentumMeaning: MomentumMeaning
    /// The framework's default momentum (in its own meaning).
    public let defaultMomentum: Rational
    public let averaging: Averaging
    public let runningVariance: VarianceEstimator
    public let defaultEps: Rational
    public let epsPlacement: EpsPlacement
    public let averaged: AveragedStatistic
    /// Initial running statistics when none are given.
    public let initialRunningMean: Rational
    public let initialRunningVar: Rational
    /// Where the facts come from (tags of docs/CONVENTIONS.md).
    public let citation: String

    public init(
        name: String, summary: String, momentumMeaning: MomentumMeaning, defaultMomentum: Rational,
        averaging: Averaging = .exponential, runningVariance: VarianceEstimator, defaultEps: Rational,
        epsPlacement: EpsPlacement = .insideRoot, averaged: AveragedStatistic = .variance,
        initialRunningMean: Rational = 0, initialRunningVar: Rational = 1, citation: String
    ) {
        self.name = name
        self.summary = summary
        self.momentumMeaning = momentumMeaning
        self.defaultMomentum = defaultMomentum
        self.averaging = averaging
        self.runningVariance = runningVariance
        self.defaultEps = defaultEps
        self.epsPlacement = epsPlacement
        self.averaged = averaged
        self.initialRunningMean = initialRunningMean
        self.initialRunningVar = initialRunningVar
        self.citation = citation
    }

    /// A copy with some choices replaced (command-line overrides).
    public func with(
        averaging: Averaging? = nil, runningVariance: VarianceEstimator? = nil,
        epsPlacement: EpsPlacement? = nil, averaged: AveragedStatistic? = nil
    ) -> BatchNormConvention {
        BatchNormConvention(
            name: name, summary: summary, momentumMeaning: momentumMeaning, defaultMomentum: defaultMomentum,
            averaging: averaging ?? self.averaging, runningVariance: runningVariance ?? self.runningVariance,
            defaultEps: defaultEps, epsPlacement: epsPlacement ?? self.epsPlacement,
            averaged: averaged ?? self.averaged, initialRunningMean: initialRunningMean,
            initialRunningVar: initialRunningVar, citation: citation)
    }
}

private func decimal(_ text: String) -> Rational { try! Rational(parsing: text) }

extension BatchNormConvention {
    /// PyTorch `nn.BatchNorm*d`: `R ← (1 − momentum)·R + momentum·B`, momentum 0.1,
    /// running variance unbiased, ε = 1e-5 inside the root. [PT-bn], [PT-norm-cpp]
    public static let pytorch = BatchNormConvention(
        name: "pytorch", summary: "PyTorch BatchNorm: factor on the new batch 0.1, unbiased running var, eps 1e-5",
        momentumMeaning: .factorOnNew, defaultMomentum: decimal("0.1"), runningVariance: .unbiased,
        defaultEps: decimal("1e-5"), citation: "[PT-bn] _BatchNorm.forward; [PT-norm-cpp] unbiased_var = var_sum/(n-1)")

    /// PyTorch with `momentum=None`: cumulative moving average, factor
    /// 1/num_batches_tracked (the first batch replaces the initial values). [PT-bn]
    public static let pytorchCumulative = BatchNormConvention(
        name: "pytorch-cma", summary: "PyTorch BatchNorm momentum=None: cumulative average 1/n, unbiased running var",
        momentumMeaning: .factorOnNew, defaultMomentum: decimal("0.1"), averaging: .cumulative,
        runningVariance: .unbiased,
        defaultEps: decimal("1e-5"), citation: "[PT-bn] docstring note on momentum=None, num_batches_tracked")

    /// Keras 3 `BatchNormalization`: `moving = moving·momentum + batch·(1 − momentum)`,
    /// momentum 0.99, biased moving variance, ε = 1e-3. [K3-bn], [K3-moments]
    public static let keras = BatchNormConvention(
        name: "keras", summary: "Keras 3: decay on the old value 0.99, biased moving var, eps 1e-3",
        momentumMeaning: .decayOnOld, defaultMomentum: decimal("0.99"), runningVariance: .biased,
        defaultEps: decimal("1e-3"), citation: "[K3-bn] call (HEAD L385-390); [K3-moments]")

    /// Keras 2.1.3–2.3.1 multi-backend: as Keras 3 but the moving variance is fed
    /// σ²_b·m/(m − (1 + ε)). [K2-9028], keras-team/keras#10443
    public static let keras2 = BatchNormConvention(
        name: "keras2", summary: "Keras 2.1.3-2.3.1: decay 0.99, moving var fed var*m/(m-1-eps), eps 1e-3",
        momentumMeaning: .decayOnOld, defaultMomentum: decimal("0.99"), runningVariance: .keras2,
        defaultEps: decimal("1e-3"), citation: "[K2-9028] commit f51a7ef0, tag 2.3.1 L188-195")

    /// TF `FusedBatchNormV3`: `exponential_avg_factor` weighs the new batch,
    /// default 1.0 (the running value is the batch's), Bessel-corrected
    /// variance, ε = 0.001. [TF-fbn-doc], [TF-fused]
    public static let tfFused = BatchNormConvention(
        name: "tf-fused",
        summary: "TF fused_batch_norm: exponential_avg_factor 1.0 on the new batch, unbiased var, eps 1e-3",
        momentumMeaning: .factorOnNew, defaultMomentum: 1, runningVariance: .unbiased,
        defaultEps: decimal("1e-3"), citation: "[TF-fbn-doc]; [TF-fused] rest_size_adjust")

    /// ONNX `BatchNormalization`-15: `running = input·momentum + current·(1 − momentum)`,
    /// momentum 0.9, population (biased) variance, ε = 1e-5. [ONNX-defs] L1640-1700
    public static let onnx = BatchNormConvention(
        name: "onnx", summary: "ONNX BatchNormalization-15: decay 0.9, biased running var, eps 1e-5",
        momentumMeaning: .decayOnOld, defaultMomentum: decimal("0.9"), runningVariance: .biased,
        defaultEps: decimal("1e-5"), citation: "[ONNX-defs] defs.cc L1640-1700, L1663-1668")

    /// Flax `linen.BatchNorm`: `ra = momentum·ra + (1 − momentum)·batch`, 0.99,
    /// biased, ε = 1e-5. [FLAX-norm]
    public static let flax = BatchNormConvention(
        name: "flax", summary: "Flax linen.BatchNorm: decay 0.99, biased running var, eps 1e-5",
        momentumMeaning: .decayOnOld, defaultMomentum: decimal("0.99"), runningVariance: .biased,
        defaultEps: decimal("1e-5"), citation: "[FLAX-norm] BatchNorm.__call__, _compute_stats")

    /// MXNet Gluon `BatchNorm` (CPU op): decay 0.9, biased, ε = 1e-5 (the raw
    /// op defaults to ε = 1e-3). [MX-bn] L262-274, [MX-gluon] L345-352
    public static let mxnet = BatchNormConvention(
        name: "mxnet", summary: "MXNet Gluon BatchNorm (CPU): decay 0.9, biased running var, eps 1e-5",
        momentumMeaning: .decayOnOld, defaultMomentum: decimal("0.9"), runningVariance: .biased,
        defaultEps: decimal("1e-5"), citation: "[MX-bn] batch_norm.cc L262-274; [MX-gluon] L345-352")

    /// Caffe `BatchNorm`: stored sums `s₀ ← μ_B + d·s₀`, `s₁ ← c·σ²_b + d·s₁`,
    /// `s₂ ← d·s₂ + 1`, c = m/(m − 1) (1 when m = 1), d = 0.999; test-time
    /// statistics `s/s₂`; sums start at 0. [CAFFE-bn] L136-146, [CAFFE-proto] L526-546
    public static let caffe = BatchNormConvention(
        name: "caffe",
        summary: "Caffe BatchNorm: normalised sums with moving_average_fraction 0.999, m/(m-1), eps 1e-5",
        momentumMeaning: .decayOnOld, defaultMomentum: decimal("0.999"), averaging: .caffeNormalizedSum,
        runningVariance: .unbiasedOrBiasedAtOne, defaultEps: decimal("1e-5"), initialRunningMean: 0,
        initialRunningVar: 0,
        citation: "[CAFFE-bn] L126-146, L98-105; [CAFFE-proto] L526-546")

    /// Course notes 000: mean of the batch means and mean of the batch standard
    /// deviations σ_k (Eq. 4), no ε. The notes do not say which denominator
    /// σ_k uses; the biased one the batch was normalised with is taken.
    public static let notes000 = BatchNormConvention(
        name: "notes-000", summary: "Notes 000 Eq. 4: cumulative mean of batch means and of batch std devs, no eps",
        momentumMeaning: .factorOnNew, defaultMomentum: 0, averaging: .cumulative, runningVariance: .biased,
        defaultEps: 0, averaged: .standardDeviation, citation: "shared/seeds/000 Eq. 4; conventions.md §10")

    /// Course notes 001: `ρ·old + (1 − ρ)·batch` for μ and Var, ε outside the
    /// root (Eq. 7.17: √Var + ε). The notes give no ρ or ε; 0.9 and 1e-5 are taken.
    public static let notes001 = BatchNormConvention(
        name: "notes-001", summary: "Notes 001 Eq. 7.17: decay rho on the old value, biased var, eps OUTSIDE the root",
        momentumMeaning: .decayOnOld, defaultMomentum: decimal("0.9"), runningVariance: .biased,
        defaultEps: decimal("1e-5"), epsPlacement: .outsideRoot,
        citation: "shared/seeds/001 Eq. 7.17; conventions.md §10")

    /// Course notes 002, Algorithm 2: E[x] = E_B[μ_B], Var[x] = m/(m − 1)·E_B[σ²_B]
    /// (Eqs. 47–48) — the plain average over the batches of the unbiased batch
    /// variances; ε inside (Eq. 49). The notes give no ε; 1e-5 is taken.
    public static let notes002 = BatchNormConvention(
        name: "notes-002",
        summary: "Notes 002 Alg. 2: average of batch means, m/(m-1) times average of batch variances",
        momentumMeaning: .factorOnNew, defaultMomentum: 0, averaging: .cumulative, runningVariance: .unbiased,
        defaultEps: decimal("1e-5"), citation: "shared/seeds/002 Algorithm 2, Eqs. 47-49; conventions.md §10")

    /// Course notes 004: moving averages of μ and of σ (the standard
    /// deviation, 1/B) with α on the old value; the derivation has no ε. The
    /// notes give no α; 0.9 is taken.
    public static let notes004 = BatchNormConvention(
        name: "notes-004", summary: "Notes 004: moving averages of mean and of std dev, alpha on the old value, no eps",
        momentumMeaning: .decayOnOld, defaultMomentum: decimal("0.9"), runningVariance: .biased,
        defaultEps: 0, averaged: .standardDeviation,
        citation: "shared/seeds/004 (moving averages of mu and sigma); conventions.md §10")

    /// tf.keras 2.x `BatchNormalization(fused=True)` (the default when eligible):
    /// Keras's decay 0.99 on the old value, but the fused op feeds the moving
    /// variance the Bessel-corrected batch variance; ε = 1e-3.
    /// [TFK212] L243, L640-660; [TF-fused]; tensorflow/tensorflow#55545
    public static let tfKerasFused = BatchNormConvention(
        name: "tf-keras-fused",
        summary: "tf.keras 2.x fused=True: decay 0.99 on the old value, unbiased moving var, eps 1e-3",
        momentumMeaning: .decayOnOld, defaultMomentum: decimal("0.99"), runningVariance: .unbiased,
        defaultEps: decimal("1e-3"),
        citation: "[TFK212] _fused_batch_norm; [TF-fused] rest_size_adjust; tensorflow/tensorflow#55545")

    /// cuDNN `cudnnBatchNormalizationForwardTraining`: `exponentialAverageFactor`
    /// weighs the new batch (no default; the header says to use 1 on the first
    /// call, taken here), unbiased running variance, ε ≥ CUDNN_BN_MIN_EPSILON = 1e-5.
    /// [CUDNN-h]; apache/mxnet#21111
    public static let cudnn = BatchNormConvention(
        name: "cudnn",
        summary:
            "cuDNN: exponentialAverageFactor on the new batch (1 on the first call), unbiased running var, eps 1e-5",
        momentumMeaning: .factorOnNew, defaultMomentum: 1, runningVariance: .unbiased,
        defaultEps: decimal("1e-5"),
        citation: "[CUDNN-h] cudnnBatchNormalizationForwardTraining; soumith/cudnn.torch#199")

    /// oneDNN Graph `BatchNormForwardTraining`: `new = momentum·old + (1 − momentum)·batch`,
    /// default 0.5 when absent, population (biased) variance; ε is a required
    /// attribute (1e-5 taken). [ONEDNN-graph], [ONEDNN-bn]
    public static let onednnGraph = BatchNormConvention(
        name: "onednn-graph", summary: "oneDNN Graph BatchNormForwardTraining: decay 0.5 on the old value, biased var",
        momentumMeaning: .decayOnOld, defaultMomentum: decimal("0.5"), runningVariance: .biased,
        defaultEps: decimal("1e-5"), citation: "[ONEDNN-graph] op_executable.hpp L1836-1890; [ONEDNN-bn]")

    /// The batch-normalization paper, Algorithm 2: E[x] = E_B[μ_B],
    /// Var[x] = m/(m − 1)·E_B[σ²_B] over the training batches; ε inside.
    /// (The same choices as notes 002, which follows it.) [conventions §2 "BN paper"]
    public static let ioffeSzegedy = BatchNormConvention(
        name: "ioffe-szegedy",
        summary: "BN paper Algorithm 2: average of batch means, m/(m-1) times average of batch variances",
        momentumMeaning: .factorOnNew, defaultMomentum: 0, averaging: .cumulative, runningVariance: .unbiased,
        defaultEps: decimal("1e-5"),
        citation: "Ioffe & Szegedy 2015, Algorithm 2 step 10 (quoted in keras-team/keras PR #9028)")

    /// Every named convention, in the order help texts list them.
    public static let presets: [BatchNormConvention] = [
        .pytorch, .pytorchCumulative, .keras, .keras2, .tfFused, .tfKerasFused, .onnx, .flax, .mxnet, .caffe,
        .cudnn, .onednnGraph, .ioffeSzegedy, .notes000, .notes001, .notes002, .notes004,
    ]

    public static var presetNames: [String] { presets.map(\.name) }

    /// The preset called `name`; an unknown name is the error listing the known ones.
    public static func named(_ name: String) throws -> BatchNormConvention {
        guard let convention = presets.first(where: { $0.name == name }) else {
            throw ReferenceError(
                "convention \"\(name)\" is unknown; known conventions: \(presetNames.joined(separator: ", "))")
        }
        return convention
    }

    /// The momentum to use: the given one (validated against its range) or the default.
    public func momentum(_ given: Rational?) throws -> Rational {
        guard let given else { return defaultMomentum }
        guard given.signum >= 0, given <= 1 else {
            let meaning =
                momentumMeaning == .factorOnNew ? "the weight of the new batch" : "the weight of the old value"
            throw ReferenceError(
                "momentum = \(valueText(given)) is outside [0, 1] (in convention \(name) it is \(meaning))")
        }
        return given
    }
}

extension BatchNormConvention {
    /// One update of a running statistic: `old` after `seen` batches, `batch`
    /// the new batch's statistic. Returns the value and the one-line formula.
    public func update<S: ReferenceScalar>(old: S, batch: S, seen: Int, momentum: Rational) -> S {
        switch averaging {
        case .exponential:
            switch momentumMeaning {
            case .factorOnNew: return S(1 - momentum) * old + S(momentum) * batch
            case .decayOnOld: return S(momentum) * old + S(1 - momentum) * batch
            }
        case .cumulative:
            return old + (batch - old) / S(seen + 1)
        case .caffeNormalizedSum:
            // s₂ before = Σ_{j<seen} d^j; new statistic (B + d·s₂·R)/(d·s₂ + 1).
            let scale = caffeScale(seen: seen, decay: momentum)
            let weighted = momentum * scale
            return (batch + S(weighted) * old) / S(weighted + 1)
        }
    }

    /// Caffe's s₂ after `seen` updates: Σ_{j<seen} d^j.
    func caffeScale(seen: Int, decay: Rational) -> Rational {
        var scale = Rational(0)
        for _ in 0..<seen { scale = decay * scale + 1 }
        return scale
    }

    /// The formula of `update`, for traces.
    public func updateFormula(_ symbol: String) -> String {
        switch averaging {
        case .exponential:
            switch momentumMeaning {
            case .factorOnNew: return "\(symbol) ← (1 − momentum)·\(symbol) + momentum·B"
            case .decayOnOld: return "\(symbol) ← momentum·\(symbol) + (1 − momentum)·B"
            }
        case .cumulative: return "\(symbol) ← \(symbol) + (B − \(symbol))/k  (cumulative average, k = batches seen)"
        case .caffeNormalizedSum:
            return "\(symbol) ← (B + d·s₂·\(symbol))/(d·s₂ + 1), s₂ ← d·s₂ + 1  (Caffe sums, d = momentum)"
        }
    }

    /// The batch variance fed to the running variance, from the biased σ²_b over m values.
    public func runningVarianceInput<S: ReferenceScalar>(_ biased: S, count m: Int, eps: Rational) throws -> S {
        switch runningVariance {
        case .biased: return biased
        case .unbiased:
            guard m > 1 else {
                throw ReferenceError(
                    "a batch of one value per channel has no unbiased variance m/(m − 1) (convention \(name)); give more than 1 value per channel"
                )
            }
            return biased * S(Rational(m)) / S(Rational(m - 1))
        case .unbiasedOrBiasedAtOne:
            return m > 1 ? biased * S(Rational(m)) / S(Rational(m - 1)) : biased
        case .keras2:
            let denominator = Rational(m) - 1 - eps
            guard denominator.signum > 0 else {
                throw ReferenceError(
                    "Keras 2 running variance factor m/(m − 1 − eps) needs m > 1 + eps (m = \(m), eps = \(valueText(eps)))"
                )
            }
            return biased * S(Rational(m) / denominator)
        }
    }

    public var runningVarianceFormula: String {
        switch runningVariance {
        case .biased: return "B = σ²_b"
        case .unbiased: return "B = σ²_b·m/(m − 1)"
        case .unbiasedOrBiasedAtOne: return "B = σ²_b·m/(m − 1) (σ²_b when m = 1)"
        case .keras2: return "B = σ²_b·m/(m − 1 − ε)"
        }
    }
}
