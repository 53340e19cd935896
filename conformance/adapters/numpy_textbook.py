"""NumPy, textbook formulas: the straightforward two-pass implementation a course would write.

Every op in the case's precision (float64 or float32 arrays and scalars),
reductions with NumPy's `mean`/`sum` (pairwise summation), the batch-norm
backward pass in its compact form, the running statistics of whatever
convention the case names (NumPy has none of its own), ridge by
`numpy.linalg.solve` on the normal equations (`lstsq` when singular), double
descent by `numpy.linalg.lstsq` on each prefix of the features.
Nothing compensated, nothing in extra precision: the cases flagged
huge-offset, near-overflow and subnormal are expected to defeat it.
"""

import itertools

import numpy as np

from normlab_vectors import NotApplicable

from .common import Adapter


def _dtype(case):
    return np.float32 if case.precision == "f32" else np.float64


def _scalar(case, name, default=None):
    return _dtype(case)(case.param(name, default))


def _optional(case, name, count, fill):
    dtype = _dtype(case)
    return case.array(name) if case.has_input(name) else np.full(count, fill, dtype=dtype)


# ------------------------------------------------------------ normalisation

def _normalize(x, axes, eps, placement):
    """mean, biased variance, std and x̂ over `axes` (kept for broadcasting)."""
    m = np.prod([x.shape[a] for a in axes])
    mean = x.mean(axis=axes, keepdims=True)
    centered = x - mean
    var = (centered * centered).mean(axis=axes, keepdims=True)
    std = np.sqrt(var + eps) if placement == "inside" else np.sqrt(var) + eps
    return mean, var, std, centered / std, m


def _backward(g, xhat, std, axes, m):
    """∂ℓ/∂x from g = ∂ℓ/∂x̂ (compact form, ε inside the root): (g·m − Σg − x̂·Σg·x̂) / (m·std)."""
    return (m * g - g.sum(axis=axes, keepdims=True) - xhat * (g * xhat).sum(axis=axes, keepdims=True)) / (m * std)


def fed_variance(spec, var, m, eps):
    """The batch variance a convention feeds to its running variance, from the biased σ² over m values."""
    estimator = spec.running_var_estimator
    if estimator == "biased":
        return var
    if estimator == "unbiased":
        return var * var.dtype.type(m) / var.dtype.type(m - 1) if m > 1 else var * np.nan
    if estimator == "unbiasedOrBiasedAtOne":
        return var * var.dtype.type(m) / var.dtype.type(m - 1) if m > 1 else var
    return var * var.dtype.type(m) / (var.dtype.type(m) - (1 + eps))            # keras2


class RunningAverage:
    """One running statistic per channel, by a convention's averaging (see normlab_vectors.conventions)."""

    def __init__(self, spec, momentum, initial, seen):
        self.spec, self.f, self.value, self.seen = spec, momentum, initial, seen
        dtype = initial.dtype.type
        self.total = initial * dtype(seen)
        self.scale = dtype(sum(float(momentum) ** j for j in range(seen)))         # Caffe's n before the first batch
        self.sum = initial * self.scale

    def update(self, batch):
        one = self.value.dtype.type(1)
        if self.spec.averaging == "exponential":
            if self.spec.momentum_weighs == "new":
                self.value = (one - self.f) * self.value + self.f * batch
            else:
                self.value = self.f * self.value + (one - self.f) * batch
        elif self.spec.averaging == "cumulative":
            self.seen += 1
            self.total = self.total + batch
            self.value = self.total / self.value.dtype.type(self.seen)
        else:                                                                        # caffeNormalizedSum
            self.sum = batch + self.f * self.sum
            self.scale = self.f * self.scale + one
            self.value = self.sum / self.scale
        return self.value


def batchnorm(case):
    x, gamma, beta, dy = (case.array(n) for n in ("x", "gamma", "beta", "dy"))
    eps, spec = _scalar(case, "eps"), case.convention_spec
    placement = case.word("eps_placement", spec.eps_placement)
    axes = (0,) + tuple(range(2, x.ndim))
    view = (1, -1) + (1,) * (x.ndim - 2)
    running_mean, running_var = case.array("running_mean"), case.array("running_var")
    if placement != "inside":
        raise NotApplicable("the textbook backward pass assumes ε inside the root")
    with np.errstate(all="ignore"):
        if case.word("mode") == "eval":
            std = np.sqrt(running_var + eps).reshape(view)
            y = gamma.reshape(view) * (x - running_mean.reshape(view)) / std + beta.reshape(view)
            return {"y": y, "dx": gamma.reshape(view) * dy / std}
        mean, var, std, xhat, m = _normalize(x, axes, eps, placement)
        y = gamma.reshape(view) * xhat + beta.reshape(view)
        dx = _backward(dy * gamma.reshape(view), xhat, std, axes, m)
        out = {"mean": mean.reshape(-1), "var": var.reshape(-1), "xhat": xhat, "y": y, "dx": dx,
               "dgamma": (dy * xhat).sum(axis=axes), "dbeta": dy.sum(axis=axes)}
        f = _scalar(case, "momentum")
        out["running_mean"] = RunningAverage(spec, f, running_mean, 0).update(mean.reshape(-1))
        fed = fed_variance(spec, var.reshape(-1), m, eps)
        out["running_var"] = RunningAverage(spec, f, running_var, 0).update(fed)
    return out


