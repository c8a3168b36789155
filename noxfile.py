"""Sessions: `nox -s cases` (the workshop), `nox -s tests` (the test suite), `nox -s lint`, `nox -s docs`, `nox -s bench`.

Arguments after `--` go to the underlying command: `nox -s cases -- double-free --lens asan`.
"""

import os

import nox

nox.options.sessions = ["cases", "tests", "lint"]
nox.options.reuse_existing_virtualenvs = True

def _install(session, *extras):
    spec = "." + (f"[{','.join(extras)}]" if extras else "")
    session.install("-e", spec)


@nox.session
def cases(session):
    """Run the whole corpus with progress and a results table (exit 1 on any mismatch)."""
    _install(session)
    session.run("crashcourse", "run", *session.posargs)


@nox.session
def tests(session):
    """Unit tests and the corpus as a regression suite, in parallel (pytest-xdist)."""
    _install(session, "test", "docs", "analyzers")  # docs: the site build and browser test are tests too
    session.install("tests/analyzer_plugin")  # a third-party analyzer, found by its entry point
    args = session.posargs or ["-n", "auto", "--dist", "loadgroup"]
    if os.environ.get("CI") and "--cc-no-skip" not in args:
        args = [*args, "--cc-no-skip"]  # CI installed every tool: a skipped lens is a failure there
    session.run("pytest", *args)


@nox.session
def lint(session):
    """ruff, and import-linter's contract (pyproject.toml): stages import only downward, no cycles."""
    session.install("ruff>=0.5", "import-linter>=2.1")
    session.run("ruff", "check", "harness", "tests", "noxfile.py", "bench", "docs/gen_pages.py")
    session.run("lint-imports", env={"PYTHONPATH": os.getcwd()})


@nox.session
def docs(session):
    """Build the site strictly (`nox -s docs -- serve` serves it)."""
    _install(session, "docs")
    if session.posargs and session.posargs[0] == "serve":
        session.run("mkdocs", "serve", *session.posargs[1:])
    else:
        session.run("mkdocs", "build", "--strict", *session.posargs)


@nox.session
def bench(session):
    """Corpus wall time and per-run overhead against a bare Python child; medians."""
    _install(session)
    session.run("python", "bench/bench.py", *session.posargs)
