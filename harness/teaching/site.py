"""The case site: Markdown pages rendered from the cases themselves, for mkdocs-material.

`docs/gen_pages.py` (run by the mkdocs-gen-files plugin at build time) calls this module; nothing
here is hand-copied. Every page is made from a case's manifest, its sources, its README.md and its
blessed snapshots (`harness.pipeline.snapshots.stored`). A run without a snapshot is said to have none: the
site never shows output that was not captured.

Page layout (one per case, at `cases/<id>/index.md`, the case's files copied beside it):

    title, summary, facts        the manifest
    The picture                  drawn from the blessed snapshots (harness.teaching.pictures): inline SVG + text
    The story                    README.md, its own top heading dropped, its headings one level down
    The bug                      the repro, lines marked BUG: highlighted (hl_lines)
    The fix                      the fixed twin as a unified diff against the repro
    What each lens sees          one content tab per lens: diagnosis + captured output, bug and fixed
    Expectations                 the manifest's [[expect]] tables, with `when` and notes
    Try it yourself              the exact commands
    Upstream                     the incident link
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from harness.corpus.manifest import CLEAN, Case, Expectation
from harness.pipeline.record import describe_expected
from harness.pipeline.snapshots import Snapshot, runs_by_key

LEXERS = {"c": "c", "cpp": "cpp", "lua": "lua", "python": "python"}
LANGUAGE_NAMES = {"c": "C", "cpp": "C++", "lua": "Lua (LuaJIT)", "python": "Python"}

#: A comment marker then BUG: / FIX:. A marker quoted in prose (`# BUG:`) does not count.
_MARK_RE = {
    m: re.compile(r"(?<![`'\"])(?://|/\*|--|#)\s*" + m + r":") for m in ("BUG", "FIX")
}

# ---------------------------------------------------------------------------------------------
# groups


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    blurb: str


GROUPS = (
    Group("memory", "Memory errors",
          "Out-of-bounds accesses, use after free, double free, overwritten stacks and vtables: "
          "what a plain run shows (often nothing), and what AddressSanitizer, valgrind and gdb show."),
    Group("signals", "Signals",
          "Crashes that arrive as a signal (SIGSEGV, SIGFPE, SIGABRT, ...): where the kernel or libc "
          "stops the program, and how to read the moment of the crash."),
    Group("concurrency", "Concurrency",
          "Deadlocks, livelocks, races and leaked tasks, in threads and in async code: hangs are "
          "stopped by the watchdog and their stacks captured."),
    Group("lua", "Lua and LuaJIT",
          "Bugs in Lua code and in LuaJIT's FFI, run in lupa's LuaJIT runtime, seen by plain runs and "
          "by AddressSanitizer."),
    Group("other", "Other cases", "Cases that fit none of the groups above."),
)  # fmt: skip

CONCURRENCY_TAGS = {
    "concurrency", "threads", "threading", "async", "asyncio", "trio", "anyio", "deadlock",
    "livelock", "race", "data-race", "tsan", "locks",
}  # fmt: skip


def group_of(case: Case) -> str:
    """The one group a case is listed under: Lua first (language or tag), then concurrency, memory, signals."""
    tags = {t.lower() for t in case.tags}
    if case.language == "lua" or tags & {"lua", "luajit"}:
        return "lua"
    if tags & CONCURRENCY_TAGS or any(e.checks.get("timed_out") for e in _bug_expectations(case)):
        return "concurrency"
    if "memory" in tags:
        return "memory"
    if "signals" in tags or any(
        e.checks.get("signal", "none") != "none" for e in _bug_expectations(case)
    ):
        return "signals"
    return "other"


def grouped(cases: Iterable[Case]) -> list[tuple[Group, list[Case]]]:
    """Non-empty groups in GROUPS order, cases sorted by id within each."""
    by: dict[str, list[Case]] = {}
    for c in cases:
        by.setdefault(group_of(c), []).append(c)
    return [(g, sorted(by[g.key], key=lambda c: c.id)) for g in GROUPS if by.get(g.key)]


def _bug_expectations(case: Case) -> list[Expectation]:
    return [e for e in case.expectations if e.variant == "bug"]


def shows(case: Case) -> list[str]:
    """What the bug shows, from its expectations: signals first, then diagnosis kinds; 'hang' for a timeout."""
    signals: list[str] = []
    kinds: list[str] = []
    for e in _bug_expectations(case):
        if e.checks.get("timed_out"):
            _add(signals, "hang")
        sig = e.checks.get("signal")
        if sig and sig != "none":
            _add(signals, sig)
        kind = e.checks.get("kind")
        if kind and kind != "none":
            _add(kinds, kind)
    return signals + kinds or ["silent in every lens"]


def _add(xs: list[str], x: str) -> None:
    if x not in xs:
        xs.append(x)


# ---------------------------------------------------------------------------------------------
# small Markdown helpers


def code(s: object) -> str:
    """An inline code span that survives backticks in its text."""
    s = str(s)
    run = max((len(m) for m in re.findall(r"`+", s)), default=0)
    tick = "`" * (run + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{tick}{pad}{s}{pad}{tick}"


def cell(s: str) -> str:
    """Text for a Markdown table cell: no newlines, pipes escaped."""
    return s.replace("\n", " ").replace("|", "\\|")


def fence(body: str, info: str = "text") -> str:
    """A fenced code block whose fence is longer than any backtick run inside."""
    run = max((len(m) for m in re.findall(r"`{3,}", body)), default=2)
    f = "`" * max(3, run + 1)
    return f"{f}{info}\n{body.rstrip(chr(10))}\n{f}\n"


def indent(text: str, n: int = 4) -> str:
    pad = " " * n
    return "".join(pad + ln if ln.strip() else ln for ln in text.splitlines(True))


def _attr(s: str) -> str:
    return s.replace('"', "'")


# ---------------------------------------------------------------------------------------------
# sources: BUG/FIX markers, highlighted blocks, the diff


def marked_lines(text: str, marker: str = "BUG") -> list[int]:
    """1-based numbers of the lines carrying a `BUG:` (or `FIX:`) comment marker."""
    rx = _MARK_RE[marker]
    return [i for i, line in enumerate(text.splitlines(), 1) if rx.search(line)]


def source_block(text: str, language: str, title: str, hl: Iterable[int] = ()) -> str:
    """A fenced, line-numbered block; `hl` lines highlighted (pymdownx.highlight's hl_lines)."""
    opts = [f"title=\"{_attr(title)}\"", 'linenums="1"']
    hl = list(hl)
    if hl:
        opts.append('hl_lines="' + " ".join(str(n) for n in hl) + '"')
    return fence(text, f"{LEXERS.get(language, 'text')} " + " ".join(opts))


def unified_diff(old: str, new: str, old_name: str, new_name: str, context: int = 3) -> str:
    """The unified diff turning `old` into `new`; '' when they are equal."""
    lines = difflib.unified_diff(
        old.splitlines(True), new.splitlines(True), old_name, new_name, n=context
    )
    out = []
    for ln in lines:
        out.append(ln if ln.endswith("\n") else ln + "\n\\ No newline at end of file\n")
    return "".join(out)


def diff_block(old: str, new: str, old_name: str, new_name: str) -> str:
    d = unified_diff(old, new, old_name, new_name)
    if not d:
        return "The fixed twin is identical to the repro.\n"
    return fence(d, f'diff title="{_attr(old_name)} → {_attr(new_name)}"')


def demote_readme(text: str) -> str:
    """README.md as a page section: its first top-level heading dropped, every heading one level down.

    Headings inside fenced code blocks are left alone.
    """
    out: list[str] = []
    in_fence: str | None = None
    dropped = False
    for line in text.splitlines():
        m = re.match(r"^\s{0,3}(`{3,}|~{3,})", line)
        if m:
            if in_fence is None:
                in_fence = m.group(1)[0] * len(m.group(1))
            elif line.strip().startswith(in_fence):
                in_fence = None
            out.append(line)
            continue
        if in_fence is None:
            h = re.match(r"^(#{1,6})(\s.*|)$", line)
            if h:
                if len(h.group(1)) == 1 and not dropped and not any(o.strip() for o in out):
                    dropped = True
                    continue
                line = "#" * min(6, len(h.group(1)) + 1) + h.group(2)
        out.append(line)
    return "\n".join(out).strip("\n") + "\n"


# ---------------------------------------------------------------------------------------------
# the CLI, as it is


# The options of `crashcourse run` a page may show. The CLI sits above this module, so the site never
# imports it: the docs build passes the CLI's own list (harness.cli.run_flags()) to write_site, and a
# page then never shows a flag that does not exist.
ALL_RUN_FLAGS = frozenset({"--explain", "--output", "--bless"})


def commands(case: Case, flags: set[str] | frozenset[str] = ALL_RUN_FLAGS) -> list[tuple[str, str]]:
    """(command, comment) pairs for "Try it yourself", using only the `run` options in `flags`."""
    cid = case.id
    out = [
        (f"crashcourse show {cid}", "the story, the code and the expectations, in the terminal"),
        (f"crashcourse run {cid}", "every lens, bug and fixed twin, compared with the expectations"),
    ]
    for lens in case.lenses:
        out.append((f"crashcourse run {cid} --lens {lens}", f"only the {lens} lens"))
    if "--explain" in flags:
        out.append((f"crashcourse run {cid} --explain", "what to look at in each lens's output"))
    if "--output" in flags:
        out.append((f"crashcourse run {cid} --json --output", "the full records, with each run's stdout and stderr"))
    if "--bless" in flags:
        out.append((f"crashcourse run {cid} --bless", "store this machine's output as the snapshots shown here"))
    return out


# ---------------------------------------------------------------------------------------------
# pages


INTRO = """\
**crashcourse** is a suite of small, reproducible crash and concurrency bugs, each one a
real incident shrunk to a minimal repro and paired with its fixed twin. Every case runs
under *lenses* — a plain run, AddressSanitizer, valgrind, gdb on the core dump, gcc
`-fanalyzer`, ThreadSanitizer, UndefinedBehaviorSanitizer, LeakSanitizer, MemorySanitizer,
helgrind and DRD, strace — and the harness checks that each lens observes
what the case says it does: the signal, the report kind, the frames.

The output on these pages is not retyped: it is the blessed, normalized output of real runs
(`crashcourse run --bless`), captured on the machine named beside it. Where a run has no
snapshot yet, the page says so.
"""

RUN_IT = """\
## Run it

```bash
pip install nox
nox -s cases              # the whole corpus: every case, every lens, bug and fixed twin
nox -s tests              # the harness's unit tests and the corpus as a regression suite
nox -s cases -- double-free --lens asan   # arguments after -- go to crashcourse run
```

Or install the harness itself (`pip install -e .`) and use its CLI:

```bash
crashcourse list                  # the cases
crashcourse show double-free      # one case's story, code and expectations
crashcourse run double-free       # run it under every lens
```

Each lens needs its tool: gcc for the C and C++ cases, gdb, valgrind; the Lua cases run in
lupa's LuaJIT. A run whose tool is missing is skipped with the reason, never passed
(`crashcourse run --replay` shows the output recorded on another machine instead, saying so).
"""


def page_path(case: Case) -> str:
    """The case page, relative to docs_dir."""
    return f"cases/{case.id}/index.md"


def _incident_link(case: Case) -> str:
    title = case.incident.get("title") or case.incident.get("url", "")
    url = case.incident.get("url", "")
    return f"[{cell(title)}]({url})" if url else cell(title)


def _lens_table() -> str:
    from harness.corpus.catalog import LENS_INFO as LENSES

    rows = [f"| `{name}` | {cell(lens.description)} |" for name, lens in LENSES.items()]
    return "## The lenses\n\n| lens | what it shows |\n|---|---|\n" + "\n".join(rows) + "\n"


def render_index(cases: list[Case]) -> str:
    out = ["# crashcourse\n", INTRO, RUN_IT, _lens_table()]
    total = len(cases)
    out.append(f"## The cases\n\n{total} case{'s' if total != 1 else ''}, grouped by what goes wrong. "
               "*Shows* is what the bug's expectations name: the signal, then the diagnosis of each lens.\n")  # fmt: skip
    langs: dict[str, int] = {}
    for c in cases:
        name = LANGUAGE_NAMES.get(c.language, c.language)
        langs[name] = langs.get(name, 0) + 1
    out.append("By language: " + ", ".join(f"{n} {lang}" for lang, n in sorted(langs.items(), key=lambda kv: -kv[1])) + ".\n")
    out.append('<div class="cc-filter"><label>Find a case: <input type="search" id="cc-filter" '
               'placeholder="words from any column: heap-use-after-free, tsan, SIGSEGV, python, deadlock" '
               'aria-describedby="cc-filter-count"></label><span id="cc-filter-count" aria-live="polite"></span></div>\n')
    for group, members in grouped(cases):
        out.append(f"### {group.title} ({len(members)}) {{ .cc-group }}\n\n{group.blurb}\n")
        out.append('| case | language | shows | lenses | tags | incident |')
        out.append("|---|---|---|---|---|---|")
        for c in members:
            out.append(
                "| " + " | ".join([
                    f"[{cell(c.title)}](cases/{c.id}/index.md)<br>{code(c.id)}",
                    LANGUAGE_NAMES.get(c.language, c.language),
                    "<br>".join(code(s) for s in shows(c)),
                    ", ".join(c.lenses),
                    ", ".join(c.tags),
                    _incident_link(c),
                ]) + " |"
            )  # fmt: skip
        out.append("")
    out.append("## Add a case\n\n[Write a new case](writing-a-case.md): the folder layout, the manifest, "
               "the lenses, and how to bless snapshots.\n")  # fmt: skip
    return "\n".join(out)


def _facts(case: Case) -> str:
    cols = ["language", "shows", "lenses", "tags", "incident"]
    vals = [
        LANGUAGE_NAMES.get(case.language, case.language),
        " · ".join(code(s) for s in shows(case)),
        ", ".join(f"[{lens}](#lens-{lens})" for lens in case.lenses),
        ", ".join(case.tags),
        _incident_link(case),
    ]
    return "| " + " | ".join(cols) + " |\n|" + "---|" * len(cols) + "\n| " + " | ".join(vals) + " |\n"


def _story(case: Case) -> str:
    readme = case.path / "README.md"
    if not readme.is_file():
        return (f"!!! note \"No story yet\"\n    This case has no `README.md` yet. The comment header of "
                f"`{case.variants['bug']}` below says what it shows.\n")  # fmt: skip
    return case_links(demote_readme(readme.read_text(encoding="utf-8")))


def case_links(text: str) -> str:
    """A story's links to another case's README (`../other/README.md`) point at that case's page."""
    return re.sub(r"\]\(\.\./([a-z0-9][a-z0-9-]*)/README\.md(#[^)]*)?\)", r"](../\1/index.md\2)", text)


def _bug_section(case: Case) -> str:
    src = case.source("bug")
    text = src.read_text(encoding="utf-8")
    hl = marked_lines(text, "BUG")
    out = []
    if hl:
        which = ", ".join(str(n) for n in hl)
        out.append(f"The highlighted line{'s' if len(hl) > 1 else ''} ({which}) "
                   f"{'carry' if len(hl) > 1 else 'carries'} the `BUG:` marker.\n")  # fmt: skip
    else:
        out.append("No line of the repro carries a `BUG:` marker.\n")
    out.append(source_block(text, case.language, src.name, hl))
    # helper modules that carry the bug themselves (e.g. a loader beside repro.py)
    for other in sorted(case.path.iterdir()):
        if other.name in case.variants.values() or not other.is_file() or other.suffix not in (".c", ".cpp", ".h", ".lua", ".py"):
            continue
        otext = other.read_text(encoding="utf-8", errors="replace")
        ohl = marked_lines(otext, "BUG")
        if ohl:
            out.append(f"The repro's helper `{other.name}` carries a `BUG:` marker too:\n")
            out.append(source_block(otext, case.language, other.name, ohl))
    return "\n".join(out)


def _fix_section(case: Case) -> str:
    bug, fixed = case.source("bug"), case.source("fixed")
    btext, ftext = bug.read_text(encoding="utf-8"), fixed.read_text(encoding="utf-8")
    out = [f"`{fixed.name}` against `{bug.name}`; the lines marked `FIX:` say why.\n",
           diff_block(btext, ftext, bug.name, fixed.name)]  # fmt: skip
    out.append(f'??? example "The whole fixed twin, {fixed.name}"\n\n'
               + indent(source_block(ftext, case.language, fixed.name, marked_lines(ftext, "FIX"))))  # fmt: skip
    return "\n".join(out)


def _diagnosis(snap: Snapshot) -> str:
    items = [f"- **observed**: {code(snap.observed or '?')}"]
    if snap.message:
        items.append(f"- **message**: {code(snap.message)}")
    if snap.frames:
        items.append("- **frames** (innermost first): " + " ← ".join(code(f) for f in snap.frames))
    for w in snap.build_warnings:
        items.append(f"- **compiler warning** (at build time): {code(w)}")
    return "\n".join(items) + "\n"


def _streams(snap: Snapshot, label: str) -> str:
    out = []
    for name in ("stderr", "stdout"):
        body = getattr(snap, name)
        if body:
            out.append(fence(body, f'text title="{_attr(label)} · {name}"'))
    if not out:
        out.append("Nothing on stderr or stdout.\n")
    return "\n".join(out)


def _missing(case: Case, lens: str, profile: str, variant: str | None = None) -> str:
    """Say plainly that a run has no snapshot (variant None: neither the bug nor the fixed twin)."""
    label = f"{variant} · {lens}@{profile}" if variant else f"{lens}@{profile}, bug and fixed twin"
    exp = [e for e in case.expectations if e.variant == (variant or "bug") and e.lens == lens and e.profile in (None, profile)]
    cond = ""
    if exp and all(e.when for e in exp):
        cond = (" Its expectations hold only where " + "; or ".join(
            ", ".join(f"{k}={v}" for k, v in e.when.items()) for e in exp) + ".")  # fmt: skip
    what = "this run" if variant else "these runs"
    return (f'!!! warning "No captured output yet: {label}"\n'
            f"    No snapshot of {what} has been blessed on any machine.{cond} To capture it, run "
            f"`crashcourse run {case.id} --lens {lens} --bless` and review the new file under "
            f"`cases/{case.id}/snapshots/`.\n")  # fmt: skip


def _run_block(case: Case, variant: str, lens: str, profile: str, snapshots: dict) -> str:
    found = runs_by_key(snapshots, variant, lens, profile)
    label = f"{variant} · {lens}@{profile}"
    if not found:
        return _missing(case, lens, profile, variant)
    out = []
    for key, snap in found.items():
        head = f"**{variant}** · `{lens}@{profile}` · captured on `{key}`\n"
        body = [_diagnosis(snap)]
        if lens == "gdb":
            bt = snap.backtrace()
            if bt:
                body.append(fence("\n".join(bt), f'text title="backtrace ({label})"'))
        body.append(_streams(snap, label))
        if variant == "fixed" and snap.clean:
            out.append(f'??? success "fixed twin · {lens}@{profile} · {key}: {_attr(snap.observed)}"\n\n'
                       + indent("\n".join(body)))  # fmt: skip
        else:
            out.append(head + "\n" + "\n".join(body))
    return "\n".join(out)


def _lens_description(lens: str) -> str:
    from harness.corpus.catalog import LENS_INFO as LENSES

    return getattr(LENSES.get(lens), "description", "") or lens


def _lens_tabs(case: Case, snapshots: dict) -> str:
    out = []
    for lens in case.lenses:
        parts = []
        parts.append(f'**{lens}** · {_lens_description(lens)}\n{{ #lens-{lens} .cc-lens-head }}\n')
        if case.explain.get(lens):
            parts.append(f'!!! tip "What to look at"\n    {case.explain[lens]}\n')
        for profile in case.profiles_for(lens):
            if not any(runs_by_key(snapshots, v, lens, profile) for v in ("bug", "fixed")):
                parts.append(_missing(case, lens, profile))
                continue
            parts.append(_run_block(case, "bug", lens, profile, snapshots))
            parts.append(_run_block(case, "fixed", lens, profile, snapshots))
        out.append(f'=== "{lens}"\n\n' + indent("\n".join(parts)))
    return "\n".join(out)


SUMMARISED = {"signal", "kind", "access", "size", "metrics", "timed_out"}


def _checks(checks: dict, skip: set[str] = frozenset()) -> str:
    """The checks of an expectation as inline code, one per line; `skip` those already summarised."""
    bits = []
    for k, v in checks.items():
        if k in skip:
            continue
        if isinstance(v, list):
            v = ", ".join(str(x) for x in v) if k == "frames" else " ; ".join(str(x) for x in v)
        elif isinstance(v, dict):
            v = ", ".join(f"{a} {b}" for a, b in v.items())
        elif isinstance(v, bool):
            v = str(v).lower()
        bits.append(code(f"{k}: {v}"))
    return "<br>".join(cell(b) for b in bits)


def _expectations(case: Case) -> str:
    out = ["Each run is compared with the most specific expectation that matches the machine (one whose `when` "
           "does not match is passed over for the next); when none matches and only the compiler differs, the run "
           "is checked on the compiler-neutral fields (signal, exit code, hang, kind, access, size) and reported as "
           "partial; any other mismatch skips it, never passed.\n",
           "| variant | lens | profile | expected | also checked | when | note |",
           "|---|---|---|---|---|---|---|"]  # fmt: skip
    for e in case.expectations:
        when = "<br>".join(code(f"{k}={v}") for k, v in e.when.items()) or "any machine"
        out.append("| " + " | ".join([
            e.variant, e.lens, e.profile or "all", cell(describe_expected(e.checks)),
            _checks(e.checks, SUMMARISED), cell(when), cell(e.note),
        ]) + " |")  # fmt: skip
    explicit_fixed = {e.lens for e in case.expectations if e.variant == "fixed"}
    rest = [lens for lens in case.lenses if lens not in explicit_fixed]
    if rest:
        out.append("| fixed | " + ", ".join(rest) + " | all | clean | " + _checks(CLEAN, SUMMARISED)
                   + " | any machine | implied: the fixed twin runs clean |")  # fmt: skip
    return "\n".join(out) + "\n"


def _try_it(case: Case, run_flags: set[str] | frozenset[str] = ALL_RUN_FLAGS) -> str:
    lines = []
    for c, why in commands(case, run_flags):
        lines += [f"# {why}", c, ""]
    return ("From a checkout, after `pip install -e .`:\n\n" + fence("\n".join(lines), "bash")
            + f"\nOr through nox: `nox -s cases -- {case.id}`.\n")  # fmt: skip


def _pictures_section(case: Case, snapshots: dict) -> str:
    """Inline SVG drawn from the captured runs; each figure says in words what it shows."""
    from harness.teaching.pictures import pictures_for, views_from_snapshots, why_no_picture

    pics = pictures_for(case, views_from_snapshots(case, snapshots))
    out = ["Drawn from the runs' own output below (the numbers are the report's numbers), not by hand.\n"]
    why = why_no_picture(case, pics)
    if why:
        out.append(f"!!! info \"No memory, lifetime, lane or signal picture\"\n    {why}\n")
    for pic in pics:
        cap = f"<strong>{_html(pic.title)}</strong> · drawn from {_html(pic.source)}. {_html(pic.alt)}"
        if pic.caption:
            cap += f" <em>{_html(pic.caption)}</em>"
        out.append(f'<figure class="cc-figure cc-figure-{pic.kind}">\n{pic.svg}\n'
                   f"<figcaption>{cap}</figcaption>\n</figure>\n")
    return "\n".join(out)


def _html(s: str) -> str:
    import html

    return html.escape(s, quote=False)


def _natural(case: Case) -> list[str]:
    """The measured natural-timing hit rate (cases/<id>/natural.json, `run --natural --bless`), if any."""
    from harness.pipeline import natural

    data = natural.load(case.path)
    if not data:
        return []
    out = ["## Natural timing\n",
           "The same code without its forcing (`CRASHCOURSE_NATURAL=1`): how often the scheduler alone "
           "produces the bug. An observation on one machine, not a pass condition.\n"]  # fmt: skip
    for key, m in sorted(data.items()):
        out.append(f"Measured on `{key}`, {m.get('measured', '')}: `{m.get('command', '')}`\n")
        out.append("| run | shows | hits | rate |\n|---|---|---|---|")
        hist = []
        for run, e in sorted(m.get("runs", {}).items()):
            rate = e["hits"] / e["runs"] if e.get("runs") else 0.0
            out.append(f"| {code(run)} | {cell(', '.join(e.get('shows') or []) or '-')} | {e['hits']}/{e['runs']} | {rate:.1%} |")
            if run.startswith("bug.") and e.get("hits"):
                entry = {**e, "case": case.id}
                hist += [run + ":"] + natural.histogram_lines(entry)
        out.append("")
        if hist:
            out.append("Runs to first failure (GoBench's measure: how many runs until the bug shows):\n")
            out.append(fence("\n".join(hist)))
    return out


def render_case(case: Case, snapshots: dict[str, dict[str, str]] | None = None,
                run_flags: set[str] | frozenset[str] = ALL_RUN_FLAGS) -> str:
    """The Markdown page of one case. `snapshots` is `harness.pipeline.snapshots.stored(case.path)`."""
    if snapshots is None:
        from harness.pipeline.snapshots import stored

        snapshots = stored(case.path)
    seed = case.incident.get("seed")
    parts = [
        f"# {case.title}\n",
        f"{case.summary}\n{{ .cc-summary }}\n",
        _facts(case),
        "## The picture\n",
        _pictures_section(case, snapshots),
        "## The story\n",
        _story(case),
        "## The bug\n",
        _bug_section(case),
        "## The fix\n",
        _fix_section(case),
        "## What each lens sees\n",
        "One tab per lens. Each shows the diagnosis the harness parsed from the run (observed, "
        "message, frames) and the run's real output, normalized (addresses, pids and paths scrubbed) "
        "and blessed with `crashcourse run --bless`.\n",
        _lens_tabs(case, snapshots),
        *_natural(case),
        "## Expectations\n",
        _expectations(case),
        "## Try it yourself\n",
        _try_it(case, run_flags),
        "## Upstream\n",
        f"- {_incident_link(case)}" + (f" (seed {code(seed)})" if seed else "") + "\n",
    ]
    return "\n".join(parts)


def nav(cases: list[Case]) -> list[dict]:
    """The 'Cases' section of the navigation: one sub-section per group."""
    return [{g.title: [{c.title: page_path(c)} for c in members]} for g, members in grouped(cases)]


def copy_case_files(case: Case, write) -> None:
    """Put the case's own files beside its page, so README links like `repro.c` resolve.

    `write(relative_path, bytes)` stores one file under docs (mkdocs_gen_files.open in the build).
    """
    for p in sorted(case.path.rglob("*")):
        rel = p.relative_to(case.path)
        if not p.is_file() or p.name == "README.md" or "__pycache__" in rel.parts or p.suffix in (".pyc", ".so", ".o"):
            continue
        write(f"cases/{case.id}/{rel.as_posix()}", p.read_bytes())


def write_site(cases: list[Case], open_file, run_flags: set[str] | frozenset[str] = ALL_RUN_FLAGS) -> list[dict]:
    """Write every generated page with `open_file(path, mode)`; returns the nav section for the cases.
    `run_flags`: the options `crashcourse run` has (harness.cli.run_flags())."""
    with open_file("index.md", "w") as f:
        f.write(render_index(cases))
    for c in cases:
        with open_file(page_path(c), "w") as f:
            f.write(render_case(c, run_flags=run_flags))

        def write(rel: str, data: bytes) -> None:
            with open_file(rel, "wb") as fb:
                fb.write(data)

        copy_case_files(c, write)
    return nav(cases)


# ---------------------------------------------------------------------------------------------
# tracks: ordered paths through the cases for a workshop (cases/tracks.toml)


def track_path(track) -> str:
    return f"tracks/{track.id}.md"


def render_track(track, cases: list[Case]) -> str:
    """A track's page: its cases in order, each under its neutral exercise title (never the case's title,
    which names the bug), its difficulty, the command that starts it, and the case page (the answers)."""
    by_id = {c.id: c for c in cases}
    out = [f"# {track.title}\n", f"{track.description}\n",
           f"{len(track.cases)} exercise{'s' if len(track.cases) != 1 else ''}, in order. Each starts with "
           "`crashcourse exercise start ID`: you get the program without its answers, fix it, and "
           "`crashcourse exercise check` runs it under every lens of the case "
           "([how exercises work](../exercises.md)). The last column is the case's page: "
           "its story, the fix and every lens's output, so open it after you are done.\n",
           "| # | exercise | difficulty | start it | lenses | after you are done |", "|---|---|---|---|---|---|"]  # fmt: skip
    for n, tc in enumerate(track.cases, 1):
        c = by_id.get(tc.id)
        if c is None:
            continue
        title = c.exercise.title if c.exercise else f"Exercise {c.id}"
        stars = "★" * tc.difficulty + "☆" * (5 - tc.difficulty)
        out.append(f"| {n} | {cell(title)} | {stars} | `crashcourse exercise start {c.id}` | {', '.join(c.lenses)} | "
                   f"[the case page](../cases/{c.id}/index.md) |")  # fmt: skip
    out.append("")
    out.append(f"Follow your progress: `crashcourse exercise list --track {track.id}`.\n")
    return "\n".join(out)


def write_tracks(tracks, cases: list[Case], open_file) -> list[dict]:
    """Write one page per track; returns the nav section for them."""
    for t in tracks:
        with open_file(track_path(t), "w") as f:
            f.write(render_track(t, cases))
    return [{t.title: track_path(t)} for t in tracks]
