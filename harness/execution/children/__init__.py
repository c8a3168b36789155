"""Scripts that run *inside* the child process (never imported by the harness itself).

Each is started as `sys.executable -X faulthandler -I <script> ...`: isolated mode keeps the
user's site-packages shadows and the working directory out of sys.path.
"""
