"""Thread and task lanes, and the wait-for graph of a deadlock.

One lane per thread or task. The steps come, in order, from what the run printed and reported:
- `CRASHCOURSE_STEP <lane> <verb> <object> [-- note]` lines (verbs: holds, waits, releases, does),
  printed by the case at each step of its forced interleaving;
- a ThreadSanitizer race report: the previous access (one thread) then the racing one (another);
- a hang's stacks, taken by the watchdog: where each thread or asyncio/trio task is stuck.
A lane that waits for an object that another lane holds waits for that lane: those are the edges
of the wait-for graph, and a cycle among them is the deadlock.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from harness.teaching.pictures import svg as S
from harness.teaching.pictures.model import (
    TEXT_WIDTH,
    Picture,
    RunView,
    hanging,
    longest_word,
    short_loc,
    wrap,
)

STEP = re.compile(
    r"CRASHCOURSE_STEP\s+(?P<lane>\S+)\s+(?P<verb>holds|waits|releases|does)\s+(?P<obj>.*?)(?:\s+--\s+(?P<note>.*?))?\s*$"
)
TSAN_ACCESS = re.compile(
    r"^\s*(?P<prev>Previous )?(?P<acc>[Rr]ead|[Ww]rite|atomic \w+) of size (?P<size>\d+) at \S+ by (?P<thread>thread T\d+|main thread)"
)
TSAN_FRAME = re.compile(r"^\s*#\d+\s+(?P<func>\S+)\s+(?P<loc>\S+:\d+)")
PY_THREAD = re.compile(r"^(?:Current thread|Thread) (?P<id>0x\w+) \(most recent call first\):")
PY_TASK = re.compile(r"^--- (?P<lib>asyncio|trio) task (?P<name>.+?)(?: \(most recent call first\))? ---")
PY_FILE = re.compile(r'^\s+File "(?P<file>[^"]+)", line (?P<line>\d+) in (?P<func>\S+)')
GDB_THREAD = re.compile(r'^Thread (?P<n>\d+) \(.*?\)(?: "(?P<name>[^"]*)")?\):?')
GDB_FRAME = re.compile(r"^#\d+\s+(?:0x\w+ in )?(?P<func>[^\s(]+).*?(?: at (?P<loc>\S+:\d+))?$")


@dataclass
class Step:
    lane: str
    verb: str  # holds | waits | releases | does | race-read | race-write | stuck
    obj: str
    note: str = ""
    bad: bool = False


@dataclass
class Lanes:
    source: str
    title: str
    lanes: list[str]
    steps: list[Step]
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # (waiter, holder, object)
    cycle: list[str] = field(default_factory=list)


def _steps(text: str) -> list[Step]:
    out = []
    for ln in text.splitlines():
        m = STEP.search(ln)
        if m:
            out.append(Step(m["lane"], m["verb"], m["obj"].strip(), (m["note"] or "").strip()))
    return out


def _tsan(text: str) -> list[Step]:
    lines = text.splitlines()
    found: list[Step] = []
    for i, ln in enumerate(lines):
        m = TSAN_ACCESS.match(ln)
        if not m:
            continue
        frames = []
        for f in lines[i + 1 : i + 6]:
            fm = TSAN_FRAME.match(f)
            if not fm:
                break
            frames.append(f"{fm['func']} ({short_loc(fm['loc'])})")
        thread = m["thread"].replace("thread ", "")
        verb = "race-" + ("write" if "rite" in m["acc"] else "read")
        found.append(Step(thread, verb, f"{m['acc'].lower()} of size {m['size']}", " ← ".join(frames[:2]), not m["prev"]))
        if len(found) == 2:
            break
    if len(found) == 2:
        found.reverse()  # the previous access happened first
    return found if len(found) == 2 else []


TSAN_LOCK = re.compile(r"^\s*Mutex (?P<want>M\d+) acquired here while holding mutex (?P<held>M\d+) in (?P<thread>thread T\d+|main thread):")
TSAN_PREV = re.compile(r"^\s*Mutex (?P<m>M\d+) previously acquired by the same thread here:")


def _tsan_lock_order(text: str) -> list[Step]:
    """TSan's lock-order-inversion: each thread's (held, then wanted) pair; together they close a cycle."""
    lines = text.splitlines()
    pairs: list[tuple[str, str, str, str, str]] = []  # thread, held, held_at, want, want_at
    for i, ln in enumerate(lines):
        m = TSAN_LOCK.match(ln)
        if not m:
            continue
        want_at = held_at = ""
        for f in lines[i + 1 : i + 8]:
            fm = TSAN_FRAME.match(f)
            if fm and "<case>" in fm["loc"]:
                want_at = f"{fm['func']} ({fm['loc'].replace('<case>/', '')})"
                break
        for j in range(i + 1, min(i + 14, len(lines))):
            if TSAN_PREV.match(lines[j]):
                for f in lines[j + 1 : j + 8]:
                    fm = TSAN_FRAME.match(f)
                    if fm and "<case>" in fm["loc"]:
                        held_at = f"{fm['func']} ({fm['loc'].replace('<case>/', '')})"
                        break
                break
        pairs.append((m["thread"].replace("thread ", ""), m["held"], held_at, m["want"], want_at))
    steps = []
    for thread, held, held_at, want, want_at in pairs:
        steps.append(Step(thread, "holds", held, held_at))
        steps.append(Step(thread, "waits", want, want_at, True))
    return steps


def _user(frames: list[tuple[str, str]]) -> tuple[str, str] | None:
    for func, loc in frames:
        if "<case>" in loc or loc.startswith(("repro", "fixed")):
            return func, loc.replace("<case>/", "")
    return None


def _outermost_case_func(frames: list[tuple[str, str]]) -> str:
    for func, loc in reversed(frames):
        if ("<case>" in loc or loc.startswith(("repro", "fixed"))) and func != "<module>":
            return func
    return ""


def _hang_stacks(text: str) -> list[Step]:
    """Where each thread/task of a hung run waits: its innermost frame in the case's own code.

    Every stack header starts a lane of its own. A Python thread's id is no name (a snapshot scrubs
    every one to `Thread 0xTHREAD`): it is named by its order in the dump and the outermost function
    of the case it runs, "thread 1 (audits)". Stacks that read the same and wait at the same place
    (ten leaked tasks of one coroutine) are one lane with their count, "... ×10"."""
    if "stopped by the watchdog" not in text and "CRASHCOURSE_STACKS" not in text and "stacks taken by the watchdog" not in text:
        return []
    stacks: list[tuple[str, int | None, list[tuple[str, str]]]] = []  # (name, Python thread number, frames)
    threads = 0
    for ln in text.splitlines():
        m = PY_THREAD.match(ln)
        if m:
            if ln.startswith("Current"):
                stacks.append(("main thread", None, []))
            else:
                threads += 1
                stacks.append(("thread", threads, []))
            continue
        m = PY_TASK.match(ln)
        if m:
            stacks.append((f"{m['lib']} task {m['name']}", None, []))
            continue
        m = GDB_THREAD.match(ln)
        if m:
            stacks.append((f"thread {m['n']}", None, []))
            continue
        if not stacks:
            continue
        m = PY_FILE.match(ln)
        if m:
            stacks[-1][2].append((m["func"], f"{m['file']}:{m['line']}"))
            continue
        m = GDB_FRAME.match(ln)
        if m and ln.startswith("#"):
            stacks[-1][2].append((m["func"], m["loc"] or ""))
    same: dict[tuple[str, str, str], list[int | None]] = {}  # (name, where, note) -> Python thread numbers
    for name, number, frames in stacks:
        u = _user(frames)
        if not u:
            continue
        if number is not None:
            target = _outermost_case_func(frames)
            name = f"thread ({target})" if target else "thread"
        inner = frames[0][0]
        same.setdefault((name, f"{u[0]} ({u[1]})", f"innermost: {inner}" if inner != u[0] else ""), []).append(number)
    out = []
    for (name, where, note), numbers in same.items():
        if len(numbers) > 1:
            name = f"{name} ×{len(numbers)}"
        elif numbers[0] is not None:
            name = name.replace("thread", f"thread {numbers[0]}", 1)
        out.append(Step(name, "stuck", where, note, True))
    return out


def _match_lane(name: str, lanes: list[str]) -> str:
    for lane in lanes:
        if name == lane or name.endswith("." + lane) or name.endswith(" " + lane):
            return lane
    return name


def _graph(steps: list[Step]) -> tuple[list[tuple[str, str, str]], list[str]]:
    holds: dict[str, str] = {}
    waits: dict[str, str] = {}
    for s in steps:
        if s.verb == "holds":
            holds[s.obj] = s.lane
        elif s.verb == "releases" and holds.get(s.obj) == s.lane:
            del holds[s.obj]
        elif s.verb == "waits":
            waits[s.lane] = s.obj
    edges = [(w, holds[o], o) for w, o in waits.items() if o in holds]
    nxt = {w: h for w, h, _ in edges}
    for start in nxt:
        seen, node = [start], nxt[start]
        while node in nxt and node not in seen:
            seen.append(node)
            node = nxt[node]
        if node == start or (node in seen and node == start):
            return edges, seen
        if node in seen:
            return edges, seen[seen.index(node):]
    return edges, []


def extract(views: list[RunView]) -> Lanes | None:
    best: Lanes | None = None
    for v in views:
        steps = _steps(v.text)
        title = ""
        if v.kind == "lock-order-inversion":
            order = _tsan_lock_order(v.stderr)
            if order:
                steps, title = steps + order, ("the lock order each thread used, as TSan recorded it (not one schedule): "
                                               "a cycle means some schedule deadlocks")  # fmt: skip
        elif v.lens == "tsan" or v.kind == "data-race":
            race = _tsan(v.stderr)
            if race:
                steps, title = steps + race, "a data race: two threads, one location, no order between them"
        stuck = _hang_stacks(v.text) if v.observed.get("timed_out") or v.kind in ("deadlock", "livelock") else []
        if not steps and not stuck:
            continue
        lanes: list[str] = []
        for s in steps:
            if s.lane not in lanes:
                lanes.append(s.lane)
        for s in stuck:
            matched = _match_lane(s.lane, lanes)
            func = s.obj.split(" (", 1)[0]
            if matched not in lanes and func in lanes:  # a thread whose stack is in a lane's own function
                s.note = f"on {s.lane}" + (f"; {s.note}" if s.note else "")
                matched = func
            s.lane = matched
            if s.lane not in lanes:
                lanes.append(s.lane)
        all_steps = steps + stuck
        edges, cycle = _graph(steps)
        if not title:
            title = (f"a {v.kind or 'hang'}: " if v.kind in ("deadlock", "livelock") else "") + ", ".join(lanes)
        cand = Lanes(v.id, title, lanes, all_steps, edges, cycle)
        score = (bool(cycle), len(all_steps))
        if best is None or score > (bool(best.cycle), len(best.steps)):
            best = cand
    if best and len(best.lanes) < 1:
        return None
    return best


def pictures(case, views: list[RunView]) -> list[Picture]:
    ln = extract(views)
    if not ln:
        return []
    out = [draw_lanes(ln)]
    if ln.edges:
        out.append(draw_graph(ln))
    return out


VERB_CLASS = {"holds": "cc-ok", "waits": "cc-warn", "releases": "cc-info", "does": "cc-box", "stuck": "cc-bad",
              "race-read": "cc-warn", "race-write": "cc-bad"}  # fmt: skip


def _label(s: Step) -> str:
    if s.verb in ("race-read", "race-write"):
        return s.obj
    if s.verb == "does":
        return s.obj
    if s.verb == "stuck":
        return f"stuck in {s.obj}"
    return f"{s.verb} {s.obj}"


def draw_lanes(ln: Lanes) -> Picture:
    n = max(len(ln.lanes), 1)
    W = max(760, 190 * n)
    colw = (W - 40) / n
    top, rowh = 56, 46
    body = [S.text(20, 18, f"lanes · {ln.source}", "cc-title"), S.text(20, 36, S.clip(ln.title, 110), "cc-dim")]
    x_of = {lane: 20 + colw * i + colw / 2 for i, lane in enumerate(ln.lanes)}
    height = top + 30 + rowh * len(ln.steps) + 20
    for lane, x in x_of.items():
        body.append(S.text(x, top, S.clip(lane, 28), "cc-title", "middle"))
        body.append(S.line(x, top + 8, x, height - 10, "cc-line"))
    for i, s in enumerate(ln.steps):
        y = top + 24 + rowh * i
        x = x_of[s.lane]
        w = colw - 16
        body.append(S.rect(x - w / 2, y, w, 36 if s.note else 26, VERB_CLASS.get(s.verb, "cc-box")))
        body.append(S.text(x - w / 2 - 4, y + 17, str(i + 1), "cc-dim", "end"))
        body.append(S.text(x, y + 16, S.clip(_label(s), int(w / 7.6)), "cc-fg", "middle"))
        if s.note:
            body.append(S.text(x, y + 30, S.clip(s.note, int(w / 7.6)), "cc-dim", "middle", ' style="font-size:10px"'))
    alt = f"Lanes ({ln.title}): " + "; ".join(f"{i + 1}. {s.lane}: {_label(s)}" + (f" ({s.note})" if s.note else "")
                                             for i, s in enumerate(ln.steps)) + "."  # fmt: skip
    svg = S.document(W, height, body, "Thread and task lanes", alt, "cc-lanes")
    return Picture("lanes", "Thread and task lanes", ln.source, alt, svg, text_lanes(ln))


def _cell(s: Step) -> str:
    return _label(s) + (f" ({s.note})" if s.note else "")


def text_lanes(ln: Lanes, width: int = TEXT_WIDTH) -> list[str]:
    """The lanes side by side, each step in its lane's column, wrapped in the column (never cut; a
    function kept with its file:line where the columns allow); when the columns cannot hold their
    longest word, one step a line, named by its lane."""
    num = len(str(len(ln.steps))) + 1
    texts = {lane: [lane] + [_cell(s) for s in ln.steps if s.lane == lane] for lane in ln.lanes}
    most = {lane: max(len(t) for t in ts) for lane, ts in texts.items()}
    room = width - num - 1 - 3 * (len(ln.lanes) - 1)
    for glue in (True, False):
        least = {lane: max(8, *(longest_word(t, glue) for t in ts)) for lane, ts in texts.items()}
        if sum(least.values()) <= room:
            break
    else:
        name_w = min(max(len(lane) for lane in ln.lanes), 24)
        out = []
        for i, s in enumerate(ln.steps):
            first = f"{i + 1:>{num}} {s.lane:<{name_w}}  "
            if len(s.lane) > name_w:  # a long name on its own line: never cut
                out.append(f"{i + 1:>{num}} {s.lane}")
                first = " " * (num + 1 + name_w + 2)
            out += hanging(first, _cell(s), width)
        return out
    cols = dict(least)
    spare = room - sum(cols.values())
    while spare > 0 and any(cols[k] < most[k] for k in cols):  # widen the narrowest column that wraps
        k = min((k for k in cols if cols[k] < most[k]), key=lambda k: cols[k])
        cols[k] += 1
        spare -= 1

    def row(head: str, cells: dict[str, str]) -> list[str]:
        parts = {lane: wrap(cells.get(lane, ""), cols[lane], glue) for lane in ln.lanes}
        height = max(len(p) for p in parts.values())
        lines = []
        for j in range(height):
            cells_j = [f"{(parts[lane][j] if j < len(parts[lane]) else ''):<{cols[lane]}}" for lane in ln.lanes]
            lines.append(((head if j == 0 else "").rjust(num) + " " + " │ ".join(cells_j)).rstrip())
        return lines

    out = row("", {lane: lane for lane in ln.lanes})
    out.append(" " * (num + 1) + "─┼─".join("─" * cols[lane] for lane in ln.lanes))
    for i, s in enumerate(ln.steps):
        out += row(str(i + 1), {s.lane: _cell(s)})
    return out


def draw_graph(ln: Lanes) -> Picture:
    nodes = [lane for lane in ln.lanes if any(lane in (w, h) for w, h, _ in ln.edges)]
    W, H, R = (560, 160, 150) if len(nodes) <= 2 else (560, 320, 110)
    cx, cy = W / 2, (H - 20) / 2 + 14
    pos = {}
    for i, node in enumerate(nodes):
        a = (math.pi if len(nodes) == 2 else -math.pi / 2) + 2 * math.pi * i / max(len(nodes), 1)
        pos[node] = (cx + R * math.cos(a), cy + R * math.sin(a))
    in_cycle = set(ln.cycle)
    body = [S.text(20, 18, f"wait-for graph · {ln.source}", "cc-title")]
    for w, h, obj in ln.edges:
        (x1, y1), (x2, y2) = pos[w], pos[h]
        bad = w in in_cycle and h in in_cycle
        if w == h:
            body.append(S.path(f"M{x1 - 20:.1f},{y1 - 14:.1f} C{x1 - 60:.1f},{y1 - 80:.1f} {x1 + 60:.1f},{y1 - 80:.1f} "
                               f"{x1 + 20:.1f},{y1 - 14:.1f}", "cc-badline", "cc-arrow-bad"))  # fmt: skip
            body.append(S.text(x1, y1 - 66, f"waits for {obj}", "cc-red", "middle"))
            continue
        dx, dy = x2 - x1, y2 - y1
        d = math.hypot(dx, dy) or 1
        ox, oy = -dy / d * 14, dx / d * 14  # offset so A->B and B->A do not overlap
        sx, sy = x1 + dx / d * 48 + ox, y1 + dy / d * 20 + oy
        ex, ey = x2 - dx / d * 48 + ox, y2 - dy / d * 20 + oy
        body.append(S.line(sx, sy, ex, ey, "cc-badline" if bad else "cc-line", "cc-arrow-bad" if bad else "cc-arrow"))
        mx, my = (sx + ex) / 2 + ox * 1.3, (sy + ey) / 2 + oy * 1.3 + 4
        body.append(S.text(mx, my, f"waits for {obj}", "cc-red" if bad else "cc-dim", "middle"))
    for node, (x, y) in pos.items():
        body.append(S.rect(x - 60, y - 16, 120, 32, "cc-bad" if node in in_cycle else "cc-box", 14))
        body.append(S.text(x, y + 4, S.clip(node, 16), "cc-fg", "middle"))
    if ln.cycle:
        cyc = " → ".join([*ln.cycle, ln.cycle[0]])
        body.append(S.text(20, H - 8, f"cycle: {cyc}", "cc-red"))
        alt = (f"Wait-for graph: {'; '.join(f'{w} waits for {o}, held by {h}' for w, h, o in ln.edges)}. "
               f"The cycle {cyc} is the deadlock: nobody can go first.")  # fmt: skip
    else:
        alt = f"Wait-for graph: {'; '.join(f'{w} waits for {o}, held by {h}' for w, h, o in ln.edges)}; no cycle."
    svg = S.document(W, H, body, "Wait-for graph", alt, "cc-wait-for")
    lines = [row for w, h, o in ln.edges for row in hanging(
        "  ", f"{w} ──waits for {o}──▶ {h}" + ("   ◀ cycle" if w in in_cycle and h in in_cycle else ""), indent=6)]
    if ln.cycle:
        lines += hanging("  cycle: ", " → ".join([*ln.cycle, ln.cycle[0]]))
    return Picture("wait-for", "Wait-for graph", ln.source, alt, svg, lines)
