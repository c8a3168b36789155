"""pytest plugin (registered through the `pytest11` entry point): every case x variant x lens is a test.

    pytest cases/                       # the whole corpus as a regression suite
    pytest -n 2 -k 'double-free and asan'

Item ids read like `cases/double-free/case.toml::bug-asan-asan`. A run whose tool is missing, or
whose expectation was observed only on another kind of machine, is skipped with its reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import CASES_DIR


def pytest_addoption(parser):
    group = parser.getgroup("crashcourse")
    group.addoption("--cc-lens", action="append", default=None, help="crashcourse: only runs under this lens")
    group.addoption("--cc-repeat", type=int, default=1, help="crashcourse: run each case this many times")
    group.addoption("--cc-no-skip", action="store_true", help="crashcourse: a skipped run (missing tool) fails")


def pytest_configure(config):
    from harness.lenses import LENSES

    for name, lens in LENSES.items():
        config.addinivalue_line("markers", f"{name}: runs under the crashcourse '{name}' lens ({lens.description})")


def pytest_collect_file(file_path: Path, parent):
    if file_path.name == "case.toml" and file_path.parent.parent.resolve() == CASES_DIR.resolve():
        if not file_path.parent.name.startswith(("_", ".")):
            return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    def collect(self):
        from harness.manifest import load_case

        case = load_case(self.path.parent)  # a malformed manifest is a collection error naming the field
        lenses = self.config.getoption("--cc-lens")
        for spec in case.runs(lenses=lenses):
            for r in range(self.config.getoption("--cc-repeat")):
                name = f"{spec.variant}-{spec.lens}-{spec.profile}" + (f"-r{r}" if r else "")
                yield CaseRun.from_parent(self, name=name, spec=spec, repeat=r)


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
        from harness.pipeline import execute, prepare_one

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

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, CaseRunFailed):
            from harness.report import describe

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
