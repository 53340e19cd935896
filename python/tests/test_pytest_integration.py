"""The three-line pytest integration, run as a user would: a test file, pytest, its outcome."""

import importlib.util
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[1]

TEST_FILE = """
from normlab_vectors.testing import cases
@cases("dropout_mask")
def test_dropout(case): case.assert_close(my_dropout(case))

def my_dropout(case):
    import numpy as np
    x, dy, p = case.array("x"), case.array("dy"), case.param("p")
    train, inverted = case.word("mode") == "train", case.word("variant") == "inverted"
    mask = case.array("mask").reshape(case.shape("mask") + (1,) * (x.ndim - len(case.shape("mask"))))
    scale = (1 / (1 - p) if inverted else 1) if train else (1 if inverted else 1 - p)
    keep = mask if train else 1
    return {"y": x * keep * {scale}, "dx": dy * keep * scale}
"""


NAIVE_FILE = """
import numpy as np
from normlab_vectors.testing import cases

@cases("batchnorm_train_2d", xfail_flags=["huge-offset", "near-overflow", "subnormal"])
def test_naive_batchnorm(case):
    x, gamma, beta, eps = case.array("x"), case.array("gamma"), case.array("beta"), case.param("eps")
    with np.errstate(all="ignore"):
        mean = x.mean(axis=0)
        var = ((x - mean) ** 2).mean(axis=0)
        case.assert_close({"y": gamma * (x - mean) / np.sqrt(var + eps) + beta})
"""


@unittest.skipUnless(importlib.util.find_spec("pytest") and importlib.util.find_spec("numpy"),
                     "pytest and numpy are needed to run a user's test file")
class PytestIntegrationTests(unittest.TestCase):
    def run_pytest(self, scale_expression=None, text=None):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "test_user_dropout.py"
            path.write_text(text or textwrap.dedent(TEST_FILE).replace("{scale}", scale_expression))
            environment = dict(os.environ, PYTHONPATH=str(PACKAGE_ROOT), PYTHONDONTWRITEBYTECODE="1")
            return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(path)],
                                  capture_output=True, text=True, cwd=folder, env=environment, timeout=120)

    def test_one_test_per_case_and_a_correct_implementation_passes(self):
        result = self.run_pytest("scale")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("8 passed", result.stdout)

    def test_a_wrong_scale_fails_naming_case_field_and_element(self):
        result = self.run_pytest("(1 - p if train and inverted else scale)")        # scales by 1 − p
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("4 failed, 4 passed", result.stdout)
        self.assertIn("FAIL dropout_mask/inverted-half field y", result.stdout)
        self.assertIn("y[0, 0]", result.stdout)
        self.assertIn("received", result.stdout)

    def test_expected_failures_by_flag(self):
        # A naive two-pass batch norm: the huge-offset, near-overflow and subnormal cases fail, as expected.
        result = self.run_pytest(text=NAIVE_FILE)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("9 passed, 5 xfailed", result.stdout)


if __name__ == "__main__":
    unittest.main()
