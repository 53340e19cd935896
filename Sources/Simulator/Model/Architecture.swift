import Exact
import Reference

/// The nonlinearity of the hidden layers.
public enum Activation: String, CaseIterable, Sendable, Equatable {
    case relu, tanh, sigmoid, linear
}

/// The normalization layer of each hidden layer.
public enum NormalizationKind: String, CaseIterable, Sendable, Equatable {
    case none, batchnorm, layernorm, groupnorm
}

/// Where the normalization sits: between the linear map and the activation, or after the activation.
public enum NormalizationPosition: String, CaseIterable, Sendable, Equatable {
    case before, after
}

/// How the initial weights are drawn: W ~ N(0, c/fan_in) with c given, `he`
/// (c = 2), or `xavier` (Glorot: variance 2/(fan_in + fan_out)). Biases start at 0,
/// normalization gains at 1 and shifts at 0.
public enum Initialization: Sendable, Equatable, CustomStringConvertible {
    case scale(Double)
    case he
    case xavier

    /// The variance of layer weights with the given fan-in and fan-out.
    public func variance(fanIn: Int, fanOut: Int) -> Double {
        switch self {
        case .scale(let c): return c / Double(fanIn)
        case .he: return 2 / Double(fanIn)
        case .xavier: return 2 / Double(fanIn + fanOut)
        }
    }

    public var description: String {
        switch self {
        case .scale(let c): return shortestText(c)
        case .he: return "he"
        case .xavier: return "xavier"
        }
    }

    /// `C` (a positive number), `he` or `xavier`.
    public init(parsing text: String) throws {
        switch text {
        case "he": self = .he
        case "xavier": self = .xavier
        default:
            guard let c = Double(text), c.isFinite, c > 0 else {
                throw SimulatorError("--init \(text) must be a positive number c (W ~ N(0, c/fan_in)), he or xavier")
            }
            self = .scale(c)
        }
    }
}

/// The loss.
public enum LossKind: String, CaseIterable, Sendable, Equatable {
    /// Softmax cross-entropy, mean over the batch.
    case crossEntropy = "cross-entropy"
    /// Squared error, mean over the batch and the outputs (PyTorch's MSELoss);
    /// for classification against one-hot targets.
    case squaredError = "squared-error"
}

/// The optimizer.
public enum OptimizerKind: String, CaseIterable, Sendable, Equatable {
    /// v ← μ·v + ∇ (v = ∇ when μ = 0); θ ← (1 − αλ)·θ − α·v.
    case sgd
    /// Adam with bias correction; θ ← (1 − αλ)·θ − α·m̂/(√v̂ + ε) (decoupled decay, as AdamW).
    case adam
}

/// Which parameters weight decay shrinks.
public enum DecayScope: String, CaseIterable, Sendable, Equatable {
    /// Only the weight matrices (notes 001 §7.2.1: do not decay biases).
    case weights
    /// Every parameter: weights, biases and normalization gains and shifts.
    case all
}

/// The float type the network computes in.
public enum Precision: String, CaseIterable, Sendable, Equatable {
    case f32, f64
}

/// How batch normalization keeps its running statistics: one of Reference's
/// conventions (momentum meaning and default, averaging, variance estimator,
/// initial values), used as data: `BatchNormConvention.update` and
/// `runningVarianceInput` compute every update.
public struct RunningStatistics: Sendable, Equatable {
    public let convention: BatchNormConvention
    public let momentum: Double
    public let eps: Double

    /// The convention named `name`, with an optional momentum and ε.
    public init(convention name: String, momentum: Double?, eps: Double?) throws {
        let convention: BatchNormConvention
        do { convention = try BatchNormConvention.named(name) } catch let error as ReferenceError {
            throw SimulatorError("--convention: \(error.message)")
        }
        guard convention.epsPlacement == .insideRoot else {
            throw SimulatorError(
                "--convention \(name) puts eps outside the square root; the kernels normalize by √(σ² + ε): choose a convention with eps inside"
            )
        }
        self.convention = convention
        if let momentum {
            guard momentum >= 0, momentum <= 1 else {
                throw SimulatorError("--bn-momentum \(momentum) must lie in [0, 1]")
            }
            self.momentum = momentum
        } else {
            self.momentum = convention.defaultMomentum.rounded(to: Double.self)
        }
        if let eps {
            guard eps >= 0, eps.isFinite else { throw SimulatorError("--eps \(eps) must be ≥ 0") }
            self.eps = eps
        } else {
            self.eps = convention.defaultEps.rounded(to: Double.self)
        }
    }

    public static func == (a: RunningStatistics, b: RunningStatistics) -> Bool {
        a.convention.name == b.convention.name && a.momentum == b.momentum && a.eps == b.eps
    }
}

/// The shortest decimal text that reads back as `value` (Swift's own algorithm,
/// the same on every platform).
public func shortestText(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
}

extension RunningStatistics {
    /// The update R ← a·R + b·B of this convention after `seen` earlier batches:
    /// every convention's update is linear in (R, B), so its two coefficients are
    /// read off `BatchNormConvention.update` at (1, 0) and (0, 1).
    public func coefficients(seen: Int) -> (old: Double, batch: Double) {
        let m = (try? Rational(exactly: momentum)) ?? 0
        let a = convention.update(old: 1.0, batch: 0.0, seen: seen, momentum: m)
        let b = convention.update(old: 0.0, batch: 1.0, seen: seen, momentum: m)
        return (a, b)
    }

    /// The factor that turns the biased batch variance over m values into the one
    /// the running variance is fed (`BatchNormConvention.runningVarianceInput`).
    public func varianceFactor(count m: Int) throws -> Double {
        do {
            return try convention.runningVarianceInput(1.0, count: m, eps: (try? Rational(exactly: eps)) ?? 0)
        } catch let error as ReferenceError {
            throw SimulatorError("batch norm: \(error.message)")
        }
    }

    /// Whether the standard deviation, not the variance, is averaged.
    public var averagesStandardDeviation: Bool { convention.averaged == .standardDeviation }

    public var initialMean: Double { convention.initialRunningMean.rounded(to: Double.self) }
    public var initialVariance: Double { convention.initialRunningVar.rounded(to: Double.self) }
}
