import Exact
import SplitMix

/// The committee view of dropout (course notes Eq. 7.15): the two-layer net
/// ŷ = vᵀσ(Sᵀx) with a plain dropout mask r (P(keep) = 1 − p) either on the
/// input x (`site` = input: ŷ_r = vᵀσ(Sᵀ(r⊙x))) or on the hidden units
/// (`site` = hidden: ŷ_r = vᵀ(r⊙σ(Sᵀx))). Every mask is one subnetwork of the
/// committee; the committee's prediction is the mean over all 2^k masks,
/// computed exactly by enumeration (k ≤ 20) and compared with the
/// weight-scaling rule (multiply the weights after the dropped units by 1 − p):
/// equal for linear σ; for ReLU the gap is exact and generally non-zero when
/// the mask is on the input. On the hidden units ŷ_r is linear in r, so the
/// rule is exact for every σ.
///
/// Inputs `x` (d), `S` (d × h), `v` (h); parameters `p` ∈ [0, 1] (default 1/2),
/// `activation` linear | relu (default relu), `site` input | hidden (default
/// input), `samples`/`seed` for a Monte-Carlo estimate of the mean (MC dropout).
public enum DropoutCommittee: ReferenceOperation {
    public static let name = "dropout-committee"
    public static let summary =
        "Committee mean of ŷ = vᵀσ(Sᵀx) over all dropout masks vs the weight-scaling rule; MC-dropout variance"

    /// The activation σ of the hidden layer.
    public enum Activation: String, ParameterWord { case linear, relu }
    /// Where the dropout mask acts.
    public enum Site: String, ParameterWord { case input, hidden }

    public static func run<T: ReferenceScalar>(_ input: CaseInput, as _: T.Type) throws -> Trace<T> {
        let pValue = try Dropout.readP(input)
        try Dropout.validate(p: pValue, variant: .plain)
        let relu = try input.wordParam("activation", default: Activation.relu) == .relu
        let onInput = try input.wordParam("site", default: Site.input) == .input
        let xTensor = try input.requiredTensor("x")
        let sTensor = try input.requiredTensor("S")
        let vTensor = try input.requiredTensor("v")
        let d = xTensor.count
        guard d > 0, sTensor.shape.count == 2, sTensor.shape[0] == d else {
            throw ReferenceError("input S has shape \(sTensor.shape); it must be d × h with d = \(d) (the length of x)")
        }
        let h = sTensor.shape[1]
        guard vTensor.count == h else {
            throw ReferenceError("input v has \(vTensor.count) values but S has h = \(h) columns")
        }
        let units = onInput ? d : h
        try MaskEnumeration.checkSize(
            units: units, cost: d * h, what: "dropout on \(units) \(onInput ? "input" : "hidden") units")
        let samples = try input.samplesParam()

        var trace = Trace<T>(
            op: name,
            params: [
                ("p", .number(pValue)), ("activation", .word(relu ? "relu" : "linear")),
                ("site", .word(onInput ? "input" : "hidden")), ("variant", .word("plain")),
            ])
        let x = trace.record("x", symbol: "x", formula: "input", role: .input, xTensor.converted(to: T.self)).values
        let s = Matrix(
            trace.record(
                "S", symbol: "S", formula: "first-layer weights, d × h", role: .input, sTensor.converted(to: T.self)))
        let v = trace.record(
            "v", symbol: "v", formula: "second-layer weights", role: .input, vTensor.converted(to: T.self)
        ).values
        let p = T(pValue)
        // The weight-scaling rule multiplies by plain dropout's test-time scale.
        let q = Dropout.scale(variant: .plain, train: false, p: p)
        func sigma(_ z: T) -> T { relu && z < .zero ? .zero : z }
        func predict(inputMask: UInt64?, hiddenMask: UInt64?, inputScale: T = .one, hiddenScale: T = .one) -> T {
            var output = T.zero
            for k in 0..<h {
                var z = T.zero
                for j in 0..<d where inputMask.map({ $0 & (UInt64(1) << UInt64(j)) != 0 }) ?? true {
                    z += s[j, k] * inputScale * x[j]
                }
                if let hiddenMask, hiddenMask & (UInt64(1) << UInt64(k)) == 0 { continue }
                output += v[k] * hiddenScale * sigma(z)
            }
            return output
        }
        trace.record(
            "subnetworks", symbol: "2^k",
            formula: "number of distinct masks (subnetworks) over the k = \(units) dropped units",
            Tensor(scalar: T(Rational(BigInt(1).shiftedLeft(units)))))
        trace.record(
            "y_full", symbol: "vᵀσ(Sᵀx)", formula: "the full network, no mask and no scaling",
            Tensor(scalar: predict(inputMask: nil, hiddenMask: nil)))
        let moments = try MaskEnumeration.moments(units: units, p: p) { mask in
            onInput ? predict(inputMask: mask, hiddenMask: nil) : predict(inputMask: nil, hiddenMask: mask)
        }
        let mean = trace.record(
            "y_mean", symbol: "E_r[ŷ_r]", formula: "Σ_r P(r)·ŷ_r over all 2^k masks: the committee's prediction",
            role: .output, Tensor(scalar: moments.mean))[0]
        let scaled =
            onInput
            ? predict(inputMask: nil, hiddenMask: nil, inputScale: q)
            : predict(inputMask: nil, hiddenMask: nil, hiddenScale: q)
        trace.record(
            "y_weight_scaling", symbol: "ŷ with weights × (1 − p)",
            formula: onInput
                ? "vᵀσ((1−p)Sᵀx): S scaled by the keep probability" : "(1−p)vᵀσ(Sᵀx): v scaled by the keep probability",
            role: .output, Tensor(scalar: scaled))
        trace.record(
            "gap", symbol: "E_r[ŷ_r] − ŷ_scaled",
            formula: relu && onInput
                ? "exact gap of the weight-scaling rule (ReLU after dropped inputs)"
                : "0: ŷ_r is linear in the mask here", role: relu && onInput ? .output : .check,
            Tensor(scalar: mean - scaled))
        trace.record(
            "y_variance", symbol: "Var_r[ŷ_r]", formula: "E[ŷ²] − E[ŷ]²: the spread of MC-dropout predictions",
            role: .output, Tensor(scalar: moments.secondMoment - mean * mean))
        if samples > 0 {
            let seed = try input.seedParam()
            trace.setParameter("samples", .number(Rational(samples)))
            let estimate = try monteCarlo(
                input: input, p: pValue.rounded(to: Double.self), samples: samples, seed: seed)
            recordMonteCarlo(estimate, into: &trace, symbol: "mean of ŷ_r over sampled masks (MC dropout)")
        }
        return trace
    }

