"""`crashcourse diagnose`: a report of each tool, pasted in each of the shapes users paste them in, reads as
the same kind. The report shapes are written from each tool's format (gcc 12 / clang 16 on Linux, clang
on macOS, valgrind 3.19, glibc 2.36, CPython 3.11, gdb 13); arbitrary text never crashes the reader."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.cli import main
from harness.diagnose import diagnose_text
from harness.diagnose.pasted import clean

# (name, report, expected kind, tool, expected first frames)
REPORTS = [
    ("asan-clang", """\
=================================================================
==88231==ERROR: AddressSanitizer: stack-use-after-scope on address 0x7ffd4c3a1e20 at pc 0x55e1c2b4a8b0 bp 0x7ffd4c3a1df0 sp 0x7ffd4c3a1de8
WRITE of size 4 at 0x7ffd4c3a1e20 thread T0
    #0 0x55e1c2b4a8af in apply_op /home/dév/calc/ops.c:41:17
    #1 0x55e1c2b4a9c4 in main /home/dév/calc/main.c:12:3
    #2 0x7f1f2a429d8f in __libc_start_call_main csu/../sysdeps/nptl/libc_start_call_main.h:58:16
    #3 0x55e1c2a732e0 in _start (/home/dév/calc/calc+0x1e2e0) (BuildId: 422bbcbe9dbe5b40887b2220ce3788f6625a3833)

Address 0x7ffd4c3a1e20 is located in stack of thread T0 at offset 32 in frame
    #0 0x55e1c2b4a6ff in apply_op /home/dév/calc/ops.c:30

SUMMARY: AddressSanitizer: stack-use-after-scope /home/dév/calc/ops.c:41:17 in apply_op
""", "stack-use-after-scope", "asan", ["apply_op", "main"]),
    ("asan-macos", """\
==4017==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc 0x000104f33e6c bp 0x00016af0e7b0 sp 0x00016af0e7a8
READ of size 4 at 0x602000000010 thread T0
    #0 0x104f33e68 in on_event+0x1d (demo:arm64+0x100003e68)
    #1 0x104f33f2c in main+0x6c (demo:arm64+0x100003f2c)
    #2 0x19e2f3f24  (<unknown module>)

0x602000000010 is located 0 bytes inside of 4-byte region [0x602000000010,0x602000000014)
freed by thread T0 here:
    #0 0x1053f2d0c in wrap_free+0x98 (libclang_rt.asan_osx_dynamic.dylib:arm64e+0x4ed0c)
""", "heap-use-after-free", "asan", ["on_event", "main", "??"]),
    ("lsan", """\
==15212==ERROR: LeakSanitizer: detected memory leaks

Direct leak of 64 byte(s) in 1 object(s) allocated from:
    #0 0x7f82d7e13545 in __interceptor_malloc ../../../../src/libsanitizer/lsan/lsan_interceptors.cpp:75
    #1 0x557bb297e1af in load_config /srv/app/config.c:88
    #2 0x557bb297e2b0 in main /srv/app/main.c:20

SUMMARY: LeakSanitizer: 64 byte(s) leaked in 1 allocation(s).
""", "direct-leak", "lsan", ["__interceptor_malloc", "load_config", "main"]),
    ("ubsan-gcc", """\
/build/src/frame.c:212:31: runtime error: signed integer overflow: 1073741824 * 4 cannot be represented in type 'int'
    #0 0x5604f1e2b3c1 in frame_bytes /build/src/frame.c:212
    #1 0x5604f1e2b5d0 in read_frame /build/src/frame.c:240
    #2 0x7f7067c45249 in __libc_start_call_main ../sysdeps/nptl/libc_start_call_main.h:58
""", "signed-integer-overflow", "ubsan", ["frame_bytes", "read_frame"]),
    ("msan", """\
==14072==WARNING: MemorySanitizer: use-of-uninitialized-value
    #0 0x556092abd2a5 in parse_len /src/net/packet.c:44:9
    #1 0x556092abd6c1 in handle /src/net/packet.c:80:3

  Uninitialized value was created by an allocation of 'hdr' in the stack frame
    #0 0x556092abd4d5 in handle /src/net/packet.c:71:5

