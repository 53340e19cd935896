"""Checking an implementation against a family: `check(fn, family)` and its `Report`."""

import math
import numbers

from .errors import VectorsError
from .family import Family, _numpy, load_family
from .floats import hex_text, to_format
from .metrics import accepts, excess, measure, within_underflow_allowance

__all__ = ["check", "check_case", "Report", "FieldResult", "NotApplicable"]

PASS, FAIL, NOT_APPLICABLE, MISSING, UNCHECKED = "pass", "fail", "n/a", "missing", "unchecked"


class NotApplicable(Exception):
    """An implementation cannot express a case (or one field of it): a convention it lacks.

    Raise it from the function under test to skip a whole case, or return an
    instance as a field's value to skip that field; the report lists it with
    the reason, as neither a pass nor a failure.
    """

    def __init__(self, reason=""):
        super().__init__(reason)
        self.reason = reason


class FieldResult:
    """One field of one case: its status, tolerance, measured errors and, for a failure, why."""

    __slots__ = ("case", "field", "status", "tolerance", "measure", "reason")

    def __init__(self, case, field, status, tolerance=None, measure=None, reason=""):
        self.case, self.field, self.status = case, field, status
        self.tolerance, self.measure, self.reason = tolerance, measure, reason

    @property
    def excess(self):
        """How many times its bound the field's error is: ≤ 1 exactly when it passes (see metrics.excess)."""
        if self.measure is None or self.tolerance is None:
            return None
        return excess(self.tolerance, self.measure)

    def to_dict(self):
        out = {"case": self.case.id, "field": self.field, "status": self.status, "flags": list(self.case.flags)}
        if self.tolerance is not None:
            out["tolerance"] = {"metric": self.tolerance.metric, "bound": self.tolerance.bound,
                                "rule": self.tolerance.rule}
        if self.measure is not None:
            out.update(max_ulp=_json_number(self.measure.max_ulp), normwise=_json_number(self.measure.normwise),
                       lre=round(self.measure.lre, 2), excess=_json_number(self.excess))
        if self.reason:
            out["reason"] = self.reason
        return out


def _json_number(value):
    if value is None:
        return None
    if isinstance(value, float) and (math.isinf(value) or math.isnan(value)):
        return str(value)
    return value


def _squeezed(shape):
    """A shape without its size-1 dimensions: (N, 1) and (N,) hold the same row-major values."""
    return tuple(d for d in shape if d != 1)


def _flatten(value, expected):
    """A returned value as a flat row-major list of Python floats, or a sentence saying why it does not fit."""
    np = _numpy()
    if np is not None and not isinstance(value, numbers.Real):
        try:
            array = np.asarray(value)
        except (TypeError, ValueError, RuntimeError) as error:
            raise TypeError(f"cannot read the returned value as an array ({error}); return NumPy arrays, "
                            "lists or detached CPU tensors") from None
        if array.dtype.kind not in "fiub":
            return None, f"returned values of type {array.dtype}, not real numbers"
        if array.ndim > 1 and _squeezed(array.shape) != _squeezed(expected.shape):
            return None, f"returned shape {list(array.shape)}, expected {list(expected.shape)}"
        flat = [float(v) for v in array.astype(np.float64, copy=False).reshape(-1)]
    else:
        flat = []

        def walk(v):
            if hasattr(v, "tolist") and not isinstance(v, numbers.Real):
                v = v.tolist()
            if isinstance(v, (list, tuple)):
                for item in v:
                    walk(item)
            elif isinstance(v, numbers.Real):
                flat.append(float(v))
            else:
                raise TypeError(f"cannot read {type(v).__name__} as a number")

        walk(value)
    if len(flat) != expected.size:
        return None, f"returned {len(flat)} values, expected {expected.size} (shape {list(expected.shape)})"
    return flat, None


