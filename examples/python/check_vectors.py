#!/usr/bin/env python3
"""Check NormLab's golden vectors from outside Swift.

    python3 check_vectors.py [VECTORS_DIR]

VECTORS_DIR defaults to the `vectors/` folder at the repository root. The
script

1. checks `manifest.json` (files exist, SHA-256, case counts) and, when the
   `jsonschema` package is importable, validates each family file against
   its JSON Schema;
2. parses every exact value (`a+b*sqrt(n)` sums) and checks that every
   `f64`/`f32` string is its correctly rounded value, decided with integer
   arithmetic only;
3. re-derives, from each case's inputs and params alone, the exact values of
   the ops it knows (batchnorm train/eval, layernorm, groupnorm, dropout) in
   Q(sqrt(s)) and compares them with the vectors exactly;
4. when numpy is installed, runs a plain numpy batch norm on each training
   case and reports its errors against the vectors' tolerances.

The core checks (1-3) use the standard library only. The last line reads
`N passed, M failed`, counting exact checks (one per value). Exit status:
0 all checks passed, 1 a check failed, 2 unreadable or malformed input.
"""

import argparse
import hashlib
import json
import math
import re
import struct
import sys
import time
from fractions import Fraction
from math import isqrt
from pathlib import Path


class InputError(Exception):
    """Unreadable or malformed input; the message names file, case and field."""


# ---------------------------------------------------------------- exact values

RATIONAL = r"-?[0-9]+(?:/[0-9]+)?"
TERM = re.compile(r"([+-]?)(?:([0-9]+(?:/[0-9]+)?)(?:\*sqrt\(([0-9]+(?:/[0-9]+)?)\))?|sqrt\(([0-9]+(?:/[0-9]+)?)\))")


def rational_sqrt(q):
    """The rational square root of q >= 0, or None when q is not a square."""
    rn, rd = isqrt(q.numerator), isqrt(q.denominator)
    if rn * rn == q.numerator and rd * rd == q.denominator:
        return Fraction(rn, rd)
    return None


def parse_exact(text):
    """Parse `a+b*sqrt(n)-...` into [(coefficient, radicand)], radicand 1 for rationals.

    Square radicands are folded into the rational part, so every remaining
    radicand is irrational. Raises ValueError on a string outside the grammar.
    """
    terms, pos = [], 0
    while pos < len(text):
        match = TERM.match(text, pos)
        if not match or (pos > 0 and not match.group(1)):
            raise ValueError(f"{text!r} is not an exact value (a+b*sqrt(n) grammar)")
        sign, coeff, rad1, rad2 = match.groups()
        c = Fraction(coeff) if coeff is not None else Fraction(1)
        c = -c if sign == "-" else c
        radicand = Fraction(rad1 or rad2 or 1)
        if radicand <= 0:
            raise ValueError(f"{text!r} has a radicand that is not positive")
        root = rational_sqrt(radicand)
        terms.append((c * root, Fraction(1)) if root is not None else (c, radicand))
        pos = match.end()
    if not terms:
        raise ValueError("empty exact value")
    return terms


def is_rational(terms):
    """True when every term is rational (radicand 1)."""
    return all(n == 1 for _, n in terms)


def rational_value(terms):
    """The value of a rational term list."""
    return sum((c for c, _ in terms), Fraction(0))


# ----------------------------------------------------------- correct rounding

# precision p (significand bits), minimum normal exponent, maximum exponent
FORMATS = {"f64": (53, -1022, 1023), "f32": (24, -126, 127)}


def floor_log2(q):
    """floor(log2(q)) for a Fraction q > 0, by integer comparisons."""
    e = q.numerator.bit_length() - q.denominator.bit_length()
    if e >= 0:
        if q.numerator < q.denominator << e:
            e -= 1
    elif q.numerator << -e < q.denominator:
        e -= 1
    return e


def round_fraction(q, fmt):
    """Round q to the format, ties to even: (negative, magnitude) with magnitude a Fraction or None for infinity."""
    precision, emin, emax = FORMATS[fmt]
    negative, q = q < 0, abs(q)
    if q == 0:
        return (negative, Fraction(0))
    quantum = max(floor_log2(q), emin) - (precision - 1)   # value of the last significand bit
    num, den = q.numerator, q.denominator
    if quantum >= 0:
        den <<= quantum
    else:
        num <<= -quantum
    n, rem = divmod(num, den)
    if 2 * rem > den or (2 * rem == den and n % 2 == 1):
        n += 1
    magnitude = Fraction(n) * Fraction(2) ** quantum
    if magnitude >= Fraction(2) ** (emax + 1):
        return (negative, None)
    return (negative, magnitude)


