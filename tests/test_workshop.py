"""The workshop features: show, --explain, filters, quiz, --bless and snapshot drift."""

import functools
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import FIXTURE_CASES, ROOT, concurrently


def test_show_renders_story_code_and_expectations(cli):
    r = cli("show", "fx-null")
    assert r.returncode == 0, r.stderr
    assert "Fixture: NULL store" in r.stdout
    assert "store through NULL" in r.stdout  # the code, with its BUG line
    assert "SIGSEGV" in r.stdout  # the expectations table


def test_show_unknown_case_exit_2(cli):
    r = cli("show", "nope")
    assert r.returncode == 2 and r.stderr.count("\n") == 1


def test_explain_prints_output_and_hint(cli, tmp_path):
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE_CASES / "fx-null", cases / "fx-null")
    toml = cases / "fx-null" / "case.toml"
    toml.write_text(toml.read_text() + '\n[explain]\nasan = "Read the first frame under the ERROR line."\n')
    r = cli("run", "fx-null", "--lens", "asan", "--explain", cases=cases)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "AddressSanitizer: SEGV" in r.stdout
    bug, fixed = r.stdout.split("── fx-null[fixed-asan-asan] ──")
    assert "look at: Read the first frame under the ERROR line." in bug
    assert "Read the first frame" not in fixed  # the bug's note is not the fixed twin's
    assert "look at: the fixed twin: expected clean" in fixed


def _explain_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "TERM", "CRASHCOURSE_PLAIN")}
    return dict(env, CRASHCOURSE_CASES=str(FIXTURE_CASES), **extra)


def test_explain_piped_into_diagnose_is_recognised():
    """What a participant pastes: a piped --explain has no box borders, and diagnose reads its ASan report."""
    run = subprocess.run([sys.executable, "-m", "harness", "run", "fx-null", "--lens", "asan", "--variant", "bug", "--explain"],
                         capture_output=True, text=True, env=_explain_env(), timeout=300, cwd=ROOT)  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert not re.search(r"[│┃║╭╰]", run.stdout), run.stdout  # no panel borders
    out = run.stdout.splitlines()  # the child printed, then crashed: its stdout comes first
    err_head = next(i for i, ln in enumerate(out) if ln.startswith("--- stderr"))  # (maybe "read together with ...")
    assert out.index("--- stdout ---") < out.index("binary noise: \x01\x02\ufffd\ufffd") < err_head
    assert err_head < next(i for i, ln in enumerate(out) if "ERROR: AddressSanitizer" in ln)
    frame = next(ln for ln in run.stdout.splitlines() if "in cc_main" in ln)
    assert re.match(r"^    #\d+ 0x[0-9a-f]+ in cc_main \S+repro\.c:7", frame), frame  # the report's line, as ASan wrote it
    diag = subprocess.run([sys.executable, "-m", "harness", "diagnose", "-", "--json"], input=run.stdout,
                          capture_output=True, text=True, env=_explain_env(), timeout=120, cwd=ROOT)  # fmt: skip
    assert diag.returncode == 0, diag.stdout + diag.stderr
    observed = json.loads(diag.stdout)["observed"]
    assert (observed["kind"], observed["tool"], observed["access"]) == ("SEGV", "asan", "WRITE")
    assert observed["frames"][0] == "cc_main"


def test_explain_shows_the_streams_in_the_order_written_or_says_which_began():
    from harness.pipeline.record import RunRecord
    from harness.report.terminal import output_lines

    rec = RunRecord("c", "bug", "gdb", "O0", True, False, {}, {}, 0.0, stdout="a\nc\n", stderr="b\nd\n\n#0 main ()",
                    order=[("stdout", 2, False), ("stderr", 2, False), ("stdout", 2, True), ("stderr", 2, False)], first="stdout")  # fmt: skip
    assert output_lines(rec) == [
        "--- stdout ---", "a", "--- stderr ---", "b",
        "--- stdout (read together with the stderr above: their lines may have interleaved) ---", "c",
        "--- stderr ---", "d", "--- added by the lens ---", "#0 main ()",
    ]  # fmt: skip
    rec.order = None  # a stream was cut: which began is still known
    assert output_lines(rec)[:2] == ["(stdout began first; how the two interleaved after that is not known: the output was cut)",
                                     "--- stdout ---"]  # fmt: skip


