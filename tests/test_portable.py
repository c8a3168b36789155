"""Clang-only and tool-less machines teach the same lesson (issues 18 and 19).

- a lens that needs gcc (fanalyzer) is skipped, with the install command, where there is no gcc;
- a run whose expectation was observed under another compiler runs, shows its output, and is
  checked on the compiler-neutral fields only: `partial`, never a full pass, a failure under --strict;
- a plain-lens expectation never needs gdb (the watchdog's native stacks);
- --replay shows a missing tool's blessed output, headed "recorded on <key>, not run here";
- "who catches what" shows what ran.

The machines are simulated with a PATH of symlinks to everything on PATH except the tools taken away.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, concurrently
from harness.corpus.values import replace

PORTABLE = ROOT / "tests" / "fixtures" / "portable"  # fx-tools: plain, asan (gcc-only), valgrind, fanalyzer
CASES = ROOT / "cases"
GCC = re.compile(r"^(.*-)?(gcc|g\+\+|cc|c\+\+)(-.*)?$")  # gcc, g++-12, cc, c++, x86_64-linux-gnu-gcc-12, gcc-ar ...
DEBUGGERS = re.compile(r"^(gdb.*|vgdb|valgrind.*)$")


def _clang_ready() -> str:
    """Why clang-16 cannot run the corpus here ('' when it can)."""
    hint = "install clang-16 and its runtimes: apt-get install -y clang-16 libclang-rt-16-dev llvm-16"
    if shutil.which("clang-16") is None:
        return "clang-16 is not installed; " + hint
    out = subprocess.run(["clang-16", "-print-file-name=libclang_rt.asan-x86_64.so"], capture_output=True, text=True)
    if not os.path.isabs(out.stdout.strip()):
        return "clang-16's ASan runtime is not installed; " + hint
    return ""


needs_clang = pytest.mark.skipif(bool(_clang_ready()), reason=_clang_ready() or "clang-16 is ready")


def _need(*tools: str) -> None:
    for tool in tools:
        if shutil.which(tool) is None:
            pytest.skip(f"'{tool}' is not installed; install it with: apt-get install -y {tool}")


def stripped_path(where: Path, drop: re.Pattern) -> str:
    """A PATH of one folder: a symlink to every command on PATH whose name `drop` does not match."""
    where.mkdir(parents=True, exist_ok=True)
    for d in os.environ.get("PATH", "").split(os.pathsep):
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            if drop.match(name) or (where / name).exists() or (where / name).is_symlink():
                continue
            (where / name).symlink_to(os.path.join(d, name))
    return str(where)


@pytest.fixture(scope="module")
def shared_path(tmp_path_factory):
    """stripped_path for this module's tests, made once per pattern (~1500 symlinks each): the runs only read it."""
    made: dict[str, str] = {}

    def get(drop: re.Pattern) -> str:
        if drop.pattern not in made:
            made[drop.pattern] = stripped_path(tmp_path_factory.mktemp("bin"), drop)
        return made[drop.pattern]

    return get


