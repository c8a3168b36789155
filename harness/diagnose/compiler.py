"""gcc warnings (-fanalyzer, -Wformat): 'file.c:12:5: warning: double-'free' of 'p' [CWE-415] [-Wanalyzer-double-free]'."""

from __future__ import annotations

import re

from harness.diagnose.common import Report

WARN_RE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): warning: (?P<msg>.*?)\s*\[(?P<flag>-W[\w=+-]+)\]\s*$", re.M)
FUNC_RE = re.compile(r"In (?:member )?function [‘'](.+?)[’']")


def warnings(text: str) -> list[dict]:
    return [m.groupdict() for m in WARN_RE.finditer(text)]


def parse(text: str) -> Report | None:
    found = warnings(text)
    if not found:
        return None
    analyzer = [w for w in found if w["flag"].startswith("-Wanalyzer")]
    first = (analyzer or found)[0]
    msg = re.sub(r"\s*\[CWE-\d+\]", "", first["msg"])
    frames = [f for f in FUNC_RE.findall(text)][:1]
    return Report("gcc", first["flag"], f"line {first['line']}: {msg}", frames=frames)
