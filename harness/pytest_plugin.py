"""pytest plugin (registered through the `pytest11` entry point): every case x variant x lens is a test.

    pytest cases/                       # the whole corpus as a regression suite
    pytest -n 2 -k 'double-free and asan'

Item ids read like `cases/double-free/case.toml::bug-asan-asan`. A run whose tool is missing, or
whose expectation was observed only on another kind of machine, is skipped with its reason. A run
whose expectation was observed only under another compiler passes on its compiler-neutral checks
with a warning saying so (`partial` in its record); `--cc-no-skip` makes it fail, like a skip.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.corpus.paths import cases_dir


def pytest_addoption(parser):
    group = parser.getgroup("crashcourse")
    group.addoption("--cc-lens", action="append", default=None, help="crashcourse: only runs under this lens")
    group.addoption("--cc-repeat", type=int, default=1, help="crashcourse: run each case this many times")
    group.addoption("--cc-no-skip", action="store_true", help="crashcourse: a skipped run (missing tool) fails, and so "
                    "does a partial one (checked on the compiler-neutral fields only)")
    group.addoption("--cc-analyzer", action="append", default=None, metavar="NAME",
                    help="crashcourse: score this analyzer instead of running the lenses; each case x variant is an item "
                    "(the bug passes when it reports the flaw at a flaw line, the fixed twin when it stays silent)")
    group.addoption("--cc-tolerance", type=int, default=0, help="crashcourse: with --cc-analyzer, lines of slack (default 0)")
    group.addoption("--cc-sighted", action="store_true", help="crashcourse: with --cc-analyzer, give analyzers the case folders "
                    "as they are (comments, BUG markers, file names) instead of the blind view")
    group.addoption("--cc-seed", type=int, default=None, help="crashcourse: with --cc-analyzer, the blind view's unit numbering")


def pytest_configure(config):
    from harness.corpus.catalog import LENS_INFO as LENSES

    if config.getoption("--cc-analyzer", None):
        from harness.errors import UsageError
        from harness.scoring import analyzers

        try:
            config._cc_analyzers = analyzers.resolve(config.getoption("--cc-analyzer"))
        except UsageError as e:
            raise pytest.UsageError(str(e)) from None
        config._cc_view = None
        if not config.getoption("--cc-sighted"):
            import tempfile

            from harness.corpus.discover import load_all
            from harness.scoring import blind

            seed = config.getoption("--cc-seed")
            try:  # numbered over the whole corpus, whatever is collected: a unit's name does not depend on -k
                corpus = load_all()
            except UsageError as e:
                raise pytest.UsageError(str(e)) from None
            root = Path(tempfile.mkdtemp(prefix="crashcourse-blind-"))
            config._cc_view = blind.BlindView(corpus, blind.DEFAULT_SEED if seed is None else seed, root)

    for name, lens in LENSES.items():
        config.addinivalue_line("markers", f"{name}: runs under the crashcourse '{name}' lens ({lens.description})")


def pytest_unconfigure(config):
    view = getattr(config, "_cc_view", None)
    if view is not None and view.root is not None:
        import shutil

        shutil.rmtree(view.root, ignore_errors=True)


def pytest_report_header(config):
    if not getattr(config, "_cc_analyzers", None):
        return None
    names = ", ".join(a.name for a in config._cc_analyzers)
    view = getattr(config, "_cc_view", None)
    if view is None:
        return (f"crashcourse: SIGHTED analyzer scoring ({names}): analyzers read the case folders as they are "
                "(comments, BUG markers, file names); not comparable with blind scores")  # fmt: skip
    return (f"crashcourse: blind analyzer scoring ({names}): each analyzer reads unit-NNNN/main.<ext>, comments, "
            f"markers and names removed (seed {view.seed}); lenses run the case")  # fmt: skip


def pytest_collect_file(file_path: Path, parent):
    if file_path.name == "case.toml" and file_path.parent.parent.resolve() == cases_dir():
        if not file_path.parent.name.startswith(("_", ".")):
            return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    def collect(self):
        from harness.corpus.manifest import load_case

        case = load_case(self.path.parent)  # a malformed manifest is a collection error naming the field
        chosen = getattr(self.config, "_cc_analyzers", None)
        if chosen:
            for analyzer in chosen:
                for variant in ("bug", "fixed"):
                    yield AnalyzerItem.from_parent(self, name=f"{analyzer.name}-{variant}", case=case,
                                                   analyzer=analyzer, variant=variant)  # fmt: skip
            return
        lenses = self.config.getoption("--cc-lens")
        for spec in case.runs(lenses=lenses):
            for r in range(self.config.getoption("--cc-repeat")):
                name = f"{spec.variant}-{spec.lens}-{spec.profile}" + (f"-r{r}" if r else "")
                yield CaseRun.from_parent(self, name=name, spec=spec, repeat=r)
        if not lenses and case.exercise is not None:  # the case as a workshop exercise, under all its lenses
            yield ExerciseItem.from_parent(self, name="exercise-check", case=case)


class CaseRunFailed(Exception):
    pass


class CaseRun(pytest.Item):
    def __init__(self, *, spec, repeat: int = 0, **kw):
        super().__init__(**kw)
        self.spec, self.repeat = spec, repeat
        self.add_marker(getattr(pytest.mark, spec.lens))
        self.extra_keyword_matches.update(spec.case.tags)  # -k memory, -k concurrency ...
        self.record = None

    def runtest(self):
        from harness.pipeline.execute import execute, prepare_one

        artifact = prepare_one(self.spec)
        rec = execute(self.spec, artifact, self.repeat)
        self.record = rec
        self.user_properties.append(("record", rec.as_json()))
        if rec.skipped:
            if self.config.getoption("--cc-no-skip"):
                pytest.fail(f"skipped, but --cc-no-skip is on: {rec.skipped}", pytrace=False)
            pytest.skip(str(rec.skipped))
        if not rec.ok:
            raise CaseRunFailed(rec)
        if rec.partial:
            if self.config.getoption("--cc-no-skip"):
                pytest.fail(f"partial, but --cc-no-skip is on: {rec.partial}", pytrace=False)
            import warnings

            warnings.warn(pytest.PytestWarning(f"{rec.id}: {rec.partial}"), stacklevel=1)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, CaseRunFailed):
            from harness.pipeline.record import describe

            rec = excinfo.value.args[0]
            lines = [f"{rec.id}: observed {describe(rec.observed)}"]
            lines += [f"  {m}" for m in rec.mismatches]
            if rec.observed.get("message"):
                lines.append(f"  message: {rec.observed['message']}")
            tail = rec.stderr.strip().splitlines()[-25:]
            if tail:
                lines += ["  --- child stderr (last lines) ---"] + [f"  {ln}" for ln in tail]
            return "\n".join(lines)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.spec.case.id}[{self.name}]"


class ExerciseItem(pytest.Item):
    """`crashcourse exercise check` on the case's own twins: the fixed twin passes, the bug fails for its bug."""

    def __init__(self, *, case, **kw):
        super().__init__(**kw)
        self.case = case
        self.extra_keyword_matches.update([*case.tags, "exercise"])

    def runtest(self):
        import shutil
        import tempfile

        from harness.teaching.exercises.selftest import verify

        tmp = Path(tempfile.mkdtemp(prefix="crashcourse-exercise-"))
        try:
            problems = verify(self.case, tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        if problems:
            raise CaseRunFailed(None, problems)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, CaseRunFailed):
            return f"{self.case.id} as an exercise:\n  " + "\n  ".join(excinfo.value.args[1])
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.case.id}[exercise-check]"


