import Kernels

/// SGD with momentum, or Adam, with the notes' weight decay
/// θ ← (1 − αλ)·θ − α·u, where u is the optimizer's step direction (notes 003,
/// "ℓ2 regularization a.k.a. weight decay"; notes 001 §7.2). With plain SGD this is
/// exactly gradient descent on loss + (λ/2)‖θ‖²; with momentum or Adam the shrink
/// is decoupled from the step (as AdamW does).
final class Optimizer<T: MatMulScalar> {
    let kind: OptimizerKind
    let learningRate: Double
    let momentum: Double
    let beta1: Double
    let beta2: Double
    let epsilon: Double
    let weightDecay: Double
    let scope: DecayScope
    var first: Parameters<T>?
    var second: Parameters<T>?
    var t = 0

    init(
        kind: OptimizerKind, learningRate: Double, momentum: Double, beta1: Double, beta2: Double, epsilon: Double,
        weightDecay: Double, scope: DecayScope
    ) {
        self.kind = kind
        self.learningRate = learningRate
        self.momentum = momentum
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.scope = scope
    }

    /// One update. Returns ‖Δθ‖² and ‖θ_before‖² per tensor when `measure` (else empty).
    func step(_ parameters: Parameters<T>, _ gradients: Parameters<T>, measure: Bool) -> [(
        change: Double, before: Double
    )] {
        t += 1
        if kind == .sgd && momentum > 0 && first == nil { first = parameters.zeros() }
        if kind == .adam && first == nil {
            first = parameters.zeros()
            second = parameters.zeros()
        }
        let alpha = T(learningRate)
        var correction1 = 1.0
        var correction2 = 1.0
        for _ in 0..<t {
            correction1 *= beta1
            correction2 *= beta2
        }
        let b1 = T(beta1)
        let b2 = T(beta2)
        let c1 = T(1 - correction1)
        let c2 = T(1 - correction2)
        let eps = T(epsilon)
        let mu = T(momentum)
        var changes: [(change: Double, before: Double)] = []
        for (index, tensor) in parameters.tensors.enumerated() {
            let decays = parameters.info[index].kind == .weight || scope == .all
            let shrink = decays ? T(1 - learningRate * weightDecay) : 1
            let w = tensor.base
            let g = gradients.tensors[index].base
            var change = 0.0
            let before = measure ? tensor.sumOfSquares() : 0
            switch kind {
            case .sgd:
                if momentum > 0 {
                    let v = first!.tensors[index].base
                    for i in 0..<tensor.count {
                        v[i] = mu * v[i] + g[i]
                        let new = shrink * w[i] - alpha * v[i]
                        if measure { change += square(new - w[i]) }
                        w[i] = new
                    }
                } else {
                    for i in 0..<tensor.count {
                        let new = shrink * w[i] - alpha * g[i]
                        if measure { change += square(new - w[i]) }
                        w[i] = new
                    }
                }
            case .adam:
                let m = first!.tensors[index].base
                let v = second!.tensors[index].base
                for i in 0..<tensor.count {
                    m[i] = b1 * m[i] + (1 - b1) * g[i]
                    v[i] = b2 * v[i] + (1 - b2) * (g[i] * g[i])
                    let mHat = m[i] / c1
                    let vHat = v[i] / c2
                    let new = shrink * w[i] - alpha * (mHat / (vHat.squareRoot() + eps))
                    if measure { change += square(new - w[i]) }
                    w[i] = new
                }
            }
            if measure { changes.append((change, before)) }
        }
        return changes
    }

    @inline(__always) private func square(_ x: T) -> Double {
        let d = Double(x)
        return d * d
    }

    /// The optimizer's state, copied (for replay snapshots).
    func copy() -> Optimizer<T> {
        let o = Optimizer(
            kind: kind, learningRate: learningRate, momentum: momentum, beta1: beta1, beta2: beta2, epsilon: epsilon,
            weightDecay: weightDecay, scope: scope)
        o.first = first?.copy()
        o.second = second?.copy()
        o.t = t
        return o
    }
}