def check_case(case, results, fields=None):
    """Judge one case's results (field → values) against its tolerances; a list of FieldResult.

    fields: the fields to judge (default: every field with a tolerance). A
    field asked for by name and not returned is MISSING (a failure); by
    default a toleranced field not returned is UNCHECKED (listed, not failed).
    """
    if not hasattr(results, "get"):
        raise TypeError(f"{case.id}: the implementation returned {type(results).__name__}, "
                        "expected a mapping of field names to values")
    wanted = [f for f in case.tolerance if fields is None or f in fields]
    rows = []
    for field in wanted:
        tolerance = case.tolerance[field]
        expected = case.expected(field)
        value = results.get(field, _ABSENT)
        if value is _ABSENT:
            status = MISSING if fields is not None else UNCHECKED
            rows.append(FieldResult(case, field, status, tolerance, reason="not returned"))
            continue
        if value is None or isinstance(value, NotApplicable):
            rows.append(FieldResult(case, field, NOT_APPLICABLE, tolerance,
                                    reason=getattr(value, "reason", "") or "not applicable"))
            continue
        if expected is None:
            rows.append(FieldResult(case, field, NOT_APPLICABLE, tolerance,
                                    reason="the vectors give a tolerance for this field but no expected values"))
            continue
        flat, problem = _flatten(value, expected)
        if problem:
            rows.append(FieldResult(case, field, FAIL, tolerance, reason=problem))
            continue
        received = [to_format(v, case.precision) for v in flat]
        rank = "difference" if tolerance.metric == "normwise" else "ulp"
        result = measure(received, expected, case.precision, rank=rank)
        note = "within the underflow allowance" if within_underflow_allowance(tolerance, result) else ""
        rows.append(FieldResult(case, field, PASS if accepts(tolerance, result) else FAIL, tolerance, result, note))
    return rows


_ABSENT = object()


def _select(family, cases):
    if cases is None:
        return list(family.cases)
    if callable(cases):
        return [c for c in family.cases if cases(c)]
    return [family.case(name) for name in cases]


def check(fn, family, fields=None, vectors=None, cases=None):
    """Run `fn(case)` on every case of a family and judge what it returns.

    fn: takes a `Case` and returns a mapping field → values (NumPy array,
        list, or anything `numpy.asarray` reads), values in row-major order of
        the field's shape; raise `NotApplicable(reason)` for a case it cannot
        express, or give `NotApplicable(reason)` as one field's value.
    family: a family name, a file path from the manifest, or a `Family`.
    fields: the fields to judge; default every field some case gives a
        tolerance for (those not returned are listed as unchecked).
    vectors: the vectors folder (default: see `load_family`).
    cases: ids or slugs, or a predicate on `Case`, to run a subset.

    Returns a `Report`; `report.ok` is true when nothing failed and
    something was checked. Exceptions raised by `fn` propagate.
    """
    family = family if isinstance(family, Family) else load_family(family, vectors)
    if fields is not None:
        fields = [fields] if isinstance(fields, str) else list(fields)
        if not fields:
            raise VectorsError(f"{family.name}: an empty list of fields checks nothing")
        known = family.fields()
        for field in fields:
            if field not in known:
                raise VectorsError(f"{family.name}: no case gives a tolerance for field {field!r} "
                                   f"(fields with a tolerance: {', '.join(known)})")
    selected = _select(family, cases)
    if not selected:
        raise VectorsError(f"{family.name}: no case selected")
    rows = []
    for case in selected:
        try:
            results = fn(case)
        except NotApplicable as reason:
            rows += [FieldResult(case, field, NOT_APPLICABLE, case.tolerance[field],
                                 reason=reason.reason or "not applicable")
                     for field in case.tolerance if fields is None or field in fields]
            continue
        rows += check_case(case, results, fields)
    return Report(family, rows, fields)


