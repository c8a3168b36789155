"""The scoreboard: a scoring run (harness.scoring.score) as a terminal report and as the site's page."""

from __future__ import annotations

from typing import Any

from harness.corpus import machine
from harness.corpus.manifest import Case
from harness.corpus.truth import case_truth
from harness.scoring.score import LEVELS, summarize

SYMBOL = {"caught": "✔", "elsewhere": "~", "reported": "●", "missed": "✘", "n/a": "·", "error": "!", "unscored": "?"}


def _fmt(v: Any) -> str:
    return f"{v:.2f}" if isinstance(v, float) else str(v)


VIEW_LINE = {
    "blind": "blind view (seed {seed}): analyzers read unit-NNNN/main.<ext>, comments, markers and names removed",
    "sighted": "SIGHTED: analyzers read the case folders as they are (comments, BUG markers, file names); "
               "not comparable with blind scores",
}  # fmt: skip
VIEW_WORD = {"blind": "blind", "sighted": "SIGHTED", "run": "run"}


def view_line(board: dict[str, Any]) -> str:
    return VIEW_LINE[board.get("view", "sighted")].format(seed=board.get("seed"))


def _ratio_text(t: dict[str, Any]) -> tuple[str, str]:
    f, pr = t["findings"], t["pairs"]
    findings = (f"findings: {f['tp'] + f['fp']} located (TP {f['tp']}, FP {f['fp']}), finding precision "
                f"{_fmt(f['precision'])}" + (f"; {f['unlocated']} with no line" if f["unlocated"] else ""))  # fmt: skip
    pairs = (f"race/deadlock pairs: both sides named in {pr['found']} of {pr['units']} (pair recall {_fmt(pr['recall'])})"
             if pr["units"] else "race/deadlock pairs: none scored")  # fmt: skip
    return findings, pairs


def text_report(board: dict[str, Any]) -> list[str]:
    """Per analyzer: TP/FP/FN/TN and precision/recall/specificity/F1 at each level, finding precision,
    pair recall and the per-class table; then the matrix."""
    lines = [f"crashcourse score · {view_line(board)} · {len(board['cases'])} cases · line tolerance ±{board['line_tolerance']}"]
    for name, a in board["analyzers"].items():
        lines.append("")
        saw = {"run": "runs the case"}.get(a.get("view", ""), VIEW_WORD.get(a.get("view", ""), a.get("view", "")))
        lines.append(f"{name} ({a['kind']}, {saw}): {a['scored']} variants scored, "
                     f"{a['errors']} errors, {a['not_applicable']} n/a")  # fmt: skip
        lines.append(f"  {'level':6} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4}  {'precision':>9} {'recall':>7} {'specif.':>7} {'F1':>5}")
        for lv in LEVELS:
            c = a["levels"][lv]
            lines.append(f"  {lv:6} {c['tp']:>4} {c['fp']:>4} {c['fn']:>4} {c['tn']:>4}  {_fmt(c['precision']):>9} "
                         f"{_fmt(c['recall']):>7} {_fmt(c['specificity']):>7} {_fmt(c['f1']):>5}")  # fmt: skip
        findings, pairs = _ratio_text(a)
        lines += [f"  {findings}", f"  {pairs}"]
        classes = [(k, t) for k, t in a.get("by_class", {}).items() if t["scored"]]
        if classes:
            head = "per class (line level)"
            width = max(len(head), *(len(k) for k, _ in classes))
            lines.append(f"  {head:{width}}  {'recall':>7} {'precis.':>7} {'F1':>5} {'scored':>6}")
            for k, t in classes:
                lv = t["levels"]["line"]
                lines.append(f"  {k:{width}}  {_fmt(lv['recall']):>7} {_fmt(lv['precision']):>7} {_fmt(lv['f1']):>5} {t['scored']:>6}"
                             + (f"   pairs {t['pairs']['found']}/{t['pairs']['units']}" if t["pairs"]["units"] else ""))  # fmt: skip
        for u in a["units"]:
            if u["status"] == "error":
                lines.append(f"  error: {u['case']} {u['variant']}: {u['reason']}")
    names = list(board["analyzers"])
    if names:
        lines += ["", "matrix: ✔ caught at a flaw line, ~ reported elsewhere, ● reported with no line, ✘ missed, · n/a, ! error, + false alarm on the fixed twin"]
        width = max(len(c["case"]) for c in board["cases"])
        lines.append(" " * (width + 2) + " ".join(f"{n[:14]:>14}" for n in names))
        for c in board["cases"]:
            row = []
            for n in names:
                cell = board["analyzers"][n]["cells"][c["case"]]
                row.append(f"{SYMBOL[cell['state']] + ('+' if cell['false_alarm'] else ''):>14}")
            lines.append(f"{c['case']:<{width}}  " + " ".join(row))
    return lines


# ---- the site's page ----------------------------------------------------------------------------------

