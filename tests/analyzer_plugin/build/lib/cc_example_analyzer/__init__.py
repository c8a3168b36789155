"""unbounded-copy: a crashcourse analyzer in ~20 lines (see README.md)."""

import re

from harness.analyzers import Analyzer, Finding, Result, scan_files

CALL_RE = re.compile(r"\b(strcpy|strcat|sprintf|gets)\s*\(")


class UnboundedCopy(Analyzer):
    name = "unbounded-copy"
    description = "grep for strcpy/strcat/sprintf/gets (CWE-120)"
    languages = ("c", "cpp")

    def analyze(self, case, variant, workdir):
        findings = []
        for path in scan_files(case, variant):
            for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                code = line.split("//")[0]
                m = CALL_RE.search(code)
                if m and not code.lstrip().startswith(("*", "/*")):
                    findings.append(Finding(str(path), n, [120], m[1], f"unbounded {m[1]}()"))
        return Result(findings=findings)