def enclose(terms, k):
    """Rationals lo <= value <= hi from k-bit integer square roots of each radicand."""
    lo = hi = Fraction(0)
    for c, n in terms:
        if n == 1:
            lo, hi = lo + c, hi + c
            continue
        r = isqrt(n.numerator * n.denominator << 2 * k)            # sqrt(p/q) = sqrt(pq)/q
        below, above = Fraction(r, n.denominator << k), Fraction(r + 1, n.denominator << k)
        a, b = c * below, c * above
        lo, hi = lo + min(a, b), hi + max(a, b)
    return lo, hi


def round_exact(terms, fmt):
    """Correctly rounded value of an exact value, refining the enclosure until both ends agree."""
    if is_rational(terms):
        return round_fraction(rational_value(terms), fmt)
    k = 64
    while k <= 1 << 16:
        lo, hi = enclose(terms, k)
        low, high = round_fraction(lo, fmt), round_fraction(hi, fmt)
        if low == high:
            return low
        k *= 2
    raise ArithmeticError("rounding not decided at 65536 bits")


def parse_float(text):
    """A hex-float string as (negative, magnitude) like round_fraction; None for nan."""
    value = float.fromhex(text)
    if math.isnan(value):
        return None
    negative = math.copysign(1.0, value) < 0
    return (negative, None if math.isinf(value) else Fraction(abs(value)))


def to_float(rounded):
    """A (negative, magnitude) pair as a Python float."""
    negative, magnitude = rounded
    value = math.inf if magnitude is None else float(magnitude)
    return -value if negative else value


# ---------------------------------------------------------------- Q(sqrt(s))

class QS:
    """a + b*sqrt(s) with a, b rational and s a fixed non-square radicand (None: just a)."""

    __slots__ = ("a", "b", "s")

    def __init__(self, a, b=Fraction(0), s=None):
        self.a, self.b, self.s = Fraction(a), Fraction(b), s

    @staticmethod
    def sqrt(s):
        """sqrt(s) for rational s >= 0, rational when s is a square."""
        root = rational_sqrt(s)
        return QS(root) if root is not None else QS(0, 1, s)

    def _join(self, other):
        other = other if isinstance(other, QS) else QS(other)
        if self.s is not None and other.s is not None and self.s != other.s:
            raise ArithmeticError("mixing two radicands")
        return other, self.s if self.s is not None else other.s

    def __add__(self, other):
        other, s = self._join(other)
        return QS(self.a + other.a, self.b + other.b, s)

    __radd__ = __add__

    def __neg__(self):
        return QS(-self.a, -self.b, self.s)

    def __sub__(self, other):
        return self + (-(other if isinstance(other, QS) else QS(other)))

    def __rsub__(self, other):
        return (-self) + other

    def __mul__(self, other):
        other, s = self._join(other)
        sq = s if s is not None else 0
        return QS(self.a * other.a + self.b * other.b * sq, self.a * other.b + self.b * other.a, s)

    __rmul__ = __mul__

    def __truediv__(self, other):
        other, s = self._join(other)
        sq = s if s is not None else 0
        norm = other.a * other.a - other.b * other.b * sq        # (c + d√s)(c − d√s)
        if norm == 0:
            raise ZeroDivisionError("division by zero in Q(sqrt(s))")
        conjugate = QS(other.a / norm, -other.b / norm, s)
        return self * conjugate

    def __rtruediv__(self, other):
        return QS(other) / self

    def terms(self):
        """As [(coefficient, radicand)] like parse_exact."""
        return [(self.a, Fraction(1))] + ([(self.b, self.s)] if self.s is not None and self.b else [])


def merge_terms(terms):
    """Combine terms whose radicands differ by a rational square factor (c*sqrt(n) = c*r*sqrt(m) when n = r^2 m)."""
    merged = []
    for c, n in terms:
        for k, (c2, n2) in enumerate(merged):
            ratio = rational_sqrt(n / n2)
            if ratio is not None:
                merged[k] = (c2 + c * ratio, n2)
                break
        else:
            merged.append((c, n))
    return merged


