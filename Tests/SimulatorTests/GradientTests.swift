import XCTest

@testable import Simulator

/// The backward pass against central differences of the loss, in Double, for every
/// normalization, position, activation and loss: an oracle that shares no code
/// with the backward pass but the forward pass it differentiates.
final class GradientTests: XCTestCase {
    func check(_ adjust: (inout SimulationConfig) -> Void, _ label: String) throws {
        var c = SimulationConfig()
        c.dataset = "gaussians"
        c.samples = 24
        c.testFraction = 0
        c.hidden = [6, 4]
        c.batchSize = nil
        c.precision = .f64
        c.initialization = .xavier
        c.seed = 5
        adjust(&c)
        let data = try c.loadData { _ in "" }
        let sim = try Simulation<Double>(name: "g", config: c, data: data, threads: 1)
        // Move γ and β away from 1 and 0 so their gradients are exercised.
        for (index, info) in sim.network.parameters.info.enumerated() where info.kind == .gain || info.kind == .shift {
            let t = sim.network.parameters.tensors[index]
            for i in 0..<t.count { t[i] += 0.1 * Double(i + 1) }
        }
        let theta = sim.network.parameters.flattened()
        let analytic = try sim.fullBatchGradient()
        func loss(_ values: [Double]) throws -> Double {
            sim.setParameters(values)
            let n = data.train.count
            let ws = sim.network.workspace(n)
            let targets = sim.load(data.train, into: ws)
            try sim.network.forward(ws, mode: .eval(batchStatistics: true))
            return Loss.evaluate(
                sim.loss, logits: ws.logits, batch: n, outputs: data.task.outputs, targets: targets, gradient: nil
            ).sum / Double(n)
        }
        let h = 1e-6
        var worst = 0.0
        for i in stride(from: 0, to: theta.count, by: max(1, theta.count / 60)) {
            var plus = theta
            plus[i] += h
            var minus = theta
            minus[i] -= h
            let numeric = (try loss(plus) - loss(minus)) / (2 * h)
            let error = abs(numeric - analytic[i]) / max(1e-4, abs(numeric) + abs(analytic[i]))
            worst = max(worst, error)
            XCTAssertLessThan(error, 1e-5, "\(label): parameter \(i) analytic \(analytic[i]) numeric \(numeric)")
        }
        sim.setParameters(theta)
        XCTAssertGreaterThan(analytic.map(abs).max()!, 1e-6, "\(label): the gradient is not trivially zero")
    }

    func testPlainNetworks() throws {
        for activation in Activation.allCases {
            try check({ $0.activation = activation }, "plain \(activation)")
        }
        try check({ $0.loss = .squaredError }, "squared error")
        try check({ $0.dataset = "regression" }, "regression")
    }

    func testNormalizationsBeforeAndAfter() throws {
        for kind in [NormalizationKind.batchnorm, .layernorm, .groupnorm] {
            for position in NormalizationPosition.allCases {
                for activation in [Activation.relu, .tanh] {
                    try check(
                        {
                            $0.normalization = kind
                            $0.position = position
                            $0.activation = activation
                        }, "\(kind) \(position) \(activation)")
                }
            }
        }
        try check(
            {
                $0.normalization = .batchnorm
                $0.affine = false
            }, "batchnorm without affine")
    }
}
