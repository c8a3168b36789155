"""Blessed snapshots: each run's output, normalized, stored beside its case.

    cases/<id>/snapshots/<machine key>/<variant>.<lens>.<profile>.txt

Addresses, pids, thread ids, paths, timings and build ids are scrubbed, so the file changes only
when what the run *says* changes. So is what follows the install or the schedule rather than the bug,
as two installs of the same machine key showed it: strace's syscall counts (names kept, sorted), the
frames where the stack ran out above a recursion in ASan's stack-overflow report, DRD's stack of a
thread that is starting, exiting or finished, the threads that are not running in valgrind's 'sched status'
dump (tests/test_snapshot_clone.py has the observed pairs). The machine key (arch, libc, compiler) keeps another machine's
output from failing here: a run compares only against snapshots of its own key, and a missing one
is reported as such, not as a failure. `crashcourse run --bless` writes them; review the diff.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from pathlib import Path

from harness.corpus import machine
from harness.corpus.paths import file_identity, remembered, root, write_atomically
from harness.corpus.values import Value, field
from harness.diagnose.common import Lazy
from harness.execution.build import cache_root
from harness.execution.children import CHILDREN
from harness.pipeline.record import RunRecord, describe

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a run's start-up does without it
if TYPE_CHECKING:
    from typing import Any

MAX_LINES = 400


def path_for(case_dir: Path, rec: RunRecord, key: str | None = None, language: str | None = None) -> Path:
    return case_dir / "snapshots" / (key or machine.machine_key(language)) / f"{rec.variant}.{rec.lens}.{rec.profile}.txt"


def _path_rules() -> tuple[tuple[str, str], ...]:
    return _path_rules_for(str(cache_root()), str(root()), os.path.expanduser("~"))


def _python_paths(cache: str) -> tuple[str, str]:
    """sysconfig's purelib and stdlib for this interpreter, remembered in the cache folder per interpreter
    (its prefixes and its binary): sysconfig costs a command ~5 ms."""

    def ask() -> list[str]:
        import sysconfig

        found = sysconfig.get_paths()
        return [found["purelib"], found["stdlib"]]

    ident = file_identity(sys.executable)
    if ident is None:
        return tuple(ask())  # type: ignore[return-value]
    got = remembered(Path(cache) / "interpreters.json", f"{sys.prefix} {sys.base_prefix} {ident}",
                     lambda v: isinstance(v, list) and len(v) == 2 and all(isinstance(p, str) for p in v), ask)  # fmt: skip
    return got[0], got[1]


@functools.lru_cache(maxsize=8)
def _path_rules_for(cache: str, corpus_root: str, home: str) -> tuple[tuple[str, str], ...]:
    """The rules for these folders (the environment may move them): computed once, not per run."""
    purelib, stdlib = _python_paths(cache)
    rules = [
        (cache, "<cache>"),
        (str(CHILDREN), "<children>"),  # the scripts the child runs: the same in a clone and an installed package
        (purelib, "<site-packages>"),
        (stdlib, "<stdlib>"),
        (corpus_root, "<root>"),
        (sys.prefix, "<python>"),
        (sys.base_prefix, "<python>"),  # a venv's interpreter lives in its base installation
        (os.path.realpath(sys.executable), "<python>/bin/python"),  # a distribution's /usr/bin/python3.11
        (sys.executable, "<python>/bin/python"),
        (home, "~"),
    ]
    # A distribution's Python has its prefix at /usr: replacing that would rename every system path
    # (valgrind's /usr/libexec, gdb's /usr/lib/debug), so a system prefix is never a rule.
    system = {"/", "/usr", "/usr/local", "/opt"}
    return tuple(sorted(((a, b) for a, b in rules if a and a.rstrip("/") not in system and a != "/"), key=lambda r: -len(r[0])))


# The scrubbing rules, in order: (needles, pattern, flags, replacement). A rule can match only where one
# of its needles is in the text: where none is, the rule is skipped and its pattern never compiled (Lazy,
# as the parsers' expressions). A run's output meets a few of them, not all.
_SCRUB_RULES: tuple[tuple[tuple[str, ...], str, int, str], ...] = (
    (("/tmp/crashcourse-",), r"/tmp/crashcourse-[\w-]+", 0, "<tmp>"),
    (("/.pyenv/versions/",), r"/(?:root|home/\w+)/\.pyenv/versions/[\d.]+", 0, "<python>"),
    (("-packages",), r"/[^\s\"'()]*?/(?:site|dist)-packages", 0, "<site-packages>"),
    (("<cache>/build/",), r"<cache>/build/\.?[0-9a-f]{20}(?:-\w+)?", 0, "<cache>/build/<hash>"),
    # a runtime a native/ recipe built: its folder's key hashes the recipe and the compiler's version string
    (("<cache>/",), r"(<cache>/[a-z][a-z0-9_-]*?)-[0-9a-f]{16}\b", 0, r"\1-<key>"),
    (("_cc_",), r"_cc_[a-z0-9_]+?_(bug|fixed)_(O0|O2|asan|tsan)", 0, r"_cc_<case>_\1_\2"),
    (("==",), r"==\d+==", 0, "==PID=="),
    (("pid", "PID", "tid"), r"\b(pid|PID|tid)[= ]\d+", 0, r"\1=PID"),
    (("[pid",), r"\[pid\s+\d+\]", 0, "[pid PID]"),
    (("LWP ",), r"\bLWP \d+", 0, "LWP N"),
    (("(process ",), r"\(process \d+\)", 0, "(process PID)"),
    (("Thread 0x",), r"\bThread 0x[0-9a-fA-F]+", 0, "Thread 0xTHREAD"),
    (("0x",), r"0x[0-9a-fA-F]{4,}", 0, "0xADDR"),
    (("+0x",), r"\+0x[0-9a-fA-F]+\)", 0, "+0xOFF)"),
    (("BuildId: ",), r"BuildId: [0-9a-f]+", 0, "BuildId: ID"),
    ((".",), r"\b\d+\.\d+ ?s\b", 0, "N.Ns"),
    ((" seconds",), r"\b\d+\.\d+ seconds\b", 0, "N.N seconds"),  # asyncio's slow-callback warning
    ((".",), r"\b\d+\.\d{6,}\b", 0, "N.NNNNNN"),  # clock readings a case prints
    # ASan's shadow rows: their alignment follows the stack address, which ASLR moves
    (("0xADDR:",), r"(?:^(?:=>|  )0xADDR:(?: |\[).*\n?)+", re.M, "  (shadow byte rows omitted from the snapshot: they move with ASLR)\n"),
    ((":",), r"\b\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?", 0, "DATE"),
    (("Copyright (C) ",), r"(Copyright \(C\) )[\d-]+", 0, r"\1YEARS"),
    (("core.",), r"core\.\d+", 0, "core.PID"),
    (("task-", "Task-"), r"(task|Task)-\d+", 0, r"\1-N"),
    (("lwpid ",), r"\blwpid \d+", 0, "lwpid N"),  # valgrind's thread status dump
    (("(suppressed: ",), r"\(suppressed: \d+ from \d+\)", 0, "(suppressed: N from N)"),  # DRD's count moves with the schedule
    (("cancel scope ",), r"\bcancel scope [0-9a-f]{8,}", 0, "cancel scope <id>"),  # anyio names a scope by its id()
    # what depends on the install, not on the case:
    (("<python>/bin/",), r"<python>/bin/[^\s()/\[\]'\"]+", 0, "<python>/bin/python"),  # the interpreter's name (python3.11, python, ...)
    (("/tmp/python-build.",), r"/tmp/python-build\.[\d.]+/Python-[\d.]+/", 0, "<python source>/"),  # where pyenv built this Python
    (("libpython3.",), r"\blibpython3\.\d+", 0, "libpython3.X"),  # C cases run in a Python child: not the Python they teach
    ((".cpython-3",), r"\.cpython-3\d+-", 0, ".cpython-3XX-"),
    (("_cc_<case>_",), r"(_cc_<case>_\w+\.c):\d+(?::\d+)?", 0, r"\1:N"),  # cffi's generated C: its line numbers move with paths
    # a core's command line is cut by the kernel at 80 bytes: where depends on the cache path's length
    (("Core was generated by `",), r"Core was generated by `[^'\n]*'", 0, "Core was generated by `<command line>'"),
)
SCRUBS: tuple[tuple[Lazy, str], ...] = tuple((Lazy(pattern, flags, needles), repl) for needles, pattern, flags, repl in _SCRUB_RULES)


# ---- what depends on the install or on timing, block by block ------------------------------------

# The block passes below compile their patterns on first use, and run only where their block can be.
STRACE_COUNTS_RE = r"^(syscall counts \(strace -f\):\n)((?:[ \t]+\d+  \w+(?:\n|$))+)"  # re.M
STRACE_FAILED_BRK_RE = r"^first of \d+ failed brk\(\) calls"  # re.M


def _strace_counts(text: str) -> str:
    """The strace lens's count table: which calls, not how many nor in which order. The counts move
    with the install (malloc-mmap-hole reads the CA bundle 20 times: `read` 1110 here, 1130 where the
    bundle is larger; `brk` 127 / 132; failed brk() 120 / 125); the metrics keep the numbers, and the
    expectations check them with ranges."""

    def table(m: re.Match) -> str:
        names = sorted(line.split()[1] for line in m.group(2).splitlines() if line.strip())
        return m.group(1) + "".join(f"{'N':>8}  {name}\n" for name in names)

    if "syscall counts (strace -f):" not in text and " failed brk() calls" not in text:
        return text
    text = re.sub(STRACE_COUNTS_RE, table, text, flags=re.M)
    return re.sub(STRACE_FAILED_BRK_RE, "first of N failed brk() calls", text, flags=re.M)


FRAME_RE = r"^(\s+)#\d+ (0xADDR in )?(\S+)(.*)$"
SO_SUMMARY_RE = r"^(SUMMARY: AddressSanitizer: stack-overflow) .*$"  # re.M
RAN_OUT = ("(the frames where the stack ran out, above the recursion, are left out: they change with where the "
           "stack starts (ASLR, the environment's size) -- an interceptor, the allocator, the unwinder)")  # fmt: skip


def recursion(names: list[str], max_period: int = 8, repeats: int = 3) -> tuple[int, int] | None:
    """(k, p): the recursion in a stack, innermost first -- frames k.. repeat with period p (at least
    `repeats` times); None when there is no such cycle."""
    for k in range(len(names)):
        for p in range(1, max_period + 1):
            if k + p * repeats <= len(names) and all(names[k + j] == names[k + j + p] for j in range(p * (repeats - 1))):
                return k, p
    return None


def _cycle_start(names: list[str], k: int, p: int) -> int:
    """Where to start showing the cycle: its first full turn after the partial one at k (whose call site
    depends on the frame that ran out), rotated to begin at its smallest name, so any frame ran out."""
    first = k + 1
    turn = names[first:first + p]
    return first + turn.index(min(turn))


def stack_overflow_frames(names: list[str]) -> list[str]:
    """A stack overflow's frames as the snapshot keeps them: without the frames where the stack ran out
    (above the recursion: they depend on where the stack started), the recursion once, what is below it."""
    rec = recursion(names)
    if rec is None or rec[0] == 0:  # the recursion itself ran out: nothing above it to leave out
        return names
    k, p = rec
    start = _cycle_start(names, k, p)
    end = start + p
    while end < len(names) and names[end] == names[end - p]:
        end += 1
    return names[start:start + p] + names[end:]


def _stack_overflow(text: str) -> str:
    """ASan's stack-overflow report when the stack ran out in a frame above a recursion (the runtime's
    memset interceptor, its allocator's MmapOrDieOnFatalError, its unwinder: which one depends on where
    the stack starts, i.e. on ASLR and the environment's size): those frames and the SUMMARY's location
    are left out, the recursion is shown once, and frame numbers (which shift with them) read #N."""
    if "ERROR: AddressSanitizer: stack-overflow" not in text:
        return text
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    changed = False
    while i < len(lines):
        out.append(lines[i])
        if "ERROR: AddressSanitizer: stack-overflow" not in lines[i]:
            i += 1
            continue
        j = i + 1
        frames = []
        while j < len(lines) and (m := re.match(FRAME_RE, lines[j])):
            frames.append(m)
            j += 1
        names = [m.group(3) for m in frames]
        rec = recursion(names)
        if rec is None:
            i += 1
            continue
        if rec[0] == 0:  # the recursion itself ran out: where in its body (which line) moves with the stack's start
            f0 = frames[0]
            out.append(f"{f0.group(1)}#0 {f0.group(2) or ''}{f0.group(3)}{re.sub(r':[0-9]+(?=(:[0-9]+)?$)', ':N', f0.group(4))}"
                       "  (the line where the stack ran out moves with where it started)")  # fmt: skip
            out += lines[i + 2 : j]
            changed = True
            i = j
            continue
        k, p = rec
        start = _cycle_start(names, k, p)
        end = start + p
        while end < len(names) and names[end] == names[end - p]:
            end += 1
        indent = frames[0].group(1)
        shown = [f"{m.group(1)}#N {m.group(2) or ''}{m.group(3)}{m.group(4)}" for m in frames[start:start + p]]
        below = [f"{m.group(1)}#N {m.group(2) or ''}{m.group(3)}{m.group(4)}" for m in frames[end:]]
        out += [indent + RAN_OUT, *shown, f"{indent}(... the same {p} frame{'s' if p > 1 else ''} again and again: the recursion)", *below]
        changed = True
        i = j
    text = "\n".join(out)
    if changed:
        text = re.sub(SO_SUMMARY_RE, r"\1 (where the stack ran out: left out, see above)", text, flags=re.M)
    return text