SUMMARY: MemorySanitizer: use-of-uninitialized-value /src/net/packet.c:44:9 in parse_len
Exiting
""", "use-of-uninitialized-value", "msan", ["parse_len", "handle"]),
    ("tsan-clang", """\
==================
WARNING: ThreadSanitizer: lock-order-inversion (potential deadlock) (pid=31337)
  Cycle in lock order graph: M0 (0x55d3a8f2c0e0) => M1 (0x55d3a8f2c120) => M0

  Mutex M1 acquired here while holding mutex M0 in thread T1:
    #0 pthread_mutex_lock <null> (libtsan.so.2+0x558e1) (BuildId: 7a3c1b)
    #1 transfer /src/bank/account.c:31:5 (bank+0xd1382) (BuildId: 5f0e2a)
    #2 worker /src/bank/account.c:60:9 (bank+0xd1400) (BuildId: 5f0e2a)

SUMMARY: ThreadSanitizer: lock-order-inversion (potential deadlock) /src/bank/account.c:31:5 in transfer
==================
""", "lock-order-inversion", "tsan", ["pthread_mutex_lock", "transfer", "worker"]),
    ("memcheck", """\
==9484== Memcheck, a memory error detector
==9484== Command: ./server
==9484==
==9484== Mismatched free() / delete / delete []
==9484==    at 0x484499B: operator delete(void*, unsigned long) (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
==9484==    by 0x1091AE: Session::close() (session.cc:52)
==9484==    by 0x109240: main (main.cc:17)
==9484==  Address 0x4d6ecd0 is 0 bytes inside a block of size 64 alloc'd
""", "mismatched-free", "valgrind", ["operator delete", "Session::close", "main"]),
    ("helgrind", """\
==15231== Helgrind, a thread error detector
==15231== Possible data race during write of size 8 at 0x10C034 by thread #3
==15231== Locks held: none
==15231==    at 0x109171: publish (queue.c:66)
==15231==    by 0x484C7D6: ??? (in /usr/libexec/valgrind/vgpreload_helgrind-amd64-linux.so)
==15231==
""", "data-race", "helgrind", ["publish", "???"]),
    ("drd", """\
==15240== drd, a thread error detector
==15240== Conflicting load by thread 2 at 0x0010c034 size 4
==15240==    at 0x10917A: consume (queue.c:80)
==15240==    by 0x490F1F4: start_thread (pthread_create.c:442)
""", "conflicting-access", "drd", ["consume", "start_thread"]),
    ("glibc", """\
starting 4 workers
malloc(): corrupted top size
Aborted (core dumped)
""", "corrupted-top-size", "glibc", []),
    ("assert", """\
parser: /src/pärser/record.c:88: parse_record: Assertion `len <= cap' failed.
Aborted
""", "assertion-failure", "glibc", ["parse_record"]),
    ("faulthandler", """\
Fatal Python error: _Py_CheckRecursiveCall: Cannot recover from stack overflow.
Python runtime state: initialized

Current thread 0x00007f3b2a1fc740 (most recent call first):
  File "/srv/app/tree.py", line 12 in walk
  File "/srv/app/tree.py", line 14 in walk
""", "python-stack-overflow", "python", ["walk", "walk"]),
    ("gdb", """\
Program terminated with signal SIGSEGV, Segmentation fault.
#0  0x000055555555513d in timeout_of (w=0x0) at repro.c:45
#1  0x0000555555555189 in Widget::poke (this=0x7fffffffe0, n=3) at widget.cpp:9
#2  0x00007ffff7c29d90 in __libc_start_call_main () from /lib/x86_64-linux-gnu/libc.so.6
""", None, "gdb", ["timeout_of", "Widget::poke"]),
]  # fmt: skip


def _lines(f):
    return lambda t: "\n".join(f(ln) for ln in t.splitlines()) + "\n"


SHAPES = {
    "as-printed": lambda t: t,
    "test-runner": _lines(lambda ln: f"714: {ln}"),
    "iso-timestamps": _lines(lambda ln: f"2026-11-23T13:31:05.123456Z {ln}"),
    "bracketed-clock": _lines(lambda ln: f"[13:31:05.120] {ln}"),
    "pid-prefix": _lines(lambda ln: f"[pid 31337] {ln}"),
    "markdown-quote": _lines(lambda ln: f"> {ln}"),
    "nested-quote-fence": lambda t: "> ```\n" + "".join(f"> {ln}\n" for ln in t.splitlines()) + "> ```\n",
    "fenced-indented": lambda t: "Here is the crash:\n\n```text\n" + "".join(f"    {ln}\n" for ln in t.splitlines()) + "```\nthanks!\n",
    "bullets": _lines(lambda ln: f"- {ln}" if ln.strip() else ln),
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "tabs": _lines(lambda ln: f"\t{ln}"),
    "interleaved": lambda t: "\n".join(
        ln + ("\n[worker-2] heartbeat ok" if i % 3 == 2 and ln.strip() else "") for i, ln in enumerate(t.splitlines())
    ) + "\n",
    "surrounded": lambda t: "make[2]: Entering directory '/build'\nrunning tests...\n" + t + "make[2]: *** [Makefile:12: check] Error 134\n",
    "runner+timestamp+quote": _lines(lambda ln: f"> 2026-11-23 13:31:05,120 714: {ln}"),
    # a CI log viewer's line numbers, as copied: GitHub Actions ('  1234 2026-...Z '), a '|' gutter, a tab
    "log-viewer-numbers": lambda t: "".join(f"{i + 1234:>6} 2026-11-23T13:31:05.1234567Z {ln}\n" for i, ln in enumerate(t.splitlines())),
    "pipe-gutter": lambda t: "".join(f"{i + 12:>4} | {ln}\n" for i, ln in enumerate(t.splitlines())),
    "tab-gutter": lambda t: "".join(f"{i + 1}\t{ln}\n" for i, ln in enumerate(t.splitlines())),
    # the raw Markdown of a post whose author escaped (or whose converter escaped) the punctuation
    "markdown-escaped": _lines(lambda ln: "".join("\\" + c if c in "*_[]<>#`" else c for c in ln)),
}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name,report,kind,tool,frames", REPORTS, ids=[r[0] for r in REPORTS])
def test_each_tool_in_each_shape(name, report, kind, tool, frames, shape):
    obs = diagnose_text(SHAPES[shape](report))
    assert (obs.kind, obs.tool) == (kind, tool)
    assert obs.frames[: len(frames)] == frames


