"""Blessed snapshots: each run's output, normalized, stored beside its case.

    cases/<id>/snapshots/<machine key>/<variant>.<lens>.<profile>.txt

Addresses, pids, thread ids, paths, timings and build ids are scrubbed, so the file changes only
when what the run *says* changes. The machine key (arch, libc, compiler) keeps another machine's
output from failing here: a run compares only against snapshots of its own key, and a missing one
is reported as such, not as a failure. `crashcourse run --bless` writes them; review the diff.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import sys
import sysconfig
from pathlib import Path

from harness import ROOT, machine
from harness.build import cache_root
from harness.pipeline import RunRecord
from harness.report import describe

MAX_LINES = 400


def machine_key(language: str | None = None) -> str:
    """arch-libc-compiler, plus what a language's output depends on: the Python minor version for
    Python cases (standard-library line numbers), the LuaJIT build for Lua cases (lupa's)."""
    f = machine.facts()
    libc = f["libc"].replace("glibc-", "glibc")
    key = f"{f['arch']}-{libc}-{f['compiler']}"
    if language == "python":
        key += f"-py{sys.version_info[0]}.{sys.version_info[1]}"
    elif language == "lua":
        key += f"-{luajit_build()}"
    return key


@functools.cache
def luajit_build() -> str:
    """'luajit2.1.1774896198': the LuaJIT inside lupa, which runs the Lua cases."""
    try:
        from lupa import luajit21

        impl = luajit21.LuaRuntime().lua_implementation  # 'LuaJIT 2.1.1774896198'
    except Exception:  # lupa missing or broken: the Lua runs are skipped anyway
        return "luajit-unknown"
    return impl.lower().replace(" ", "")


def path_for(case_dir: Path, rec: RunRecord, key: str | None = None, language: str | None = None) -> Path:
    return case_dir / "snapshots" / (key or machine_key(language)) / f"{rec.variant}.{rec.lens}.{rec.profile}.txt"


def _path_rules() -> list[tuple[str, str]]:
    rules = [
        (str(cache_root()), "<cache>"),
        (sysconfig.get_paths()["purelib"], "<site-packages>"),
        (sysconfig.get_paths()["stdlib"], "<stdlib>"),
        (str(ROOT), "<root>"),
        (sys.prefix, "<python>"),
        (sys.base_prefix, "<python>"),  # a venv's interpreter lives in its base installation
        (os.path.expanduser("~"), "~"),
    ]
    return sorted(((a, b) for a, b in rules if a and a != "/"), key=lambda r: -len(r[0]))


SCRUB: list[tuple[re.Pattern, str]] = [
    (re.compile(r"/tmp/crashcourse-[\w-]+"), "<tmp>"),
    (re.compile(r"/(?:root|home/\w+)/\.pyenv/versions/[\d.]+"), "<python>"),
    (re.compile(r"/[^\s\"'()]*?/(?:site|dist)-packages"), "<site-packages>"),
    (re.compile(r"<cache>/build/\.?[0-9a-f]{20}(?:-\w+)?"), "<cache>/build/<hash>"),
    (re.compile(r"_cc_[a-z0-9_]+?_(bug|fixed)_(O0|O2|asan|tsan)"), r"_cc_<case>_\1_\2"),
    (re.compile(r"==\d+=="), "==PID=="),
    (re.compile(r"\b(pid|PID|tid)[= ]\d+"), r"\1=PID"),
    (re.compile(r"\[pid\s+\d+\]"), "[pid PID]"),
    (re.compile(r"\bLWP \d+"), "LWP N"),
    (re.compile(r"\(process \d+\)"), "(process PID)"),
    (re.compile(r"\bThread 0x[0-9a-fA-F]+"), "Thread 0xTHREAD"),
    (re.compile(r"0x[0-9a-fA-F]{4,}"), "0xADDR"),
    (re.compile(r"\+0x[0-9a-fA-F]+\)"), "+0xOFF)"),
    (re.compile(r"BuildId: [0-9a-f]+"), "BuildId: ID"),
    (re.compile(r"\b\d+\.\d+ ?s\b"), "N.Ns"),
    (re.compile(r"\b\d+\.\d+ seconds\b"), "N.N seconds"),  # asyncio's slow-callback warning
    (re.compile(r"\b\d+\.\d{6,}\b"), "N.NNNNNN"),  # clock readings a case prints
    # ASan's shadow rows: their alignment follows the stack address, which ASLR moves
    (re.compile(r"(?:^(?:=>|  )0xADDR:(?: |\[).*\n?)+", re.M), "  (shadow byte rows omitted from the snapshot: they move with ASLR)\n"),
    (re.compile(r"\b\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?"), "DATE"),
    (re.compile(r"(Copyright \(C\) )[\d-]+"), r"\1YEARS"),
    (re.compile(r"core\.\d+"), "core.PID"),
    (re.compile(r"(task|Task)-\d+"), r"\1-N"),
    (re.compile(r"\blwpid \d+"), "lwpid N"),  # valgrind's thread status dump
    (re.compile(r"\(suppressed: \d+ from \d+\)"), "(suppressed: N from N)"),  # DRD's count moves with the schedule
    (re.compile(r"\bcancel scope [0-9a-f]{8,}"), "cancel scope <id>"),  # anyio names a scope by its id()
    # what depends on the install, not on the case:
    (re.compile(r"<python>/bin/[^\s()/\[\]'\"]+"), "<python>/bin/python"),  # the interpreter's name (python3.11, python, ...)
    (re.compile(r"\blibpython3\.\d+"), "libpython3.X"),  # C cases run in a Python child: not the Python they teach
    (re.compile(r"\.cpython-3\d+-"), ".cpython-3XX-"),
    (re.compile(r"(_cc_<case>_\w+\.c):\d+(?::\d+)?"), r"\1:N"),  # cffi's generated C: its line numbers move with paths
    # a core's command line is cut by the kernel at 80 bytes: where depends on the cache path's length
    (re.compile(r"Core was generated by `[^'\n]*'"), "Core was generated by `<command line>'"),
]


# Lines whose presence depends on timing, not on the case (gdb attaching to a hung child).
NOISE = re.compile(r"^(?:\[New (?:LWP|Thread) .*\]|\[Thread debugging using libthread_db enabled\]|"
                   r"Using host libthread_db library .*|\[Inferior \d+ \(process PID\) detached\]|"
                   r"Program received signal .*|"
                   r"warning: Section `\.reg-xstate/\d+' in core file too small\.)$")  # fmt: skip


def normalize(text: str, case_dir: Path | None = None) -> str:
    rules = _path_rules()
    if case_dir is not None:
        rules = [(str(case_dir.resolve()), "<case>"), *rules]
    for path, token in rules:
        text = text.replace(path, token)
    for pattern, repl in SCRUB:
        text = pattern.sub(repl, text)
    lines = [ln.rstrip() for ln in text.splitlines() if not NOISE.match(ln.rstrip())]
    if len(lines) > MAX_LINES:
        lines = lines[: MAX_LINES // 2] + [f"[... {len(lines) - MAX_LINES} lines cut ...]"] + lines[-MAX_LINES // 2 :]
    return "\n".join(lines).strip("\n") + "\n"


def warning_line(w: dict) -> str:
    """One compiler warning of observed.build_warnings, as the snapshot, --explain and the site print it."""
    return f"{w['file']}:{w['line']}: {w['message']} [{w['option']}]"


def render(rec: RunRecord, case_dir: Path | None = None) -> str:
    """The snapshot text: the diagnosis in words, then the output. What depends on timing is left out:
    the values of metrics (expectations check them with ranges), and the stacks of a spinning
    (livelocked) child, which are a sample of wherever it happened to be."""
    sampled = rec.observed.get("kind") == "livelock"
    head = [
        f"# crashcourse snapshot: {rec.case} · {rec.variant} · {rec.lens}@{rec.profile}",
        f"# observed: {describe(rec.observed)}",
    ]
    if rec.observed.get("message") and not sampled:  # a livelock's message says what decided it: timing
        head.append(f"# message: {rec.observed['message']}")
    if rec.observed.get("frames") and not sampled:
        head.append("# frames: " + " < ".join(rec.observed["frames"][:12]))
    for w in rec.observed.get("build_warnings") or []:
        head.append(f"# build warning: {warning_line(w)}")
    body = ""
    if rec.stderr.strip():
        body += "--- stderr ---\n" + rec.stderr
    if rec.stacks.strip():
        body += ("\n" if body else "") + "--- stacks taken by the watchdog (gdb -p) ---\n"
        body += "(a spinning child's stacks are a sample: omitted from the snapshot)\n" if sampled else rec.stacks
    if rec.stdout.strip():
        body += ("\n" if body else "") + "--- stdout ---\n" + rec.stdout
    text = "\n".join(head) + "\n" + body
    text = re.sub(r"^(CRASHCOURSE_METRIC [\w.]+)=\S+$", r"\1=<value>", text, flags=re.M)
    return normalize(text, case_dir)


def bless(case_dir: Path, rec: RunRecord, language: str | None = None) -> Path | None:
    if rec.skipped:
        return None
    path = path_for(case_dir, rec, language=language)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(render(rec, case_dir), encoding="utf-8")
    os.replace(tmp, path)  # never half-written
    return path


def drift(case_dir: Path, rec: RunRecord, language: str | None = None) -> str | None:
    """A unified diff against the blessed snapshot for this machine; None when equal or there is none."""
    if rec.skipped:
        return None
    path = path_for(case_dir, rec, language=language)
    if not path.exists():
        return None
    old = path.read_text(encoding="utf-8")
    new = render(rec, case_dir)
    if old == new:
        return None
    return "".join(
        difflib.unified_diff(old.splitlines(True), new.splitlines(True), str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path), "this run", n=2)
    )


def stored(case_dir: Path) -> dict[str, dict[str, str]]:
    """{machine key: {'<variant>.<lens>.<profile>': text}} for the site."""
    out: dict[str, dict[str, str]] = {}
    root = case_dir / "snapshots"
    if not root.is_dir():
        return out
    for keydir in sorted(p for p in root.iterdir() if p.is_dir()):
        out[keydir.name] = {p.stem: p.read_text(encoding="utf-8") for p in sorted(keydir.glob("*.txt"))}
    return out
