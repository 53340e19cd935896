"""How far computed floats are from a field's exact values, in the measures tolerances use.

vectors/README.md, "Tolerance policy": `exact` (every element is the
correctly rounded value), `ulp` (every element within `bound` floats of it),
`normwise` (‖computed − exact‖₂ / ‖exact‖₂ ≤ `bound`), and LRE (correct
significant digits, −log₁₀ of the relative error).

Readings this module makes where the README is silent (stated in the
package README too):

- Computed values are first rounded to the case's precision (a float64
  result for an f32 case is judged as the float32 it rounds to).
- ulp distance counts floats in IEEE order, +0 and −0 alike, ±inf just past
  the largest finite float; a NaN is at no finite distance (∞ ulp).
- normwise: differences are formed exactly and norms computed in rational
  arithmetic from 64-bit-accurate approximations, so neither overflows nor
  underflows (the near-overflow and subnormal cases stay measurable). When
  the exact tensor is zero the absolute norm ‖computed‖₂ is used. An
  element whose exact value rounds to ±inf (it exceeds the format's range)
  and that was computed as that same infinity is correctly rounded: it is
  judged elementwise and left out of both norms. Any other infinity, and any
  NaN, makes the normwise error infinite.
- Underflow: below the normal range a correctly rounded value is off by up
  to η/2 absolute (η the smallest subnormal: 2⁻¹⁰⁷⁴ f64, 2⁻¹⁴⁹ f32), which is
  no relative bound at all — the vectors' own subnormal values fail a
  literal normwise 8·u. So a normwise bound of c·u also admits what c
  roundings can cost under gradual underflow (the model fl(x) = x(1 + δ) + η'
  with |δ| ≤ u, |η'| ≤ η/2): a field passes when
  ‖computed − exact‖₂ ≤ c·u·‖exact‖₂ + c·(η/2)·√n. In the normal range the
  added term is below 10⁻³⁰⁰ and changes nothing.
- LRE is −log₁₀ of the normwise relative error, clipped to [0, the digits of
  the precision] (15.95 for f64, 7.22 for f32).
"""

import math
from fractions import Fraction
from math import isqrt

from .exact import FORMATS, Surd
from .floats import ulp_distance

__all__ = ["ElementError", "FieldMeasure", "measure", "accepts", "excess", "within_underflow_allowance", "lre_of"]

_APPROXIMATION_BITS = 64


class ElementError:
    """One element: where, the exact and correctly rounded expected value, what was received, how far."""

    __slots__ = ("index", "exact", "rounded", "received", "ulp", "difference")

    def __init__(self, index, exact, rounded, received, ulp, difference):
        self.index, self.exact, self.rounded, self.received = index, exact, rounded, received
        self.ulp, self.difference = ulp, difference            # difference: |received − exact| (float, may be inf)


class FieldMeasure:
    """The errors of one field of one case.

    max_ulp, normwise (relative; absolute when the exact tensor is zero), lre,
    the `worst` elements, and for the underflow allowance the norms
    ‖computed − exact‖₂ and ‖exact‖₂ (Fractions, None when an element is not
    finite) over `counted` elements.
    """

    __slots__ = ("max_ulp", "normwise", "lre", "worst", "size", "difference_norm", "exact_norm", "counted", "fmt")

    def __init__(self, max_ulp, normwise, lre, worst, size, difference_norm, exact_norm, counted, fmt):
        self.max_ulp, self.normwise, self.lre, self.worst, self.size = max_ulp, normwise, lre, worst, size
        self.difference_norm, self.exact_norm, self.counted, self.fmt = difference_norm, exact_norm, counted, fmt


