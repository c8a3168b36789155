"""The lenses: each a way to run a case and what it lets you see. Names are part of the CLI contract.

Which lenses exist, and what they run, is the catalogue's (harness.corpus.catalog); this package
implements them. A lens's module is imported only when the lens is named, so a one-lens run does
not pay for the others.
"""

from __future__ import annotations

import functools
import importlib

from harness.corpus.catalog import LENS_INFO, lens_info

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a run's start-up does without it
if TYPE_CHECKING:
    from harness.lenses.base import Lens

# lens name -> (module of harness.lenses, class)
IMPLEMENTATIONS: dict[str, tuple[str, str]] = {
    "plain": ("plain", "PlainLens"),
    "asan": ("asan", "AsanLens"),
    "gdb": ("native", "GdbLens"),
    "valgrind": ("native", "ValgrindLens"),
    "strace": ("native", "StraceLens"),
    "tsan": ("native", "TsanLens"),
    "fanalyzer": ("fanalyzer", "FanalyzerLens"),
    "ubsan": ("native", "UbsanLens"),
    "lsan": ("native", "LsanLens"),
    "msan": ("native", "MsanLens"),
    "helgrind": ("native", "HelgrindLens"),
    "drd": ("native", "DrdLens"),
    "asyncio-debug": ("asyncio_debug", "AsyncioDebugLens"),
}
NAMES = tuple(LENS_INFO)


@functools.cache
def get_lens(name: str) -> Lens:
    """The lens called `name` (its module imported now); an unknown name is a UsageError (exit 2)."""
    lens_info(name)  # unknown: the one-line error
    module, cls = IMPLEMENTATIONS[name]
    return getattr(importlib.import_module(f"harness.lenses.{module}"), cls)()


def all_lenses() -> dict[str, Lens]:
    """Every lens, in catalogue order (imports them all: for listings, not for a run)."""
    return {name: get_lens(name) for name in NAMES}