def equal_values(mine, theirs):
    """Exact equality of two term lists: their difference merges to all-zero coefficients.

    Merged radicands are pairwise non-square ratios, so their roots are linearly
    independent over the rationals and a zero value has only zero coefficients.
    """
    return all(c == 0 for c, _ in merge_terms(mine + [(-c, n) for c, n in theirs]))


def fsum(values):
    """Exact sum of QS/Fraction values."""
    total = QS(0)
    for v in values:
        total = total + v
    return total


# ------------------------------------------------------------ reading cases

class Case:
    """One case with its parsed exact values (parsed on demand, errors named)."""

    def __init__(self, path, data, precision):
        self.path, self.data, self.precision = path, data, precision
        self.id = data.get("id", "?")
        self.params = data.get("params", {})
        self.flags = data.get("flags", [])

    def fail(self, field, message):
        return InputError(f"{self.path}: case {self.id}, field {field}: {message}")

    def tensor(self, section, name):
        tensor = self.data.get(section, {}).get(name)
        if not isinstance(tensor, dict) or "exact" not in tensor or "shape" not in tensor:
            raise self.fail(f"{section}.{name}", "missing or not a tensor")
        return tensor

    def exact(self, section, name):
        """[(terms)] of a tensor's exact column."""
        out = []
        for i, text in enumerate(self.tensor(section, name)["exact"]):
            try:
                out.append(parse_exact(text))
            except (ValueError, ZeroDivisionError) as error:
                raise self.fail(f"{section}.{name}[{i}]", error) from None
        return out

    def rationals(self, name):
        """An input tensor as (shape, [Fraction])."""
        values = []
        for i, terms in enumerate(self.exact("inputs", name)):
            if not is_rational(terms):
                raise self.fail(f"inputs.{name}[{i}]", "an input must be rational")
            values.append(rational_value(terms))
        return self.tensor("inputs", name)["shape"], values

    def param(self, name, default=None):
        """A rational parameter."""
        text = self.params.get(name)
        if text is None:
            if default is None:
                raise self.fail(f"params.{name}", "missing")
            return Fraction(default)
        try:
            return Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise self.fail(f"params.{name}", f"{text!r} is not a rational") from None


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
    """dgamma = Σ dy·x̂ and dbeta = Σ dy per affine parameter, as term lists (x̂ may mix radicands)."""
    dgamma, dbeta = [[] for _ in range(count)], [Fraction(0)] * count
    for i, v in enumerate(xhat):
        dgamma[param_of(i)] += (dy[i] * v).terms()
        dbeta[param_of(i)] += dy[i]
    return [merge_terms(t) for t in dgamma], dbeta


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
    _, dy = case.rationals("dy") if "dy" in case.data.get("inputs", {}) else (shape, [Fraction(1)] * len(x))
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


def derive_dropout(case):
    """Dropout with a given 0/1 mask: inverted or plain, train or eval, element or channel mask."""
    shape, x = case.rationals("x")
    _, dy = case.rationals("dy") if "dy" in case.data.get("inputs", {}) else (shape, [Fraction(1)] * len(x))
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
    if train and case.tensor("inputs", "mask")["shape"] != shape:
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


DERIVERS = {"batchnorm": derive_batchnorm, "layernorm": derive_group_norm,
            "groupnorm": derive_group_norm, "dropout": derive_dropout,
            "dropout-regression": derive_dropout_regression}


# ---------------------------------------------------------------- checking

class Stats:
    """Counters of one family."""

    def __init__(self):
        self.cases = 0
        self.derived_ok = self.derived_failed = self.derived_skipped = 0
        self.skipped_fields = set()
        self.rounding_ok = self.rounding_failed = 0
        self.numpy = {}          # field -> [worst ulp, worst normwise, within, exceeded-expected, exceeded]


