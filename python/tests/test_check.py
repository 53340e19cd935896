"""check(): the tolerance policy on hand-made results, and what a report says."""

import math
import unittest

from normlab_vectors import NotApplicable, VectorsError, check, load_family
from normlab_vectors.metrics import measure


def own_values(case):
    """The vectors' own correctly rounded values for every field they give."""
    return {field: case.expected(field).floats() for field in case.tolerance if case.expected(field) is not None}


class OwnValuesTests(unittest.TestCase):
    def test_every_family_passes_on_its_own_values(self):
        from normlab_vectors import family_names
        for name in family_names():
            with self.subTest(family=name):
                report = check(own_values, name)
                self.assertTrue(report.ok, report.text(passing=False))
                self.assertEqual(report.failures, [])


class PolicyTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.family = load_family("batchnorm_train_2d")

    def measure(self, slug, field, change):
        case = self.family.case(slug)
        values = list(case.expected(field).floats())
        change(values)
        return case, measure(values, case.expected(field), case.precision)

    def test_one_ulp_off(self):
        case, m = self.measure("integers-4x2", "y", lambda v: v.__setitem__(2, math.nextafter(v[2], math.inf)))
        self.assertEqual(m.max_ulp, 1)
        self.assertEqual(m.worst[0].index, (1, 0))
        self.assertGreater(m.normwise, 0)
        self.assertLess(m.normwise, 2 ** -52)

    def test_nan_is_infinitely_wrong(self):
        _, m = self.measure("integers-4x2", "y", lambda v: v.__setitem__(0, math.nan))
        self.assertEqual(m.max_ulp, math.inf)
        self.assertEqual(m.normwise, math.inf)
        self.assertEqual(m.lre, 0.0)

    def test_correctly_rounded_overflow_is_correct(self):
        # subnormal-no-eps: dx exceeds the double range; its correctly rounded value is ±inf.
        case = self.family.case("subnormal-no-eps")
        self.assertTrue(any(math.isinf(v) for v in case.expected("dx").floats()))
        report = check(own_values, self.family, fields=["dx"], cases=["subnormal-no-eps"])
        self.assertTrue(report.ok, report.text())
        flipped = lambda c: {"dx": [-v if math.isinf(v) else v for v in c.expected("dx").floats()]}  # noqa: E731
        report = check(flipped, self.family, fields=["dx"], cases=["subnormal-no-eps"])
        self.assertFalse(report.ok)
        self.assertEqual(report.failures[0].measure.normwise, math.inf)

    def test_underflow_allowance(self):
        # The correctly rounded subnormal mean misses 16·u relative by far, yet is as close as a float can be.
        case = self.family.case("subnormal")
        report = check(own_values, self.family, fields=["mean"], cases=["subnormal"])
        row = report.rows[0]
        self.assertGreater(row.measure.normwise, row.tolerance.bound)
        self.assertEqual(row.status, "pass")
        self.assertEqual(row.reason, "within the underflow allowance")
        # The bound 16·u·⌈log₂ 4⌉ = 32·u allows 32 roundings: 16 quanta η below the normal range.
        # The mean is about 4 η; 40 η is 36 η off, beyond what 32 roundings can cost.
        values = case.expected("mean").floats()
        self.assertEqual(values[0], 4 * 5e-324)
        within = check(lambda c: {"mean": [values[0] * 4]}, self.family, fields=["mean"], cases=["subnormal"])
        self.assertEqual(within.rows[0].status, "pass")
        beyond = check(lambda c: {"mean": [values[0] * 10]}, self.family, fields=["mean"], cases=["subnormal"])
        self.assertEqual(beyond.rows[0].status, "fail")

    def test_zero_exact_tensor_uses_the_absolute_norm(self):
        case = self.family.case("zero-gradient")
        self.assertTrue(all(v.is_zero() for v in case.expected("dx").exact))
        small = check(lambda c: {"dx": [1e-17] * 8}, self.family, fields=["dx"], cases=["zero-gradient"])
        self.assertTrue(small.ok)
        self.assertAlmostEqual(small.rows[0].measure.normwise, 1e-17 * math.sqrt(8), delta=1e-30)
        large = check(lambda c: {"dx": [1e-3] * 8}, self.family, fields=["dx"], cases=["zero-gradient"])
        self.assertFalse(large.ok)

    def test_float32_results_are_judged_in_float32(self):
        family = load_family("batchnorm_train_f32")
        # float64 values that round to the expected float32 ones pass exactly.
        nudged = lambda c: {"running_mean": [v * (1 + 2 ** -40) for v in c.expected("running_mean").floats()]}  # noqa
        report = check(nudged, family, fields=["running_mean"])
        self.assertTrue(report.ok)
        self.assertEqual(max(r.measure.max_ulp for r in report.checked), 0)


