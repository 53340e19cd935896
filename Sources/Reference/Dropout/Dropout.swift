import Exact

/// Dropout forward and backward with a given mask (1 = keep).
///
/// Inputs: `x`; `mask` (1 = keep, 0 = drop), either of x's shape (element
/// dropout) or, for x of rank ≥ 3 (N, C, H, W, …), of shape (N, C) or
/// (N, C, 1, …, 1) (Dropout2d: whole channels, applied over H·W); `dy`
/// (upstream gradient, default all ones). Parameters: `p` the **drop**
/// probability (default 1/2), `mode` train | eval (default train), `variant`
/// inverted | plain (default inverted).
///
/// - inverted (PyTorch, Keras, ONNX): train y = x·m/(1 − p), eval y = x;
///   p must lie in [0, 1): p = 1 would divide by zero.
/// - plain (the course notes, Srivastava et al.): train y = x·m, eval
///   y = (1 − p)·x; p = 1 is allowed (nothing is kept; y = 0 in both modes).
///
/// In train mode the mask must be possible under p: with p = 0 no unit may be
/// dropped, with p = 1 none may be kept. dx = dy·∂y/∂x uses the same scale.
public enum Dropout: ReferenceOperation {
    public static let name = "dropout"
    public static let summary =
        "Dropout forward and backward with a given mask: inverted or plain, train or eval, element or channel masks"

    public enum Variant: String, ParameterWord { case inverted, plain }

    /// Validates p for a variant; the message names the value and the rule.
    public static func validate(p: Rational, variant: Variant) throws {
        switch variant {
        case .inverted:
            guard p >= 0, p < 1 else {
                throw ReferenceError(
                    "parameter p = \(valueText(p)) must lie in [0, 1) for inverted dropout (the kept units are scaled by 1/(1 − p))"
                )
            }
        case .plain:
            guard p >= 0, p <= 1 else {
                throw ReferenceError("parameter p = \(valueText(p)) must lie in [0, 1] for plain dropout")
            }
        }
    }

    /// The factor dropout multiplies by (kept units in training, every unit
    /// at test time): inverted 1/(1 − p) in training and 1 at test time;
    /// plain 1 in training and the keep probability 1 − p at test time.
    public static func scale<S: ReferenceScalar>(variant: Variant, train: Bool, p: S) -> S {
        switch (variant, train) {
        case (.inverted, true): return S.one / (S.one - p)
        case (.inverted, false), (.plain, true): return .one
        case (.plain, false): return S.one - p
        }
    }

    static func scaleFormula(variant: Variant, train: Bool) -> String {
        switch (variant, train) {
        case (.inverted, true): return "1/(1 − p): kept units scaled up at training time"
        case (.inverted, false): return "1: inverted dropout is the identity at test time"
        case (.plain, true): return "1: plain dropout does not rescale at training time"
        case (.plain, false): return "1 − p: plain dropout scales by the keep probability at test time"
        }
    }

    static func readP(_ input: CaseInput) throws -> Rational {
        try input.rationalParam("p") ?? (try Rational(1, 2))
    }

