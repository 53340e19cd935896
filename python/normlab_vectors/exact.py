"""Exact real numbers of the vectors: rationals and sums of square roots.

Every exact value in a vector file is ``a + Σ cᵢ·√nᵢ`` with rational a, cᵢ and
positive integer radicands nᵢ (vectors/README.md, "Exact values"). `Surd`
holds such a value exactly, does arithmetic on it, compares two of them
exactly (integer square roots refined until the sign is decided), and rounds
it correctly to float64 or float32. This module is the one place the Python
code of the repository reads the exact-value strings.
"""

import re
from fractions import Fraction
from functools import lru_cache
from math import gcd, isqrt

from .errors import VectorsError

__all__ = ["Surd", "parse_exact", "canonical_problems", "rational_sqrt", "FORMATS", "round_fraction"]

# precision p (significand bits with the hidden one), minimum normal exponent, maximum exponent
FORMATS = {"f64": (53, -1022, 1023), "f32": (24, -126, 127)}

_RATIONAL = r"[0-9]+(?:/[0-9]+)?"
_TERM = re.compile(rf"([+-]?)(?:({_RATIONAL})(?:\*sqrt\(({_RATIONAL})\))?|sqrt\(({_RATIONAL})\))")

# Rounding refines enclosures up to this many bits before giving up (never reached in practice:
# an irrational value is not a rounding boundary, so some finite precision decides it).
_MAX_BITS = 1 << 16


def rational_sqrt(q):
    """The rational square root of a Fraction q >= 0, or None when q is not a square."""
    rn, rd = isqrt(q.numerator), isqrt(q.denominator)
    if rn * rn == q.numerator and rd * rd == q.denominator:
        return Fraction(rn, rd)
    return None


_SMALL_PRIMES = [p for p in range(2, 1000) if all(p % q for q in range(2, isqrt(p) + 1))]


@lru_cache(maxsize=4096)
def _square_split(n):
    """(k, r) with n = k²·r for an integer n >= 1, r free of the squares of primes below 1000.

    r == 1 when n is a perfect square. Square factors made of larger primes may
    remain in r; `Surd` merges such radicands by testing their ratios, so a
    value still has one representation up to that merging.
    """
    k = 1
    for p in _SMALL_PRIMES:
        if p * p > n:
            break
        while n % (p * p) == 0:
            n //= p * p
            k *= p
    root = isqrt(n)
    if root * root == n:
        return k * root, 1
    return k, n


def _coprime_base(numbers):
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


def round_fraction(q, fmt):
    """The float nearest a Fraction q in format fmt ("f64" or "f32"), ties to even.

    Subnormals included; overflow gives ±inf; a negative value that rounds to
    zero gives -0.0. The result is a Python float (a float32 value is held
    exactly in a float).
    """
    precision, emin, emax = FORMATS[fmt]
    negative, q = q < 0, abs(q)
    if q == 0:
        return -0.0 if negative else 0.0
    quantum = max(_floor_log2(q), emin) - (precision - 1)       # value of the last significand bit
    num, den = q.numerator, q.denominator
    if quantum >= 0:
        den <<= quantum
    else:
        num <<= -quantum
    n, rem = divmod(num, den)
    if 2 * rem > den or (2 * rem == den and n % 2 == 1):
        n += 1
    if n.bit_length() + quantum > emax + 1:                       # n·2^quantum >= 2^(emax+1)
        return float("-inf") if negative else float("inf")
    value = float(Fraction(n) * Fraction(2) ** quantum) if n else 0.0
    return -value if negative else value


def _floor_log2(q):
    """floor(log2(q)) for a Fraction q > 0, by integer comparisons."""
    e = q.numerator.bit_length() - q.denominator.bit_length()
    if e >= 0:
        if q.numerator < q.denominator << e:
            e -= 1
    elif q.numerator << -e < q.denominator:
        e -= 1
    return e


