"""Child: run a Python case file as __main__ (argv: <case file> <profile>) from the case's folder as sys.path[0],
in a fresh working directory. Keep run_path on line 18, as it is: stack dumps (snapshots) show that line.
"""

import os
import runpy
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # -I leaves the script's dir out
import hangdump  # noqa: E402
import slow_callback  # noqa: E402

hangdump.install()
slow_callback.install()  # CRASHCOURSE_ASYNCIO_SLOW_CALLBACK_S: every asyncio loop's slow-callback threshold
case_file, profile = sys.argv[1], sys.argv[2]
sys.argv = [case_file, profile]
sys.path[0] = os.path.dirname(os.path.abspath(case_file))
runpy.run_path(case_file, run_name="__main__")
