"""Exercises (issue 16): a participant gets a case's bug without its answers, fixes it, and `crashcourse
exercise check` checks the fix under every lens. One section per point of the issue; the whole corpus
(every fixed twin passes, every bug fails) is tests/test_exercises_corpus.py."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, concurrently, run_cli
from harness.corpus.discover import load_all
from harness.corpus.manifest import HINT_LEVELS
from harness.corpus.strip import MARKER_RE, strip_file, unit_files
from harness.corpus.tracks import load_tracks
from harness.errors import ManifestError
from harness.execution import build
from harness.pipeline.record import RunRecord
from harness.teaching import quiz, site
from harness.teaching.exercises.check import check
from harness.teaching.exercises.workspace import STATE, TASK, Workspace, start

CASES = ROOT / "cases"
CORPUS = {c.id: c for c in load_all(CASES)}
TRACKS = ROOT / "tests" / "fixtures" / "exercises" / "tracks.toml"


def cli(*args, cwd=None, **kw):
    """`crashcourse ...` against the shipped corpus, as a participant runs it (from `cwd`)."""
    if cwd is None:
        return run_cli(*args, cases=CASES, **kw)
    env = dict(os.environ, CRASHCOURSE_CASES=str(CASES), NO_COLOR="1", COLUMNS="200", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "harness", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=kw.pop("timeout", 300), **kw)  # fmt: skip


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert text.count(old) == count, f"{path.name}: {old!r} occurs {text.count(old)} times"
    path.write_text(text.replace(old, new))


def tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + p.read_bytes())
    return h.hexdigest()


# ---- 1. exercise start: the bug without its answers ----------------------------------------------


@pytest.mark.parametrize("cid", ["double-free", "initialization-order-fiasco", "import-race", "luajit-ffi-copy-off-by-one"])
def test_start_writes_the_bug_without_its_answers(cid, tmp_path):
    case, ws_dir = CORPUS[cid], tmp_path / "ws"
    before = tree_hash(case.path)
    r = cli("exercise", "start", cid, "--dir", ws_dir)
    assert r.returncode == 0, r.stderr
    assert tree_hash(case.path) == before  # the shipped case is only read
    units = unit_files(case, "bug")
    assert sorted(p.name for p in ws_dir.iterdir()) == sorted([u.name for u in units] + [TASK, STATE])
    for u in units:  # every line at its number, no comment, no marker
        text = (ws_dir / u.name).read_text()
        assert text.count("\n") >= u.source.read_text().count("\n")
        assert text.rstrip("\n") == strip_file(u.source).rstrip("\n")
        assert not MARKER_RE.search(text)
    fixed = {strip_file(u.source).rstrip("\n") for u in unit_files(case, "fixed") if u.source == case.source("fixed")}
    assert all((ws_dir / u.name).read_text().rstrip("\n") not in fixed for u in units)  # no fixed twin
    task = (ws_dir / TASK).read_text()
    assert case.exercise.title in task and case.exercise.symptom.strip() in task
    assert all(f"**{lens}**" in task for lens in case.lenses) and "crashcourse exercise check" in task
    for secret in [case.title, case.summary, *case.explain.values(), *case.exercise.hints.values()]:
        assert secret not in task
    assert not MARKER_RE.search(task)
    state = json.loads((ws_dir / STATE).read_text())
    assert state["case"] == cid and set(state["written"]) == {u.name for u in units}


def test_start_refuses_the_corpus_and_an_edited_copy(tmp_path):
    inside = cli("exercise", "start", "double-free", "--dir", CASES / "double-free" / "mine")
    assert inside.returncode == 2 and inside.stderr.count("\n") == 1 and "inside the corpus" in inside.stderr
    assert not (CASES / "double-free" / "mine").exists()
    ws = tmp_path / "ws"
    assert cli("exercise", "start", "double-free", "--dir", ws).returncode == 0
    assert cli("exercise", "start", "double-free", "--dir", ws).returncode == 0  # unedited: a fresh copy is fine
    (ws / "main.c").write_text((ws / "main.c").read_text() + "/* my edit */\n")
    again = cli("exercise", "start", "double-free", "--dir", ws)
    assert again.returncode == 2 and "main.c changed" in again.stderr and "--force" in again.stderr
    assert "my edit" in (ws / "main.c").read_text()
    forced = cli("exercise", "start", "double-free", "--dir", ws, "--force")
    assert forced.returncode == 0 and "my edit" not in (ws / "main.c").read_text()
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    assert cli("exercise", "start", "double-free", "--dir", other).returncode == 2


def test_start_defaults_to_the_exercises_folder(tmp_path):
    r = cli("exercise", "start", "heap-slack-read", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "crashcourse-exercises" / "heap-slack-read" / "main.c").is_file()


# ---- 2. exercise run: the output, with nothing of the answers ------------------------------------------


def test_run_shows_the_output_and_no_explanation(tmp_path):
    case = CORPUS["double-free"]
    ws = tmp_path / "ws"
    start(case, ws)
    r = cli("exercise", "run", ws, "--lens", "plain")
    assert r.returncode == 0, r.stderr
    assert "closing session 7 (alice)" in r.stdout and "double free detected in tcache 2" in r.stdout  # its own output
    assert "this lens: the program as it is" in r.stdout
    for secret in [*case.explain.values(), case.title, case.summary, "expected"]:
        assert secret not in r.stdout
    assert Workspace.load(ws).runs == 1
    run_tsan, check_tsan, nowhere = concurrently(  # three refusals, independent of each other
        lambda: cli("exercise", "run", ws, "--lens", "tsan"), lambda: cli("exercise", "check", ws, "--lens", "tsan"),
        lambda: cli("exercise", "check", tmp_path),
    )  # fmt: skip
    assert run_tsan.returncode == 2  # not a lens of this exercise
    assert check_tsan.returncode == 2
    # not a workspace: one line, exit 2
    assert nowhere.returncode == 2 and nowhere.stderr.count("\n") == 1 and "not an exercise workspace" in nowhere.stderr


# ---- 3. exercise check -------------------------------------------------------------------------


def test_check_fails_the_bug_naming_lens_kind_and_place_then_a_fix_of_ones_own_passes(tmp_path):
    ws = tmp_path / "ws"
    start(CORPUS["double-free"], ws)
    bug = cli("exercise", "check", ws)
    assert bug.returncode == 1, bug.stdout + bug.stderr
    assert "still double-free under asan at main.c:58" in bug.stdout
    assert "still invalid-free under valgrind at main.c:58" in bug.stdout
    assert "NOT YET" in bug.stdout
    # the participant's fix: session_close only logs, the caller frees (not the shipped twin's way)
    edit(ws / "main.c", "    free(s);\n}", "}")
    fixed = cli("exercise", "check", ws)
    assert fixed.returncode == 0, fixed.stdout
    assert "FIXED" in fixed.stdout
    state = Workspace.load(ws)
    assert state.state == "done" and state.checks == 2 and state.last_check["passed"]


def test_check_matches_behaviour_not_line_numbers(tmp_path):
    ws = tmp_path / "ws"
    start(CORPUS["double-free"], ws)
    main = ws / "main.c"
    text = main.read_text().replace("    session_close(s);\n", "    session_close(s);\n    s = NULL;\n")
    main.write_text("/* my notes */\n" * 7 + text.lstrip("\n"))  # every line moves
    v = check(Workspace.load(ws), CORPUS["double-free"], jobs=2)
    assert v.passed, [f.text for f in v.findings]


def test_unchanged_code_is_not_rebuilt(tmp_path):
    ws = tmp_path / "ws"
    start(CORPUS["heap-slack-read"], ws)
    check(Workspace.load(ws), CORPUS["heap-slack-read"], jobs=2)
    before = dict(build.stats)
    check(Workspace.load(ws), CORPUS["heap-slack-read"], jobs=2)
    assert build.stats["compiled"] == before["compiled"] and build.stats["cached"] > before["cached"]


def _uaf_closed_flag(ws):  # "the callback checks closed": set it before the free
    edit(ws / "main.c", "    free(c);", "    c->closed = 1;\n    free(c);")


def _leak_free_moved_up(ws):  # free before the last use of the buffer
    edit(ws / "main.c", "    char *eq = strchr(dest, '=');", "    char *eq = strchr(dest, '=');\n    free(dest);")
    edit(ws / "main.c", "    out->value = atoi(eq + 1);\n    free(dest);", "    out->value = atoi(eq + 1);")


WRONG_FIXES = {
    # case, what the participant did, what check must say
    "double-free: no free at all": ("double-free", lambda ws: edit(ws / "main.c", "    free(s);", "", count=2),
                                    "definite-leak under valgrind"),
    "heap-slack-read: a bigger block, never written": ("heap-slack-read", lambda ws: edit(ws / "main.c", "malloc(n)", "malloc(n + 2)"),
                                                      "uninitialised-value under valgrind"),
    "abba-lock-order: the forcing removed": ("abba-lock-order", lambda ws: edit(ws / "main.py", '        window("transfer", "validate")', "        pass"),
                                             "the forcing no longer runs"),
    "lost-update-counter: the forcing removed": ("lost-update-counter", lambda ws: edit(ws / "main.py", "        window()\n", "\n"),
                                                 "the forcing no longer runs"),
    "async-lock-across-await: asyncio.Lock": ("async-lock-across-await", lambda ws: (
        edit(ws / "main.py", "import threading\n", "import asyncio\n"),
        edit(ws / "main.py", "threading.Lock()", "asyncio.Lock()"),
        edit(ws / "main.py", "    with cache_lock:", "    async with cache_lock:", count=2)), "plain@trio"),  # a hang, or an exception
    "luajit-ffi-copy-off-by-one: copied right, read as a C string": ("luajit-ffi-copy-off-by-one", lambda ws: (
        edit(ws / "main.lua", "ffi.copy(dst, src)", "ffi.copy(dst, src, #src)"),
        edit(ws / "main.lua", "ffi.string(dst, #src)", "ffi.string(dst)")), "heap-buffer-overflow under asan (READ"),
    "threaded-assign-race: the forcing removed": ("threaded-assign-race", lambda ws: (
        edit(ws / "main.c", "    if (who == 2) wait_for(1);", ""),
        edit(ws / "main.c", "    if (who == 1) { step_to(1); wait_for(2); }", ""),
        edit(ws / "main.c", "    if (who == 2) step_to(2);", "")), "data-race under tsan"),
    "race-use-after-free: the forcing removed": ("race-use-after-free", lambda ws: (
        edit(ws / "main.c", "    wait_for(1);\n", "\n"), edit(ws / "main.c", "    step_to(1);\n", "\n")), "under tsan"),
    "heap-use-after-free-callback: a closed flag set before the free": ("heap-use-after-free-callback", _uaf_closed_flag,
                                                                      "still heap-use-after-free under asan"),
    "leak-error-path: the free moved up": ("leak-error-path", _leak_free_moved_up, "under valgrind"),
    "double-free: the feature deleted": ("double-free", lambda ws: edit(ws / "main.c", "int cc_main(void)\n{\n", "int cc_main(void)\n{\n    return 0;\n"),
                                         "the program no longer prints 'closing session 7 (alice)'"),
}  # fmt: skip


@pytest.mark.parametrize("name", list(WRONG_FIXES))
def test_a_plausible_wrong_fix_fails(name, tmp_path):
    cid, apply, says = WRONG_FIXES[name]
    ws_dir = tmp_path / "ws"
    start(CORPUS[cid], ws_dir)
    apply(ws_dir)
    v = check(Workspace.load(ws_dir), CORPUS[cid], jobs=2, natural=1)
    assert not v.passed, f"{name}: passes check"
    assert any(says in f.text for f in v.findings), [f.text for f in v.findings]


def test_a_removed_forcing_fails_while_the_real_fix_passes(tmp_path):
    """lost-update-counter: without its forcing the forced run is clean, so only forcing_reached tells it apart;
    the participant's lock around read-and-write passes, forcing and natural runs alike."""
    case = CORPUS["lost-update-counter"]
    ws = tmp_path / "ws"
    start(case, ws)
    edit(ws / "main.py", "        window()\n", "\n")
    removed = check(Workspace.load(ws), case, jobs=2, natural=0)
    assert [f.text for f in removed.findings] and all("forcing_reached is 0" in f.text for f in removed.findings)
    assert all(r.observed["kind"] is None for r in removed.records)  # the run itself was clean
    start(case, ws, force=True)
    edit(ws / "main.py", "        current = self.count\n", "        self.lock.acquire()\n        current = self.count\n")
    edit(ws / "main.py", "        self.count = current + 1\n", "        self.count = current + 1\n        self.lock.release()\n")
    fixed = check(Workspace.load(ws), case, jobs=2, natural=2)
    assert fixed.passed, [f.text for f in fixed.findings]
    assert sum(1 for r in fixed.records if r.expected.get("note", "").startswith("natural")) == 2


