"""Build the case's C library at run time, for the profile the harness runs; returns its path.

gcc -shared in the child's temporary directory (about a tenth of a second, so no cache);
under the asan profile the library is built with -fsanitize=address (libasan is preloaded
into the Python child by the asan lens). $CC is the corpus's compiler, set by the harness.
"""

import os
import subprocess
from pathlib import Path


def build(source: Path) -> str:
    profile = os.environ.get("CRASHCOURSE_PROFILE", "cpython")
    flags = ["-O0", "-g", "-fno-omit-frame-pointer"]
    if profile == "asan":
        flags.append("-fsanitize=address")
    out = Path.cwd() / f"lib{source.stem}.so"
    cc = os.environ.get("CC", "gcc")
    subprocess.run([cc, "-shared", "-fPIC", *flags, "-o", str(out), str(source)], check=True)
    return str(out)