DRD_SEGMENT_RE = r"^(==PID== Other segment (?:start|end) \(thread \d+\)\n)((?:==PID==    .*(?:\n|$))+)"  # re.M
# frames of a thread's start or exit, not of the case: glibc's clone, start_thread, the stack's release
THREAD_MACHINERY_RE = (r"^==PID==    (?:at|by) 0xADDR: (?:\?\?\?|\S+) ?(?:\((?:clone3?\.S|pthread_create\.c|"
                       r"allocatestack\.c|syscall-template\.S|exit\.c|_exit\.c):\d+\))?$")  # fmt: skip


def _drd_segments(text: str) -> str:
    """DRD's 'Other segment start/end (thread N)' shows that thread's stack at the segment's edge: where
    no frame is the case's (the thread being started or exiting), or 'thread finished, call stack no
    longer available', which of them is printed depends on how far the thread got: left out."""

    def segment(m: re.Match) -> str:
        stack = [ln for ln in m.group(2).splitlines() if ln.strip()]
        finished = stack == ["==PID==    (thread finished, call stack no longer available)"]
        if finished or all(re.match(THREAD_MACHINERY_RE, ln) for ln in stack):
            return m.group(1) + "==PID==    (no frame of the case here: the thread starting, exiting or finished, by timing; left out)\n"
        return m.group(0)

    if "Other segment " not in text:
        return text
    return re.sub(DRD_SEGMENT_RE, segment, text, flags=re.M)


