import Exact
import Reference

/// Batch-norm families: training forward/backward in 2-D and 4-D, f32, and eval.
enum BatchNormFamilies {
    typealias B = CaseBuilding

    static var all: [VectorFamily] { [train2D, train4D, trainF32, eval] }

    static func case2D(
        _ slug: String, _ comment: String, flags: [String], x: [String], n: Int, c: Int,
        gamma: [String]? = nil, beta: [String]? = nil, dy: [String]? = nil,
        eps: String = "1e-5", convention: String = "pytorch", precision: TargetPrecision = .f64,
        extraParams: [(String, String)] = []
    ) -> VectorCase {
        var inputs: [(String, Tensor<Rational>)] = [
            ("x", B.tensor([n, c], x)),
            ("gamma", B.tensor([c], gamma ?? B.filled(c, "1"))),
            ("beta", B.tensor([c], beta ?? B.filled(c, "0"))),
        ]
        inputs.append(("dy", B.tensor([n, c], dy ?? (0..<(n * c)).map { String(($0 * 7) % 5 - 2) })))
        return VectorCase(
            slug, comment, flags: flags,
            B.input(
                "batchnorm", precision: precision, convention: convention,
                params: [("eps", eps), ("mode", "train")] + extraParams, inputs))
    }

    static var train2D: VectorFamily {
        let random = B.uniform(seed: 20_260_101, count: 24, "-2", "2").map(\.description)
        let randomDy = B.uniform(seed: 20_260_102, count: 24, "-1", "1").map(\.description)
        return VectorFamily(
            name: "batchnorm_train_2d", area: "normalization", op: "batchnorm",
            header: [
                "Batch normalization in training mode on (N, C) inputs: batch statistics over N per channel,",
                "forward (μ, σ², x̂, y) and backward (∂ℓ/∂x, ∂ℓ/∂γ, ∂ℓ/∂β) from the given upstream gradient dy,",
                "and the running statistics after one update (PyTorch convention unless stated).",
            ],
            cases: [
                case2D(
                    "integers-4x2", "Small integers, γ and β not trivial.", flags: ["integers", "framework-default"],
                    x: ["1", "2", "3", "6", "5", "4", "7", "8"], n: 4, c: 2, gamma: ["1", "2"], beta: ["0", "1/2"]),
                case2D(
                    "pythagorean", "σ² = 1 and ε = 9/16, so σ² + ε = (5/4)²: every value is rational.",
                    flags: ["integers", "pythagorean"], x: ["-1", "3", "1", "5", "-1", "5", "1", "3"], n: 4, c: 2,
                    gamma: ["2", "-1"], beta: ["1", "0"], eps: "9/16"),
                case2D(
                    "constant-channel", "Channel 0 is constant: σ² = 0 and x̂ = 0 exactly.",
                    flags: ["constant-channel", "integers"],
                    x: ["5", "1", "5", "2", "5", "3", "5", "4"], n: 4, c: 2),
                case2D(
                    "batch-of-one",
                    "N = 1 with ε > 0: σ² = 0, x̂ = 0, y = β, ∂ℓ/∂x = 0 (ONNX convention: biased running variance; PyTorch rejects m = 1).",
                    flags: ["batch-of-one"], x: ["1", "2", "3"], n: 1, c: 3, beta: ["1/2", "-1", "2"],
                    dy: ["1", "2", "3"],
                    convention: "onnx"),
                case2D(
                    "huge-offset", "x = 10⁸ + small: E[x²] − E[x]² loses every digit in f64.", flags: ["huge-offset"],
                    x: ["100000000.1", "100000000.2", "100000000.3", "100000000.5", "100000000.8", "100000001.3"], n: 6,
                    c: 1),
                case2D(
                    "huge-offset-two-channels", "Offsets 10⁶ and −10¹² with spreads of 0.1 and 1.",
                    flags: ["huge-offset"],
                    x: [
                        "1000000.1", "-1000000000001.3", "1000000.2", "-1000000000003.1", "1000000.4",
                        "-999999999999.7", "1000000.7", "-1000000000002.9",
                    ],
                    n: 4, c: 2),
                case2D(
                    "tiny-variance", "σ² ≈ 2⁻⁴² ≪ ε = 10⁻⁵: ε dominates √(σ² + ε).", flags: ["tiny-variance"],
                    x: ["1", "1", "0x1.00001p+0", "1", "1", "0x1.00001p+0", "0x1.00001p+0", "1"], n: 4, c: 2),
                case2D(
                    "near-overflow",
                    "Values near 10³⁰⁷: σ² itself exceeds the largest double (its f64 column is inf) but x̂ and y are ordinary.",
                    flags: ["near-overflow"], x: ["1e307", "-1e307", "5e306", "-5e306"], n: 4, c: 1),
                case2D(
                    "subnormal", "Subnormal inputs with ε = 10⁻⁵: x̂ is subnormal too.",
                    flags: ["subnormal", "tiny-variance"],
                    x: [
                        "0x0.0000000000001p-1022", "0x0.0000000000003p-1022", "0x0.0000000000002p-1022",
                        "0x0.0000000000009p-1022",
                    ], n: 4, c: 1),
                case2D(
                    "subnormal-no-eps", "Subnormal spread with ε = 0: (x − μ)² underflows in float, x̂ is of order 1.",
                    flags: ["subnormal"],
                    x: [
                        "0x0.0000000000001p-1022", "0x0.0000000000003p-1022", "0x0.0000000000002p-1022",
                        "0x0.0000000000009p-1022",
                    ],
                    n: 4, c: 1, eps: "0"),
                case2D(
                    "mixed-magnitudes", "One channel spanning 10⁻⁸ to 10⁸.", flags: ["mixed-magnitudes"],
                    x: ["1e-8", "1", "100000000", "-10000"], n: 4, c: 1),
                case2D(
                    "zero-gradient", "dy constant per channel lies in span{1}: ∂ℓ/∂x = 0 exactly.",
                    flags: ["zero-gradient", "integers"],
                    x: ["1", "2", "3", "6", "5", "4", "7", "8"], n: 4, c: 2,
                    dy: ["3", "-1", "3", "-1", "3", "-1", "3", "-1"]),
                case2D(
                    "keras-eps", "Keras's default ε = 10⁻³ and momentum 0.99 on the old value.",
                    flags: ["framework-default", "integers"],
                    x: ["1", "2", "3", "6", "5", "4", "7", "8"], n: 4, c: 2, eps: "1e-3", convention: "keras"),
                case2D(
                    "random-8x3",
                    "Generated: x uniform on [−2, 2), dy uniform on [−1, 1) (SplitMix64 seeds 20260101, 20260102).",
                    flags: ["random"], x: random, n: 8, c: 3, gamma: ["1/2", "1", "3/2"], beta: ["0", "-1", "1"],
                    dy: randomDy),
            ],
            tolerances: TolerancePolicy.normalizationTraining)
    }

