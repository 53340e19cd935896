import Exact

/// Batch normalization of x (N, C) or (N, C, H, W): statistics per channel
/// over N·H·W values.
///
/// Inputs `x`, `gamma` (default 1), `beta` (default 0), `dy` (optional: the
/// backward pass runs when given), `running_mean`, `running_var` (defaults
/// from the convention: 0 and 1). Parameters `eps`, `momentum` (in the
/// convention's meaning), `mode` (`train` | `eval`), `batches_seen` (for
/// cumulative and Caffe averaging, default 0), and the convention overrides
/// of `CaseInput.batchNormConvention()`.
///
/// Train: every node of the forward and backward graph (see
/// `normalizeRecording`), the compact ∂ℓ/∂x and its exact difference from the
/// graph's, then the running statistics updated by the convention.
/// Eval: the running statistics normalise; the folded affine form
/// y = a·x + b (notes 002 Eq. 49) is recorded next to γ·x̂ + β, with their
/// exact difference.
public enum BatchNormOperation: ReferenceOperation {
    public static let name = "batchnorm"
    public static let summary = "Batch normalization, training (forward, backward, running stats) or eval"

    @_specialize(where S == Surd)
    @_specialize(where S == Double)
    @_specialize(where S == Float)
    public static func run<S: ReferenceScalar>(_ input: CaseInput, as _: S.Type) throws -> Trace<S> {
        let convention = try input.batchNormConvention()
        let xExact = try input.requiredTensor("x")
        let layout = try ChannelLayout(xExact)
        let eps = try input.epsParam(default: convention.defaultEps)
        let momentum = try convention.momentum(try input.rationalParam("momentum", default: convention.defaultMomentum))
        let mode = try input.wordParam("mode", default: Mode.train)
        let seen = try input.batchesSeenParam()
        let gammaExact = try channelVector(input, "gamma", channels: layout.channels, fill: 1)
        let betaExact = try channelVector(input, "beta", channels: layout.channels, fill: 0)
        let runningMeanExact = try channelVector(
            input, "running_mean", channels: layout.channels, fill: convention.initialRunningMean)
        let runningVarExact = try channelVector(
            input, "running_var", channels: layout.channels, fill: convention.initialRunningVar)
        let dyExact = input.tensor("dy")
        if let dyExact { try checkSameShape(dyExact, "dy", as: xExact) }
        for (c, value) in runningVarExact.values.enumerated() where value.signum < 0 {
            throw ReferenceError("running_var[\(c)] = \(valueText(value)) is negative; a variance must be ≥ 0")
        }
        let plan = NormalizationPlan.batchNorm(layout)

        var trace = Trace<S>(
            op: name,
            params: [
                ("eps", .number(eps)), ("momentum", .number(momentum)), ("mode", .word(mode.word)),
                ("convention", .word(convention.name)),
                ("eps_placement", .word(convention.epsPlacement == .insideRoot ? "inside" : "outside")),
            ])
        if convention.averaging != .exponential { trace.setParameter("batches_seen", .number(Rational(seen))) }
        let x = trace.record(
            "x", symbol: "x", formula: "input (N, C\(layout.spatialText.uppercased()))", role: .input,
            xExact.converted(to: S.self)
        ).values
        let gamma = trace.record(
            "gamma", symbol: "γ", formula: "input, per channel", role: .input, gammaExact.converted(to: S.self)
        ).values
        let beta = trace.record(
            "beta", symbol: "β", formula: "input, per channel", role: .input, betaExact.converted(to: S.self)
        ).values
        let dy = dyExact.map {
            trace.record(
                "dy", symbol: "∂ℓ/∂y", formula: "input: upstream gradient", role: .input, $0.converted(to: S.self)
            ).values
        }
        let runningMean = trace.record(
            "running_mean", symbol: "E[x]", formula: "input: running mean", role: .input,
            runningMeanExact.converted(to: S.self)
        ).values
        let runningVar = trace.record(
            "running_var", symbol: "Var[x]", formula: "input: running variance", role: .input,
            runningVarExact.converted(to: S.self)
        ).values

        if mode == .eval {
            try evalForward(
                &trace, layout: layout, x: x, gamma: gamma, beta: beta, dy: dy, runningMean: runningMean,
                runningVar: runningVar, runningVarExact: runningVarExact, eps: eps, placement: convention.epsPlacement)
            trace.record(
                "running_mean", symbol: "E[x]", formula: "unchanged in eval mode", role: .output,
                Tensor(vector: runningMean))
            trace.record(
                "running_var", symbol: "Var[x]", formula: "unchanged in eval mode", role: .output,
                Tensor(vector: runningVar))
            return trace
        }

        try plan.validateVariance(xExact, eps: eps, placement: convention.epsPlacement)
        let values = try normalizeRecording(
            &trace, plan: plan, x: x, gamma: gamma, beta: beta, dy: dy, eps: eps, placement: convention.epsPlacement)
        try recordRunningUpdate(
            &trace, convention: convention, batchMean: values.mean, batchVar: values.variance,
            oldMean: runningMean, oldVar: runningVar, count: layout.batch * layout.spatial,
            seen: seen, momentum: momentum, eps: eps)
        return trace
    }