def test_access_size_signal_and_core():
    obs = diagnose_text(SHAPES["markdown-quote"](REPORTS[0][1]))
    assert (obs.access, obs.size) == ("WRITE", 4)
    obs = diagnose_text(REPORTS[9][1])  # glibc + the shell's words
    assert (obs.signal, obs.core_dumped) == ("SIGABRT", True)
    assert diagnose_text(REPORTS[-1][1]).signal == "SIGSEGV"  # gdb
    assert diagnose_text("./server: line 3: 4242 Segmentation fault      ./server\n").signal == "SIGSEGV"


def test_excerpts_without_banner_lines():
    asan_body = REPORTS[0][1].split("\n", 2)[2]  # no '====' and no ERROR line: SUMMARY names it
    assert diagnose_text(asan_body).kind == "stack-use-after-scope"
    tsan_body = REPORTS[5][1].split("\n", 2)[2]
    assert diagnose_text(tsan_body).kind == "lock-order-inversion"
    memcheck = "\n".join(ln for ln in REPORTS[6][1].splitlines() if "Memcheck" not in ln)
    assert diagnose_text(memcheck).kind == "mismatched-free"
    stripped_prefix = "\n".join(ln.split("== ", 1)[-1] for ln in REPORTS[6][1].splitlines())  # '==pid==' removed too
    assert diagnose_text(stripped_prefix).kind == "mismatched-free"
    assert diagnose_text("    #0 0x55 in f /x.c:3\nSUMMARY: UndefinedBehaviorSanitizer: invalid-shift-exponent x.c:3:9 in f\n").kind == "invalid-shift-exponent"


