"""The report parsers: real report text in, the stable diagnosis out; arbitrary text never crashes them."""

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.diagnose import asan, compiler, gdb, glibc, metrics, python, tsan, valgrind
from harness.diagnose.common import strip_params

ASAN_HBO = """\
=================================================================
==31337==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x60300000eff2 at pc 0x7f1 bp 0x7ffd sp 0x7ffc
WRITE of size 15 at 0x60300000eff2 thread T0
    #0 0x7f5a3b754a2c in __interceptor_memcpy ../../../../src/libsanitizer/sanitizer_common/sanitizer_common_interceptors.inc:827
    #1 0x7f5a3ac4eaff in lj_cf_ffi_copy /build/luajit/src/lib_ffi.c:601
    #2 0x7f5a3ac4eb00  (/usr/lib/x86_64-linux-gnu/libluajit-5.1.so.2+0x1f00)

0x60300000eff2 is located 0 bytes to the right of 14-byte region [0x60300000efe0,0x60300000efee)
"""

ASAN_DF = """\
==4242==ERROR: AddressSanitizer: attempting double-free on 0x602000000010 in thread T0:
    #0 0x7f0 in __interceptor_free ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:52
    #1 0x7f1 in cc_main /work/cases/double-free/repro.c:20
    #2 0x7f2 in _cffi_f_cc_main <cache>/build/x/_cc_double_free_bug_asan.c:602
"""

ASAN_SEGV = """\
AddressSanitizer:DEADLYSIGNAL
=================================================================
==15944==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000010 (pc 0x7fb4 bp 0x7ffd sp 0x7ffc T0)
==15944==The signal is caused by a READ memory access.
==15944==Hint: address points to the zero page.
    #0 0x7fb480192937 in timeout_of /work/main/cases/null-member-access/repro.c:45
    #1 0x7fb480192982 in Widget::poke(int, char*) const /x/repro.cpp:56
"""

TSAN = """\
==================
WARNING: ThreadSanitizer: data race (pid=5151)
  Write of size 8 at 0x7b0400000010 by thread T2:
    #0 assign /work/cases/threaded-assign-race/repro.c:30 (threaded-assign-race-bug+0x1234)
    #1 worker /work/cases/threaded-assign-race/repro.c:41 (threaded-assign-race-bug+0x1299)

  Previous write of size 8 at 0x7b0400000010 by thread T1:
    #0 assign /work/cases/threaded-assign-race/repro.c:30 (threaded-assign-race-bug+0x1234)
"""

VALGRIND = """\
==9484== Memcheck, a memory error detector
==9484== Invalid write of size 1
==9484==    at 0x484A: memcpy@GLIBC_2.2.5 (vg_replace_strmem.c:1035)
==9484==    by 0x10916E: cc_main (repro.c:12)
==9484==    by 0x109189: main (main.c:16)
==9484==  Address 0x4a8f04a is 0 bytes after a block of size 10 alloc'd
"""

VALGRIND_FPE = """\
==9484== Memcheck, a memory error detector
==9484== Process terminating with default action of signal 8 (SIGFPE)
==9484==  Integer divide by zero at address 0x1002D948DE
==9484==    at 0x109177: per_request (repro.c:33)
==9484==    by 0x109259: cc_main (repro.c:61)
"""

PY_TB = """\
Exception in thread B:
Traceback (most recent call last):
  File "/x/repro.py", line 30, in <module>
    main()
  File "/x/repro.py", line 20, in main
    backend.run()
AttributeError: partially initialized module 'backend' has no attribute 'run' (most likely due to a circular import)
"""

GDB_BT = """\
#0  0x00007ffff7e3fe2c in __pthread_kill_implementation (threadid=<optimized out>) at ./nptl/pthread_kill.c:44
#1  0x00007ffff7df0fb2 in __GI_raise (sig=sig@entry=6) at ../sysdeps/posix/raise.c:26
#2  0x0000000000000000 in ?? ()
#3  foo (n=3) at repro.c:12
#4  0x0000555555555189 in Base::Base (this=0x7fffffffe0) at repro.cpp:9
"""

GCC = """\
/w/cases/double-free/repro.c: In function 'cc_main':
/w/cases/double-free/repro.c:21:5: warning: double-'free' of 'p' [CWE-415] [-Wanalyzer-double-free]
/w/cases/printf/repro.c:9:5: warning: format '%d' expects a matching 'int' argument [-Wformat=]
"""