VG_SCHED_RE = r"^sched status:\n  running_tid=(\d+)\n"  # re.M
VG_SCHED_THREAD_RE = r"^(Thread (\d+): )status = .*\n((?:==PID==    (?:at|by) .*\n)*)"  # re.M


def _valgrind_sched_status(text: str) -> str:
    """valgrind's 'sched status' dump (printed when one of its own assertions fails, as heap corruption
    makes it): where a thread other than the running one is depends on the schedule, not on the case (the
    main thread still in pthread_create's clone, or already waiting in pthread_join: a loaded machine gives
    the one, an idle one the other; tests/test_snapshot_clone.py has both): its status and stack are left out.
    How much of valgrind's own stack a thread used ('top usage: 4104 of 1048576') is the tool's, and varies from
    run to run of the same case: N."""
    m = re.search(VG_SCHED_RE, text, flags=re.M) if "sched status:\n" in text else None
    if m is None:
        return text

    def thread(t: re.Match) -> str:
        if t.group(2) == m.group(1):
            return t.group(0)
        return f"{t.group(1)}(not the running thread: its status and stack follow the schedule; left out)\n"

    rest = re.sub(VG_SCHED_THREAD_RE, thread, text[m.end():], flags=re.M)
    return text[: m.end()] + re.sub(r"^(valgrind stack range: .* top usage: )\d+ of ", r"\1N of ", rest, flags=re.M)


