"""The report parsers: real report text in, the stable diagnosis out; arbitrary text never crashes them."""

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.diagnose import asan, compiler, gdb, glibc, lsan, metrics, msan, python, tsan, ubsan, valgrind
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
    assert glibc.parse("free(): invalid pointer\n").kind == "free-invalid-pointer"
    assert glibc.parse("corrupted size vs. prev_size\n").kind == "corrupted-size-vs-prev-size"
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
     "WARNING: ThreadSanitizer: ", "Traceback (most recent call last):\n", "==1== Invalid read of size ", "\x00", "\n",
     "WARNING: DATA RACE\n", "Read at 0x1 by goroutine 7:\n", "  main.f()\n      /x.go:3 +0x1\n", "Previous write by goroutine 6:\n",
     "Thread 0x1 (most recent call first):\n", 'File "x", line 1 in f\n', "Timeout (0:00:01)!\n", "+++ Timeout +++\n",
     "~~~ Stack of T (1) ~~~\n", "*** Error in `x': ", "======= Backtrace: =========\n", "x(f+0x1)[0x2]\n", "**\\* ", "12 | ",
     " 1234 ", "raise (sig=6)"]
)  # fmt: skip
TEXT = st.lists(st.one_of(st.text(), FRAGMENTS, FRAGMENTS.map(lambda s: s[: len(s) // 2])), max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_parsers_never_raise(text):
    from harness import diagnose

    for parse in (asan.parse, tsan.parse, valgrind.parse, glibc.parse, python.parse, compiler.parse, ubsan.parse,
                  lsan.parse, msan.parse, gdb.parse):  # fmt: skip
        parse(text)
    gdb.frames(text)
    diagnose.diagnose_text(text)
    diagnose.metrics(text)
    diagnose.first_report(text)
    diagnose.hang_frames(text)


# ---- every report kind of every tool (shapes written from each tool's format, gcc 12 / clang 16 / valgrind 3.19) ----

def _asan(headline: str, body: str = "", summary: str | None = None) -> str:
    summary = summary or headline.split()[0].rstrip(":")
    return (
        "=================================================================\n"
        f"==2718==ERROR: AddressSanitizer: {headline}\n{body}"
        "    #0 0x55d0c1a2b3c4 in parse_header /src/app/hdr.c:41\n"
        "    #1 0x55d0c1a2b5d6 in main /src/app/main.c:9\n"
        "    #2 0x7f00aa229d8f  (/lib/x86_64-linux-gnu/libc.so.6+0x29d8f)\n\n"
        f"SUMMARY: AddressSanitizer: {summary} /src/app/hdr.c:41 in parse_header\n"
    )


ASAN_KINDS = [
    ("global-buffer-overflow on address 0x5555 at pc 0x1 bp 0x2 sp 0x3", "READ of size 4 at 0x5555 thread T0\n", None, "global-buffer-overflow"),
    ("stack-use-after-return on address 0x7f9e at pc 0x1 bp 0x2 sp 0x3", "READ of size 4 at 0x7f9e thread T0\n", None, "stack-use-after-return"),
    ("stack-use-after-scope on address 0x7f12 at pc 0x1 bp 0x2 sp 0x3", "WRITE of size 8 at 0x7f12 thread T0\n", None, "stack-use-after-scope"),
    ("dynamic-stack-buffer-overflow on address 0x7fff at pc 0x1 bp 0x2 sp 0x3", "READ of size 1 at 0x7fff thread T0\n", None, "dynamic-stack-buffer-overflow"),
    ("heap-use-after-free on address 0x6020 at pc 0x1 bp 0x2 sp 0x3", "READ of size 8 at 0x6020 thread T1\n", None, "heap-use-after-free"),
    ("attempting free on address which was not malloc()-ed: 0x7f03 in thread T0", "", "bad-free", "bad-free"),
    ("alloc-dealloc-mismatch (operator new [] vs operator delete) on 0x6020", "", None, "alloc-dealloc-mismatch"),
    ("alloc-dealloc-mismatch (malloc vs operator delete) on 0x6020", "", None, "alloc-dealloc-mismatch"),
    ("new-delete-type-mismatch on 0x6070 in thread T0:", "  object passed to delete has wrong type:\n", None, "new-delete-type-mismatch"),
    ("memcpy-param-overlap: memory ranges [0x7f4d,0x7f55) and [0x7f4b, 0x7f53) overlap", "", None, "memcpy-param-overlap"),
    ("strcpy-param-overlap: memory ranges [0x7fd5,0x7fde) and [0x7fd3, 0x7fdc) overlap", "", None, "strcpy-param-overlap"),
    ("negative-size-param: (size=-1)", "", None, "negative-size-param"),
    ("calloc parameters overflow: count * size (9223372036854775807 * 4) cannot be represented in type size_t (thread T0)", "", "calloc-overflow", "calloc-overflow"),
    ("requested allocation size 0x7fffffffffffffff (0x8000000000001000 after adjustments for alignment, red zones etc.) "
     "exceeds maximum supported size of 0x10000000000 (thread T0)", "", "allocation-size-too-big", "allocation-size-too-big"),
    ("stack-overflow on address 0x7fff36f76ff8 (pc 0x7fcb bp 0x7fcb sp 0x7fff T0)", "", None, "stack-overflow"),
    ("container-overflow on address 0x6030 at pc 0x1 bp 0x2 sp 0x3", "READ of size 4 at 0x6030 thread T0\n", None, "container-overflow"),
    ("initialization-order-fiasco on address 0x5589 at pc 0x1 bp 0x2 sp 0x3", "READ of size 4 at 0x5589 thread T0\n", None, "initialization-order-fiasco"),
    ("attempting double-free on 0x6020 in thread T0:", "", "double-free", "double-free"),
]  # fmt: skip


def test_asan_every_kind():
    for headline, body, summary, kind in ASAN_KINDS:
        r = asan.parse(_asan(headline, body, summary))
        assert (r.tool, r.kind) == ("asan", kind), headline
        assert r.frames[:3] == ["parse_header", "main", "??"], headline
    r = asan.parse(_asan(*ASAN_KINDS[2][:3]))
    assert (r.access, r.size) == ("WRITE", 8)


def test_asan_without_headline_reads_summary_or_description():
    body = _asan(*ASAN_KINDS[1][:3]).split("\n", 2)[2]  # the '====' and 'ERROR:' lines cut off
    r = asan.parse(body)
    assert (r.kind, r.access, r.size, r.frames[:2]) == ("stack-use-after-return", "READ", 4, ["parse_header", "main"])
    excerpt = (
        "READ of size 8 at 0x602000000010 thread T0\n"
        "    #0 0x55 in use_it /src/a.c:7\n\n"
        "0x602000000010 is located 0 bytes inside of 16-byte region [0x602000000010,0x602000000020)\n"
        "freed by thread T0 here:\n    #0 0x7f in free\n"
    )
    r = asan.parse(excerpt)
    assert (r.kind, r.access, r.frames) == ("heap-use-after-free", "READ", ["use_it"])


def test_sanitizer_frame_formats():
    from harness.diagnose.common import san_function

    assert san_function("main /tmp/ccdiag/as.cc:17:51") == "main"
    assert san_function("__interceptor_free (/tmp/x/as-clang+0xb8ec6) (BuildId: 9beffa4f1f55bf6e)") == "__interceptor_free"
    assert san_function("operator delete(void*, unsigned long) (/tmp/nd+0xf36b2) (BuildId: 422bbcbe)") == "operator delete"
    assert san_function("main+0x1d (a.out:x86_64+0x100000f4d)") == "main"
    assert san_function("start+0x0 (libdyld.dylib:x86_64+0x1acc8)") == "start"
    assert san_function("(/lib/x86_64-linux-gnu/libc.so.6+0x27249) (BuildId: 93ac61ec)") == "??"
    assert san_function("pthread_mutex_lock <null> (libtsan.so.0+0x3bd8f)") == "pthread_mutex_lock"
    assert san_function("std::vector<int>::at(unsigned long) /usr/include/c++/12/bits/stl_vector.h:1123") == "std::vector<int>::at"
    assert san_function("lire_entête /home/usér/projet à moi/entête.c:12:3") == "lire_entête"


LSAN = """\
=================================================================
==13994==ERROR: LeakSanitizer: detected memory leaks

Direct leak of 16 byte(s) in 1 object(s) allocated from:
    #0 0x7f0f9dc13545 in __interceptor_malloc ../../../../src/libsanitizer/lsan/lsan_interceptors.cpp:75
    #1 0x5623954cf15b in push /src/list.c:3
    #2 0x5623954cf1a0 in main /src/list.c:9

Indirect leak of 32 byte(s) in 2 object(s) allocated from:
    #0 0x7f0f9dc13545 in __interceptor_malloc ../../../../src/libsanitizer/lsan/lsan_interceptors.cpp:75
    #1 0x5623954cf15b in push /src/list.c:3

SUMMARY: LeakSanitizer: 48 byte(s) leaked in 3 allocation(s).
"""


def test_lsan_direct_and_indirect():
    r = lsan.parse(LSAN)
    assert (r.tool, r.kind, r.size) == ("lsan", "direct-leak", 16)
    assert r.frames == ["__interceptor_malloc", "push", "main"]
    assert r.metrics == {"leak_direct_bytes": 16, "leak_direct_objects": 1, "leak_indirect_bytes": 32, "leak_indirect_objects": 2}
    direct = LSAN.split("Indirect leak")[0] + "SUMMARY: AddressSanitizer: 16 byte(s) leaked in 1 allocation(s).\n"
    r = lsan.parse(direct)
    assert (r.kind, r.size, r.metrics["leak_indirect_objects"]) == ("direct-leak", 16, 0)
    cycle = LSAN.split("Direct leak")[0] + "Indirect leak" + LSAN.split("Indirect leak")[1]
    assert (lsan.parse(cycle).kind, lsan.parse(cycle).size) == ("indirect-leak", 32)
    assert asan.parse(direct) is None  # ASan's leak SUMMARY is LSan's report


UBSAN_KINDS = [
    ("signed integer overflow: 2147483647 + 1 cannot be represented in type 'int'", "signed-integer-overflow"),
    ("negation of -2147483648 cannot be represented in type 'int'; cast to an unsigned type to negate this value to itself", "signed-integer-overflow"),
    ("division of -2147483648 by -1 cannot be represented in type 'int'", "signed-integer-overflow"),
    ("unsigned integer overflow: 0 - 1 cannot be represented in type 'unsigned int'", "unsigned-integer-overflow"),
    ("shift exponent 40 is too large for 32-bit type 'int'", "invalid-shift-exponent"),
    ("shift exponent -1 is negative", "invalid-shift-exponent"),
    ("left shift of negative value -1", "invalid-shift-base"),
    ("load of misaligned address 0x7fff64ea1c41 for type 'int', which requires 4 byte alignment", "misaligned-pointer-use"),
    ("store to misaligned address 0x602000000011 for type 'uint32_t', which requires 4 byte alignment", "misaligned-pointer-use"),
    ("index 6 out of bounds for type 'int [4]'", "out-of-bounds-index"),
    ("member access within null pointer of type 'struct W'", "null-pointer-use"),
    ("load of null pointer of type 'int'", "null-pointer-use"),
    ("load of value 5, which is not a valid value for type '_Bool'", "invalid-bool-load"),
    ("load of value 5, which is not a valid value for type 'bool'", "invalid-bool-load"),
    ("load of value 7, which is not a valid value for type 'E'", "invalid-enum-load"),
    ("1e+20 is outside the range of representable values of type 'int'", "float-cast-overflow"),
    ("pointer index expression with base 0xfffffffffffffffe overflowed to 0x0000000000000002", "pointer-overflow"),
    ("addition of unsigned offset to 0x7ffc80f9d9a4 overflowed to 0x7ffc80f9c9a4", "pointer-overflow"),
    ("applying non-zero offset 8 to null pointer", "nullptr-with-offset"),
    ("division by zero", "integer-divide-by-zero"),
    ("execution reached an unreachable program point", "unreachable-call"),
    ("variable length array bound evaluates to non-positive value 0", "non-positive-vla-index"),
    ("something new in a later release", "undefined-behavior"),
]  # fmt: skip


def test_ubsan_every_kind_with_location_and_stack():
    for msg, kind in UBSAN_KINDS:
        text = (
            f"/src/app/len.c:15:22: runtime error: {msg}\n"
            "    #0 0x557ca26b32e3 in frame_len /src/app/len.c:15\n"
            "    #1 0x557ca26b3300 in main /src/app/main.c:4\n\n"
        )
        r = ubsan.parse(text)
        assert (r.tool, r.kind) == ("ubsan", kind), msg
        assert r.message == f"len.c:15:22: runtime error: {msg}"
        assert r.frames == ["frame_len", "main"]


def test_ubsan_clang_unsymbolized_and_summary_type():
    text = """\
ub.c:17:47: runtime error: load of misaligned address 0x7ffcedd0b441 for type 'int', which requires 4 byte alignment
0x7ffcedd0b441: note: pointer points here
 00 00 00  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  00 00 00 00 00
              ^
==13381==WARNING: invalid path to external symbolizer!
    #0 0x5570b272ea25  (/tmp/ccdiag/ub-clang+0x2ca25) (BuildId: 8b28fadaf7c9846b645a790e4e84adbe2798019d)
    #1 0x7f1f313a2249  (/lib/x86_64-linux-gnu/libc.so.6+0x27249) (BuildId: 93ac61ec5a8eb1396f9fbd350e3169a558528a40)

SUMMARY: UndefinedBehaviorSanitizer: misaligned-pointer-use ub.c:17:47 in
"""
    r = ubsan.parse(text)
    assert (r.kind, r.frames) == ("misaligned-pointer-use", ["??", "??"])
    only_summary = "SUMMARY: UndefinedBehaviorSanitizer: invalid-shift-exponent ub.c:16:20 in shift_it\n"
    assert (ubsan.parse(only_summary).kind, ubsan.parse(only_summary).frames) == ("invalid-shift-exponent", ["shift_it"])


MSAN = """\
==14072==WARNING: MemorySanitizer: use-of-uninitialized-value
    #0 0x556092abd2a5 in use /tmp/ccdiag/ms.c:4:28
    #1 0x556092abd6c1 in main /tmp/ccdiag/ms.c:5:132
    #4 0x556092a35290 in _start (/tmp/ccdiag/ms+0x1e290) (BuildId: 167bfc84b18781b0981a26ce912074e663c90e3f)

  Uninitialized value was created by an allocation of 's' in the stack frame
    #0 0x556092abd4d5 in main /tmp/ccdiag/ms.c:5:35

SUMMARY: MemorySanitizer: use-of-uninitialized-value /tmp/ccdiag/ms.c:4:28 in use
Exiting
"""


def test_msan_with_origin():
    r = msan.parse(MSAN)
    assert (r.tool, r.kind, r.frames) == ("msan", "use-of-uninitialized-value", ["use", "main", "_start"])
    assert r.message.endswith("uninitialized value was created by an allocation of 's' in the stack frame")
    heap = MSAN.replace("an allocation of 's' in the stack frame", "a heap allocation")
    assert msan.parse(heap).message.endswith("created by a heap allocation")
    assert msan.parse(MSAN.split("\n", 1)[1]).kind == "use-of-uninitialized-value"  # no headline: SUMMARY


def _tsan(headline: str, body: str = "") -> str:
    return (
        f"==================\nWARNING: ThreadSanitizer: {headline} (pid=14138)\n{body}"
        "    #0 pthread_mutex_lock ../../../../src/libsanitizer/sanitizer_common/sanitizer_common_interceptors.inc:4324 (libtsan.so.2+0x558e1)\n"
        "    #1 transfer /src/bank.c:16:5 (bank+0x1382) (BuildId: 5f0e2a)\n\n"
        f"SUMMARY: ThreadSanitizer: {headline} /src/bank.c:16 in transfer\n==================\n"
    )


TSAN_KINDS = [
    ("lock-order-inversion (potential deadlock)", "  Cycle in lock order graph: M0 (0x5569) => M1 (0x5569) => M0\n\n", "lock-order-inversion"),
    ("signal-unsafe call inside of a signal", "", "signal-unsafe-call"),
    ("signal handler spoils errno", "", "signal-handler-spoils-errno"),
    ("unlock of an unlocked mutex (or by a wrong thread)", "", "unlock-of-unlocked-mutex"),
    ("destroy of a locked mutex", "", "destroy-of-locked-mutex"),
    ("use of an invalid mutex (e.g. uninitialized or destroyed)", "", "use-of-invalid-mutex"),
    ("double lock of a mutex", "", "double-lock"),
    ("thread leak", "  Thread T1 (tid=14157, finished) created by main thread at:\n", "thread-leak"),
    ("heap-use-after-free", "  Read of size 4 at 0x7b0400000000 by main thread:\n", "heap-use-after-free"),
    ("data race", "  Write of size 8 at 0x7b04 by thread T2:\n", "data-race"),
]  # fmt: skip


def test_tsan_every_kind():
    for headline, body, kind in TSAN_KINDS:
        r = tsan.parse(_tsan(headline, body))
        assert (r.tool, r.kind) == ("tsan", kind), headline
        assert r.frames == ["pthread_mutex_lock", "transfer"], headline
    r = tsan.parse(_tsan(*TSAN_KINDS[8][:2]))
    assert (r.access, r.size) == ("READ", 4)
    # an excerpt: the stack and the SUMMARY, no WARNING line
    r = tsan.parse(_tsan("thread leak").split("\n", 2)[2])
    assert (r.kind, r.frames) == ("thread-leak", ["pthread_mutex_lock", "transfer"])


def _vg(*lines: str, tool: str = "Memcheck, a memory error detector") -> str:
    return "\n".join(f"==4031== {ln}" for ln in (tool, "", *lines, "")) + "\n"


def test_valgrind_memcheck_kinds():
    cases = [
        (("Conditional jump or move depends on uninitialised value(s)", "   at 0x1091F8: check (vg.c:10)", "   by 0x109200: main (vg.c:20)"), "uninitialised-value"),
        (("Syscall param write(buf) points to uninitialised byte(s)", "   at 0x4954350: write (write.c:26)", "   by 0x10921F: main (vg.c:11)",
          " Address 0x1fff000618 is on thread 1's stack"), "syscall-param"),
        (("Source and destination overlap in memcpy(0x4a41042, 0x4a41040, 9)", "   at 0x484A: memcpy@GLIBC_2.2.5 (vg_replace_strmem.c:1035)",
          "   by 0x1091C2: main (ov.c:3)"), "overlap"),
        (("Mismatched free() / delete / delete []", "   at 0x484417B: free (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)",
          "   by 0x10918A: main (mm.cc:2)", " Address 0x4d6ec80 is 0 bytes inside a block of size 16 alloc'd"), "mismatched-free"),
    ]  # fmt: skip
    for lines, kind in cases:
        r = valgrind.parse(_vg(*lines))
        assert (r.tool, r.kind) == ("valgrind", kind), lines[0]
        assert r.frames[-1] == "main"


def test_valgrind_definite_leak_with_indirect_part():
    text = _vg(
        "HEAP SUMMARY:", "    in use at exit: 48 bytes in 3 blocks", "",
        "48 (16 direct, 32 indirect) bytes in 1 blocks are definitely lost in loss record 3 of 3",
        "   at 0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)", "   by 0x10927F: push (list.c:13)", "",
        "LEAK SUMMARY:", "   definitely lost: 16 bytes in 1 blocks", "   indirectly lost: 32 bytes in 2 blocks",
        "     possibly lost: 0 bytes in 0 blocks",
    )  # fmt: skip
    r = valgrind.parse(text)
    assert (r.kind, r.size, r.frames) == ("definite-leak", 48, ["malloc", "push"])
    assert r.metrics["leak_definitely_bytes"] == 16 and r.metrics["leak_indirectly_blocks"] == 2
    only_indirect = text.replace("are definitely lost", "are indirectly lost")
    assert valgrind.parse(only_indirect).kind == "indirect-leak"


def test_helgrind_and_drd():
    race = _vg(
        "Possible data race during read of size 4 at 0x10C080 by thread #1", "Locks held: none", "   at 0x1092B6: main (vg.c:14)", "",
        "This conflicts with a previous write of size 4 by thread #2", "Locks held: none", "   at 0x1091BA: w (vg.c:7)",
        tool="Helgrind, a thread error detector",
    )  # fmt: skip
    r = valgrind.parse(race)
    assert (r.tool, r.kind, r.access, r.size, r.frames) == ("helgrind", "data-race", "READ", 4, ["main"])
    order = _vg(
        'Thread #1: lock order "0x10C0A0 before 0x10C0E0" violated', "",
        "Observed (incorrect) order is: acquisition of lock at 0x10C0E0",
        "   at 0x484976E: ??? (in /usr/libexec/valgrind/vgpreload_helgrind-amd64-linux.so)", "   by 0x109326: main (vg.c:16)",
        tool="Helgrind, a thread error detector",
    )  # fmt: skip
    r = valgrind.parse(order)
    assert (r.tool, r.kind, r.frames) == ("helgrind", "lock-order-inversion", ["???", "main"])
    drd = _vg(
        "Conflicting store by thread 1 at 0x0010c080 size 4", "   at 0x1092BF: main (vg.c:14)",
        "Allocation context: BSS section of /tmp/vg", tool="DRD, a thread error detector",
    )  # fmt: skip
    r = valgrind.parse(drd)
    assert (r.tool, r.kind, r.access, r.size, r.frames) == ("drd", "conflicting-access", "WRITE", 4, ["main"])
    notmutex = _vg("The object at address 0x10c0a0 is not a mutex.", "   at 0x48582D4: pthread_mutex_unlock@* (in /x.so)",
                   "   by 0x109368: main (vg.c:17)", tool="DRD, a thread error detector")  # fmt: skip
    assert valgrind.parse(notmutex).kind == "use-of-invalid-mutex"


def test_glibc_every_check():
    msgs = [
        ("free(): invalid pointer", "free-invalid-pointer"),
        ("free(): invalid size", "free-invalid-size"),
        ("free(): invalid next size (fast)", "free-invalid-next-size"),
        ("munmap_chunk(): invalid pointer", "munmap-chunk-invalid-pointer"),
        ("malloc(): corrupted top size", "corrupted-top-size"),
        ("corrupted size vs. prev_size", "corrupted-size-vs-prev-size"),
        ("double free or corruption (fasttop)", "double-free"),
        ("malloc(): unaligned tcache chunk detected", "heap-corruption"),
        ("Fatal glibc error: malloc.c:2593 (sysmalloc): assertion failed: (old_top == initial_top (av) && old_size == 0)", "malloc-assertion"),
        ("*** buffer overflow detected ***: terminated", "fortify-buffer-overflow"),
        ("terminate called after throwing an instance of 'std::out_of_range'", "uncaught-exception"),
    ]  # fmt: skip
    for msg, kind in msgs:
        r = glibc.parse(f"some output\n{msg}\n")
        assert (r.kind, r.message, r.signal) == (kind, msg, "SIGABRT"), msg
    r = glibc.parse("parser: /src/ü/parse.c:88: parse_record: Assertion `len <= cap' failed.\n")
    assert (r.kind, r.frames) == ("assertion-failure", ["parse_record"])
    r = glibc.parse("t: t.cc:5: void Queue::pop(int): Assertion `!empty()' failed.\n")
    assert r.frames == ["Queue::pop"]


def test_python_fatal_errors():
    seg = 'Fatal Python error: Segmentation fault\n\nCurrent thread 0x00007f (most recent call first):\n  File "/x/run.py", line 3 in crash\n'
    r = python.parse(seg)
    assert (r.kind, r.signal, r.frames) == (None, "SIGSEGV", ["crash"])
    so = "Fatal Python error: _Py_CheckRecursiveCall: Cannot recover from stack overflow.\nPython runtime state: initialized\n"
    assert python.parse(so).kind == "python-stack-overflow"
    assert python.parse("Fatal Python error: PyThreadState_Get: the function must be called with the GIL held\n").kind == "fatal-python-error"


def test_gdb_session():
    text = "Program received signal SIGSEGV, Segmentation fault.\n0x0000555555555149 in get (w=0x0) at w.c:5\n5\t  return w->b;\n" + GDB_BT
    r = gdb.parse(text)
    assert (r.tool, r.kind, r.signal) == ("gdb", None, "SIGSEGV")
    assert r.frames[:2] == ["__pthread_kill_implementation", "__GI_raise"]
    assert gdb.parse("nothing to see\n") is None


# ---- Go's race detector, old glibc, hangs, bare backtraces, prefixed valgrind (issue 15) ---------------

GO_RACE = """\
==================
WARNING: DATA RACE
Read at 0x00c0000a4500 by goroutine 7:
  github.com/acme/svc/cache.(*Store).Get()
      /src/cache/store.go:41 +0x3c
  main.main.func1()
      /src/main.go:12 +0x44

Previous write at 0x00c0000a4500 by goroutine 6:
  github.com/acme/svc/cache.(*Store).Put()
      /src/cache/store.go:30 +0x5d

Goroutine 7 (running) created at:
  main.main()
      /src/main.go:10 +0x7a
==================
"""


def test_go_race_detector():
    r = tsan.parse(GO_RACE)
    assert (r.tool, r.kind, r.access, r.size) == ("tsan", "data-race", "READ", None)
    assert r.frames == ["cache.(*Store).Get", "main.main.func1"]
    assert "Read at 0x00c0000a4500 by goroutine 7" in r.message
    old = "WARNING: DATA RACE\nWrite by main goroutine:\n  main.main()\n      /x/m.go:9 +0x1\n"
    assert (tsan.parse(old).access, tsan.parse(old).frames) == ("WRITE", ["main.main"])
    excerpt = GO_RACE.split("WARNING: DATA RACE\n", 1)[1]  # no banner: the access and Previous access lines say it
    assert tsan.parse(excerpt).kind == "data-race"
    assert tsan.parse("Read at 0x1 by goroutine 7:\n  f()\n      /x.go:1 +0x1\n") is None  # one access is not a race


def test_glibc_before_2_26():
    r = glibc.parse("*** Error in `./srv': double free or corruption (fasttop): 0x0000000001c3a010 ***\n"
                    "======= Backtrace: =========\n/lib/libc.so.6(+0x777e5)[0x7f1]\n./srv(handle+0x1d)[0x40a]\n./srv[0x40b]\n"
                    "======= Memory map: ========\n")  # fmt: skip
    assert (r.kind, r.signal, r.frames) == ("double-free", "SIGABRT", ["??", "handle", "??"])
    r = glibc.parse("*** glibc detected *** ./a.out: munmap_chunk(): invalid pointer: 0x00000000006b2010 ***\n")
    assert r.kind == "munmap-chunk-invalid-pointer"
    assert glibc.parse("*** Error in `python': corrupted size vs. prev_size: 0x48baf540 ***\n").kind == "corrupted-size-vs-prev-size"
    assert glibc.parse("*** stack smashing detected ***: ./prog terminated\n").kind == "stack-smashing"
    assert glibc.parse("5215 packets captured*** stack smashing detected ***: ./pcf terminated\n").kind == "stack-smashing"
    assert glibc.parse("*_* stack smashing detected _**: x terminated\n").kind == "stack-smashing"  # a converter's stars
    assert glibc.parse("the docs say stack smashing detected means ...\n") is None


def test_markdown_escapes_are_undone():
    from harness.diagnose import diagnose_text

    obs = diagnose_text("**\\* stack smashing detected ***: su terminated\n======= Backtrace: =========\n"
                        "/usr/lib/libc.so.6(\\_\\_fortify\\_fail+0x37)[0x7fa2]\n")  # fmt: skip
    assert (obs.kind, obs.frames) == ("stack-smashing", ["__fortify_fail"])
    assert diagnose_text("\\*\\*\\* stack smashing detected \\*\\*\\*: terminated\n").kind == "stack-smashing"
    assert diagnose_text("C:\\\\Users\\\\x.c: Assertion `n' failed.\n").kind == "assertion-failure"


def test_faulthandler_dump_of_a_hang():
    dump = (
        "Timeout (0:05:00)!\n"
        "Thread 0x00007f1 (most recent call first):\n"
        '  File "/usr/lib/python3.11/threading.py", line 320 in wait\n'
        '  File "/app/pool.py", line 40 in get\n\n'
        "Current thread 0x00007f2 (most recent call first):\n"
        '  File "/app/main.py", line 9 in drain\n'
    )
    r = python.parse(dump)
    assert (r.tool, r.kind, r.signal, r.frames) == ("python", "deadlock", None, ["wait", "drain"])
    assert "timeout of 0:05:00" in r.message and "wait (threading.py:320)" in r.message
    one = "Thread 0x1 (most recent call first):\n  File \"/a.py\", line 3 in f\n"
    assert python.parse(one) is None  # one thread, no Timeout header: not enough to call it a hang
    fatal = "Fatal Python error: Aborted\n\n" + dump.split("\n", 1)[1]
    r = python.parse(fatal)  # a crash, not a hang: the crashing thread's frames
    assert (r.kind, r.signal, r.frames) == (None, "SIGABRT", ["drain"])


def test_pytest_timeout_dump_of_a_hang():
    dump = (
        "+++++++++++++++++++ Timeout +++++++++++++++++++\n"
        "~~~~~~~~~ Stack of Thread-1 (140) ~~~~~~~~~\n"
        '  File "/usr/lib/python3.11/threading.py", line 1002, in _bootstrap\n'
        "    self._bootstrap_inner()\n"
        '  File "/app/worker.py", line 12, in loop\n'
        "    item = q.get()\n"
    )
    r = python.parse(dump)
    assert (r.kind, r.frames) == ("deadlock", ["loop"])


def test_gdb_backtrace_without_a_signal():
    assert gdb.parse(GDB_BT).signal == "SIGABRT"  # raise (sig=6) on top
    abort = "#0  0x00007f in abort () from /lib/libc.so.6\n#1  0x0000555 in fatal (msg=0x1) at e.c:9\n"
    assert gdb.parse(abort).signal == "SIGABRT"
    r = gdb.parse("#0  0x0000555 in wait_all (n=2) at w.c:30\n#1  0x0000556 in main () at w.c:40\n")
    assert (r.kind, r.signal, r.frames) == (None, None, ["wait_all", "main"])


def test_valgrind_lines_with_something_before_the_tag():
    text = ("t/TEST0 memcheck0.log ==7== Invalid write of size 4\n"
            "t/TEST0 memcheck0.log ==7==    at 0x1: put (q.c:3)\n"
            "t/TEST0 memcheck0.log ==7==    by 0x2: main (q.c:9)\n")  # fmt: skip
    r = valgrind.parse(text)
    assert (r.kind, r.access, r.size, r.frames) == ("invalid-write", "WRITE", 4, ["put", "main"])
    r = valgrind.parse("=77== 16 bytes in 1 blocks are definitely lost in loss record 1 of 1\n==77==    at 0x1: malloc (vg.c:1)\n")
    assert (r.kind, r.frames) == ("definite-leak", ["malloc"])
