"""Installed in every Python child: CRASHCOURSE_ASYNCIO_SLOW_CALLBACK_S (a case's `[run] env`) becomes the
`slow_callback_duration` of every asyncio event loop the case makes, instead of asyncio's 0.1 s.

In debug mode (the asyncio-debug lens) asyncio logs any step that holds the loop longer than that:
a timing-only warning, which a loaded machine triggers on ordinary code. A case whose lesson is not a
slow callback raises the threshold so that the machine's slowness is not reported as the bug.
Nothing happens (asyncio is not even imported) when the variable is not set.
"""

import os


def install() -> None:
    seconds = os.environ.get("CRASHCOURSE_ASYNCIO_SLOW_CALLBACK_S")
    if not seconds:
        return
    import asyncio.base_events

    loop_init = asyncio.base_events.BaseEventLoop.__init__

    def __init__(self, *args, **kwargs):
        loop_init(self, *args, **kwargs)
        self.slow_callback_duration = float(seconds)

    asyncio.base_events.BaseEventLoop.__init__ = __init__
