#!/usr/bin/env python3
"""Check NormLab's golden vectors from outside Swift.

    python3 check_vectors.py [VECTORS_DIR]

VECTORS_DIR defaults to the `vectors/` folder at the repository root. The
script

1. verifies the tree against `manifest.json` (through the harness package in
   python/: entry fields, relative paths inside the folder, SHA-256 of every
   file and schema, case counts, format and generator versions, no unlisted
   file) and, when the `jsonschema` package is importable, validates each
   family file against its JSON Schema;
2. checks that every exact value is written in the canonical form
   vectors/README.md states and that every `f64`/`f32` string is its
   correctly rounded value, decided with integer arithmetic only;
3. re-derives, from each case's inputs and params alone, the exact values of
   the ops it knows and compares every intermediate and output exactly:
   batchnorm train/eval, layernorm, groupnorm, running-stats (each
   convention, with sums of square roots where σ is averaged), bn-fold,
   dropout, dropout-regression, ridge (with the minimum-norm solution when
   singular), bias-variance and bias-variance-sweep (every dataset of the
   finite world) and double-descent (minimum-norm least squares on each
   prefix of the features; a generated case's inputs are regenerated from
   its seed and compared too).

Standard library only. Exact numbers and their rounding come from the
harness (python/normlab_vectors/exact.py); the derivations, written here
independently of NormLab, live in derive_normalization.py, derive_dropout.py,
derive_regression.py and derive_curves.py (arithmetic in Q(√s): quadratic.py). How real
frameworks fare on the vectors is measured by conformance/ (NumPy in CI).
The last line reads `N passed, M failed`, counting exact checks (one per
value, and one per convention word a derivation decides, such as a
running-stats `averaging`). Exit status: 0 all checks passed, 1 a check
failed, 2 unreadable or malformed input (one line on stderr naming the file
or manifest entry and the rule).
"""

import argparse
import math
import sys
import time
from fractions import Fraction
from pathlib import Path

# The harness package of this repository reads, verifies and parses the vectors;
# its exact numbers (normlab_vectors.exact) are the one Python reader of the strings.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))

from normlab_vectors import Family, VectorsError, VectorTree, canonical_problems, hex_text, round_fraction as round_to  # noqa: E402
from normlab_vectors.tree import load_json  # noqa: E402

from cases import Case, InputError  # noqa: E402
from derive_dropout import derive_dropout, derive_dropout_regression  # noqa: E402
from derive_normalization import derive_batchnorm, derive_bn_fold, derive_group_norm, derive_running_stats  # noqa: E402
from derive_curves import derive_bias_variance_sweep, derive_double_descent  # noqa: E402
from derive_regression import derive_bias_variance, derive_ridge  # noqa: E402
from quadratic import as_surd  # noqa: E402

DERIVERS = {"batchnorm": derive_batchnorm, "layernorm": derive_group_norm,
            "groupnorm": derive_group_norm, "dropout": derive_dropout,
            "dropout-regression": derive_dropout_regression, "running-stats": derive_running_stats,
            "bn-fold": derive_bn_fold, "ridge": derive_ridge, "bias-variance": derive_bias_variance,
            "bias-variance-sweep": derive_bias_variance_sweep, "double-descent": derive_double_descent}


# ---------------------------------------------------------------- checking

class Stats:
    """Counters of one family."""

    def __init__(self):
        self.cases = 0
        self.derived_ok = self.derived_failed = self.derived_skipped = 0
        self.skipped_fields = set()
        self.rounding_ok = self.rounding_failed = 0