def test_clean_keeps_the_report_lines():
    text = "> 714: ```\n> 714:     #0 0x55 in main /x/ü.c:3\n> 714: ```\n"
    assert clean(text).strip() == "#0 0x55 in main /x/ü.c:3"


def test_cli_prints_the_kind_and_the_cases_that_teach_it(tmp_path, capsys):
    p = tmp_path / "report.txt"
    p.write_text(SHAPES["test-runner"](REPORTS[0][1]), encoding="utf-8")
    assert main(["diagnose", str(p)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("stack-use-after-scope  [AddressSanitizer]")
    assert "frames:  apply_op < main" in out
    assert "you have a stack-use-after-scope (AddressSanitizer): see case " in out


def test_cli_json_has_the_run_records_observed_fields(tmp_path, capsys):
    from harness.corpus.values import fields
    from harness.diagnose.observation import Observation

    p = tmp_path / "r.txt"
    p.write_text(REPORTS[4][1])
    assert main(["diagnose", str(p), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["observed"]) == set(fields(Observation))
    assert data["observed"]["kind"] == "use-of-uninitialized-value"
    assert all(set(c) == {"id", "title", "lenses"} for c in data["cases"])
    assert data["cases"], "the corpus has MemorySanitizer cases"
    has_msan = [c["lenses"][0] == "msan" for c in data["cases"]]
    assert has_msan == sorted(has_msan, reverse=True)  # cases seen under the report's own lens come first


def test_cli_stdin_and_nothing_recognised(monkeypatch, capsys):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"all good here\n")))
    assert main(["diagnose", "-"]) == 1
    assert "no crash or sanitizer report recognised" in capsys.readouterr().out


