"""Progress: each workspace's state (done, hinted, open), a folder of workspaces, a track's path through them.

The state lives in each workspace (`.crashcourse.json`) and the quiz's in the exercises folder
(`.crashcourse-quiz.json`); `crashcourse exercise status --json` gathers them for a trainer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.corpus.manifest import HINT_LEVELS, load_case
from harness.corpus.paths import cases_dir, write_atomically
from harness.corpus.tracks import default_path, find_track, load_tracks
from harness.errors import UsageError
from harness.teaching.exercises.workspace import DEFAULT_FOLDER, STATE, Workspace, exercise_title, now

QUIZ = ".crashcourse-quiz.json"
STATES = ("done", "hinted", "open", "not started")


def entry(ws: Workspace) -> dict[str, Any]:
    title = ws.case
    try:
        title = exercise_title(load_case(cases_dir() / ws.case))
    except Exception:  # a workspace of a case this corpus no longer has: still listed
        pass
    return {
        "case": ws.case, "title": title, "path": str(ws.path), "state": ws.state,
        "hints_revealed": len(ws.hints), "hints": list(ws.hints), "hint_levels": len(HINT_LEVELS),
        "checks": ws.checks, "runs": ws.runs, "edited": bool(ws.edited()), "started_at": ws.started_at,
        "done_at": (ws.done or {}).get("at"), "last_check": ws.last_check,
    }  # fmt: skip


def workspaces(folder: Path) -> list[Workspace]:
    if not folder.is_dir():
        return []
    out = []
    for d in sorted(folder.iterdir()):
        if d.is_dir() and (d / STATE).is_file():
            try:
                out.append(Workspace.load(d))
            except UsageError:
                continue
    return out


def load_quiz(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / QUIZ).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save_quiz(folder: Path, answers: list[dict[str, Any]]) -> Path:
    """Add one quiz session (each answer: case, lens, profile, said, observed, right) to the folder's quiz file."""
    folder.mkdir(parents=True, exist_ok=True)
    data = load_quiz(folder)
    sessions = data.get("sessions", [])
    sessions.append({"at": now(), "right": sum(1 for a in answers if a["right"]), "asked": len(answers), "answers": answers})
    best: dict[str, bool] = dict(data.get("cases", {}))
    for a in answers:
        key = f"{a['case']}:{a['lens']}"
        best[key] = best.get(key, False) or a["right"]
    data = {"sessions": sessions, "cases": best,
            "right": sum(s["right"] for s in sessions), "asked": sum(s["asked"] for s in sessions)}  # fmt: skip
    path = folder / QUIZ
    write_atomically(path, json.dumps(data, indent=2) + "\n")
    return path


def status(target: Path | None) -> dict[str, Any]:
    """One workspace (target is one, or the current folder is), else every workspace of a folder."""
    here = target or Path.cwd()
    if (here / STATE).is_file():
        ws = Workspace.load(here)
        return {"folder": str(here.parent), "exercises": [entry(ws)], "quiz": load_quiz(here.parent)}
    folder = target or Path(DEFAULT_FOLDER)
    if not folder.is_dir():
        raise UsageError(f"crashcourse exercise status: {folder} does not exist; start an exercise first (crashcourse exercise start CASE)")
    found = workspaces(folder)
    counts = {s: sum(1 for w in found if w.state == s) for s in STATES[:3]}
    return {"folder": str(folder), "exercises": [entry(w) for w in found], "counts": counts, "quiz": load_quiz(folder)}


def status_lines(report: dict[str, Any]) -> list[str]:
    out = []
    for e in report["exercises"]:
        bits = [f"{e['checks']} check{'s' if e['checks'] != 1 else ''}", f"{e['hints_revealed']}/{e['hint_levels']} hints"]
        if e["done_at"]:
            bits.append(f"done {e['done_at']}")
        elif e["last_check"] and e["last_check"].get("failing"):
            bits.append("still failing: " + ", ".join(e["last_check"]["failing"]))
        out.append(f"{e['state']:<7} {e['case']:<36} {e['title']}  ({'; '.join(bits)})")
    if not report["exercises"]:
        out.append(f"no exercise started in {report['folder']}")
    if "counts" in report:
        c = report["counts"]
        out.append(f"{len(report['exercises'])} exercises: {c['done']} done, {c['hinted']} hinted, {c['open']} open")
    quiz = report.get("quiz") or {}
    if quiz.get("asked"):
        out.append(f"quiz: {quiz['right']}/{quiz['asked']} right over {len(quiz.get('sessions', []))} session(s)")
    return out


def track_report(track_id: str | None, tracks_file: str | None, folder: str | None) -> dict[str, Any]:
    from harness.corpus import discover

    path = Path(tracks_file) if tracks_file else default_path()
    known = {d.name for d in discover.case_dirs()}
    tracks = load_tracks(path, known)
    chosen = [find_track(tracks, track_id, path)] if track_id else tracks
    base = Path(folder or DEFAULT_FOLDER)
    states = {w.case: w for w in workspaces(base)}
    out = []
    for t in chosen:
        items = []
        for tc in t.cases:
            ws = states.get(tc.id)
            try:
                title = exercise_title(load_case(cases_dir() / tc.id))
            except UsageError:
                title = tc.id
            items.append({"case": tc.id, "difficulty": tc.difficulty, "title": title,
                          "state": ws.state if ws else "not started", "workspace": str(ws.path) if ws else None})  # fmt: skip
        done = sum(1 for i in items if i["state"] == "done")
        out.append({"id": t.id, "title": t.title, "description": t.description, "cases": items, "done": done, "total": len(items)})
    return {"tracks_file": str(path), "folder": str(base), "tracks": out}


MARK = {"done": "[x]", "hinted": "[~]", "open": "[ ]", "not started": "[ ]"}


def bar(done: int, total: int, width: int = 20) -> str:
    filled = round(width * done / total) if total else 0
    return "█" * filled + "░" * (width - filled)


def track_lines(report: dict[str, Any]) -> list[str]:
    out = []
    for t in report["tracks"]:
        out.append(f"{t['title']} ({t['id']}): {t['description']}")
        for n, i in enumerate(t["cases"], 1):
            stars = "★" * i["difficulty"] + "☆" * (5 - i["difficulty"])
            state = "" if i["state"] == "not started" else f"  {i['state']}"
            out.append(f"  {n:>2}. {MARK[i['state']]} {i['case']:<36} {stars}  {i['title']}{state}")
        out.append(f"  {bar(t['done'], t['total'])} {t['done']}/{t['total']} done")
        nxt = next((i for i in t["cases"] if i["state"] != "done"), None)
        if nxt:
            how = f"cd {nxt['workspace']}" if nxt["workspace"] else f"crashcourse exercise start {nxt['case']}"
            out.append(f"  next: {how}")
        out.append("")
    return out[:-1] if out else ["no tracks"]
