"""Discover stage: find the case folders, load their manifests, and select what to run."""

from __future__ import annotations

import fnmatch
from pathlib import Path

from harness.corpus.manifest import Case, load_case
from harness.corpus.paths import CASES_DIR
from harness.errors import UsageError


def case_dirs(root: Path = CASES_DIR) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def load_all(root: Path = CASES_DIR) -> list[Case]:
    """Every case; a malformed manifest stops everything with one clear line (a ManifestError)."""
    return [load_case(d) for d in case_dirs(root)]


def select(
    cases: list[Case],
    ids: list[str] | None = None,
    *,
    tags: list[str] | None = None,
    languages: list[str] | None = None,
    lenses: list[str] | None = None,
) -> list[Case]:
    """Cases by id (or glob: 'luajit-*'), tag, language, lens. Unknown ids are an error."""
    chosen = cases
    if ids:
        by_id = {c.id: c for c in cases}
        picked: list[Case] = []
        for want in ids:
            hits = [c for c in cases if fnmatch.fnmatchcase(c.id, want)] if any(ch in want for ch in "*?[") else (
                [by_id[want]] if want in by_id else []
            )
            if not hits:
                near = [c.id for c in cases if want in c.id or c.id in want][:3]
                hint = f"; did you mean {', '.join(near)}?" if near else "; 'crashcourse list' shows them all"
                raise UsageError(f"unknown case '{want}'{hint}")
            picked += [c for c in hits if c not in picked]
        chosen = picked
    if tags:
        chosen = [c for c in chosen if any(fnmatch.fnmatchcase(t, want) for t in c.tags for want in tags)]
    if languages:
        chosen = [c for c in chosen if c.language in languages]
    if lenses:
        chosen = [c for c in chosen if any(lens in c.lenses for lens in lenses)]
    return chosen
