"""asyncio-debug: a Python case in asyncio's debug mode and Python's development mode.

The child runs with `-X dev` and PYTHONASYNCIODEBUG=1. Development mode turns asyncio's debug mode on
by itself (the child runs isolated, `-I`, which ignores PYTHON* variables; the variable is set for
any non-isolated Python the case starts). In debug mode asyncio logs a callback or task step that
holds the loop longer than 0.1 s ("Executing <Task ...> took 1.002 seconds"), records where every
coroutine and task was created (so "never awaited", "Task was destroyed but it is pending!" and
"Task exception was never retrieved" say where), and raises when a thread that does not run the loop
calls a non-thread-safe loop method. harness/diagnose/asyncio_debug.py reads those warnings.

The slow-callback warning is about time only, and a loaded machine makes ordinary steps pass 0.1 s
(0.102 s and 0.111 s were seen beside two CPU burners): a case whose lesson is not a slow callback
sets `CRASHCOURSE_ASYNCIO_SLOW_CALLBACK_S` in its `[run] env` (1.0 in coroutine-never-awaited,
loop-call-from-thread, task-exception-never-retrieved, task-gc-pending), and the child
(harness/execution/children/slow_callback.py) gives every event loop that threshold. The case about a
slow callback (blocking-call-in-coroutine: a 0.5 s stall) sets 0.3 s, the line its own max_stall_ms
metric draws between a tick and a stall.
"""

from __future__ import annotations

import sys
from pathlib import Path

from harness.corpus.manifest import RunSpec
from harness.execution.run import python_stacks
from harness.lenses.base import CHILDREN, Lens, Plan, base_env, limits_for


class AsyncioDebugLens(Lens):
    name = "asyncio-debug"

    def plan(self, spec: RunSpec, artifact, workdir: Path) -> Plan:
        src = str(spec.case.source(spec.variant))
        argv = [sys.executable, "-X", "dev", "-X", "faulthandler", "-I", "-B", str(CHILDREN / "python_case.py"), src, spec.profile]
        env = base_env(spec, workdir)
        env["PYTHONASYNCIODEBUG"] = "1"
        return Plan(argv, env, limits_for(spec), python_stacks, send_signal=spec.case.run.get("send_signal"))
