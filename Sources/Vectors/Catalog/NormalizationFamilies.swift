import Exact
import Reference

/// Layer, group and instance norm; running statistics under every
/// convention; folding eval-mode batch norm into the preceding layer.
enum NormalizationFamilies {
    typealias B = CaseBuilding

    static var all: [VectorFamily] { [layerNorm, groupNorm, runningStats, fold] }

    static func normCase(
        _ op: String, _ slug: String, _ comment: String, flags: [String], shape: [Int], x: [String],
        affine: Int, groups: Int? = nil, eps: String = "1e-5", precision: TargetPrecision = .f64
    ) -> VectorCase {
        var params = [("eps", eps)]
        if let groups { params.append(("groups", String(groups))) }
        return VectorCase(
            slug, comment, flags: flags,
            B.input(
                op, precision: precision, params: params,
                [
                    ("x", B.tensor(shape, x)),
                    ("gamma", B.tensor([affine], (0..<affine).map { ["1", "2", "1/2", "3/2"][$0 % 4] })),
                    ("beta", B.tensor([affine], (0..<affine).map { ["0", "1", "-1", "1/4"][$0 % 4] })),
                    ("dy", B.tensor(shape, (0..<x.count).map { String(($0 * 3) % 7 - 3) })),
                ]))
    }

    static var layerNorm: VectorFamily {
        let random = B.uniform(seed: 20_260_601, count: 24, "-3", "3").map(\.description)
        return VectorFamily(
            name: "layernorm", area: "normalization", op: "layernorm",
            header: ["Layer normalization: each row of (N, D) normalised over its D features; γ and β per feature."],
            cases: [
                normCase(
                    "layernorm", "integers-2x4", "Small integers.", flags: ["integers"], shape: [2, 4],
                    x: ["1", "2", "3", "6", "0", "4", "4", "8"], affine: 4),
                normCase(
                    "layernorm", "constant-row", "Row 1 is constant: x̂ = 0, y = β exactly.",
                    flags: ["constant-channel", "integers"],
                    shape: [2, 4], x: ["1", "2", "3", "6", "5", "5", "5", "5"], affine: 4),
                normCase(
                    "layernorm", "huge-offset", "A row at 10⁹ + small.", flags: ["huge-offset"], shape: [1, 4],
                    x: ["1000000000.1", "1000000000.3", "1000000000.7", "999999999.8"], affine: 4),
                normCase(
                    "layernorm", "random-4x6", "Generated (SplitMix64 seed 20260601).", flags: ["random"],
                    shape: [4, 6], x: random, affine: 6),
                normCase(
                    "layernorm", "f32-random-4x6", "float32 (SplitMix64 seed 20260601).", flags: ["random", "f32"],
                    shape: [4, 6], x: random,
                    affine: 6, precision: .f32),
            ],
            tolerances: TolerancePolicy.normalizationTraining)
    }

    static var groupNorm: VectorFamily {
        let random = B.uniform(seed: 20_260_701, count: 48, "-2", "2").map(\.description)
        return VectorFamily(
            name: "groupnorm", area: "normalization", op: "groupnorm",
            header: [
                "Group normalization of NCHW input: per sample and group of C/G channels over (C/G)·H·W;",
                "γ and β per channel (PyTorch, ONNX-21). G = C is instance normalization.",
            ],
            cases: [
                normCase(
                    "groupnorm", "integers-1x4x1x2-g2", "Four channels in two groups.", flags: ["integers", "conv"],
                    shape: [1, 4, 1, 2],
                    x: ["1", "2", "3", "6", "0", "4", "4", "8"], affine: 4, groups: 2),
                normCase(
                    "groupnorm", "instance-2x2x2x2", "G = C: instance normalization.", flags: ["integers", "conv"],
                    shape: [2, 2, 2, 2],
                    x: (0..<16).map { String(($0 * 5) % 9) }, affine: 2, groups: 2),
                normCase(
                    "groupnorm", "single-group-1x2x2x2", "G = 1: layer normalization over C·H·W.",
                    flags: ["integers", "conv"],
                    shape: [1, 2, 2, 2], x: ["3", "1", "4", "1", "5", "9", "2", "6"], affine: 2, groups: 1),
                normCase(
                    "groupnorm", "random-2x4x2x3-g2", "Generated (SplitMix64 seed 20260701).",
                    flags: ["random", "conv"], shape: [2, 4, 2, 3],
                    x: random, affine: 4, groups: 2),
            ],
            tolerances: TolerancePolicy.normalizationTraining)
    }

