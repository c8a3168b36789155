"""The built-in static analyzers, each run for real over a unit's source files (the blind view by default).

gcc-fanalyzer   gcc/g++ -fanalyzer -Wformat=2 -fdiagnostics-format=json (gcc >= 10; the JSON names the CWE)
cppcheck        cppcheck --xml (the XML names the CWE); severities error, warning, portability
clang-analyzer  clang --analyze --analyzer-output sarif (CWE from the checker and message, table below)
ruff-async      ruff's async rules (ASYNC*, RUF006), SARIF output, over the Python cases
mypy-coroutine  mypy --strict's unused-coroutine (and friends), over the Python cases
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from harness.corpus.manifest import Case
from harness.scoring.analyzers.base import Analyzer, Finding, Result, scan_files


class ToolFailed(Exception):
    pass


def run_tool(argv: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess:
    env = dict(os.environ, LC_ALL="C", LANG="C")
    try:
        return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, errors="replace", timeout=timeout,
                              env=env, stdin=subprocess.DEVNULL)  # fmt: skip
    except subprocess.TimeoutExpired:
        raise ToolFailed(f"timed out after {timeout:g} s: {' '.join(argv[:3])} ...") from None


def _tail(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1][:200] if lines else "(no output)"


C_SOURCES = (".c", ".cc", ".cpp", ".cxx")  # compiled one by one; headers are read through them


class _Static(Analyzer):
    kind = "static"
    suffixes: tuple[str, ...] = C_SOURCES  # the files of a unit this tool is given (a C unit may hold a gdb script)

    def analyze(self, case: Case, variant: str, workdir: Path) -> Result:
        files = [f for f in scan_files(case, variant) if f.suffix in self.suffixes]
        try:
            return Result(findings=self.findings(case, files, workdir))
        except ToolFailed as e:
            return Result(error=str(e))

    def findings(self, case: Case, files: list[Path], workdir: Path) -> list[Finding]:
        raise NotImplementedError


class GccFanalyzer(_Static):
    name = "gcc-fanalyzer"
    description = "gcc -fanalyzer -Wformat=2, JSON diagnostics"
    languages = ("c", "cpp")
    command = "gcc"

    def findings(self, case, files, workdir):
        from harness.execution.build import compiler_for

        out: list[Finding] = []
        for src in files:
            argv = [compiler_for(case, "analyzer"), "-fanalyzer", "-Wformat=2", "-fdiagnostics-format=json", "-O0", "-g",
                    "-pthread", *case.build.get("cflags", []), "-c", str(src), "-o", os.devnull]  # fmt: skip
            proc = run_tool(argv, workdir, self.timeout_s)
            text = proc.stderr.strip()
            try:
                diags = json.loads(text) if text else []
            except json.JSONDecodeError:
                raise ToolFailed(f"gcc printed no JSON diagnostics (exit {proc.returncode}): {_tail(text)}") from None
            if proc.returncode != 0 and not any(d.get("kind") == "error" for d in diags):
                raise ToolFailed(f"gcc exited {proc.returncode}: {_tail(text)}")
            for d in diags:
                if d.get("kind") not in ("warning", "error") or not d.get("locations"):
                    continue
                caret = d["locations"][0].get("caret", {})
                cwe = (d.get("metadata") or {}).get("cwe")
                from harness.scoring.cwe import GCC_OPTION_CWE

                cwes = [cwe] if cwe else list(GCC_OPTION_CWE.get(d.get("option") or "", []))
                out.append(Finding(caret.get("file", ""), caret.get("line"), cwes,
                                   d.get("option") or d["kind"], d.get("message", "")))  # fmt: skip
        return out


class Cppcheck(_Static):
    name = "cppcheck"
    description = "cppcheck --enable=warning,portability --inconclusive, XML"
    languages = ("c", "cpp")
    command = "cppcheck"
    SEVERITIES = ("error", "warning", "portability")

    def findings(self, case, files, workdir):
        argv = ["cppcheck", "--enable=warning,portability", "--inconclusive", "--xml", "--quiet",
                "--suppress=missingIncludeSystem", *map(str, files)]  # fmt: skip
        proc = run_tool(argv, workdir, self.timeout_s)
        try:
            root = ET.fromstring(proc.stderr)
        except ET.ParseError as e:
            raise ToolFailed(f"cppcheck printed no XML (exit {proc.returncode}): {e}") from None
        if proc.returncode != 0:
            raise ToolFailed(f"cppcheck exited {proc.returncode}")
        out = []
        for err in root.iter("error"):
            if err.get("severity") not in self.SEVERITIES:
                continue
            loc = err.find("location")
            if loc is None:
                continue
            cwe = err.get("cwe")
            related = [(x.get("file", ""), int(x.get("line", 0))) for x in err.findall("location")[1:]]
            out.append(Finding(loc.get("file", ""), int(loc.get("line", 0)) or None, [int(cwe)] if cwe else [],
                               err.get("id", ""), err.get("msg", ""), related))  # fmt: skip
        return out


# clang's SARIF names checkers, not CWEs: (checker prefix, message regex or None) -> CWE.
CLANG_CWE: list[tuple[str, str | None, int]] = [
    ("unix.Malloc", r"free released|delete released|released memory", 415),
    ("unix.Malloc", r"after it is freed|after release", 416),
    ("unix.Malloc", r"[Pp]otential (memory )?leak", 401),
    ("unix.Malloc", r"not allocated|not the start|offset|local variable|not memory allocated", 590),
    ("unix.MallocSizeof", None, 131),
    ("cplusplus.NewDelete", r"released memory", 415),
    ("cplusplus.NewDelete", r"after it is freed", 416),
    ("cplusplus.NewDeleteLeaks", None, 401),
    ("unix.MismatchedDeallocator", None, 762),
    ("core.NullDereference", None, 476),
    ("core.CallAndMessage", r"null|NULL", 476),
    ("core.CallAndMessage", r"uninitiali[sz]ed|garbage", 457),
    ("core.uninitialized", None, 457),
    ("core.DivideZero", None, 369),
    ("core.StackAddressEscape", None, 562),
    ("core.BitwiseShift", None, 1335),
    ("alpha.security.ArrayBound", r"[Oo]ut of bound", 787),
    ("security.ArrayBound", r"[Oo]ut of bound", 787),
    ("alpha.security.ReturnPtrRange", None, 466),
    ("unix.cstring", r"[Oo]verflow|out of bound", 120),
    ("security.insecureAPI", None, 676),
    ("optin.cplusplus.VirtualCall", None, 758),
    ("cplusplus.PureVirtualCall", None, 758),
    ("alpha.unix.PthreadLock", None, 667),
    ("unix.API", None, 687),
]


def clang_cwe(rule: str, message: str) -> list[int]:
    for prefix, pattern, cwe in CLANG_CWE:
        if rule.startswith(prefix) and (pattern is None or re.search(pattern, message)):
            return [cwe]
    return []


class ClangAnalyzer(_Static):
    name = "clang-analyzer"
    description = "clang --analyze (default checkers + ArrayBoundV2, VirtualCall, PthreadLock), SARIF"
    languages = ("c", "cpp")
    command = "clang-16"
    CHECKERS = ("alpha.security.ArrayBoundV2", "optin.cplusplus.VirtualCall", "alpha.unix.PthreadLock")

    def missing(self):
        if self._clang() is None:
            return "analyzer 'clang-analyzer' needs clang (apt-get install -y clang-16), which is not installed (see .ci/run)"
        return None

    @staticmethod
    def _clang() -> str | None:
        return shutil.which("clang-16") or shutil.which("clang")

    def findings(self, case, files, workdir):
        from harness.scoring import sarif

        out = []
        for i, src in enumerate(files):
            report = workdir / f"clang-{i}.sarif"
            argv = [self._clang() or "clang", "--analyze", "--analyzer-output", "sarif", "-o", str(report), "-pthread"]
            for c in self.CHECKERS:
                argv += ["-Xclang", f"-analyzer-checker={c}"]
            argv += [*case.build.get("cflags", []), str(src)]
            proc = run_tool(argv, workdir, self.timeout_s)
            if proc.returncode != 0:
                raise ToolFailed(f"clang --analyze exited {proc.returncode}: {_tail(proc.stderr)}")
            try:
                results = sarif.read_results(report.read_text(errors="replace"))
            except (OSError, sarif.SarifError) as e:
                raise ToolFailed(f"clang wrote no valid SARIF: {e}") from None
            for r in results:
                out.append(Finding(r["path"], r["line"], r["cwe"] or clang_cwe(r["rule"], r["message"]),
                                   r["rule"], r["message"]))  # fmt: skip
        return out


class RuffAsync(_Static):
    name = "ruff-async"
    description = "ruff check --select ASYNC,RUF006 (flake8-async rules, dangling asyncio tasks), SARIF"
    languages = ("python",)
    suffixes = (".py",)
    RULES = "ASYNC,RUF006"
    RULE_CWE: dict[str, list[int]] = {"ASYNC110": [835]}  # busy-wait loop; the rest name no CWE

    def missing(self):
        if importlib.util.find_spec("ruff") is None:
            return "analyzer 'ruff-async' needs ruff (pip install 'crashcourse[analyzers]'), which is not installed"
        return None

    def findings(self, case, files, workdir):
        from harness.scoring import sarif

        argv = [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--select", self.RULES,
                "--output-format", "sarif", "--exit-zero", *map(str, files)]  # fmt: skip
        proc = run_tool(argv, workdir, self.timeout_s)
        if proc.returncode != 0:
            raise ToolFailed(f"ruff exited {proc.returncode}: {_tail(proc.stderr)}")
        try:
            results = sarif.read_results(proc.stdout)
        except sarif.SarifError as e:
            raise ToolFailed(f"ruff printed no valid SARIF: {e}") from None
        return [Finding(r["path"], r["line"], self.RULE_CWE.get(r["rule"], []), r["rule"], r["message"]) for r in results]


class MypyCoroutine(_Static):
    name = "mypy-coroutine"
    description = "mypy --strict (unused-coroutine, unused-awaitable, ...), errors as findings"
    languages = ("python",)
    suffixes = (".py",)
    LINE_RE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+): error: (?P<msg>.*?)(?:\s+\[(?P<code>[\w-]+)\])?$", re.M)
    CODES: dict[str, list[int]] = {"unused-coroutine": [], "unused-awaitable": []}  # no CWE fits
    ENABLE = ("unused-awaitable",)

    def missing(self):
        if importlib.util.find_spec("mypy") is None:
            return "analyzer 'mypy-coroutine' needs mypy (pip install 'crashcourse[analyzers]'), which is not installed"
        return None

    def findings(self, case, files, workdir):
        argv = [sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir", os.devnull, "--show-error-codes",
                "--no-error-summary", "--ignore-missing-imports", "--follow-imports", "silent",
                *[f"--enable-error-code={c}" for c in self.ENABLE], *map(str, files)]  # fmt: skip
        proc = run_tool(argv, case.path, self.timeout_s)
        if proc.returncode not in (0, 1):
            raise ToolFailed(f"mypy exited {proc.returncode}: {_tail(proc.stderr or proc.stdout)}")
        out = []
        for m in self.LINE_RE.finditer(proc.stdout):
            code = m["code"] or ""
            if code not in self.CODES:
                continue  # type errors are not what this analyzer is asked about
            out.append(Finding(m["file"], int(m["line"]), list(self.CODES[code]), code, m["msg"]))
        return out


STATIC_ANALYZERS: list[Analyzer] = [GccFanalyzer(), Cppcheck(), ClangAnalyzer(), RuffAsync(), MypyCoroutine()]
