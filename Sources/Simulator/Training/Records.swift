import OrderedJSON

/// Per-layer figures at a logged step (hidden layers 1…L, then the output layer L + 1).
public struct LayerFigures: Sendable, Equatable {
    public var layer: Int
    /// "hidden" or "output".
    public var kind: String
    public var width: Int
    /// Mean, standard deviation and mean per-example ℓ2 norm of the activation
    /// function's output over the step's batch (hidden layers; nil for the output).
    public var activationMean: Double?
    public var activationStd: Double?
    public var activationNorm: Double?
    /// Fraction of ReLU units that are 0 on every example of the batch.
    public var deadFraction: Double?
    /// ‖∂ℓ/∂W‖, ‖W‖ (Frobenius, after the update), ‖ΔW‖/‖W_before‖ and ‖W − W₀‖/‖W₀‖.
    public var gradientNorm: Double
    public var weightNorm: Double
    public var updateRatio: Double?
    public var drift: Double
    /// Batch norm: channel averages of the batch mean and (biased) variance of this
    /// step, and of the running mean and variance after it.
    public var batchMean: Double?
    public var runningMean: Double?
    public var batchVariance: Double?
    public var runningVariance: Double?
}

/// One logged step of one run: what `--metrics` writes as a JSON line.
public struct StepRecord: Sendable, Equatable {
    public var run: String
    /// Updates done so far (0: the initial network).
    public var step: Int
    public var epoch: Int
    /// Mean loss over the whole training / test set, network in eval mode.
    public var trainLoss: Double
    public var testLoss: Double?
    /// Classification only.
    public var trainAccuracy: Double?
    public var testAccuracy: Double?
    /// Mean loss of this step's training batch, train mode (before the update).
    public var batchLoss: Double
    public var layers: [LayerFigures]
    /// Figures an experiment adds (e.g. "sharpness"), in order.
    public var extra: [(String, Double?)] = []

    public static func == (a: StepRecord, b: StepRecord) -> Bool {
        a.run == b.run && a.step == b.step && a.trainLoss.bitPattern == b.trainLoss.bitPattern
            && a.layers == b.layers && a.extra.map(\.0) == b.extra.map(\.0)
    }
}

/// Where and what the first non-finite value was.
public struct Divergence: Sendable, Equatable {
    public var step: Int
    /// 1…L hidden, L + 1 the output layer; nil for the loss.
    public var layer: Int?
    public var quantity: String
    public var value: String

    public var sentence: String {
        let place = layer.map { "layer \($0) " } ?? ""
        return "diverged at step \(step): \(place)\(quantity) is \(value)"
    }
}

/// How a run ended. The rule: `diverged` if a NaN or ∞ appeared anywhere
/// (forward values, loss, gradients, weights); otherwise `stalled` if the final
/// training loss fell by less than 5% of the initial one; otherwise `trained`.
public enum RunStatus: String, Sendable {
    case trained, stalled, diverged

    public static let stallFraction = 0.05

    public static func of(initialLoss: Double, finalLoss: Double, divergence: Divergence?) -> RunStatus {
        if divergence != nil { return .diverged }
        return finalLoss > (1 - stallFraction) * initialLoss ? .stalled : .trained
    }
}

/// The summary of one run: what `--json` lists under "runs".
public struct RunResult: Sendable {
    public var name: String
    public var status: RunStatus
    public var steps: Int
    public var initialTrainLoss: Double
    public var finalTrainLoss: Double
    public var finalTestLoss: Double?
    public var trainAccuracy: Double?
    public var testAccuracy: Double?
    public var divergence: Divergence?
    /// Figures an experiment adds to the run.
    public var extra: [(String, JSONValue)] = []
}
