"""The corpus's teaching content: exercises, tags and tracks (issue 16).

What a workshop participant gets instead of the answers (`[exercise]` in every case.toml), the
tags the filters use, and the learning paths in cases/tracks.toml. These tests read the real
corpus (harness.discover.load_all), nothing is run.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from functools import lru_cache

import pytest

from harness import CASES_DIR
from harness.discover import load_all
from harness.manifest import HINT_LEVELS, Case

LANGUAGE_TAG = {"c": "c", "cpp": "cpp", "python": "python", "lua": "lua"}
TRACKS = CASES_DIR / "tracks.toml"
TRACK_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@lru_cache(maxsize=1)
def cases() -> dict[str, Case]:
    return {c.id: c for c in load_all()}


def case_ids() -> list[str]:
    return sorted(cases())


# ---- (a) every case has an exercise, with all four hint levels ---------------------------------


@pytest.mark.parametrize("cid", case_ids())
def test_every_case_has_an_exercise_with_four_hints(cid: str) -> None:
    ex = cases()[cid].exercise
    assert ex is not None, f"{cid}: no [exercise] table"
    assert ex.title.strip() and ex.symptom.strip(), f"{cid}: empty exercise title or symptom"
    assert tuple(ex.hints) == HINT_LEVELS, f"{cid}: hints {list(ex.hints)}, want {list(HINT_LEVELS)}"
    for level in HINT_LEVELS:
        assert ex.hints[level].strip(), f"{cid}: exercise hint {level!r} is empty"


# ---- (b) the title does not name the bug -------------------------------------------------------

# Words of a case id that say where the program runs or what it does, not what is wrong with it
# ("dns" in allocation-size-too-big-dns, "vector" in container-overflow-vector). Every other word
# of the id names the bug, and a title may not use it.
NEUTRAL_ID_WORDS = {
    "arith", "async", "asyncgen", "backtrace", "by", "c", "cdata", "cffi", "coroutine", "count",
    "counter", "ctypes", "dns", "executor", "ffi", "finalizer", "frame", "from", "generator",
    "import", "in", "list", "literal", "logging", "loop", "luajit", "lupa", "mac", "moov", "mp",
    "msan", "of", "one", "packet", "path", "price", "printf", "queue", "reloc", "remove", "require",
    "self", "sentinel", "settings", "split", "string", "struct", "switch", "ubsan", "vector", "vla",
    "vs",
}  # fmt: skip
# Words of a diagnosis (kind) too general to give the answer away on their own.
GENERIC_KIND_WORDS = {"of", "in", "by", "vs", "use", "value", "call", "data", "size", "type", "non"}


def _word_forms(word: str) -> set[str]:
    """The forms of `word` a title could use: free/frees/freed/freeing, lock/locks/locked/locker."""
    forms = {word, word + "s", word + "es", word + "d", word + "ed", word + "ing", word + "er", word + "ers"}
    if word.endswith("e"):
        forms.add(word[:-1] + "ing")
    return forms


def forbidden_title_words(case: Case) -> set[str]:
    """The bug's own words: its expected kinds split on '-' (and other punctuation, for gcc's
    '-Wanalyzer-double-free' and '-Wformat='), plus the words of its id that name the bug."""
    words: set[str] = set()
    for e in case.expectations:
        kind = e.checks.get("kind")
        if e.variant == "bug" and kind and kind != "none":
            words |= {w.lower() for w in re.split(r"[^A-Za-z0-9]+", kind) if w}
    words -= GENERIC_KIND_WORDS
    words |= set(case.id.split("-")) - NEUTRAL_ID_WORDS
    return words


def title_giveaways(case: Case, title: str) -> list[str]:
    forbidden = forbidden_title_words(case)
    return [w for w in re.findall(r"[a-z0-9]+", title.lower()) if any(w in _word_forms(f) for f in forbidden)]


@pytest.mark.parametrize("cid", case_ids())
def test_exercise_title_does_not_name_the_bug(cid: str) -> None:
    case = cases()[cid]
    assert case.exercise is not None
    hits = title_giveaways(case, case.exercise.title)
    assert not hits, f"{cid}: exercise title {case.exercise.title!r} gives the bug away with {hits}"


@pytest.mark.parametrize(
    ("cid", "title"),
    [
        ("double-free", "A session store that frees twice"),  # kind double-free
        ("abba-lock-order", "Two bank threads and their locks"),  # kind deadlock: no; id word "lock"
        ("heap-slack-read", "A heap buffer reader"),  # kind heap-buffer-overflow, id word "read"
        ("signal-handler-errno", "A handler that spoils errno"),  # kind signal-handler-spoils-errno
        ("printf-missing-arg", "A -Wformat lesson"),  # kind -Wformat=, split on punctuation
    ],
)
def test_the_title_check_catches_a_giveaway(cid: str, title: str) -> None:
    assert title_giveaways(cases()[cid], title), f"{title!r} should be refused for {cid}"


# ---- hints that can be followed: the lens exists in the case, the lines are the flaw's ---------


@pytest.mark.parametrize("cid", case_ids())
def test_lens_hints_name_only_the_cases_lenses(cid: str) -> None:
    case = cases()[cid]
    assert case.exercise is not None
    named = re.findall(r"--lens ([a-z][a-z-]*)", case.exercise.hints["lens"])
    assert named, f"{cid}: the lens hint names no `--lens X` to run"
    for level, text in case.exercise.hints.items():
        for lens in re.findall(r"--lens ([a-z][a-z-]*)", text):
            assert lens in case.lenses, f"{cid}: hint {level!r} names --lens {lens}, not among {case.lenses}"


@pytest.mark.parametrize("cid", case_ids())
def test_where_hint_names_every_flaw_line(cid: str) -> None:
    """The participant's copy keeps repro.*'s line numbers, so "where" can name them: every
    flawed line of [flaw].locations must be in it, and every line it names must exist."""
    case = cases()[cid]
    assert case.exercise is not None and case.flaw is not None
    where = case.exercise.hints["where"]
    numbers = {int(n) for n in re.findall(r"\b\d+\b", where)}
    for loc in case.flaw.locations:
        assert loc.line in numbers, (
            f"{cid}: the where hint does not name line {loc.line} ({loc.at}): {where!r}"
        )
        if loc.file != case.variants["bug"]:
            assert loc.file in where, f"{cid}: the flaw is in {loc.file}; the where hint should say so"
    files = {case.variants["bug"], *(loc.file for loc in case.flaw.locations)}
    longest = max(len((case.path / f).read_text(encoding="utf-8").splitlines()) for f in files)
    for m in re.finditer(r"\blines? (\d+)(?:-(\d+))?", where):
        for n in filter(None, m.groups()):
            assert int(n) <= longest, f"{cid}: the where hint names line {n}, past the end of the file"


# ---- (c) every case carries its language tag ---------------------------------------------------


@pytest.mark.parametrize("cid", case_ids())
def test_every_case_carries_its_language_tag(cid: str) -> None:
    case = cases()[cid]
    assert LANGUAGE_TAG[case.language] in case.tags, (
        f"{cid}: tags {case.tags} lack {LANGUAGE_TAG[case.language]!r}"
    )


# ---- (d) one spelling per tag ------------------------------------------------------------------


def normalise_tag(tag: str) -> str:
    """callbacks ~ callback, uninitialised ~ uninitialized, data-race ~ data_race ~ DataRace."""
    t = tag.lower().replace("-", "").replace("_", "")
    t = t.replace("isation", "ization").replace("ise", "ize")
    return t[:-1] if t.endswith("s") else t


def spelling_variants(tags: list[str]) -> dict[str, set[str]]:
    forms: dict[str, set[str]] = defaultdict(set)
    for t in tags:
        forms[normalise_tag(t)].add(t)
    return {k: v for k, v in forms.items() if len(v) > 1}


def test_no_two_tags_are_spelling_variants() -> None:
    every = [t for c in cases().values() for t in c.tags]
    clashes = spelling_variants(every)
    assert not clashes, f"tags spelled more than one way: {sorted(map(sorted, clashes.values()))}"


def test_the_spelling_check_catches_variants() -> None:
    assert spelling_variants(["callback", "callbacks"])
    assert spelling_variants(["uninitialised", "uninitialized"])
    assert spelling_variants(["data-race", "data_race", "Data-Races"])
    assert spelling_variants(["serialisation", "serialization"])
    assert not spelling_variants(["async", "asyncio", "lock", "unlock"])


# ---- (e) tracks --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def tracks() -> list[dict]:
    with TRACKS.open("rb") as f:
        data = tomllib.load(f)
    assert set(data) == {"track"}, f"{TRACKS.name}: only [[track]] tables, found {sorted(data)}"
    return data["track"]


def test_tracks_have_unique_well_formed_ids() -> None:
    ids = [t.get("id") for t in tracks()]
    assert len(ids) == len(set(ids)), f"duplicate track ids: {sorted(i for i in ids if ids.count(i) > 1)}"
    for t in tracks():
        assert isinstance(t.get("id"), str) and TRACK_ID_RE.match(t["id"]), (
            f"track id {t.get('id')!r}: lowercase-dashes"
        )
        assert set(t) == {"id", "title", "description", "cases"}, f"{t['id']}: fields {sorted(t)}"
        assert isinstance(t["title"], str) and t["title"].strip(), f"{t['id']}: empty title"
        assert isinstance(t["description"], str) and t["description"].strip(), f"{t['id']}: empty description"
        assert t["cases"], f"{t['id']}: no cases"


def test_track_cases_exist_once_each_with_a_difficulty_1_to_3() -> None:
    known = set(cases())
    for t in tracks():
        in_track = [e.get("id") for e in t["cases"]]
        assert len(in_track) == len(set(in_track)), f"{t['id']}: a case listed twice"
        for e in t["cases"]:
            assert set(e) == {"id", "difficulty"}, f"{t['id']}: entry {e}"
            assert e["id"] in known, f"{t['id']}: no case {e['id']!r}"
            d = e["difficulty"]
            assert isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 3, (
                f"{t['id']}/{e['id']}: difficulty {d!r}"
            )


def test_tracks_go_from_easy_to_hard() -> None:
    for t in tracks():
        ds = [e["difficulty"] for e in t["cases"]]
        assert ds == sorted(ds), f"{t['id']}: difficulties {ds} are not in order, easy to hard"


def test_every_case_is_in_a_track() -> None:
    placed = {e["id"] for t in tracks() for e in t["cases"]}
    missing = sorted(set(cases()) - placed)
    assert not missing, f"cases in no track of {TRACKS.name}: {missing}"


def test_the_required_tracks_exist() -> None:
    ids = {t["id"] for t in tracks()}
    for tid in ("reading-crashes", "memory-c", "threads-and-locks", "asyncio-and-trio", "ffi-lifetimes"):
        assert tid in ids, f"{TRACKS.name}: no track {tid!r}"
