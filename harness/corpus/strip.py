"""A case's code without its answers: every comment, BUG/FIX marker and Python docstring removed, every
line kept at its number (so the truth's `file:line` still holds), and neutral file names.

One implementation for both readers who must find the bug themselves: the workshop participant's
copy (`crashcourse exercise start`) and the analyzer's blind view (`crashcourse score`,
`crashcourse export --blind`). Each language has a real lexer, so a `//` inside a string, a
line-continued `//` comment, a Lua long string or a `#` inside a Python string is read right:

- C and C++: string and character literals (with escapes), C++ raw strings, `//` comments (continued
  by a trailing backslash), `/* */` comments;
- Python: the tokenize module for comments, the ast module for docstrings;
- Lua: `--` comments, `--[[ ]]` / `--[==[ ]==]` long comments, quoted and long strings.

A removed comment leaves its newlines; a block comment between two tokens leaves one space.
Trailing whitespace is trimmed, so a line that held only a comment becomes empty.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

from harness.corpus.manifest import Case

LANGUAGE_OF_SUFFIX = {
    ".c": "c", ".h": "c", ".cpp": "cpp", ".cc": "cpp", ".cxx": "cpp", ".hpp": "cpp", ".hh": "cpp",
    ".py": "python", ".lua": "lua",
}  # fmt: skip
# What a reader must never find in a stripped file: the markers, in any case.
MARKER_RE = re.compile(r"\b(BUG|FIX)\b")


class StripError(ValueError):
    """A source the lexer cannot read (a syntax error); the message names the file."""


def language_of(path: Path | str) -> str | None:
    return LANGUAGE_OF_SUFFIX.get(Path(path).suffix.lower())


def strip_source(text: str, language: str) -> str:
    """`text` without comments (and docstrings); the same number of lines, each at its place."""
    if language in ("c", "cpp"):
        out = _strip_c(text, cpp=language == "cpp")
    elif language == "python":
        out = _strip_python(text)
    elif language == "lua":
        out = _strip_lua(text)
    else:
        raise StripError(f"no lexer for language {language!r}")
    lines = [ln.rstrip() for ln in out.split("\n")]
    return "\n".join(lines)


def strip_file(path: Path) -> str:
    language = language_of(path)
    text = path.read_text(encoding="utf-8")
    if language is None:
        return text
    try:
        return strip_source(text, language)
    except StripError as e:
        raise StripError(f"{path}: {e}") from None


# ---- C and C++ ------------------------------------------------------------------------------------

_RAW_START = re.compile(r'(?:u8|u|U|L)?R"([^()\\\s]{0,16})\(')


def _quoted_end(s: str, i: int) -> int:
    """The end (exclusive) of the quoted literal opening at s[i] (C, C++ and Lua alike): a backslash escapes
    the next character, an escaped newline included; an unterminated literal ends at its line (the compiler
    or LuaJIT will say so)."""
    q, j, n = s[i], i + 1, len(s)
    while j < n and s[j] != q:
        if s[j] == "\\":
            j += 1
        elif s[j] == "\n":
            break
        j += 1
    return j + 1


def _strip_c(s: str, cpp: bool) -> str:
    out: list[str] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c == "/" and s.startswith("//", i):
            # a line comment ends at a newline that no backslash escapes
            j = i + 2
            while j < n and s[j] != "\n":
                if s[j] == "\\" and s.startswith("\n", j + 1):
                    out.append("\n")
                    j += 2
                    continue
                if s[j] == "\\" and s.startswith("\r\n", j + 1):
                    out.append("\n")
                    j += 3
                    continue
                j += 1
            i = j
            continue
        if c == "/" and s.startswith("/*", i):
            end = s.find("*/", i + 2)
            if end < 0:
                raise StripError("unterminated /* comment")
            body = s[i + 2 : end]
            out.append("\n" * body.count("\n") if "\n" in body else " ")
            i = end + 2
            continue
        if cpp and c in "uULR":
            m = _RAW_START.match(s, i)
            if m and (i == 0 or not (s[i - 1].isalnum() or s[i - 1] == "_")):
                close = ")" + m.group(1) + '"'
                end = s.find(close, m.end())
                if end < 0:
                    raise StripError("unterminated raw string")
                out.append(s[i : end + len(close)])
                i = end + len(close)
                continue
        if c in "\"'":
            j = _quoted_end(s, i)
            out.append(s[i:j])
            i = j
            continue
        if c.isalnum() or c == "_":  # an identifier or number (so "L'x'" or "u8" stay whole)
            j = i + 1
            while j < n and (s[j].isalnum() or s[j] == "_"):
                j += 1
            out.append(s[i:j])
            i = j
            continue
        out.append(c)
        i += 1
    return "".join(out)


# ---- Python -----------------------------------------------------------------------------------------


def _strip_python(s: str) -> str:
    lines = s.split("\n")
    spans: list[tuple[int, int, int, int, str]] = []  # (line, col, end line, end col, replacement), columns in characters
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(s).readline))
        tree = ast.parse(s)
    except (tokenize.TokenError, SyntaxError) as e:
        raise StripError(f"not valid Python ({e})") from None

    def chars(lineno: int, byte_col: int) -> int:  # ast counts UTF-8 bytes, tokenize characters
        return len(lines[lineno - 1].encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))

    chunks = [((n.lineno, chars(n.lineno, n.col_offset)), (n.end_lineno, chars(n.end_lineno, n.end_col_offset)), lang)
              for n, lang in _code_in_strings(tree)]  # fmt: skip
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            spans.append((*tok.start, *tok.end, ""))
        elif tok.type == tokenize.STRING:
            lang = next((lg for a, b, lg in chunks if a <= tok.start and tok.end <= b), None)
            if lang is None:
                spans += _embedded_markers(tok)
            else:  # C declarations for cffi, a Lua chunk for lupa: their comments go too
                spans.append((*tok.start, *tok.end, _strip_string_body(tok.string, lang)))

    for node in ast.walk(tree):
        if not isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        body = node.body
        first = body[0] if body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
            assert first.end_lineno is not None and first.end_col_offset is not None
            # a body that held only its docstring keeps a statement: `pass` where the docstring began
            spans.append((first.lineno, chars(first.lineno, first.col_offset), first.end_lineno,
                          chars(first.end_lineno, first.end_col_offset), "pass" if len(body) == 1 else ""))  # fmt: skip
    for l1, c1, l2, c2, repl in sorted(spans, reverse=True):  # from the end: earlier positions stay valid
        head, tail = lines[l1 - 1][:c1], lines[l2 - 1][c2:]
        if "\n" in repl:  # a string rewritten in place: the same lines
            new = (head + repl + tail).split("\n")
        else:  # removed: its lines stay, empty
            new = [head + repl + tail] if l1 == l2 else [head + repl] + [""] * (l2 - l1 - 1) + [tail]
        assert len(new) == l2 - l1 + 1, "a replacement moved a line"
        lines[l1 - 1 : l2] = new
    return "\n".join(lines)


# Code of another language kept in a Python string: the C declarations given to cffi's `cdef`, a Lua
# chunk given to a lupa runtime (`execute`, `eval`, `compile`), directly or through a module-level name.
_LUPA_CALLS = ("execute", "eval", "compile")


def _code_in_strings(tree: ast.AST) -> list[tuple[ast.Constant, str]]:
    uses_lupa = any(
        (isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] == "lupa")
        or (isinstance(n, ast.Import) and any(a.name.split(".")[0] == "lupa" for a in n.names))
        for n in ast.walk(tree)
    )  # fmt: skip
    named: dict[str, list[ast.Constant]] = {}
    for n in ast.walk(tree):
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str):
            for t in n.targets:
                if isinstance(t, ast.Name):
                    named.setdefault(t.id, []).append(n.value)
    out: list[tuple[ast.Constant, str]] = []
    for n in ast.walk(tree):
        if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)):
            continue
        lang = "c" if n.func.attr == "cdef" else "lua" if uses_lupa and n.func.attr in _LUPA_CALLS else None
        if lang is None:
            continue
        for arg in n.args[:1]:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                out.append((arg, lang))
            elif isinstance(arg, ast.Name):
                out += [(c, lang) for c in named.get(arg.id, [])]
    return out


_STRING_OPEN = re.compile(r"(?i)[rbuf]*(\"\"\"|\'\'\'|\"|\')")


def _strip_string_body(literal: str, language: str) -> str:
    """A string literal with the comments of the code it holds removed (its lines kept)."""
    m = _STRING_OPEN.match(literal)
    if m is None or not literal.endswith(m.group(1)) or len(literal) < m.end() + len(m.group(1)):
        return literal
    body = literal[m.end() : len(literal) - len(m.group(1))]
    try:
        stripped = _strip_c(body, cpp=False) if language == "c" else _strip_lua(body)
    except StripError:
        return literal
    stripped = "\n".join(ln.rstrip() for ln in stripped.split("\n"))
    return literal[: m.end()] + stripped + m.group(1)


# A comment of another language inside a Python string (a Lua chunk a lupa host runs) that carries a
# marker: the marker comment goes, the rest of the embedded code stays as it is.
_EMBEDDED_MARKER = re.compile(r"[ \t]*(?:--|//|#)[ \t]*(?:BUG|FIX)\b[^\n]*")


def _embedded_markers(tok: tokenize.TokenInfo) -> list[tuple[int, int, int, int, str]]:
    out = []
    for k, text in enumerate(tok.string.split("\n")):
        m = _EMBEDDED_MARKER.search(text)
        if m is None:
            continue
        line = tok.start[0] + k
        base = tok.start[1] if k == 0 else 0
        end = base + m.end()
        if k == tok.string.count("\n"):  # the string's last line: keep its closing quotes
            end = min(end, tok.end[1] - 3 if tok.string.endswith(('"""', "\'\'\'")) else tok.end[1] - 1)
        out.append((line, base + m.start(), line, end, ""))
    return out