CELL_TEXT = {
    "caught": ("✔", "caught", "reported at a flaw line"),
    "elsewhere": ("~", "elsewhere", "reported the bug variant, but not at a flaw line"),
    "reported": ("●", "reported", "reported the bug variant, naming no line (a crash without a source trace)"),
    "missed": ("✘", "missed", "reported nothing about the flaw"),
    "n/a": ("·", "n/a", "does not look at this case"),
    "error": ("!", "error", "the analyzer failed on this case"),
    "unscored": ("?", "unscored", "not in the stored scoring run yet"),
}


def _esc(s: str) -> str:
    import html

    return html.escape(str(s), quote=True)


def load_stored(root=None) -> tuple[str, dict[str, Any]] | None:
    """The stored scoring run to show: this machine's if there is one, else the first by name."""
    import json

    from harness.corpus.machine import machine_key
    from harness.scoring.score import board_path

    folder = board_path().parent if root is None else root
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not files:
        return None
    mine = [f for f in files if f.stem == machine_key()]
    f = (mine or files)[0]
    return f.stem, json.loads(f.read_text())


def render_page(cases, stored: tuple[str, dict[str, Any]] | None, link=None) -> str:
    """The scoreboard page (Markdown with an HTML matrix), from a stored scoring run and today's truth."""

    out = ["# Scoreboard: who catches what\n"]
    out.append(
        "Every case's flaw, scored against every analyzer and lens: static analyzers over the blind view (each case\n"
        "variant a neutral `unit-NNNN/` folder, comments, markers and names removed), the lenses from their run\n"
        "records. A **bug** variant is a positive, its **fixed twin** a negative; a finding counts\n"
        "when it lands on a flaw line of the case's `[flaw]` table. How it is scored, and how to plug in your own\n"
        "analyzer: [the analyzer corpus](analyzer-corpus.md).\n"
    )
    if stored is None:
        out.append("!!! note \"No scoring run stored yet\"\n    Run `crashcourse score --analyzer ... --bless`: it stores the run "
                   "in `docs/scoreboard/<machine key>.json`, and this page is drawn from it.\n")  # fmt: skip
        return "\n".join(out)
    key, board = stored
    s = summarize(board, cases)
    names = list(s["analyzers"])
    out.append(f"Stored run: machine `{key}`, line tolerance ±{s.get('line_tolerance', 0)}, "
               f"{len(names)} analyzers × {len(cases)} cases ([raw data](scoreboard/{key}.json)). "
               "Regenerate: `crashcourse score --analyzer NAME ... --bless`.\n")  # fmt: skip

    out.append("## Summary per analyzer\n")
    out.append("Line level (a finding on a flaw line), with file level (anything in the bug variant) and CWE level "
               "(line + a matching CWE) beside it; finding precision counts every finding, pair recall the races and "
               "deadlocks whose both sides were named. *Saw*: **blind** (the blind view), **run** (a lens runs the "
               "case and reads no code), **SIGHTED** (the case folders as they are: comments, markers, names). "
               "n/a: 0/0.\n")  # fmt: skip
    heads = [("analyzer", ""), ("saw", "what the analyzer was given"), ("TP/FP/FN/TN", "line level"),
             ("P", "line precision"), ("R", "line recall"), ("spec.", "line specificity"), ("F1", "line F1"),
             ("file P/R", "file level precision / recall"), ("CWE P/R", "CWE level precision / recall"),
             ("finding P", "finding precision: located findings on a flaw line / all located findings"),
             ("pairs", "races and deadlocks with both sides named / scored"), ("err", "units the analyzer failed on"),
             ("n/a", "units it does not look at")]  # fmt: skip
    rows = ['<div class="cc-sb-wrap"><table class="cc-sb-summary">',
            "<thead><tr>" + "".join(f'<th title="{_esc(t)}">{_esc(h)}</th>' if t else f"<th>{_esc(h)}</th>" for h, t in heads)
            + "</tr></thead><tbody>"]  # fmt: skip
    for n in names:
        a = s["analyzers"][n]
        ln, fl, cw = a["levels"]["line"], a["levels"]["file"], a["levels"]["cwe"]
        fp, pr = a["findings"], a["pairs"]
        seen = a.get("view", "sighted")
        cells = [f"<code>{_esc(n)}</code>", f'<span class="cc-sb-view cc-sb-view-{seen}">{VIEW_WORD.get(seen, seen)}</span>',
                 f"{ln['tp']}/{ln['fp']}/{ln['fn']}/{ln['tn']}", _fmt(ln["precision"]), _fmt(ln["recall"]),
                 _fmt(ln["specificity"]), _fmt(ln["f1"]), f"{_fmt(fl['precision'])}/{_fmt(fl['recall'])}",
                 f"{_fmt(cw['precision'])}/{_fmt(cw['recall'])}", _fmt(fp["precision"]),
                 f"{pr['found']}/{pr['units']}" if pr["units"] else "-", str(a["errors"]), str(a["not_applicable"])]  # fmt: skip
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    rows.append("</tbody></table></div>\n")
    out += rows

    out.append("## The matrix\n")
    legend = " ".join(f'<span class="cc-sb cc-sb-{st.replace("/", "")}">{sym} {word}</span> {what};'
                      for st, (sym, word, what) in CELL_TEXT.items())  # fmt: skip
    out.append(f'<p class="cc-sb-legend">{legend} <span class="cc-sb-fa">+FA</span> a false alarm on the fixed twin. '
               "Hover a cell for what was found; labelled false negatives are footnoted.</p>\n")  # fmt: skip
    notes: list[str] = []
    rows = ['<div class="cc-sb-wrap"><table class="cc-scoreboard">', "<thead><tr><th>case</th><th>class</th>"
            + "".join(f'<th class="cc-sb-an"><span>{_esc(n)}</span></th>' for n in names) + "</tr></thead><tbody>"]
    for c in cases:
        href = link(c) if link else ""
        name = f'<a href="{_esc(href)}">{_esc(c.id)}</a>' if href else _esc(c.id)
        tds = []
        for n in names:
            cl = s["analyzers"][n]["cells"][c.id]
            sym, word, what = CELL_TEXT[cl["state"]]
            title = [what]
            if cl.get("found"):
                title.append("found: " + ", ".join(cl["found"]))
            if cl["state"] == "caught" and cl.get("cwe_ok") is False:
                title.append("the CWE it named does not match the flaw's")
            if cl.get("false_alarm"):
                title.append("false alarm on the fixed twin")
            foot = ""
            if cl.get("why") and cl["state"] in ("missed", "elsewhere", "n/a", "error"):
                title.append(cl["why"])
                if cl["state"] in ("missed", "elsewhere") and cl["why"] != "not in the stored scoring run":
                    notes.append(f"`{c.id}` × `{n}`: {cl['why']}")
                    foot = f'<sup><a href="#fn-sb-{len(notes)}">{len(notes)}</a></sup>'
            fa = ' <span class="cc-sb-fa">+FA</span>' if cl.get("false_alarm") else ""
            tds.append(f'<td class="cc-sb cc-sb-{cl["state"].replace("/", "")}" title="{_esc(" · ".join(title))}">'
                       f"{sym} {word}{foot}{fa}</td>")  # fmt: skip
        rows.append(f"<tr><th>{name}</th><td>{_esc(c.flaw.cls if c.flaw else '')}</td>{''.join(tds)}</tr>")
    rows.append("</tbody></table></div>\n")
    out += rows
    if notes:
        out.append("### Labelled false negatives\n")
        out.append("A known miss is a fact with a reason (the case's `[flaw] missed_by`):\n")
        for i, note in enumerate(notes, 1):
            out.append(f'{i}. <a id="fn-sb-{i}"></a>{note}')
        out.append("")

    out.append("## Recall and precision per class\n")
    out.append("Line level, `recall / precision` per flaw class and analyzer; `-` where the analyzer looked at no case of "
               "the class; for races and deadlocks, the pairs found beside.\n")  # fmt: skip
    classes = sorted({c.flaw.cls for c in cases if c.flaw})
    rows = ['<div class="cc-sb-wrap"><table class="cc-sb-classes">',
            "<thead><tr><th>class</th>" + "".join(f"<th><code>{_esc(n)}</code></th>" for n in names) + "</tr></thead><tbody>"]
    for k in classes:
        cells = []
        for n in names:
            t = s["analyzers"][n]["by_class"].get(k)
            if not t or not t["scored"]:
                cells.append("-")
                continue
            lv = t["levels"]["line"]
            pairs = f" · pairs {t['pairs']['found']}/{t['pairs']['units']}" if t["pairs"]["units"] else ""
            cells.append(f"{_fmt(lv['recall'])} / {_fmt(lv['precision'])}{pairs}")
        rows.append(f"<tr><th>{_esc(k)}</th>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    rows.append("</tbody></table></div>\n")
    out += rows
    return "\n".join(out)


def corpus_truth(cases: list[Case]) -> dict[str, Any]:
    """Every case's truth; with the stored scoring run's verdict of every analyzer (docs/scoreboard/)."""
    out = [case_truth(c) for c in cases]
    doc: dict[str, Any] = {"format": "crashcourse-truth/1", "machine": machine.facts(), "cases": out}  # "scored": below
    stored = load_stored()
    if stored is not None:
        key, board = stored
        summary = summarize(board, cases)
        doc["scoreboard"] = {"machine_key": key, "line_tolerance": summary.get("line_tolerance", 0)}
        for c in out:
            c["scored"] = {
                name: {k: v for k, v in a["cells"][c["case"]].items() if k in ("state", "false_alarm", "why", "cwe_ok")}
                for name, a in summary["analyzers"].items()
            }  # fmt: skip
    return doc
