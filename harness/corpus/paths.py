"""Where the corpus is. Every module asks these functions; none keeps a path of its own.

    root()        the corpus root: cases/, native/ and docs/scoreboard/ live under it
    cases_dir()   the case folders: $CRASHCOURSE_CASES, else root()/cases
    native_dir()  native/main.c and the native build recipes (native/luajit-old)
    is_clone()    True in a git checkout, where --bless may write

Two layouts:

- a clone of the repository (or `pip install -e .`): root() is the checkout, the folder that holds
  harness/, cases/, native/ and pyproject.toml;
- an installed package (a wheel or an sdist install): the build copied cases/, native/ and
  docs/scoreboard/ into the package as harness/_corpus/ (setup.py, `build_py`), and root() is that
  folder. Paths under it read the same as in a clone (`cases/double-free/repro.c`), so snapshots,
  SARIF and the manifests' `native/luajit-old` mean the same thing in both.

The functions read the environment each time they are called (a test or a command may set
$CRASHCOURSE_CASES after import). ROOT, CASES_DIR and NATIVE_DIR are the same answers taken once at
import, kept for code written before these functions existed; new code calls the functions.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from harness.errors import UsageError

CASES_ENV = "CRASHCOURSE_CASES"
CACHE_ENV = "CRASHCOURSE_CACHE"
#: The installed package (the `harness` folder).
PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: Where a wheel or sdist install keeps its copy of the corpus (written by setup.py at build time).
BUNDLED_DIR = PACKAGE_DIR / "_corpus"
_CHECKOUT = PACKAGE_DIR.parent


def _is_checkout(folder: Path) -> bool:
    return (folder / "pyproject.toml").is_file() and (folder / "cases").is_dir() and (folder / "native").is_dir()


def root() -> Path:
    """The corpus root: the checkout this package runs from, else the copy installed with it.

    When neither exists (a package built without its corpus) this is the checkout's would-be path,
    and cases_dir() names a folder that does not exist: the commands then say so (empty_corpus)."""
    if _is_checkout(_CHECKOUT):
        return _CHECKOUT
    if (BUNDLED_DIR / "cases").is_dir():
        return BUNDLED_DIR
    return _CHECKOUT


def installed() -> bool:
    """True when the corpus is the copy inside an installed package (no checkout around it)."""
    return root() == BUNDLED_DIR


def cases_dir() -> Path:
    """The folder of case folders: $CRASHCOURSE_CASES when set, else root()/cases."""
    return Path(os.environ.get(CASES_ENV) or root() / "cases").resolve()


def native_dir() -> Path:
    """native/: main.c (the standalone executables' entry point) and the native build recipes."""
    return root() / "native"


def scoreboard_dir() -> Path:
    """docs/scoreboard/: the stored scoring runs (`crashcourse score --bless` writes them)."""
    return root() / "docs" / "scoreboard"


def _git_checkout_of(folder: Path) -> Path | None:
    for p in (folder, *folder.parents):
        if (p / ".git").exists():  # a directory in a clone, a file in a worktree
            return p
    return None


def is_clone(folder: Path | None = None) -> bool:
    """True when `folder` (default: the corpus root) is in a writable git checkout."""
    folder = (folder or root()).resolve()
    return _git_checkout_of(folder) is not None and os.access(folder, os.W_OK)


def require_clone(command: str, folder: Path | None = None) -> None:
    """`--bless` writes into the corpus (snapshots, natural.json, the stored scoreboard): only in a clone.

    In an installed package (or any folder outside a writable git checkout) it is a UsageError (exit 2)."""
    folder = (folder or root()).resolve()
    if is_clone(folder):
        return
    what = "the installed package's copy of the corpus" if folder.is_relative_to(BUNDLED_DIR) else "not in a writable git checkout"
    raise UsageError(
        f"{command}: --bless writes into the corpus, and {folder} is {what}; clone the repository and run it "
        f"from the clone (or point {CASES_ENV} at case folders in a git checkout of your own)"
    )


def empty_corpus(folder: Path | None = None) -> UsageError:
    """The one-line error for a corpus with no case in it: where we looked, and how to point at one."""
    folder = folder or cases_dir()
    if os.environ.get(CASES_ENV):
        source = f"from {CASES_ENV}"
    elif installed():
        source = "the corpus installed with the package"
    elif _is_checkout(_CHECKOUT):
        source = "the clone's cases/"
    else:
        source = "this package was installed without its corpus"
    state = ("does not exist" if not folder.exists() else "is not a folder" if not folder.is_dir()
             else "has no case folder (a folder with a case.toml)")  # fmt: skip
    return UsageError(
        f"crashcourse: no cases: {folder} ({source}) {state}; point {CASES_ENV} at a folder of case folders, "
        f"or install crashcourse with its corpus (pip install crashcourse, or pip install . in a clone)"
    )


# Taken once at import; kept for older callers. Call root(), cases_dir(), native_dir() instead.
ROOT = root()
CASES_DIR = cases_dir()
NATIVE_DIR = native_dir()


def cache_root() -> Path:
    """Where builds, fetched sources, probe results, compilers' version answers and parsed manifests are
    kept: $CRASHCOURSE_CACHE, else the user's cache folder (platformdirs: ~/.cache/crashcourse on Linux,
    honouring $XDG_CACHE_HOME; ~/Library/Caches/crashcourse on macOS)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    import platformdirs

    return Path(platformdirs.user_cache_dir("crashcourse", appauthor=False))


def write_atomically(path: Path, text: str) -> None:
    """Write a file whole or not at all (a private temporary beside it, then a rename), its folder made
    first: a reader, or another command writing the same file, never sees it half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def sha256(data: bytes = b""):
    """hashlib.sha256 for the cache's keys, from Python's own implementation where it has one: hashlib
    loads OpenSSL (_hashlib) on import, a few ms of every command's start-up. The digest is the same."""
    try:
        from _sha256 import sha256 as impl  # CPython 3.11; 3.12 calls it _sha2
    except ImportError:
        try:
            from _sha2 import sha256 as impl
        except ImportError:  # a Python built without its own hashes
            from hashlib import sha256 as impl
    return impl(data)


def file_identity(path: str) -> str | None:
    """A binary as a cache key: its real path, size and modification time (an update or a switch of
    update-alternatives is another binary); None when it cannot be read."""
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except OSError:
        return None
    return f"{real}:{st.st_size}:{st.st_mtime_ns}"


def remembered(store: Path, key: str, valid: Callable[[object], bool], ask: Callable[[], object]):
    """An answer kept in a JSON file of the cache folder, under key: read back when `valid` says it is
    one, else asked for and kept (an answer of None is returned, not kept). A command then does not ask
    again what an earlier one learnt (a compiler's version, the interpreter's paths)."""
    try:
        known = json.loads(store.read_text())
    except (OSError, ValueError):
        known = {}
    if valid(known.get(key)):
        return known[key]
    out = ask()
    if out is not None:
        with contextlib.suppress(OSError):
            write_atomically(store, json.dumps({**known, key: out}, sort_keys=True))
    return out
