"""Independent exact derivations of the regression ops: ridge and bias-variance.

Linear algebra over the rationals (Fractions) by row reduction; a singular
system's minimum-norm solution is the solution orthogonal to the null space.
"""

import itertools
import math
from collections import Counter
from fractions import Fraction

from normlab_vectors import Surd


# ----------------------------------------------------------- linear algebra

def rref(rows):
    """Reduced row-echelon form of a matrix (list of rows): (rows, pivot columns)."""
    rows = [list(map(Fraction, r)) for r in rows]
    pivots, top = [], 0
    columns = len(rows[0]) if rows else 0
    for col in range(columns):
        pick = next((r for r in range(top, len(rows)) if rows[r][col] != 0), None)
        if pick is None:
            continue
        rows[top], rows[pick] = rows[pick], rows[top]
        lead = rows[top][col]
        rows[top] = [v / lead for v in rows[top]]
        for r in range(len(rows)):
            if r != top and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [v - factor * t for v, t in zip(rows[r], rows[top])]
        pivots.append(col)
        top += 1
    return rows, pivots


def null_space(a):
    """A basis of {v : Av = 0}, one vector per free column of A's echelon form."""
    reduced, pivots = rref(a)
    p = len(a[0])
    basis = []
    for free in (j for j in range(p) if j not in pivots):
        v = [Fraction(0)] * p
        v[free] = Fraction(1)
        for row, col in enumerate(pivots):
            v[col] = -reduced[row][free]
        basis.append(v)
    return basis


def solve_min_norm(a, b):
    """(w, rank): the solution of the consistent system Aw = b of least Euclidean norm.

    Unique when A has full rank; otherwise the solution orthogonal to A's null
    space, found by appending the null-space vectors as equations vᵀw = 0.
    """
    p = len(a[0])
    null = null_space(a)
    reduced, pivots = rref([row + [rhs] for row, rhs in zip(a, b)] + [v + [Fraction(0)] for v in null])
    if p in pivots:
        raise ArithmeticError("the normal equations are inconsistent")
    if len(pivots) != p:
        raise ArithmeticError("the minimum-norm system is still singular")
    return [reduced[i][p] for i in range(p)], p - len(null)


def inverse(a):
    """A⁻¹ of a nonsingular square matrix."""
    p = len(a)
    reduced, pivots = rref([row + [Fraction(int(i == j)) for j in range(p)] for i, row in enumerate(a)])
    if pivots[:p] != list(range(p)):
        raise ArithmeticError("singular matrix")
    return [row[p:] for row in reduced[:p]]


def matmul(a, b):
    """Product of two matrices given as lists of rows."""
    return [[sum((x * y for x, y in zip(row, col)), Fraction(0)) for col in zip(*b)] for row in a]


def transpose_times(a, v):
    """Aᵀv."""
    return [sum((row[j] * x for row, x in zip(a, v)), Fraction(0)) for j in range(len(a[0]))]


def times(a, v):
    """Av."""
    return [sum((x * y for x, y in zip(row, v)), Fraction(0)) for row in a]


# -------------------------------------------------------------------- ridge

def flag(case, name, default="false"):
    """A true/false word parameter."""
    return case.params.get(name, default) == "true"


def derive_ridge(case):
    """w* = (XᵀX + αD)⁻¹Xᵀy (minimum-norm when singular) and the statistician's summary, MAP and SGD checks."""
    (n, d), xs = case.rationals("X")
    _, y = case.rationals("y")
    alpha, intercept = case.param("alpha", 0), flag(case, "intercept")
    rows = [([Fraction(1)] if intercept else []) + xs[i * d:(i + 1) * d] for i in range(n)]
    p = len(rows[0])
    decayed = [not (intercept and j == 0 and not flag(case, "decay_intercept")) for j in range(p)]
    gram = matmul(list(map(list, zip(*rows))), rows)
    system = [[g + (alpha if j == k and decayed[j] else 0) for k, g in enumerate(row)] for j, row in enumerate(gram)]
    xty = transpose_times(rows, y)
    w, rank = solve_min_norm(system, xty)
    fitted = times(rows, w)
    residual = [a - b for a, b in zip(y, fitted)]
    rss = sum(r * r for r in residual)
    out = {"design": [v for row in rows for v in row], "gram": [v for row in gram for v in row], "xty": xty,
           "gram_penalized": [v for row in system for v in row], "w": w, "fitted": fitted, "residual": residual,
           "rss": [rss], "stationarity_check": [g - (alpha * wj if dj else 0)
                                                for g, wj, dj in zip(transpose_times(rows, residual), w, decayed)]}
    constant = any(rows[0][j] != 0 and all(r[j] == rows[0][j] for r in rows) for j in range(p))
    ybar = sum(y) / n
    tss = sum((v - ybar) ** 2 for v in y) if constant else sum(v * v for v in y)
    out["tss"] = [tss]
    if tss != 0:
        out["r_squared"] = [1 - rss / tss]
    if n > p:
        s2 = rss / (n - p)
        out["residual_variance"], out["residual_sd"] = [s2], [Surd.sqrt(s2)]
        if rank == p:
            inv = inverse(system)
            covariance = inv if alpha == 0 else matmul(matmul(inv, gram), inv)
            out["w_var"] = [s2 * covariance[j][j] for j in range(p)]
            out["w_sd"] = [Surd.sqrt(v) for v in out["w_var"]]
    if alpha != 0:
        sigma2 = case.param("sigma2", 1)
        tau2 = sigma2 / alpha
        penalty = sum(wj * wj for wj, dj in zip(w, decayed) if dj)
        out["tau2"] = [tau2]
        out["neg_log_posterior"] = [rss / (2 * sigma2) + penalty / (2 * tau2)]
        out["ridge_objective"] = [(rss + alpha * penalty) / (2 * sigma2)]
        out["map_check"] = [out["neg_log_posterior"][0] - out["ridge_objective"][0]]
    if case.has_input("w0"):
        _, w0 = case.rationals("w0")
        eta = case.param("eta", Fraction(1, 10))
        grad = [-g for g in transpose_times(rows, [a - b for a, b in zip(y, times(rows, w0))])]
        step = [v - eta * (g + (alpha * v if dj else 0)) for v, g, dj in zip(w0, grad, decayed)]
        out["grad"], out["w_step"] = grad, step
        out["sgd_check"] = [s - ((1 - eta * alpha if dj else 1) * v - eta * g)
                            for s, v, g, dj in zip(step, w0, grad, decayed)]
    out["_params"] = {"rank": str(rank), "r_squared_form": "centred" if constant else "uncentred"}
    return out