    static var runningStats: VectorFamily {
        // Three batches of (N = 3, C = 2): m = 3 ≥ 2, so every estimator is defined.
        let batches = ["1", "2", "3", "6", "5", "4", "0", "1", "2", "1", "4", "3", "2", "8", "1", "1/2", "3", "5"]
        let conventions = BatchNormConvention.presetNames
        return VectorFamily(
            name: "running_stats", area: "normalization", op: "running-stats",
            header: [
                "Running mean and variance after a sequence of training batches, under each convention of",
                "docs/CONVENTIONS.md: the momentum's meaning, biased or unbiased m/(m − 1) variance, cumulative",
                "averages, Caffe's normalised sums and the course notes' averages of σ; then eval-mode output.",
            ],
            cases: conventions.map { name in
                VectorCase(
                    name, "Three batches under convention \(name), its default momentum and ε.",
                    flags: ["framework-default", "integers", "eval-mode"],
                    B.input(
                        "running-stats", convention: name,
                        [
                            ("batches", B.tensor([3, 3, 2], batches)),
                            ("x", B.tensor([2, 2], ["1", "2", "3", "4"])),
                        ]))
            },
            tolerances: TolerancePolicy.runningStatistics)
    }

    static var fold: VectorFamily {
        VectorFamily(
            name: "bn_fold", area: "normalization", op: "bn-fold",
            header: [
                "Eval-mode batch norm after a linear layer h = Wx + bias, folded into the layer:",
                "W' = a·W, bias' = a·(bias − E) + β with a = γ/√(Var + ε); y_folded − y is exactly 0.",
            ],
            cases: [
                VectorCase(
                    "integers", "Two outputs from three inputs.", flags: ["integers", "eval-mode"],
                    B.input(
                        "bn-fold", params: [("eps", "1e-5")],
                        [
                            ("W", B.tensor([2, 3], ["1", "-2", "3", "0", "4", "-1"])),
                            ("bias", B.tensor([2], ["1", "-1"])),
                            ("x", B.tensor([2, 3], ["1", "0", "2", "-1", "3", "1"])),
                            ("gamma", B.tensor([2], ["2", "1"])),
                            ("beta", B.tensor([2], ["0", "3"])), ("running_mean", B.tensor([2], ["1", "2"])),
                            ("running_var", B.tensor([2], ["4", "2"])),
                        ])),
                VectorCase(
                    "pythagorean", "Var + ε = 25/16 and 9/4: every value rational.",
                    flags: ["pythagorean", "eval-mode"],
                    B.input(
                        "bn-fold", params: [("eps", "9/16")],
                        [
                            ("W", B.tensor([2, 2], ["1", "2", "-1", "1"])), ("bias", B.tensor([2], ["0", "1/2"])),
                            ("x", B.tensor([3, 2], ["1", "1", "2", "-1", "0", "3"])),
                            ("gamma", B.tensor([2], ["1", "-2"])),
                            ("beta", B.tensor([2], ["1/2", "0"])), ("running_mean", B.tensor([2], ["0", "1"])),
                            ("running_var", B.tensor([2], ["1", "27/16"])),
                        ])),
            ],
            tolerances: TolerancePolicy.batchNormFold)
    }
}