def group_norm(case):
    """layernorm (over gamma's trailing shape, affine per element) and groupnorm (affine per channel)."""
    x, gamma, beta, dy = (case.array(n) for n in ("x", "gamma", "beta", "dy"))
    eps = _scalar(case, "eps")
    placement = case.word("eps_placement", "inside")
    if placement != "inside":
        raise NotApplicable("the textbook backward pass assumes ε inside the root")
    with np.errstate(all="ignore"):
        if case.op == "layernorm":
            axes = tuple(range(x.ndim - gamma.ndim, x.ndim))
            mean, var, std, xhat, m = _normalize(x, axes, eps, placement)
            g = dy * gamma
            dx = _backward(g, xhat, std, axes, m)
            lead = tuple(range(x.ndim - gamma.ndim))
            affine_xhat, affine_axes = xhat, lead
            y = gamma * xhat + beta
        else:
            groups = case.int_param("groups")
            n, c = x.shape[:2]
            view = (1, c) + (1,) * (x.ndim - 2)
            grouped = x.reshape(n, groups, -1)
            mean, var, std, xhat_g, m = _normalize(grouped, (2,), eps, placement)
            g = (dy * gamma.reshape(view)).reshape(n, groups, -1)
            dx = _backward(g, xhat_g, std, (2,), m).reshape(x.shape)
            affine_xhat, affine_axes = xhat_g.reshape(x.shape), (0,) + tuple(range(2, x.ndim))
            y = gamma.reshape(view) * affine_xhat + beta.reshape(view)
            xhat = affine_xhat
        return {"mean": mean.reshape(-1), "var": var.reshape(-1), "xhat": xhat, "y": y, "dx": dx,
                "dgamma": (dy * affine_xhat).sum(axis=affine_axes), "dbeta": dy.sum(axis=affine_axes)}


def running_stats(case):
    spec = case.convention_spec
    batches = case.array("batches")
    c = batches.shape[2]
    eps, f = _scalar(case, "eps"), _scalar(case, "momentum")
    seen = case.int_param("batches_seen", 0)
    initial_var_fill = 0 if spec.averaging == "caffeNormalizedSum" else 1
    initial_mean, initial_var = _optional(case, "running_mean", c, 0), _optional(case, "running_var", c, initial_var_fill)
    means = RunningAverage(spec, f, initial_mean, seen)
    std_averaged = spec.averaged == "standardDeviation"
    spreads = RunningAverage(spec, f, np.sqrt(initial_var) if std_averaged else initial_var, seen)
    axes = (0,) + tuple(range(2, batches.ndim - 1))
    with np.errstate(all="ignore"):
        for batch in batches:
            m = batch.size // c
            mean = batch.mean(axis=axes)
            centered = batch - mean.reshape((1, -1) + (1,) * (batch.ndim - 2))
            var = (centered * centered).mean(axis=axes)
            fed = fed_variance(spec, var, m, eps)
            means.update(mean)
            spreads.update(np.sqrt(fed) if std_averaged else fed)
        running_var = spreads.value * spreads.value if std_averaged else spreads.value
        out = {"running_mean": means.value, "running_var": running_var}
        if case.has_input("x"):
            x = case.array("x")
            view = (1, -1) + (1,) * (x.ndim - 2)
            gamma, beta = _optional(case, "gamma", c, 1), _optional(case, "beta", c, 0)
            if std_averaged:
                std = np.sqrt(running_var + eps) if eps else spreads.value
            elif spec.eps_placement == "inside":
                std = np.sqrt(running_var + eps)
            else:
                std = np.sqrt(running_var) + eps
            out["y"] = gamma.reshape(view) * (x - means.value.reshape(view)) / std.reshape(view) + beta.reshape(view)
    return out


def bn_fold(case):
    w, x = case.array("W"), case.array("x")
    outputs = w.shape[0]
    bias, gamma, beta = (_optional(case, n, outputs, fill) for n, fill in (("bias", 0), ("gamma", 1), ("beta", 0)))
    mean, var = _optional(case, "running_mean", outputs, 0), _optional(case, "running_var", outputs, 1)
    eps, spec = _scalar(case, "eps"), case.convention_spec
    std = np.sqrt(var + eps) if spec.eps_placement == "inside" else np.sqrt(var) + eps
    h = x @ w.T + bias
    scale = gamma / std
    w_folded = scale[:, None] * w
    bias_folded = scale * (bias - mean) + beta
    return {"y": gamma * (h - mean) / std + beta, "W_folded": w_folded, "bias_folded": bias_folded,
            "y_folded": x @ w_folded.T + bias_folded}


# ------------------------------------------------------------------ dropout

