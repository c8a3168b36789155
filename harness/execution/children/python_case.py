"""Child: run a Python case file as __main__. argv: <case file> <profile>. sys.path[0] becomes the case folder
(helper modules may live beside the repro); the working directory is fresh: nothing in it can shadow a module.
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
runpy.run_path(case_file, run_name="__main__")  # line 18: it is in every stack dump of a case (snapshots)
