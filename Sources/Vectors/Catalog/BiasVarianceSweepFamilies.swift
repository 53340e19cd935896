import Exact
import Reference

/// The risk curve over model complexity: exact bias–variance decompositions
/// for every polynomial degree (and weight decay) of a sweep.
enum BiasVarianceSweepFamilies {
    typealias B = CaseBuilding

    static var all: [VectorFamily] { [sweep] }

    static func world(
        _ slug: String, _ comment: String, flags: [String], x: [String], xProbs: [String]? = nil, target: [String],
        noise: [String], n: Int, maxDegree: Int, alphas: [String]? = nil
    ) -> VectorCase {
        var inputs: [(String, Tensor<Rational>)] = [("x", B.tensor([x.count], x))]
        if let xProbs { inputs.append(("x_probs", B.tensor([xProbs.count], xProbs))) }
        inputs += [("target", B.tensor([target.count], target)), ("noise", B.tensor([noise.count], noise))]
        if let alphas { inputs.append(("alphas", B.tensor([alphas.count], alphas))) }
        return VectorCase(
            slug, comment, flags: flags,
            B.input(
                BiasVarianceSweep.name, params: [("n", String(n)), ("max_degree", String(maxDegree))], inputs))
    }

    static var sweep: VectorFamily {
        let uCurve = BiasVarianceSweep.uCurveWorld
        return VectorFamily(
            name: "bias_variance_sweep", area: "bias_variance", op: BiasVarianceSweep.name,
            header: [
                "The risk curve: bias², variance, Bayes error and risk of polynomial ridge fits for every degree",
                "0…max_degree and every α in `alphas` (row-major [degree, α]), each over every dataset of n i.i.d. draws",
                "of a finite world, enumerated exactly. risk = bias2 + variance + bayes_error exactly, for every model.",
            ],
            cases: [
                VectorCase(
                    "u-curve",
                    "The U of the notes' Fig. 7.1: risk falls to degree 2 and rises after, bias² falls and variance rises at every degree (715 datasets per degree).",
                    flags: ["integers"], uCurve),
                world(
                    "three-draws",
                    "Uniform x ∈ {−1, 0, 1, 2}, f = x², noise ±1, n = 3: with three draws the curve is not a U (risk 13/3, then up, down at degree 2, up).",
                    flags: ["integers", "singular"], x: ["-1", "0", "1", "2"], target: ["1", "0", "1", "4"],
                    noise: ["-1", "1"], n: 3, maxDegree: 4),
                world(
                    "weight-decay",
                    "Degrees 0…2 times α ∈ {0, 1/2, 4} on three points: weight decay trades variance for bias at each degree.",
                    flags: ["integers"], x: ["-1", "0", "1"], xProbs: ["1/4", "1/2", "1/4"], target: ["2", "0", "1"],
                    noise: ["-1", "1"], n: 3, maxDegree: 2, alphas: ["0", "1/2", "4"]),
            ],
            tolerances: { _, _ in
                let bound = Tolerance.normwise(4096 * 0x1p-53, rule: "4096·u (sums over every dataset)")
                return [("bias2", bound), ("variance", bound), ("bayes_error", bound), ("risk", bound)]
            })
    }
}
