"""What every adapter shares: the adapter shape, and reading a case's convention as settings."""

from fractions import Fraction

from normlab_vectors import NotApplicable, round_fraction


class Adapter:
    """A framework configured from the vectors' cases.

    name: the results file stem ("numpy", "torch-f64", …); title: how the
    report names it; precisions: the case precisions it runs; ops: op name →
    function(case) → {field: values} (raising NotApplicable for what the
    framework cannot express); missing_ops: op name → why the framework has
    no such operation.
    """

    name = title = ""
    precisions = ("f64", "f32")
    ops = {}
    missing_ops = {}

    def versions(self):
        raise NotImplementedError

    def setting_notes(self):
        """Sentences on how the adapter configures the framework (for the report)."""
        return []

    def run(self, case):
        if case.precision not in self.precisions:
            raise NotApplicable(f"{self.title} runs {'/'.join(self.precisions)} cases; this one is {case.precision}")
        return self.ops[case.op](case)


def exactly(value, precision):
    """A Fraction as the float of `precision` it exactly is, or None when it is not one."""
    rounded = round_fraction(Fraction(value), precision)
    return rounded if Fraction(rounded) == Fraction(value) else None


def factor_on_new(case):
    """The weight f of the batch statistic, R ← (1 − f)·R + f·B, from the case's momentum and convention.

    A decay d on the old value is the factor 1 − d; None when 1 − d is not
    exactly a float of the case's precision (then a framework taking a factor
    cannot be given this case's momentum).
    """
    spec = case.convention_spec
    momentum = case.exact_param("momentum")
    f = momentum if spec.momentum_weighs == "new" else 1 - momentum
    return exactly(f, case.precision)


def not_applicable_fields(fields, reason):
    return {field: NotApplicable(reason) for field in fields}