    /// MC dropout in Double: the mean of `samples` predictions with masks from SplitMix64(seed).
    public static func monteCarlo(input: CaseInput, p: Double, samples: Int, seed: UInt64) throws
        -> MonteCarloEstimate
    {
        let x = try input.requiredTensor("x").values.map { $0.rounded(to: Double.self) }
        let s = Matrix(try input.requiredTensor("S").converted(to: Double.self))
        let v = try input.requiredTensor("v").values.map { $0.rounded(to: Double.self) }
        let onInput = try input.wordParam("site", default: Site.input) == .input
        let relu = try input.wordParam("activation", default: Activation.relu) == .relu
        var generator = SplitMix64(seed: seed)
        var values: [Double] = []
        for _ in 0..<samples {
            let inputKeep = (0..<x.count).map { _ in onInput ? generator.keep(dropProbability: p) : true }
            let hiddenKeep = (0..<v.count).map { _ in onInput ? true : generator.keep(dropProbability: p) }
            var output = 0.0
            for k in 0..<v.count where hiddenKeep[k] {
                var z = 0.0
                for j in 0..<x.count where inputKeep[j] { z += s[j, k] * x[j] }
                output += v[k] * (relu ? max(0, z) : z)
            }
            values.append(output)
        }
        return MonteCarloEstimate(values: values)
    }
}

/// The variance shift between dropout and a following batch-norm layer
/// (Li et al., "Understanding the disharmony between dropout and batch
/// normalization", 2019): in training BN sees y = s·r·x, at test time y = x·t
/// (inverted: s = 1/(1−p), t = 1; plain: s = 1, t = 1 − p). Input `x`: the
/// values one unit takes over the data, equally likely; params `p`, `variant`.
/// Means and variances are exact expectations over the joint distribution of
/// (x, r), enumerated; BN's running variance comes from training, so at test
/// time its output has variance var_test / var_train instead of 1.
public enum DropoutBNShift: ReferenceOperation {
    public static let name = "dropout-bn-shift"
    public static let summary =
        "Variance a BN layer sees after dropout in training vs at test time, exactly, and the ratio"

