#!/usr/bin/env python3
"""Measure frameworks against the vectors through the harness; write conformance/results/<name>.json.

    python3 conformance/run.py numpy torch-f64 torch-f32 onnxruntime jax jax-stable
    python3 conformance/run.py --compare numpy      # CI: the run must match the committed results

Every family of the vectors folder is run through `normlab_vectors.check`
with the framework's adapter. A results file records the date, the versions,
and for every case and field its status (pass, fail, n/a with the reason),
the worst ulp, the normwise error, the LRE and the excess over the bound;
conformance/render.py turns the results files into CONFORMANCE.md.
`--compare` runs without writing and exits 1 when any status differs from
the committed file (measured figures may differ in their last digits across
machines; statuses may not). Exit 2 on bad usage or a framework that is not
installed.
"""

import argparse
import datetime
import json
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "python"))
sys.path.insert(0, str(HERE))

from normlab_vectors import VectorsError, VectorTree, check, load_family  # noqa: E402

from adapters import ADAPTERS, load  # noqa: E402

RESULTS = HERE / "results"


def measure(adapter, tree):
    """Every family through the adapter: {family: {"op", "missing"?, "rows": [...]}}."""
    families = {}
    for name in tree.family_names():
        family = load_family(name, tree)
        if family.op not in adapter.ops:
            reason = adapter.missing_ops.get(family.op, f"no {family.op} operation")
            families[name] = {"op": family.op, "missing": reason, "cases": len(family.cases)}
            continue
        if not any(case.precision in adapter.precisions for case in family):
            families[name] = {"op": family.op, "cases": len(family.cases),
                              "missing": f"no {'/'.join(adapter.precisions)} case in the family"}
            continue
        report = check(adapter.run, family, cases=lambda case: case.precision in adapter.precisions)
        families[name] = {"op": family.op, "rows": report.to_dict()["rows"]}
    return families


def run(name, tree):
    adapter = load(name)
    return {"framework": name, "title": adapter.title, "versions": adapter.versions(),
            "python": platform.python_version(), "machine": f"{platform.system()} {platform.machine()}",
            "date": datetime.date.today().isoformat(), "generator": tree.generator,
            "settings": adapter.setting_notes(), "families": measure(adapter, tree)}


def dumps(result):
    """The results as JSON with one (case, field) row per line: small, and diffs read row by row."""
    head = {key: value for key, value in result.items() if key != "families"}
    lines = ["{" + json.dumps(head, ensure_ascii=False)[1:-1] + ', "families": {']
    for position, (family, entry) in enumerate(result["families"].items()):
        rows = entry.get("rows")
        summary = json.dumps({k: v for k, v in entry.items() if k != "rows"}, ensure_ascii=False)
        if rows is None:
            lines.append(f" {json.dumps(family)}: {summary}")
        else:
            body = ",\n".join("  " + json.dumps(row, ensure_ascii=False) for row in rows)
            lines.append(f" {json.dumps(family)}: {summary[:-1]}, \"rows\": [\n{body}]}}")
        if position < len(result["families"]) - 1:
            lines[-1] += ","
    lines.append("}}")
    return "\n".join(lines) + "\n"


def statuses(result):
    return {(family, row["case"], row["field"]): row["status"]
            for family, entry in result["families"].items() for row in entry.get("rows", [])} | \
           {(family, "*", "*"): "missing" for family, entry in result["families"].items() if "missing" in entry}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("frameworks", nargs="+", choices=sorted(ADAPTERS))
    parser.add_argument("--compare", action="store_true", help="compare with the committed results, write nothing")
    parser.add_argument("--vectors", type=Path, default=None, help="the vectors folder (default: the repository's)")
    args = parser.parse_args()
    try:
        tree = VectorTree(args.vectors)
    except VectorsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    differences = 0
    for name in args.frameworks:
        try:
            result = run(name, tree)
        except ImportError as error:
            print(f"error: {name}: the framework is not installed ({error})", file=sys.stderr)
            return 2
        path = RESULTS / f"{name}.json"
        rows = [row for entry in result["families"].values() for row in entry.get("rows", [])]
        counts = {status: sum(1 for row in rows if row["status"] == status) for status in ("pass", "fail", "n/a")}
        print(f"{name}: {counts['pass']} fields pass, {counts['fail']} fail, {counts['n/a']} not applicable "
              f"({', '.join(f'{k} {v}' for k, v in result['versions'].items())})")
        if args.compare:
            committed = statuses(json.loads(path.read_text())) if path.is_file() else {}
            now = statuses(result)
            for key in sorted(set(committed) | set(now)):
                if committed.get(key) != now.get(key):
                    differences += 1
                    print(f"  differs: {'/'.join(key)}: committed {committed.get(key)}, now {now.get(key)}")
        else:
            RESULTS.mkdir(exist_ok=True)
            path.write_text(dumps(result))
            print(f"  wrote {path.relative_to(HERE.parent)}")
    if args.compare and differences:
        print(f"{differences} statuses differ from conformance/results: re-run conformance/run.py and "
              "conformance/render.py, and review the change")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
