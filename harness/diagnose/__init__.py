"""Diagnose stage: turn a child's raw outcome (or a pasted report) into an Observation.

Each tool's report has its own parser module; they are pure functions over text, never raise on
any input (hypothesis checks that), and return None when their report is absent. The first report
found, in the order of PARSER_TRIGGERS, names the kind: a sanitizer knows more than valgrind, valgrind more
than glibc, glibc more than the bare signal. `diagnose_text` serves `crashcourse diagnose`: it first
cleans a pasted report (pasted.py: Markdown escapes, quote marks, bullets, fences, timestamps, a log viewer's line
numbers, '[pid N]' and test-runner prefixes, shared indentation), then also reads gdb sessions and
shell messages for the signal.

The kinds, by tool (`observed.tool`), stable names in kebab-case (the tool's own name where it has one):

- asan: heap-buffer-overflow, heap-use-after-free, stack-buffer-overflow, stack-buffer-underflow,
  global-buffer-overflow, stack-use-after-return, stack-use-after-scope,
  dynamic-stack-buffer-overflow, double-free, bad-free, alloc-dealloc-mismatch,
  new-delete-type-mismatch, memcpy-param-overlap, strcpy-param-overlap, strcat-param-overlap,
  strncpy-param-overlap, strncat-param-overlap, memmove... (any `<fn>-param-overlap`),
  negative-size-param, calloc-overflow, reallocarray-overflow, pvalloc-overflow,
  allocation-size-too-big, out-of-memory, invalid-allocation-alignment, stack-overflow,
  container-overflow, initialization-order-fiasco, odr-violation, use-after-poison, unknown-crash,
  and the fatal signals ASan catches: SEGV, BUS, FPE, ILL (upper case, as ASan prints them).
- lsan: direct-leak (size and frames: the first direct leak), indirect-leak (only indirect leaks
  listed); metrics leak_direct_bytes/_objects, leak_indirect_bytes/_objects count both.
- ubsan: signed-integer-overflow (also negation and INT_MIN / -1), unsigned-integer-overflow,
  integer-divide-by-zero, invalid-shift-exponent, invalid-shift-base, misaligned-pointer-use,
  null-pointer-use, out-of-bounds-index, invalid-bool-load, invalid-enum-load,
  float-cast-overflow, pointer-overflow, nullptr-with-offset, insufficient-object-size, unreachable-call,
  missing-return, non-positive-vla-index, invalid-null-argument, invalid-null-return,
  dynamic-type-mismatch, function-type-mismatch, implicit-conversion, invalid-builtin-use,
  cfi-bad-type, alignment-assumption, undefined-behavior (wording not recognised); the message
  is 'file:line:col: runtime error: ...'.
- msan: use-of-uninitialized-value (the message adds the origin when tracked).
- tsan: data-race, data-race-on-vptr, heap-use-after-free, heap-use-after-free-vptr,
  lock-order-inversion, signal-unsafe-call, signal-handler-spoils-errno,
  unlock-of-unlocked-mutex, destroy-of-locked-mutex, use-of-invalid-mutex, double-lock,
  read-lock-of-write-locked-mutex, read-unlock-of-write-locked-mutex, thread-leak,
  mutex-held-in-wrong-context. Go's race detector ('WARNING: DATA RACE', the same engine) reads as
  tsan too: data-race, READ/WRITE from its first access line, the goroutine's frames.
- valgrind (memcheck): invalid-read, invalid-write, invalid-free, mismatched-free,
  uninitialised-value, syscall-param, overlap, fishy-value, invalid-jump, invalid-access,
  definite-leak, indirect-leak, possible-leak (leak metrics from LEAK SUMMARY). A line may carry
  anything before its '==pid==' (a test runner's name, a log file's name).
- helgrind / drd: data-race (helgrind), conflicting-access (drd), lock-order-inversion (helgrind), unlock-of-unlocked-mutex,
  use-of-invalid-mutex, destroy-of-locked-mutex, double-lock, thread-exits-holding-lock,
  pthread-api-error, condvar-misuse, mutex-reinitialization, lock-held-too-long (drd).
- valgrind, helgrind, drd: internal-assertion, when the tool's own assertion fails before it reports anything
  ('drd: drd_malloc_wrappers.c:113 (handle_free): Assertion 'success' failed.': DRD's free() of a block it no
  longer knows); the frames are the running thread's client stack in its 'sched status' dump.
- glibc: double-free (also "double free or corruption (...)"), free-invalid-pointer, free-invalid-size,
  free-invalid-next-size, munmap-chunk-invalid-pointer, realloc-invalid-pointer,
  realloc-invalid-size, corrupted-top-size, corrupted-size-vs-prev-size,
  corrupted-double-linked-list, malloc-assertion, heap-corruption, stack-smashing,
  fortify-buffer-overflow, pure-virtual-call, uncaught-exception, terminate, assertion-failure; also
  in the wording of glibc before 2.26 ('*** Error in `prog': ... ***', '*** glibc detected ***'),
  with the frames of its '======= Backtrace: =========' block.
- python: an exception's class name (AttributeError, ...), python-stack-overflow,
  fatal-python-error; a fatal signal ('Fatal Python error: Segmentation fault') has no kind (the signal
  says it; the frames are the crashing thread's); deadlock for a hang: faulthandler's dump of every
  thread with no crash before it ('Timeout (0:05:00)!', or two threads or more), or pytest-timeout's
  '+++ Timeout +++' dump (diagnose only; frames: the frame each thread waits in).
- gcc (fanalyzer lens): the warning option (-Wanalyzer-double-free, -Wformat=).
- watchdog: deadlock, livelock.
- asyncio (asyncio-debug lens): slow-callback, never-awaited, task-destroyed-pending,
  exception-never-retrieved, non-thread-safe-call.
- gdb (diagnose only): no kind; the signal gdb saw (or the one the backtrace's innermost frames raise:
  'raise (sig=6)', 'abort ()') and the backtrace. A backtrace with no signal is no diagnosis.
"""

