"""Families, cases and tensors as a user of the vectors sees them.

A `Family` is one file (one op); a `Case` holds inputs, parameters, the
expected intermediates and outputs, and per field the tolerance it is held
to; a `Tensor` gives its values exactly (`Surd`) and as the correctly rounded
floats of the case's precision.
"""

import math
from fractions import Fraction

from .conventions import convention_named
from .errors import VectorsError
from .exact import Surd, round_fraction
from .floats import parse_hex
from .tree import VectorTree

__all__ = ["Family", "Case", "Tensor", "Tolerance", "load_family", "family_names"]

METRICS = ("exact", "ulp", "normwise")
PRECISIONS = ("f64", "f32")


def _numpy():
    try:
        import numpy
    except ImportError:
        return None
    return numpy


class Tolerance:
    """The bound one field of one case is held to (vectors/README.md, "Tolerance policy")."""

    __slots__ = ("metric", "bound", "rule")

    def __init__(self, metric, bound, rule):
        self.metric, self.bound, self.rule = metric, bound, rule

    @staticmethod
    def read(data, where):
        if not isinstance(data, dict) or data.get("metric") not in METRICS:
            raise VectorsError(f"{where}: a tolerance needs \"metric\" one of {', '.join(METRICS)}")
        bound = data.get("bound")
        if not isinstance(bound, (int, float)) or isinstance(bound, bool) or not bound >= 0 or math.isinf(bound):
            raise VectorsError(f"{where}: tolerance \"bound\" must be a finite number >= 0, not {bound!r}")
        return Tolerance(data["metric"], float(bound), str(data.get("rule", "")))

    def __repr__(self):
        return f"Tolerance({self.metric}, {self.bound!r}, {self.rule!r})"

    def describe(self):
        """`normwise ≤ 8.9e-16 (8·u)`, `≤ 4 ulp`, `exact`."""
        if self.metric == "exact":
            return "exact"
        if self.metric == "ulp":
            return f"≤ {self.bound:g} ulp"
        return f"normwise ≤ {self.bound:.3g} ({self.rule})" if self.rule else f"normwise ≤ {self.bound:.3g}"


class Tensor:
    """A named tensor of a case: shape, exact values and correctly rounded floats (row-major)."""

    def __init__(self, name, data, precision, where):
        self.name, self.precision, self._where = name, precision, f"{where}, field {name}"
        if not isinstance(data, dict):
            raise VectorsError(f"{self._where}: a tensor must be an object with shape and exact values")
        shape = data.get("shape")
        if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0
                                                  for d in shape):
            raise VectorsError(f"{self._where}: \"shape\" must be a list of non-negative integers")
        self.shape = tuple(shape)
        self.size = math.prod(self.shape)
        self._exact_text = data.get("exact")
        if not isinstance(self._exact_text, list) or len(self._exact_text) != self.size:
            raise VectorsError(f"{self._where}: \"exact\" must hold {self.size} values (shape {list(self.shape)})")
        self._columns = {}
        for fmt in PRECISIONS:
            if fmt in data:
                column = data[fmt]
                if not isinstance(column, list) or len(column) != self.size:
                    raise VectorsError(f"{self._where}: \"{fmt}\" must hold {self.size} values")
                self._columns[fmt] = column
        if precision not in self._columns:
            raise VectorsError(f"{self._where}: no \"{precision}\" column for a {precision} case")
        self._exact = None
        self._floats = {}

    @property
    def exact(self):
        """The exact values, as `Surd`s (parsed once)."""
        if self._exact is None:
            values = []
            for index, text in enumerate(self._exact_text):
                try:
                    values.append(Surd.parse(text))
                except VectorsError as error:
                    raise VectorsError(f"{self._where}[{index}]: {error}") from None
            self._exact = values
        return self._exact

    def rationals(self):
        """The exact values as Fractions (inputs are rational); VectorsError if one is not."""
        out = []
        for index, value in enumerate(self.exact):
            if not value.is_rational():
                raise VectorsError(f"{self._where}[{index}]: {value} is irrational where a rational is needed")
            out.append(value.rational())
        return out

    def floats(self, precision=None):
        """The correctly rounded floats of a precision (default the case's), read exactly from the hex strings."""
        fmt = precision or self.precision
        if fmt not in self._floats:
            if fmt not in self._columns:
                raise VectorsError(f"{self._where}: no \"{fmt}\" column")
            values = []
            for index, text in enumerate(self._columns[fmt]):
                try:
                    values.append(parse_hex(text))
                except VectorsError as error:
                    raise VectorsError(f"{self._where}.{fmt}[{index}]: {error}") from None
            self._floats[fmt] = values
        return self._floats[fmt]

    def array(self, precision=None):
        """The floats as a NumPy array of the tensor's shape (float64, or float32 for f32)."""
        np = _numpy()
        if np is None:
            raise VectorsError("numpy is not installed: use Tensor.floats() for a flat list of floats")
        fmt = precision or self.precision
        dtype = np.float32 if fmt == "f32" else np.float64
        return np.array(self.floats(fmt), dtype=dtype).reshape(self.shape)

    def index(self, flat):
        """A flat row-major position as the tensor's multi-index, e.g. 5 → (2, 1) in shape (4, 2)."""
        out = []
        for size in reversed(self.shape):
            flat, position = divmod(flat, size) if size else (flat, 0)
            out.append(position)
        return tuple(reversed(out))

    def __repr__(self):
        return f"Tensor({self.name}, shape={list(self.shape)})"