def check_rounding(case, stats, failures):
    """Every f64/f32 string must be the correctly rounded exact value; inputs and params exact."""
    for section in ("inputs", "intermediates", "outputs"):
        for name in case.data.get(section, {}):
            tensor, exact = case.tensor(section, name), case.exact(section, name)
            for fmt in ("f64", "f32"):
                if fmt not in tensor:
                    continue
                if len(tensor[fmt]) != len(exact) or len(exact) != math.prod(tensor["shape"]):
                    raise case.fail(f"{section}.{name}.{fmt}", "length does not match the shape")
                for i, (terms, text) in enumerate(zip(exact, tensor[fmt])):
                    try:
                        given = parse_float(text)
                    except ValueError:
                        raise case.fail(f"{section}.{name}.{fmt}[{i}]", f"{text!r} is not a hex float") from None
                    wanted = round_exact(terms, fmt)
                    exact_input = section != "inputs" or (is_rational(terms) and wanted[1] == abs(rational_value(terms)))
                    if given == wanted and exact_input:
                        stats.rounding_ok += 1
                        continue
                    stats.rounding_failed += 1
                    why = "not the correctly rounded value" if given != wanted else "input not exactly representable"
                    failures.append(f"{case.path}: {case.id} {section}.{name}[{i}] {fmt}: {why}: "
                                    f"file {text}, correct {float.hex(to_float(wanted))}")
    for name, text in case.params.items():
        try:
            value = Fraction(text)
        except (ValueError, ZeroDivisionError):
            continue                                   # a word parameter
        if round_fraction(value, case.precision)[1] == abs(value):
            stats.rounding_ok += 1
        else:
            stats.rounding_failed += 1
            failures.append(f"{case.path}: {case.id} params.{name}: {text} is not exactly representable in {case.precision}")


def as_terms(value):
    """A derived value (Fraction, QS or term list) as a term list."""
    if isinstance(value, list):
        return value
    return value.terms() if isinstance(value, QS) else [(Fraction(value), Fraction(1))]


def show(terms):
    """A term list as text (for messages)."""
    return "+".join(str(c) if n == 1 else f"{c}*sqrt({n})" for c, n in terms if c) or "0"


def check_derivation(case, stats, failures):
    """Compare the independently derived exact values with the vectors', field by field."""
    derive = DERIVERS.get(case.data.get("op"))
    derived = None
    if derive is not None:
        try:
            derived = derive(case)
        except (ZeroDivisionError, ArithmeticError) as error:
            failures.append(f"{case.path}: {case.id}: cannot re-derive: {error}")
            stats.derived_failed += 1
            return
    for section in ("intermediates", "outputs"):
        for name in case.data.get(section, {}):
            if derived is None or name not in derived:
                stats.derived_skipped += 1
                stats.skipped_fields.add(f"{case.data.get('op')}:{name}")
                continue
            exact, mine = case.exact(section, name), derived[name]
            if len(mine) != len(exact):
                stats.derived_failed += 1
                failures.append(f"{case.path}: {case.id} {section}.{name}: {len(exact)} values, derived {len(mine)}")
                continue
            for i, (terms, value) in enumerate(zip(exact, mine)):
                if equal_values(as_terms(value), terms):
                    stats.derived_ok += 1
                else:
                    stats.derived_failed += 1
                    failures.append(f"{case.path}: {case.id} {section}.{name}[{i}]: file "
                                    f"{case.tensor(section, name)['exact'][i]}, derived {show(as_terms(value))}")


# ------------------------------------------------------ numpy (optional)

NAIVE_FLAGS = ("huge-offset", "near-overflow", "subnormal")


def numpy_batchnorm(np, case, dtype):
    """A plain two-pass batch norm in numpy, forward and backward, in the given dtype."""
    def load(name):
        tensor = case.tensor("inputs", name)
        values = [float.fromhex(s) for s in tensor[case.precision]]
        return np.array(values, dtype=dtype).reshape(tensor["shape"])
    x, gamma, beta, dy = load("x"), load("gamma"), load("beta"), load("dy")
    eps, f = dtype(float(case.param("eps"))), dtype(float(case.param("momentum")))
    axes = (0,) + tuple(range(2, x.ndim))
    view = (1, -1) + (1,) * (x.ndim - 2)
    m = x.size // x.shape[1]
    with np.errstate(all="ignore"):
        mean = x.mean(axis=axes)
        centered = x - mean.reshape(view)
        var = (centered * centered).mean(axis=axes)
        inv_std = 1 / np.sqrt(var + eps)
        xhat = centered * inv_std.reshape(view)
        y = gamma.reshape(view) * xhat + beta.reshape(view)
        dbeta = dy.sum(axis=axes)
        dgamma = (dy * xhat).sum(axis=axes)
        dx = (gamma * inv_std / m).reshape(view) * (m * dy - dbeta.reshape(view) - xhat * dgamma.reshape(view))
        if case.params.get("convention", "pytorch") == "pytorch":
            unbiased = var * dtype(m / (m - 1)) if m > 1 else var * np.nan
            running_mean = (1 - f) * load("running_mean") + f * mean
            running_var = (1 - f) * load("running_var") + f * unbiased
        else:
            running_mean = f * load("running_mean") + (1 - f) * mean
            running_var = f * load("running_var") + (1 - f) * var
    return {"mean": mean, "var": var, "xhat": xhat, "y": y, "dx": dx, "dgamma": dgamma, "dbeta": dbeta,
            "running_mean": running_mean, "running_var": running_var}


