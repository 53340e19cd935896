"""Independent exact derivations of the normalisation ops: batchnorm, layernorm,
groupnorm, running-stats (every convention of the vectors) and bn-fold."""

import math
from fractions import Fraction

from normlab_vectors import Surd
from quadratic import QS, as_surd, fsum

# ------------------------------------------------------- normalisation ops

def normalize(x, gamma, beta, dy, eps, groups, param_of):
    """Forward and backward of (x - mean)/sqrt(var + eps) * gamma + beta, exactly.

    groups: lists of element indices normalised together; param_of(i): index
    into gamma/beta of element i. Returns per-element and per-group values.
    """
    n = len(x)
    out = {k: [None] * n for k in ("centered", "centered_sq", "xhat", "gamma_xhat", "y", "dxhat",
                                   "dcentered", "dx_compact", "dx_graph_minus_compact", "dx")}
    stats = {k: [] for k in ("mean", "var", "var_eps", "std", "inv_std", "sum_xhat", "sum_xhat_sq_minus_expected",
                             "dinv_std", "dstd", "dvar", "dmean", "sum_dxhat", "sum_dxhat_xhat", "m")}
    for members in groups:
        m = len(members)
        mean = sum((x[i] for i in members), Fraction(0)) / m
        var = sum(((x[i] - mean) ** 2 for i in members), Fraction(0)) / m
        s = var + eps
        std = QS.sqrt(s)
        inv_std = 1 / std
        xhat = {i: (x[i] - mean) * inv_std for i in members}
        g = {i: dy[i] * gamma[param_of(i)] for i in members}          # ∂ℓ/∂x̂
        sum_g, sum_gx = fsum(g.values()), fsum(g[i] * xhat[i] for i in members)
        dinv_std = fsum(g[i] * (x[i] - mean) for i in members)
        dstd = -dinv_std / s
        dvar = dstd / (2 * std)
        dcentered = {i: g[i] * inv_std + dvar * 2 * (x[i] - mean) / m for i in members}
        dmean = -fsum(dcentered.values())
        for i in members:
            out["centered"][i] = QS(x[i] - mean)
            out["centered_sq"][i] = QS((x[i] - mean) ** 2)
            out["xhat"][i] = xhat[i]
            out["gamma_xhat"][i] = gamma[param_of(i)] * xhat[i]
            out["y"][i] = gamma[param_of(i)] * xhat[i] + beta[param_of(i)]
            out["dxhat"][i] = QS(g[i])
            out["dcentered"][i] = dcentered[i]
            compact = inv_std / m * (m * g[i] - sum_g - xhat[i] * sum_gx)
            out["dx_compact"][i] = out["dx"][i] = compact
            out["dx_graph_minus_compact"][i] = dcentered[i] + dmean / m - compact
        for key, value in (("mean", mean), ("var", var), ("var_eps", s), ("std", std), ("inv_std", inv_std),
                           ("sum_xhat", fsum(xhat.values())),
                           ("sum_xhat_sq_minus_expected", fsum(v * v for v in xhat.values()) - m * var / s),
                           ("dinv_std", dinv_std), ("dstd", dstd), ("dvar", dvar), ("dmean", dmean),
                           ("sum_dxhat", sum_g), ("sum_dxhat_xhat", sum_gx), ("m", m)):
            stats[key].append(value)
    return out, stats


def param_grads(xhat, dy, count, param_of):
    """dgamma = Σ dy·x̂ and dbeta = Σ dy per affine parameter (x̂ may mix radicands: Surd sums)."""
    dgamma, dbeta = [Surd(0) for _ in range(count)], [Fraction(0)] * count
    for i, v in enumerate(xhat):
        dgamma[param_of(i)] += as_surd(dy[i] * v)
        dbeta[param_of(i)] += dy[i]
    return dgamma, dbeta


