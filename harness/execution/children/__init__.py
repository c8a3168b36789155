"""Scripts that run *inside* the child process (never imported by the harness itself).

Each is started as `sys.executable -X faulthandler -I <script> ...`: isolated mode keeps the
user's site-packages shadows and the working directory out of sys.path.
"""

from pathlib import Path

#: Where the scripts are; a snapshot writes it `<children>`, so it reads the same in a clone and an install.
CHILDREN = Path(__file__).resolve().parent