def test_cli_unknown_file_is_one_line_exit_2(tmp_path, capsys):
    assert main(["diagnose", str(tmp_path / "nope.txt")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope.txt" in err and "stdin" in err
    assert main(["diagnose", str(tmp_path)]) == 2
    assert capsys.readouterr().err.count("\n") == 1


FRAGMENTS = st.sampled_from([r[1] for r in REPORTS] + ["> ", "714: ", "```\n", "- ", "\t", "\r\n", "==1== ", "[pid 1] "])
MANGLED = st.lists(st.one_of(st.text(), FRAGMENTS, FRAGMENTS.map(lambda s: s[: len(s) // 3])), max_size=10).map("".join)


@settings(max_examples=200, deadline=None)
@given(MANGLED, st.sampled_from(sorted(SHAPES)))
def test_diagnose_text_never_raises(text, shape):
    diagnose_text(text)
    diagnose_text(SHAPES[shape](text))


def test_every_blessed_snapshot_reads_as_its_run_observed_it():
    """The corpus as a test set: each blessed bug output, read as a paste, gives the kind its run observed."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "cases"
    tools = {"asan", "lsan", "ubsan", "msan", "tsan", "valgrind", "helgrind", "drd", "glibc", "python"}
    checked, wrong = 0, []
    for snap in sorted(root.glob("*/snapshots/*/bug.*.txt")):
        text = snap.read_text(encoding="utf-8", errors="replace")
        m = re.search(r"^# observed: .*?([^\s·]+)(?: (?:READ|WRITE))?(?: \d+)? \((\w+)\)$", text, re.M)
        if not m or m.group(2) not in tools:
            continue
        # undo the snapshot scrubbing where a parser needs the digits back
        text = text.replace("0xADDR", "0x1").replace("==PID==", "==1==").replace("N.N", "1.0")
        streams = re.findall(r"^--- (?:stderr|stdout) ---\n(.*?)(?=^--- |\Z)", text, re.M | re.S)
        kinds = [diagnose_text(s).kind for s in streams]
        checked += 1
        if m.group(1) not in kinds:
            wrong.append(f"{snap.relative_to(root)}: observed {m.group(1)}, read {kinds}")
    assert checked >= 50
    assert not wrong, "\n".join(wrong)


# ---- real reports, as posted in public issue threads (tests/fixtures/reports) ------------------------

def _real_reports():
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parent / "fixtures" / "reports"
    index = tomllib.loads((root / "index.toml").read_text(encoding="utf-8"))["report"]
    return root, index


REAL_ROOT, REAL_REPORTS = _real_reports()


def _reads_right(entry: dict) -> tuple[bool, str]:
    """(whether diagnose reads the report as its index entry says, what it read)."""
    obs = diagnose_text((REAL_ROOT / entry["file"]).read_text(encoding="utf-8"))
    got = {"kind": obs.kind, "signal": obs.signal, "tool": obs.tool, "access": obs.access, "frames": obs.frames}
    want_recognised = entry.get("recognised", True)
    ok = (
        bool(obs.kind or obs.signal) == want_recognised
        and obs.kind == entry.get("kind")
        and obs.signal == entry.get("signal")
        and obs.tool == entry.get("tool")
        and obs.access == entry.get("access", obs.access)
        and obs.frames[: len(entry.get("frames", []))] == entry.get("frames", [])
    )
    return ok, str(got)


@pytest.mark.parametrize("entry", REAL_REPORTS, ids=[e["file"] for e in REAL_REPORTS])
def test_real_report_reads_right(entry):
    ok, got = _reads_right(entry)
    assert ok, f"{entry['file']} ({entry['source']}): read {got}"


def test_real_reports_per_format(capsys):
    """The table of recognised-and-kind-correct reports per format (printed: quote it)."""
    formats: dict[str, list[bool]] = {}
    for entry in REAL_REPORTS:
        formats.setdefault(entry["file"].split("/")[0], []).append(_reads_right(entry)[0])
    table = "\n".join(f"  {fmt:24} {sum(oks)}/{len(oks)}" for fmt, oks in sorted(formats.items()))
    with capsys.disabled():
        print("\nreal reports, recognised and kind-correct, per format:\n" + table)
    assert all(all(oks) for oks in formats.values()), table
    assert all(len(oks) >= 3 for oks in formats.values()), table


def test_real_reports_are_indexed_and_sourced():
    """Every file is in index.toml with its thread, and in the README's table with the same link."""
    files = sorted(str(p.relative_to(REAL_ROOT)) for p in REAL_ROOT.glob("*/*.txt"))
    assert files == sorted(e["file"] for e in REAL_REPORTS)
    readme = (REAL_ROOT / "README.md").read_text(encoding="utf-8")
    for e in REAL_REPORTS:
        assert e["source"].startswith("https://github.com/"), e["file"]
        row = next((ln for ln in readme.splitlines() if f"`{e['file']}`" in ln), "")
        assert e["source"] in row, e["file"]


def test_cli_a_bare_backtrace_is_not_a_diagnosis(tmp_path, capsys):
    """A gdb bt without the line saying how the program stopped: exit 1, never 'None'."""
    p = tmp_path / "bt.txt"
    p.write_text((REAL_ROOT / "gdb-bt-without-signal/realm-core-1005.txt").read_text(encoding="utf-8"))
    assert main(["diagnose", str(p)]) == 1
    out = capsys.readouterr().out
    assert "None" not in out
    assert "nothing in the text says how the program stopped" in out and "pthread_join" in out
    assert main(["diagnose", str(p), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["observed"]["kind"], data["observed"]["signal"], data["cases"]) == (None, None, [])
    p.write_text("#0  foo (n=1) at a.c:3\n#1  0x0000555555555189 in main () at a.c:9\n")
    assert main(["diagnose", str(p)]) == 1
    assert "None" not in capsys.readouterr().out


def test_cli_fatal_python_error_names_the_cases_that_end_in_its_signal(tmp_path, capsys):
    p = tmp_path / "abort.txt"
    p.write_text((REAL_ROOT / "fatal-python-error/parsl-2396.txt").read_text(encoding="utf-8"))
    assert main(["diagnose", str(p)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("SIGABRT") and "None" not in out and "no case in the corpus shows SIGABRT yet" not in out
    assert "see case double-free " in out and "see case stack-smash " in out
    assert main(["diagnose", str(p), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["matched_by"] == "signal-any-kind" and len(data["cases"]) >= 10
    p.write_text("Fatal Python error: Segmentation fault\n\nCurrent thread 0x00007f (most recent call first):\n"
                 '  File "/x/run.py", line 3 in crash\n')  # fmt: skip
    assert main(["diagnose", str(p), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["observed"]["signal"] == "SIGSEGV" and data["matched_by"] == "signal" and data["cases"]


def test_cli_a_hang_names_the_deadlock_cases(tmp_path, capsys):
    """faulthandler's dump of every thread (the corpus's own abba-lock-order output, as its run prints it)."""
    dump = (
        "Thread 0x00007f325afc86c0 (most recent call first):\n"
        '  File "/w/cases/abba-lock-order/repro.py", line 52 in validate_bank\n'
        '  File "/w/cases/abba-lock-order/repro.py", line 70 in audits\n'
        '  File "/usr/lib/python3.11/threading.py", line 982 in run\n\n'
        "Thread 0x00007f325b7c96c0 (most recent call first):\n"
        '  File "/w/cases/abba-lock-order/repro.py", line 44 in do_transfer\n'
        '  File "/w/cases/abba-lock-order/repro.py", line 64 in transfers\n\n'
        "Current thread 0x00007f325c46cb80 (most recent call first):\n"
        '  File "/usr/lib/python3.11/threading.py", line 1139 in _wait_for_tstate_lock\n'
        '  File "/usr/lib/python3.11/threading.py", line 1119 in join\n'
        '  File "/w/cases/abba-lock-order/repro.py", line 81 in <module>\n'
    )
    p = tmp_path / "hang.txt"
    p.write_text(SHAPES["fenced-indented"](dump))
    assert main(["diagnose", str(p)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("deadlock  [Python]")
    assert "waiting: validate_bank | do_transfer | _wait_for_tstate_lock" in out
    assert "validate_bank (repro.py:52)" in out and "do_transfer (repro.py:44)" in out
    assert "see case abba-lock-order " in out and "see case executor-self-wait " in out


def test_valgrind_with_line_numbers():
    body = ["==123== Invalid read of size 4", "==123==    at 0x10916E: cc_main (repro.c:12)", "==123==    by 0x109189: main (main.c:16)"]
    for gutter in ("{n}: ", "  {n} | ", "{n} ", "{n}\t"):
        text = "".join(gutter.format(n=1234 + i) + ln + "\n" for i, ln in enumerate(body))
        obs = diagnose_text(text)
        assert (obs.kind, obs.access, obs.size, obs.frames) == ("invalid-read", "READ", 4, ["cc_main", "main"]), gutter


def test_numbers_that_are_not_a_gutter_stay():
    """'64 bytes in 1 blocks': a count, not a line number (its neighbours do not count on from it)."""
    text = "64 bytes in 1 blocks are definitely lost in loss record 1 of 2\n   at 0x4C2AB80: malloc (vg_replace_malloc.c:299)\n"
    assert clean(text).splitlines()[0].startswith("64 bytes")
    assert diagnose_text(text).kind == "definite-leak"


def test_huge_adversarial_input_stays_linear():
    """Lines built to make a backtracking pattern go quadratic: each parses in time linear in its length."""
    import time

    def lines(n: int) -> list[str]:
        return [
            "*** Error in `x': " + "malloc.c:1: Assertion " * (n // 22),
            "x: " + "malloc.c:1: Assertion " * (n // 22),
            "a: Assertion `" * (n // 14),
            "*** glibc detected *** " + "a: " * (n // 3),
            "x" * 190 + "*" * n,
            "==1" * (n // 3),
            "  a" + "(" * n + ")",
            "      x" + ":1" * (n // 2),
            "Previous write at 0x1 by goroutine " * (n // 35),
            "\\*" * (n // 2),
            "~" * n + "x",
            "/lib(" + "a" * n + "[0x1]",
            "#0 raise (" + "sig=" * (n // 4) + ")",
        ]

    def cost(n: int) -> float:
        best = float("inf")
        for _ in range(2):
            t0 = time.perf_counter()
            for line in lines(n):
                diagnose_text("\n".join([line] * 10))
            best = min(best, time.perf_counter() - t0)
        return best

    short, long = cost(1000), cost(4000)
    assert long < 30, f"{long:.1f} s for 130 lines of 4000 characters"
    assert long / max(short, 1e-3) < 12, f"1000 chars: {short:.2f} s, 4000 chars: {long:.2f} s"


def _texts_seen():
    """Every report the corpus has produced (each blessed snapshot's stderr and stdout) and every real
    report fixture."""
    from conftest import ROOT
    from harness.pipeline.snapshots import parse_snapshot

    for p in sorted((ROOT / "cases").glob("*/snapshots/*/*.txt")):
        snap = parse_snapshot(p.read_text(encoding="utf-8"))
        yield p.name, snap.stderr
        yield p.name, snap.stdout
    for p in sorted((ROOT / "tests" / "fixtures" / "reports").rglob("*.txt")):
        yield p.name, p.read_text(encoding="utf-8")


def _lazy_expressions():
    """Every Lazy expression with needles in the diagnose modules and the snapshot scrubs (module level, and
    inside their lists)."""
    import importlib
    import pkgutil

    import harness.diagnose
    from harness.diagnose.common import Lazy
    from harness.pipeline import snapshots

    def walk(value):
        if isinstance(value, Lazy):
            yield value
        elif isinstance(value, (list, tuple)):
            for item in value:
                yield from walk(item)

    modules = [importlib.import_module(f"harness.diagnose.{info.name}") for info in pkgutil.iter_modules(harness.diagnose.__path__)]
    for module in [*modules, snapshots]:
        for name, value in vars(module).items():
            for lazy in walk(value):
                if lazy.needles:
                    yield f"{module.__name__}.{name}", lazy


def test_every_match_of_a_lazy_expression_holds_one_of_its_needles():
    """A needle is a promise: every text the expression matches contains it. Checked on every match in every
    snapshot and fixture, whole and line by line (a needle that were wrong would hide a report)."""
    lazies = list(_lazy_expressions())
    assert len(lazies) > 30
    seen = set()
    matches = 0
    for _, text in _texts_seen():
        for piece in (text, *text.splitlines()):
            if piece in seen or not piece.strip():
                continue
            seen.add(piece)
            for where, lazy in lazies:
                for m in lazy.rx.finditer(piece):
                    matches += 1
                    assert any(n in m.group(0) for n in lazy.needles), (where, m.group(0))
    assert matches > 1000


def test_the_parser_trigger_words_never_change_a_reading(monkeypatch):
    """Only the parsers whose words are in the text are imported and asked (PARSER_TRIGGERS), and a parser's
    expression only of text holding its needles (Lazy): over every snapshot and fixture the reading is the one
    all ten parsers give with every expression asked."""
    from harness.diagnose import first_report
    from harness.diagnose.common import Lazy

    def unfiltered(text):
        monkeypatch.setattr(Lazy, "use_needles", False)
        try:
            return first_report(text, every_parser=True)
        finally:
            monkeypatch.setattr(Lazy, "use_needles", True)

    checked = 0
    for name, text in _texts_seen():
        if not text.strip():
            continue
        a, b = first_report(text), unfiltered(text)
        assert (a and (a.kind, a.tool, a.access, a.size, a.frames, a.message)) == (
            b and (b.kind, b.tool, b.access, b.size, b.frames, b.message)), name
        checked += 1
    assert checked > 500
