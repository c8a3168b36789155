"""Pictures drawn from observed runs: the numbers come from the report, every kind has a text form."""

import pytest

from harness.corpus.discover import load_all
from harness.pipeline.record import describe
from harness.pipeline.snapshots import observed_from_summary, stored
from harness.teaching.pictures import (
    KINDS,
    RunView,
    catches,
    lanes,
    lifetime,
    memory_map,
    pictures_for,
    signal_path,
    views_from_snapshots,
)

ASAN_HEAP = """\
=================================================================
==PID==ERROR: AddressSanitizer: heap-buffer-overflow on address 0xADDR at pc 0xADDR bp 0xADDR sp 0xADDR
WRITE of size 15 at 0xADDR thread T0
    #0 0xADDR in __interceptor_memcpy ../../../../src/libsanitizer/sanitizer_common/sanitizer_common_interceptors.inc:827
    #1 0xADDR  (<site-packages>/lupa/luajit21.cpython-311-x86_64-linux-gnu.so+0xADDR)

0xADDR is located 0 bytes to the right of 38-byte region [0xADDR,0xADDR)
allocated by thread T0 here:
    #0 0xADDR in __interceptor_realloc ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:85
    #1 0xADDR in make_buffer <case>/repro.c:12
"""
ASAN_DOUBLE_FREE = """\
==PID==ERROR: AddressSanitizer: attempting double-free on 0xADDR in thread T0:
    #0 0xADDR in __interceptor_free ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:52
    #1 0xADDR in cc_main <case>/repro.c:58
0xADDR is located 0 bytes inside of 32-byte region [0xADDR,0xADDR)
freed by thread T0 here:
    #0 0xADDR in __interceptor_free ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:52
    #1 0xADDR in session_close <case>/repro.c:44
previously allocated by thread T0 here:
    #0 0xADDR in __interceptor_malloc ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:69
    #1 0xADDR in session_open <case>/repro.c:30
"""
VALGRIND_BLOCK = """\
==PID== Invalid read of size 1
==PID==    at 0xADDR: cc_main (repro.c:45)
==PID==  Address 0xADDR is 1 bytes after a block of size 10 alloc'd
==PID==    at 0xADDR: malloc (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
==PID==    by 0xADDR: cc_main (repro.c:36)
"""
ASAN_STACK = """\
==PID==ERROR: AddressSanitizer: stack-buffer-overflow on address 0xADDR
WRITE of size 41 at 0xADDR thread T0
    #0 0xADDR in __interceptor_strcpy ../../../../src/libsanitizer/asan/asan_interceptors.cpp:425
    #1 0xADDR in greet <case>/repro.c:32
Address 0xADDR is located in stack of thread T0 at offset 48 in frame
    #0 0xADDR in greet <case>/repro.c:28

  This frame has 1 object(s):
    [32, 48) 'buf' (line 29) <== Memory access at offset 48 overflows this variable
"""
TSAN = """\
WARNING: ThreadSanitizer: data race (pid=PID)
  Write of size 8 at 0xADDR by thread T2:
    #0 assign <case>/repro.c:48 (exe+0xADDR)
    #1 thread2 <case>/repro.c:66 (exe+0xADDR)

  Previous read of size 8 at 0xADDR by thread T1:
    #0 assign <case>/repro.c:46 (exe+0xADDR)
    #1 thread1 <case>/repro.c:65 (exe+0xADDR)
"""


def view(lens, stderr, stdout="", **obs):
    return RunView("bug", lens, "p", {"signal": None, "timed_out": False, "kind": None, **obs}, stderr, stdout)


def test_memory_map_numbers_are_the_reports():
    mm = memory_map.extract([view("asan", ASAN_HEAP, kind="heap-buffer-overflow")])
    assert (mm.length, mm.access, mm.size, mm.first_bad, mm.range_access) == (38, "WRITE", 15, 38, True)
    assert mm.start == 24 and mm.allocated_at == "make_buffer (repro.c:12)"
    pic = memory_map.draw(mm)
    assert "38-byte heap region" in pic.svg and "WRITE of size 15" in pic.svg
    assert "<desc" in pic.svg and "0 bytes to the right" in pic.alt
    assert "\n\n" not in pic.svg  # a blank line would end Markdown's raw HTML block


