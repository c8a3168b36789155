"""crashcourse: reproducible crash and concurrency bugs, each with its fixed twin.

The harness is a pipeline, one module per stage:

    discover  -> find case folders and load their manifests   (discover.py, manifest.py)
    build     -> compile C/C++ repros with cffi, cached by hash  (build.py)
    run       -> start the child under a lens, with limits       (run.py, lenses/)
    observe   -> signal, exit code, output, hang stacks          (run.py)
    diagnose  -> parse sanitizer / glibc / Python / gdb reports  (diagnose/)
    compare   -> expectation against observation                 (compare.py)
    report    -> rich table for people, JSON for programs        (report.py)
"""

import os as _os
from pathlib import Path

__version__ = "0.1.0"

#: The repository root (cases/ and native/ live here).
ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = Path(_os.environ.get("CRASHCOURSE_CASES") or ROOT / "cases").resolve()
NATIVE_DIR = ROOT / "native"
