"""Parsers of the issue-9 lenses (ubsan, lsan, msan, helgrind, drd, memcheck leaks) through first_report, on report
shapes captured from gcc 12 / clang 16 / valgrind 3.19 runs here; arbitrary text never crashes them."""

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.diagnose import first_report, lsan, msan, ubsan, valgrind

UBSAN_GCC = """\
/work/cases/x/repro.c:4:41: runtime error: signed integer overflow: 2147483647 + 1 cannot be represented in type 'int'
    #0 0x563eabc0518d in add /work/cases/x/repro.c:4
    #1 0x563eabc051ad in cc_main /work/cases/x/repro.c:7
    #2 0x563eabc051f1 in main /work/native/main.c:17
    #3 0x7f75bfa45249 in __libc_start_call_main ../sysdeps/nptl/libc_start_call_main.h:58
"""

UBSAN_CLANG = """\
u.c:3:34: runtime error: shift exponent 40 is too large for 32-bit type 'int'
    #0 0x55791ce17795 in add /tmp/tw/u.c:3:34
    #1 0x55791ce177bb in cc_main /tmp/tw/u.c:4:62
    #5 0x55791cdf0360 in _start (/tmp/tw/uc+0x5360) (BuildId: cf022b8ba7e540e0fbe87028918eca89db27b8c5)

SUMMARY: UndefinedBehaviorSanitizer: invalid-shift-exponent u.c:3:34 in
"""

LSAN = """\
=================================================================
==15212==ERROR: LeakSanitizer: detected memory leaks

Direct leak of 16 byte(s) in 1 object(s) allocated from:
    #0 0x7f82d7e13545 in __interceptor_malloc ../../../../src/libsanitizer/lsan/lsan_interceptors.cpp:75
    #1 0x557bb297e1af in list_push /tmp/tw/l.c:9
    #2 0x7f82d7c45249 in main /tmp/tw/l.c:20

Indirect leak of 32 byte(s) in 2 object(s) allocated from:
    #0 0x7f82d7e13545 in __interceptor_malloc ../../../../src/libsanitizer/lsan/lsan_interceptors.cpp:75
    #1 0x557bb297e1af in list_push /tmp/tw/l.c:9

SUMMARY: LeakSanitizer: 48 byte(s) leaked in 3 allocation(s).
"""

MSAN = """\
==15222==WARNING: MemorySanitizer: use-of-uninitialized-value
    #0 0x55587c1c27c1 in main /tmp/tw/l.c:13:7
    #1 0x7f24188c7249 in __libc_start_call_main csu/../sysdeps/nptl/libc_start_call_main.h:58:16

  Uninitialized value was created by an allocation of 'u' in the stack frame
    #0 0x55587c1c26d2 in main /tmp/tw/l.c:12:3

SUMMARY: MemorySanitizer: use-of-uninitialized-value /tmp/tw/l.c:13:7 in main
"""

HELGRIND = """\
==15231== Helgrind, a thread error detector
==15231== ---Thread-Announcement------------------------------------------
==15231== Thread #3 was created
==15231==    at 0x496DB3F: clone (clone.S:76)
==15231==    by 0x10924A: main (l.c:14)
==15231== ----------------------------------------------------------------
==15231==
==15231== Possible data race during read of size 4 at 0x10C034 by thread #3
==15231== Locks held: none
==15231==    at 0x109171: w (l.c:6)
==15231==    by 0x484C7D6: ??? (in /usr/libexec/valgrind/vgpreload_helgrind-amd64-linux.so)
==15231==    by 0x48EE1F4: start_thread (pthread_create.c:442)
==15231==
==15231== This conflicts with a previous write of size 4 by thread #2
"""

DRD = """\
==15240== drd, a thread error detector
==15240== Thread 3:
==15240== Conflicting store by thread 3 at 0x0010c034 size 4
==15240==    at 0x10917A: w (l.c:6)
==15240==    by 0x490F1F4: start_thread (pthread_create.c:442)
==15240== Allocation context: BSS section of /tmp/tw/lp
"""