# ---- Lua --------------------------------------------------------------------------------------------

_LONG_OPEN = re.compile(r"\[(=*)\[")
_CDEF_BEFORE = re.compile(r"\bcdef\s*\(?\s*$")


def _strip_lua(s: str) -> str:
    out: list[str] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c == "-" and s.startswith("--", i):
            m = _LONG_OPEN.match(s, i + 2)
            if m:
                close = "]" + m.group(1) + "]"
                end = s.find(close, m.end())
                if end < 0:
                    raise StripError("unterminated --[[ comment")
                out.append("\n" * s.count("\n", i, end) or " ")
                i = end + len(close)
            else:
                j = s.find("\n", i)
                i = n if j < 0 else j
            continue
        if c == "[":
            m = _LONG_OPEN.match(s, i)
            if m:
                close = "]" + m.group(1) + "]"
                end = s.find(close, m.end())
                if end < 0:
                    raise StripError("unterminated long string")
                body = s[m.end() : end]
                if _CDEF_BEFORE.search("".join(out[-64:])):  # ffi.cdef[[ C declarations ]]: their comments go
                    body = "\n".join(ln.rstrip() for ln in _strip_c(body, cpp=False).split("\n"))
                out.append(s[i : m.end()] + body + close)
                i = end + len(close)
                continue
        if c in "\"'":
            j = _quoted_end(s, i)
            out.append(s[i:j])
            i = j
            continue
        out.append(c)
        i += 1
    return "".join(out)