    static var train4D: VectorFamily {
        func case4D(_ slug: String, _ comment: String, flags: [String], shape: [Int], x: [String], dy: [String])
            -> VectorCase
        {
            let c = shape[1]
            return VectorCase(
                slug, comment, flags: flags,
                B.input(
                    "batchnorm", convention: "pytorch", params: [("eps", "1e-5"), ("mode", "train")],
                    [
                        ("x", B.tensor(shape, x)), ("gamma", B.tensor([c], (0..<c).map { String($0 + 1) })),
                        ("beta", B.tensor([c], (0..<c).map { "\($0)/2" })), ("dy", B.tensor(shape, dy)),
                    ]))
        }
        let integers = (0..<16).map { String(($0 * 5) % 11) }
        let random = B.uniform(seed: 20_260_201, count: 54, "-3", "3").map(\.description)
        let randomDy = B.uniform(seed: 20_260_202, count: 54, "-1", "1").map(\.description)
        return VectorFamily(
            name: "batchnorm_train_4d", area: "normalization", op: "batchnorm",
            header: [
                "Batch normalization in training mode on NCHW inputs (w fastest): statistics over N·H·W per channel."
            ],
            cases: [
                case4D(
                    "integers-2x2x2x2", "Small integers.", flags: ["conv", "integers"], shape: [2, 2, 2, 2],
                    x: integers, dy: (0..<16).map { String($0 % 3 - 1) }),
                case4D(
                    "random-2x3x3x3", "Generated (SplitMix64 seeds 20260201, 20260202).", flags: ["conv", "random"],
                    shape: [2, 3, 3, 3],
                    x: random, dy: randomDy),
                case4D(
                    "constant-channel-1x2x2x2", "Channel 1 constant over N·H·W.",
                    flags: ["conv", "constant-channel", "integers"],
                    shape: [1, 2, 2, 2], x: ["1", "2", "4", "8", "3", "3", "3", "3"],
                    dy: ["1", "0", "-1", "2", "1", "1", "0", "0"]),
            ],
            tolerances: TolerancePolicy.normalizationTraining)
    }

