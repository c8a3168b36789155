"""A report as a user pastes it, back to what the tool printed: Markdown escapes undone; quote marks,
bullets, fences, timestamps, log-viewer line numbers and runner prefixes removed (`crashcourse diagnose`).

Apart from the parsers' common helpers so that a run, which reads its child's own output, never
compiles these patterns."""

from __future__ import annotations

import re

_PREFIXES = [
    re.compile(r"^\s*(?:>\s?)+"),  # Markdown / e-mail quote
    re.compile(r"^\s*[-*+•] (?=\s*\S)"),  # bullet
    # timestamps: ISO 8601 (GitHub Actions, journald --output=short-iso), syslog, bare clock, bracketed
    re.compile(r"^\s*\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\]?:?\s"),
    re.compile(r"^\s*[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \S+ [\w./-]+(?:\[\d+\])?:\s"),
    re.compile(r"^\s*\[?\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\]?\s"),
    re.compile(r"^\s*\[\s*\d+(?:\.\d+|s)\]\s"),  # [  12.345678] (dmesg), [  192s] (OBS build logs)
    re.compile(r"^\s*\[pid\s+\d+\]\s?"),  # strace -f
    re.compile(r"^\s*\d{1,6}: "),  # a test runner's test number (ctest '714: ')
    re.compile(r"^\s*\[(?:stderr|stdout|err|out)\]\s?|^\s*(?:stderr|stdout)\s*[:|]\s?", re.I),
    re.compile(r"^\s*[│┃║](?: (?=.*[│┃║]\s*$)|$)"),  # a terminal panel's left border (its right one: _BOX_RIGHT)
    re.compile(r"^\s*\[?(?:INFO|DEBUG|TRACE|stderr|stdout)\]?\s*[:|]?\s(?=\s*(?:==|#|\w+Sanitizer|SUMMARY|READ|WRITE))"),
]
# a code fence: its opener has no backtick or tilde after the run ('~~~~ Stack of Thread-1 (1) ~~~~', pytest-timeout's
# header, is not one); it closes at a run of the same character at least as long, alone on its line
_FENCE = re.compile(r"^\s*(?:>\s?)*(`{3,}|~{3,})([^`~]*)$")
# a log viewer's line numbers: '1234 ', '  12 | ', '12\t', '1234: ' (copied from GitHub Actions, GitLab, cat -n, nl)
_GUTTER = re.compile(r"^[ \t]*(\d{1,7})(?:[ \t]*[|│:](?:[ \t]|$)|[ \t]+|$)")
# Markdown's backslash escapes ('\*\*\*', '\_', '\[') as a paste's raw Markdown source keeps them; a backslash
# before a backslash is left alone (Windows paths)
_MD_ESCAPE = re.compile(r"\\([!\"#$%&'()*+,\-./:;<=>?@\[\]^_`{|}~])")


# the right border of a terminal panel a paste was copied from ('│ ... │')
_BOX_RIGHT = re.compile(r"\s?[│┃║]\s*$")


def _strip_prefixes(line: str) -> str:
    prev = None
    while prev != line:
        prev = line
        boxed = line.lstrip().startswith(("│", "┃", "║"))
        for pat in _PREFIXES:
            line = pat.sub("", line, count=1)
        if boxed:
            line = _BOX_RIGHT.sub("", line, count=1)
    return line


def _strip_gutter(lines: list[str]) -> list[str]:
    """Lines without a log viewer's line numbers: a number is a gutter where the next or the previous line's
    number follows on from it (so '64 bytes in 1 blocks' or a lone '8' printed by a program stays)."""
    nums = [int(m.group(1)) if (m := _GUTTER.match(ln)) else None for ln in lines]
    out = []
    for i, ln in enumerate(lines):
        n = nums[i]
        if n is not None and ((i > 0 and nums[i - 1] == n - 1) or (i + 1 < len(lines) and nums[i + 1] == n + 1)):
            ln = _strip_prefixes(_GUTTER.sub("", ln, count=1))
        out.append(ln)
    return out


def clean(text: str) -> str:
    """A pasted report as the tool printed it: Markdown escapes undone; quote marks, bullets, fences,
    timestamps, log-viewer line numbers, '[pid N]' and test-runner prefixes removed from each line, then
    the indentation the lines share (inside each fenced block on its own, and in the text around them)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    text = _MD_ESCAPE.sub(r"\1", text)
    blocks: list[list[str]] = [[]]
    fence = ""  # the open fence's run of backticks or tildes
    for line in _strip_gutter([_strip_prefixes(ln) for ln in text.split("\n")]):
        fm = _FENCE.match(line)
        if fm and (not fence or (fm.group(1)[0] == fence[0] and len(fm.group(1)) >= len(fence) and not fm.group(2).strip())):
            fence = "" if fence else fm.group(1)
            blocks.append([])
            continue
        blocks[-1].append(line.rstrip())
    # blocks alternate: outside a fence, inside, outside, ...
    outside = [ln for b in blocks[0::2] for ln in b]
    cuts = {0: _indent(outside)}
    out: list[str] = []
    for i, block in enumerate(blocks):
        cut = cuts[0] if i % 2 == 0 else _indent(block)
        out += [ln[cut:] for ln in block]
    return "\n".join(out)


def _indent(lines: list[str]) -> int:
    indents = [len(ln) - len(ln.lstrip(" ")) for ln in lines if ln.strip()]
    return min(indents) if indents else 0