def dropout(case):
    x, dy = case.array("x"), case.array("dy")
    dtype = _dtype(case)
    p, one = _scalar(case, "p"), dtype(1)
    variant, train = case.word("variant", "inverted"), case.word("mode", "train") == "train"
    if not train:
        factor = one if variant == "inverted" else one - p
        return {"y": factor * x, "dx": factor * dy}
    mask = case.array("mask")
    if mask.shape != x.shape:                                       # one value per (sample, channel)
        mask = mask.reshape(mask.shape + (1,) * (x.ndim - mask.ndim))
    if variant == "inverted":
        return {"y": x * mask / (one - p), "dx": dy * mask / (one - p)}
    return {"y": x * mask, "dx": dy * mask}


def dropout_regression(case):
    """E over plain-dropout masks of ‖y − (R⊙X)w‖²: enumerated (lhs), closed form (rhs), E[(R⊙X)ᵀ(R⊙X)]."""
    x, y, w = case.array("X"), case.array("y"), case.array("w")
    dtype = _dtype(case)
    p = _scalar(case, "p")
    q = dtype(1) - p
    gram = x.T @ x
    e_gram = q * q * gram + p * q * np.diag(np.diag(gram))
    rhs = np.sum((y - q * (x @ w)) ** 2) + p * q * np.sum(np.diag(gram) * w * w)
    d = x.shape[1]
    lhs = dtype(0)
    for kept in itertools.product((0, 1), repeat=d):
        mask = np.array(kept, dtype=dtype)
        weight = np.prod(np.where(mask == 1, q, p))
        lhs += weight * np.sum((y - x @ (mask * w)) ** 2)
    return {"lhs": lhs, "rhs": rhs, "e_gram": e_gram}


# ------------------------------------------------------------------- ridge

def ridge(case):
    x, y = case.array("X"), case.array("y")
    dtype = _dtype(case)
    alpha = _scalar(case, "alpha", 0)
    intercept = case.word("intercept") == "true"
    design = np.hstack([np.ones((x.shape[0], 1), dtype=dtype), x]) if intercept else x
    n, p = design.shape
    penalised = np.ones(p, dtype=dtype)
    if intercept and case.word("decay_intercept", "false") != "true":
        penalised[0] = 0
    gram = design.T @ design
    system = gram + alpha * np.diag(penalised)
    rank = np.linalg.matrix_rank(system)
    if rank == p:
        w = np.linalg.solve(system, design.T @ y)
    else:
        w = np.linalg.lstsq(system, design.T @ y, rcond=None)[0]             # the minimum-norm solution
    residual = y - design @ w
    rss = residual @ residual
    centred = case.word("r_squared_form", "centred" if intercept else "uncentred") == "centred"
    tss = np.sum((y - y.mean()) ** 2) if centred else y @ y
    out = {"w": w, "r_squared": dtype(1) - rss / tss}
    if n > p:
        s2 = rss / dtype(n - p)
        out["residual_sd"] = np.sqrt(s2)
        if rank == p:
            inverse = np.linalg.inv(system)
            covariance = inverse if alpha == 0 else inverse @ gram @ inverse
            out["w_sd"] = np.sqrt(s2 * np.diag(covariance))
    return out


# ---------------------------------------------------------- double descent

def double_descent(case):
    """Minimum-norm least squares on each prefix of the ReLU features, by numpy.linalg.lstsq (SVD)."""
    x, y = case.array("x"), case.array("y")
    a, b = case.array("feature_weights"), case.array("feature_biases")
    test_x, test_y = case.array("test_x"), case.array("test_y")
    phi = np.maximum(0, np.outer(x, a) + b)
    phi_test = np.maximum(0, np.outer(test_x, a) + b)
    train, test = [], []
    for p in range(1, a.shape[0] + 1):
        w = np.linalg.lstsq(phi[:, :p], y, rcond=None)[0]
        train.append(np.mean((phi[:, :p] @ w - y) ** 2))
        test.append(np.mean((phi_test[:, :p] @ w - test_y) ** 2))
    return {"features": np.arange(1, a.shape[0] + 1, dtype=_dtype(case)), "train_risk": np.array(train),
            "test_risk": np.array(test)}


class NumpyTextbook(Adapter):
    name = "numpy"
    title = "NumPy (textbook formulas)"
    ops = {"batchnorm": batchnorm, "layernorm": group_norm, "groupnorm": group_norm,
           "running-stats": running_stats, "bn-fold": bn_fold, "dropout": dropout,
           "dropout-regression": dropout_regression, "ridge": ridge, "double-descent": double_descent}
    missing_ops = {"bias-variance": "an expectation over every data set of a finite world, not an array operation",
                   "bias-variance-sweep": "expectations over every data set of a finite world, not an array operation"}

    def versions(self):
        return {"numpy": np.__version__}

    def setting_notes(self):
        return ["Two-pass mean and variance in the case's precision (NumPy pairwise sums), compact backward pass; "
                "the running statistics of whichever convention the case names (NumPy has none of its own); "
                "ridge by numpy.linalg.solve on the normal equations, lstsq when singular; "
                "dropout y = x·mask/(1 − p); double descent by numpy.linalg.lstsq (SVD, minimum norm, "
                "default cutoff) on each prefix of the features."]
