import Exact

/// Running statistics over a sequence of training batches, by a convention,
/// then (optionally) eval-mode batch norm with them.
///
/// Input `batches` has shape (K, N, C) or (K, N, C, H, W): K batches of the
/// same shape, batch k first. Optional `running_mean`, `running_var` (C) are
/// the values before the first batch (default: the convention's initial
/// values; Caffe's sums start at 0, which its debiasing makes irrelevant).
/// Optional `x` (M, C, …) with `gamma`, `beta` is then normalised in eval
/// mode: y = a·x + b, a = γ/√(Var + ε), b = β − a·E.
/// Parameters `momentum`, `eps`, `batches_seen` (before the first batch) and
/// the convention overrides.
public enum RunningStatsOperation: ReferenceOperation {
    public static let name = "running-stats"
    public static let summary = "Running mean and variance over a sequence of batches, by convention; eval-mode output"

    @_specialize(where S == Surd)
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public static func run<S: ReferenceScalar>(_ input: CaseInput, as _: S.Type) throws -> Trace<S> {
        let convention = try input.batchNormConvention()
        let batchesExact = try input.requiredTensor("batches")
        guard batchesExact.shape.count >= 3 else {
            throw ReferenceError(
                "input batches has shape \(batchesExact.shape); it must be (K, N, C) or (K, N, C, H, W): K batches of shape (N, C, …)"
            )
        }
        let k = batchesExact.shape[0]
        guard k > 0, batchesExact.count > 0 else {
            throw ReferenceError("input batches is empty (shape \(batchesExact.shape))")
        }
        let batchShape = Array(batchesExact.shape.dropFirst())
        let perBatch = batchShape.reduce(1, *)
        let layout = try ChannelLayout(
            Tensor(shape: batchShape, values: Array(batchesExact.values.prefix(perBatch))), name: "batches[0]")
        let channels = layout.channels
        let m = layout.batch * layout.spatial
        let eps = try input.epsParam(default: convention.defaultEps)
        let momentum = try convention.momentum(try input.rationalParam("momentum", default: convention.defaultMomentum))
        let seen0 = try input.batchesSeenParam()
        guard seen0 + k <= batchesSeenLimit else {
            throw ReferenceError(
                "batches_seen + K = \(seen0) + \(k) batches exceed \(batchesSeenLimit), the number of batches followed exactly"
            )
        }
        let meanExact = try channelVector(
            input, "running_mean", channels: channels, fill: convention.initialRunningMean)
        let varExact = try channelVector(input, "running_var", channels: channels, fill: convention.initialRunningVar)
        for (c, value) in varExact.values.enumerated() where value.signum < 0 {
            throw ReferenceError("running_var[\(c)] = \(valueText(value)) is negative; a variance must be ≥ 0")
        }

        var trace = Trace<S>(
            op: name,
            params: [
                ("eps", .number(eps)), ("momentum", .number(momentum)), ("convention", .word(convention.name)),
                ("averaging", .word(convention.averaging.rawValue)), ("averaged", .word(convention.averaged.rawValue)),
                ("running_var_estimator", .word(convention.runningVariance.rawValue)),
            ])
        let batches = trace.record(
            "batches", symbol: "x⁽ᵏ⁾", formula: "input (K, N, C\(layout.spatialText.uppercased()))", role: .input,
            batchesExact.converted(to: S.self)
        ).values
        var runningMean = trace.record(
            "running_mean", symbol: "E[x]", formula: "input: before the first batch", role: .input,
            meanExact.converted(to: S.self)
        ).values
        var runningVar = trace.record(
            "running_var", symbol: "Var[x]", formula: "input: before the first batch", role: .input,
            varExact.converted(to: S.self)
        ).values

        var batchMeans: [S] = []
        var batchVars: [S] = []
        var fedVars: [S] = []
        var batchStds: [S] = []
        var meanHistory: [S] = []
        var varHistory: [S] = []
        var stdHistory: [S] = []
        var runningStd: [S] =
            convention.averaged == .standardDeviation
            ? try runningVar.map { try squareRoot($0, what: "√running_var") } : []
        for b in 0..<k {
            let slice = Array(batches[(b * perBatch)..<((b + 1) * perBatch)])
            for c in 0..<channels {
                var values: [S] = []
                for n in 0..<layout.batch {
                    for s in 0..<layout.spatial { values.append(slice[layout.index(n, c, s)]) }
                }
                let (mean, variance) = NormalizationFormulas.meanAndVariance(values)
                let fed = try convention.runningVarianceInput(variance, count: m, eps: eps)
                batchMeans.append(mean)
                batchVars.append(variance)
                fedVars.append(fed)
                let seen = seen0 + b
                runningMean[c] = convention.update(old: runningMean[c], batch: mean, seen: seen, momentum: momentum)
                switch convention.averaged {
                case .variance:
                    runningVar[c] = convention.update(old: runningVar[c], batch: fed, seen: seen, momentum: momentum)
                case .standardDeviation:
                    let batchStd = try squareRoot(fed, what: "√(batch variance) of batch \(b), channel \(c)")
                    batchStds.append(batchStd)
                    (runningStd[c], runningVar[c]) = convention.averagedStandardDeviation(
                        oldStd: runningStd[c], batchStd: batchStd, seen: seen, momentum: momentum)
                    stdHistory.append(runningStd[c])
                }
                meanHistory.append(runningMean[c])
                varHistory.append(runningVar[c])
            }
        }
        let kc = [k, channels]
        trace.record(
            "batch_mean", symbol: "μ_B", formula: "per batch and channel: (1/m) Σ x",
            Tensor(shape: kc, values: batchMeans))
        trace.record(
            "batch_var", symbol: "σ²_B", formula: "per batch and channel: (1/m) Σ (x − μ_B)²  (biased)",
            Tensor(shape: kc, values: batchVars))
        trace.record(
            "batch_var_for_running", symbol: "B_var", formula: convention.runningVarianceFormula,
            Tensor(shape: kc, values: fedVars))
        if convention.averaged == .standardDeviation {
            trace.record(
                "batch_std_for_running", symbol: "σ_B", formula: "√B_var", Tensor(shape: kc, values: batchStds))
            trace.record(
                "running_std_history", symbol: "σ̄ₖ", formula: convention.updateFormula("σ̄") + "  with B = σ_B",
                Tensor(shape: kc, values: stdHistory))
        }
        if convention.averaging == .caffeNormalizedSum {
            trace.record(
                "caffe_scale", symbol: "s₂", formula: "s₂ ← d·s₂ + 1 (Caffe's third blob after each batch)",
                Tensor(vector: (0..<k).map { S(convention.caffeScale(seen: seen0 + $0 + 1, decay: momentum)) }))
        }
        trace.record(
            "running_mean_history", symbol: "E[x]ₖ", formula: convention.updateFormula("E[x]") + "  with B = μ_B",
            Tensor(shape: kc, values: meanHistory))
        trace.record(
            "running_var_history", symbol: "Var[x]ₖ",
            formula: convention.averaged == .variance ? convention.updateFormula("Var[x]") + "  with B = B_var" : "σ̄ₖ²",
            Tensor(shape: kc, values: varHistory))
        trace.record(
            "running_mean", symbol: "E[x]", formula: "after the last batch", role: .output, Tensor(vector: runningMean))
        trace.record(
            "running_var", symbol: "Var[x]", formula: "after the last batch", role: .output, Tensor(vector: runningVar))

        guard let xExact = input.tensor("x") else { return trace }
        let xLayout = try ChannelLayout(xExact)
        guard xLayout.channels == channels, xLayout.shape.dropFirst(2).elementsEqual(layout.shape.dropFirst(2)) else {
            throw ReferenceError(
                "input x has shape \(xExact.shape); it must be (M, \(channels)\(layout.shape.dropFirst(2).map { ", \($0)" }.joined())) like the batches"
            )
        }
        let gammaExact = try channelVector(input, "gamma", channels: channels, fill: 1)
        let betaExact = try channelVector(input, "beta", channels: channels, fill: 0)
        let x = trace.record(
            "x", symbol: "x", formula: "input: normalised in eval mode", role: .input, xExact.converted(to: S.self)
        ).values
        let gamma = trace.record(
            "gamma", symbol: "γ", formula: "input, per channel", role: .input, gammaExact.converted(to: S.self)
        ).values
        let beta = trace.record(
            "beta", symbol: "β", formula: "input, per channel", role: .input, betaExact.converted(to: S.self)
        ).values
        let std: [S]
        if convention.averaged == .standardDeviation && eps.isZero {
            // √(σ̄²) = σ̄: the averaged standard deviation itself (notes 000 Eq. 4).
            std =
                trace.record(
                    "std", symbol: "σ̄", formula: "σ̄ (ε = 0: the averaged standard deviation)",
                    Tensor(vector: runningStd)
                ).values
        } else {
            std = try BatchNormOperation.evalStd(
                &trace, runningVar: runningVar, eps: eps, placement: convention.epsPlacement)
        }
        for (c, value) in std.enumerated() where value.isZero {
            throw ReferenceError("channel \(c) has running variance 0 and eps = 0: x̂ is undefined")
        }
        let a = trace.record(
            "scale", symbol: "a", formula: "a = γ/√(Var[x] + ε)",
            Tensor(vector: (0..<channels).map { NormalizationFormulas.evalScale(gamma: gamma[$0], std: std[$0]) })
        ).values
        let b = trace.record(
            "shift", symbol: "b", formula: "b = β − a·E[x]",
            Tensor(
                vector: (0..<channels).map {
                    NormalizationFormulas.evalShift(beta: beta[$0], scale: a[$0], mean: runningMean[$0])
                })
        ).values
        let channelOf = (0..<xLayout.count).map { ($0 / xLayout.spatial) % channels }
        trace.record(
            "y", symbol: "y", formula: "y = a·x + b  (eval mode)", role: .output,
            Tensor(
                shape: xExact.shape,
                values: (0..<xLayout.count).map {
                    NormalizationFormulas.evalAffine(x[$0], scale: a[channelOf[$0]], shift: b[channelOf[$0]])
                })
        )
        return trace
    }
}