class Report:
    """The outcome of a check: one FieldResult per case and field, with summaries and readable text."""

    def __init__(self, family, rows, fields=None):
        self.family, self.rows, self.fields = family, rows, fields

    # ---------------------------------------------------------------- outcome

    def with_status(self, *statuses):
        return [row for row in self.rows if row.status in statuses]

    @property
    def failures(self):
        return self.with_status(FAIL, MISSING)

    @property
    def checked(self):
        return self.with_status(PASS, FAIL)

    @property
    def ok(self):
        """True when no field failed or went missing, and at least one field was checked."""
        return not self.failures and bool(self.with_status(PASS))

    def failing_flags(self):
        """flag → the failing (case, field) results whose case carries it."""
        out = {}
        for row in self.failures:
            for flag in row.case.flags or ("(no flag)",):
                out.setdefault(flag, []).append(row)
        return out

    def field_summary(self):
        """Per field: counts by status, worst ulp, worst normwise, lowest LRE (over the checked cases)."""
        summary = {}
        for row in self.rows:
            entry = summary.setdefault(row.field, {"pass": 0, "fail": 0, "n/a": 0, "missing": 0, "unchecked": 0,
                                                   "max_ulp": None, "normwise": None, "lre": None,
                                                   "metrics": set()})
            entry[row.status] += 1
            if row.tolerance is not None:
                entry["metrics"].add(row.tolerance.metric)
            if row.measure is not None:
                m = row.measure
                entry["max_ulp"] = m.max_ulp if entry["max_ulp"] is None else max(entry["max_ulp"], m.max_ulp)
                entry["normwise"] = m.normwise if entry["normwise"] is None else max(entry["normwise"], m.normwise)
                entry["lre"] = m.lre if entry["lre"] is None else min(entry["lre"], m.lre)
        return summary

    def assert_ok(self):
        """Raise AssertionError with the report's text unless `ok`."""
        if not self.ok:
            raise AssertionError(self.text(passing=False))

    # ------------------------------------------------------------------- text

    def text(self, passing=True):
        """The summary table, then each failure with expected and received values side by side."""
        lines = [f"{self.family.name}: {len(self.with_status(PASS))} fields passed, {len(self.failures)} failed, "
                 f"{len(self.with_status(NOT_APPLICABLE))} not applicable, "
                 f"{len(self.with_status(UNCHECKED))} not returned"]
        if not self.with_status(PASS, FAIL, MISSING):
            lines.append("nothing was checked: the implementation returned none of the fields with a tolerance")
        if passing:
            lines.append(f"  {'field':<14}{'metric':<10}{'pass':>5}{'fail':>5}{'n/a':>5}"
                         f"{'worst ulp':>22}{'worst normwise':>16}{'min LRE':>9}")
            for field, s in self.field_summary().items():
                ulp = "-" if s["max_ulp"] is None else str(s["max_ulp"])
                normwise = "-" if s["normwise"] is None else f"{s['normwise']:.3g}"
                lre = "-" if s["lre"] is None else f"{s['lre']:.2f}"
                lines.append(f"  {field:<14}{'/'.join(sorted(s['metrics'])):<10}{s['pass']:>5}"
                             f"{s['fail'] + s['missing']:>5}{s['n/a']:>5}{ulp:>22}{normwise:>16}{lre:>9}")
        for row in self.failures:
            lines += _failure_text(row)
        return "\n".join(lines)

    def __str__(self):
        return self.text()

    def to_dict(self):
        return {"family": self.family.name, "rows": [row.to_dict() for row in self.rows]}


def _show(value, fmt):
    if math.isnan(value) or math.isinf(value):
        return str(value)
    decimal = f"{value:.17g}" if fmt == "f64" else f"{value:.9g}"
    return f"{decimal} ({hex_text(value)})"


def _short(text, width=40):
    return text if len(text) <= width else text[:width - 1] + "…"


def _failure_text(row):
    case = row.case
    flags = f" [{', '.join(case.flags)}]" if case.flags else ""
    head = f"FAIL {case.id} field {row.field}{flags}"
    if row.measure is None:
        return [f"{head}: {row.reason}"]
    m, t = row.measure, row.tolerance
    lines = [f"{head}: {m.max_ulp} ulp, normwise {m.normwise:.3g}, LRE {m.lre:.2f}; "
             f"bound {t.describe()}"]
    fmt = case.precision
    lines.append(f"    {'element':<14}{'exact':<34}{'expected ' + fmt:<52}{'received':<52}ulp")
    for element in m.worst:
        where = f"{row.field}[{', '.join(map(str, element.index))}]"
        lines.append(f"    {where:<14}{_short(str(element.exact), 32):<34}{_show(element.rounded, fmt):<52}"
                     f"{_show(element.received, fmt):<52}{element.ulp}")
    return lines
