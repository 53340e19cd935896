"""Independent exact derivations of the dropout ops: dropout and dropout-regression."""

import math
from fractions import Fraction

def derive_dropout(case):
    """Dropout with a given 0/1 mask: inverted or plain, train or eval, element or channel mask."""
    shape, x = case.rationals("x")
    _, dy = case.rationals("dy") if case.has_input("dy") else (shape, [Fraction(1)] * len(x))
    p, variant = case.param("p", "1/2"), case.params.get("variant", "inverted")
    train = case.params.get("mode", "train") == "train"
    scale = {("inverted", True): 1 / (1 - p) if p != 1 else None, ("inverted", False): Fraction(1),
             ("plain", True): Fraction(1), ("plain", False): 1 - p}.get((variant, train))
    if scale is None:
        return None
    mask = [Fraction(1)] * len(x)
    if train:
        mask_shape, mask = case.rationals("mask")
        if mask_shape != shape:                       # channel mask (N, C[, 1, ...]): repeat over H·W
            mask = [v for v in mask for _ in range(math.prod(shape[2:]))]
    out = {"scale": [scale], "y": [scale * k * v for k, v in zip(mask, x)],
           "dx": [scale * k * v for k, v in zip(mask, dy)]}
    if train and case.shape("mask") != shape:
        out["mask_expanded"] = mask
    return out


def derive_dropout_regression(case):
    """Expectations over dropout masks R (plain, keep 1 - p) of a linear model's squared loss.

    E_R||y - (R*X)w||^2 is computed by enumerating every mask of each row (rows
    are independent) and compared with ||y - (1-p)Xw||^2 + p(1-p) w'diag(X'X)w.
    """
    (n, d), X = case.rationals("X")
    _, y = case.rationals("y")
    _, w = case.rationals("w")
    p = case.param("p")
    q = 1 - p
    rows = [X[i * d:(i + 1) * d] for i in range(n)]
    gram = [sum(r[a] * r[b] for r in rows) for a in range(d) for b in range(d)]
    e_gram = [q * q * gram[a * d + b] + (p * q * gram[a * d + b] if a == b else 0) for a in range(d) for b in range(d)]
    fit = sum((yi - q * sum(x * wj for x, wj in zip(r, w))) ** 2 for yi, r in zip(y, rows))
    penalty = p * q * sum(gram[j * d + j] * w[j] ** 2 for j in range(d))
    enumerated = Fraction(0)
    for yi, r in zip(y, rows):
        for bits in range(1 << d):
            kept = [(bits >> j) & 1 for j in range(d)]
            weight = q ** sum(kept) * p ** (d - sum(kept))
            enumerated += weight * (yi - sum(k * x * wj for k, x, wj in zip(kept, r, w))) ** 2
    out = {"mask_probability": [math.comb(d, k) * q ** k * p ** (d - k) for k in range(d + 1)],
           "e_r": [q], "e_rr": [q * q], "moment_check": [0, 0], "e_rx": [q * x for x in X],
           "gram": gram, "e_gram": e_gram, "e_gram_check": [0] * (d * d),
           "lhs": [fit + penalty], "lhs_enumerated": [enumerated], "fit_term": [fit], "penalty": [penalty],
           "rhs": [fit + penalty], "identity_check": [enumerated - fit - penalty],
           "enumeration_check": [enumerated - fit - penalty]}
    if q != 0:                                        # the rescaled form w~ = (1-p)w needs p < 1
        w_tilde = [q * wj for wj in w]
        penalty_rescaled = p / q * sum(gram[j * d + j] * wt ** 2 for j, wt in enumerate(w_tilde))
        rhs_rescaled = sum((yi - sum(x * wt for x, wt in zip(r, w_tilde))) ** 2 for yi, r in zip(y, rows)) + penalty_rescaled
        out.update({"w_tilde": w_tilde, "penalty_rescaled": [penalty_rescaled], "rhs_rescaled": [rhs_rescaled],
                    "rescaled_check": [rhs_rescaled - fit - penalty]})
    return out