class Case:
    """One case: what to feed an implementation and what it must give back.

    `inputs`, `intermediates`, `outputs`: dicts of `Tensor`; `tolerance`: field
    name → `Tolerance`; `precision`: "f64" or "f32"; `params`: the raw strings.
    Numeric parameters come exactly with `param` (a float in the case's
    precision) or `exact_param` (a Fraction); words with `word`.
    """

    def __init__(self, family, data, precision, position):
        where = f"{family.path}: testGroups[{position[0]}].tests[{position[1]}]"
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise VectorsError(f"{where}: a case must be an object with a string \"id\"")
        self.id = data["id"]
        where = f"{family.path}: case {self.id}"
        self._where = where
        if not self.id.startswith(family.name + "/"):
            raise VectorsError(f"{where}: the id must start with the family name \"{family.name}/\"")
        if precision not in PRECISIONS:
            raise VectorsError(f"{where}: precision {precision!r} is not one of {', '.join(PRECISIONS)}")
        if data.get("op") != family.op:
            raise VectorsError(f"{where}: op {data.get('op')!r} differs from the family's {family.op!r}")
        self.family, self.op, self.precision, self.data = family.name, family.op, precision, data
        self.slug = self.id[len(family.name) + 1:]
        self.comment = data.get("comment", "")
        self.flags = tuple(data.get("flags", []))
        self.params = dict(data.get("params", {}))
        if not all(isinstance(v, str) for v in self.params.values()):
            raise VectorsError(f"{where}: every parameter must be a string")
        self.convention = data.get("convention", self.params.get("convention"))
        sections = {}
        for section in ("inputs", "intermediates", "outputs"):
            tensors = data.get(section, {})
            if not isinstance(tensors, dict):
                raise VectorsError(f"{where}: \"{section}\" must be an object of tensors")
            sections[section] = {name: Tensor(name, tensor, precision, where) for name, tensor in tensors.items()}
        self.inputs, self.intermediates, self.outputs = sections["inputs"], sections["intermediates"], sections["outputs"]
        tolerance = data.get("tolerance", {})
        if not isinstance(tolerance, dict):
            raise VectorsError(f"{where}: \"tolerance\" must be an object")
        self.tolerance = {name: Tolerance.read(t, f"{where}, tolerance of {name}") for name, t in tolerance.items()}

    # ------------------------------------------------------------------ values

    def expected(self, field):
        """The tensor a field is checked against (an output, or an intermediate), or None."""
        return self.outputs.get(field) or self.intermediates.get(field)

    def input(self, name):
        if name not in self.inputs:
            raise VectorsError(f"{self._where}: no input {name!r} (inputs: {', '.join(self.inputs)})")
        return self.inputs[name]

    def has_input(self, name):
        return name in self.inputs

    def array(self, name):
        """An input as a NumPy array in the case's precision (float64 or float32), shaped."""
        return self.input(name).array()

    def values(self, name):
        """An input as a flat row-major list of Python floats (exact; float32 values for f32 cases)."""
        return list(self.input(name).floats())

    def shape(self, name):
        return self.input(name).shape

    def exact_param(self, name, default=None):
        """A numeric parameter as a Fraction (`default` when absent; VectorsError when absent without one)."""
        text = self.params.get(name)
        if text is None:
            if default is None:
                raise VectorsError(f"{self._where}: no parameter {name!r} (params: {', '.join(self.params)})")
            return Fraction(default)
        try:
            return Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise VectorsError(f"{self._where}: parameter {name} = {text!r} is not a number") from None

    def param(self, name, default=None):
        """A numeric parameter as the float of the case's precision it exactly is.

        The vectors promise parameters exactly representable in the case's
        precision; a VectorsError says so when one is not.
        """
        value = self.exact_param(name, default)
        rounded = round_fraction(value, self.precision)
        if Fraction(rounded) != value:
            raise VectorsError(f"{self._where}: parameter {name} = {value} is not exactly a {self.precision} value")
        return rounded

    def int_param(self, name, default=None):
        value = self.exact_param(name, default)
        if value.denominator != 1:
            raise VectorsError(f"{self._where}: parameter {name} = {value} is not an integer")
        return int(value)

    def word(self, name, default=None):
        """A word parameter (`train`, `inverted`, …), `default` when absent."""
        return self.params.get(name, default)

    def check(self, results, fields=None):
        """Judge this case's results (field → values): a `Report` of one case (see `check`)."""
        from .check import Report, check_case
        return Report(_OneCase(self), check_case(self, results, fields), fields)

    def assert_close(self, results, fields=None):
        """Raise AssertionError, naming field and element with expected and received values,
        unless every judged field meets its tolerance and at least one was judged."""
        self.check(results, fields).assert_ok()

    @property
    def convention_spec(self):
        """The case's convention as a `Convention` (None when the case names none)."""
        return convention_named(self.convention) if self.convention else None

    def __repr__(self):
        return f"Case({self.id})"


