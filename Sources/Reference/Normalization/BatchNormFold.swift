import Exact

/// Folding eval-mode batch norm into the linear layer before it:
/// h = x·Wᵀ + bias, y = γ(h − E)/√(Var + ε) + β equals x·W'ᵀ + bias' with
/// W'ₒ = aₒ·Wₒ, bias'ₒ = aₒ·(biasₒ − Eₒ) + βₒ, aₒ = γₒ/√(Varₒ + ε).
///
/// Inputs `W` (out × in), `bias` (out, default 0), `x` (N × in), `gamma`,
/// `beta` (default 1, 0), `running_mean`, `running_var` (out; default 0, 1);
/// parameter `eps` (default: the convention's). The check `y_folded_minus_y`
/// is exactly zero.
public enum BatchNormFoldOperation: ReferenceOperation {
    public static let name = "bn-fold"
    public static let summary = "Fold eval-mode batch norm into the preceding linear layer, checked exactly"

    @_specialize(where S == Surd)
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public static func run<S: ReferenceScalar>(_ input: CaseInput, as _: S.Type) throws -> Trace<S> {
        let convention = try input.batchNormConvention()
        let wExact = try input.requiredTensor("W")
        guard wExact.shape.count == 2, wExact.count > 0 else {
            throw ReferenceError("input W has shape \(wExact.shape); it must be (out, in), non-empty")
        }
        let (outputs, inputs) = (wExact.shape[0], wExact.shape[1])
        let xExact = try input.requiredTensor("x")
        guard xExact.shape.count == 2, xExact.shape[1] == inputs, xExact.shape[0] > 0 else {
            throw ReferenceError(
                "input x has shape \(xExact.shape); it must be (N, \(inputs)) to match W's \(inputs) inputs, N ≥ 1")
        }
        let n = xExact.shape[0]
        let biasExact = try channelVector(input, "bias", channels: outputs, fill: 0)
        let gammaExact = try channelVector(input, "gamma", channels: outputs, fill: 1)
        let betaExact = try channelVector(input, "beta", channels: outputs, fill: 0)
        let meanExact = try channelVector(input, "running_mean", channels: outputs, fill: 0)
        let varExact = try channelVector(input, "running_var", channels: outputs, fill: 1)
        let eps = try input.epsParam(default: convention.defaultEps)
        for (o, value) in varExact.values.enumerated() {
            if value.signum < 0 {
                throw ReferenceError("running_var[\(o)] = \(valueText(value)) is negative; a variance must be ≥ 0")
            }
            if value.isZero && eps.isZero {
                throw ReferenceError("channel \(o) has running variance 0 and eps = 0: x̂ is undefined")
            }
        }
        var trace = Trace<S>(op: name, params: [("eps", .number(eps)), ("convention", .word(convention.name))])
        let w = trace.record("W", symbol: "W", formula: "input (out × in)", role: .input, wExact.converted(to: S.self))
            .values
        let bias = trace.record(
            "bias", symbol: "c", formula: "input (out)", role: .input, biasExact.converted(to: S.self)
        ).values
        let x = trace.record("x", symbol: "x", formula: "input (N × in)", role: .input, xExact.converted(to: S.self))
            .values
        let gamma = trace.record(
            "gamma", symbol: "γ", formula: "input (out)", role: .input, gammaExact.converted(to: S.self)
        ).values
        let beta = trace.record(
            "beta", symbol: "β", formula: "input (out)", role: .input, betaExact.converted(to: S.self)
        ).values
        let mean = trace.record(
            "running_mean", symbol: "E", formula: "input (out)", role: .input, meanExact.converted(to: S.self)
        ).values
        let variance = trace.record(
            "running_var", symbol: "Var", formula: "input (out)", role: .input, varExact.converted(to: S.self)
        ).values

        func linear(_ weights: [S], _ offsets: [S]) -> [S] {
            (0..<(n * outputs)).map { index in
                let (row, o) = (index / outputs, index % outputs)
                var total = offsets[o]
                for i in 0..<inputs { total += x[row * inputs + i] * weights[o * inputs + i] }
                return total
            }
        }
        let h = trace.record(
            "h", symbol: "h", formula: "h = x·Wᵀ + c", Tensor(shape: [n, outputs], values: linear(w, bias))
        ).values
        let std = try BatchNormOperation.evalStd(
            &trace, runningVar: variance, eps: eps, placement: convention.epsPlacement)
        let y = trace.record(
            "y", symbol: "y", formula: "y = γ(h − E)/√(Var + ε) + β  (eval-mode batch norm of h)", role: .output,
            Tensor(
                shape: [n, outputs],
                values: (0..<(n * outputs)).map {
                    let o = $0 % outputs
                    return gamma[o] * (h[$0] - mean[o]) / std[o] + beta[o]
                })
        ).values
        let a = trace.record(
            "scale", symbol: "a", formula: "a = γ/√(Var + ε)",
            Tensor(vector: (0..<outputs).map { NormalizationFormulas.evalScale(gamma: gamma[$0], std: std[$0]) })
        ).values
        let wFolded = trace.record(
            "W_folded", symbol: "W'", formula: "W'ₒ = aₒ·Wₒ", role: .output,
            Tensor(shape: [outputs, inputs], values: (0..<(outputs * inputs)).map { a[$0 / inputs] * w[$0] })
        ).values
        let biasFolded = trace.record(
            "bias_folded", symbol: "c'", formula: "c'ₒ = aₒ·(cₒ − Eₒ) + βₒ", role: .output,
            Tensor(vector: (0..<outputs).map { a[$0] * (bias[$0] - mean[$0]) + beta[$0] })
        ).values
        let folded = trace.record(
            "y_folded", symbol: "x·W'ᵀ + c'", formula: "x·W'ᵀ + c'", role: .output,
            Tensor(shape: [n, outputs], values: linear(wFolded, biasFolded))
        ).values
        trace.record(
            "y_folded_minus_y", symbol: "(x·W'ᵀ + c') − y", formula: "exactly 0", role: .check,
            Tensor(shape: [n, outputs], values: (0..<(n * outputs)).map { folded[$0] - y[$0] }))
        return trace
    }
}
