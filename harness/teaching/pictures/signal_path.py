"""Signal path: the faulting instruction, what raised the signal, the kernel, the handler, the end.

Drawn for the cases whose lesson is the signal (tagged `signals`). The fault's location is the
innermost frame of the observed backtrace; a handler is seen in a backtrace (`<signal handler
called>`) or named by the case's `[picture] handler` hint; the ending is what the run observed: a
core dump, a plain death, a refault loop (the watchdog found it spinning), a handler that never
returns (the watchdog found it waiting), or a sanitizer's report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.teaching.pictures import svg as S
from harness.teaching.pictures.model import Picture, RunView, hanging, user_frame

CAUSE = {
    "SIGSEGV": "the MMU faults: no valid mapping for that address",
    "SIGFPE": "the CPU raises a divide error (#DE)",
    "SIGILL": "the CPU cannot decode the instruction (#UD)",
    "SIGBUS": "the bus rejects the access (alignment, truncated file)",
    "SIGABRT": "abort() is called (by libc or the program)",
    "SIGQUIT": "sent from outside: Ctrl-\\ or kill -QUIT",
    "SIGTRAP": "a breakpoint trap",
    "SIGUSR1": "sent by kill()/raise()",
    "SIGUSR2": "sent by kill()/raise()",
}
SYMBOLS = re.compile(r"\((?P<func>[A-Za-z_][\w:]*)\+0x\w+\)\[0x\w+\]")  # backtrace_symbols(): prog(f+0x1a)[0x...]
RAISE = re.compile(r"raise \(sig=(\d+)\)|on_\w+ \(sig=(\d+)\)")
BT = re.compile(r"^#(\d+)\s+(?:0x\w+ in )?(?P<func>[^\s(]+)[^\n]*?(?: at (?P<loc>\S+:\d+))?$", re.M)


@dataclass
class SignalPath:
    source: str
    signal: str
    where: str
    cause: str
    handler: str
    ending: str
    loops: bool = False


def _where(v: RunView) -> str:
    text = v.text
    if "<signal handler called>" in text:  # where the signal interrupted the program: below the handler
        text = text.split("<signal handler called>", 1)[1]
    frames = [(m["func"], (m["loc"] or "").replace("<case>/", "")) for m in BT.finditer(text)]
    if frames:
        func, loc = user_frame(frames)
        return f"{func} ({loc})" if loc else func
    named = [m["func"] for m in SYMBOLS.finditer(v.text)]
    if named:
        return f"{named[0]} (from the handler's own backtrace)"
    obs = v.observed.get("frames") or []
    return obs[0] if obs else "the program"


def _signal_from_text(v: RunView) -> str | None:
    import signal as _signal

    m = re.search(r"\b(?:caught|received|got) (SIG[A-Z0-9]+)", v.text)
    if m:
        return m.group(1)
    m = RAISE.search(v.text)
    if m:
        try:
            return _signal.Signals(int(m.group(1) or m.group(2))).name
        except ValueError:
            return None
    return None


def extract(case, views: list[RunView]) -> SignalPath | None:
    hint = (getattr(case, "picture", {}) or {}).get("handler", "")
    order = {"gdb": 0, "plain": 1}
    for v in sorted(views, key=lambda v: order.get(v.lens, 9)):
        if v.lens not in order:
            continue
        sig = v.observed.get("signal") or _signal_from_text(v)
        if not sig:
            continue
        handler = ""
        if "<signal handler called>" in v.text:
            before = v.text.split("<signal handler called>", 1)[0].splitlines()
            above = re.match(r"#\d+\s+(?:0x\w+ in )?(\w+) \(", before[-2].strip()) if len(before) >= 2 else None
            handler = f"handler {above.group(1)} runs" if above else "a handler runs"
        elif v.observed.get("timed_out") and re.search(r"\bcaught SIG", v.text):
            handler = "a handler runs (it printed 'caught ...')"
        if hint:
            handler = hint
        cause = CAUSE.get(sig, "the signal is raised")
        if sig == "SIGABRT" and v.observed.get("message"):
            cause = f"abort(): {S.clip(v.observed['message'], 60)}"
        loops = False
        if v.observed.get("timed_out"):
            if v.kind == "livelock":
                ending, loops = "the handler returns to the same instruction: it faults again, forever (livelock)", True
            else:
                ending = "the handler never returns: it waits for something it interrupted (deadlock)"
        elif v.observed.get("core_dumped"):
            ending = f"default action of {sig}: terminate and dump core"
        elif v.observed.get("signal"):
            ending = f"the process dies of {sig}" + (" (no core: this lens sets RLIMIT_CORE to 0)" if v.lens == "plain" else "")
        else:
            ending = f"exit {v.observed.get('exit_code')}"
        return SignalPath(v.id, sig, _where(v), cause, handler, ending, loops)
    return None


def pictures(case, views: list[RunView]) -> list[Picture]:
    glibc_abort = any(v.observed.get("tool") == "glibc" and v.observed.get("signal") == "SIGABRT" for v in views)
    if "signals" not in {t.lower() for t in case.tags} and not glibc_abort:
        return []  # drawn where the signal is the lesson: signal cases, and glibc's own checks that abort
    sp = extract(case, views)
    return [draw(sp)] if sp else []


def draw(sp: SignalPath) -> Picture:
    first = "where it was" if sp.signal in ("SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGTERM", "SIGINT", "SIGHUP") else "fault"
    steps = [(first, sp.where), ("raised by", sp.cause), ("kernel", f"delivers {sp.signal}")]
    if sp.handler:
        steps.append(("handler", sp.handler))
    steps.append(("end", sp.ending))
    W, bw, gap, y = 760, 0, 12, 44
    bw = (W - 40 - gap * (len(steps) - 1)) / len(steps)
    body = [S.text(20, 18, f"signal path · {sp.source}", "cc-title")]
    xs = []
    for i, (head, txt) in enumerate(steps):
        x = 20 + i * (bw + gap)
        xs.append(x)
        cls = "cc-bad" if head in ("fault", "where it was", "end") else ("cc-warn" if head == "handler" else "cc-box")
        body.append(S.rect(x, y, bw, 96, cls))
        body.append(S.text(x + bw / 2, y + 18, head, "cc-title", "middle"))
        words, row, rows = txt.split(), "", []
        for w in words:
            if len(row) + len(w) + 1 > int(bw / 7.8):
                rows.append(row)
                row = w
            else:
                row = f"{row} {w}".strip()
        rows.append(row)
        for j, r in enumerate(rows[:4]):
            body.append(S.text(x + bw / 2, y + 38 + 15 * j, r, "cc-fg", "middle"))
        if i:
            body.append(S.line(x - gap + 1, y + 48, x - 1, y + 48, "cc-line", "cc-arrow"))
    h = y + 110
    if sp.loops:
        x0, x1 = xs[0] + bw / 2, xs[-1] + bw / 2
        body.append(S.path(f"M{x1:.1f},{y + 96:.1f} C{x1:.1f},{y + 140:.1f} {x0:.1f},{y + 140:.1f} {x0:.1f},{y + 98:.1f}",
                           "cc-badline", "cc-arrow-bad"))  # fmt: skip
        body.append(S.text(W / 2, y + 136, "back to the faulting instruction", "cc-red", "middle"))
        h = y + 150
    alt = "Signal path: " + " → ".join(f"{head}: {txt}" for head, txt in steps) + (" → and round again." if sp.loops else ".")
    svg = S.document(W, h, body, f"Signal path: {sp.signal}", alt, "cc-signal-path")
    head_w = max(len(head) for head, _ in steps)
    lines = []
    for i, (head, txt) in enumerate(steps):  # top to bottom, each step's words wrapped beside its name
        lines += hanging(f"  {'▼' if i else ' '} {head:<{head_w}}  ", txt)
    if sp.loops:
        lines.append("  ↺ the handler returns to the faulting instruction: round again")
    return Picture("signal-path", f"Signal path: {sp.signal}", sp.source, alt, svg, lines)