# ------------------------------------------------------------ bias-variance

MAX_SEQUENCES = 10 ** 6


def polynomial_fit(points, counts, sums, degree, alpha, decay_intercept):
    """Coefficients of the polynomial ridge fit to c_j draws at x_j with target sum s_j (minimum-norm if singular)."""
    phi = [[x ** e for e in range(degree + 1)] for x in points]
    size = degree + 1
    a = [[sum((c * f[r] * f[s] for c, f in zip(counts, phi)), Fraction(0))
          + (alpha if r == s and (r > 0 or decay_intercept) else 0) for s in range(size)] for r in range(size)]
    b = [sum((s_ * f[r] for s_, f in zip(sums, phi)), Fraction(0)) for r in range(size)]
    return solve_min_norm(a, b)[0]


def world_of(case):
    """The finite world of a bias–variance case: (x, P(x), target, noise, P(noise)) as Fractions."""
    _, xs = case.rationals("x")
    _, target = case.rationals("target")
    _, noise = case.rationals("noise") if case.has_input("noise") else (None, [Fraction(0)])
    k, m = len(xs), len(noise)
    _, px = case.rationals("x_probs") if case.has_input("x_probs") else (None, [Fraction(1, k)] * k)
    _, pe = case.rationals("noise_probs") if case.has_input("noise_probs") else (None, [Fraction(1, m)] * m)
    return xs, px, target, noise, pe


def dataset_weights(world, n):
    """{dataset: probability} over every multiset of n outcomes (x_i, ε_j), or None when too many sequences.

    Every ordered sequence of n outcomes is enumerated with its product
    probability, and sequences are pooled by the dataset (multiset) they form,
    so the multinomial weights are not assumed but summed.
    """
    xs, px, _, noise, pe = world
    k, m = len(xs), len(noise)
    if (k * m) ** n > MAX_SEQUENCES:
        return None
    weights = Counter()
    for sequence in itertools.product(range(k * m), repeat=n):
        weights[tuple(sorted(sequence))] += math.prod(px[o // m] * pe[o % m] for o in sequence)
    return weights


def decomposition(world, weights, degree, alpha, decay_intercept):
    """Exact E_D f, bias², variance, Bayes error and risk of a polynomial ridge fit over the weighted datasets."""
    xs, px, target, noise, pe = world
    k, m = len(xs), len(noise)
    noise_mean = sum(e * q for e, q in zip(noise, pe))
    regression = [t + noise_mean for t in target]
    bayes = sum(q * (e - noise_mean) ** 2 for e, q in zip(noise, pe))
    mean, second, risk = [Fraction(0)] * k, [Fraction(0)] * k, Fraction(0)
    for dataset, weight in weights.items():
        counts, sums = [0] * k, [Fraction(0)] * k
        for o in dataset:
            counts[o // m] += 1
            sums[o // m] += target[o // m] + noise[o % m]
        w = polynomial_fit(xs, counts, sums, degree, alpha, decay_intercept)
        predictions = [sum(c * x ** e for e, c in enumerate(w)) for x in xs]
        for i, f in enumerate(predictions):
            mean[i] += weight * f
            second[i] += weight * f * f
            risk += weight * px[i] * sum(q * (f - target[i] - e) ** 2 for e, q in zip(noise, pe))
    bias2 = sum(q * (a - r) ** 2 for q, a, r in zip(px, mean, regression))
    variance = sum(q * (s - a * a) for q, s, a in zip(px, second, mean))
    return {"regression_function": regression, "mean_prediction": mean, "bias2": bias2, "variance": variance,
            "bayes_error": bayes, "risk": risk}


def derive_bias_variance(case):
    """Exact bias–variance decomposition over every dataset of n i.i.d. draws from a finite world."""
    world = world_of(case)
    n, degree = int(case.param("n")), int(case.param("degree"))
    alpha, decay_intercept = case.param("alpha", 0), flag(case, "decay_intercept")
    weights = dataset_weights(world, n)
    if weights is None:
        return None
    d = decomposition(world, weights, degree, alpha, decay_intercept)
    return {"regression_function": d["regression_function"], "mean_prediction": d["mean_prediction"],
            "bias2": [d["bias2"]], "variance": [d["variance"]], "bayes_error": [d["bayes_error"]],
            "risk": [d["risk"]], "decomposition_check": [d["risk"] - d["bias2"] - d["variance"] - d["bayes_error"]],
            "_params": {"datasets": str(len(weights))}}
