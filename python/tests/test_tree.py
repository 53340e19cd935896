"""A vectors tree is used only after its manifest checks out: each broken rule is one clear error."""

import json
import shutil
import tempfile
import unittest
from pathlib import Path

from normlab_vectors import VectorsError, VectorTree, default_vectors_dir, load_family


class TamperedTreeTests(unittest.TestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp())
        self.root = self.folder / "vectors"
        shutil.copytree(default_vectors_dir(), self.root)
        self.manifest = json.loads((self.root / "manifest.json").read_text())

    def tearDown(self):
        shutil.rmtree(self.folder)

    def rewrite(self, change):
        change(self.manifest)
        (self.root / "manifest.json").write_text(json.dumps(self.manifest, indent=2))

    def refused(self, *phrases):
        with self.assertRaises(VectorsError) as raised:
            VectorTree(self.root)
        message = str(raised.exception)
        self.assertNotIn("\n", message)
        for phrase in phrases:
            self.assertIn(phrase, message)
        return message

    def test_the_committed_tree_is_accepted(self):
        tree = VectorTree(self.root)
        self.assertEqual(len(tree.family_names()), self.manifest["numberOfFiles"])

    def test_a_vendored_copy_loads_by_path_or_environment(self):
        import os
        from unittest import mock
        family = load_family("dropout_mask", str(self.root))
        self.assertEqual(family.tree.root, self.root)
        self.assertEqual(len(family), self.manifest["files"][8]["numberOfTests"])
        with mock.patch.dict(os.environ, {"NORMLAB_VECTORS": str(self.root)}):
            self.assertEqual(default_vectors_dir(), self.root)

    def test_entry_without_sha256(self):
        self.rewrite(lambda m: m["files"][3].pop("sha256"))
        self.refused("files[3]", "missing \"sha256\"")

    def test_paths_must_stay_inside(self):
        outside = self.folder / "batchnorm_train_2d.json"
        shutil.copy(self.root / "normalization/batchnorm_train_2d.json", outside)
        self.rewrite(lambda m: m["files"][0].__setitem__("path", "../batchnorm_train_2d.json"))
        self.refused("files[0]", "'..'")
        self.rewrite(lambda m: m["files"][0].__setitem__("path", str(outside)))
        self.refused("files[0]", "absolute")

    def test_generator_version_must_agree_with_the_files(self):
        self.rewrite(lambda m: m["generator"].__setitem__("version", "0.2.0"))
        tree = VectorTree(self.root)                      # the manifest alone is well formed …
        with self.assertRaises(VectorsError) as raised:   # … but no family file was made by 0.2.0
            load_family(tree.family_names()[0], tree)
        self.assertIn("generator", str(raised.exception))

    def test_unlisted_files_are_reported(self):
        (self.root / "normalization/extra.json").write_text("{}")
        self.refused("normalization/extra.json", "not listed")
        (self.root / "normalization/extra.json").unlink()
        (self.root / "newarea").mkdir()
        (self.root / "newarea/x.json").write_text("{}")
        self.refused("newarea/x.json", "not listed")

    def test_edited_file_and_wrong_counts(self):
        path = self.root / "regression/ridge.json"
        path.write_text(path.read_text().replace("ridge", "ridge ", 1))
        self.refused("ridge.json", "SHA-256")

    def test_malformed_fields(self):
        self.rewrite(lambda m: m["files"][0].__setitem__("numberOfTests", "14"))
        self.refused("numberOfTests", "non-negative integer")

    def test_missing_file_and_bad_json(self):
        (self.root / "regression/ridge.json").unlink()
        self.refused("ridge.json", "missing")
        (self.root / "manifest.json").write_text('{"files": [')
        self.refused("manifest.json", "not JSON")


if __name__ == "__main__":
    unittest.main()