def run(*args, cases=PORTABLE, path=None, timeout=600):
    env = dict(os.environ, CRASHCOURSE_CASES=str(cases), NO_COLOR="1", COLUMNS="250")
    env.pop("CRASHCOURSE_CC", None)
    if path is not None:
        env["PATH"] = path
    return subprocess.run([sys.executable, "-m", "harness", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=timeout, cwd=ROOT)  # fmt: skip


def records(r) -> list[dict]:
    assert r.returncode in (0, 1), r.stderr[-3000:]
    return json.loads(r.stdout)


def one(recs, variant="bug", lens=None):
    [rec] = [x for x in recs if x["variant"] == variant and (lens is None or x["lens"] == lens)]
    return rec


# ---- 1. a lens that needs gcc, on a machine without gcc ----------------------------------------------------


@needs_clang
@pytest.mark.parametrize("cc", [["--cc", "clang-16"], []], ids=["cc-clang-16", "default-cc"])
def test_fanalyzer_is_skipped_with_the_install_command_where_there_is_no_gcc(shared_path, cc):
    path = shared_path(GCC)
    assert shutil.which("gcc", path=path) is None and shutil.which("clang-16", path=path)
    r, table = concurrently(  # two independent runs
        lambda: run("run", "fx-tools", "--lens", "fanalyzer", "--json", *cc, path=path),
        lambda: run("run", "fx-tools", "--lens", "fanalyzer", *cc, path=path),
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    recs = records(r)
    assert len(recs) == 2
    for rec in recs:
        assert rec["ok"] is False and rec["observed"] == {}, "not a build error: nothing ran"
        assert "gcc's static analyzer" in rec["skipped"] and "apt-get install -y gcc" in rec["skipped"]
    assert table.returncode == 0 and "0 passed, 0 failed, 2 skipped" in table.stdout


@needs_clang
def test_fanalyzer_uses_gcc_whatever_cc_says_where_gcc_is_there():
    _need("gcc")
    recs = records(run("run", "fx-tools", "--lens", "fanalyzer", "--cc", "clang-16", "--json"))
    bug = one(recs)
    assert bug["ok"] is True and bug["skipped"] is False and bug["observed"]["kind"] == "-Wanalyzer-null-dereference"


# ---- 2. an expectation observed under another compiler ---------------------------------------------------


@needs_clang
def test_a_gcc_only_expectation_is_checked_under_clang_on_its_compiler_neutral_fields():
    recs = records(run("run", "fx-tools", "--lens", "asan", "--variant", "bug", "--cc", "clang-16", "--json", "--output"))
    rec = one(recs)
    assert rec["skipped"] is False, "it runs: never a skip"
    assert rec["ok"] is True and rec["mismatches"] == []
    assert "compiler-neutral" in rec["partial"] and "observed under gcc" in rec["partial"] and "clang-16" in rec["partial"]
    assert rec["expected"]["checked"] == "compiler-neutral fields only (observed under gcc)"
    assert set(rec["expected"]["unchecked"]) == {"frames", "stderr"}
    assert rec["expected"]["frames"] == ["cc_main"], "the record keeps the whole expectation"
    assert rec["observed"]["kind"] == "SEGV" and "AddressSanitizer: SEGV" in rec["stderr"], "its output is there"


@needs_clang
def test_a_partial_run_is_its_own_status_in_the_table_and_fails_under_strict():
    asan_bug_clang = ("run", "fx-tools", "--lens", "asan", "--variant", "bug", "--cc", "clang-16")
    r, strict, explained = concurrently(  # three independent runs
        lambda: run(*asan_bug_clang), lambda: run(*asan_bug_clang, "--strict"), lambda: run(*asan_bug_clang, "--explain")
    )
    assert r.returncode == 0, r.stdout
    assert "◐" in r.stdout and "checked: signal, exit_code, kind, access only; observed under gcc" in r.stdout
    assert r.stdout.strip().splitlines()[-1] == (
        "0 passed, 0 failed, 0 skipped, 1 partial (ok on the compiler-neutral checks only: observed under another compiler)"
    )
    assert strict.returncode == 1
    assert explained.returncode == 0
    assert "AddressSanitizer: SEGV on unknown address" in explained.stdout, "--explain shows the report"
    assert "partial: checked on compiler-neutral fields only" in explained.stdout


@needs_clang
def test_a_neutral_field_that_differs_under_clang_fails_the_run(tmp_path):
    cases = tmp_path / "cases"
    shutil.copytree(PORTABLE / "fx-tools", cases / "fx-tools")
    toml = cases / "fx-tools" / "case.toml"
    toml.write_text(toml.read_text().replace('kind = "SEGV"', 'kind = "heap-buffer-overflow"'))
    r = run("run", "fx-tools", "--lens", "asan", "--variant", "bug", "--cc", "clang-16", "--json", cases=cases)
    assert r.returncode == 1
    rec = one(records(r))
    assert rec["ok"] is False and [m["field"] for m in rec["mismatches"]] == ["kind"]


@needs_clang
def test_a_gcc_only_expectation_followed_by_a_fallback_is_a_full_check_under_clang(tmp_path):
    """Issue 19: an expectation whose `when` does not match is passed over for the next one."""
    cases = tmp_path / "cases"
    shutil.copytree(PORTABLE / "fx-tools", cases / "fx-tools")
    toml = cases / "fx-tools" / "case.toml"
    fallback = ('\n[[expect]]\nlens = "asan"\nsignal = "none"\nkind = "SEGV"\naccess = "WRITE"\nexit_code = 1\n'
                'frames = ["cc_main"]\nstderr = ["SEGV on unknown address 0x000000000000"]\n')  # fmt: skip
    text = toml.read_text()
    at = text.index("\n[[expect]]\nlens = \"valgrind\"")
    toml.write_text(text[:at] + fallback + text[at:])
    rec = one(records(run("run", "fx-tools", "--lens", "asan", "--variant", "bug", "--cc", "clang-16", "--json", cases=cases)))
    assert rec["ok"] is True and rec["partial"] is False and "when" not in rec["expected"] and "checked" not in rec["expected"]
    if shutil.which("gcc"):  # under gcc the gcc-only one still wins: it comes first
        rec = one(records(run("run", "fx-tools", "--lens", "asan", "--variant", "bug", "--json", cases=cases)))
        assert rec["ok"] is True and rec["expected"]["when"] == {"compiler": "gcc"}


def test_expectation_for_cuts_another_compilers_expectation_down_to_its_neutral_fields(monkeypatch):
    from harness.corpus import machine
    from harness.corpus.manifest import NEUTRAL_CHECKS, RunSpec, load_case

    case = load_case(PORTABLE / "fx-tools")
    spec = RunSpec(case, "bug", "asan", "asan")
    here = {"arch": "x86_64", "os": "linux", "compiler": "clang-16", "libc": "glibc-2.36", "python": "cpython-3.11"}
    monkeypatch.setattr(machine, "facts", lambda: dict(here))
    monkeypatch.setattr(machine, "fact", lambda name: here.get(name, ""))
    exp, why = case.expectation_for(spec)
    assert why == "" and exp.partial and set(exp.checks) <= set(NEUTRAL_CHECKS)
    assert exp.checks == {"signal": "none", "kind": "SEGV", "access": "WRITE", "exit_code": 1}
    assert set(exp.unchecked) == {"frames", "stderr"}
    # only the compiler may differ: on another architecture the run is skipped, saying why
    here["arch"] = "aarch64"
    case.expectations[1] = replace(case.expectations[1], when={"compiler": "gcc", "arch": "x86_64"})
    exp, why = case.expectation_for(spec)
    assert exp is None and "no expectation was observed for this machine" in why
    # an expectation with nothing compiler-neutral in it cannot be checked under another compiler: skipped
    here = {"arch": "x86_64", "os": "linux", "compiler": "clang-16", "libc": "glibc-2.36", "python": "cpython-3.11"}
    monkeypatch.setattr(machine, "facts", lambda: dict(here))
    monkeypatch.setattr(machine, "fact", lambda name: here.get(name, ""))
    case.expectations[1] = replace(case.expectations[1], when={"compiler": "gcc"}, checks={"frames": ["cc_main"]})
    exp, why = case.expectation_for(spec)
    assert exp is None and "depend on the compiler" in why


# ---- 4. the plain lens needs no tool ------------------------------------------------------------------------


def test_no_plain_expectation_checks_native_frames_of_a_hang():
    """A hung native child's frames come from the watchdog's gdb -p: absent without gdb. The plain lens
    checks what the program printed; the frames belong under the gdb lens."""
    from harness.corpus import discover

    offenders = []
    for case in discover.load_all():
        native = case.language in ("c", "cpp") or bool(case.run.get("lua_runtime"))
        for e in case.expectations:
            if native and e.lens == "plain" and e.checks.get("timed_out") and "frames" in e.checks:
                offenders.append(f"{case.id}: plain expects frames {e.checks['frames']}")
    assert offenders == []


def test_the_plain_lens_of_a_hung_native_child_passes_without_gdb(shared_path):
    path = shared_path(DEBUGGERS)
    assert shutil.which("gdb", path=path) is None and shutil.which("valgrind", path=path) is None
    r = run("run", "signal-handler-deadlock", "handler-returns-refault", "--variant", "bug", "--json", "--output",
            cases=CASES, path=path)  # fmt: skip
    assert r.returncode == 0, r.stdout[-3000:]
    recs = records(r)
    for rec in recs:
        if rec["lens"] == "plain":
            assert rec["ok"] is True and rec["skipped"] is False, rec["mismatches"]
            assert "install gdb to see native stacks" in rec["stacks"], "no native stacks were taken"
        else:
            assert rec["lens"] == "gdb" and "apt-get install -y gdb" in rec["skipped"]


# ---- 5. --replay ----------------------------------------------------------------------------------------------


def test_replay_shows_the_blessed_output_of_a_missing_tool_and_never_passes(shared_path, tmp_path):
    _need("valgrind", "gcc")
    cases = tmp_path / "cases"
    shutil.copytree(PORTABLE / "fx-tools", cases / "fx-tools")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)  # --bless writes only into a clone
    blessed = run("run", "fx-tools", "--lens", "valgrind", "--bless", cases=cases)  # on this machine, with valgrind
    assert blessed.returncode == 0, blessed.stdout
    [key] = [p.name for p in (cases / "fx-tools" / "snapshots").iterdir()]
    path = shared_path(DEBUGGERS)

    def valgrind_here(*args):
        return lambda: run("run", "fx-tools", "--lens", "valgrind", *args, cases=cases, path=path)

    plain, r, table, strict = concurrently(  # four independent runs without valgrind, none of them writes
        valgrind_here("--json"), valgrind_here("--replay", "--json", "--output"), valgrind_here("--replay"),
        valgrind_here("--replay", "--strict"),
    )  # fmt: skip
    plain = one(records(plain))
    assert plain["replayed"] is False and "apt-get install -y valgrind" in plain["skipped"]

    assert r.returncode == 0
    rec = one(records(r))
    assert rec["ok"] is False and "apt-get install -y valgrind" in rec["skipped"], "never passed"
    assert rec["replayed"] == {"machine_key": key, "snapshot": f"cases/fx-tools/snapshots/{key}/bug.valgrind.O0.txt",
                               "observed": "SIGSEGV · invalid-write WRITE 4 (valgrind)"}  # fmt: skip
    assert "Invalid write of size 4" in rec["replay"] and rec["observed"] == {}

    assert table.returncode == 0
    assert f"recorded on {key}, not run here" in table.stdout and "Invalid write of size 4" in table.stdout
    assert table.stdout.strip().splitlines()[-1] == "0 passed, 0 failed, 0 skipped, 2 replayed (not run here: recorded output shown)"
    assert strict.returncode == 1

    # another machine's recording: the nearest key is shown, and named
    other = key.replace("gcc", "clang") if "gcc" in key else key + "-other"
    (cases / "fx-tools" / "snapshots" / key).rename(cases / "fx-tools" / "snapshots" / other)
    explained = run("run", "fx-tools", "--lens", "valgrind", "--lens", "asan", "--variant", "bug", "--replay",
                    "--explain", cases=cases, path=path)  # fmt: skip
    assert explained.returncode == 0, explained.stdout
    assert f"recorded on {other}, not run here" in explained.stdout and "Invalid write of size 4" in explained.stdout
    # 6. who catches what shows what ran: asan caught it here, valgrind was replayed (not "caught")
    rows: dict[str, str] = {}  # each row of the picture, with the lines it wraps onto (80 columns)
    last = None
    for ln in explained.stdout.splitlines():
        if m := re.match(r"^[│ ]*(\w+@\w+) {2,}", ln):
            last = m[1]
            rows[last] = ln
        elif last and re.match(r"^[│ ]* {6,}\S", ln):
            rows[last] += " " + ln.strip(" │")
        else:
            last = None
    assert "✔ caught" in rows["asan@asan"], rows
    assert "⟲ replayed" in rows["valgrind@O0"] and f"recorded on {other}" in rows["valgrind@O0"], rows
    assert "caught" not in rows["valgrind@O0"]
    assert "○ not run" in rows["plain@O0"], rows  # filtered out of this run: what it would show, marked


def test_nearest_snapshot_prefers_this_key_then_the_same_arch_runtime_libc_and_compiler():
    from harness.pipeline import snapshots

    here = "x86_64-glibc2.36-gcc-12-py3.11"
    assert snapshots.nearness(here, here) > snapshots.nearness("x86_64-glibc2.36-clang-16-py3.11", here)
    order = sorted(["aarch64-glibc2.36-gcc-12-py3.11", "x86_64-glibc2.36-gcc-12-py3.12", "x86_64-glibc2.36-clang-16-py3.11",
                    "x86_64-glibc2.31-gcc-10-py3.11", "x86_64-musl1.2-gcc-12-py3.11"],
                   key=lambda k: snapshots.nearness(k, here), reverse=True)  # fmt: skip
    assert order == [
        "x86_64-glibc2.31-gcc-10-py3.11",  # same arch, Python, libc family and compiler family
        "x86_64-glibc2.36-clang-16-py3.11",  # ... another compiler
        "x86_64-musl1.2-gcc-12-py3.11",  # ... another libc
        "x86_64-glibc2.36-gcc-12-py3.12",  # ... another Python: its standard library's frames and lines
        "aarch64-glibc2.36-gcc-12-py3.11",  # another architecture last
    ]


# ---- 6. who catches what ------------------------------------------------------------------------------------


def test_who_catches_what_shows_only_what_ran_as_caught_or_silent():
    from harness.corpus.manifest import load_case
    from harness.teaching.pictures import catches
    from harness.teaching.pictures.model import RunView

    case = load_case(PORTABLE / "fx-tools")
    views = [
        RunView("bug", "plain", "O0", {"signal": "SIGSEGV"}),
        RunView("bug", "asan", "asan", {}, status="skipped", note="clang-16's asan runtime is not installed"),
        RunView("bug", "valgrind", "O0", {"signal": "SIGSEGV", "kind": "invalid-write"}, status="replayed",
                note="x86_64-glibc2.36-gcc-12"),
    ]  # fmt: skip
    got = {run: (verdict, what) for run, verdict, what in catches.verdicts(case, views)}
    assert got["plain@O0"] == ("caught", "SIGSEGV")
    assert got["asan@asan"] == ("skipped", "clang-16's asan runtime is not installed")
    assert got["valgrind@O0"] == ("replayed", "SIGSEGV · invalid-write (recorded on x86_64-glibc2.36-gcc-12, not run here)")
    assert got["fanalyzer@analyzer"] == ("not run", "expected: -Wanalyzer-null-dereference")
    pic = catches.picture(case, views)
    assert sum("✔ caught" in ln for ln in pic.lines) == 1
    assert "– skipped" in pic.svg and "⟲ replayed" in pic.svg


# ---- 7. the corpus under clang: former skips are checked --------------------------------------------------------


@needs_clang
def test_former_clang_skips_are_checked_in_full():
    """Before the fallbacks, these runs were skipped under --cc clang-16 (their expectations were gcc's only)."""
    r = run("run", "double-free", "heap-slack-read", "luajit-ffi-copy-off-by-one", "luajit-string-pointer-kept",
            "--lens", "asan", "--variant", "bug", "--cc", "clang-16", "--json", "--output", cases=CASES)  # fmt: skip
    assert r.returncode == 0, r.stdout[-3000:]
    recs = records(r)
    assert len(recs) == 4
    for rec in recs:
        assert rec["ok"] is True and rec["skipped"] is False and rec["partial"] is False, rec["case"]
    assert "attempting double-free" in one([x for x in recs if x["case"] == "double-free"])["stderr"]