    /// The running statistics after one training batch, by the convention.
    static func recordRunningUpdate<S: ReferenceScalar>(
        _ trace: inout Trace<S>, convention: BatchNormConvention, batchMean: [S], batchVar: [S],
        oldMean: [S], oldVar: [S], count: Int, seen: Int, momentum: Rational, eps: Rational
    ) throws {
        let channels = batchMean.count
        let fed = try batchVar.map { try convention.runningVarianceInput($0, count: count, eps: eps) }
        trace.record(
            "batch_var_for_running", symbol: "B_var", formula: convention.runningVarianceFormula, Tensor(vector: fed))
        let newMean = (0..<channels).map {
            convention.update(old: oldMean[$0], batch: batchMean[$0], seen: seen, momentum: momentum)
        }
        let newVar: [S]
        switch convention.averaged {
        case .variance:
            newVar = (0..<channels).map {
                convention.update(old: oldVar[$0], batch: fed[$0], seen: seen, momentum: momentum)
            }
        case .standardDeviation:
            let oldStd = trace.record(
                "running_std_old", symbol: "σ̄", formula: "√Var[x]",
                Tensor(vector: try oldVar.map { try squareRoot($0, what: "√running_var") })
            ).values
            let batchStd = trace.record(
                "batch_std_for_running", symbol: "σ_B", formula: "√B_var",
                Tensor(vector: try fed.map { try squareRoot($0, what: "√batch variance") })
            ).values
            let averaged = (0..<channels).map {
                convention.averagedStandardDeviation(
                    oldStd: oldStd[$0], batchStd: batchStd[$0], seen: seen, momentum: momentum)
            }
            trace.record(
                "running_std", symbol: "σ̄", formula: convention.updateFormula("σ̄"),
                Tensor(vector: averaged.map(\.std)))
            newVar = averaged.map(\.variance)
        }
        trace.record(
            "running_mean", symbol: "E[x]", formula: convention.updateFormula("E[x]") + "  with B = μ", role: .output,
            Tensor(vector: newMean))
        trace.record(
            "running_var", symbol: "Var[x]",
            formula: convention.averaged == .variance
                ? convention.updateFormula("Var[x]") + "  with B = B_var" : "σ̄²  (the standard deviation is averaged)",
            role: .output, Tensor(vector: newVar))
    }

