"""A correct implementation to test the harness with, and the switches that break it on purpose.

`Careful()` computes batch, layer and group norm (forward and backward),
running statistics and dropout from the case's floats in exact arithmetic
(Fractions, and `Surd` for the square root), rounding each result once to
the case's precision: what the most careful implementation could return.
Each switch plants one classic bug, so a test can check that the harness
catches it on the cases whose flag says they catch it:

    axis="features"            batch norm over each row instead of each channel (wrong axis)
    axis="batch-only"          4-D batch norm over N alone, not N·H·W (wrong axes for conv)
    normalize_unbiased=True    σ² over m − 1 when normalising (biased/unbiased swapped)
    running_var_biased=True    the biased σ² fed to a running variance that wants m/(m − 1) (swapped)
    eps_outside=True           (x − μ)/(√σ² + ε) instead of (x − μ)/√(σ² + ε)
    momentum_inverted=True     R ← f·R + (1 − f)·B where R ← (1 − f)·R + f·B is meant (and vice versa)
    dropout="divide"           y = fl(x·m / fl(1 − p))                 (the default)
    dropout="reciprocal"       y = fl(x·m · fl(1 / fl(1 − p)))          (PyTorch's CPU arithmetic)
    dropout="keep-scale"       y = fl(x·m · fl(1 − p))                  (scaling by 1 − p: wrong)
"""

from fractions import Fraction

from normlab_vectors import NotApplicable, Surd, round_fraction


