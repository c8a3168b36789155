"""The generic adapter: run any command template over each unit and read SARIF from it.

    crashcourse score --analyzer 'mytool[c,cpp]=mytool --sarif {sarif} {source}' --ok-exit 0,1 --min-level warning

`NAME[LANGS]=TEMPLATE`: LANGS (optional, comma-separated: c, cpp, lua, python) are the languages the
command reads; a unit of another language is n/a, never fed to it. Placeholders: {source} (the unit's
main source), {sources} (it and the helper files, space separated), {case_dir} (the unit's folder),
{case} (the unit's name), {variant} ("unit"), {language}, {workdir} (a fresh temporary directory, also
the working directory), {sarif} (a path in workdir to write SARIF to; without it SARIF is read from
stdout), {executable} (the unit built as a standalone executable, -O0 -g; C/C++ only) and {module}
(the folder of its cffi extension module, importable as {module_name}). Blind (the default), all of
these are the blind unit's; `--sighted`, the case's own (its id, variant, folder). `{{` and `}}` are a
literal brace. A missing command is bad input (exit 2); an exit status outside `ok_exit` (default 0),
a timeout or output that is not SARIF 2.1.0 is that unit's recorded error.
"""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

from harness.corpus.manifest import Case
from harness.errors import UsageError
from harness.scoring.analyzers.base import Analyzer, Finding, Result, scan_files

PLACEHOLDERS = ("source", "sources", "case_dir", "case", "variant", "language", "workdir", "sarif",
                "executable", "module", "module_name")  # fmt: skip


class CommandAnalyzer(Analyzer):
    kind = "static"

    def __init__(self, name: str, template: str, languages: tuple[str, ...] | None = None, timeout_s: float = 120.0,
                 ok_exit: tuple[int, ...] = (0,), min_level: str | None = None):  # fmt: skip
        if not name or not template:
            raise UsageError(f"analyzer '{name}={template}': write NAME='command template with {{source}}'")
        self.ok_exit, self.min_level = tuple(ok_exit), min_level
        try:
            self.argv_template = shlex.split(template)
        except ValueError as e:
            raise UsageError(f"analyzer '{name}': its command template does not parse ({e})") from None
        self.name, self.template, self.timeout_s = name, template, timeout_s
        self.command = self.argv_template[0]
        self.description = f"command: {template}"
        if languages:
            self.languages = tuple(languages)
        for word in self.argv_template:
            try:
                word.format_map(_Check())
            except (KeyError, ValueError, IndexError) as e:
                raise UsageError(f"analyzer '{name}': unknown placeholder {e} in its template (known: "
                                 f"{', '.join('{' + p + '}' for p in PLACEHOLDERS)})") from None  # fmt: skip

    def missing(self):
        if shutil.which(self.command) is None:
            return f"analyzer '{self.name}': command '{self.command}' not found on PATH"
        return None

    def analyze(self, case: Case, variant: str, workdir: Path) -> Result:
        from harness.scoring import sarif
        from harness.scoring.analyzers.static import ToolFailed, _tail, run_tool

        values = {
            "source": str(case.source(variant).resolve()),
            "sources": " ".join(map(str, scan_files(case, variant))),
            "case_dir": str(case.path.resolve()), "case": case.id, "variant": variant,
            "language": case.language, "workdir": str(workdir), "sarif": str(workdir / "out.sarif"),
        }  # fmt: skip
        uses = {p for p in PLACEHOLDERS if any("{" + p + "}" in w for w in self.argv_template)}
        if uses & {"executable", "module", "module_name"}:
            if case.language not in ("c", "cpp"):
                return Result(skipped=f"{{executable}}/{{module}} exist for C/C++ cases only, not {case.language}")
            from harness.execution import build

            values["executable"] = str(build.build_exe(case, variant, "O0").path)
            mod = build.build_module(case, variant, "O0")
            values["module"], values["module_name"] = str(mod.path), mod.module
        argv = []
        for w in self.argv_template:
            if w == "{sources}":
                argv += values["sources"].split()
            else:
                argv.append(w.format_map(values))
        try:
            proc = run_tool(argv, workdir, self.timeout_s)
        except ToolFailed as e:
            return Result(error=str(e))
        if proc.returncode not in self.ok_exit:
            ok = ", ".join(map(str, self.ok_exit))
            return Result(error=f"'{self.command}' exited {proc.returncode} (accepted: {ok}; --ok-exit): {_tail(proc.stderr or proc.stdout)}")
        text = (workdir / "out.sarif").read_text(errors="replace") if "sarif" in uses else proc.stdout
        try:
            results = sarif.read_results(text, min_level=self.min_level)
        except (sarif.SarifError, OSError) as e:
            return Result(error=f"'{self.command}' did not write valid SARIF: {e}")
        return Result(findings=[Finding(r["path"], r["line"], r["cwe"], r["rule"], r["message"]) for r in results])


class _Check(dict):
    def __missing__(self, key):
        if key in PLACEHOLDERS:
            return ""
        raise KeyError(key)
