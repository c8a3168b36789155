"""`crashcourse diagnose FILE|-`: a crash or sanitizer report, as a user pastes it, read into the fields a
run observes, and the corpus cases that teach that kind."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from harness.diagnose.observation import Observation
from harness.errors import UsageError

# which lens shows each parser's reports
TOOL_LENS = {
    "asan": "asan", "lsan": "lsan", "ubsan": "ubsan", "msan": "msan", "tsan": "tsan", "valgrind": "valgrind",
    "helgrind": "helgrind", "drd": "drd", "glibc": "plain", "python": "plain", "gdb": "gdb", "gcc": "fanalyzer",
    "asyncio": "asyncio-debug",
}  # fmt: skip
TOOL_NAMES = {
    "asan": "AddressSanitizer", "lsan": "LeakSanitizer", "ubsan": "UndefinedBehaviorSanitizer", "msan": "MemorySanitizer",
    "tsan": "ThreadSanitizer", "valgrind": "valgrind memcheck", "helgrind": "valgrind helgrind", "drd": "valgrind DRD",
    "glibc": "glibc", "python": "Python", "gdb": "gdb", "gcc": "gcc", "asyncio": "asyncio",
}  # fmt: skip


def read_input(name: str) -> str:
    if name == "-":
        return sys.stdin.buffer.read().decode("utf-8", "replace")
    path = Path(name)
    try:
        return path.read_bytes().decode("utf-8", "replace")
    except IsADirectoryError:
        raise UsageError(f"crashcourse diagnose: {name} is a directory; give the report's file, or - to read stdin") from None
    except OSError as e:
        raise UsageError(f"crashcourse diagnose: cannot read {name} ({e.strerror}); give the report's file, or - to read stdin") from None


def suggestions(obs: Observation, cases) -> tuple[str | None, list[dict]]:
    """(what matched, the cases): "kind", the cases whose bug variant was observed to show this kind; when none
    does (or the report names no kind), "signal", those whose bug ends in this signal with no diagnosis but
    the signal; failing that, "signal-any-kind", those whose bug ends in this signal whatever their
    diagnosis. The cases seen under the lens of the report's own tool come first."""
    cases = list(cases)
    tests = []
    if obs.kind is not None:
        tests.append(("kind", lambda e: e.checks.get("kind") == obs.kind))
    if obs.signal is not None:
        tests.append(("signal", lambda e: e.checks.get("signal") == obs.signal and e.checks.get("kind", "none") == "none"))
        tests.append(("signal-any-kind", lambda e: e.checks.get("signal") == obs.signal))
    for by, test in tests:
        found = _matching(cases, test, TOOL_LENS.get(obs.tool or ""))
        if found:
            return by, found
    return None, []


def teaching_cases(obs: Observation, cases) -> list[dict]:
    """The cases `suggestions` names."""
    return suggestions(obs, cases)[1]


def _matching(cases, test, want_lens: str | None) -> list[dict]:
    found: dict[str, dict] = {}
    for case in cases:
        for e in case.expectations:
            if e.variant != "bug" or not test(e):
                continue
            entry = found.setdefault(case.id, {"id": case.id, "title": case.title, "lenses": []})
            if e.lens not in entry["lenses"]:
                entry["lenses"].append(e.lens)
    out = list(found.values())
    for entry in out:
        entry["lenses"].sort(key=lambda lens: lens != want_lens)
    out.sort(key=lambda c: (want_lens not in c["lenses"], c["id"]))
    return out


HANG_KINDS = ("deadlock", "livelock")


def describe(obs: Observation) -> list[str]:
    tool = TOOL_NAMES.get(obs.tool or "", obs.tool or "no known tool")
    head = obs.kind or (f"{obs.signal} (no diagnosis in the text: the signal says it)" if obs.signal else "no report recognised")
    lines = [f"{head}  [{tool}]"]
    if obs.access:
        lines.append(f"  access:  {obs.access}" + (f" of size {obs.size}" if obs.size is not None else ""))
    elif obs.size is not None:
        lines.append(f"  size:    {obs.size}")
    if obs.signal and obs.kind:
        lines.append(f"  signal:  {obs.signal}" + (" (core dumped)" if obs.core_dumped else ""))
    if obs.message:
        lines.append(f"  message: {obs.message}")
    if obs.frames and obs.kind in HANG_KINDS and obs.tool == "python":
        shown = obs.frames[:8]  # one frame a thread: where each waits, not a call chain
        lines.append("  waiting: " + " | ".join(shown) + (" | ..." if len(obs.frames) > 8 else ""))
    elif obs.frames:
        shown = obs.frames[:8]
        lines.append("  frames:  " + " < ".join(shown) + (" < ..." if len(obs.frames) > 8 else ""))
    for name, value in sorted(obs.metrics.items()):
        lines.append(f"  {name} = {value}")
    return lines


def run(args) -> int:
    from harness.corpus import discover
    from harness.diagnose import diagnose_text

    text = read_input(args.file)
    obs = diagnose_text(text)
    # a kind or a signal is a diagnosis; frames alone (a bare backtrace) are not
    recognised = bool(obs.kind or obs.signal)
    by, cases = suggestions(obs, discover.load_all()) if recognised else (None, [])
    if args.json:
        print(json.dumps({"observed": obs.as_dict(), "cases": cases, "matched_by": by}, indent=2, ensure_ascii=False))
        return 0 if recognised else 1
    for line in describe(obs):
        print(line)
    if not recognised:
        if obs.frames:
            print("crashcourse diagnose: a backtrace, but nothing in the text says how the program stopped (no signal, "
                  "no error message); paste the lines above it too (gdb's 'Program received signal ...')")  # fmt: skip
        print("crashcourse diagnose: no crash or sanitizer report recognised in the text "
              "(ASan/LSan/UBSan/MSan/TSan and Go's race detector, valgrind, glibc, Python, gdb)")  # fmt: skip
        return 1
    tool = TOOL_NAMES.get(obs.tool or "", obs.tool or "")
    if not cases:
        print(f"\nno case in the corpus shows {obs.kind or obs.signal} yet")
        return 0
    print()
    if by != "kind" and obs.kind:
        print(f"no case in the corpus shows {obs.kind} yet; these end in {obs.signal} too:")
    elif by == "signal-any-kind":
        print(f"no case in the corpus shows a bare {obs.signal}; these bugs end in {obs.signal}, each with its own diagnosis:")
    for c in cases:
        lenses = ", ".join(c["lenses"])
        where = f"see case {c['id']} (crashcourse show {c['id']}; lens {lenses}): {c['title']}"
        if by == "kind":
            print(f"you have {_article(obs.kind)} {obs.kind}{f' ({tool})' if tool else ''}: {where}")
        elif by == "signal":
            print(f"you have {_article(obs.signal)} {obs.signal}: {where}")
        else:
            print(f"  {where}")
    return 0


def _article(word: str) -> str:
    return "an" if word[:1] in "aeioAEIO" or word.startswith(("un", "Un")) else "a"