class Surd:
    """An exact real number a + Σ cᵢ·√rᵢ: rational a, cᵢ and integer radicands rᵢ >= 2.

    Radicands are kept free of the squares of small primes, and two radicands
    whose ratio is a square are merged, so the roots present are linearly
    independent over the rationals: the value is zero exactly when no
    coefficient is left, `==` is value equality, and the sign of a nonzero
    value is found by enclosing each root between integer square roots until
    the enclosure excludes zero. Products and quotients stay exact; division
    multiplies by conjugates over a coprime base of the divisor's radicands.
    """

    __slots__ = ("_terms",)

    def __init__(self, value=0):
        self._terms = {}                                          # radicand (1: rational part) → Fraction
        if isinstance(value, Surd):
            self._terms = dict(value._terms)
        elif isinstance(value, str):
            self._terms = dict(Surd.parse(value)._terms)
        elif isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError(f"{value} is not a finite number")
            self._put(1, Fraction(value))
        else:
            self._put(1, Fraction(value))

    # ------------------------------------------------------------ construction

    @staticmethod
    def parse(text):
        """Read a value in the vectors' grammar (`-3/7`, `1/2+3/8*sqrt(10)`, `-sqrt(2)`).

        Raises VectorsError naming the text when it is outside the grammar or
        a denominator or radicand is zero.
        """
        return _parse_cached(text)

    @staticmethod
    def sqrt(q):
        """√q for a rational q >= 0 (rational when q is a square)."""
        q = Fraction(q)
        if q < 0:
            raise ValueError(f"square root of the negative {q}")
        result = Surd()
        result._put_root(q.numerator * q.denominator, Fraction(1, q.denominator))   # √(p/q) = √(pq)/q
        return result

    @staticmethod
    def of(value):
        return value if isinstance(value, Surd) else Surd(value)

    def _put_root(self, n, c):
        """Add c·√n for a positive integer n."""
        k, r = _square_split(n)
        self._put(r, c * k)

    def _put(self, r, c):
        """Add c·√r for a radicand r already split; merge with a radicand of square ratio."""
        if c == 0:
            return
        if r not in self._terms and r != 1:
            for other in self._terms:
                root = isqrt(r * other)
                if other != 1 and root * root == r * other:      # √r = (root/other)·√other
                    r, c = other, c * Fraction(root, other)
                    break
        total = self._terms.get(r, Fraction(0)) + c
        if total:
            self._terms[r] = total
        else:
            self._terms.pop(r, None)

    # ------------------------------------------------------------- inspection

    def terms(self):
        """[(coefficient, radicand)] with radicand 1 for the rational part, sorted by radicand."""
        return [(c, r) for r, c in sorted(self._terms.items())]

    def is_zero(self):
        return not self._terms

    def is_rational(self):
        return all(r == 1 for r in self._terms)

    def rational(self):
        """The value as a Fraction; ValueError when it is irrational."""
        if not self.is_rational():
            raise ValueError(f"{self} is irrational")
        return self._terms.get(1, Fraction(0))

    def rational_part(self):
        return self._terms.get(1, Fraction(0))

    # ------------------------------------------------------------- arithmetic

    def __add__(self, other):
        if not isinstance(other, (Surd, int, Fraction)):
            return NotImplemented
        result = Surd(self)
        for r, c in Surd.of(other)._terms.items():
            result._put(r, c)
        return result

    __radd__ = __add__

    def __neg__(self):
        result = Surd()
        result._terms = {r: -c for r, c in self._terms.items()}
        return result

    def __pos__(self):
        return self

    def __abs__(self):
        return -self if self.sign() < 0 else self

    def __sub__(self, other):
        if not isinstance(other, (Surd, int, Fraction)):
            return NotImplemented
        return self + (-Surd.of(other))

    def __rsub__(self, other):
        return (-self) + other

    def __mul__(self, other):
        if isinstance(other, (int, Fraction)):
            factor = Fraction(other)
            result = Surd()
            result._terms = {r: c * factor for r, c in self._terms.items()} if factor else {}
            return result
        if not isinstance(other, Surd):
            return NotImplemented
        result = Surd()
        for r1, c1 in self._terms.items():
            for r2, c2 in other._terms.items():
                g = gcd(r1, r2)                                      # √r1·√r2 = g·√(r1/g · r2/g)
                result._put_root((r1 // g) * (r2 // g), c1 * c2 * g)
        return result

    __rmul__ = __mul__

    def _flip(self, base_element):
        """The conjugate that negates √b for one coprime-base element b (and fixes the others)."""
        result = Surd()
        for r, c in self._terms.items():
            odd, n = 0, r
            while n % base_element == 0:
                n //= base_element
                odd ^= 1
            result._terms[r] = -c if odd else c
        return result

    def inverse(self):
        """1/self, by multiplying with conjugates until the denominator is rational."""
        if self.is_zero():
            raise ZeroDivisionError("division by an exact zero")
        numerator, denominator = Surd(1), Surd(self)
        for b in _coprime_base(self._terms):
            conjugate = denominator._flip(b)
            numerator, denominator = numerator * conjugate, denominator * conjugate
        if not denominator.is_rational() or denominator.is_zero():
            raise ArithmeticError(f"conjugates did not rationalise 1/({self})")
        return numerator * (1 / denominator.rational())

    def __truediv__(self, other):
        if isinstance(other, (int, Fraction)):
            return self * (1 / Fraction(other))
        if not isinstance(other, Surd):
            return NotImplemented
        return self * other.inverse()

    def __rtruediv__(self, other):
        return Surd.of(other) * self.inverse()

    def __pow__(self, exponent):
        if not isinstance(exponent, int) or exponent < 0:
            return NotImplemented
        result = Surd(1)
        for _ in range(exponent):
            result = result * self
        return result

    # ------------------------------------------------- enclosure and comparison

    def enclose(self, bits):
        """Rationals lo <= value <= hi from `bits`-bit integer square roots of each radicand."""
        lo = hi = Fraction(0)
        for r, c in self._terms.items():
            if r == 1:
                lo, hi = lo + c, hi + c
                continue
            root = isqrt(r << 2 * bits)
            below, above = Fraction(root, 1 << bits), Fraction(root + 1, 1 << bits)
            a, b = c * below, c * above
            lo, hi = lo + min(a, b), hi + max(a, b)
        return lo, hi

    def sign(self):
        """-1, 0 or 1, exactly."""
        if not self._terms:
            return 0
        if self.is_rational():
            return 1 if self._terms[1] > 0 else -1
        bits = 64
        while True:                      # terminates: a nonzero value's enclosure shrinks away from 0
            lo, hi = self.enclose(bits)
            if lo > 0:
                return 1
            if hi < 0:
                return -1
            bits *= 2

    def _compare(self, other):
        if not isinstance(other, (Surd, int, Fraction)):
            return NotImplemented
        return (self - other).sign()

    def __eq__(self, other):
        if isinstance(other, float):
            return other == other and abs(other) != float("inf") and self._compare(Fraction(other)) == 0
        result = self._compare(other)
        return result if result is NotImplemented else result == 0

    def __lt__(self, other):
        result = self._compare(other)
        return result if result is NotImplemented else result < 0

    def __le__(self, other):
        result = self._compare(other)
        return result if result is NotImplemented else result <= 0

    def __gt__(self, other):
        result = self._compare(other)
        return result if result is NotImplemented else result > 0

    def __ge__(self, other):
        result = self._compare(other)
        return result if result is NotImplemented else result >= 0

    def __hash__(self):
        # Equal values have equal rational parts and the same number of independent roots.
        return hash((self.rational_part(), sum(1 for r in self._terms if r != 1)))

    def __bool__(self):
        return bool(self._terms)

    # ---------------------------------------------------- approximation, rounding

    def approximate(self, bits=64):
        """A Fraction within a relative 2^-bits of the value (exactly the value when rational)."""
        if self.is_rational():
            return self.rational()
        k = bits + 8
        while True:
            lo, hi = self.enclose(k)
            if (lo > 0 or hi < 0) and (hi - lo) <= min(abs(lo), abs(hi)) / (1 << bits):
                return (lo + hi) / 2
            k *= 2

    def round(self, fmt="f64"):
        """The correctly rounded float in `fmt` ("f64" or "f32"): nearest, ties to even, overflow to ±inf."""
        key = (tuple(sorted(self._terms.items())), fmt)
        rounded = _ROUNDED.get(key)
        if rounded is None:
            if len(_ROUNDED) > 1 << 16:
                _ROUNDED.clear()
            rounded = _ROUNDED[key] = _round(self, fmt)
        return rounded

    def __float__(self):
        return self.round("f64")

    # --------------------------------------------------------------------- text

    def __str__(self):
        rational = self._terms.get(1, Fraction(0))
        roots = [(r, c) for r, c in sorted(self._terms.items()) if r != 1]
        text = "" if rational == 0 and roots else str(rational)
        for r, c in roots:
            sign = "-" if c < 0 else ("+" if text else "")
            size = abs(c)
            text += f"{sign}{'' if size == 1 else f'{size}*'}sqrt({r})"
        return text

    def __repr__(self):
        return f"Surd({str(self)!r})"


@lru_cache(maxsize=65536)
def _parse_cached(text):
    if not isinstance(text, str):
        raise VectorsError(f"{text!r} is not an exact value (a string in the a+b*sqrt(n) grammar)")
    value, pos = Surd(), 0
    while pos < len(text):
        match = _TERM.match(text, pos)
        if not match or match.end() == pos or (pos > 0 and not match.group(1)):
            raise VectorsError(f"{text!r} is not an exact value (grammar: a+b*sqrt(n), e.g. -3/7 or 1/2+3/8*sqrt(10))")
        sign, coefficient, radicand_with, radicand_alone = match.groups()
        try:
            c = Fraction(coefficient) if coefficient is not None else Fraction(1)
            radicand = Fraction(radicand_with or radicand_alone or 1)
        except ZeroDivisionError:
            raise VectorsError(f"{text!r} has a zero denominator") from None
        if radicand == 0:
            raise VectorsError(f"{text!r} has a zero radicand")
        c = -c if sign == "-" else c
        if radicand == 1 and radicand_with is None and radicand_alone is None:
            value._put(1, c)
        else:
            value._put_root(radicand.numerator * radicand.denominator, c / radicand.denominator)
        pos = match.end()
    if pos == 0:
        raise VectorsError("an empty string is not an exact value")
    return value


def parse_exact(text):
    """`Surd.parse`: the exact value a vectors string stands for."""
    return Surd.parse(text)


_ROUNDED = {}


def _round(value, fmt):
    """Round an exact value: refine the enclosure until both ends round alike (never on a tie: irrational)."""
    if value.is_rational():
        return round_fraction(value.rational(), fmt)
    bits = 64
    while bits <= _MAX_BITS:
        lo, hi = value.enclose(bits)
        if (lo > 0 and hi > 0) or (lo < 0 and hi < 0):
            low, high = round_fraction(lo, fmt), round_fraction(hi, fmt)
            if low == high:
                return low
        bits *= 2
    raise ArithmeticError(f"rounding of {value} not decided at {_MAX_BITS} bits")


_CANONICAL_RATIONAL = re.compile(r"-?(0|[1-9][0-9]*)(/[1-9][0-9]*)?")


def canonical_problems(text):
    """Where `text` departs from the canonical form vectors/README.md states, as short sentences.

    Canonical: a rational in lowest terms with a denominator > 1 when present;
    the rational term first; radicands integers >= 2, not perfect squares,
    free of p² for primes p < 1000, increasing, no two with a square ratio;
    no zero coefficient. An empty list means canonical.
    """
    problems = []
    value = Surd.parse(text)
    pieces, pos = [], 0
    while pos < len(text):
        match = _TERM.match(text, pos)
        sign, coefficient, radicand_with, radicand_alone = match.groups()
        pieces.append((sign, coefficient, radicand_with or radicand_alone))
        pos = match.end()
    radicands = []
    for index, (sign, coefficient, radicand) in enumerate(pieces):
        if coefficient is not None:
            if not _CANONICAL_RATIONAL.fullmatch(coefficient):
                problems.append(f"coefficient {coefficient} has leading zeros")
            c = Fraction(coefficient)
            if "/" in coefficient and (c.denominator == 1 or str(c) != coefficient):
                problems.append(f"{coefficient} is not in lowest terms with a denominator > 1")
            if c == 0 and (radicand is not None or len(pieces) > 1):
                problems.append("a zero term")
            if radicand is not None and c == 1:
                problems.append(f"coefficient 1 written out before sqrt({radicand})")
        if radicand is None:
            if index != 0:
                problems.append("the rational term is not first")
            continue
        if "/" in radicand:
            problems.append(f"radicand {radicand} is not an integer")
            continue
        n = int(radicand)
        k, r = _square_split(n)
        if n < 2 or r == 1:
            problems.append(f"radicand {n} is a perfect square")
        elif k != 1:
            problems.append(f"radicand {n} has the square factor {k}²")
        for other in radicands:
            root = isqrt(n * other)
            if root * root == n * other:
                problems.append(f"radicands {other} and {n} have a square ratio")
        if radicands and n <= radicands[-1]:
            problems.append(f"radicand {n} does not follow {radicands[-1]} in increasing order")
        radicands.append(n)
    if not problems and value.is_zero() and text != "0":
        problems.append("zero is written as 0")
    return problems
