"""Floats of the vectors: C99 hex strings, the two formats, and distances in ulp."""

import math
import re
import struct
from fractions import Fraction

from .errors import VectorsError
from .exact import FORMATS, round_fraction

__all__ = ["parse_hex", "to_format", "ulp_distance", "hex_text", "FORMATS", "unit_roundoff"]

_HEX = re.compile(r"[+-]?0x([0-9a-f]+(\.[0-9a-f]*)?|\.[0-9a-f]+)p[+-]?[0-9]+", re.IGNORECASE)


def parse_hex(text):
    """A vectors float string as a Python float, exactly: C99 hex (`-0x1.8p+1`), `inf`, `-inf`, `nan`."""
    if text in ("inf", "-inf", "nan"):
        return float(text)
    if not isinstance(text, str) or not _HEX.fullmatch(text):
        raise VectorsError(f"{text!r} is not a C99 hex float (e.g. 0x1.8p+1, -0x0p+0, inf)")
    return float.fromhex(text)


def unit_roundoff(fmt):
    """u = 2^-p for the format: 2^-53 (f64), 2^-24 (f32)."""
    return math.ldexp(1.0, -FORMATS[fmt][0])


def to_format(value, fmt):
    """A float rounded to the nearest value of `fmt` (identity for f64 and for values already in it)."""
    if fmt == "f64" or math.isnan(value) or math.isinf(value):
        return value
    rounded = round_fraction(Fraction(value), fmt)
    return math.copysign(rounded, value) if rounded == 0 else rounded


def _ordinal(value, fmt):
    """The position of a float among the floats of fmt in increasing order, both zeros at 0, ±inf at the ends."""
    if fmt == "f64":
        bits = struct.unpack("<q", struct.pack("<d", value))[0]
        return bits if bits >= 0 else -(bits & 0x7FFFFFFFFFFFFFFF)
    bits = struct.unpack("<i", struct.pack("<f", value))[0]
    return bits if bits >= 0 else -(bits & 0x7FFFFFFF)


def ulp_distance(a, b, fmt):
    """How many floats of fmt lie from a to b (0 for equal values, +0 and -0 alike).

    Infinity counts as the float after the largest finite one, as IEEE 754
    orders them; a NaN on either side gives math.inf (no distance).
    Both values must be in fmt already (see `to_format`).
    """
    if math.isnan(a) or math.isnan(b):
        return math.inf
    return abs(_ordinal(a, fmt) - _ordinal(b, fmt))


def hex_text(value):
    """A float as short C99 hex text (`0x1.8p+1`, `-0x0p+0`, `inf`), the way the vectors write it."""
    if math.isnan(value) or math.isinf(value):
        return str(value)
    if value == 0:
        return "-0x0p+0" if math.copysign(1.0, value) < 0 else "0x0p+0"
    text = value.hex()                                   # e.g. 0x1.8000000000000p+1
    mantissa, exponent = text.split("p")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}p{exponent}"