from __future__ import annotations

import importlib
import re

from harness.diagnose.common import SIGNAL_WORDS, Lazy, Report, bounded
from harness.diagnose.observation import Observation
from harness.execution.run import ChildResult

METRIC_RE = Lazy(r"^CRASHCOURSE_METRIC ([A-Za-z_][\w.]*)=(-?[0-9]+(?:\.[0-9]+)?)\s*$", re.M, ("CRASHCOURSE_METRIC ",))


def metrics(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, value in METRIC_RE.findall(text):
        num = float(value)
        out[name] = int(num) if num.is_integer() else num
    return out


# The parsers in the order they are asked, each with the words without which it cannot match anything:
# a parser's module (and its regular expressions) is imported only for output that has one of them, so a
# run pays for the tools that reported, not for all ten. tests/test_diagnose.py holds every report
# fixture and blessed snapshot to the same reading with and without this filter.
PARSER_TRIGGERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("asan", ("AddressSanitizer", "READ of size", "WRITE of size")),
    ("msan", ("MemorySanitizer",)),
    ("tsan", ("ThreadSanitizer", "DATA RACE", "goroutine")),
    ("ubsan", ("runtime error", "UndefinedBehaviorSanitizer")),
    ("lsan", ("LeakSanitizer", "leak of", "Sanitizer:")),
    ("valgrind", ("==", "Invalid ", "uninitialised", "lost", "at 0x", "by 0x", "Conditional jump", "Mismatched", "Syscall param",
                  "overlap", "Thread #", "Jump to", "fishy", "Lock ", "Process terminating")),
    ("glibc", ("free", "malloc", "corrupted", "smashing", "overflow detected", "pure virtual", "terminate called",
               "Assertion", "Error in", "glibc detected", "realloc", "munmap", "double", "chunk", "top size")),
    ("asyncio_debug", ("Executing <", "was never awaited", "Task was destroyed", "never retrieved", "Non-thread-safe")),
    # python.parse reads a traceback, a fatal error, or a dump of threads (faulthandler's, pytest-timeout's)
    ("python", ("Traceback (most recent call last):", "Fatal Python error: ", "(most recent call first)", "Timeout")),
)  # fmt: skip


def _parsers(text: str):
    for name, words in PARSER_TRIGGERS:
        if words is None or any(w in text for w in words):
            yield importlib.import_module(f"harness.diagnose.{name}").parse