def test_memory_map_adds_malloc_slack_from_a_plain_run():
    views = [view("plain", "", "CRASHCOURSE_METRIC usable_size=24\n"), view("valgrind", VALGRIND_BLOCK, kind="invalid-read")]
    mm = memory_map.extract(views)
    assert (mm.what, mm.first_bad, mm.size, mm.slack_usable) == ("10-byte heap block", 11, 1, 24)
    assert "plain run sees nothing" in memory_map.draw(mm).alt


def test_memory_map_of_a_stack_frame_starts_a_range_at_the_object_it_overflows():
    mm = memory_map.extract([view("asan", ASAN_STACK, kind="stack-buffer-overflow")])
    assert mm.objects == [(32, 48, "buf")] and (mm.start, mm.size, mm.first_bad) == (32, 41, 48)


def test_lifetime_three_stacks():
    lt = lifetime.extract([view("asan", ASAN_DOUBLE_FREE, kind="double-free")])
    assert [(p.label, p.func, p.loc) for p in lt.points] == [
        ("allocated", "session_open", "repro.c:30"), ("freed", "session_close", "repro.c:44"), ("freed again", "cc_main", "repro.c:58"),
    ]  # fmt: skip
    assert lt.obj == "32-byte block"


def test_lanes_from_steps_find_the_cycle_and_a_release_breaks_it():
    bug = "\n".join([
        "CRASHCOURSE_STEP reader holds cache_lock", "CRASHCOURSE_STEP reader waits loop-thread -- suspended",
        "CRASHCOURSE_STEP writer holds loop-thread", "CRASHCOURSE_STEP writer waits cache_lock",
    ])  # fmt: skip
    ln = lanes.extract([view("plain", "", bug, timed_out=True, kind="deadlock")])
    assert ln.lanes == ["reader", "writer"] and sorted(ln.cycle) == ["reader", "writer"]
    graph = lanes.draw_graph(ln)
    assert "The cycle reader → writer → reader is the deadlock" in graph.alt
    fixed = bug.replace("CRASHCOURSE_STEP writer holds loop-thread", "CRASHCOURSE_STEP reader releases cache_lock")
    assert lanes.extract([view("plain", "", fixed)]).cycle == []


def test_lanes_from_a_tsan_report_put_the_previous_access_first():
    ln = lanes.extract([view("tsan", TSAN, kind="data-race")])
    assert [(s.lane, s.verb) for s in ln.steps] == [("T1", "race-read"), ("T2", "race-write")]
    assert "repro.c:46" in ln.steps[0].note and "repro.c:48" in ln.steps[1].note


def test_signal_path_of_a_refault_loop_goes_round():
    class C:
        tags, picture = ["signals"], {}

    v = view("plain", "caught SIGSEGV, backtrace:\nprog(lookup+0x1a)[0x4011]\n", timed_out=True, kind="livelock")
    sp = signal_path.extract(C(), [v])
    assert sp.loops and sp.signal == "SIGSEGV" and "lookup" in sp.where
    assert "round again" in signal_path.draw(sp).alt


@pytest.mark.parametrize("obs", [
    {"signal": "SIGSEGV", "core_dumped": True},
    {"exit_code": 1, "kind": "heap-buffer-overflow", "access": "WRITE", "size": 15, "tool": "asan"},
    {"timed_out": True, "cpu_s": 0.1, "kind": "deadlock", "tool": "watchdog"},
    {"kind": "invalid-free", "tool": "valgrind", "exit_code": 0},
])  # fmt: skip
def test_snapshot_summary_reads_back(obs):
    back = observed_from_summary(describe(obs))
    for k, v in obs.items():
        if k not in ("cpu_s", "exit_code") or (k == "exit_code" and v):
            assert back[k] == v, k


def test_every_corpus_case_has_a_picture_and_the_ffi_copy_map_has_its_numbers():
    found = {}
    for case in load_all():
        pics = pictures_for(case, views_from_snapshots(case, stored(case.path)))
        assert pics and pics[-1].kind == "catches"
        found[case.id] = pics
        for p in pics:
            assert p.alt and p.lines and p.svg.startswith("<svg")
    ffi = found.get("luajit-ffi-copy-off-by-one")
    if ffi:
        mm = next(p for p in ffi if p.kind == "memory-map")
        assert "38-byte heap region" in mm.svg and "WRITE of size 15" in mm.svg