# Lines whose presence depends on timing, not on the case (gdb attaching to a hung child).
NOISE = (r"^(?:\[New (?:LWP|Thread) .*\]|\[Thread debugging using libthread_db enabled\]|"
         r"Using host libthread_db library .*|\[Inferior \d+ \(process PID\) detached\]|"
         r"Program received signal .*|"
         r"warning: Section `\.reg-xstate/\d+' in core file too small\.|"
         r"warning: Unexpected size of section `\.reg-xstate/\d+' in core file\.)$")  # fmt: skip


def normalize(text: str, case_dir: Path | None = None) -> str:
    rules = _path_rules()
    if case_dir is not None:
        rules = [(str(case_dir.resolve()), "<case>"), *rules]
    for path, token in rules:
        text = text.replace(path, token)
    for rule, repl in SCRUBS:
        text = rule.sub(repl, text)
    text = _valgrind_sched_status(_drd_segments(_stack_overflow(_strace_counts(text))))
    lines = [ln.rstrip() for ln in text.splitlines() if not re.match(NOISE, ln.rstrip())]
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
        frames = rec.observed["frames"]
        if rec.observed.get("kind") == "stack-overflow":
            frames = stack_overflow_frames(frames)
        head.append("# frames: " + " < ".join(frames[:12]))
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
    write_atomically(path, render(rec, case_dir))
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
    import difflib  # only for a drift

    return "".join(
        difflib.unified_diff(old.splitlines(True), new.splitlines(True), str(path.relative_to(root()) if path.is_relative_to(root()) else path), "this run", n=2)
    )