def ordered_bits(value, fmt):
    """An integer that orders floats like the reals, so ulp distance is a difference."""
    if fmt == "f64":
        bits = struct.unpack("<q", struct.pack("<d", value))[0]
        return bits if bits >= 0 else -(bits & 0x7FFFFFFFFFFFFFFF)
    bits = struct.unpack("<i", struct.pack("<f", value))[0]
    return bits if bits >= 0 else -(bits & 0x7FFFFFFF)


def errors_against(case, name, computed):
    """(max ulp, normwise relative error) of computed values against a field's exact values.

    ulp: distance to the vectors' correctly rounded value in the case precision;
    normwise: ||computed - exact|| / ||exact|| with each difference formed exactly
    and rounded once (the absolute norm when the exact tensor is zero).
    """
    section = "outputs" if name in case.data["outputs"] else "intermediates"
    rounded_column = case.tensor(section, name)[case.precision]
    worst, differences, magnitudes = 0, [], []
    for value, terms, rounded in zip(computed, case.exact(section, name), rounded_column):
        value = float(value)
        if math.isnan(value):
            return math.inf, math.inf
        distance = ordered_bits(value, case.precision) - ordered_bits(float.fromhex(rounded), case.precision)
        worst = max(worst, abs(distance))
        if math.isinf(value):
            return worst, math.inf
        difference = round_exact([(Fraction(value), Fraction(1))] + [(-c, n) for c, n in terms], "f64")
        differences.append(to_float(difference))
        magnitudes.append(to_float(round_exact(terms, "f64")))
    norm = math.hypot(*magnitudes)
    return worst, (math.hypot(*differences) / norm if norm > 0 else math.hypot(*differences))


def check_numpy(np, case, stats, notes):
    """Run the numpy batch norm on a training case and judge each toleranced field."""
    dtype = np.float64 if case.precision == "f64" else np.float32
    computed = numpy_batchnorm(np, case, dtype)
    expected_flags = [f for f in case.flags if f in NAIVE_FLAGS]
    for name, tolerance in case.data.get("tolerance", {}).items():
        if name not in computed:
            continue
        worst, normwise = errors_against(case, name, computed[name].reshape(-1))
        bound = tolerance["bound"]
        within = {"ulp": worst <= bound, "exact": worst == 0}.get(tolerance["metric"], normwise <= bound)
        row = stats.numpy.setdefault(name, [0, 0.0, 0, 0, 0])
        row[0], row[1] = max(row[0], worst), max(row[1], normwise)
        if within:
            row[2] += 1
            continue
        label = f"expected for naive code ({', '.join(expected_flags)})" if expected_flags else "EXCEEDS the careful bound"
        row[3 if expected_flags else 4] += 1
        notes.append(f"  numpy {case.id} {name}: {worst} ulp, normwise {normwise:.3g}, "
                     f"bound {tolerance['metric']} {tolerance['rule']}: {label}")


# -------------------------------------------------------------- the tree

