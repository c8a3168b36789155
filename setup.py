"""Packaging: pyproject.toml says everything but one step, done here: the corpus goes into the package.

cases/, native/ and docs/scoreboard/ stay at the repository root, where people edit them. Building a
wheel (or installing an sdist, which carries them: MANIFEST.in) copies them into the package as
harness/_corpus/, so an installed crashcourse has under harness/_corpus/ the layout a clone has at
its root, and works from any folder (harness/corpus/paths.py finds one or the other). An editable
install (`pip install -e .`) copies nothing: it runs from the clone.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
CORPUS = ("cases", "native", "docs/scoreboard")  # what `show`, `run`, `truth` and `score` read
IGNORE = shutil.ignore_patterns("__pycache__", "*.py[co]", "core", "core.[0-9]*", "vgcore.*", "build", ".*")


class build_py_with_corpus(build_py):
    """build_py, then the corpus copied into <build>/harness/_corpus/."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        dest = Path(self.build_lib) / "harness" / "_corpus"
        shutil.rmtree(dest, ignore_errors=True)  # a case removed since the last build must not linger
        for rel in CORPUS:
            src = HERE / rel
            if not src.is_dir():
                raise SystemExit(f"setup.py: {src} is missing: build from a clone or from the sdist, which carry {', '.join(CORPUS)}")
            shutil.copytree(src, dest / rel, dirs_exist_ok=True, ignore=IGNORE)

    def get_outputs(self, include_bytecode=True):
        out = super().get_outputs(include_bytecode)
        dest = Path(self.build_lib) / "harness" / "_corpus"
        return out + ([str(p) for p in dest.rglob("*") if p.is_file()] if dest.is_dir() else [])


setup(cmdclass={"build_py": build_py_with_corpus})