    public static func run<S: ReferenceScalar>(_ input: CaseInput, as _: S.Type) throws -> Trace<S> {
        let pValue = try readP(input)
        let variant = try input.wordParam("variant", default: Variant.inverted)
        let train = try input.wordParam("mode", default: Mode.train) == .train
        try validate(p: pValue, variant: variant)
        let xTensor = try input.requiredTensor("x")
        guard xTensor.count > 0 else { throw ReferenceError("input x is empty") }
        let dyTensor =
            input.tensor("dy")
            ?? Tensor(shape: xTensor.shape, values: Array(repeating: Rational(1), count: xTensor.count))
        guard dyTensor.shape == xTensor.shape else {
            throw ReferenceError("input dy has shape \(dyTensor.shape) but x has shape \(xTensor.shape)")
        }

        var trace = Trace<S>(
            op: name,
            params: [
                ("p", .number(pValue)), ("mode", .word(train ? "train" : "eval")), ("variant", .word(variant.rawValue)),
            ])
        let x = trace.record("x", symbol: "x", formula: "input", role: .input, xTensor.converted(to: S.self))
        let p = S(pValue)
        var expandedMask: [S]? = nil
        if let maskTensor = input.tensor("mask") {
            let expanded = try expand(mask: maskTensor, over: xTensor.shape)
            if train {
                if pValue.isZero, expanded.contains(0) {
                    throw ReferenceError("mask drops a unit but p = 0 (nothing may be dropped)")
                }
                if pValue == 1, expanded.contains(1) {
                    throw ReferenceError("mask keeps a unit but p = 1 (nothing may be kept)")
                }
            }
            trace.record(
                "mask", symbol: "m", formula: "1 = keep, 0 = drop; each kept with probability 1 − p", role: .input,
                maskTensor.converted(to: S.self))
            let granularity = maskTensor.shape == xTensor.shape ? "element" : "channel"
            trace.setParameter("granularity", .word(granularity))
            let values = expanded.map { S(Rational($0)) }
            if granularity == "channel" {
                trace.record(
                    "mask_expanded", symbol: "m",
                    formula: "channel mask m_nc repeated over the H·W positions of channel c (Dropout2d)",
                    Tensor(shape: xTensor.shape, values: values))
            }
            expandedMask = values
        } else if train {
            throw ReferenceError("input mask is missing: train mode needs a mask (1 = keep, 0 = drop)")
        }
        trace.record("dy", symbol: "∂ℓ/∂y", formula: "upstream gradient", role: .input, dyTensor.converted(to: S.self))
        let dy = dyTensor.converted(to: S.self)

        let scale = Dropout.scale(variant: variant, train: train, p: p)
        trace.record(
            "scale", symbol: "s", formula: Dropout.scaleFormula(variant: variant, train: train), Tensor(scalar: scale))
        if train, let mask = expandedMask {
            trace.record(
                "y", symbol: "y", formula: "y = s·m ⊙ x", role: .output,
                Tensor(shape: x.shape, values: x.values.indices.map { scale * mask[$0] * x[$0] }))
            trace.record(
                "dx", symbol: "∂ℓ/∂x", formula: "∂ℓ/∂x = s·m ⊙ ∂ℓ/∂y", role: .output,
                Tensor(shape: x.shape, values: x.values.indices.map { scale * mask[$0] * dy[$0] }))
        } else {
            trace.record("y", symbol: "y", formula: "y = s·x (eval: no mask)", role: .output, x.map { scale * $0 })
            trace.record("dx", symbol: "∂ℓ/∂x", formula: "∂ℓ/∂x = s·∂ℓ/∂y", role: .output, dy.map { scale * $0 })
        }
        return trace
    }

    /// The mask as 0/1 integers over x's shape: element masks as given,
    /// channel masks (N, C) or (N, C, 1, …) repeated over the spatial positions.
    static func expand(mask: Tensor<Rational>, over shape: [Int]) throws -> [Int] {
        let bits: [Int] = try mask.values.enumerated().map { index, value in
            if value == 0 { return 0 }
            if value == 1 { return 1 }
            throw ReferenceError("mask[\(index)] = \(valueText(value)) must be 0 (drop) or 1 (keep)")
        }
        if mask.shape == shape { return bits }
        let isChannelShape =
            shape.count >= 3 && mask.shape.count >= 2 && Array(mask.shape.prefix(2)) == Array(shape.prefix(2))
            && mask.shape.dropFirst(2).allSatisfy { $0 == 1 }
        guard isChannelShape else {
            throw ReferenceError(
                "mask has shape \(mask.shape); it must be x's shape \(shape)"
                    + (shape.count >= 3 ? " or (N, C) = \(Array(shape.prefix(2))) for channel dropout" : ""))
        }
        let spatial = shape.dropFirst(2).reduce(1, *)
        return bits.flatMap { Array(repeating: $0, count: spatial) }
    }
}