# ---- 4. check --watch ---------------------------------------------------------------------------


def test_watch_checks_again_on_every_save(tmp_path):
    ws = tmp_path / "ws"
    start(CORPUS["double-free"], ws)
    env = dict(os.environ, CRASHCOURSE_CASES=str(CASES), NO_COLOR="1", COLUMNS="200", PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "harness", "exercise", "check", str(ws), "--watch", "--lens", "plain"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)  # fmt: skip
    seen: list[str] = []
    guard = threading.Timer(300, proc.send_signal, [signal.SIGINT])  # a stuck watcher ends the readline below
    guard.start()

    def wait_for(word: str, limit: float = 120) -> None:
        end = time.monotonic() + limit
        while time.monotonic() < end:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            if word in line:
                return
        raise AssertionError(f"no {word!r} in {''.join(seen)}")

    try:
        wait_for("NOT YET")
        wait_for("watching")
        edit(ws / "main.c", "    free(s);\n}", "}")  # the participant saves a fix
        wait_for("FIXED")
    finally:
        guard.cancel()
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    assert "change seen: checking again" in "".join(seen)
    assert proc.returncode == 130, out


# ---- 5. exercise hint ---------------------------------------------------------------------------


def test_hints_come_level_by_level_and_are_recorded(tmp_path):
    case, ws = CORPUS["heap-slack-read"], tmp_path / "ws"
    start(case, ws)
    for n, level in enumerate(HINT_LEVELS, 1):
        r = cli("exercise", "hint", ws)
        assert r.returncode == 0, r.stderr
        said = " ".join(r.stdout.split())
        assert f"hint {n} of 4 ({level}): {' '.join(case.exercise.hints[level].split())}" in said
        assert not any(" ".join(case.exercise.hints[lvl].split()) in said for lvl in HINT_LEVELS[n:])
        assert Workspace.load(ws).hints == list(HINT_LEVELS[:n])
    done = cli("exercise", "hint", ws)
    assert done.returncode == 0 and "No more hints" in done.stdout
    assert Workspace.load(ws).state == "hinted"