MEMCHECK_LEAK = """\
==15253== Memcheck, a memory error detector
==15253== 32 bytes in 2 blocks are indirectly lost in loss record 1 of 3
==15253==    at 0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
==15253==    by 0x1091AF: main (l.c:9)
==15253==
==15253== 48 (16 direct, 32 indirect) bytes in 1 blocks are definitely lost in loss record 3 of 3
==15253==    at 0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
==15253==    by 0x1091AF: list_push (l.c:9)
==15253==    by 0x1091FF: main (l.c:20)
"""


def test_ubsan_gcc_names_the_check_from_the_message():
    r = first_report(UBSAN_GCC)
    assert (r.tool, r.kind) == ("ubsan", "signed-integer-overflow")
    assert r.frames[:3] == ["add", "cc_main", "main"]
    assert "runtime error: signed integer overflow" in r.message


def test_ubsan_clang_summary_and_module_frames():
    r = first_report(UBSAN_CLANG)
    assert (r.tool, r.kind) == ("ubsan", "invalid-shift-exponent")
    assert r.frames[:2] == ["add", "cc_main"] and r.frames[-1] == "_start"


def test_ubsan_kinds_from_messages():
    assert ubsan.kind_of("load of misaligned address 0x6 for type 'int', which requires 4 byte alignment") == "misaligned-pointer-use"
    assert ubsan.kind_of("index 8 out of bounds for type 'int [8]'") == "out-of-bounds-index"
    assert ubsan.kind_of("load of value 7, which is not a valid value for type '_Bool'") == "invalid-bool-load"
    assert ubsan.kind_of("load of value 9, which is not a valid value for type 'enum color'") == "invalid-enum-load"
    assert ubsan.kind_of("division by zero") == "integer-divide-by-zero"
    assert ubsan.kind_of("1e+10 is outside the range of representable values of type 'int'") == "float-cast-overflow"
    assert ubsan.kind_of("something new") == "undefined-behavior"


def test_lsan_direct_first_with_its_allocation_stack():
    r = first_report(LSAN)
    assert (r.tool, r.kind, r.size) == ("lsan", "direct-leak", 16)
    assert r.frames == ["__interceptor_malloc", "list_push", "main"]
    assert "16 byte(s) in 1 object(s) direct, 32 byte(s) in 2 object(s) indirect" in r.message


def test_msan_kind_and_frames():
    r = first_report(MSAN)
    assert (r.tool, r.kind, r.frames[0]) == ("msan", "use-of-uninitialized-value", "main")


def test_helgrind_race():
    r = first_report(HELGRIND)
    assert (r.tool, r.kind, r.access, r.size) == ("helgrind", "data-race", "READ", 4)
    assert r.frames[0] == "w" and "start_thread" in r.frames


def test_drd_conflicting_store():
    r = first_report(DRD)
    assert (r.tool, r.kind, r.access, r.size) == ("drd", "conflicting-access", "WRITE", 4)
    assert r.frames == ["w", "start_thread"]


def test_memcheck_definite_leak_ranks_before_indirect():
    r = first_report(MEMCHECK_LEAK)
    assert (r.tool, r.kind, r.size) == ("valgrind", "definite-leak", 48)
    assert r.frames == ["malloc", "list_push", "main"]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raise(text):
    for parser in (ubsan.parse, lsan.parse, msan.parse, valgrind.parse):
        parser(text)
        parser("==1== Helgrind, a thread error detector\n==1== " + text)
        parser("==1== Memcheck, a memory error detector\n==1== " + text)
        parser("==1==ERROR: LeakSanitizer: detected memory leaks\n" + text)


def test_cc_selection_names_the_machine_key(monkeypatch):
    import shutil

    from harness.corpus import machine

    monkeypatch.setenv(machine.CC_ENV, "gcc")
    assert machine.compiler().startswith("gcc-") and machine.cxx_compiler() == "g++"
    if shutil.which("clang-16"):
        monkeypatch.setenv(machine.CC_ENV, "clang-16")
        assert machine.compiler() == "clang-16" and machine.facts()["compiler"] == "clang-16"
        assert machine.cxx_compiler() == "clang++-16"


