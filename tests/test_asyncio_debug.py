"""The asyncio-debug parser on asyncio's own warnings, as CPython 3.11 prints them in debug mode."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from harness.diagnose import asyncio_debug, first_report

STDLIB = "/usr/lib/python3.11/asyncio"

SLOW = (
    "Executing <Task pending name='Task-1' coro=<handler() running at /tmp/x/repro.py:31> "
    f"wait_for=<Future pending cb=[Task.task_wakeup()] created at {STDLIB}/base_events.py:427> "
    f"cb=[_run_until_complete_cb() at {STDLIB}/base_events.py:180] created at {STDLIB}/runners.py:100> took 1.003 seconds\n"
)

NEVER_AWAITED = f"""/tmp/x/repro.py:10: RuntimeWarning: coroutine 'notify' was never awaited
Coroutine created at (most recent call last)
  File "/tmp/x/repro.py", line 22, in <module>
    asyncio.run(main())
  File "{STDLIB}/events.py", line 80, in _run
    self._context.run(self._callback, *self._args)
  File "/tmp/x/repro.py", line 10, in main
    notify()
  notify()
RuntimeWarning: Enable tracemalloc to get the object allocation traceback
"""

NOT_RETRIEVED = f"""Task exception was never retrieved
future: <Task finished name='Task-2' coro=<boom() done, defined at /tmp/x/repro.py:4> exception=ValueError('x') created at {STDLIB}/tasks.py:680>
source_traceback: Object created at (most recent call last):
  File "/tmp/x/repro.py", line 22, in <module>
    asyncio.run(main())
  File "/tmp/x/repro.py", line 11, in main
    t = asyncio.ensure_future(boom())
Traceback (most recent call last):
  File "/tmp/x/repro.py", line 5, in boom
    raise ValueError("x")
ValueError: x
"""

THREAD = f"""Traceback (most recent call last):
  File "/tmp/x/repro.py", line 18, in other
    loop.call_soon(print, 1)
  File "{STDLIB}/base_events.py", line 763, in call_soon
    self._check_thread()
  File "{STDLIB}/base_events.py", line 800, in _check_thread
    raise RuntimeError(
RuntimeError: Non-thread-safe operation invoked on an event loop other than the current one
"""

DESTROYED = f"""Task was destroyed but it is pending!
source_traceback: Object created at (most recent call last):
  File "/tmp/x/repro.py", line 24, in <module>
    t = loop.create_task(forever())
task: <Task pending name='Task-5' coro=<forever() done, defined at /tmp/x/repro.py:6> wait_for=<Future pending cb=[Task.task_wakeup()] created at {STDLIB}/base_events.py:427> created at /tmp/x/repro.py:24>
"""


def test_slow_callback_names_the_coroutine_and_duration():
    r = asyncio_debug.parse(SLOW)
    assert r.kind == "slow-callback" and r.frames == ["handler"]
    assert "handler() at repro.py:31" in r.message and "1.003 seconds" in r.message


def test_never_awaited_frames_are_where_it_was_created():
    r = asyncio_debug.parse(NEVER_AWAITED)
    assert r.kind == "never-awaited" and r.message == "coroutine 'notify' was never awaited (repro.py:10)"
    assert r.frames == ["main", "_run", "<module>"]


def test_exception_never_retrieved_uses_the_task_traceback():
    r = asyncio_debug.parse(NOT_RETRIEVED)
    assert r.kind == "exception-never-retrieved" and r.message == "Task exception was never retrieved: ValueError: x"
    assert r.frames == ["boom"]
    assert first_report(NOT_RETRIEVED).kind == "exception-never-retrieved"  # before the plain traceback parser


def test_non_thread_safe_call():
    r = asyncio_debug.parse(THREAD)
    assert r.kind == "non-thread-safe-call" and r.frames == ["_check_thread", "call_soon", "other"]


def test_destroyed_pending_task():
    r = asyncio_debug.parse(DESTROYED)
    assert r.kind == "task-destroyed-pending" and r.frames == ["forever", "<module>"]
    assert r.message == "Task was destroyed but it is pending! (forever() at repro.py:6)"


def test_first_warning_wins_and_clean_output_is_none():
    assert asyncio_debug.parse(SLOW + NOT_RETRIEVED).kind == "slow-callback"
    assert asyncio_debug.parse(DESTROYED + SLOW).kind == "task-destroyed-pending"
    assert asyncio_debug.parse("hello\nTraceback (most recent call last):\nValueError: x\n") is None


@given(st.text())
def test_never_raises(text):
    asyncio_debug.parse(text)
    asyncio_debug.parse("Task exception was never retrieved\n" + text)
    asyncio_debug.parse("Task was destroyed but it is pending!\ntask: <" + text)


def test_a_case_can_raise_the_slow_callback_threshold_of_every_loop(tmp_path):
    """CRASHCOURSE_ASYNCIO_SLOW_CALLBACK_S (a case's run.env): a step of 0.3 s is a slow callback at asyncio's
    0.1 s, and not at 1 s. Cases whose lesson is not a slow callback set it (a loaded machine passes 0.1 s)."""
    import sys

    from harness.execution.children import CHILDREN
    from harness.execution.run import Limits, run_child, workdir

    case = tmp_path / "repro.py"
    case.write_text("import asyncio, time\nasync def main():\n    time.sleep(0.3)\nasyncio.run(main())\nasyncio.run(main())\n")
    argv = [sys.executable, "-X", "dev", "-I", "-B", str(CHILDREN / "python_case.py"), str(case), "cpython"]
    seen = {}
    for threshold in (None, "1.0"):
        env = {"PYTHONASYNCIODEBUG": "1", **({"CRASHCOURSE_ASYNCIO_SLOW_CALLBACK_S": threshold} if threshold else {})}
        with workdir() as wd:
            r = run_child(argv, wd, env, Limits(timeout_s=30))
        assert r.returncode == 0, r.stderr
        seen[threshold] = len(asyncio_debug.SLOW_RE.findall(r.stderr))
    assert seen == {None: 2, "1.0": 0}  # both loops (asyncio.run makes a new one each time)
