"""fanalyzer: gcc's static analyzer and format checks at build time. Nothing runs: the warnings are the diagnosis."""

from __future__ import annotations

from harness.diagnose import compiler
from harness.diagnose.observation import Observation
from harness.execution import build
from harness.lenses.base import Lens, Plan


class FanalyzerLens(Lens):
    name = "fanalyzer"



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
