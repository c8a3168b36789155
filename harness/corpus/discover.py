"""Discover stage: find the case folders, load their manifests, and select what to run."""

from __future__ import annotations

import fnmatch
from pathlib import Path

from harness.corpus import paths
from harness.corpus.manifest import Case, load_case
from harness.errors import UsageError


def case_dirs(root: Path | None = None) -> list[Path]:
    """The case folders under root (default: paths.cases_dir()), by name; [] when there is none."""
    root = paths.cases_dir() if root is None else root
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def load_all(root: Path | None = None) -> list[Case]:
    """Every case; a malformed manifest stops everything with one clear line (a ManifestError).

    Without root, the corpus (paths.cases_dir()): when it has no case, a UsageError (exit 2) says
    where it looked and how to point at one. An explicit root may be empty (returns [])."""
    dirs = case_dirs(root)
    if root is None and not any((d / "case.toml").is_file() for d in dirs):
        raise paths.empty_corpus()
    return [load_case(d) for d in dirs]


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