class ReportTests(unittest.TestCase):
    def test_failure_names_case_field_element_side_by_side(self):
        def wrong(case):
            y = list(case.expected("y").floats())
            y[5] += 0.25
            return {"y": y}
        report = check(wrong, "batchnorm_train_2d", fields=["y"], cases=["integers-4x2"])
        self.assertFalse(report.ok)
        text = report.text()
        self.assertIn("FAIL batchnorm_train_2d/integers-4x2 field y", text)
        self.assertIn("y[2, 1]", text)
        case = report.rows[0].case
        expected = case.expected("y").floats()[5]
        self.assertIn(repr(expected) if len(repr(expected)) > 17 else f"{expected:.17g}", text)
        self.assertIn(f"{expected + 0.25:.17g}", text)
        self.assertIn(str(case.expected("y").exact[5])[:20], text)
        with self.assertRaises(AssertionError):
            report.assert_ok()

    def test_unknown_field_and_nothing_checked_are_errors(self):
        with self.assertRaises(VectorsError) as raised:
            check(lambda c: {}, "batchnorm_train_2d", fields=["zz"])
        self.assertIn("zz", str(raised.exception))
        with self.assertRaises(VectorsError):
            check(lambda c: {}, "batchnorm_train_2d", fields=[])
        report = check(lambda c: {}, "batchnorm_train_2d")
        self.assertFalse(report.ok)
        self.assertIn("nothing was checked", report.text())

    def test_requested_field_not_returned_fails(self):
        report = check(lambda c: {"y": c.expected("y").floats()}, "batchnorm_train_2d", fields=["y", "dx"])
        self.assertFalse(report.ok)
        self.assertEqual({r.status for r in report.rows if r.field == "dx"}, {"missing"})

    def test_not_applicable_is_neither_pass_nor_fail(self):
        def partial(case):
            if "batch-of-one" in case.flags:
                raise NotApplicable("refuses one value per channel")
            return {"y": case.expected("y").floats(), "dx": NotApplicable("no gradients")}
        report = check(partial, "batchnorm_train_2d", fields=["y", "dx"])
        self.assertTrue(report.ok)
        reasons = {r.reason for r in report.with_status("n/a")}
        self.assertEqual(reasons, {"refuses one value per channel", "no gradients"})

    def test_wrong_size_or_shape_fails_with_a_reason(self):
        report = check(lambda c: {"y": [0.0]}, "batchnorm_train_2d", fields=["y"], cases=["integers-4x2"])
        self.assertIn("returned 1 values, expected 8", report.rows[0].reason)
        try:
            import numpy as np
        except ImportError:
            return
        transposed = lambda c: {"y": c.expected("y").array().T}                              # noqa: E731
        report = check(transposed, "batchnorm_train_2d", fields=["y"], cases=["integers-4x2"])
        self.assertIn("returned shape [2, 4], expected [4, 2]", report.rows[0].reason)
        column = lambda c: {"mean": np.array(c.expected("mean").floats()).reshape(-1, 1)}     # noqa: E731
        self.assertTrue(check(column, "batchnorm_train_2d", fields=["mean"], cases=["integers-4x2"]).ok)


if __name__ == "__main__":
    unittest.main()
