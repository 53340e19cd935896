import Exact
import Reference

/// Dropout families: given masks (inverted and plain, train and eval, element
/// and channel masks) and exact expectations over all masks.
enum DropoutFamilies {
    typealias B = CaseBuilding

    static var all: [VectorFamily] { [givenMask, regressionExpectation] }

    static func maskCase(
        _ slug: String, _ comment: String, flags: [String], shape: [Int], x: [String], mask: [String],
        maskShape: [Int]? = nil, p: String, variant: String, mode: String = "train",
        precision: TargetPrecision = .f64
    ) -> VectorCase {
        VectorCase(
            slug, comment, flags: flags,
            B.input(
                "dropout", precision: precision,
                params: [("p", p), ("variant", variant), ("mode", mode)],
                [
                    ("x", B.tensor(shape, x)), ("mask", B.tensor(maskShape ?? shape, mask)),
                    ("dy", B.tensor(shape, (0..<x.count).map { String($0 % 5 - 2) })),
                ]))
    }

    static var givenMask: VectorFamily {
        let x12 = ["1", "-2", "3", "1/2", "0.25", "-7", "8", "9", "-10", "11", "0.1", "-0.3"]
        let mask12 = ["1", "0", "1", "1", "0", "0", "1", "1", "1", "0", "1", "1"]
        let random = B.uniform(seed: 20_260_401, count: 12, "-4", "4").map(\.description)
        return VectorFamily(
            name: "dropout_mask", area: "dropout", op: "dropout",
            header: [
                "Dropout forward and backward with a given mask (1 = keep); p is the drop probability.",
                "inverted: train y = x·m/(1 − p), eval y = x.  plain: train y = x·m, eval y = (1 − p)·x.",
            ],
            cases: [
                maskCase(
                    "inverted-half", "p = 1/2: kept units doubled.", flags: ["inverted-dropout"], shape: [3, 4], x: x12,
                    mask: mask12,
                    p: "1/2", variant: "inverted"),
                maskCase(
                    "inverted-tenth",
                    "p = 0.1 (the double nearest): 1/(1 − p) is not a float; x·fl(1/(1 − p)) may differ from x/(1 − p) by an ulp.",
                    flags: ["inverted-dropout", "framework-default"], shape: [3, 4], x: x12, mask: mask12, p: "0.1",
                    variant: "inverted"),
                maskCase(
                    "inverted-eval", "Eval mode: identity.", flags: ["inverted-dropout", "eval-mode"], shape: [3, 4],
                    x: x12, mask: mask12,
                    p: "0.3", variant: "inverted", mode: "eval"),
                maskCase(
                    "plain-train", "Plain dropout in training: no scaling.", flags: ["plain-dropout"], shape: [3, 4],
                    x: x12, mask: mask12,
                    p: "1/4", variant: "plain"),
                maskCase(
                    "plain-eval", "Plain dropout at test time: scale by 1 − p.", flags: ["plain-dropout", "eval-mode"],
                    shape: [3, 4], x: x12,
                    mask: mask12, p: "1/4", variant: "plain", mode: "eval"),
                maskCase(
                    "p-zero", "p = 0: the identity, every mask entry 1.", flags: ["p-zero", "inverted-dropout"],
                    shape: [3, 4], x: x12,
                    mask: B.filled(12, "1"), p: "0", variant: "inverted"),
                maskCase(
                    "channel-mask", "Dropout2d on (2, 3, 1, 2): one mask value per (n, c).",
                    flags: ["channel-mask", "inverted-dropout", "conv"],
                    shape: [2, 3, 1, 2], x: x12, mask: ["1", "0", "1", "0", "1", "1"], maskShape: [2, 3], p: "1/3",
                    variant: "inverted"),
                maskCase(
                    "f32-inverted", "float32, p = 0.2.", flags: ["f32", "inverted-dropout", "random"], shape: [3, 4],
                    x: random, mask: mask12,
                    p: "0.2", variant: "inverted", precision: .f32),
            ],
            tolerances: TolerancePolicy.dropoutMask)
    }

    static var regressionExpectation: VectorFamily {
        func regression(
            _ slug: String, _ comment: String, flags: [String], n: Int, d: Int, x: [String], y: [String], w: [String],
            p: String
        ) -> VectorCase {
            VectorCase(
                slug, comment, flags: flags,
                B.input(
                    "dropout-regression", params: [("p", p)],
                    [
                        ("X", B.tensor([n, d], x)), ("y", B.tensor([n], y)), ("w", B.tensor([d], w)),
                    ]))
        }
        return VectorFamily(
            name: "dropout_regression", area: "dropout", op: "dropout-regression",
            header: [
                "Exact expectations over all dropout masks R on a linear model (plain dropout, keep probability 1 − p):",
                "E_R‖y − (R⊙X)w‖² = ‖y − (1−p)Xw‖² + p(1−p)·wᵀdiag(XᵀX)w, checked by enumeration of every mask.",
            ],
            cases: [
                regression(
                    "integers-3x2", "Small integers, p = 1/2.", flags: ["integers"], n: 3, d: 2,
                    x: ["1", "2", "0", "1", "3", "-1"], y: ["1", "2", "3"], w: ["1", "-1/2"], p: "1/2"),
                regression(
                    "fractions-4x3", "p = 1/5 and fractional weights.", flags: ["integers"], n: 4, d: 3,
                    x: ["1", "0", "2", "-1", "1", "1", "2", "3", "0", "0", "1", "-2"], y: ["1/2", "-1", "2", "0"],
                    w: ["1/3", "2", "-1"], p: "1/5"),
            ],
            tolerances: TolerancePolicy.dropoutRegression)
    }
}