LSAN = """\
==PID==ERROR: LeakSanitizer: detected memory leaks

Direct leak of 24 byte(s) in 1 object(s) allocated from:
    #0 0xADDR in __interceptor_malloc ../../../../src/libsanitizer/lsan/lsan_interceptors.cpp:75
    #1 0xADDR in ul_extend <case>/repro.c:43
    #2 0xADDR in cc_main <case>/repro.c:79

Indirect leak of 72 byte(s) in 3 object(s) allocated from:
    #0 0xADDR in __interceptor_malloc ../../../../src/libsanitizer/lsan/lsan_interceptors.cpp:75
    #1 0xADDR in ul_extend <case>/repro.c:43
"""
TSAN_LOCKS = """\
WARNING: ThreadSanitizer: lock-order-inversion (potential deadlock) (pid=PID)
  Cycle in lock order graph: M0 (0xADDR) => M1 (0xADDR) => M0

  Mutex M1 acquired here while holding mutex M0 in thread T1:
    #0 pthread_mutex_lock ../../../../src/libsanitizer/sanitizer_common/sanitizer_common_interceptors.inc:4324 (libtsan.so.2+0xADDR)
    #1 transfer <case>/repro.c:34 (exe+0xADDR)

  Mutex M0 previously acquired by the same thread here:
    #0 pthread_mutex_lock ../../../../src/libsanitizer/sanitizer_common/sanitizer_common_interceptors.inc:4324 (libtsan.so.2+0xADDR)
    #1 transfer <case>/repro.c:32 (exe+0xADDR)

  Mutex M0 acquired here while holding mutex M1 in thread T2:
    #0 pthread_mutex_lock ../../../../src/libsanitizer/sanitizer_common/sanitizer_common_interceptors.inc:4324 (libtsan.so.2+0xADDR)
    #1 report <case>/repro.c:46 (exe+0xADDR)

  Mutex M1 previously acquired by the same thread here:
    #0 pthread_mutex_lock ../../../../src/libsanitizer/sanitizer_common/sanitizer_common_interceptors.inc:4324 (libtsan.so.2+0xADDR)
    #1 report <case>/repro.c:45 (exe+0xADDR)
"""


def test_a_leak_is_a_lifetime_that_never_ends():
    class C:
        tags, picture = [], {}

    [pic] = lifetime.pictures(C(), [view("lsan", LSAN, kind="direct-leak")])
    assert "24 bytes in 1 object(s), direct, allocated in ul_extend at repro.c:43" in pic.alt
    assert "72 bytes in 3 object(s), indirect" in pic.alt


def test_tsan_lock_order_inversion_draws_the_cycle():
    ln = lanes.extract([view("tsan", TSAN_LOCKS, kind="lock-order-inversion")])
    assert [(s.lane, s.verb, s.obj) for s in ln.steps] == [
        ("T1", "holds", "M0"), ("T1", "waits", "M1"), ("T2", "holds", "M1"), ("T2", "waits", "M0"),
    ]  # fmt: skip
    assert sorted(ln.cycle) == ["T1", "T2"]


def test_ubsan_index_is_drawn_in_elements():
    mm = memory_map.extract([view("ubsan", "<case>/repro.c:37:17: runtime error: index 8 out of bounds for type 'uint8_t [8]'\n")])
    assert (mm.unit, mm.length, mm.first_bad) == ("elements", 8, 8)
    assert "valid indexes are 0 to 7" in memory_map.draw(mm).alt


# ---- the terminal: every kind readable at 80 columns, distinct threads kept distinct -------------------

PY_HANG = """\
Thread 0xTHREAD (most recent call first):
  File "<case>/repro.py", line 52 in validate_bank
  File "<case>/repro.py", line 70 in audits
  File "<stdlib>/threading.py", line 982 in run

Thread 0xTHREAD (most recent call first):
  File "<case>/repro.py", line 44 in do_transfer
  File "<case>/repro.py", line 64 in transfers
  File "<stdlib>/threading.py", line 982 in run

Current thread 0xADDR (most recent call first):
  File "<stdlib>/threading.py", line 1139 in _wait_for_tstate_lock
  File "<case>/repro.py", line 81 in <module>
CRASHCOURSE_STACKS_BEGIN tasks
CRASHCOURSE_STACKS_END
"""