    /// Eval mode: normalise with the running statistics; record the folded
    /// form next to the direct one.
    static func evalForward<S: ReferenceScalar>(
        _ trace: inout Trace<S>, layout: ChannelLayout, x: [S], gamma: [S], beta: [S], dy: [S]?,
        runningMean: [S], runningVar: [S], runningVarExact: Tensor<Rational>, eps: Rational,
        placement: BatchNormConvention.EpsPlacement
    ) throws {
        let channels = layout.channels
        let shape = layout.shape
        if eps.isZero, let c = runningVarExact.values.firstIndex(where: { $0.isZero }) {
            throw ReferenceError("channel \(c) has running variance 0 and eps = 0: x̂ is undefined")
        }
        let channelOf = (0..<layout.count).map { ($0 / layout.spatial) % channels }
        trace.setLayout(ElementLayout(group: channelOf, affine: channelOf, groupSize: layout.batch * layout.spatial))
        let over = "n\(layout.spatialText)"
        trace.record("mean", symbol: "μ", formula: "μ = E[x] (eval: the running mean)", Tensor(vector: runningMean))
        trace.record(
            "var", symbol: "σ²", formula: "σ² = Var[x] (eval: the running variance)", Tensor(vector: runningVar))
        let std = try evalStd(&trace, runningVar: runningVar, eps: eps, placement: placement)
        let invStd = trace.record(
            "inv_std", symbol: "1/√(Var + ε)", formula: "1/std", Tensor(vector: std.map { S.one / $0 })
        ).values
        let centered = trace.record(
            "centered", symbol: "x − E[x]", formula: "x − E[x]",
            Tensor(shape: shape, values: (0..<layout.count).map { x[$0] - runningMean[channelOf[$0]] })
        ).values
        let xhat = trace.record(
            "xhat", symbol: "x̂", formula: "x̂ = (x − E[x])/√(Var[x] + ε)",
            Tensor(shape: shape, values: (0..<layout.count).map { centered[$0] * invStd[channelOf[$0]] })
        ).values
        let direct = trace.record(
            "y_unfolded", symbol: "γx̂ + β", formula: "γ·x̂ + β",
            Tensor(
                shape: shape, values: (0..<layout.count).map { gamma[channelOf[$0]] * xhat[$0] + beta[channelOf[$0]] })
        ).values
        let a = trace.record(
            "scale", symbol: "a", formula: "a = γ/√(Var[x] + ε)  (notes 002 Eq. 49)",
            Tensor(vector: (0..<channels).map { NormalizationFormulas.evalScale(gamma: gamma[$0], std: std[$0]) })
        ).values
        let b = trace.record(
            "shift", symbol: "b", formula: "b = β − γ·E[x]/√(Var[x] + ε)",
            Tensor(
                vector: (0..<channels).map {
                    NormalizationFormulas.evalShift(beta: beta[$0], scale: a[$0], mean: runningMean[$0])
                })
        ).values
        let y = trace.record(
            "y", symbol: "y", formula: "y = a·x + b  (folded affine form)", role: .output,
            Tensor(
                shape: shape,
                values: (0..<layout.count).map {
                    NormalizationFormulas.evalAffine(x[$0], scale: a[channelOf[$0]], shift: b[channelOf[$0]])
                })
        ).values
        trace.record(
            "y_folded_minus_unfolded", symbol: "(a·x + b) − (γx̂ + β)", formula: "exactly 0", role: .check,
            Tensor(shape: shape, values: (0..<layout.count).map { y[$0] - direct[$0] }))
        guard let dy else { return }
        var dbeta = Array(repeating: S.zero, count: channels)
        var dgamma = dbeta
        for index in 0..<layout.count {
            dbeta[channelOf[index]] += dy[index]
            dgamma[channelOf[index]] += dy[index] * xhat[index]
        }
        trace.record("dbeta", symbol: "∂ℓ/∂β", formula: "Σ_{\(over)} ∂ℓ/∂y", role: .output, Tensor(vector: dbeta))
        trace.record("dgamma", symbol: "∂ℓ/∂γ", formula: "Σ_{\(over)} ∂ℓ/∂y·x̂", role: .output, Tensor(vector: dgamma))
        trace.record(
            "dx", symbol: "∂ℓ/∂x", formula: "∂ℓ/∂x = a·∂ℓ/∂y  (the statistics are constants in eval mode)",
            role: .output,
            Tensor(shape: shape, values: (0..<layout.count).map { a[channelOf[$0]] * dy[$0] }))
    }

    /// √(Var + ε) (or √Var + ε), recorded as `var_eps`/`std`.
    static func evalStd<S: ReferenceScalar>(
        _ trace: inout Trace<S>, runningVar: [S], eps: Rational,
        placement: BatchNormConvention.EpsPlacement
    ) throws -> [S] {
        let epsS = S(eps)
        switch placement {
        case .insideRoot:
            let shifted = trace.record(
                "var_eps", symbol: "Var + ε", formula: "Var[x] + ε", Tensor(vector: runningVar.map { $0 + epsS })
            ).values
            return trace.record(
                "std", symbol: "√(Var + ε)", formula: "√(Var[x] + ε)",
                Tensor(
                    vector: try shifted.enumerated().map { try squareRoot($1, what: "√(Var[x] + ε) of channel \($0)") })
            ).values
        case .outsideRoot:
            let root = trace.record(
                "sqrt_var", symbol: "√Var", formula: "√Var[x]",
                Tensor(vector: try runningVar.enumerated().map { try squareRoot($1, what: "√Var[x] of channel \($0)") })
            ).values
            return trace.record(
                "std", symbol: "√Var + ε", formula: "√Var[x] + ε  (ε outside the root)",
                Tensor(vector: root.map { $0 + epsS })
            ).values
        }
    }
}