# ---- 6. tracks ----------------------------------------------------------------------------------


def test_the_shipped_tracks_load_and_name_only_cases():
    tracks = load_tracks(CASES / "tracks.toml", CORPUS)
    assert tracks and all(t.cases for t in tracks)


@pytest.mark.parametrize("text,field", [
    ('[[track]]\nid = "t"\ntitle = "T"\ndescription = "d"\ncases = [{ id = "no-such-case", difficulty = 1 }]\n', "track[0].cases[0].id"),
    ('[[track]]\nid = "t"\ndescription = "d"\ncases = [{ id = "double-free", difficulty = 1 }]\n', "track[0].title"),
    ('[[track]]\nid = "t"\ntitle = "T"\ndescription = "d"\ncases = [{ id = "double-free", difficulty = 9 }]\n', "track[0].cases[0].difficulty"),
    ('[[track]]\nid = "t"\ntitle = "T"\ndescription = "d"\ncases = [{ id = "double-free", difficulty = 1, level = 2 }]\n', "track[0].cases[0].level"),
    ('[[track]]\nid = "t"\ntitle = "T"\ndescription = "d"\ncases = []\n', "track[0].cases"),
    ('[[track]]\nid = "t"\ntitle = "T"\ndescription = "d"\ncases = [{ id = "double-free", difficulty = 1 }]\n' * 2, "track[1].id"),
])  # fmt: skip
def test_a_bad_tracks_file_is_one_line_naming_file_and_field(text, field, tmp_path):
    path = tmp_path / "tracks.toml"
    path.write_text(text)
    with pytest.raises(ManifestError) as err:
        load_tracks(path, CORPUS)
    assert err.value.field == field and str(path) in str(err.value)
    r = cli("exercise", "list", "--tracks", path)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and f"field '{field}'" in r.stderr