_KEY_RE = r"^(?P<arch>[^-]+)-(?P<libc>[^-]+)-(?P<cc>[a-z+]+)-(?P<ccv>\d+|none)(?:-(?P<extra>.+))?$"


def _key_parts(key: str) -> dict[str, str]:
    m = re.match(_KEY_RE, key)
    if not m:
        return {"arch": key}
    parts = {k: v or "" for k, v in m.groupdict().items()}
    parts["libc_family"] = re.sub(r"[\d.]+$", "", parts["libc"])
    return parts


def nearness(key: str, here: str) -> tuple[int, ...]:
    """How close a machine key is to this one, for sorting (larger is nearer): the same architecture
    first, then the same language runtime (Python version, LuaJIT build), libc family (glibc's messages
    and frames), compiler family, compiler version, libc version."""
    a, b = _key_parts(key), _key_parts(here)
    same = [a.get(f) == b.get(f) for f in ("arch", "extra", "libc_family", "cc", "ccv", "libc")]
    return (int(key == here), *map(int, same))


def nearest(case_dir: Path, variant: str, lens: str, profile: str, language: str | None = None) -> tuple[str, Path] | None:
    """The blessed snapshot of one run to show where it cannot run: this machine key's, else the nearest
    key's (see nearness; ties by name). None when no machine has one."""
    here = machine.machine_key(language)
    root = case_dir / "snapshots"
    name = f"{variant}.{lens}.{profile}.txt"
    keys = sorted(p.name for p in root.iterdir() if (p / name).is_file()) if root.is_dir() else []
    if not keys:
        return None
    best = max(keys, key=lambda k: (nearness(k, here), [-ord(c) for c in k]))
    return best, root / best / name


def stored(case_dir: Path) -> dict[str, dict[str, str]]:
    """{machine key: {'<variant>.<lens>.<profile>': text}} for the site."""
    out: dict[str, dict[str, str]] = {}
    root = case_dir / "snapshots"
    if not root.is_dir():
        return out
    for keydir in sorted(p for p in root.iterdir() if p.is_dir()):
        out[keydir.name] = {p.stem: p.read_text(encoding="utf-8") for p in sorted(keydir.glob("*.txt"))}
    return out


