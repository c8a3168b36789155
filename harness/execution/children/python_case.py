"""Child: run a Python case file as __main__. argv: <case file> <profile>

sys.path[0] becomes the case folder (helper modules may live beside the repro); the working
directory is a fresh temporary directory, so nothing in it can shadow a module.

CRASHCOURSE_ASYNCIO_SLOW_CALLBACK_S (a case's `[run] env`): every asyncio event loop the case makes
gets this `slow_callback_duration` instead of asyncio's 0.1 s. A case whose lesson is not a slow
callback sets it, so that in debug mode (the asyncio-debug lens) a loaded machine's slowness is not
reported as the bug: a timing-only warning is not a diagnosis.
"""

import os
import runpy
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # -I leaves the script's dir out
import hangdump  # noqa: E402

hangdump.install()
_slow = os.environ.get("CRASHCOURSE_ASYNCIO_SLOW_CALLBACK_S")
if _slow:
    import asyncio.base_events

    _loop_init = asyncio.base_events.BaseEventLoop.__init__

    def _init(self, *args, **kwargs):
        _loop_init(self, *args, **kwargs)
        self.slow_callback_duration = float(_slow)

    asyncio.base_events.BaseEventLoop.__init__ = _init
case_file, profile = sys.argv[1], sys.argv[2]
sys.argv = [case_file, profile]
sys.path[0] = os.path.dirname(os.path.abspath(case_file))
runpy.run_path(case_file, run_name="__main__")
