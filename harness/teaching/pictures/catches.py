"""Who catches what: this case's own row of lenses, from the observed runs (else the expectations).

A lens catches the bug when its bug run shows a signal, a diagnosis kind or a hang; it is silent
otherwise. A silent lens that the case's `[flaw] missed_by` names is a labelled false negative:
its reason is printed under the row.
"""

from __future__ import annotations

from harness.teaching.pictures import svg as S
from harness.teaching.pictures.model import Picture, RunView, hanging


def verdicts(case, views: list[RunView]) -> list[tuple[str, str, str]]:
    """(lens@profile, "caught"|"silent"|"false negative", what) for each bug run of the case."""
    missed = dict(getattr(getattr(case, "flaw", None), "missed_by", {}) or {})
    seen = {(v.lens, v.profile): v for v in views if v.variant == "bug"}
    out = []
    for lens in case.lenses:
        for profile in case.profiles_for(lens):
            v = seen.get((lens, profile))
            if v is not None:
                o = v.observed
                what = " · ".join(x for x in (o.get("signal") or "", o.get("kind") or "",
                                              "hang" if o.get("timed_out") and not o.get("kind") else "") if x)  # fmt: skip
            else:
                exps = [e for e in case.expectations if e.variant == "bug" and e.lens == lens and e.profile in (None, profile)]
                if not exps:
                    continue
                c = exps[0].checks
                what = " · ".join(x for x in (c.get("signal", "none"), c.get("kind", "none")) if x and x != "none")
                if c.get("timed_out") and not what:
                    what = "hang"
                if what:
                    what += " (expected; not run this time)"
            if what:
                out.append((f"{lens}@{profile}", "caught", what))
            elif lens in missed:
                out.append((f"{lens}@{profile}", "false negative", missed[lens]))
            else:
                out.append((f"{lens}@{profile}", "silent", "runs clean: nothing to see in this lens"))
    return out


CLS = {"caught": "cc-ok", "silent": "cc-box", "false negative": "cc-warn"}


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
        label = "✔ " + S.clip(what, int(cw / 7) - 2) if verdict == "caught" else ("✘ missed*" if verdict == "false negative" else "· silent")
        body.append(S.text(x + cw / 2, 70, label, "cc-fg", "middle"))
        if verdict == "false negative":
            notes.append(f"* {run}: {what}")
    y = 104
    for note in notes:
        for j in range(0, len(note), 110):
            body.append(S.text(20, y, note[j : j + 110], "cc-dim"))
            y += 15
    alt = "Who catches what: " + "; ".join(f"{r}: {v}" + (f" ({w})" if w else "") for r, v, w in rows) + "."
    svg = S.document(W, y + 4, body, "Who catches what", alt, "cc-catches")
    lines = [ln for r, v, w in rows for ln in hanging(
        f"  {r:<18} {('✔ caught' if v == 'caught' else '✘ labelled false negative' if v == 'false negative' else '· silent'):<26} ", w, indent=6)]  # fmt: skip
    return Picture("catches", "Who catches what", "the bug variant's runs", alt, svg, lines)