_KIND_RE = r"^(?P<kind>\S+)(?: (?P<access>READ|WRITE))?(?: (?P<size>\d+))?(?: \((?P<tool>[^)]+)\))?$"


def observed_from_summary(summary: str, message: str = "", frames: list[str] | None = None) -> dict[str, Any]:
    """A snapshot's `# observed:` line (harness.report.terminal.describe) back into the fields the pictures use."""
    obs: dict[str, Any] = {"signal": None, "exit_code": None, "timed_out": False, "kind": None, "access": None,
                           "size": None, "frames": list(frames or []), "message": message or None,
                           "core_dumped": False, "tool": None}  # fmt: skip
    for part in (p.strip() for p in summary.split(" · ")):
        if re.match(r"^SIG[A-Z0-9]+( \(core dumped\))?$", part):
            obs["signal"], obs["core_dumped"] = part.split()[0], part.endswith("(core dumped)")
        elif re.match(r"^exit -?\d+$", part):
            obs["exit_code"] = int(part.split()[1])
        elif part.startswith("hung"):
            obs["timed_out"] = True
        elif part.startswith("clean"):
            m = re.search(r"exit (-?\d+)", part)
            obs["exit_code"] = int(m.group(1)) if m else 0
        elif (m := re.match(_KIND_RE, part)) is not None:
            obs["kind"], obs["access"], obs["tool"] = m["kind"], m["access"], m["tool"]
            obs["size"] = int(m["size"]) if m["size"] else None
    return obs


# ---- reading a snapshot back ----------------------------------------------------------------------


class Snapshot(Value):
    """A blessed snapshot, split into its parsed header and its captured streams."""

    text: str
    observed: str = ""
    message: str = ""
    frames: list[str] = field(default_factory=list)
    build_warnings: list[str] = field(default_factory=list)  # 'repro.c:12: message [-Wopt]'
    stderr: str = ""
    stdout: str = ""

    def observation(self) -> dict[str, Any]:
        """The header read back into the run record's `observed` fields (as far as the header says them)."""
        return observed_from_summary(self.observed, self.message, self.frames)

    @property
    def clean(self) -> bool:
        return self.observed.startswith("clean")

    def backtrace(self) -> list[str]:
        """gdb's backtrace lines (`#0  ... in f (...) at file:line`), each frame once, in order."""
        seen: dict[str, str] = {}
        for line in (self.stderr + "\n" + self.stdout).splitlines():
            m = re.match(r"^#(\d+)\s+\S", line)
            if m and m.group(1) not in seen:
                seen[m.group(1)] = line
        if not seen:
            return []
        return [seen[k] for k in sorted(seen, key=int)]


def parse_snapshot(text: str) -> Snapshot:
    snap = Snapshot(text)
    lines = text.splitlines()
    i = 0
    while i < len(lines) and lines[i].startswith("# "):
        key, _, val = lines[i][2:].partition(": ")
        if key == "observed":
            snap.observed = val
        elif key == "message":
            snap.message = val
        elif key == "frames":
            snap.frames = [f.strip() for f in val.split(" < ") if f.strip()]
        elif key == "build warning":
            snap.build_warnings.append(val)
        i += 1
    section = None
    parts: dict[str, list[str]] = {"stderr": [], "stdout": []}
    for line in lines[i:]:
        if line in ("--- stderr ---", "--- stdout ---"):
            section = line.strip("- ")
            continue
        if section:
            parts[section].append(line)
    snap.stderr = "\n".join(parts["stderr"]).strip("\n")
    snap.stdout = "\n".join(parts["stdout"]).strip("\n")
    return snap


def runs_by_key(snapshots: dict[str, dict[str, str]], variant: str, lens: str, profile: str) -> dict[str, Snapshot]:
    """{machine key: snapshot} of one run, for every machine that has it."""
    name = f"{variant}.{lens}.{profile}"
    return {key: parse_snapshot(runs[name]) for key, runs in snapshots.items() if name in runs}
