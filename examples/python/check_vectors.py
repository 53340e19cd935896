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
   the ops it knows and compares every intermediate and output exactly:
   batchnorm train/eval, layernorm, groupnorm, running-stats (each
   convention, with sums of square roots where σ is averaged), bn-fold,
   dropout, dropout-regression, ridge (with the minimum-norm solution when
   singular) and bias-variance (every dataset of the finite world);
4. when numpy is installed, runs a plain numpy batch norm on each training
   case and reports its errors against the vectors' tolerances.

The core checks (1-3) use the standard library only; the number types and
rounding live in exact.py, the derivations in derive_normalization.py,
derive_dropout.py and derive_regression.py. The last line reads
`N passed, M failed`, counting exact checks (one per value, and one per
convention word a derivation decides, such as a running-stats `averaging`). Exit status:
0 all checks passed, 1 a check failed, 2 unreadable or malformed input.
"""

import argparse
import hashlib
import json
import math
import struct
import sys
import time
from fractions import Fraction
from pathlib import Path

from cases import Case, InputError
from derive_dropout import derive_dropout, derive_dropout_regression
from derive_normalization import derive_batchnorm, derive_bn_fold, derive_group_norm, derive_running_stats
from derive_regression import derive_bias_variance, derive_ridge
from exact import QS, Surd, equal_values, is_rational, parse_float, rational_value, round_exact, round_fraction, to_float

DERIVERS = {"batchnorm": derive_batchnorm, "layernorm": derive_group_norm,
            "groupnorm": derive_group_norm, "dropout": derive_dropout,
            "dropout-regression": derive_dropout_regression, "running-stats": derive_running_stats,
            "bn-fold": derive_bn_fold, "ridge": derive_ridge, "bias-variance": derive_bias_variance}


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
    return value.terms() if isinstance(value, (QS, Surd)) else [(Fraction(value), Fraction(1))]


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
    for name, value in (derived or {}).get("_params", {}).items():
        if case.params.get(name) == value:
            stats.derived_ok += 1
        else:
            stats.derived_failed += 1
            failures.append(f"{case.path}: {case.id} params.{name}: file {case.params.get(name)!r}, derived {value!r}")
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