def test_a_track_shows_its_path_and_progress(tmp_path):
    folder = tmp_path / "crashcourse-exercises"
    ws = folder / "double-free"
    start(CORPUS["double-free"], ws)
    edit(ws / "main.c", "    free(s);\n}", "}")
    assert check(Workspace.load(ws), CORPUS["double-free"], jobs=2).passed
    start(CORPUS["heap-slack-read"], folder / "heap-slack-read")
    cli("exercise", "hint", folder / "heap-slack-read")
    r, as_json, runtimes, nope = concurrently(  # four independent runs, none of them writes
        lambda: cli("exercise", "list", "--track", "first-day", "--tracks", TRACKS, "--dir", folder),
        lambda: cli("exercise", "list", "--track", "first-day", "--tracks", TRACKS, "--dir", folder, "--json"),
        lambda: cli("list", "--track", "runtimes", "--tracks", TRACKS, "--json"),
        lambda: cli("list", "--track", "nope", "--tracks", TRACKS),
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert [re.search(r"\]\s+(\S+)", ln)[1] for ln in lines if re.match(r"\s+\d+\. ", ln)] == [
        "double-free", "heap-slack-read", "abba-lock-order"]  # fmt: skip
    assert "[x] double-free" in r.stdout and "[~] heap-slack-read" in r.stdout and "[ ] abba-lock-order" in r.stdout
    assert "1/3 done" in r.stdout and "next: cd " in r.stdout
    assert CORPUS["double-free"].exercise.title in r.stdout and CORPUS["double-free"].title not in r.stdout
    js = json.loads(as_json.stdout)
    assert [c["state"] for c in js["tracks"][0]["cases"]] == ["done", "hinted", "not started"]
    ids = [c["id"] for c in json.loads(runtimes.stdout)]
    assert ids == ["async-lock-across-await", "luajit-ffi-copy-off-by-one"]
    assert nope.returncode == 2


def test_the_site_has_a_page_per_track():
    tracks = load_tracks(CASES / "tracks.toml", CORPUS)
    pages: dict[str, str] = {}

    class Page:
        def __init__(self, path):
            self.path = path

        def __enter__(self):
            return self

        def write(self, s):
            pages[self.path] = pages.get(self.path, "") + s

        def __exit__(self, *exc):
            return False

    nav = site.write_tracks(tracks, list(CORPUS.values()), lambda path, mode: Page(path))
    assert [next(iter(n.values())) for n in nav] == [f"tracks/{t.id}.md" for t in tracks]
    page = pages[f"tracks/{tracks[0].id}.md"]
    first = CORPUS[tracks[0].cases[0].id]
    assert page.startswith(f"# {tracks[0].title}") and first.exercise.title in page
    assert f"crashcourse exercise start {first.id}" in page and f"../cases/{first.id}/index.md" in page
    assert all(CORPUS[tc.id].title not in page for tc in tracks[0].cases)  # never the case's title: it names the bug
    assert "Tracks: []" in (ROOT / "mkdocs.yml").read_text() and "site.write_tracks" in (ROOT / "docs" / "gen_pages.py").read_text()


# ---- 7. progress: exercise status ------------------------------------------------------------------


def test_status_json_follows_the_participant(tmp_path):
    folder = tmp_path / "crashcourse-exercises"
    ws = folder / "double-free"
    start(CORPUS["double-free"], ws)
    first = json.loads(cli("exercise", "status", ws, "--json").stdout)["exercises"][0]
    assert (first["case"], first["state"], first["checks"], first["edited"]) == ("double-free", "open", 0, False)
    cli("exercise", "check", ws, "--lens", "plain")
    cli("exercise", "hint", ws)
    mid = json.loads(cli("exercise", "status", ws, "--json").stdout)["exercises"][0]
    assert (mid["state"], mid["checks"], mid["hints"], mid["done_at"]) == ("hinted", 1, ["symptom"], None)
    assert mid["last_check"]["failing"] == ["plain@O0", "plain@O2"]
    edit(ws / "main.c", "    free(s);\n}", "}")
    assert cli("exercise", "check", ws).returncode == 0
    start(CORPUS["abba-lock-order"], folder / "abba-lock-order")
    as_json, human = concurrently(  # both only read
        lambda: cli("exercise", "status", "--json", cwd=tmp_path), lambda: cli("exercise", "status", cwd=tmp_path)
    )
    report = json.loads(as_json.stdout)
    assert report["counts"] == {"done": 1, "hinted": 0, "open": 1}
    done = next(e for e in report["exercises"] if e["case"] == "double-free")
    assert done["state"] == "done" and done["done_at"] and done["edited"] and done["checks"] == 2
    assert "2 exercises: 1 done, 0 hinted, 1 open" in human.stdout


# ---- 8. nothing gives the answer away ----------------------------------------------------------


def test_show_no_spoilers():
    case = CORPUS["double-free"]
    r, full = concurrently(lambda: cli("show", "double-free", "--no-spoilers"), lambda: cli("show", "double-free"))
    assert r.returncode == 0, r.stderr
    out = " ".join(r.stdout.split())
    assert case.exercise.title in out and "free(s);" in out and "session_close" in out
    for secret in [case.title, case.summary, "FIX", "BUG", "expectations", "session closed once", "*sp = NULL",
                   *[" ".join(t.split()) for t in case.explain.values()]]:  # fmt: skip
        assert secret not in out, secret
    assert "expectations" in full.stdout  # the full view still has them


def _rec(**observed) -> RunRecord:
    base = {"signal": None, "exit_code": 0, "timed_out": False, "kind": None}
    return RunRecord("c", "bug", "plain", "O0", True, False, {}, {**base, **observed}, 0.1)


@pytest.mark.parametrize("said,observed,right", [
    ("hang", {"timed_out": True, "kind": "deadlock", "exit_code": None}, True),
    ("hang", {"timed_out": True, "kind": "livelock", "exit_code": None}, True),
    ("Deadlock", {"timed_out": True, "kind": "deadlock", "exit_code": None}, True),
    ("abort", {"signal": "SIGABRT", "kind": "double-free", "exit_code": None}, True),
    ("ABRT", {"signal": "SIGABRT", "exit_code": None}, True),
    ("segfault", {"signal": "SIGSEGV", "exit_code": None}, True),
    ("segv", {"signal": "SIGSEGV", "exit_code": None}, True),
    ("SIGSEGV", {"signal": "SIGSEGV", "exit_code": None}, True),
    ("double free", {"signal": "SIGABRT", "kind": "double-free", "exit_code": None}, True),
    ("Heap Buffer Overflow", {"kind": "heap-buffer-overflow", "exit_code": 1}, True),
    ("use after free", {"kind": "heap-use-after-free", "exit_code": 1}, True),
    ("overflow", {"kind": "heap-buffer-overflow", "exit_code": 1}, False),
    ("clean", {}, True),
    ("clean", {"exit_code": 1}, False),  # initialization-order-fiasco's plain run: exit 1, no signal, no report
    ("exit 1", {"exit_code": 1}, True),
    ("hang", {"signal": "SIGABRT", "exit_code": None}, False),
    ("abort", {"signal": "SIGSEGV", "exit_code": None}, False),
    ("", {}, False),
])  # fmt: skip
def test_quiz_accepts_the_words_people_use(said, observed, right):
    assert quiz.scores(said, _rec(**observed)) is right


def test_quiz_initialization_order_fiasco_plain_is_not_clean():
    case = CORPUS["initialization-order-fiasco"]
    [exp] = [e for e in case.expectations if e.variant == "bug" and e.lens == "plain"]
    assert exp.checks.get("exit_code") == 1 and exp.checks.get("signal", "none") == "none"
    observed = {"signal": None, "kind": None, "timed_out": False, "exit_code": exp.checks["exit_code"]}
    assert not quiz.scores("clean", _rec(**observed)) and quiz.scores("exit 1", _rec(**observed))


def test_quiz_shows_stripped_code_reads_piped_answers_and_keeps_the_score(tmp_path):
    case = CORPUS["double-free"]
    folder = tmp_path / "progress"
    # plain@O0, plain@O2, asan@asan: glibc aborts at O0 and O2, ASan names the double free
    r = cli("quiz", "double-free", "--lens", "plain", "--lens", "asan", "--dir", folder, input="abort\nSIGABRT\nDouble Free\n")
    assert r.returncode == 0, r.stderr
    out = " ".join(r.stdout.split())
    assert case.exercise.title in out and "session_close" in out and "free(s);" in out
    assert case.title not in out.split("look at:")[0] and case.summary not in out and not MARKER_RE.search(out)
    assert "score: 3/3" in out
    saved = json.loads((folder / ".crashcourse-quiz.json").read_text())
    assert saved["right"] == 3 and saved["asked"] == 3 and saved["cases"]["double-free:asan"] is True
    status = json.loads(cli("exercise", "status", folder, "--json").stdout)
    assert status["quiz"]["right"] == 3
