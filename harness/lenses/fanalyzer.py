"""fanalyzer: gcc's static analyzer and format checks at build time. Nothing runs: the warnings are the diagnosis."""

from __future__ import annotations

from harness import build
from harness.diagnose import compiler
from harness.lenses.base import Lens, Plan
from harness.observation import Observation


class FanalyzerLens(Lens):
    name = "fanalyzer"
    languages = ("c", "cpp")
    description = "gcc -fanalyzer: the same bug found without running the program"

    def default_profiles(self, language):
        return ["analyzer"]

    def allowed_profiles(self, language):
        return ["analyzer"]

    def unavailable(self, spec):
        return None

    def prepare(self, spec):
        return build.build_analysis(spec.case, spec.variant)

    def plan(self, spec, artifact, workdir):
        text = artifact.path.read_text(errors="replace")
        obs = Observation(exit_code=0)
        report = compiler.parse(text)
        if report is not None:
            obs.kind, obs.message, obs.frames, obs.tool = report.kind, report.message, report.frames, "gcc"
        return Plan(static=obs, static_output=text, artifact=artifact)