@pytest.mark.parametrize("ids", [("0xTHREAD", "0xTHREAD"), ("0x00007f1c2d3e4700", "0x00007f1c2c3d2700")])
def test_threads_whose_ids_read_the_same_are_still_two_lanes(ids):
    """A snapshot scrubs every thread id to 0xTHREAD; a live run has real ones: the lanes are the same."""
    text = PY_HANG.replace("0xTHREAD", ids[0], 1).replace("0xTHREAD", ids[1], 1)
    ln = lanes.extract([view("plain", text, timed_out=True, kind="deadlock")])
    assert ln.lanes == ["thread 1 (audits)", "thread 2 (transfers)", "main thread"]
    assert [s.obj for s in ln.steps] == ["validate_bank (repro.py:52)", "do_transfer (repro.py:44)", "<module> (repro.py:81)"]


def test_identical_leaked_tasks_are_one_lane_with_their_count():
    task = '--- asyncio task __main__.handle (most recent call first) ---\n  File "<case>/repro.py", line 43 in handle\n'
    ln = lanes.extract([view("plain", "CRASHCOURSE_STACKS_BEGIN tasks\n" + task * 3, timed_out=True, kind="deadlock")])
    assert ln.lanes == ["asyncio task __main__.handle ×3"]


def test_abba_lock_order_snapshot_shows_both_workers():
    [case] = [c for c in load_all() if c.id == "abba-lock-order"]
    [pic] = [p for p in pictures_for(case, views_from_snapshots(case, stored(case.path))) if p.kind == "lanes"]
    text = "\n".join(pic.lines)
    assert "thread 1 (audits)" in text and "thread 2 (transfers)" in text and "main thread" in text
    assert "validate_bank" in text and "do_transfer" in text


LUAJIT_UAF = """\
==PID==ERROR: AddressSanitizer: heap-use-after-free on address 0xADDR at pc 0xADDR bp 0xADDR sp 0xADDR
READ of size 8 at 0xADDR thread T0
    #0 0xADDR in lj_gc_finalize_cdata <cache>/luajit-old-a4cec9c5b09810d8/src/lj_gc.c:539
    #1 0xADDR in cpfinalize <cache>/luajit-old-a4cec9c5b09810d8/src/lj_state.c:235

0xADDR is located 40 bytes inside of 64-byte region [0xADDR,0xADDR)
freed by thread T0 here:
    #0 0xADDR in __interceptor_free ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:52
    #1 0xADDR in mem_alloc <cache>/luajit-old-a4cec9c5b09810d8/src/lib_aux.c:325
    #2 0xADDR in lj_mem_free <cache>/luajit-old-a4cec9c5b09810d8/src/lj_gc.h:120
    #3 0xADDR in lj_tab_free <cache>/luajit-old-a4cec9c5b09810d8/src/lj_tab.c:242
    #4 0xADDR in gc_sweep <cache>/luajit-old-a4cec9c5b09810d8/src/lj_gc.c:406

previously allocated by thread T0 here:
    #0 0xADDR in __interceptor_realloc ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:85
    #1 0xADDR in mem_alloc <cache>/luajit-old-a4cec9c5b09810d8/src/lib_aux.c:328
    #2 0xADDR in lj_mem_newgco <cache>/luajit-old-a4cec9c5b09810d8/src/lj_gc.c:831
    #3 0xADDR in newtab <cache>/luajit-old-a4cec9c5b09810d8/src/lj_tab.c:122
    #4 0xADDR in lj_tab_new <cache>/luajit-old-a4cec9c5b09810d8/src/lj_tab.c:160
    #5 0xADDR in ffi_finalizer <cache>/luajit-old-a4cec9c5b09810d8/src/lib_ffi.c:828
    #6 0xADDR in luaopen_ffi <cache>/luajit-old-a4cec9c5b09810d8/src/lib_ffi.c:852
"""


def test_a_uaf_inside_the_runtime_names_the_frames_the_report_is_read_by():
    """No frame of the case: the allocator's plumbing (mem_alloc, lj_mem_*) and, for the allocation, the
    table's constructor are skipped, as the case's README reads the report."""
    lt = lifetime.extract([view("asan", LUAJIT_UAF, kind="heap-use-after-free")])
    assert [(p.func, p.loc) for p in lt.points] == [
        ("ffi_finalizer", "lib_ffi.c:828"), ("lj_tab_free", "lj_tab.c:242"), ("lj_gc_finalize_cdata", "lj_gc.c:539"),
    ]  # fmt: skip
    [case] = [c for c in load_all() if c.id == "luajit-finalizer-uaf"]
    [pic] = [p for p in pictures_for(case, views_from_snapshots(case, stored(case.path))) if p.kind == "lifetime"]
    assert "mem_alloc" not in pic.alt and "ffi_finalizer" in pic.alt and "lj_tab_free" in pic.alt
    for name in ("ffi_finalizer", "lj_tab_free", "lj_gc_finalize_cdata"):
        assert name in case.explain["asan"]  # what the case's own text says


