"""The lenses: each a way to run a case and what it lets you see. Names are part of the CLI contract."""

from __future__ import annotations

from harness.errors import UsageError
from harness.lenses.asan import AsanLens
from harness.lenses.asyncio_debug import AsyncioDebugLens
from harness.lenses.base import Lens
from harness.lenses.fanalyzer import FanalyzerLens
from harness.lenses.native import (
    DrdLens,
    GdbLens,
    HelgrindLens,
    LsanLens,
    MsanLens,
    StraceLens,
    TsanLens,
    UbsanLens,
    ValgrindLens,
)
from harness.lenses.plain import PlainLens

LENSES: dict[str, Lens] = {
    lens.name: lens
    for lens in (
        PlainLens(), AsanLens(), GdbLens(), ValgrindLens(), StraceLens(), TsanLens(), FanalyzerLens(),
        UbsanLens(), LsanLens(), MsanLens(), HelgrindLens(), DrdLens(), AsyncioDebugLens(),
    )  # fmt: skip
}


def get_lens(name: str) -> Lens:
    try:
        return LENSES[name]
    except KeyError:
        raise UsageError(f"unknown lens '{name}'; known lenses: {', '.join(LENSES)}") from None
