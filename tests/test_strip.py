"""harness/corpus/strip.py: a case's code without its answers, every line kept at its number."""

import ast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.corpus.discover import load_all
from harness.corpus.strip import MARKER_RE, StripError, strip_file, strip_source, unit_files

CORPUS = load_all()


def test_c_comments_go_and_literals_stay():
    src = (
        'int a = 1; // BUG: gone \\\n'
        "   still the comment\n"
        'char *s = "// not a comment /* nor this */";\n'
        "char c = '\\''; /* a\n block */ int b;\n"
        "int d = 1/*x*/+2;\n"
    )
    out = strip_source(src, "c")
    assert out.split("\n") == [
        "int a = 1;",
        "",
        'char *s = "// not a comment /* nor this */";',
        "char c = '\\'';",
        " int b;",
        "int d = 1 +2;",
        "",
    ]


def test_cpp_raw_strings_are_literals():
    src = 'auto r = R"x(// kept )" still kept)x"; // gone\nauto u = u8"//k"; int R = 1; // gone\n'
    assert strip_source(src, "cpp") == 'auto r = R"x(// kept )" still kept)x";\nauto u = u8"//k"; int R = 1;\n'


def test_python_comments_and_docstrings_go_code_stays():
    src = (
        '"""Module doc: BUG here."""\n'
        "import os  # FIX: a comment\n"
        "\n"
        "def f():\n"
        '    """Only a docstring,\n'
        '    over two lines."""\n'
        "\n"
        "def g():\n"
        "    '''doc'''\n"
        "    return '# not a comment'\n"
    )
    out = strip_source(src, "python")
    assert out.split("\n") == [
        "",
        "import os",
        "",
        "def f():",
        "    pass",
        "",
        "",
        "def g():",
        "",
        "    return '# not a comment'",
        "",
    ]
    ast.parse(out)


def test_python_keeps_an_embedded_chunk_but_not_its_marker():
    src = 'CHUNK = r"""\nx = t[k]   -- BUG: never evicted\n"""\n'
    assert strip_source(src, "python") == 'CHUNK = r"""\nx = t[k]\n"""\n'


def test_python_syntax_error_is_a_strip_error():
    with pytest.raises(StripError):
        strip_source("def (:\n", "python")


def test_lua_comments_go_strings_stay():
    src = 'local s = "--kept" -- gone\nlocal t = [==[ -- kept ]] ]==] --[[ gone\n still gone ]] x = 1\nlocal u = \'a\\\'--\' --x\n'
    assert strip_source(src, "lua") == 'local s = "--kept"\nlocal t = [==[ -- kept ]] ]==]\n x = 1\nlocal u = \'a\\\'--\'\n'


@given(st.lists(st.sampled_from(["a", " ", "\n", "/", "*", '"', "'", "\\", "x", "#", "-", "[", "]", "="]), max_size=60))
def test_lexers_never_move_a_line(chars):
    text = "".join(chars)
    for language in ("c", "cpp", "lua"):
        try:
            out = strip_source(text, language)
        except StripError:
            continue
        assert out.count("\n") == text.count("\n")


def _units():
    for case in CORPUS:
        for variant in ("bug", "fixed"):
            for f in unit_files(case, variant):
                yield pytest.param(case, variant, f, id=f"{case.id}-{variant}-{f.source.name}")


@pytest.mark.parametrize("case,variant,unit", list(_units()))
def test_every_stripped_file_keeps_its_lines_and_carries_no_answer(case, variant, unit):
    original = unit.source.read_text(encoding="utf-8")
    out = strip_file(unit.source)
    assert out.count("\n") == original.count("\n"), "a line moved: the truth's file:line would not hold"
    assert not MARKER_RE.search(out), [ln for ln in out.splitlines() if MARKER_RE.search(ln)]
    assert case.id not in out
    if unit.source.suffix == ".py":
        ast.parse(out)


def test_a_unit_holds_what_its_variant_needs_and_never_the_other_variant():
    by_id = {c.id: c for c in CORPUS}
    race = {f.source.name: f.name for f in unit_files(by_id["import-race"], "bug")}
    assert race == {"repro.py": "main.py", "_backend_slow.py": "_backend_slow.py", "_interleave.py": "_interleave.py",
                    "eventloop.py": "eventloop.py"}  # fmt: skip
    fixed_race = {f.source.name: f.name for f in unit_files(by_id["import-race"], "fixed")}
    assert fixed_race == {"fixed.py": "main.py", "_backend_slow.py": "_backend_slow.py", "_interleave.py": "_interleave.py",
                          "eventloop_fixed.py": "eventloop_fixed.py"}  # fmt: skip  (_backend_slow: imported by a computed name)
    assert [f.name for f in unit_files(by_id["double-free"], "fixed")] == ["main.c"]
    fiasco = [f.source.name for f in unit_files(by_id["initialization-order-fiasco"], "bug")]
    assert fiasco == ["repro.cpp", "limits.cpp"]
    for case in CORPUS:
        names = {f.source.name for f in unit_files(case, "bug")}
        assert case.variants["fixed"] not in names
