import Exact
import Reference

/// Least squares with weight decay: exact solutions, standard errors and the
/// statistics a statistician expects.
enum RegressionFamilies {
    typealias B = CaseBuilding

    static var all: [VectorFamily] { [ridge] }

    static func ridgeCase(
        _ slug: String, _ comment: String, flags: [String], n: Int, p: Int, x: [String], y: [String],
        alpha: String, intercept: Bool
    ) -> VectorCase {
        VectorCase(
            slug, comment, flags: flags,
            B.input(
                "ridge", params: [("alpha", alpha), ("intercept", intercept ? "true" : "false")],
                [
                    ("X", B.tensor([n, p], x)), ("y", B.tensor([n], y)),
                ]))
    }

    static var ridge: VectorFamily {
        let xs = B.uniform(seed: 20_260_501, count: 16, "-1", "1").map(\.description)
        let ys = B.uniform(seed: 20_260_502, count: 8, "-2", "2").map(\.description)
        return VectorFamily(
            name: "ridge", area: "regression", op: "ridge",
            header: [
                "Ridge regression w* = (XᵀX + αD)⁻¹Xᵀy (D = I, or I without the intercept), solved exactly;",
                "α = 0 is ordinary least squares; a singular XᵀX gives the minimum-norm solution X⁺y.",
            ],
            cases: [
                ridgeCase(
                    "ols-line", "A straight line with intercept through five points.", flags: ["integers"], n: 5, p: 1,
                    x: ["0", "1", "2", "3", "4"], y: ["1", "3", "2", "5", "4"], alpha: "0", intercept: true),
                ridgeCase(
                    "ridge-half", "α = 1/2 without intercept.", flags: ["integers"], n: 4, p: 2,
                    x: ["1", "0", "0", "1", "1", "1", "2", "-1"], y: ["1", "2", "2", "0"], alpha: "1/2",
                    intercept: false),
                ridgeCase(
                    "ridge-intercept-undecayed", "α = 1 with an intercept that is not decayed.", flags: ["integers"],
                    n: 4, p: 2,
                    x: ["1", "2", "2", "1", "3", "5", "4", "3"], y: ["2", "1", "4", "3"], alpha: "1", intercept: true),
                ridgeCase(
                    "singular-min-norm",
                    "Two identical columns: XᵀX is singular; the minimum-norm solution splits the weight.",
                    flags: ["singular", "integers"], n: 3, p: 2, x: ["1", "1", "2", "2", "3", "3"], y: ["1", "2", "2"],
                    alpha: "0", intercept: false),
                ridgeCase(
                    "random-8x2", "Generated (SplitMix64 seeds 20260501, 20260502), α = 0.1.", flags: ["random"], n: 8,
                    p: 2,
                    x: xs, y: ys, alpha: "0.1", intercept: true),
            ],
            tolerances: TolerancePolicy.ridge)
    }
}
