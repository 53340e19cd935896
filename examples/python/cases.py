"""Reading a case for the derivations: the harness's `Case`, seen as exact rationals.

The vectors are read, verified and parsed by the harness (normlab_vectors);
this wrapper only gives the derivations the exact views they compute from.
"""

from fractions import Fraction

from normlab_vectors import VectorsError


class InputError(Exception):
    """Unreadable or malformed input; the message names file, case and field."""


class Case:
    """One case: inputs as Fractions, parameters as Fractions or words."""

    def __init__(self, path, case):
        self.path, self.case = path, case
        self.id, self.data, self.precision = case.id, case.data, case.precision
        self.params, self.flags = case.params, case.flags

    def fail(self, field, message):
        return InputError(f"{self.path}: case {self.id}, field {field}: {message}")

    def has_input(self, name):
        return self.case.has_input(name)

    def shape(self, name):
        return list(self.case.shape(name))

    def rationals(self, name):
        """An input tensor as (shape, [Fraction])."""
        try:
            return self.shape(name), self.case.input(name).rationals()
        except VectorsError as error:
            raise InputError(str(error)) from None

    def channel_values(self, name, count, fill):
        """An optional per-channel input tensor as [Fraction], `fill` repeated when the case omits it."""
        if not self.case.has_input(name):
            return [Fraction(fill)] * count
        return self.rationals(name)[1]

    def param(self, name, default=None):
        """A rational parameter."""
        try:
            return self.case.exact_param(name, default)
        except VectorsError as error:
            raise InputError(str(error)) from None

    def tensor_text(self, section, name):
        """A tensor's exact strings as written in the file."""
        return self.data[section][name]["exact"]

    def tensor_columns(self, section, name):
        """The float columns a tensor has ("f64", "f32")."""
        return [fmt for fmt in ("f64", "f32") if fmt in self.data[section][name]]