def channel_layout(shape):
    """(N, C, inner) for an (N, C, ...) tensor, row-major."""
    inner = math.prod(shape[2:]) if len(shape) > 2 else 1
    return shape[0], (shape[1] if len(shape) > 1 else 1), inner


def running_update(case, old, batch_mean, batch_var, m):
    """Running mean and variance after one update by the case's convention, or None if unknown."""
    convention, f = case.params.get("convention", "pytorch"), case.param("momentum")
    if convention == "pytorch":                      # factor on the new value, unbiased variance
        if m < 2:
            return None
        return [(1 - f) * r + f * b for r, b in zip(old[0], batch_mean)], \
               [(1 - f) * r + f * b * Fraction(m, m - 1) for r, b in zip(old[1], batch_var)]
    if convention in ("keras", "onnx", "flax"):      # decay on the old value, biased variance
        return [f * r + (1 - f) * b for r, b in zip(old[0], batch_mean)], \
               [f * r + (1 - f) * b for r, b in zip(old[1], batch_var)]
    return None


def derive_batchnorm(case):
    """Exact values of a batchnorm case (train or eval), or None when its convention is unknown."""
    if case.params.get("eps_placement", "inside") != "inside":
        return None
    shape, x = case.rationals("x")
    _, gamma = case.rationals("gamma")
    _, beta = case.rationals("beta")
    _, dy = case.rationals("dy")
    _, running_mean = case.rationals("running_mean")
    _, running_var = case.rationals("running_var")
    eps = case.param("eps")
    n, c, inner = channel_layout(shape)
    channel = lambda i: (i // inner) % c
    if case.params.get("mode", "train") == "eval":
        return derive_batchnorm_eval(x, gamma, beta, dy, running_mean, running_var, eps, channel, c)
    groups = [[(b * c + ch) * inner + k for b in range(n) for k in range(inner)] for ch in range(c)]
    out, stats = normalize(x, gamma, beta, dy, eps, groups, channel)
    out.update({k: v for k, v in stats.items() if k != "m"})
    out["dgamma"], out["dbeta"] = param_grads(out["xhat"], dy, c, channel)
    m = stats["m"][0]
    updated = running_update(case, (running_mean, running_var), stats["mean"], stats["var"], m)
    if updated is not None:
        out["running_mean"], out["running_var"] = updated
        if case.params.get("convention", "pytorch") == "pytorch":
            out["batch_var_for_running"] = [v * Fraction(m, m - 1) for v in stats["var"]]
        else:
            out["batch_var_for_running"] = stats["var"]
    return out


def derive_batchnorm_eval(x, gamma, beta, dy, running_mean, running_var, eps, channel, c):
    """Inference: normalise with the running statistics, which stay unchanged."""
    std = [QS.sqrt(v + eps) for v in running_var]
    inv_std = [1 / s for s in std]
    out = {"mean": running_mean, "var": running_var, "var_eps": [v + eps for v in running_var],
           "std": std, "inv_std": inv_std, "running_mean": running_mean, "running_var": running_var}
    out["centered"] = [QS(v - running_mean[channel(i)]) for i, v in enumerate(x)]
    out["xhat"] = [out["centered"][i] * inv_std[channel(i)] for i in range(len(x))]
    out["y"] = [gamma[channel(i)] * v + beta[channel(i)] for i, v in enumerate(out["xhat"])]
    out["y_unfolded"] = out["y"]
    out["scale"] = [gamma[k] * inv_std[k] for k in range(c)]
    out["shift"] = [beta[k] - running_mean[k] * out["scale"][k] for k in range(c)]
    folded = [x[i] * out["scale"][channel(i)] + out["shift"][channel(i)] for i in range(len(x))]
    out["y_folded_minus_unfolded"] = [f - y for f, y in zip(folded, out["y"])]
    out["dx"] = [gamma[channel(i)] * dy[i] * inv_std[channel(i)] for i in range(len(x))]
    out["dgamma"], out["dbeta"] = param_grads(out["xhat"], dy, c, channel)
    return out


def derive_group_norm(case):
    """layernorm (groups = trailing blocks the size of gamma, affine per element) and groupnorm (per channel)."""
    shape, x = case.rationals("x")
    _, gamma = case.rationals("gamma")
    _, beta = case.rationals("beta")
    _, dy = case.rationals("dy") if case.has_input("dy") else (shape, [Fraction(1)] * len(x))
    eps = case.param("eps")
    per_sample = len(x) // shape[0]
    if case.data["op"] == "layernorm":                # normalised shape = gamma's (trailing dims of x)
        size = len(gamma)
        groups = [list(range(k * size, (k + 1) * size)) for k in range(len(x) // size)]
        param_of = lambda i: i % size
    else:
        n, c, inner = channel_layout(shape)
        g = int(case.param("groups"))
        size = per_sample // g
        groups = [list(range(b * per_sample + k * size, b * per_sample + (k + 1) * size)) for b in range(n) for k in range(g)]
        param_of = lambda i: (i // inner) % c
    out, stats = normalize(x, gamma, beta, dy, eps, groups, param_of)
    out.update({k: v for k, v in stats.items() if k != "m"})
    out["dgamma"], out["dbeta"] = param_grads(out["xhat"], dy, len(gamma), param_of)
    return out


# ------------------------------------------------------------ running stats

# What each convention does, read from shared/conventions.md (§1 momentum,
# §2 the variance fed to the running value, §3 ε, §10 the course notes), as
# the words the vectors' params use: averaging, what the momentum number
# weighs ("new": R ← (1−f)R + fB, "old": R ← dR + (1−d)B), the batch variance
# fed in, ε placement, and the averaged statistic.
CONVENTIONS = {
    "pytorch":     ("exponential", "new", "unbiased", "inside", "variance"),
    "pytorch-cma": ("cumulative", "new", "unbiased", "inside", "variance"),           # momentum=None: factor 1/k
    "keras":       ("exponential", "old", "biased", "inside", "variance"),
    "keras2":      ("exponential", "old", "keras2", "inside", "variance"),             # σ²·m/(m − (1 + ε))
    "tf-fused":    ("exponential", "new", "unbiased", "inside", "variance"),           # exponential_avg_factor
    "tf-keras-fused": ("exponential", "old", "unbiased", "inside", "variance"),     # fused op's Bessel correction
    "cudnn":       ("exponential", "new", "unbiased", "inside", "variance"),
    "onednn-graph": ("exponential", "old", "biased", "inside", "variance"),
    "ioffe-szegedy": ("cumulative", "new", "unbiased", "inside", "variance"),        # Algorithm 2
    "onnx":        ("exponential", "old", "biased", "inside", "variance"),
    "flax":        ("exponential", "old", "biased", "inside", "variance"),
    "mxnet":       ("exponential", "old", "biased", "inside", "variance"),
    "caffe":       ("caffeNormalizedSum", "old", "unbiasedOrBiasedAtOne", "inside", "variance"),
    "notes-000":   ("cumulative", "new", "biased", "inside", "standardDeviation"),    # mean of σ_k, no ε
    "notes-001":   ("exponential", "old", "biased", "outside", "variance"),          # √Var + ε (Eq. 7.17)
    "notes-002":   ("cumulative", "new", "unbiased", "inside", "variance"),          # m/(m−1)·E_B[σ²_B]
    "notes-004":   ("exponential", "old", "biased", "inside", "standardDeviation"),  # α on the old σ
}


def fed_variance(estimator, var, m, eps):
    """The batch variance a convention feeds to its running variance, from the biased σ² over m values."""
    if estimator == "biased":
        return var
    if estimator == "unbiased":
        if m < 2:
            raise ArithmeticError("no unbiased variance from one value per channel")
        return var * Fraction(m, m - 1)
    if estimator == "unbiasedOrBiasedAtOne":                  # Caffe's bias_correction_factor
        return var * Fraction(m, m - 1) if m > 1 else var
    return var * (m / (m - 1 - eps))                          # Keras 2.1.3–2.3.1


class RunningAverage:
    """One running statistic of one channel, updated batch by batch.

    exponential: R ← (1−f)R + fB or dR + (1−d)B; cumulative: the plain mean
    of the `seen` earlier values (weight of the initial value) and the
    batches; caffeNormalizedSum: Caffe's stored sums s ← B + d·s,
    s₂ ← d·s₂ + 1 with the statistic s/s₂.
    """

    def __init__(self, averaging, meaning, momentum, initial, seen):
        self.averaging, self.meaning, self.f = averaging, meaning, momentum
        self.value, self.seen = initial, seen
        self.total = initial * seen                            # cumulative: sum of everything averaged
        self.scale = sum((momentum ** j for j in range(seen)), Fraction(0))   # Caffe s₂ before the first batch
        self.sum = initial * self.scale                        # Caffe s

    def update(self, batch):
        """Feed one batch statistic; return the new running value."""
        if self.averaging == "exponential":
            keep = 1 - self.f if self.meaning == "new" else self.f
            self.value = keep * self.value + (1 - keep) * batch
        elif self.averaging == "cumulative":
            self.total, self.seen = self.total + batch, self.seen + 1
            self.value = self.total / self.seen
        else:
            self.sum, self.scale = batch + self.f * self.sum, self.f * self.scale + 1
            self.value = self.sum / self.scale
        return self.value


def derive_running_stats(case):
    """Running mean and variance over the batches by the case's convention, then eval-mode y."""
    convention = case.params.get("convention")
    if convention not in CONVENTIONS:
        return None
    averaging, meaning, estimator, placement, averaged = CONVENTIONS[convention]
    shape, batches = case.rationals("batches")
    k, (n, c, inner) = shape[0], channel_layout(shape[1:])
    initial_mean = case.channel_values("running_mean", c, 0)
    initial_var = case.channel_values("running_var", c, 0 if averaging == "caffeNormalizedSum" else 1)
    eps, momentum, seen = case.param("eps"), case.param("momentum"), int(case.param("batches_seen", 0))
    per_batch, m = len(batches) // k, n * inner
    means = [RunningAverage(averaging, meaning, momentum, v, seen) for v in initial_mean]
    if averaged == "variance":
        spreads = [RunningAverage(averaging, meaning, momentum, v, seen) for v in initial_var]
    else:
        spreads = [RunningAverage(averaging, meaning, momentum, Surd.sqrt(v), seen) for v in initial_var]
    out = {k_: [] for k_ in ("batch_mean", "batch_var", "batch_var_for_running", "batch_std_for_running",
                             "running_std_history", "running_mean_history", "running_var_history")}
    for b in range(k):
        for ch in range(c):
            values = [batches[b * per_batch + (i * c + ch) * inner + j] for i in range(n) for j in range(inner)]
            mean = sum(values, Fraction(0)) / m
            var = sum(((v - mean) ** 2 for v in values), Fraction(0)) / m
            fed = fed_variance(estimator, var, m, eps)
            out["batch_mean"].append(mean)
            out["batch_var"].append(var)
            out["batch_var_for_running"].append(fed)
            out["running_mean_history"].append(means[ch].update(mean))
            if averaged == "variance":
                out["running_var_history"].append(spreads[ch].update(fed))
            else:
                std = Surd.sqrt(fed)
                out["batch_std_for_running"].append(std)
                out["running_std_history"].append(spreads[ch].update(std))
                out["running_var_history"].append(spreads[ch].value * spreads[ch].value)
    if averaging == "caffeNormalizedSum":
        out["caffe_scale"] = [sum((momentum ** j for j in range(seen + b + 1)), Fraction(0)) for b in range(k)]
    out["running_mean"] = [r.value for r in means]
    out["running_var"] = out["running_var_history"][-c:]
    # √(σ̄² + ε) of an averaged σ̄ (a sum of roots) has no closed form here: those eval fields stay skipped.
    if case.has_input("x") and (averaged == "variance" or eps == 0):
        averaged_std = [r.value for r in spreads] if averaged == "standardDeviation" else None
        out.update(eval_affine(case, out["running_mean"], out["running_var"], eps, placement, averaged_std))
    out["_params"] = {"averaging": averaging, "averaged": averaged, "running_var_estimator": estimator}
    return out


def eval_std(running_var, eps, placement):
    """var_eps and std = √(Var + ε) (inside), or sqrt_var and std = √Var + ε (outside)."""
    if placement == "inside":
        shifted = [Surd.of(v) + eps for v in running_var]
        return {"var_eps": shifted, "std": [surd_sqrt(v) for v in shifted]}
    roots = [surd_sqrt(Surd.of(v)) for v in running_var]
    return {"sqrt_var": roots, "std": [r + eps for r in roots]}


def surd_sqrt(value):
    """√value for a rational Surd (the only kind the running statistics need a root of)."""
    if not value.is_rational():
        raise ArithmeticError("square root of a sum of surds")
    return Surd.sqrt(value.rational())


def eval_affine(case, running_mean, running_var, eps, placement, averaged_std=None):
    """Eval-mode batch norm of input x: std, scale a = γ/std, shift b = β − a·E, y = a·x + b."""
    shape, x = case.rationals("x")
    _, c, inner = channel_layout(shape)
    gamma, beta = case.channel_values("gamma", c, 1), case.channel_values("beta", c, 0)
    out = {"std": averaged_std} if averaged_std is not None else eval_std(running_var, eps, placement)
    out["scale"] = [Surd.of(g) / s for g, s in zip(gamma, out["std"])]
    out["shift"] = [b - a * e for a, b, e in zip(out["scale"], beta, running_mean)]
    out["y"] = [out["scale"][(i // inner) % c] * v + out["shift"][(i // inner) % c] for i, v in enumerate(x)]
    return out


# ------------------------------------------------------------------ bn-fold

def derive_bn_fold(case):
    """Folding eval-mode batch norm into the linear layer before it, and the exact check y_folded − y = 0."""
    convention = case.params.get("convention", "pytorch")
    if convention not in CONVENTIONS:
        return None
    (outputs, inputs), w = case.rationals("W")
    (n, _), x = case.rationals("x")
    bias, gamma, beta = (case.channel_values(name, outputs, fill) for name, fill in (("bias", 0), ("gamma", 1), ("beta", 0)))
    mean, var = case.channel_values("running_mean", outputs, 0), case.channel_values("running_var", outputs, 1)
    out = eval_std(var, case.param("eps"), CONVENTIONS[convention][3])
    std = out["std"]

    def linear(weights, offsets):
        return [offsets[o] + sum((x[r * inputs + i] * weights[o * inputs + i] for i in range(inputs)), Surd(0))
                for r in range(n) for o in range(outputs)]

    out["h"] = linear(w, bias)
    out["y"] = [gamma[j % outputs] * (h - mean[j % outputs]) / std[j % outputs] + beta[j % outputs]
                for j, h in enumerate(out["h"])]
    out["scale"] = [Surd.of(g) / s for g, s in zip(gamma, std)]
    out["W_folded"] = [out["scale"][j // inputs] * v for j, v in enumerate(w)]
    out["bias_folded"] = [a * (b - e) + be for a, b, e, be in zip(out["scale"], bias, mean, beta)]
    out["y_folded"] = linear(out["W_folded"], out["bias_folded"])
    out["y_folded_minus_y"] = [f - y for f, y in zip(out["y_folded"], out["y"])]
    return out
