"""Shared pieces of the report parsers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Report:
    tool: str
    kind: str | None
    message: str
    access: str | None = None
    size: int | None = None
    frames: list[str] = field(default_factory=list)


def strip_params(name: str) -> str:
    """'Base::Base()' -> 'Base::Base'; 'foo(int, char)' -> 'foo'; a plain C name is unchanged."""
    name = re.sub(r"(?:\s+(?:const|volatile)|\s*&&?)+$", "", name.strip())
    if not name.endswith(")") or "(" not in name:
        return name
    depth = 0
    for i in range(len(name) - 1, -1, -1):
        if name[i] == ")":
            depth += 1
        elif name[i] == "(":
            depth -= 1
            if depth == 0:
                head = name[:i].rstrip()
                return head or name
    return name
