"""Child: import a case's cffi extension module and call its cc_main(). Exit status = its return value.

argv: <module dir> <module name>
"""

import importlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # -I leaves the script's dir out
import hangdump  # noqa: E402

hangdump.install()
moddir, name = sys.argv[1], sys.argv[2]
sys.path.insert(0, moddir)
lib = importlib.import_module(name).lib
lib.cc_unbuffer()
sys.stdout.flush()
sys.exit(lib.cc_main())
