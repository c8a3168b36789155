"""A few SVG helpers for the pictures: text-first, no JavaScript, readable in light and dark palettes.

Colours come from mkdocs-material's CSS variables (with fallbacks for a bare browser), so the same
SVG reads on the white and on the slate palette. Every drawing carries a <title> and a <desc>: the
text alternative a screen reader speaks.
"""

from __future__ import annotations

from html import escape

STYLE = (
    "<style>"
    ".cc-fg{fill:var(--md-default-fg-color,#222)}"
    ".cc-dim{fill:var(--md-default-fg-color--light,#777)}"
    ".cc-line{stroke:var(--md-default-fg-color--light,#777);stroke-width:1.5;fill:none}"
    ".cc-box{fill:var(--md-default-fg-color--lightest,#eee);stroke:var(--md-default-fg-color--light,#777);stroke-width:1}"
    ".cc-ok{fill:#43a04755;stroke:#43a047;stroke-width:1.5}"
    ".cc-bad{fill:#e5393566;stroke:#e53935;stroke-width:2}"
    ".cc-badline{stroke:#e53935;stroke-width:2.5;fill:none}"
    ".cc-warn{fill:#fb8c0044;stroke:#fb8c00;stroke-width:1.5}"
    ".cc-info{fill:#1e88e533;stroke:#1e88e5;stroke-width:1.5}"
    ".cc-red{fill:#e53935}.cc-green{fill:#43a047}.cc-orange{fill:#fb8c00}.cc-blue{fill:#1e88e5}"
    "text{font-family:var(--md-code-font-family,monospace);font-size:12px}"
    ".cc-title{font-weight:bold;font-size:13px}"
    "</style>"
)
DEFS = (
    '<defs><marker id="cc-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
    'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#888"/></marker>'
    '<marker id="cc-arrow-bad" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
    'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#e53935"/></marker></defs>'
)


def esc(s: object) -> str:
    return escape(str(s), quote=True)


def document(width: int, height: int, body: list[str], title: str, desc: str, css_class: str) -> str:
    """One <svg> element, on a single line per element and with no blank line (Markdown keeps it raw)."""
    ident = f"cc-{abs(hash((title, desc))) % 10**8}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cc-picture {css_class}" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" viewBox="0 0 {width} {height}" width="100%" '
        f'style="max-width:{width}px">'
        f'<title id="{ident}-t">{esc(title)}</title><desc id="{ident}-d">{esc(desc)}</desc>{STYLE}{DEFS}'
    )
    return "\n".join([head, *body, "</svg>"])


def text(x: float, y: float, s: object, cls: str = "cc-fg", anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" class="{cls}" text-anchor="{anchor}"{extra}>{esc(s)}</text>'


def rect(x: float, y: float, w: float, h: float, cls: str, rx: float = 3) -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 1):.1f}" height="{h:.1f}" rx="{rx}" class="{cls}"/>'


def line(x1: float, y1: float, x2: float, y2: float, cls: str = "cc-line", arrow: str = "") -> str:
    mk = f' marker-end="url(#{arrow})"' if arrow else ""
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" class="{cls}"{mk}/>'


def path(d: str, cls: str = "cc-line", arrow: str = "") -> str:
    mk = f' marker-end="url(#{arrow})"' if arrow else ""
    return f'<path d="{d}" class="{cls}"{mk}/>'


def clip(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"
