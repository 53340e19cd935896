"""Exact values for the vector checks: parsing, correct rounding, Q(sqrt(s)) and sums of surds.

Standard library only. An exact value is a list of terms (coefficient,
radicand) meaning the sum of coefficient*sqrt(radicand), radicand 1 for the
rational part.
"""

import math
import re
from fractions import Fraction
from functools import lru_cache
from math import gcd, isqrt

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

    Compare values this way, not strings: a radicand may hold the square of a
    prime above 1000, so one number can be written sqrt(2036162) or
    1009*sqrt(2). Merged radicands are pairwise non-square ratios, so their
    roots are linearly independent over the rationals and a zero value has
    only zero coefficients.
    """
    return all(c == 0 for c, _ in merge_terms(mine + [(-c, n) for c, n in theirs]))


def fsum(values):
    """Exact sum of QS/Fraction values."""
    total = QS(0)
    for v in values:
        total = total + v
    return total


# ------------------------------------------------------- sums of surds

SMALL_PRIMES = [p for p in range(2, 1000) if all(p % q for q in range(2, isqrt(p) + 1))]


@lru_cache(maxsize=None)
def square_split(n):
    """(k, r) with n = k²·r for an integer n >= 1, r free of small-prime squares and not a square > 1.

    Square factors made of primes above 1000 may remain in r; Surd merges
    such radicands by testing their ratios, so values stay canonical.
    """
    k = 1
    for p in SMALL_PRIMES:
        if p * p > n:
            break
        while n % (p * p) == 0:
            n //= p * p
            k *= p
    root = isqrt(n)
    if root * root == n:
        return k * root, 1
    return k, n


def coprime_base(numbers):
    """Pairwise coprime integers > 1 of which every number is a product (factor refinement by gcds)."""
    base = sorted({n for n in numbers if n > 1})
    changed = True
    while changed:
        changed = False
        for i, a in enumerate(base):
            for b in base[i + 1:]:
                g = gcd(a, b)
                if g > 1:
                    rest = [c for c in base if c not in (a, b)]
                    base = sorted(set(rest + [c for c in (g, a // g, b // g) if c > 1]))
                    changed = True
                    break
            if changed:
                break
    return base


class Surd:
    """An exact sum Σ c·√r: a dict from integer radicand r (1 for the rational part) to a Fraction c.

    Radicands are kept free of detectable square factors, and two radicands
    whose ratio is a square are merged, so the roots of the radicands present
    are linearly independent over the rationals: a Surd is zero exactly when
    it has no nonzero coefficient. Products and quotients stay exact;
    division uses conjugates over a coprime base of the divisor's radicands.
    """

    __slots__ = ("terms_",)

    def __init__(self, value=0):
        self.terms_ = {}
        if isinstance(value, Surd):
            self.terms_ = dict(value.terms_)
        elif isinstance(value, QS):
            self._put(1, value.a)
            if value.s is not None:
                self._put_root(value.s, value.b)
        else:
            self._put(1, Fraction(value))

    @staticmethod
    def sqrt(q):
        """√q for a rational q >= 0."""
        q = Fraction(q)
        if q < 0:
            raise ArithmeticError(f"square root of the negative {q}")
        result = Surd()
        result._put_root(Fraction(q.numerator * q.denominator), Fraction(1, q.denominator))
        return result

    def _put_root(self, n, c):
        """Add c·√n for a positive rational n."""
        n = Fraction(n)
        scaled = n.numerator * n.denominator                       # √(p/q) = √(pq)/q
        self._put_int_root(scaled, Fraction(c) / n.denominator)

    def _put_int_root(self, n, c):
        """Add c·√n for a positive integer n."""
        k, r = square_split(n)
        self._put(r, c * k)

    def _put(self, r, c):
        """Add c·√r for a radicand r already split; merge with a radicand of square ratio."""
        if c == 0:
            return
        if r not in self.terms_ and r != 1:
            for other in self.terms_:
                root = isqrt(r * other)
                if other != 1 and root * root == r * other:      # √r = (root/other)·√other
                    r, c = other, c * Fraction(root, other)
                    break
        total = self.terms_.get(r, Fraction(0)) + c
        if total:
            self.terms_[r] = total
        else:
            self.terms_.pop(r, None)

    @staticmethod
    def of(value):
        return value if isinstance(value, Surd) else Surd(value)

    def __add__(self, other):
        result = Surd(self)
        for r, c in Surd.of(other).terms_.items():
            result._put(r, c)
        return result

    __radd__ = __add__

    def __neg__(self):
        result = Surd()
        result.terms_ = {r: -c for r, c in self.terms_.items()}
        return result

    def __sub__(self, other):
        return self + (-Surd.of(other))

    def __rsub__(self, other):
        return (-self) + other

    def __mul__(self, other):
        if not isinstance(other, (Surd, QS)):
            factor = Fraction(other)
            result = Surd()
            result.terms_ = {r: c * factor for r, c in self.terms_.items()} if factor else {}
            return result
        result = Surd()
        for r1, c1 in self.terms_.items():
            for r2, c2 in Surd.of(other).terms_.items():
                g = gcd(r1, r2)                                      # √r1·√r2 = g·√(r1/g · r2/g)
                result._put_int_root((r1 // g) * (r2 // g), c1 * c2 * g)
        return result

    __rmul__ = __mul__

    def flip(self, base_element):
        """The conjugate that negates √b for one coprime-base element b (and fixes the others)."""
        result = Surd()
        for r, c in self.terms_.items():
            odd, n = 0, r
            while n % base_element == 0:
                n //= base_element
                odd ^= 1
            result.terms_[r] = -c if odd else c
        return result

    def inverse(self):
        """1/self, by multiplying with conjugates until the denominator is rational."""
        numerator, denominator = Surd(1), Surd(self)
        for b in coprime_base(self.terms_):
            conjugate = denominator.flip(b)
            numerator, denominator = numerator * conjugate, denominator * conjugate
        if any(r != 1 for r in denominator.terms_):
            raise ArithmeticError("conjugates did not rationalise a denominator")
        norm = denominator.terms_.get(1, Fraction(0))
        if norm == 0:
            raise ZeroDivisionError("division by an exact zero")
        result = numerator * (1 / norm)
        if (self * result).terms_ != {1: Fraction(1)}:
            raise ArithmeticError("conjugates did not give an inverse")
        return result

    def __truediv__(self, other):
        if not isinstance(other, (Surd, QS)):
            return self * (1 / Fraction(other))
        return self * Surd.of(other).inverse()

    def __rtruediv__(self, other):
        return Surd.of(other) * self.inverse()

    def is_zero(self):
        return not self.terms_

    def terms(self):
        """As [(coefficient, radicand)] like parse_exact."""
        return [(c, Fraction(r)) for r, c in sorted(self.terms_.items())] or [(Fraction(0), Fraction(1))]
