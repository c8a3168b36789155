"""asan: AddressSanitizer. C/C++ built with -fsanitize=address; Lua on a LuaJIT whose heap comes from libc;
Python cases with libasan preloaded (a case that builds a C helper at run time compiles it with
-fsanitize=address when CRASHCOURSE_PROFILE is "asan", using $CC, which the harness sets).

The Python child gets the compiler's shared ASan runtime preloaded (it must come first in the library
list): gcc's libasan.so, or clang's libclang_rt.asan-<arch>.so (the module is built -shared-libasan).
RLIMIT_AS cannot be used (ASan reserves terabytes of shadow), so ASan's own hard_rss_limit_mb caps memory.
"""

from __future__ import annotations

from pathlib import Path

from harness.corpus import machine
from harness.corpus.manifest import RunSpec
from harness.execution import build
from harness.lenses.base import (
    ASAN_OPTIONS,
    Lens,
    Plan,
    asan_runtime,
    base_env,
    limits_for,
    missing_runtime,
    options,
    parse_options,
    python_child,
    python_stacks,
    symbolizer_option,
)  # fmt: skip


class AsanLens(Lens):
    name = "asan"



    def unavailable(self, spec):
        if asan_runtime() is None:
            return missing_runtime(machine.c_compiler(), "asan")
        return None

    def prepare(self, spec: RunSpec):
        if spec.case.language in ("c", "cpp"):
            return build.build_module(spec.case, spec.variant, "asan")
        recipe = self.recipe(spec)
        return build.build_runtime(*recipe) if recipe else None

    def recipe(self, spec: RunSpec):
        recipe = spec.case.run.get("lua_runtime", {}).get(spec.variant)
        return (recipe, "asan") if recipe else None

    def plan(self, spec: RunSpec, artifact, workdir: Path) -> Plan:
        case = spec.case
        runtime = case.language == "lua" and artifact is not None
        if case.language in ("c", "cpp"):
            argv = python_child("c_module.py", str(artifact.path), artifact.module, faulthandler=False)
        elif runtime:  # a LuaJIT built with ASan by a native/ recipe: it links libasan itself
            argv = [str(artifact.path), str(case.source(spec.variant))]
        elif case.language == "python":
            argv = python_child("python_case.py", str(case.source(spec.variant)), spec.profile, faulthandler=False)
        else:
            argv = python_child("lua_case.py", str(case.source(spec.variant)), "libc", faulthandler=False)
        env = base_env(spec, workdir)
        limits = limits_for(spec, address_space=False, slow=1.5)
        # A LuaJIT built by a native/ recipe links its own ASan runtime (gcc's: the recipe builds with gcc
        # whatever --cc says); preloading another compiler's runtime beside it breaks both (clang's
        # refuses the shadow layout). Only the Python child needs the preload.
        env["LD_PRELOAD"] = "" if runtime else (asan_runtime() or "")
        # A case may turn an ASan check on or off through [run] env ASAN_OPTIONS (e.g.
        # detect_stack_use_after_return=1): its options override the lens's defaults one by one.
        own = parse_options(str(case.run.get("env", {}).get("ASAN_OPTIONS", "")))
        env["ASAN_OPTIONS"] = options({**ASAN_OPTIONS, "hard_rss_limit_mb": str(case.run.get("memory_mb", 2048)),
                                       **symbolizer_option(machine.c_compiler()), **own})  # fmt: skip
        return Plan(argv, env, limits, python_stacks, artifact=artifact, send_signal=case.run.get("send_signal"))
