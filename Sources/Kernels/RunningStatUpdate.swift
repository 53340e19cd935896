/// How a training forward pass folds the batch statistics B into the running
/// statistics R. Frameworks disagree on both knobs (shared/conventions.md §1–2), so
/// the choice is a value, not a flag buried in a kernel.
public struct RunningStatUpdate: Sendable, Equatable, CustomStringConvertible {
    /// What the momentum number means.
    public enum Momentum: Sendable, Equatable {
        /// Weight on the new batch (PyTorch `momentum`, cuDNN, TF fused): R ← (1−f)·R + f·B.
        case factorOnNew(Double)
        /// Weight on the old value (Keras, ONNX, Flax, MXNet): R ← d·R + (1−d)·B.
        case decayOnOld(Double)
        /// Cumulative moving average (PyTorch `momentum=None`): factor 1/count, where
        /// `count` is the number of batches seen including this one (first batch: R = B).
        case cumulative(count: Int)
    }

    /// Which batch variance enters the running variance.
    public enum VarianceEstimator: Sendable, Equatable {
        /// σ²_B = Σ(x−μ)²/m (Keras 3, ONNX, Flax).
        case biased
        /// m/(m−1)·σ²_B (PyTorch, cuDNN, Caffe); needs m ≥ 2.
        case unbiased
    }

    public var momentum: Momentum
    public var variance: VarianceEstimator

    public init(momentum: Momentum, variance: VarianceEstimator) {
        self.momentum = momentum
        self.variance = variance
    }

    /// PyTorch: factor 0.1 on the new batch, unbiased running variance.
    public static let pytorch = RunningStatUpdate(momentum: .factorOnNew(0.1), variance: .unbiased)
    /// Keras 3 / Flax: decay 0.99 on the old value, biased running variance.
    public static let keras = RunningStatUpdate(momentum: .decayOnOld(0.99), variance: .biased)
    /// ONNX BatchNormalization-15: decay 0.9 on the old value, biased running variance.
    public static let onnx = RunningStatUpdate(momentum: .decayOnOld(0.9), variance: .biased)

    public var description: String { "\(momentum), \(variance) variance" }

    /// Checks the parameters against a reduction count `m` (elements per channel).
    public func validate(count m: Int) throws(KernelError) {
        switch momentum {
        case .factorOnNew(let f), .decayOnOld(let f):
            if !(f >= 0 && f <= 1) {
                throw .invalidParameter(name: "momentum", value: "\(f)", rule: "momentum must lie in [0, 1]")
            }
        case .cumulative(let n):
            if n < 1 {
                throw .invalidParameter(
                    name: "count", value: "\(n)", rule: "cumulative count must be ≥ 1 (batches seen, this one included)"
                )
            }
        }
        if variance == .unbiased && m < 2 {
            throw .invalidParameter(
                name: "m", value: "\(m)",
                rule: "the unbiased running variance m/(m−1)·σ² needs at least 2 values per channel")
        }
    }

    /// `apply(running:batch:)` for a batch value b·2^e that may lie outside the range
    /// of `Double` (a variance from the scaled slow path): the batch term f·b is
    /// formed before the scaling. The same as `apply` when e = 0.
    @inlinable
    func apply(running r: Double, batch b: Double, batchExponent e: Int) -> Double {
        if e == 0 { return apply(running: r, batch: b) }
        switch momentum {
        case .factorOnNew(let f): return (1 - f) * r + _scaled(f * b, e)
        case .decayOnOld(let d): return d * r + _scaled((1 - d) * b, e)
        case .cumulative(let n):
            let f = 1 / Double(n)
            return (1 - f) * r + _scaled(f * b, e)
        }
    }

    /// The updated running value, computed in `Double` exactly as the formula reads.
    @inlinable
    public func apply(running r: Double, batch b: Double) -> Double {
        switch momentum {
        case .factorOnNew(let f): return (1 - f) * r + f * b
        case .decayOnOld(let d): return d * r + (1 - d) * b
        case .cumulative(let n):
            let f = 1 / Double(n)
            return (1 - f) * r + f * b
        }
    }

    /// The batch variance that enters the running variance, from the biased one.
    @inlinable
    func _batchVariance(_ v: DoubleWord, count m: Int) -> Double {
        switch variance {
        case .biased: return v.hi
        case .unbiased: return v.multiplied(by: Double(m)).divided(by: Double(m - 1)).hi
        }
    }
}