class Careful:
    def __init__(self, axis="channel", normalize_unbiased=False, running_var_biased=False, eps_outside=False,
                 momentum_inverted=False, dropout="divide"):
        self.axis, self.normalize_unbiased, self.running_var_biased = axis, normalize_unbiased, running_var_biased
        self.eps_outside, self.momentum_inverted, self.dropout_rule = eps_outside, momentum_inverted, dropout

    def __call__(self, case):
        ops = {"batchnorm": self.batchnorm, "layernorm": self.layer_or_group_norm,
               "groupnorm": self.layer_or_group_norm, "running-stats": self.running_stats, "dropout": self.dropout}
        if case.op not in ops:
            raise NotApplicable(f"no {case.op} here")
        return ops[case.op](case)

    # ------------------------------------------------------------------ tools

    @staticmethod
    def values(case, name):
        return [Fraction(v) for v in case.values(name)]

    @staticmethod
    def rounded(case, values):
        return [v if isinstance(v, float) else Surd.of(v).round(case.precision) for v in values]

    def statistics(self, xs):
        """mean and the variance used to normalise (biased, or m − 1 with the swap)."""
        m = len(xs)
        mean = sum(xs, Fraction(0)) / m
        squares = sum(((v - mean) ** 2 for v in xs), Fraction(0))
        return mean, squares / (m - 1 if self.normalize_unbiased and m > 1 else m)

    def std(self, var, eps):
        return Surd.sqrt(var) + eps if self.eps_outside else Surd.sqrt(var + eps)

    def normalize(self, x, gamma, beta, dy, eps, groups, param_of):
        """Forward and backward over the index groups: per element y, dx, x̂; per group mean, var."""
        n = len(x)
        y, dx, xhat = [None] * n, [None] * n, [None] * n
        means, variances = [], []
        for members in groups:
            m = len(members)
            mean, var = self.statistics([x[i] for i in members])
            std = self.std(var, eps)
            if std == 0:                                  # 0/0, as IEEE arithmetic would give NaN
                for i in members:
                    y[i] = dx[i] = xhat[i] = float("nan")
                means.append(mean)
                variances.append(var)
                continue
            inv = 1 / std
            for i in members:
                xhat[i] = (x[i] - mean) * inv
                y[i] = gamma[param_of(i)] * xhat[i] + beta[param_of(i)]
            g = {i: dy[i] * gamma[param_of(i)] for i in members}
            sum_g = sum(g.values(), Fraction(0))
            sum_gx = sum((xhat[i] * g[i] for i in members), Surd(0))
            for i in members:
                dx[i] = inv * (m * g[i] - sum_g - xhat[i] * sum_gx) / m
            means.append(mean)
            variances.append(var)
        dgamma = [Surd(0) for _ in gamma]
        dbeta = [Fraction(0) for _ in gamma]
        for i in range(n):
            if isinstance(xhat[i], float):
                dgamma[param_of(i)] = float("nan")
            elif not isinstance(dgamma[param_of(i)], float):
                dgamma[param_of(i)] += dy[i] * xhat[i]
            dbeta[param_of(i)] += dy[i]
        return {"y": y, "dx": dx, "xhat": xhat, "mean": means, "var": variances, "dgamma": dgamma, "dbeta": dbeta}

    def running(self, spec, momentum, old, batch):
        """One exponential update by the convention's meaning of momentum (or the inverted one)."""
        weighs_new = (spec.momentum_weighs == "new") != self.momentum_inverted
        keep = 1 - momentum if weighs_new else momentum
        return keep * old + (1 - keep) * batch

    def fed(self, spec, var, m, eps):
        estimator = "biased" if self.running_var_biased else spec.running_var_estimator
        if estimator == "biased" or (estimator == "unbiasedOrBiasedAtOne" and m == 1):
            return var
        if estimator in ("unbiased", "unbiasedOrBiasedAtOne"):
            return var * Fraction(m, m - 1)
        return var * m / (m - 1 - eps)                                     # keras2

    # ------------------------------------------------------------ operations

    def batchnorm(self, case):
        shape = case.shape("x")
        x, gamma, beta, dy = (self.values(case, n) for n in ("x", "gamma", "beta", "dy"))
        mean0, var0 = self.values(case, "running_mean"), self.values(case, "running_var")
        eps, spec = case.exact_param("eps"), case.convention_spec
        n, c = shape[0], shape[1]
        inner = len(x) // (n * c)
        if case.word("mode") == "eval":
            out = {"y": [], "dx": []}
            for i, v in enumerate(x):
                k = (i // inner) % c
                inv = 1 / self.std(var0[k], eps)
                out["y"].append(gamma[k] * (v - mean0[k]) * inv + beta[k])
                out["dx"].append(gamma[k] * dy[i] * inv)
            return {field: self.rounded(case, values) for field, values in out.items()}
        if self.axis == "features":                       # one group per sample: the wrong axis
            groups = [[b * c * inner + j for j in range(c * inner)] for b in range(n)]
        elif self.axis == "batch-only":                   # each (channel, position) over the batch alone
            groups = [[(b * c + k) * inner + j for b in range(n)] for k in range(c) for j in range(inner)]
        else:
            groups = [[(b * c + k) * inner + j for b in range(n) for j in range(inner)] for k in range(c)]
        out = self.normalize(x, gamma, beta, dy, eps, groups, lambda i: (i // inner) % c)
        m = n * inner
        if self.axis == "channel":
            means, variances = out["mean"], [self.statistics_biased(x, g) for g in groups]
            out["running_mean"] = [self.running(spec, case.exact_param("momentum"), r, b)
                                   for r, b in zip(mean0, means)]
            out["running_var"] = [self.running(spec, case.exact_param("momentum"), r, self.fed(spec, v, m, eps))
                                  for r, v in zip(var0, variances)]
        else:
            out.pop("mean")
            out.pop("var")
        return {field: self.rounded(case, values) for field, values in out.items()}

    @staticmethod
    def statistics_biased(x, members):
        values = [x[i] for i in members]
        mean = sum(values, Fraction(0)) / len(values)
        return sum(((v - mean) ** 2 for v in values), Fraction(0)) / len(values)

    def layer_or_group_norm(self, case):
        shape = case.shape("x")
        x, gamma, beta, dy = (self.values(case, n) for n in ("x", "gamma", "beta", "dy"))
        eps = case.exact_param("eps")
        if case.op == "layernorm":
            size = len(gamma)
            groups = [list(range(k * size, (k + 1) * size)) for k in range(len(x) // size)]
            param_of = lambda i: i % size                                          # noqa: E731
        else:
            g, (n, c) = case.int_param("groups"), shape[:2]
            per_sample, inner = len(x) // n, len(x) // (n * c)
            size = per_sample // g
            groups = [list(range(b * per_sample + k * size, b * per_sample + (k + 1) * size))
                      for b in range(n) for k in range(g)]
            param_of = lambda i: (i // inner) % c                                  # noqa: E731
        out = self.normalize(x, gamma, beta, dy, eps, groups, param_of)
        return {field: self.rounded(case, values) for field, values in out.items()}

    def running_stats(self, case):
        spec = case.convention_spec
        shape = case.shape("batches")
        batches = self.values(case, "batches")
        k, c = shape[0], shape[2]
        per_batch = len(batches) // k
        inner = per_batch // (shape[1] * c)
        m = shape[1] * inner
        eps, f = case.exact_param("eps"), case.exact_param("momentum")
        seen = case.int_param("batches_seen", 0)
        mean, var = self.values(case, "running_mean"), self.values(case, "running_var")
        std_averaged = spec.averaged == "standardDeviation"
        spread = [Surd.sqrt(v) for v in var] if std_averaged else list(var)
        totals = ([v * seen for v in mean], [v * seen for v in spread])
        scale = sum((f ** j for j in range(seen)), Fraction(0))
        sums = ([v * scale for v in mean], [v * scale for v in spread])
        for b in range(k):
            for ch in range(c):
                members = [b * per_batch + (i * c + ch) * inner + j for i in range(shape[1]) for j in range(inner)]
                bm = sum((batches[i] for i in members), Fraction(0)) / m
                bv = sum(((batches[i] - bm) ** 2 for i in members), Fraction(0)) / m
                fed = self.fed(spec, bv, m, eps)
                new = (bm, Surd.sqrt(fed) if std_averaged else fed)
                for which, (current, statistic) in enumerate(((mean, new[0]), (spread, new[1]))):
                    if spec.averaging == "exponential":
                        current[ch] = self.running(spec, f, current[ch], statistic)
                    elif spec.averaging == "cumulative":
                        totals[which][ch] = totals[which][ch] + statistic
                        current[ch] = totals[which][ch] / (seen + b + 1)
                    else:                                   # Caffe: s ← B + f·s over n ← f·n + 1
                        sums[which][ch] = statistic + f * sums[which][ch]
                        current[ch] = sums[which][ch] / sum((f ** j for j in range(seen + b + 1)), Fraction(0))
        running_var = [Surd.of(s) * s for s in spread] if std_averaged else spread
        out = {"running_mean": mean, "running_var": running_var}
        if case.has_input("x") and (not std_averaged or eps == 0):
            x = self.values(case, "x")
            gamma, beta = self.values(case, "gamma"), self.values(case, "beta")
            x_inner = len(x) // (case.shape("x")[0] * c)
            y = []
            for i, v in enumerate(x):
                ch = (i // x_inner) % c
                if std_averaged:
                    std = Surd.of(spread[ch])
                elif spec.eps_placement == "inside":
                    std = Surd.sqrt(Surd.of(running_var[ch]).rational() + eps)
                else:
                    std = Surd.sqrt(Surd.of(running_var[ch]).rational()) + eps
                y.append(gamma[ch] * (v - mean[ch]) / std + beta[ch])
            out["y"] = y
        return {field: self.rounded(case, values) for field, values in out.items()}

    def dropout(self, case):
        fmt = case.precision

        def fl(q):
            return Fraction(round_fraction(Fraction(q), fmt))

        x, dy = self.values(case, "x"), self.values(case, "dy")
        p = case.exact_param("p")
        variant, train = case.word("variant", "inverted"), case.word("mode", "train") == "train"
        if not train:
            factor = Fraction(1) if variant == "inverted" else fl(1 - p)
            return {"y": [float(fl(factor * v)) for v in x], "dx": [float(fl(factor * v)) for v in dy]}
        mask = self.values(case, "mask")
        if len(mask) != len(x):
            mask = [v for v in mask for _ in range(len(x) // len(mask))]
        keep = fl(1 - p)
        if variant == "plain":
            scaled = lambda v: v                                                   # noqa: E731
        elif self.dropout_rule == "divide":
            scaled = lambda v: fl(v / keep)                                        # noqa: E731
        elif self.dropout_rule == "reciprocal":
            reciprocal = fl(1 / keep)
            scaled = lambda v: fl(v * reciprocal)                                  # noqa: E731
        else:
            scaled = lambda v: fl(v * keep)                                        # noqa: E731
        return {"y": [float(scaled(k * v)) for k, v in zip(mask, x)],
                "dx": [float(scaled(k * v)) for k, v in zip(mask, dy)]}