class _OneCase:
    """What a one-case report needs of a family: its name is the case id."""

    def __init__(self, case):
        self.name = case.id


class Family:
    """One family file: its op, header, flag notes and cases, from a verified tree."""

    def __init__(self, tree, name):
        data = tree.family_data(name)
        entry = tree.entry(name)
        self.tree, self.name, self.op, self.path = tree, entry["family"], entry["op"], entry["path"]
        self.header = list(data.get("header", []))
        self.notes = dict(data.get("notes", {}))
        self.generator = dict(tree.generator)
        self.cases, ids = [], set()
        for g, group in enumerate(data["testGroups"]):
            precision = group.get("precision", "f64")
            for t, test in enumerate(group["tests"]):
                case = Case(self, test, precision, (g, t))
                if case.id in ids:
                    raise VectorsError(f"{self.path}: case id {case.id} appears twice")
                ids.add(case.id)
                for flag in case.flags:
                    if flag not in self.notes:
                        raise VectorsError(f"{self.path}: case {case.id}: flag {flag!r} is not explained in \"notes\"")
                self.cases.append(case)

    def case(self, name):
        """A case by id or slug."""
        for case in self.cases:
            if name in (case.id, case.slug):
                return case
        raise VectorsError(f"{self.path}: no case {name!r}")

    def fields(self):
        """Every field some case of the family gives a tolerance for, in first-seen order."""
        seen = {}
        for case in self.cases:
            for field in case.tolerance:
                seen.setdefault(field, None)
        return list(seen)

    def flags(self):
        return sorted({flag for case in self.cases for flag in case.flags})

    def __iter__(self):
        return iter(self.cases)

    def __len__(self):
        return len(self.cases)

    def __repr__(self):
        return f"Family({self.name}, {len(self.cases)} cases)"


_TREES = {}


def _tree(vectors):
    """A verified tree, built once per folder (`vectors`: a path, a VectorTree, or None for the default)."""
    if isinstance(vectors, VectorTree):
        return vectors
    key = str(vectors) if vectors is not None else None
    if key not in _TREES:
        _TREES[key] = VectorTree(vectors)
    return _TREES[key]


def load_family(name, vectors=None):
    """A family by name (`batchnorm_train_2d`) or path (`normalization/batchnorm_train_2d.json`).

    `vectors`: the vectors folder (default: `$NORMLAB_VECTORS`, the copy
    installed with the package, or the repository's `vectors/`), or a
    `VectorTree`. The tree is verified against its manifest first.
    """
    return Family(_tree(vectors), name)


def family_names(vectors=None):
    """The family names of a vectors folder, in manifest order."""
    return _tree(vectors).family_names()
