"""gdb backtraces: '#1  0x000055555555513d in foo (n=1) at repro.c:12' or '#0  foo (n=1) at repro.c:12'.

The kernel's signal frame, '#6  <signal handler called>', is kept as a frame of that name: it is
where a handler's stack meets the stack of the code the signal interrupted.

A backtrace pasted without gdb's 'Program received signal ...' line names no signal, unless its
innermost frames are the raise itself: 'raise (sig=6)', '__pthread_kill_implementation (...,
signo=signo@entry=6, ...)' give that signal, 'abort ()' gives SIGABRT. Otherwise the text does not say how
the program stopped (a crash, a breakpoint, or a process attached to while it hung), and the report has
neither a kind nor a signal: `crashcourse diagnose` says so and exits 1.
"""

from __future__ import annotations

import re

from harness.diagnose.common import Report, strip_params

SIGNAL_FRAME = "<signal handler called>"
FRAME_RE = re.compile(r"^[ \t]*#(\d+)\s+(?:(<signal handler called>)\s*$|(?:0x[0-9a-fA-F]+ in )?(.+?)\s+\(.*$)", re.M)
STOP_RE = re.compile(r"^(?:Program|Thread \d+ \"[^\"]*\") (?:received|terminated with) signal (SIG\w+), (.+?)\.?\s*$", re.M)
CORE_RE = re.compile(r"^Program terminated with signal (SIG\w+), (.+?)\.?\s*$", re.M)
RAISE_FRAMES = {"raise", "__GI_raise", "gsignal", "__pthread_kill_implementation", "__pthread_kill_internal",
                "pthread_kill", "__pthread_kill", "___pthread_kill", "thrkill", "kill", "tgkill"}  # fmt: skip
ABORT_FRAMES = {"abort", "__GI_abort", "__libc_abort"}
SIGNO_RE = re.compile(r"\bsig(?:no)?=(?:\w+@entry=)?(\d{1,2})\b")


def raised_signal(text: str, start: int = 0) -> str | None:
    """The signal a backtrace's innermost frames raise: raise (sig=6) / pthread_kill (signo=6) / abort ()."""
    import signal as _signal

    for k, m in enumerate(FRAME_RE.finditer(text, start)):
        if k >= 6 or (k > 0 and m.group(1) == "0"):
            break
        name = strip_params(_name(m)) if not m.group(2) else m.group(2)
        if name in RAISE_FRAMES:
            sm = SIGNO_RE.search(m.group(0))
            if sm:
                try:
                    return _signal.Signals(int(sm.group(1))).name
                except ValueError:
                    pass
        elif name in ABORT_FRAMES:
            return "SIGABRT"
    return None


def frames(text: str) -> list[str]:
    """Function names of every '#N' line, in order (innermost first within each backtrace)."""
    out = []
    for m in FRAME_RE.finditer(text):
        out.append(_name(m))
    return out


def _name(m: re.Match) -> str:
    return m.group(2) or m.group(3).strip()


def parse(text: str) -> Report | None:
    """A pasted gdb session: the signal gdb saw and the first backtrace (no kind: the signal says it)."""
    sm = STOP_RE.search(text) or CORE_RE.search(text)
    start = sm.end() if sm else 0
    first: list[str] = []
    for m in FRAME_RE.finditer(text, start):
        if first and m.group(1) == "0":
            break
        first.append(strip_params(_name(m)) if not m.group(2) else m.group(2))
    if not sm and (len(first) < 2 or not re.search(r"^\s*#\d+\s+(?:0x[0-9a-fA-F]+ in \S|\S+ \(.*\) at \S+:\d+)", text, re.M)):
        return None
    if sm:
        return Report("gdb", None, f"gdb: {sm.group(1)}, {sm.group(2)}", frames=first, signal=sm.group(1))
    signal = raised_signal(text)
    message = f"gdb backtrace: its innermost frames raise {signal}" if signal else "gdb backtrace, no signal named"
    return Report("gdb", None, message, frames=first, signal=signal)
