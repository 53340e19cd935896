"""Build hook: bundle the repository's vectors/ into the package when built from a checkout.

`pip install ./python` then gives a package whose default vectors are the
ones of the checkout it was built from, checked against their manifest on
every load. Everything else is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithVectors(build_py):
    def run(self):
        super().run()
        source = Path(__file__).resolve().parent.parent / "vectors"
        if (source / "manifest.json").is_file():
            target = Path(self.build_lib) / "normlab_vectors" / "vectors"
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target)


setup(cmdclass={"build_py": BuildWithVectors})