class AnalyzerVerdict(Exception):
    pass


class AnalyzerItem(pytest.Item):
    """One case variant under one analyzer (--cc-analyzer): the analyzer corpus as test items."""

    def __init__(self, *, case, analyzer, variant, **kw):
        super().__init__(**kw)
        self.case, self.analyzer, self.variant = case, analyzer, variant
        self.extra_keyword_matches.update(case.tags + [case.flaw.cls if case.flaw else ""])

    def runtest(self):
        from harness.scoring import blind
        from harness.scoring.score import judge

        view = getattr(self.config, "_cc_view", None)
        if view is not None and blind.reads_code(self.analyzer):
            result = view.analyze(self.analyzer, [(self.case, self.variant)], 1)[0]
        else:
            result = self.analyzer.analyze_all([(self.case, self.variant)], 1)[0]
        unit = judge(self.case, self.variant, result, self.config.getoption("--cc-tolerance"))
        self.user_properties.append(("unit", unit))
        if unit["status"] == "n/a":
            pytest.skip(unit["reason"])
        if unit["status"] == "error":
            raise AnalyzerVerdict(f"{self.analyzer.name} failed on {self.case.id} {self.variant}: {unit['reason']}")
        found = "; ".join(f"{f['file']}:{f['line']} {f['rule']}" for f in unit["findings"][:5]) or "nothing"
        if self.variant == "bug" and unit["outcome"]["line"] != ["tp"]:
            want = ", ".join(loc.at for loc in self.case.flaw.locations)
            why = self.case.flaw.missed_by.get(self.analyzer.name)
            raise AnalyzerVerdict(f"{self.analyzer.name} did not report the flaw at {want} (it reported: {found})"
                                  + (f"; known false negative: {why}" if why else ""))  # fmt: skip
        if self.variant == "fixed" and unit["outcome"]["file"] != ["tn"]:
            raise AnalyzerVerdict(f"{self.analyzer.name} raised a false alarm on the fixed twin: {found}")

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, AnalyzerVerdict):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.case.id}[{self.name}]"
