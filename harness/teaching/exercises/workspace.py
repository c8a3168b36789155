"""The participant's workspace: a folder holding one case's bug without its answers, and its state.

`start` writes the bug variant's files stripped by harness.corpus.strip (no comment, no BUG/FIX
marker, no docstring; the variant itself is `main.<ext>`), a TASK.md, and `.crashcourse.json`:

    {"format": 1, "case": "double-free", "main": "main.c",
     "written": {"main.c": "<sha256>", ...},      # what start wrote: an edited copy is told apart
     "started_at": "...", "hints": ["symptom"],   # the hint levels revealed, in order
     "checks": 3, "last_check": {...}, "done": {"at": "...", "code": "<sha256>"} | null,
     "runs": 1, "quiz": {...}}

No fixed twin, expectation, snapshot, README story or explain text is ever written there, and the
shipped case folder is only read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.corpus.catalog import LENS_INFO
from harness.corpus.manifest import Case
from harness.corpus.paths import cases_dir, write_atomically
from harness.corpus.strip import language_of, unit_files, write_stripped
from harness.errors import UsageError

STATE = ".crashcourse.json"
TASK = "TASK.md"
FORMAT = 1
DEFAULT_FOLDER = "crashcourse-exercises"
NATURAL_ENV = "CRASHCOURSE_NATURAL"  # harness.pipeline.natural.ENV (the corpus layer cannot import it)


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Workspace:
    path: Path
    case: str
    main: str
    written: dict[str, str]
    started_at: str = ""
    hints: list[str] = field(default_factory=list)
    checks: int = 0
    runs: int = 0
    last_check: dict[str, Any] | None = None
    done: dict[str, Any] | None = None
    quiz: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # fields of a newer format, kept as they are

    # ---- the state file ----
    @classmethod
    def load(cls, path: Path) -> Workspace:
        f = Path(path) / STATE
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UsageError(
                f"{path}: not an exercise workspace (no {STATE}); start one with 'crashcourse exercise start CASE', "
                "or give the workspace's folder"
            ) from None
        except (OSError, ValueError) as e:
            raise UsageError(f"{f}: cannot be read as a workspace state ({e})") from None
        if not isinstance(data, dict) or not isinstance(data.get("case"), str) or not isinstance(data.get("main"), str):
            raise UsageError(f"{f}: field 'case' or 'main' is missing; start the exercise again (--force)")
        known = {"format", "case", "main", "written", "started_at", "hints", "checks", "runs", "last_check", "done", "quiz"}
        return cls(
            Path(path), data["case"], data["main"], dict(data.get("written") or {}), data.get("started_at", ""),
            list(data.get("hints") or []), int(data.get("checks") or 0), int(data.get("runs") or 0),
            data.get("last_check"), data.get("done"), data.get("quiz"), {k: v for k, v in data.items() if k not in known},
        )  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.extra, "format": FORMAT, "case": self.case, "main": self.main, "written": self.written,
            "started_at": self.started_at, "hints": self.hints, "checks": self.checks, "runs": self.runs,
            "last_check": self.last_check, "done": self.done, "quiz": self.quiz,
        }  # fmt: skip

    def save(self) -> None:
        write_atomically(self.path / STATE, json.dumps(self.as_dict(), indent=2) + "\n")

    # ---- the participant's code ----
    def code_files(self) -> list[Path]:
        """The workspace's source files (what the participant may edit), sorted by name."""
        return sorted(p for p in self.path.iterdir() if p.is_file() and language_of(p) is not None)

    def code_hash(self) -> str:
        h = hashlib.sha256()
        for p in self.code_files():
            h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
        return h.hexdigest()

    def edited(self) -> list[str]:
        """The files that differ from what start wrote (changed, added or removed)."""
        now_files = {p.name: sha(p.read_bytes()) for p in self.code_files()}
        names = sorted(set(now_files) | set(self.written))
        return [n for n in names if now_files.get(n) != self.written.get(n)]

    @property
    def state(self) -> str:
        """done (a check passed), hinted (hints revealed, not done yet), open."""
        if self.done:
            return "done"
        return "hinted" if self.hints else "open"


def find(path: str | Path | None) -> Workspace:
    """The workspace at `path`, or the current folder when it is one."""
    return Workspace.load(Path(path) if path else Path.cwd())


def _inside(child: Path, parent: Path) -> bool:
    try:
        child.resolve().relative_to(parent.resolve())
        return True
    except ValueError:
        return False


def default_dir(case_id: str, folder: str | Path | None = None) -> Path:
    return Path(folder or DEFAULT_FOLDER) / case_id