LONG = "handle_resize_events_of_the_main_window_task"


def _rendered(pics, width=80) -> list[str]:
    from rich.console import Console

    from harness.teaching.pictures import render_terminal

    con = Console(width=width, record=True, color_system=None, file=open("/dev/null", "w"))
    con.print(render_terminal(pics))
    return con.export_text().splitlines()


def _names_whole(pic, names):
    out = "\n".join(_rendered([pic]))
    for line in pic.lines:
        assert len(line) <= 76, line  # fits a panel on 80 columns: never wrapped into the drawing
        assert line in out, line
    for name in names:
        assert any(name in line for line in pic.lines), name  # a name is never cut


def test_every_kind_of_picture_reads_at_80_columns_with_its_names_whole():
    class C:
        id, tags, picture, lenses = "x", ["signals"], {}, ["plain", "asan", "tsan"]
        flaw = type("F", (), {"missed_by": {"plain": "the byte lands in the allocator's slack: " + "nothing breaks " * 6}})()
        expectations = []

        def profiles_for(self, lens):
            return ["p"]

    mm = memory_map.draw(memory_map.extract([view("asan", ASAN_HEAP, kind="heap-buffer-overflow")]))
    _names_whole(mm, ["38-byte heap region", "WRITE of size 15", "first bad byte, offset 38"])
    uaf = lifetime.draw(lifetime.extract([view("asan", LUAJIT_UAF, kind="heap-use-after-free")]))
    _names_whole(uaf, ["ffi_finalizer", "lib_ffi.c:828", "lj_tab_free", "lj_gc_finalize_cdata", "used after free: READ of size 8"])
    steps = "\n".join(f"CRASHCOURSE_STEP {who} {verb} {obj}" for who, verb, obj in [
        (LONG, "holds", "cache_lock"), ("reader_thread_of_the_configuration_cache", "waits", "cache_lock"),
        ("writer", "holds", "loop-thread"), (LONG, "waits", "loop-thread"), ("fourth_lane", "does", "nothing_much"),
    ])  # fmt: skip
    ln = lanes.extract([view("plain", "", steps, timed_out=True, kind="deadlock")])
    _names_whole(lanes.draw_lanes(ln), [LONG, "reader_thread_of_the_configuration_cache", "writer", "fourth_lane"])
    _names_whole(lanes.draw_graph(ln), [LONG, "writer"])
    two = lanes.extract([view("tsan", TSAN, kind="data-race")])
    _names_whole(lanes.draw_lanes(two), ["T1", "T2", "assign (repro.c:46)", "thread2 (repro.c:66)"])
    hang = lanes.extract([view("plain", PY_HANG, timed_out=True, kind="deadlock")])
    _names_whole(lanes.draw_lanes(hang), ["thread 1 (audits)", "thread 2 (transfers)", "validate_bank", "(repro.py:52)"])
    v = view("plain", "caught SIGSEGV, backtrace:\nprog(lookup_the_configuration_entry+0x1a)[0x4011]\n", timed_out=True, kind="livelock")
    sp = signal_path.draw(signal_path.extract(C(), [v]))
    _names_whole(sp, ["lookup_the_configuration_entry", "the MMU faults: no valid mapping for that address"])
    cat = catches.picture(C(), [view("asan", ASAN_HEAP, kind="heap-buffer-overflow"), view("plain", "")])
    _names_whole(cat, ["asan@p", "heap-buffer-overflow", "plain@p", "labelled false negative", "allocator's slack"])
    leak = lifetime.pictures(C(), [view("lsan", LSAN, kind="direct-leak")])[0]
    _names_whole(leak, ["ul_extend (repro.c:43)"])
    assert {p.kind for p in (mm, uaf, lanes.draw_lanes(ln), lanes.draw_graph(ln), sp, cat)} == set(KINDS)


def test_the_corpus_pictures_fit_80_columns():
    for case in load_all():
        for pic in pictures_for(case, views_from_snapshots(case, stored(case.path))):
            over = [line for line in pic.lines if len(line) > 76 and " " in line.strip()]
            assert not over, (case.id, pic.kind, over)