def same_float(a, b):
    """Equal floats, the sign of zero included (NaN equals NaN)."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def check_rounding(case, stats, failures):
    """Every exact string canonical, every f64/f32 string its correctly rounded value; inputs and params exact."""
    sections = (("inputs", case.case.inputs), ("intermediates", case.case.intermediates),
                ("outputs", case.case.outputs))
    for section, tensors in sections:
        for name, tensor in tensors.items():
            try:
                exact = tensor.exact
            except VectorsError as error:
                raise InputError(str(error)) from None
            for i, text in enumerate(case.tensor_text(section, name)):
                problems = canonical_problems(text)
                if problems:
                    stats.rounding_failed += 1
                    failures.append(f"{case.path}: {case.id} {section}.{name}[{i}]: {text!r} is not canonical: "
                                    f"{'; '.join(problems)}")
            for fmt in ("f64", "f32"):
                if fmt not in case.tensor_columns(section, name):
                    continue
                try:
                    given_column = tensor.floats(fmt)
                except VectorsError as error:
                    raise InputError(str(error)) from None
                for i, (value, given) in enumerate(zip(exact, given_column)):
                    wanted = value.round(fmt)
                    exact_input = section != "inputs" or (value.is_rational() and Fraction(wanted) == value.rational()
                                                          if not math.isinf(wanted) else False)
                    if same_float(given, wanted) and exact_input:
                        stats.rounding_ok += 1
                        continue
                    stats.rounding_failed += 1
                    why = "not the correctly rounded value" if not same_float(given, wanted) else \
                        "input not exactly representable"
                    failures.append(f"{case.path}: {case.id} {section}.{name}[{i}] {fmt}: {why}: "
                                    f"file {hex_text(given)}, correct {hex_text(wanted)}")
    for name, text in case.params.items():
        try:
            value = Fraction(text)
        except (ValueError, ZeroDivisionError):
            continue                                   # a word parameter
        if Fraction(round_to(value, case.precision)) == value:
            stats.rounding_ok += 1
        else:
            stats.rounding_failed += 1
            failures.append(f"{case.path}: {case.id} params.{name}: {text} is not exactly representable in {case.precision}")


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
    for name, values in (derived or {}).get("_inputs", {}).items():
        # Generated inputs, regenerated from the case's params.
        given = case.rationals(name)[1] if case.has_input(name) else None
        if given == values:
            stats.derived_ok += len(values)
        else:
            stats.derived_failed += 1
            failures.append(f"{case.path}: {case.id} inputs.{name}: not what the params generate")
    for section, tensors in (("intermediates", case.case.intermediates), ("outputs", case.case.outputs)):
        for name, tensor in tensors.items():
            if derived is None or name not in derived:
                stats.derived_skipped += 1
                stats.skipped_fields.add(f"{case.data.get('op')}:{name}")
                continue
            exact, mine = tensor.exact, derived[name]
            if len(mine) != len(exact):
                stats.derived_failed += 1
                failures.append(f"{case.path}: {case.id} {section}.{name}: {len(exact)} values, derived {len(mine)}")
                continue
            for i, (value, derived_value) in enumerate(zip(exact, mine)):
                derived_value = as_surd(derived_value)
                if derived_value == value:
                    stats.derived_ok += 1
                else:
                    stats.derived_failed += 1
                    failures.append(f"{case.path}: {case.id} {section}.{name}[{i}]: file {value}, derived {derived_value}")


# -------------------------------------------------------------- the tree

def validate_schema(root, path, data, validator_class):
    """Validate a family file against its JSON Schema (jsonschema package)."""
    try:
        schema = load_json(root / data.get("schema", ""))
    except VectorsError as error:
        raise InputError(str(error)) from None
    errors = sorted(validator_class(schema).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        where = list(errors[0].absolute_path)
        case_id = data["testGroups"][where[1]]["tests"][where[3]].get("id") if where[:1] == ["testGroups"] and len(where) > 3 else None
        raise InputError(f"{path}: {'case ' + str(case_id) + ', ' if case_id else ''}"
                         f"schema violation at {'/'.join(map(str, where))}: {errors[0].message[:200]}")


def print_summary(families):
    """One row per family."""
    print(f"\n{'family':<24}{'cases':>6}{'derived ok':>12}{'failed':>8}{'skipped':>9}{'rounding ok':>13}{'failed':>8}")
    for family, stats in families.items():
        print(f"{family:<24}{stats.cases:>6}{stats.derived_ok:>12}{stats.derived_failed:>8}{stats.derived_skipped:>9}"
              f"{stats.rounding_ok:>13}{stats.rounding_failed:>8}")
    skipped = sorted(set().union(*(s.skipped_fields for s in families.values())))
    if skipped:
        print(f"not re-derived (counted as skipped): {', '.join(skipped)}")


def run(root, validator_class):
    """Every check over the tree: (families, failures); InputError/VectorsError for malformed input."""
    tree = VectorTree(root)
    families, failures = {}, []
    for name in tree.family_names():
        family = Family(tree, name)
        if validator_class is not None:
            validate_schema(tree.root, tree.root / family.path, load_json(tree.root / family.path), validator_class)
        stats = families.setdefault(family.name, Stats())
        for raw in family.cases:
            case = Case(family.path, raw)
            stats.cases += 1
            check_rounding(case, stats, failures)
            check_derivation(case, stats, failures)
    return tree, families, failures


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
        tree, families, failures = run(root, validator_class)
    except (InputError, VectorsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"manifest: {len(families)} files, generator {tree.generator['name']} {tree.generator['version']}; "
          "SHA-256, case counts, versions and paths ok, no unlisted file"
          + ("; schemas ok" if validator_class is not None else ""))
    print_summary(families)
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