def sha256(path):
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_json(path):
    """Parse a JSON file, naming it on failure."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"{path}: unreadable: {error}") from None


def check_manifest(root):
    """Verify manifest.json against the files; return its file entries."""
    manifest = load_json(root / "manifest.json")
    entries = manifest.get("files")
    if not isinstance(entries, list):
        raise InputError(f"{root / 'manifest.json'}: no files list")
    if manifest.get("numberOfFiles", len(entries)) != len(entries):
        raise InputError(f"{root / 'manifest.json'}: numberOfFiles {manifest['numberOfFiles']} but {len(entries)} listed")
    total = 0
    for entry in entries:
        path = root / entry["path"]
        if not path.is_file():
            raise InputError(f"{path}: listed in manifest.json but missing")
        if sha256(path) != entry["sha256"]:
            raise InputError(f"{path}: SHA-256 does not match manifest.json")
        schema = root / entry.get("schema", "")
        if "schemaSha256" in entry and (not schema.is_file() or sha256(schema) != entry["schemaSha256"]):
            raise InputError(f"{schema}: missing or SHA-256 does not match manifest.json")
        total += entry["numberOfTests"]
    if manifest.get("numberOfTests", total) != total:
        raise InputError(f"{root / 'manifest.json'}: numberOfTests {manifest['numberOfTests']} but files sum to {total}")
    return entries


def validate_schema(root, path, data, validator_class):
    """Validate a family file against its JSON Schema (jsonschema package)."""
    schema = load_json(root / data.get("schema", ""))
    errors = sorted(validator_class(schema).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        where = list(errors[0].absolute_path)
        case_id = data["testGroups"][where[1]]["tests"][where[3]].get("id") if where[:1] == ["testGroups"] and len(where) > 3 else None
        raise InputError(f"{path}: {'case ' + str(case_id) + ', ' if case_id else ''}"
                         f"schema violation at {'/'.join(map(str, where))}: {errors[0].message[:200]}")


def family_cases(path, data, entry):
    """The cases of a family file, checking the declared counts."""
    cases = [Case(entry["path"], test, group.get("precision", "f64"))
             for group in data.get("testGroups", []) for test in group.get("tests", [])]
    for declared in (data.get("numberOfTests"), entry.get("numberOfTests")):
        if declared != len(cases):
            raise InputError(f"{path}: numberOfTests {declared} but the file holds {len(cases)} cases")
    return cases


def print_summary(families, has_numpy):
    """One row per family, then the numpy errors per family and field."""
    print(f"\n{'family':<24}{'cases':>6}{'derived ok':>12}{'failed':>8}{'skipped':>9}{'rounding ok':>13}{'failed':>8}")
    for family, stats in families.items():
        print(f"{family:<24}{stats.cases:>6}{stats.derived_ok:>12}{stats.derived_failed:>8}{stats.derived_skipped:>9}"
              f"{stats.rounding_ok:>13}{stats.rounding_failed:>8}")
    skipped = sorted(set().union(*(s.skipped_fields for s in families.values())))
    if skipped:
        print(f"not re-derived (counted as skipped): {', '.join(skipped)}")
    if not has_numpy:
        print("\nnumpy not importable: the numpy comparison is skipped")
        return
    print("\nnumpy batch norm (two-pass, in the case's precision) against the exact values:")
    print(f"{'family':<24}{'field':<14}{'max ulp':>22}{'max normwise':>14}  within / over (expected, naive) / over")
    for family, stats in families.items():
        for name, (worst, normwise, within, expected, exceeded) in stats.numpy.items():
            print(f"{family:<24}{name:<14}{worst:>22}{normwise:>14.3g}  {within} / {expected} / {exceeded}")


def main():
    """Run every check; return the exit status."""
    default = Path(__file__).resolve().parents[2] / "vectors"
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("vectors", nargs="?", default=default, type=Path, help="the vectors/ folder")
    root = parser.parse_args().vectors
    started = time.perf_counter()
    try:
        import jsonschema
        validator_class = jsonschema.Draft202012Validator
    except ImportError:
        validator_class = None
        print("jsonschema not importable: schema validation skipped")
    try:
        import numpy as np
    except ImportError:
        np = None
    families, failures, notes = {}, [], []
    try:
        for entry in check_manifest(root):
            path = root / entry["path"]
            data = load_json(path)
            if validator_class is not None:
                validate_schema(root, path, data, validator_class)
            stats = families.setdefault(data.get("family", entry["path"]), Stats())
            for case in family_cases(path, data, entry):
                stats.cases += 1
                check_rounding(case, stats, failures)
                check_derivation(case, stats, failures)
                if np is not None and case.data.get("op") == "batchnorm" and case.params.get("mode") == "train":
                    check_numpy(np, case, stats, notes)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"manifest: {len(families)} files, SHA-256 and case counts ok"
          + ("; schemas ok" if validator_class is not None else ""))
    print_summary(families, np is not None)
    if notes:
        print("\nnumpy fields outside their tolerance:")
        print("\n".join(notes))
    if failures:
        print("\nDISAGREEMENTS:")
        print("\n".join(failures))
    passed = sum(s.derived_ok + s.rounding_ok for s in families.values())
    failed = sum(s.derived_failed + s.rounding_failed for s in families.values())
    print(f"\ntime {time.perf_counter() - started:.1f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
