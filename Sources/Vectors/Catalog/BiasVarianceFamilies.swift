import Exact
import Reference

/// Exact bias–variance decompositions of small finite worlds.
enum BiasVarianceFamilies {
    typealias B = CaseBuilding

    static var all: [VectorFamily] { [decomposition] }

    static func world(
        _ slug: String, _ comment: String, flags: [String], x: [String], xProbs: [String], target: [String],
        noise: [String], noiseProbs: [String], n: Int, degree: Int, alpha: String = "0"
    ) -> VectorCase {
        VectorCase(
            slug, comment, flags: flags,
            B.input(
                "bias-variance",
                params: [("n", String(n)), ("degree", String(degree)), ("alpha", alpha)],
                [
                    ("x", B.tensor([x.count], x)), ("x_probs", B.tensor([xProbs.count], xProbs)),
                    ("target", B.tensor([target.count], target)),
                    ("noise", B.tensor([noise.count], noise)),
                    ("noise_probs", B.tensor([noiseProbs.count], noiseProbs)),
                ]))
    }

    static var decomposition: VectorFamily {
        let x = ["-1", "0", "1", "2"]
        let xProbs = ["1/4", "1/4", "1/4", "1/4"]
        let target = ["1", "0", "1", "4"]
        return VectorFamily(
            name: "bias_variance", area: "bias_variance", op: "bias-variance",
            header: [
                "Bias–variance decomposition of a finite world: x from a finite distribution, y = f(x) + noise,",
                "datasets of n i.i.d. draws enumerated exactly as multisets with multinomial weights, each fitted by",
                "polynomial least squares (ridge with α ≥ 0; minimum norm when singular). risk = bias2 + variance + bayes_error exactly.",
            ],
            cases: [
                world(
                    "constant-fit", "Degree 0 underfits a quadratic target: bias dominates.", flags: ["integers"], x: x,
                    xProbs: xProbs,
                    target: target, noise: ["-1", "1"], noiseProbs: ["1/2", "1/2"], n: 3, degree: 0),
                world(
                    "line-fit", "Degree 1.", flags: ["integers"], x: x, xProbs: xProbs, target: target,
                    noise: ["-1", "1"], noiseProbs: ["1/2", "1/2"], n: 3, degree: 1),
                world(
                    "quadratic-fit", "Degree 2 matches the target: no bias, only variance and noise.",
                    flags: ["integers", "singular"],
                    x: x, xProbs: xProbs, target: target, noise: ["-1", "1"], noiseProbs: ["1/2", "1/2"], n: 3,
                    degree: 2),
                world(
                    "ridge-line", "Degree 1 with weight decay α = 1/2: more bias, less variance.", flags: ["integers"],
                    x: x, xProbs: xProbs,
                    target: target, noise: ["-1", "1"], noiseProbs: ["1/2", "1/2"], n: 3, degree: 1, alpha: "1/2"),
                world(
                    "skewed-noise", "Uneven x and noise distributions (dyadic, so exact in f64).", flags: ["integers"],
                    x: ["0", "1", "3"], xProbs: ["1/2", "1/4", "1/4"],
                    target: ["0", "2", "1"], noise: ["-2", "0", "1"], noiseProbs: ["1/8", "1/2", "3/8"], n: 4, degree: 1
                ),
            ],
            tolerances: TolerancePolicy.biasVariance)
    }
}