def test_unknown_cc_is_bad_input(capsys):
    from harness.cli import main

    assert main(["list", "--cc", "no-such-cc-42"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--cc no-such-cc-42" in err


def test_warnings_expectation_is_validated_and_compared(tmp_path):
    import shutil

    import pytest

    from conftest import FIXTURE_CASES
    from harness.corpus.manifest import load_case
    from harness.diagnose.observation import Observation
    from harness.errors import ManifestError
    from harness.pipeline.compare import compare

    d = tmp_path / "fx-null"
    shutil.copytree(FIXTURE_CASES / "fx-null", d)
    toml = d / "case.toml"
    text = toml.read_text()
    toml.write_text(text.replace('signal = "SIGSEGV"', 'signal = "SIGSEGV"\nwarnings = ["format"]'))
    with pytest.raises(ManifestError, match=r"expect\[0\]\.warnings\[0\]"):
        load_case(d)
    toml.write_text(text.replace('signal = "SIGSEGV"', 'signal = "SIGSEGV"\nwarnings = ["-Wnull-dereference"]'))
    exp = load_case(d).expectations[0]
    warned = Observation(signal="SIGSEGV", build_warnings=[{"option": "-Wnull-dereference", "file": "repro.c", "line": 7, "message": "m"}])
    assert compare(exp, warned) == []
    [m] = compare(exp, Observation(signal="SIGSEGV"))
    assert (m.field, m.expected, m.observed) == ("warnings", "-Wnull-dereference", [])


def test_warnings_of_keeps_the_cases_own_sources(tmp_path):
    from conftest import FIXTURE_CASES
    from harness.corpus.manifest import load_case
    from harness.execution import build

    case = load_case(FIXTURE_CASES / "fx-null")
    (tmp_path / "build.log").write_text(
        "gcc ...\n/x/_cc_fx_null_bug_O0.c:12:1: warning: unused [-Wunused-function]\n"
        "/cases/fx-null/repro.c:7:5: warning: null write [-Wnull-dereference]\n"
        "/cases/fx-null/repro.c:7:5: warning: null write [-Wnull-dereference]\n"
        "/cases/fx-null/repro.c:9:1: warning: 'p' leaked [CWE-401] [-Wanalyzer-malloc-leak]\n"
    )
    art = build.Artifact("module", tmp_path, "m")
    assert build.warnings_of(art, case) == [
        {"option": "-Wnull-dereference", "file": "repro.c", "line": 7, "message": "null write"},
        {"option": "-Wanalyzer-malloc-leak", "file": "repro.c", "line": 9, "message": "'p' leaked"},
    ]


def test_clang_toolchain_pieces(monkeypatch):
    """Under --cc clang-16: clang's own ASan runtime is preloaded, modules get -shared-libasan and DWARF 4,
    msan builds with clang whatever --cc says, fanalyzer stays gcc; a missing runtime names its package."""
    import os
    import shutil

    import pytest

    from conftest import FIXTURE_CASES
    from harness.corpus import machine
    from harness.corpus.manifest import load_case
    from harness.execution import build
    from harness.lenses import base

    case = load_case(FIXTURE_CASES / "fx-null")
    monkeypatch.setenv(machine.CC_ENV, "gcc")
    assert build.compiler_for(case, "analyzer") == "gcc"
    assert "-shared-libasan" not in build.profile_flags("gcc", "asan")
    assert "libclang-rt-16-dev" in base.missing_runtime("clang-16", "msan")
    assert "libubsan1" in base.missing_runtime("gcc", "ubsan")
    if not shutil.which("clang-16"):
        pytest.skip("clang-16 is not installed here")
    assert build.compiler_for(case, "msan").startswith("clang")
    monkeypatch.setenv(machine.CC_ENV, "clang-16")
    assert build.compiler_for(case, "O0") == "clang-16" and build.compiler_for(case, "analyzer") == "gcc"
    assert {"-shared-libasan", "-gdwarf-4"} <= set(build.profile_flags("clang-16", "asan"))
    runtime = base.asan_runtime()
    assert runtime is None or runtime.endswith("libclang_rt.asan-x86_64.so")
    sym = base.symbolizer_option("clang-16").get("external_symbolizer_path", "")
    assert sym == "" or (sym.endswith("llvm-symbolizer") and not os.path.islink(sym))
