"""Reading one case of a family file, with its exact values parsed on demand."""

from fractions import Fraction

from exact import is_rational, parse_exact, rational_value


class InputError(Exception):
    """Unreadable or malformed input; the message names file, case and field."""


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

    def channel_values(self, name, count, fill):
        """An optional per-channel input tensor as [Fraction], `fill` repeated when the case omits it."""
        if name not in self.data.get("inputs", {}):
            return [Fraction(fill)] * count
        return self.rationals(name)[1]

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