# ---- the files a variant needs ----------------------------------------------------------------------

NOT_CODE = {"case.toml", "README.md", "natural.json"}


@dataclass(frozen=True)
class UnitFile:
    source: Path  # the case's file
    name: str  # its name in the stripped copy (the variant itself becomes main.<ext>)


def _mentions(text: str, other: Path) -> bool:
    if other.name in text:
        return True
    stem = re.escape(other.stem)
    if other.suffix == ".py":
        return re.search(rf"^\s*(?:import|from)\s+{stem}\b", text, re.M) is not None
    if other.suffix == ".lua":
        return re.search(rf"require\s*\(?\s*[\"']{stem}[\"']", text) is not None
    return False


def _code(path: Path) -> str:
    """A file's code, comments removed: what it needs is what its code names, not what its comments say."""
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        return strip_source(text, language_of(path) or "") if language_of(path) else text
    except StripError:
        return text


def _reach(start: list[Path], pool: list[Path], code: dict[Path, str]) -> list[Path]:
    chosen = list(start)
    queue = list(start)
    while queue:
        text = code[queue.pop()]
        for p in pool:
            if p not in chosen and _mentions(text, p):
                chosen.append(p)
                queue.append(p)
    return chosen


def unit_files(case: Case, variant: str) -> list[UnitFile]:
    """What one variant needs to be read or run: its source (named main.<ext>), the build's extra
    sources, and the case's helper files. A helper that the other variant's code names (an import, an
    #include, a require, a file name in a string), transitively, and this variant's does not, belongs
    to the other variant and is left out; every other helper is in (one loaded by a computed name, like
    import-race's `_backend_` + name, is needed by both). Mentions are read in the code, never in the
    comments. The other variant's source is never included."""
    sources = {v: case.source(v) for v in ("bug", "fixed")}
    main = sources[variant]
    variant_files = {p.resolve() for p in sources.values()}
    pool = [
        p for p in sorted(case.path.iterdir())
        if p.is_file() and p.name not in NOT_CODE and p.resolve() not in variant_files and language_of(p) is not None
    ]  # fmt: skip
    extra = [case.path / s for s in case.build.get("sources", [])]
    code = {p: _code(p) for p in [*sources.values(), *pool, *extra]}
    mine = _reach([main, *extra], pool, code)
    theirs = _reach([v for k, v in sources.items() if k != variant] + extra, pool, code)
    chosen = mine + [p for p in pool if p not in mine and p not in theirs and p not in extra]
    out = [UnitFile(main, "main" + main.suffix)]
    out += [UnitFile(p, p.name) for p in dict.fromkeys(chosen[1:])]
    return out


def write_stripped(case: Case, variant: str, dest: Path) -> dict[str, str]:
    """Write the stripped files of one variant into `dest`; returns {name in dest: the case file's name}."""
    dest.mkdir(parents=True, exist_ok=True)
    mapping: dict[str, str] = {}
    for f in unit_files(case, variant):
        text = strip_file(f.source)
        (dest / f.name).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        mapping[f.name] = f.source.relative_to(case.path).as_posix()
    return mapping
