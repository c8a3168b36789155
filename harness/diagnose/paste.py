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


def teaching_cases(obs: Observation, cases) -> list[dict]:
    """Cases whose bug variant was observed to show this kind (or, without a kind, this signal), the
    lens of the report's own tool first."""
    want_lens = TOOL_LENS.get(obs.tool or "")
    found: dict[str, dict] = {}
    for case in cases:
        for e in case.expectations:
            if e.variant != "bug":
                continue
            if obs.kind is not None:
                hit = e.checks.get("kind") == obs.kind
            else:
                hit = obs.signal is not None and e.checks.get("signal") == obs.signal and e.checks.get("kind", "none") == "none"
            if not hit:
                continue
            entry = found.setdefault(case.id, {"id": case.id, "title": case.title, "lenses": []})
            if e.lens not in entry["lenses"]:
                entry["lenses"].append(e.lens)
    out = list(found.values())
    for entry in out:
        entry["lenses"].sort(key=lambda lens: lens != want_lens)
    out.sort(key=lambda c: (want_lens not in c["lenses"], c["id"]))
    return out


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
    if obs.frames:
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
    recognised = bool(obs.kind or obs.signal or obs.frames)
    cases = teaching_cases(obs, discover.load_all()) if recognised else []
    if args.json:
        print(json.dumps({"observed": obs.as_dict(), "cases": cases}, indent=2, ensure_ascii=False))
        return 0 if recognised else 1
    for line in describe(obs):
        print(line)
    if not recognised:
        print("crashcourse diagnose: no crash or sanitizer report recognised in the text "
              "(ASan/LSan/UBSan/MSan/TSan, valgrind, glibc, Python, gdb)")  # fmt: skip
        return 1
    what = obs.kind or obs.signal
    tool = TOOL_NAMES.get(obs.tool or "", obs.tool or "")
    if cases:
        print()
        for c in cases:
            lenses = ", ".join(c["lenses"])
            print(f"you have a {what}{f' ({tool})' if obs.kind and tool else ''}: see case {c['id']} "
                  f"(crashcourse show {c['id']}; lens {lenses}): {c['title']}")  # fmt: skip
    else:
        print(f"\nno case in the corpus shows {what} yet")
    return 0
