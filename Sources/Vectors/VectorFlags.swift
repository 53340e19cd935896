/// Every flag a case may carry, with what it marks and the bug it catches.
/// A flag not listed here is rejected by the generator.
public enum VectorFlags {
    public static let all: [VectorFlag] = [
        VectorFlag(
            name: "batch-of-one", description: "A single sample per channel (m = 1) with ε > 0: σ² = 0, x̂ = 0, y = β.",
            catches:
                "unbiased m/(m−1) statistics dividing by zero; NaN instead of β; frameworks that reject m = 1 in training"
        ),
        VectorFlag(
            name: "constant-channel",
            description: "Every value of a channel is equal, so σ² = 0 exactly and x̂ = 0 exactly.",
            catches: "E[x²] − E[x]² giving a tiny non-zero or negative variance; x̂ not exactly 0 (BVLC/caffe#3963)"),
        VectorFlag(
            name: "huge-offset", defeatsNaiveArithmetic: true,
            description: "A large common offset with a small spread (mean ≫ standard deviation).",
            catches:
                "catastrophic cancellation in E[x²] − E[x]² (NaN or garbage variance) and in the folded form x·a + (β − μa)"
        ),
        VectorFlag(
            name: "tiny-variance", description: "The variance is comparable to or smaller than ε.",
            catches: "ε placed outside the square root, or ε ignored, changing x̂ by orders of magnitude"),
        VectorFlag(
            name: "near-overflow", defeatsNaiveArithmetic: true,
            description: "Inputs near the largest finite value of the precision.",
            catches: "overflow in Σx or (x − μ)² producing ∞/NaN where the exact result is finite"),
        VectorFlag(
            name: "subnormal", defeatsNaiveArithmetic: true, description: "Inputs or results in the subnormal range.",
            catches: "flush-to-zero, and underflow in squares of small deviations"),
        VectorFlag(
            name: "mixed-magnitudes", description: "Values spanning many orders of magnitude within one channel.",
            catches: "naive summation order effects and absorption of small terms"),
        VectorFlag(
            name: "integers", description: "Small integer inputs: easy to check by hand.",
            catches: "gross formula errors (wrong axis, wrong denominator)"),
        VectorFlag(
            name: "pythagorean", description: "σ² + ε is a perfect square, so every value is rational and √ is exact.",
            catches: "formula errors hidden by rounding: every output is an exact short fraction"),
        VectorFlag(
            name: "f32", description: "The case targets single precision: inputs are floats and f32 columns are given.",
            catches: "accumulating in float32 without care; double-rounding through float64"),
        VectorFlag(
            name: "framework-default", description: "Parameters at a framework's documented defaults (ε, momentum).",
            catches: "momentum meaning inverted (0.1 vs 0.9), ε 1e-5 vs 1e-3, biased vs unbiased running variance"),
        VectorFlag(
            name: "conv", description: "A 4-D (N, C, H, W) input, statistics over N·H·W per channel.",
            catches: "reducing over the wrong axes for convolutional layers"),
        VectorFlag(
            name: "eval-mode", description: "Inference with running statistics instead of batch statistics.",
            catches: "using batch statistics at test time; biased vs unbiased running variance"),
        VectorFlag(
            name: "random", description: "Generated data (SplitMix64 with the documented mapping).",
            catches: "general implementation errors on unremarkable data"),
        VectorFlag(
            name: "zero-gradient",
            description: "The upstream gradient is zero or in the span of {1, x̂}, so ∂ℓ/∂x is exactly zero.",
            catches: "backward passes that do not cancel exactly; relative-error metrics dividing by zero"),
        VectorFlag(
            name: "p-zero", description: "Drop probability p = 0: dropout is the identity.",
            catches: "division by (1 − p) special cases; masks not all-ones"),
        VectorFlag(
            name: "plain-dropout", description: "Non-inverted dropout: train output unscaled, eval scales by 1 − p.",
            catches: "mixing inverted and plain conventions"),
        VectorFlag(
            name: "inverted-dropout", description: "Inverted dropout: kept units scaled by 1/(1 − p) in training.",
            catches: "scaling by p instead of 1/(1 − p); scaling at eval time as well"),
        VectorFlag(
            name: "channel-mask", description: "Dropout2d: one mask value per (sample, channel).",
            catches: "elementwise masks where whole channels must drop"),
        VectorFlag(
            name: "singular",
            description: "A singular system (XᵀX without full rank) solved by the minimum-norm solution.",
            catches: "solvers that return an arbitrary solution or fail instead of the minimum-norm one"),
        VectorFlag(
            name: "ill-conditioned", description: "An ill-conditioned least-squares problem.",
            catches: "normal equations in working precision losing all digits"),
    ]

    public static func named(_ name: String) -> VectorFlag? { all.first { $0.name == name } }
}
