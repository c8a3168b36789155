"""Tracks: ordered paths through the corpus for a workshop (`cases/tracks.toml`, or a trainer's own file).

    [[track]]
    id = "reading-crashes"
    title = "Reading crashes"
    description = "one sentence"
    cases = [ { id = "sigfpe-divide", difficulty = 1 }, ... ]

A track's cases are taken in the file's order. Validation happens on load; every error is one line
naming the file and the field (exit 2), like a case manifest's.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from harness.corpus.manifest import ID_RE
from harness.corpus.paths import cases_dir
from harness.errors import ManifestError, UsageError

FILE = "tracks.toml"
TRACK_KEYS = {"id", "title", "description", "cases"}
ENTRY_KEYS = {"id", "difficulty"}
DIFFICULTIES = range(1, 4)  # 1 (first steps) .. 3 (hardest)


@dataclass(frozen=True)
class TrackCase:
    id: str
    difficulty: int


@dataclass(frozen=True)
class Track:
    id: str
    title: str
    description: str
    cases: tuple[TrackCase, ...]

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.cases]


def default_path() -> Path:
    return cases_dir() / FILE


def load_tracks(path: Path | None = None, known_ids: Iterable[str] | None = None) -> list[Track]:
    """Every track of the file; `known_ids` (the corpus's case ids), when given, must hold every case named."""
    path = Path(path) if path is not None else default_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(path, None, "does not exist; write the tracks there, or give a file with --tracks FILE") from None
    except OSError as e:
        raise ManifestError(path, None, f"cannot be read ({e.strerror})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ManifestError(path, None, f"is not valid TOML ({e})") from None
    return parse_tracks(data, path, set(known_ids) if known_ids is not None else None)


def parse_tracks(data: dict, path: Path, known: set[str] | None = None) -> list[Track]:
    extra = sorted(set(data) - {"track"})
    if extra:
        raise ManifestError(path, extra[0], "is not a tracks field (the file holds [[track]] tables only)")
    raw = data.get("track")
    if not isinstance(raw, list) or not raw:
        raise ManifestError(path, "track", "is missing; write one [[track]] table per track")
    tracks: list[Track] = []
    seen: set[str] = set()
    for i, t in enumerate(raw):
        p = f"track[{i}]"
        if not isinstance(t, dict):
            raise ManifestError(path, p, "must be a table ([[track]])")
        unknown = sorted(set(t) - TRACK_KEYS)
        if unknown:
            raise ManifestError(path, f"{p}.{unknown[0]}", f"is not a track field (known: {', '.join(sorted(TRACK_KEYS))})")
        for key in ("id", "title", "description"):
            if key not in t:
                raise ManifestError(path, f"{p}.{key}", "is missing")
            if not isinstance(t[key], str) or not t[key].strip():
                raise ManifestError(path, f"{p}.{key}", "must be a non-empty string")
        tid = t["id"]
        if not ID_RE.match(tid):
            raise ManifestError(path, f"{p}.id", f"is '{tid}'; use lowercase letters, digits and dashes")
        if tid in seen:
            raise ManifestError(path, f"{p}.id", f"'{tid}' names two tracks; ids must be unique")
        seen.add(tid)
        entries = t.get("cases")
        if not isinstance(entries, list) or not entries:
            raise ManifestError(path, f"{p}.cases", 'must list the cases in order, e.g. [ { id = "double-free", difficulty = 1 } ]')
        cases: list[TrackCase] = []
        for j, e in enumerate(entries):
            q = f"{p}.cases[{j}]"
            if not isinstance(e, dict):
                raise ManifestError(path, q, 'must be a table like { id = "double-free", difficulty = 1 }')
            unknown = sorted(set(e) - ENTRY_KEYS)
            if unknown:
                raise ManifestError(path, f"{q}.{unknown[0]}", "is not a track entry field (known: id, difficulty)")
            cid = e.get("id")
            if not isinstance(cid, str) or not cid:
                raise ManifestError(path, f"{q}.id", "is missing; name a case folder")
            if known is not None and cid not in known:
                near = sorted(k for k in known if cid in k or k in cid)[:3]
                hint = f"; did you mean {', '.join(near)}?" if near else "; 'crashcourse list' shows them all"
                raise ManifestError(path, f"{q}.id", f"'{cid}' is not a case{hint}")
            if any(c.id == cid for c in cases):
                raise ManifestError(path, f"{q}.id", f"'{cid}' is listed twice in this track")
            diff = e.get("difficulty")
            if not isinstance(diff, int) or isinstance(diff, bool) or diff not in DIFFICULTIES:
                raise ManifestError(path, f"{q}.difficulty", f"must be an integer from {DIFFICULTIES[0]} to {DIFFICULTIES[-1]}")
            cases.append(TrackCase(cid, diff))
        tracks.append(Track(tid, t["title"].strip(), t["description"].strip(), tuple(cases)))
    return tracks


def find_track(tracks: list[Track], tid: str, path: Path | None = None) -> Track:
    for t in tracks:
        if t.id == tid:
            return t
    where = f" in {path}" if path else ""
    raise UsageError(f"unknown track '{tid}'{where}; known: {', '.join(t.id for t in tracks)}")