@functools.cache
def _boxed_summary() -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harness", "show", "fx-null", "--section", "summary"],
                          capture_output=True, text=True, env=_explain_env(TTY_COMPATIBLE="1", COLUMNS="100"), cwd=ROOT)  # fmt: skip


@pytest.mark.xdist_group("workshop-boxed")  # one worker: the control runs once
@pytest.mark.parametrize("how", ["--plain before", "--plain after", "NO_COLOR", "TERM"])
def test_plain_output_has_no_borders_even_on_a_terminal(how):
    """--plain (before or after the command), NO_COLOR or TERM=dumb turn the borders off where rich would draw them."""
    env = _explain_env(TTY_COMPATIBLE="1", TTY_INTERACTIVE="0", COLUMNS="100")  # rich: a terminal, even on a pipe
    args = ["show", "fx-null", "--section", "summary"]
    if how == "NO_COLOR":
        env["NO_COLOR"] = "1"
    elif how == "TERM":
        env["TERM"] = "dumb"
    elif how == "--plain after":
        args.append("--plain")
    else:
        args = ["--plain", *args]
    boxed, plain = concurrently(  # the control (the same for every parametrization: run once per worker), and this one
        _boxed_summary, lambda: subprocess.run([sys.executable, "-m", "harness", *args], capture_output=True, text=True,
                                               env=env, cwd=ROOT)
    )  # fmt: skip
    assert "╭" in boxed.stdout, boxed.stdout + boxed.stderr  # the control: a terminal gets its panel
    assert plain.returncode == 0, plain.stderr
    assert "Fixture: NULL store" in plain.stdout and not re.search(r"[│╭╰]", plain.stdout), plain.stdout


def test_a_paste_from_a_bordered_panel_is_read_too(tmp_path):
    report = (
        "╭─ x[bug-asan-asan] ──────────────────────────────────────────────────────╮\n"
        "│ ==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x602 at pc │\n"
        "│ READ of size 4 at 0x602000000010 thread T0                               │\n"
        "│     #0 0x55d in on_ping_timer /src/repro.c:71                            │\n"
        "│     #1 0x55e in main /src/repro.c:99                                     │\n"
        "╰─ ✔ exit 1 ──────────────────────────────────────────────────────────────╯\n"
    )  # fmt: skip
    diag = subprocess.run([sys.executable, "-m", "harness", "diagnose", "-", "--json"], input=report,
                          capture_output=True, text=True, env=_explain_env(), cwd=ROOT)  # fmt: skip
    observed = json.loads(diag.stdout)["observed"]
    assert (observed["kind"], observed["access"], observed["frames"]) == ("heap-use-after-free", "READ", ["on_ping_timer", "main"])


