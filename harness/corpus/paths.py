"""Where the corpus is: the case folders and the native helpers, in a clone of the repository."""

import os
from pathlib import Path

#: The repository root (cases/ and native/ live here).
ROOT = Path(__file__).resolve().parent.parent.parent
CASES_DIR = Path(os.environ.get("CRASHCOURSE_CASES") or ROOT / "cases").resolve()
NATIVE_DIR = ROOT / "native"