def test_asan_heap_buffer_overflow():
    r = asan.parse(ASAN_HBO)
    assert (r.kind, r.access, r.size) == ("heap-buffer-overflow", "WRITE", 15)
    assert r.frames == ["__interceptor_memcpy", "lj_cf_ffi_copy", "??"]


def test_asan_double_free_and_segv():
    assert asan.parse(ASAN_DF).kind == "double-free"
    assert asan.parse(ASAN_DF).frames[:2] == ["__interceptor_free", "cc_main"]
    r = asan.parse(ASAN_SEGV)
    assert (r.kind, r.access, r.size) == ("SEGV", "READ", None)
    assert r.frames == ["timeout_of", "Widget::poke"]


def test_tsan_data_race():
    r = tsan.parse(TSAN)
    assert (r.kind, r.access, r.size) == ("data-race", "WRITE", 8)
    assert r.frames == ["assign", "worker"]


def test_valgrind_invalid_write():
    r = valgrind.parse(VALGRIND)
    assert (r.kind, r.access, r.size) == ("invalid-write", "WRITE", 1)
    assert r.frames[:2] == ["memcpy@GLIBC_2.2.5", "cc_main"]
    assert "0 bytes after a block of size 10" in r.message


def test_valgrind_fatal_signal_only_has_no_kind():
    r = valgrind.parse(VALGRIND_FPE)
    assert r.kind is None
    assert r.frames == ["per_request", "cc_main"]
    assert r.message == "Integer divide by zero at address 0x1002D948DE"


def test_glibc_messages():
    assert glibc.parse("free(): double free detected in tcache 2\n").kind == "double-free"
    assert glibc.parse("*** stack smashing detected ***: terminated\n").kind == "stack-smashing"
    pv = glibc.parse("pure virtual method called\nterminate called without an active exception\n")
    assert pv.kind == "pure-virtual-call"
    assert glibc.parse("free(): invalid pointer\n").kind == "invalid-pointer"
    assert glibc.parse("corrupted size vs. prev_size\n").kind == "heap-corruption"
    assert glibc.parse("all is well\n") is None


def test_python_traceback_innermost_first():
    r = python.parse(PY_TB)
    assert r.kind == "AttributeError"
    assert r.frames == ["main", "<module>"]
    assert "partially initialized" in r.message


def test_gdb_frames():
    assert gdb.frames(GDB_BT) == ["__pthread_kill_implementation", "__GI_raise", "??", "foo", "Base::Base"]


def test_gdb_keeps_the_signal_handler_frame():
    bt = "#0  on_reload (sig=12) at repro.c:40\n#1  <signal handler called>\n#2  0x00007f in log_line (msg=0x1) at repro.c:30\n"
    assert gdb.frames(bt) == ["on_reload", "<signal handler called>", "log_line"]


def test_compiler_warnings_prefer_the_analyzer():
    r = compiler.parse(GCC)
    assert r.kind == "-Wanalyzer-double-free"
    assert r.frames == ["cc_main"]
    assert compiler.parse(GCC.splitlines()[2]).kind == "-Wformat="


def test_metrics_lines():
    assert metrics("x\nCRASHCOURSE_METRIC tasks_alive=101\nCRASHCOURSE_METRIC rss_kib=12.5\n") == {"tasks_alive": 101, "rss_kib": 12.5}


def test_strip_params():
    assert strip_params("Base::Base()") == "Base::Base"
    assert strip_params("foo(int, char (*)[4])") == "foo"
    assert strip_params("cc_main") == "cc_main"


# ---- never crash on arbitrary text ------------------------------------------------------------------

FRAGMENTS = st.sampled_from(
    [ASAN_HBO, ASAN_DF, ASAN_SEGV, TSAN, VALGRIND, VALGRIND_FPE, PY_TB, GDB_BT, GCC, "#0 ", "==1==ERROR: AddressSanitizer: ",
     "WARNING: ThreadSanitizer: ", "Traceback (most recent call last):\n", "==1== Invalid read of size ", "\x00", "\n"]
)  # fmt: skip
TEXT = st.lists(st.one_of(st.text(), FRAGMENTS, FRAGMENTS.map(lambda s: s[: len(s) // 2])), max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_parsers_never_raise(text):
    from harness import diagnose

    for parse in (asan.parse, tsan.parse, valgrind.parse, glibc.parse, python.parse, compiler.parse):
        parse(text)
    gdb.frames(text)
    diagnose.metrics(text)
    diagnose.first_report(text)
    diagnose.hang_frames(text)