    public static func run<S: ReferenceScalar>(_ input: CaseInput, as _: S.Type) throws -> Trace<S> {
        let pValue = try Dropout.readP(input)
        let variant = try input.wordParam("variant", default: Dropout.Variant.inverted)
        try Dropout.validate(p: pValue, variant: variant)
        guard pValue < 1 else {
            throw ReferenceError("parameter p = 1 drops everything: the training variance is 0 and the ratio undefined")
        }
        let xTensor = try input.requiredTensor("x")
        guard xTensor.count > 0 else { throw ReferenceError("input x is empty") }
        var trace = Trace<S>(op: name, params: [("p", .number(pValue)), ("variant", .word(variant.rawValue))])
        let x = trace.record(
            "x", symbol: "x", formula: "values of one unit, equally likely", role: .input, xTensor.converted(to: S.self)
        ).values
        let p = S(pValue)
        let q = S.one - p
        let trainScale = Dropout.scale(variant: variant, train: true, p: p)
        let testScale = Dropout.scale(variant: variant, train: false, p: p)
        let count = S(x.count)
        var trainMean = S.zero
        var trainSecond = S.zero
        var testMean = S.zero
        var testSecond = S.zero
        for value in x {
            for (keep, probability) in [(S.zero, p), (S.one, q)] {
                let yValue = trainScale * keep * value
                trainMean += probability * yValue / count
                trainSecond += probability * yValue * yValue / count
            }
            testMean += testScale * value / count
            testSecond += testScale * value * testScale * value / count
        }
        trace.record("mean_train", symbol: "E[y_train]", formula: "Σ_x Σ_r P(x)P(r)·s·r·x", Tensor(scalar: trainMean))
        let varTrain = trace.record(
            "var_train", symbol: "Var[y_train]", formula: "E[y²] − E[y]² over (x, r)", role: .output,
            Tensor(scalar: trainSecond - trainMean * trainMean))[0]
        trace.record("mean_test", symbol: "E[y_test]", formula: "Σ_x P(x)·t·x", Tensor(scalar: testMean))
        let varTest = trace.record(
            "var_test", symbol: "Var[y_test]", formula: "E[y²] − E[y]² over x", role: .output,
            Tensor(scalar: testSecond - testMean * testMean))[0]
        guard !varTrain.isZero || !S.isExact else {
            throw ReferenceError("input x gives zero variance after dropout; the ratio is undefined")
        }
        trace.record(
            "variance_ratio", symbol: "Var_test / Var_train",
            formula: "variance of BN's output at test time when normalised with training statistics", role: .output,
            Tensor(scalar: varTest / varTrain))
        var meanX = S.zero
        var secondX = S.zero
        for value in x {
            meanX += value / count
            secondX += value * value / count
        }
        let closed = variant == .inverted ? secondX / q - meanX * meanX : q * secondX - q * q * meanX * meanX
        trace.record(
            "var_train_check", symbol: "difference",
            formula: variant == .inverted
                ? "Var_train − (E[x²]/(1−p) − E[x]²) = 0" : "Var_train − ((1−p)E[x²] − (1−p)²E[x]²) = 0", role: .check,
            Tensor(scalar: varTrain - closed))
        // A sample variance needs two samples.
        let samples = try input.samplesParam(minimum: 2)
        if samples > 0 {
            let seed = try input.seedParam()
            trace.setParameter("samples", .number(Rational(samples)))
            trace.setParameter("seed", .number(Rational(BigInt(UInt(seed)))))
            let estimate = monteCarlo(
                x: xTensor, p: pValue.rounded(to: Double.self), variant: variant, samples: samples, seed: seed)
            recordMonteCarlo(estimate, into: &trace, symbol: "sample variance of y_train")
        }
        return trace
    }

    /// A Monte-Carlo estimate of Var[y_train] in Double: each sample draws a
    /// value of x (index ⌊u·count⌋) and a keep decision (keep iff u ≥ p) from
    /// SplitMix64(seed) and forms y = s·r·x. The estimate is the unbiased sample
    /// variance, the mean of (yᵢ − ȳ)²·N/(N − 1); its interval treats those
    /// terms as independent, which the delta method justifies for large N.
    public static func monteCarlo(x: Tensor<Rational>, p: Double, variant: Dropout.Variant, samples: Int, seed: UInt64)
        -> MonteCarloEstimate
    {
        let values = x.values.map { $0.rounded(to: Double.self) }
        let scale = Dropout.scale(variant: variant, train: true, p: p)
        var generator = SplitMix64(seed: seed)
        var ys: [Double] = []
        ys.reserveCapacity(samples)
        for _ in 0..<samples {
            let index = min(values.count - 1, Int(generator.nextUnit() * Double(values.count)))
            ys.append(generator.keep(dropProbability: p) ? scale * values[index] : 0)
        }
        let mean = ys.reduce(0, +) / Double(samples)
        let correction = Double(samples) / Double(samples - 1)
        return MonteCarloEstimate(values: ys.map { ($0 - mean) * ($0 - mean) * correction })
    }
}
