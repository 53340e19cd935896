import Kernels

/// The loss of a batch and its gradient with respect to the logits, computed per
/// example in Double (`PortableMath` for exp and log).
enum Loss {
    /// The targets of one batch: class labels or real targets (`outputs` per example).
    struct Targets {
        var labels: [Int] = []
        var values: [Double] = []
    }

    /// Σ over the batch of the per-example loss, the number of correct argmax
    /// predictions (classification), and, when `gradient` is given, ∂(mean loss)/∂logits.
    static func evaluate<T: MatMulScalar>(
        _ kind: LossKind, logits: Buffer<T>, batch: Int, outputs k: Int, targets: Targets,
        gradient: Buffer<T>?, gradientScale: Double? = nil
    ) -> (sum: Double, correct: Int) {
        var total = 0.0
        var correct = 0
        let scale = gradientScale ?? 1 / Double(batch)
        var z = [Double](repeating: 0, count: k)
        for i in 0..<batch {
            for j in 0..<k { z[j] = Double(logits[i * k + j]) }
            if !targets.labels.isEmpty {
                var best = 0
                for j in 1..<max(k, 1) where z[j] > z[best] { best = j }
                if best == targets.labels[i] { correct += 1 }
            }
            switch kind {
            case .crossEntropy:
                let label = targets.labels[i]
                var top = z[0]
                for j in 1..<k where z[j] > top { top = z[j] }
                var s = 0.0
                for j in 0..<k { s += PortableMath.exp(z[j] - top) }
                let logS = PortableMath.log(s)
                total += -(z[label] - top - logS)
                if let gradient {
                    for j in 0..<k {
                        let p = PortableMath.exp(z[j] - top - logS)
                        gradient[i * k + j] = T(scale * (p - (j == label ? 1 : 0)))
                    }
                }
            case .squaredError:
                var row = 0.0
                for j in 0..<k {
                    let y = targets.labels.isEmpty ? targets.values[i * k + j] : (j == targets.labels[i] ? 1.0 : 0.0)
                    let d = z[j] - y
                    row += d * d
                    gradient?[i * k + j] = T(scale * 2 * d / Double(k))
                }
                total += row / Double(k)
            }
        }
        return (total, correct)
    }
}