    static var trainF32: VectorFamily {
        let random = B.uniform(seed: 20_260_301, count: 16, "-1", "1").map(\.description)
        return VectorFamily(
            name: "batchnorm_train_f32", area: "normalization", op: "batchnorm",
            header: ["Batch normalization in training mode, targeting float32: inputs are floats, f32 columns given."],
            cases: [
                case2D(
                    "integers-4x2", "Small integers.", flags: ["f32", "integers"],
                    x: ["1", "2", "3", "6", "5", "4", "7", "8"],
                    n: 4, c: 2, precision: .f32),
                case2D(
                    "huge-offset", "x = 10⁴ + small in float32: E[x²] − E[x]² fails, and so does the folded form.",
                    flags: ["f32", "huge-offset"],
                    x: ["10000.1", "10000.2", "10000.3", "10000.5", "10000.8", "10001.3"], n: 6, c: 1, precision: .f32),
                case2D(
                    "random-8x2", "Generated (SplitMix64 seed 20260301).", flags: ["f32", "random"], x: random, n: 8,
                    c: 2,
                    precision: .f32),
            ],
            tolerances: TolerancePolicy.normalizationTraining)
    }

    static var eval: VectorFamily {
        func evalCase(
            _ slug: String, _ comment: String, flags: [String], x: [String], n: Int, c: Int,
            runningMean: [String], runningVar: [String], convention: String = "pytorch"
        ) -> VectorCase {
            VectorCase(
                slug, comment, flags: ["eval-mode"] + flags,
                B.input(
                    "batchnorm", convention: convention, params: [("eps", "1e-5"), ("mode", "eval")],
                    [
                        ("x", B.tensor([n, c], x)), ("gamma", B.tensor([c], (0..<c).map { String($0 + 1) })),
                        ("beta", B.tensor([c], (0..<c).map { "-\($0)/4" })),
                        ("dy", B.tensor([n, c], (0..<(n * c)).map { String($0 % 4 - 1) })),
                        ("running_mean", B.tensor([c], runningMean)), ("running_var", B.tensor([c], runningVar)),
                    ]))
        }
        return VectorFamily(
            name: "batchnorm_eval", area: "normalization", op: "batchnorm",
            header: [
                "Batch normalization in eval mode: running statistics, the folded affine form y = a·x + b",
                "with a = γ/√(Var + ε), b = β − a·E[x], and ∂ℓ/∂x = a·∂ℓ/∂y.",
            ],
            cases: [
                evalCase(
                    "integers", "Running mean and variance given.", flags: ["integers"],
                    x: ["1", "2", "3", "6", "5", "4"], n: 3, c: 2,
                    runningMean: ["3", "4"], runningVar: ["4", "2"]),
                evalCase(
                    "huge-offset", "x near 10⁸ with running mean 10⁸: the folded form x·a + b cancels.",
                    flags: ["huge-offset"],
                    x: ["100000000.5", "100000001", "99999999.5"], n: 3, c: 1, runningMean: ["100000000"],
                    runningVar: ["1/4"]),
            ],
            tolerances: TolerancePolicy.batchNormEval)
    }
}
