"""The scoreboard: a scoring run (harness.score) as a terminal report and as the site's page."""

from __future__ import annotations

from typing import Any

from harness.score import LEVELS

SYMBOL = {"caught": "✔", "elsewhere": "~", "missed": "✘", "n/a": "·", "error": "!"}


def _fmt(v: Any) -> str:
    return f"{v:.2f}" if isinstance(v, float) else str(v)


def text_report(board: dict[str, Any]) -> list[str]:
    """Per analyzer: TP/FP/FN/TN and precision/recall/specificity/F1 at each level, then the matrix."""
    lines = [f"crashcourse score · {len(board['cases'])} cases · line tolerance ±{board['line_tolerance']}"]
    for name, a in board["analyzers"].items():
        lines.append("")
        lines.append(f"{name} ({a['kind']}): {a['scored']} variants scored, {a['errors']} errors, "
                     f"{a['not_applicable']} n/a")  # fmt: skip
        lines.append(f"  {'level':6} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4}  {'precision':>9} {'recall':>7} {'specif.':>7} {'F1':>5}")
        for lv in LEVELS:
            c = a["levels"][lv]
            lines.append(f"  {lv:6} {c['tp']:>4} {c['fp']:>4} {c['fn']:>4} {c['tn']:>4}  {_fmt(c['precision']):>9} "
                         f"{_fmt(c['recall']):>7} {_fmt(c['specificity']):>7} {_fmt(c['f1']):>5}")  # fmt: skip
        for u in a["units"]:
            if u["status"] == "error":
                lines.append(f"  error: {u['case']} {u['variant']}: {u['reason']}")
    names = list(board["analyzers"])
    if names:
        lines += ["", "matrix: ✔ caught at a flaw line, ~ reported elsewhere, ✘ missed, · n/a, ! error, + false alarm on the fixed twin"]
        width = max(len(c["case"]) for c in board["cases"])
        lines.append(" " * (width + 2) + " ".join(f"{n[:14]:>14}" for n in names))
        for c in board["cases"]:
            row = []
            for n in names:
                cell = board["analyzers"][n]["cells"][c["case"]]
                row.append(f"{SYMBOL[cell['state']] + ('+' if cell['false_alarm'] else ''):>14}")
            lines.append(f"{c['case']:<{width}}  " + " ".join(row))
    return lines
