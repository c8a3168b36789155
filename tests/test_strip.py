"""harness/corpus/strip.py: a case's code without its answers, every line kept at its number."""

import ast
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import FIXTURE_CASES
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


def test_code_kept_in_strings_loses_its_comments_too():
    """C declarations for cffi or LuaJIT's ffi.cdef and a Lua chunk for lupa are code: their comments
    go, their lines stay; any other string (a program's output) is left as it is."""
    lua = 'ffi.cdef[[\n  int x; /* the first 16 bytes: a header\n  */ int y; // z\n]]\nlocal s = [[ /* kept */ ]] -- gone\n'
    assert strip_source(lua, "lua") == 'ffi.cdef[[\n  int x;\n int y;\n]]\nlocal s = [[ /* kept */ ]]\n'
    py = (
        "from lupa import luajit21\n"
        'CHUNK = r"""\nlocal c = {}   -- memo, never evicted\nlocal k = "a--b"\n"""\n'
        "lua.execute(CHUNK)\n"
        'print("a -- b")  # c\n'
        'ffi.cdef("""\nint f(void); /* x */\n""")\n'
    )
    out = strip_source(py, "python")
    assert out.split("\n") == [
        "from lupa import luajit21", 'CHUNK = r"""', "local c = {}", 'local k = "a--b"', '"""', "lua.execute(CHUNK)",
        'print("a -- b")', 'ffi.cdef("""', "int f(void);", '""")', "",
    ]  # fmt: skip
    ast.parse(out)


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
                    "eventloop_sysmodules.py": "eventloop_sysmodules.py"}  # fmt: skip
    # the fixed twin needs the module its loader imports by a computed name ("_backend_" + name) too,
    # and never the bug's loader; no helper name says which variant it belongs to
    fixed = {f.source.name: f.name for f in unit_files(by_id["import-race"], "fixed")}
    assert fixed == {"fixed.py": "main.py", "_backend_slow.py": "_backend_slow.py", "_interleave.py": "_interleave.py",
                     "eventloop_registry.py": "eventloop_registry.py"}  # fmt: skip
    assert [f.name for f in unit_files(by_id["double-free"], "fixed")] == ["main.c"]
    fiasco = [f.source.name for f in unit_files(by_id["initialization-order-fiasco"], "bug")]
    assert fiasco == ["repro.cpp", "limits.cpp"]
    for case in CORPUS:
        names = {f.source.name for f in unit_files(case, "bug")}
        assert case.variants["fixed"] not in names
        for variant in ("bug", "fixed"):
            helpers = [f.name for f in unit_files(case, variant)[1:]]
            assert not [n for n in helpers if re.search(r"(?i)bug|fix|repro", n)], (case.id, variant, helpers)


def test_a_comment_that_names_a_file_does_not_pull_it_into_the_unit(tmp_path):
    """Only code names what a unit needs: a comment mentioning the other variant's helper does not."""
    import shutil

    from harness.corpus.manifest import load_case

    src = FIXTURE_CASES / "fx-null"
    case_dir = tmp_path / "fx-null"
    shutil.copytree(src, case_dir)
    (case_dir / "helper_b.c").write_text("int helper_b(void) { return 1; }\n")
    (case_dir / "helper_f.c").write_text("int helper_f(void) { return 2; }\n")
    bug = case_dir / load_case(case_dir).variants["bug"]
    fixed = case_dir / load_case(case_dir).variants["fixed"]
    bug.write_text(bug.read_text() + '#include "helper_b.c"\n/* the other loader is helper_f.c */\n')
    fixed.write_text(fixed.read_text() + '#include "helper_f.c"\n')
    case = load_case(case_dir)
    assert [f.name for f in unit_files(case, "bug")] == ["main.c", "helper_b.c"]
    assert [f.name for f in unit_files(case, "fixed")] == ["main.c", "helper_f.c"]