def start(case: Case, dest: Path, force: bool = False) -> tuple[Workspace, bool]:
    """Write the participant's copy of `case` into `dest`. Returns (workspace, restarted).

    Refuses (UsageError) to write into the shipped corpus, over a workspace whose code was edited
    since it was written, or into a folder of other files, unless `force` (never into the corpus)."""
    dest = Path(dest)
    if _inside(dest, cases_dir()) or _inside(dest, case.path):
        raise UsageError(f"crashcourse exercise start: {dest} is inside the corpus ({cases_dir()}); choose another --dir")
    old: Workspace | None = None
    if (dest / STATE).exists():
        old = Workspace.load(dest)
        if old.case != case.id and not force:
            raise UsageError(f"crashcourse exercise start: {dest} holds the exercise '{old.case}'; choose another --dir, or --force")
        changed = old.edited()
        if changed and not force:
            raise UsageError(
                f"crashcourse exercise start: {dest} holds your edits ({', '.join(changed)} changed since it was written); "
                "--force writes a fresh copy over them"
            )
    elif dest.exists() and any(dest.iterdir()) and not force:
        raise UsageError(f"crashcourse exercise start: {dest} is not empty and is not an exercise workspace; choose another --dir, or --force")
    dest.mkdir(parents=True, exist_ok=True)
    if old is not None:  # a fresh copy: the old code files go, so no stale helper stays behind
        for p in old.code_files():
            p.unlink()
    names = write_stripped(case, "bug", dest)
    main = next(iter(names))
    written = {n: sha((dest / n).read_bytes()) for n in names}
    (dest / TASK).write_text(task_text(case, main, list(names)), encoding="utf-8")
    ws = Workspace(dest, case.id, main, written, now())
    if old is not None and old.case == case.id:  # hints seen stay seen; a done exercise stays done
        ws.hints, ws.checks, ws.runs, ws.last_check, ws.done, ws.quiz = old.hints, old.checks, old.runs, None, old.done, old.quiz
        ws.started_at, ws.extra = old.started_at or ws.started_at, dict(old.extra, restarted_at=now())
    ws.save()
    return ws, old is not None


# ---- what the participant is told ----------------------------------------------------------------

ENTRY = {
    "c": "`{main}` defines `int cc_main(void)`, the program's entry point; its return value is the exit status.",
    "cpp": "`{main}` defines `extern \"C\" int cc_main(void)`, the program's entry point; its return value is the exit status.",
    "python": "`{main}` runs as `__main__`, in a fresh temporary working directory (`sys.argv[1]` names the runtime profile).",
    "lua": "`{main}` is run by LuaJIT (through lupa); `ffi = require(\"ffi\")` works.",
}


def exercise_title(case: Case) -> str:
    return case.exercise.title if case.exercise else f"Exercise {case.id}"


def reads_natural(case: Case) -> bool:
    """Does the case force its interleaving (and drop the forcing under CRASHCOURSE_NATURAL=1)?"""
    return any(NATURAL_ENV in f.source.read_text(encoding="utf-8", errors="replace") for f in unit_files(case, "bug"))


def task_text(case: Case, main: str, names: list[str]) -> str:
    ex = case.exercise
    symptom = ex.symptom.strip() if ex else "(No symptom has been written for this exercise yet: run it and see.)"
    others = [n for n in names if n != main]
    lines = [f"# {exercise_title(case)}", "", "## What its users saw", "", symptom, "", "## What you have", ""]
    lines.append(f"- {ENTRY[case.language].format(main=main)}")
    if others:
        lines.append(f"- beside it: {', '.join(f'`{n}`' for n in others)} (yours to read and change too)")
    lines.append("- the comments are gone: read the code, run it, and let the tools tell you what happens.")
    lines += [
        "", "## Your task", "",
        "Find out why, and fix it here. The fix is done when, under every lens below, the program runs as",
        "a correct one does: no report, no crash, no hang, the exit status it should have, and it still does",
        "its job (what it prints). `crashcourse exercise check` says which lens still sees what.",
        "", "## The lenses", "",
    ]  # fmt: skip
    for lens in case.lenses:
        lines.append(f"- **{lens}**: {LENS_INFO[lens].description}")
    if reads_natural(case):
        lines += [
            "", "## The timing", "",
            f"This program makes its unlucky timing happen on every run: the code that reads `{NATURAL_ENV}`",
            "(and skips the forcing when it is `1`) is the exercise's scaffolding, not the program's job, and it",
            "reports that it ran (`CRASHCOURSE_METRIC forcing_reached`). Leave it in place: `check` runs your",
            "program with the forcing and, several times, without it; a change that only removes the forcing",
            "does not pass.",
        ]  # fmt: skip
    lines += [
        "", "## Commands (in this folder, or give its path)", "", "```sh",
        "crashcourse exercise run              # run it under every lens, with each tool's output (--lens L: one)",
        "crashcourse exercise check            # the verdict: exit 0 once it is fixed (--watch: again on every save)",
        "crashcourse exercise hint             # the next hint: symptom, lens, where, fix (one level at a time)",
        "crashcourse exercise status           # your progress (--json for a trainer)",
        "```", "",
    ]  # fmt: skip
    return "\n".join(lines)