@functools.cache
def _shipped_ids() -> list[str]:
    """The shipped corpus's ids, from `list --json` (its width does not depend on COLUMNS): once per worker."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CRASHCOURSE_CASES")}
    r = subprocess.run([sys.executable, "-m", "harness", "list", "--json"], capture_output=True, text=True, env=env, cwd=ROOT)
    return [c["id"] for c in json.loads(r.stdout)]


@pytest.mark.xdist_group("workshop-list")  # one worker: the ids are read once
@pytest.mark.parametrize("columns", [80, 120])
def test_list_keeps_every_id_whole(columns):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CRASHCOURSE_CASES")}
    env["COLUMNS"] = str(columns)
    r, ids = concurrently(
        lambda: subprocess.run([sys.executable, "-m", "harness", "list"], capture_output=True, text=True, env=env, cwd=ROOT),
        _shipped_ids,
    )
    assert r.returncode == 0 and len(ids) > 80, r.stderr
    lines = r.stdout.splitlines()
    assert max(len(ln.rstrip()) for ln in lines) <= columns
    for cid in ids:
        assert any(re.search(rf"(?<![\w-]){re.escape(cid)}(?![\w-])", ln) for ln in lines), cid
    assert len(lines) < 8 * len(ids)  # readable: a case is a few lines, not a column of one-word cells


def test_show_one_section(cli):
    r = cli("show", "fx-null", "--section", "fix")
    assert r.returncode == 0, r.stderr
    assert "FIX: a valid address" in r.stdout
    assert "BUG: store through NULL" not in r.stdout and "Fixture: NULL store" not in r.stdout and "SIGSEGV" not in r.stdout
    table = cli("show", "fx-null", "--section", "expectations")
    assert "SIGSEGV" in table.stdout and "FIX:" not in table.stdout


def test_show_unknown_section_is_one_line_exit_2_naming_the_sections(cli):
    r = cli("show", "fx-null", "--section", "moral")
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    for name in ("story", "code", "fix", "expectations", "pictures"):
        assert name in r.stderr
    assert "story" in cli("show", "--help").stdout


def test_filters_select_by_observed_signal_kind_tag_language(cli):
    def ids(*args):
        r = cli("list", "--json", *args)
        assert r.returncode == 0, r.stderr
        return sorted(c["id"] for c in json.loads(r.stdout))

    assert ids("--signal", "SIGSEGV") == ["fx-null"]
    assert ids("--kind", "dead*") == ["fx-escape", "fx-hang", "fx-sleep"]
    assert ids("--tag", "concurrency") == ["fx-hang"]
    assert ids("--language", "c") == ["fx-null"]
    assert ids("--kind", "heap-*") == []


def test_quiz_with_answers_file_scores(cli, tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"fx-null:plain": "sigsegv", "fx-null:asan": "heap-buffer-overflow"}))
    r = cli("quiz", "fx-null", "--answers", answers, "--dir", tmp_path / "progress")
    assert r.returncode == 0, r.stderr
    assert "score: 1/2" in r.stdout


def test_quiz_reads_piped_answers_one_per_line(cli, tmp_path):
    r = cli("quiz", "fx-null", "--dir", tmp_path / "progress", stdin=None, input="segfault\nSEGV\n")
    assert r.returncode == 0, r.stderr
    assert "score: 2/2" in r.stdout
    r = cli("quiz", "fx-null", "--dir", tmp_path / "progress", stdin=None, input="")  # no answer: wrong, not an error
    assert r.returncode == 0 and "score: 0/2" in r.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="--bless writes only into a git checkout; install git: apt-get install -y git")
def test_bless_then_drift_is_shown(cli, tmp_path):
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE_CASES / "fx-null", cases / "fx-null")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)  # a checkout of one's own (test_install: none refuses)
    r = cli("run", "fx-null", "--lens", "asan", "--bless", cases=cases)
    assert r.returncode == 0, r.stderr
    snaps = sorted((cases / "fx-null" / "snapshots").rglob("*.txt"))
    assert [p.name for p in snaps] == ["bug.asan.asan.txt", "fixed.asan.asan.txt"]
    text = snaps[0].read_text()
    assert "AddressSanitizer: SEGV" in text
    assert "==PID==" in text and "0xADDR" in text and str(cases) not in text  # scrubbed
    clean = cli("run", "fx-null", "--lens", "asan", cases=cases)
    assert "snapshot drift" not in clean.stderr, clean.stderr  # normalized: a rerun does not drift
    snaps[0].write_text(text.replace("SEGV on unknown address", "SEGV at a famous address"))
    drifted, strict = concurrently(  # two independent runs on the drifted snapshot
        lambda: cli("run", "fx-null", "--lens", "asan", cases=cases),
        lambda: cli("run", "fx-null", "--lens", "asan", "--strict", cases=cases),
    )
    assert drifted.returncode == 0 and "snapshot drift: fx-null[bug-asan-asan]" in drifted.stderr
    assert "+==PID==ERROR: AddressSanitizer: SEGV on unknown address" in drifted.stderr
    assert strict.returncode == 1
