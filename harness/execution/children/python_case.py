"""Child: run a Python case file as __main__. argv: <case file> <profile>

sys.path[0] becomes the case folder (helper modules may live beside the repro); the working
directory is a fresh temporary directory, so nothing in it can shadow a module.
"""

import os
import runpy
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # -I leaves the script's dir out
import hangdump  # noqa: E402

hangdump.install()
case_file, profile = sys.argv[1], sys.argv[2]
sys.argv = [case_file, profile]
sys.path[0] = os.path.dirname(os.path.abspath(case_file))
runpy.run_path(case_file, run_name="__main__")