def _sqrt(q):
    """√q for a Fraction q >= 0, as a Fraction with about 64 significant bits (exact enough, any magnitude)."""
    if q == 0:
        return Fraction(0)
    p, r = q.numerator, q.denominator
    shift = max(0, 64 - (p.bit_length() - r.bit_length()) // 2)
    return Fraction(isqrt((p << 2 * shift) // r), 1 << shift)


def _to_float(q):
    try:
        return float(q)
    except OverflowError:
        return math.inf


def smallest_subnormal(fmt):
    """η: 2⁻¹⁰⁷⁴ for f64, 2⁻¹⁴⁹ for f32."""
    precision, emin, _ = FORMATS[fmt]
    return Fraction(1, 1 << (precision - 1 - emin))


def _digits(fmt):
    return FORMATS[fmt][0] * math.log10(2)


def lre_of(relative_error, fmt):
    """Correct significant digits: −log₁₀ of a relative error, clipped to [0, the format's digits]."""
    digits = _digits(fmt)
    if relative_error == 0:
        return digits
    if not relative_error < math.inf:
        return 0.0
    return min(digits, max(0.0, -math.log10(relative_error)))


def measure(received, expected, fmt, rank="ulp", keep=3):
    """Measure received floats (already in `fmt`) against an expected `Tensor`.

    Returns a FieldMeasure with the largest ulp distance, the normwise
    relative error, its LRE and the `keep` worst elements, ranked by ulp
    (`rank="ulp"`) or by absolute difference (`rank="difference"`, what a
    normwise bound weighs).
    """
    exact, rounded = expected.exact, expected.floats(fmt)
    elements, max_ulp, nonfinite = [], 0, False
    difference_squares = exact_squares = Fraction(0)
    for position, (value, e, r) in enumerate(zip(received, exact, rounded)):
        distance = ulp_distance(value, r, fmt)
        max_ulp = max(max_ulp, distance)
        if math.isnan(value) or (math.isinf(value) and value != r):
            nonfinite = True
            difference = math.inf
        elif math.isinf(value):
            difference = 0.0                      # correctly rounded overflow: judged elementwise only
        else:
            d = (Surd(Fraction(value)) - e).approximate(_APPROXIMATION_BITS)
            m = e.approximate(_APPROXIMATION_BITS)
            difference_squares += d * d
            exact_squares += m * m
            difference = abs(float(d)) if abs(d) < 2 ** 1000 else math.inf
        elements.append(ElementError(expected.index(position), e, r, value, distance, difference))
    counted = sum(1 for el in elements if not math.isinf(el.received))
    if nonfinite:
        normwise, difference_norm, exact_norm = math.inf, None, None
    else:
        difference_norm, exact_norm = _sqrt(difference_squares), _sqrt(exact_squares)
        normwise = _to_float(_sqrt(difference_squares / exact_squares) if exact_squares > 0 else difference_norm)
    if rank == "ulp":
        elements.sort(key=lambda el: (el.ulp, el.difference), reverse=True)
    else:
        elements.sort(key=lambda el: (el.difference, el.ulp), reverse=True)
    return FieldMeasure(max_ulp, normwise, lre_of(normwise, fmt), elements[:keep], len(elements),
                        difference_norm, exact_norm, counted, fmt)


def _allowed(tolerance, result):
    """The largest ‖computed − exact‖₂ a normwise bound c·u admits: c·u·‖exact‖₂ (c·u when the exact
    tensor is zero: the absolute norm) plus c·(η/2)·√n for underflow. A Fraction."""
    bound = Fraction(tolerance.bound)
    roundings = bound / Fraction(1, 1 << FORMATS[result.fmt][0])               # c = bound / u
    allowance = roundings * smallest_subnormal(result.fmt) / 2 * _sqrt(Fraction(result.counted))
    return bound * (result.exact_norm if result.exact_norm > 0 else 1) + allowance


def excess(tolerance, result):
    """How many times its bound a field's error is (≤ 1 exactly when the field passes).

    exact and ulp: ulp / bound; normwise: ‖computed − exact‖₂ over the error the
    bound admits (see `_allowed`), which is normwise / bound away from underflow.
    """
    if tolerance.metric in ("exact", "ulp"):
        if tolerance.bound == 0:
            return 0.0 if result.max_ulp == 0 else math.inf
        return result.max_ulp / tolerance.bound
    if result.difference_norm is None:
        return math.inf
    allowed = _allowed(tolerance, result)
    if allowed == 0:
        return 0.0 if result.difference_norm == 0 else math.inf
    return _to_float(result.difference_norm / allowed)


def within_underflow_allowance(tolerance, result):
    """Whether a normwise field misses c·u relative yet passes by the underflow allowance."""
    return tolerance.metric == "normwise" and result.normwise > tolerance.bound and accepts(tolerance, result)


def accepts(tolerance, result):
    """Whether a FieldMeasure meets a Tolerance (normwise: with the underflow allowance)."""
    if tolerance.metric == "exact":
        return result.max_ulp == 0
    if tolerance.metric == "ulp":
        return result.max_ulp <= tolerance.bound
    return result.difference_norm is not None and result.difference_norm <= _allowed(tolerance, result)
