"""crashcourse: reproducible crash and concurrency bugs, each with its fixed twin.

The harness is layered by stage; each layer imports only the ones below it (import-linter checks
this: `nox -s lint`, contract in pyproject.toml):

    cli, pytest_plugin   the commands and the pytest items                   (top)
    teaching/            pictures, show, quiz, site, exercises, doctor (the pre-flight)
    scoring/             analyzers, score, scoreboard, SARIF, CWE mapping
    report/              the terminal table for people
    pipeline/            one run end to end: execute, compare, the run record, snapshots; prepare (build all)
    lenses/              each way to run a case (plain, asan, gdb, valgrind, ...)
    diagnose/            observe + diagnose: a child's output -> Observation (kind, frames...)
    execution/           build (cffi, cached) and run a child (limits, containment, hang proofs); toolchain probes
    corpus/              what a case is: manifests, discovery, truth, the lens catalogue, the machine, where it is
    errors               the one-line errors (exit 2)                         (bottom)
"""

__version__ = "0.1.0"
