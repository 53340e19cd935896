"""Independent exact derivations of the curve ops: bias-variance-sweep and double-descent.

The sweep repeats the bias–variance decomposition of derive_regression for
every (degree, α). Double descent is re-derived from the case's inputs
alone — and, for a generated case, the inputs themselves are regenerated
from its seed with SplitMix64 and the mapping vectors/README.md states, so
the generator is checked too. The minimum-norm solutions are found here by
other means than NormLab's: for p ≤ n (and whenever ΦΦᵀ is singular) as the
solution of the normal equations orthogonal to their null space, otherwise
as w = Φᵀ(ΦΦᵀ)⁻¹y; ranks come from one echelon form of the whole Φ.
"""

from fractions import Fraction

from derive_regression import dataset_weights, decomposition, flag, inverse, rref, solve_min_norm, world_of


# ------------------------------------------------------ bias-variance-sweep

def derive_bias_variance_sweep(case):
    """bias², variance, Bayes error and risk for every degree 0…max_degree and every α, row-major [degree, α]."""
    world = world_of(case)
    n, max_degree = int(case.param("n")), int(case.param("max_degree"))
    _, alphas = case.rationals("alphas")
    decay_intercept = flag(case, "decay_intercept")
    weights = dataset_weights(world, n)
    if weights is None:
        return None
    out = {name: [] for name in ("bias2", "variance", "bayes_error", "risk", "decomposition_check")}
    for degree in range(max_degree + 1):
        for alpha in alphas:
            d = decomposition(world, weights, degree, alpha, decay_intercept)
            for name in ("bias2", "variance", "bayes_error", "risk"):
                out[name].append(d[name])
            out["decomposition_check"].append(d["risk"] - d["bias2"] - d["variance"] - d["bayes_error"])
    return out


# ----------------------------------------------------------- double-descent

MASK64 = (1 << 64) - 1


def splitmix64(seed):
    """The outputs of SplitMix64 seeded with `seed` (Steele, Lea & Flood; Vigna's constants)."""
    state = seed & MASK64
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        yield z ^ (z >> 31)


def target(x):
    """The generated cases' target, the Chebyshev polynomial T₃(x) = 4x³ − 3x."""
    return 4 * x ** 3 - 3 * x


def generated_inputs(seed, n, count, noise):
    """The inputs a generated case must carry (vectors/README.md, double_descent)."""
    stream = splitmix64(seed)
    weights, biases = [], []
    for _ in range(count):
        z = next(stream)
        slope = Fraction((-1 if z >> 63 else 1) * (4 + ((z >> 60) & 7)), 4)
        kink = Fraction(2 * ((z >> 54) & 63) - 63, 64)
        weights.append(slope)
        biases.append(-slope * kink)
    scale = 1
    while scale < n:
        scale *= 2
    xs = [Fraction(2 * i + 1 - n, scale) for i in range(n)]
    stream = splitmix64(seed + 1)
    ys = [target(x) + noise * Fraction(2 * (next(stream) >> 58) - 63, 64) for x in xs]
    test_x = [Fraction(k, 16) for k in range(-16, 17)]
    return {"feature_weights": weights, "feature_biases": biases, "x": xs, "y": ys,
            "test_x": test_x, "test_y": [target(x) for x in test_x]}


def derive_double_descent(case):
    """Features, ranks, minimum-norm weights, norms and risks for p = 1…P."""
    _, xs = case.rationals("x")
    _, ys = case.rationals("y")
    _, a = case.rationals("feature_weights")
    _, b = case.rationals("feature_biases")
    _, test_x = case.rationals("test_x")
    _, test_y = case.rationals("test_y")
    n, count, m = len(xs), len(a), len(test_x)
    out = {}
    generated = case.params.get("generated", "nothing")
    if generated != "nothing":
        regenerated = generated_inputs(int(case.param("seed")), n, count, case.param("noise", 0))
        parts = {"features": ("feature_weights", "feature_biases"), "training data": ("x", "y"),
                 "test set": ("test_x", "test_y")}
        out["_inputs"] = {name: regenerated[name] for part in generated.split(", ") for name in parts[part]}

    def relu(v):
        return v if v > 0 else Fraction(0)

    phi = [[relu(aj * x + bj) for aj, bj in zip(a, b)] for x in xs]
    phi_test = [[relu(aj * x + bj) for aj, bj in zip(a, b)] for x in test_x]
    _, pivots = rref(phi)
    ranks = [sum(1 for c in pivots if c < p) for p in range(1, count + 1)]
    weights, norms, normal, train, test = [], [], [], [], []
    for p, rank in zip(range(1, count + 1), ranks):
        design = [row[:p] for row in phi]
        columns = list(zip(*design))
        if p > n and rank == n:
            gram = [[sum(u * v for u, v in zip(r, s)) for s in design] for r in design]
            z = [sum(g * y for g, y in zip(row, ys)) for row in inverse(gram)]
            w = [sum(c * zi for c, zi in zip(column, z)) for column in columns]
        else:
            system = [[sum(u * v for u, v in zip(c, d)) for d in columns] for c in columns]
            w, _ = solve_min_norm(system, [sum(u * y for u, y in zip(c, ys)) for c in columns])
        weights += w + [Fraction(0)] * (count - p)
        norms.append(sum(v * v for v in w))
        residual = [y - sum(u * v for u, v in zip(row, w)) for row, y in zip(design, ys)]
        normal.append(sum(sum(u * r for u, r in zip(c, residual)) ** 2 for c in columns))
        train.append(sum(r * r for r in residual) / n)
        errors = [sum(u * v for u, v in zip(row[:p], w)) - y for row, y in zip(phi_test, test_y)]
        test.append(sum(e * e for e in errors) / m)
    out.update({"phi": [v for row in phi for v in row], "phi_test": [v for row in phi_test for v in row],
                "rank": ranks, "w": weights, "weight_norm2": norms, "normal_equations_check": normal,
                "features": list(range(1, count + 1)), "train_risk": train, "test_risk": test})
    return out
