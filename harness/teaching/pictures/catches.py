"""Who catches what: this case's own row of lenses, from the observed runs (else the expectations).

A lens catches the bug when its bug run shows a signal, a diagnosis kind or a hang; it is silent
otherwise. A silent lens that the case's `[flaw] missed_by` names is a labelled false negative:
its reason is printed under the row.

Only what ran is shown as caught or silent. A lens that did not run here says so: "skipped" (its
tool is missing, its expectation was observed elsewhere), "replayed" (its recorded output was shown
instead, `run --replay`: what that recording caught, and on which machine), or, with no run at all
(a run filtered to other lenses, a page whose lens has no snapshot), "not run", with what its
expectation says it would show.
"""

from __future__ import annotations

from harness.teaching.pictures import svg as S
from harness.teaching.pictures.model import Picture, RunView, hanging

VERDICTS = ("caught", "silent", "false negative", "replayed", "skipped", "not run")


def _shows(o: dict) -> str:
    return " · ".join(x for x in (o.get("signal") or "", o.get("kind") or "",
                                  "hang" if o.get("timed_out") and not o.get("kind") else "") if x)  # fmt: skip


def verdicts(case, views: list[RunView]) -> list[tuple[str, str, str]]:
    """(lens@profile, one of VERDICTS, what) for each bug run of the case."""
    missed = dict(getattr(getattr(case, "flaw", None), "missed_by", {}) or {})
    seen = {(v.lens, v.profile): v for v in views if v.variant == "bug"}
    out = []
    for lens in case.lenses:
        for profile in case.profiles_for(lens):
            run = f"{lens}@{profile}"
            v = seen.get((lens, profile))
            if v is not None and v.status == "skipped":
                out.append((run, "skipped", v.note or "not run here"))
                continue
            if v is not None and v.status == "replayed":
                out.append((run, "replayed", f"{_shows(v.observed) or 'nothing'} (recorded on {v.note}, not run here)"))
                continue
            if v is None:
                exps = [e for e in case.expectations if e.variant == "bug" and e.lens == lens and e.profile in (None, profile)]
                if not exps:
                    continue
                c = exps[0].checks
                what = " · ".join(x for x in (c.get("signal", "none"), c.get("kind", "none")) if x and x != "none")
                if c.get("timed_out") and not what:
                    what = "hang"
                out.append((run, "not run", f"expected: {what or 'nothing'}"))
                continue
            what = _shows(v.observed)
            if what:
                out.append((run, "caught", what))
            elif lens in missed:
                out.append((run, "false negative", missed[lens]))
            else:
                out.append((run, "silent", "runs clean: nothing to see in this lens"))
    return out


CLS = {"caught": "cc-ok", "silent": "cc-box", "false negative": "cc-warn", "replayed": "cc-info", "skipped": "cc-box",
       "not run": "cc-box"}  # fmt: skip
LABEL = {"caught": "✔ caught", "silent": "· silent", "false negative": "✘ labelled false negative",
         "replayed": "⟲ replayed", "skipped": "– skipped", "not run": "○ not run"}  # fmt: skip


def picture(case, views: list[RunView]) -> Picture:
    rows = verdicts(case, views)
    n = max(len(rows), 1)
    W = 760
    cw = (W - 40) / n
    body = [S.text(20, 18, "who catches what (the bug variant)", "cc-title")]
    notes = []
    for i, (run, verdict, what) in enumerate(rows):
        x = 20 + i * cw
        body.append(S.rect(x + 2, 30, cw - 4, 54, CLS[verdict]))
        body.append(S.text(x + cw / 2, 48, S.clip(run, int(cw / 7)), "cc-title", "middle"))
        if verdict == "caught":
            label = "✔ " + S.clip(what, int(cw / 7) - 2)
        elif verdict == "false negative":
            label = "✘ missed*"
        else:
            label = S.clip(LABEL[verdict], int(cw / 7)) + ("*" if verdict in ("replayed", "skipped", "not run") else "")
        body.append(S.text(x + cw / 2, 70, label, "cc-fg", "middle"))
        if verdict in ("false negative", "replayed", "skipped", "not run"):
            notes.append(f"* {run}: {what}")
    y = 104
    for note in notes:
        for j in range(0, len(note), 110):
            body.append(S.text(20, y, note[j : j + 110], "cc-dim"))
            y += 15
    alt = "Who catches what: " + "; ".join(f"{r}: {v}" + (f" ({w})" if w else "") for r, v, w in rows) + "."
    svg = S.document(W, y + 4, body, "Who catches what", alt, "cc-catches")
    lines = [ln for r, v, w in rows for ln in hanging(f"  {r:<18} {LABEL[v]:<26} ", w, indent=6)]
    return Picture("catches", "Who catches what", "the bug variant's runs", alt, svg, lines)