def all_parsers():
    """Every parser, in order, unfiltered (for tests)."""
    return [importlib.import_module(f"harness.diagnose.{name}").parse for name, _ in PARSER_TRIGGERS]


def first_report(text: str, every_parser: bool = False) -> Report | None:
    """The first report that names a kind; failing that, the first report (frames and words, no kind).
    every_parser: ask all of them, not only those whose trigger words are in the text (for tests)."""
    text = bounded(text)
    fallback = None
    for parser in all_parsers() if every_parser else _parsers(text):
        report = parser(text)
        if report is None:
            continue
        if report.kind is not None:
            if fallback is not None and not report.frames:
                report.frames = fallback.frames  # e.g. glibc names the abort, valgrind saw the stack
            return report
        fallback = fallback or report
    return fallback


def diagnose(result: ChildResult) -> Observation:
    text = result.stderr + "\n" + result.stdout
    obs = Observation(
        signal=result.signal,
        exit_code=result.returncode if result.signal is None else None,
        timed_out=result.timed_out,
        metrics=metrics(text),
        core_dumped=result.core_dumped,
    )
    report = first_report(result.stderr) or first_report(result.stdout)
    if result.timed_out:
        obs.cpu_s = round(result.cpu_s, 3) if result.cpu_s is not None else None
        busy = result.busy is not None and result.busy >= 0.5
        obs.kind = "livelock" if busy else "deadlock"
        obs.tool = "watchdog"
        cpu = f"{result.cpu_s:.2f} s" if result.cpu_s is not None else "unknown"
        share = f"{result.busy:.0%}" if result.busy is not None else "unknown"
        obs.message = (
            f"no exit before the watchdog; CPU used {cpu}; running in {share} of samples: "
            + ("spinning, not waiting" if busy else "every thread is waiting")
        )
        obs.frames = hang_frames(result.stderr + "\n" + result.stacks)
        return obs
    if report is not None:
        obs.kind, obs.access, obs.size = report.kind, report.access, report.size
        obs.frames, obs.message, obs.tool = report.frames, report.message, report.tool
        obs.metrics.update(report.metrics)
    return obs


SHELL_RE = Lazy(
    r"^(?:.*?: line \d+: +\d+ |\w+: )?(Segmentation fault|Aborted|Floating point exception|Bus error|Illegal instruction)"
    r"(?: \(core dumped\))?(?:\s+\S.*)?$|^.*(?:killed|terminated) by signal (\d+|SIG\w+)",
    re.M | re.I,
)
EXIT_RE = Lazy(r"(?:exit(?:ed)? (?:code|status)|returned) (\d{1,3})\b", re.I)


def diagnose_text(text: str) -> Observation:
    """A report as a user pastes it: the same fields a run observes, read from the text alone."""
    import signal as _signal

    from harness.diagnose import gdb
    from harness.diagnose.pasted import clean

    text = clean(bounded(text))
    report = first_report(text) or gdb.parse(text)
    obs = Observation(metrics=metrics(text))
    if report is not None:
        obs.kind, obs.access, obs.size = report.kind, report.access, report.size
        obs.frames, obs.message, obs.tool = report.frames, report.message, report.tool
        obs.metrics.update(report.metrics)
        obs.signal = report.signal
        if not obs.frames:
            g = gdb.parse(text)
            obs.frames = g.frames if g else []
    sm = SHELL_RE.search(text)
    if sm:
        if sm.group(1):
            obs.signal = obs.signal or SIGNAL_WORDS.get(sm.group(1).lower())
            obs.core_dumped = "(core dumped)" in sm.group(0)
        else:
            num = sm.group(2)
            try:
                obs.signal = obs.signal or (num if num.startswith("SIG") else _signal.Signals(int(num)).name)
            except ValueError:
                pass
    if obs.signal is None:
        em = EXIT_RE.search(text)
        obs.exit_code = int(em.group(1)) if em else None
    return obs


def hang_frames(text: str) -> list[str]:
    """Function names from faulthandler dumps, task dumps and gdb backtraces of a hang, innermost first."""
    from harness.diagnose import gdb, python

    frames = python.faulthandler_frames(text)
    frames += [f for f in gdb.frames(text) if f != "??"]
    return frames
