"""The harness on a correct implementation and on broken ones: each bug caught by the flag meant to catch it.

`careful.Careful` computes exactly and rounds once (correct); each switch
plants one bug. A test asserts that the correct version passes, and that the
broken one fails on every case carrying the flag whose note says it catches
that bug (vectors/README.md, "Flags"), in the field the bug corrupts.
"""

import unittest

from normlab_vectors import check, load_family

from .careful import Careful

APPLICABLE = ["batchnorm_train_2d", "batchnorm_train_4d", "batchnorm_train_f32", "batchnorm_eval", "layernorm",
              "groupnorm", "running_stats", "dropout_mask"]


def failing_cases(report):
    return {row.case.slug for row in report.failures}


def flagged(family, flag):
    return {case.slug for case in load_family(family).cases if flag in case.flags}


class CorrectImplementationTests(unittest.TestCase):
    def test_passes_every_family_it_applies_to(self):
        for family in APPLICABLE:
            with self.subTest(family=family):
                report = check(Careful(), family)
                self.assertTrue(report.ok, report.text(passing=False))
                self.assertEqual(report.with_status("n/a", "unchecked"), [])

    def test_flags_used_below_exist_and_say_what_they_catch(self):
        notes = {name: load_family(name).notes for name in APPLICABLE}
        self.assertIn("wrong axis", notes["batchnorm_train_2d"]["integers"]["catches"])
        self.assertIn("wrong axes", notes["batchnorm_train_4d"]["conv"]["catches"])
        self.assertIn("biased vs unbiased", notes["running_stats"]["framework-default"]["catches"])
        self.assertIn("inverted", notes["running_stats"]["framework-default"]["catches"])
        self.assertIn("outside the square root", notes["batchnorm_train_2d"]["tiny-variance"]["catches"])
        self.assertIn("1/(1 − p)", notes["dropout_mask"]["inverted-dropout"]["catches"])


class BrokenImplementationTests(unittest.TestCase):
    def assert_caught(self, implementation, family, field, flag, extra=None):
        """Every case flagged `flag` (that has `field`) fails, in `field`; returns the failing slugs."""
        report = check(implementation, family, fields=[field])
        failing = failing_cases(report)
        targets = {slug for slug in flagged(family, flag) if field in load_family(family).case(slug).tolerance}
        if extra is not None:
            targets &= extra
        self.assertTrue(targets, f"no {family} case flagged {flag}")
        self.assertLessEqual(targets, failing, f"{flag} cases not caught: {sorted(targets - failing)}")
        self.assertTrue(all(row.field == field for row in report.failures))
        return failing

    def test_wrong_axis(self):
        self.assert_caught(Careful(axis="features"), "batchnorm_train_2d", "y", "integers")

    def test_wrong_axes_for_convolutions(self):
        self.assert_caught(Careful(axis="batch-only"), "batchnorm_train_4d", "y", "conv")

    def test_unbiased_variance_used_to_normalise(self):
        self.assert_caught(Careful(normalize_unbiased=True), "batchnorm_train_2d", "y", "integers")

    def test_biased_variance_fed_to_an_unbiased_running_variance(self):
        unbiased = {c.slug for c in load_family("running_stats").cases
                    if c.convention_spec.running_var_estimator != "biased"}
        failing = self.assert_caught(Careful(running_var_biased=True), "running_stats", "running_var",
                                     "framework-default", extra=unbiased)
        self.assertEqual(failing, unbiased)          # and only those: the biased conventions still pass
        self.assert_caught(Careful(running_var_biased=True), "batchnorm_train_2d", "running_var",
                           "framework-default", extra={"integers-4x2"})

    def test_eps_outside_the_root(self):
        self.assert_caught(Careful(eps_outside=True), "batchnorm_train_2d", "y", "tiny-variance")

    def test_inverted_momentum(self):
        exponential = {c.slug for c in load_family("running_stats").cases
                       if c.convention_spec.averaging == "exponential"
                       and c.exact_param("momentum") * 2 != 1}      # f = 1/2 reads the same both ways
        failing = self.assert_caught(Careful(momentum_inverted=True), "running_stats", "running_mean",
                                     "framework-default", extra=exponential)
        self.assertEqual(failing, exponential)
        self.assert_caught(Careful(momentum_inverted=True), "batchnorm_train_2d", "running_mean",
                           "framework-default")

    def test_dropout_division_and_reciprocal_both_pass_within_one_ulp(self):
        divide, reciprocal = check(Careful(dropout="divide"), "dropout_mask"), \
            check(Careful(dropout="reciprocal"), "dropout_mask")
        self.assertTrue(divide.ok, divide.text())
        self.assertTrue(reciprocal.ok, reciprocal.text())
        # The allowance is needed: each way is 1 ulp from the correctly rounded value on some case
        # (fl(1 − p) is itself rounded when p = fl(0.1)), so an "exact" bound would reject both.
        for report in (divide, reciprocal):
            off = {(r.case.slug, r.field) for r in report.checked if r.measure.max_ulp == 1}
            self.assertTrue(off)
            self.assertEqual(max(r.measure.max_ulp for r in report.checked), 1)

    def test_dropout_scaled_by_keep_probability(self):
        self.assert_caught(Careful(dropout="keep-scale"), "dropout_mask", "y", "inverted-dropout",
                           extra={c.slug for c in load_family("dropout_mask").cases
                                  if c.word("mode") == "train" and c.exact_param("p") != 0})


if __name__ == "__main__":
    unittest.main()
