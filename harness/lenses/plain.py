"""plain: the case as it is, no tools: what a user of the program would see."""

from __future__ import annotations

from pathlib import Path

from harness.corpus.manifest import RunSpec
from harness.execution import build
from harness.execution.run import gdb_stacks, python_stacks
from harness.lenses.base import Lens, Plan, base_env, limits_for, python_child, python_then_gdb_stacks


class PlainLens(Lens):
    name = "plain"


    def prepare(self, spec: RunSpec):
        if spec.case.language in ("c", "cpp"):
            return build.build_module(spec.case, spec.variant, spec.profile)
        recipe = self.recipe(spec)
        return build.build_runtime(*recipe) if recipe else None

    def recipe(self, spec: RunSpec):
        recipe = spec.case.run.get("lua_runtime", {}).get(spec.variant)
        return (recipe, "plain") if recipe else None

    def plan(self, spec: RunSpec, artifact, workdir: Path) -> Plan:
        case, src = spec.case, str(spec.case.source(spec.variant))
        lang = case.language
        if lang in ("c", "cpp"):
            argv = python_child("c_module.py", str(artifact.path), artifact.module)
            stacks = python_then_gdb_stacks
        elif lang == "lua" and artifact is not None:  # a LuaJIT built by a native/ recipe
            argv, stacks = [str(artifact.path), src], gdb_stacks
        elif lang == "lua":
            argv, stacks = python_child("lua_case.py", src, "luajit"), python_stacks
        else:
            argv, stacks = python_child("python_case.py", src, spec.profile), python_stacks
        return Plan(argv, base_env(spec, workdir), limits_for(spec), stacks, artifact=artifact,
                    send_signal=case.run.get("send_signal"))  # fmt: skip
