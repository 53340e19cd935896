"""Arithmetic in Q(√s) for the derivations: a + b·√s with one radicand s per value.

Batch-norm values of one channel all lie in Q(√(σ² + ε)); doing their
arithmetic in that field is much faster than in general sums of roots. A
value leaves the field as the harness's exact `Surd` (normlab_vectors.exact)
for comparison with the vectors, which is also where the vectors' strings are
read: the Python code of the repository parses them in that one place.
"""

from fractions import Fraction

from normlab_vectors import Surd
from normlab_vectors.exact import rational_sqrt


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

    def to_surd(self):
        """The same value as a `Surd`."""
        value = Surd(self.a)
        return value + self.b * Surd.sqrt(self.s) if self.s is not None and self.b else value


def fsum(values):
    """Exact sum of QS/Fraction values."""
    total = QS(0)
    for v in values:
        total = total + v
    return total


def as_surd(value):
    """A derived value (Fraction, int, QS or Surd) as a `Surd`."""
    if isinstance(value, Surd):
        return value
    if isinstance(value, QS):
        return value.to_surd()
    return Surd(Fraction(value))
