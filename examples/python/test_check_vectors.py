"""check_vectors.py on a tampered tree: exit 2 and one line on stderr naming the manifest entry and the rule.

    python3 -m unittest discover -s examples/python -p "test_*.py"
"""

import json
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
VECTORS = HERE.parents[1] / "vectors"


class TamperedTreeTests(unittest.TestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp())
        self.root = self.folder / "vectors"
        shutil.copytree(VECTORS, self.root)

    def tearDown(self):
        shutil.rmtree(self.folder)

    def edit_manifest(self, change):
        path = self.root / "manifest.json"
        manifest = json.loads(path.read_text())
        change(manifest)
        path.write_text(json.dumps(manifest, indent=2))

    def assert_refused(self, *phrases):
        result = subprocess.run([sys.executable, str(HERE / "check_vectors.py"), str(self.root)],
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        lines = result.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        for phrase in phrases:
            self.assertIn(phrase, lines[0])

    def test_entry_without_sha256(self):
        self.edit_manifest(lambda m: m["files"][3].pop("sha256"))
        self.assert_refused("files[3] (normalization/batchnorm_eval.json)", "missing \"sha256\"")

    def test_parent_and_absolute_paths(self):
        self.edit_manifest(lambda m: m["files"][0].__setitem__("path", "../x/batchnorm_train_2d.json"))
        self.assert_refused("files[0]", "'..'")
        self.edit_manifest(lambda m: m["files"][0].__setitem__("path", "/etc/batchnorm_train_2d.json"))
        self.assert_refused("files[0]", "absolute")

    def test_changed_generator_version(self):
        self.edit_manifest(lambda m: m["generator"].__setitem__("version", "0.2.0"))
        self.assert_refused("generator", "0.2.0")

    def test_files_not_in_the_manifest(self):
        (self.root / "newarea").mkdir()
        (self.root / "newarea" / "x.json").write_text("{}")
        self.assert_refused("newarea/x.json", "not listed in manifest.json")


if __name__ == "__main__":
    unittest.main()
