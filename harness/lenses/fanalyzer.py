"""fanalyzer: gcc's static analyzer and format checks at build time. Nothing runs: the warnings are the diagnosis.

It is gcc's analyzer whatever --cc says (clang has no -fanalyzer): on a machine without gcc (a
clang-only laptop) the lens is skipped, saying what to install, never a build error.
"""

from __future__ import annotations

import shutil

from harness.corpus import machine
from harness.diagnose import compiler
from harness.diagnose.observation import Observation
from harness.execution import build
from harness.lenses.base import Lens, Plan

MIN_GCC = 10  # -fanalyzer came with gcc 10


class FanalyzerLens(Lens):
    name = "fanalyzer"

    def unavailable(self, spec):
        cc = build.compiler_for(spec.case, "analyzer")
        driver = "g++" if spec.case.language == "cpp" else "gcc"
        if machine.is_clang(cc) or shutil.which(cc) is None:
            return (f"the fanalyzer lens is gcc's static analyzer (-fanalyzer), and {driver} is not on PATH "
                    f"(this run builds with {machine.c_compiler()}); install it with: apt-get install -y {driver}")  # fmt: skip
        name = machine.compiler_name(cc)  # 'gcc-12'
        major = name.rsplit("-", 1)[-1]
        if major.isdigit() and int(major) < MIN_GCC:
            return f"{cc} is {name}, which has no -fanalyzer (gcc {MIN_GCC} or later); install a newer one: apt-get install -y {driver}"
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
