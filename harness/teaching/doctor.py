"""`crashcourse doctor`: the pre-flight a trainer runs on the room's machines, and each participant on theirs.

It reports, tried rather than assumed (harness.execution.toolchain): the compilers and their
versions; gdb, valgrind and strace (each runs a program); every sanitizer runtime (each builds and
runs a planted bug, cached per toolchain); libc's debug symbols, cgroups, the ptrace scope,
core_pattern, the Python headers, lupa's LuaJIT, and the runtimes cases fetch (native/luajit-old).
Then, asking each lens's `unavailable(spec)` and each case's `expectation_for(spec)` (the very
questions a run asks), which runs of the corpus will run here, which skip and why, and which need a
fetch first (`crashcourse prepare`). Last, the install line for this OS (apt, dnf, pacman, brew) and
what cannot work on it at all.

Exit status: 0 every lens can run here; 1 some cannot (a tool or runtime missing or broken), or
there is no corpus to run. `--json` prints the same findings as one object.
"""

from __future__ import annotations

import json
import os
import platform
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from harness.corpus import machine, paths
from harness.corpus.catalog import LENS_INFO
from harness.corpus.manifest import Case
from harness.errors import UsageError
from harness.execution import build, toolchain
from harness.execution.toolchain import Check
from harness.lenses import all_lenses, base
from harness.lenses.native import cores_land_in_cwd

# ---- the operating system and its package manager -------------------------------------------------------

INSTALL = {
    "apt": "apt-get install -y",
    "dnf": "dnf install -y",
    "pacman": "pacman -S --needed",
    "brew": "brew install",
}
# What to install for each need, per package manager; None: that manager has no package for it.
PACKAGES: dict[str, dict[str, str | None]] = {
    "apt": {"gcc": "gcc", "g++": "g++", "make": "make", "gdb": "gdb", "valgrind": "valgrind", "strace": "strace",
            "asan": "libasan8", "tsan": "libtsan2", "ubsan": "libubsan1", "lsan": "liblsan0",
            "clang": "clang-16 libclang-rt-16-dev llvm-16", "libc-dbg": "libc6-dbg", "python-headers": "python3-dev"},
    "dnf": {"gcc": "gcc", "g++": "gcc-c++", "make": "make", "gdb": "gdb", "valgrind": "valgrind", "strace": "strace",
            "asan": "libasan", "tsan": "libtsan", "ubsan": "libubsan", "lsan": "liblsan",
            "clang": "clang compiler-rt llvm", "libc-dbg": None, "python-headers": "python3-devel"},
    "pacman": {"gcc": "gcc", "g++": "gcc", "make": "make", "gdb": "gdb", "valgrind": "valgrind", "strace": "strace",
               "asan": "gcc", "tsan": "gcc", "ubsan": "gcc", "lsan": "gcc",
               "clang": "clang compiler-rt llvm", "libc-dbg": None, "python-headers": "python"},
    "brew": {"gcc": None, "g++": None, "make": None, "gdb": None, "valgrind": None, "strace": None,
             "asan": None, "tsan": None, "ubsan": None, "lsan": None, "clang": "llvm", "libc-dbg": None,
             "python-headers": None},
}  # fmt: skip
# Needs a package cannot meet, and what to do instead.
OTHERWISE = {
    ("dnf", "libc-dbg"): "libc's debug symbols: sudo dnf debuginfo-install -y glibc",
    ("pacman", "libc-dbg"): "libc's debug symbols: Arch ships none; gdb fetches them with "
                            "DEBUGINFOD_URLS=https://debuginfod.archlinux.org",
}
# What cannot work on an OS whatever is installed.
CANNOT = {
    "darwin": [
        "the corpus's expectations were observed on Linux: most runs skip or differ on macOS; a Linux VM or "
        "container (Debian/Ubuntu: the apt line) is the way to run the workshop",
        "valgrind, helgrind, drd: valgrind does not run on current macOS (none on Apple Silicon)",
        "gdb: not available on Apple Silicon (lldb is not a lens); on Intel Macs it must be code-signed",
        "strace: Linux only (macOS has dtruss, which needs SIP disabled; not a lens)",
        "msan: MemorySanitizer exists on Linux only",
        "fanalyzer: needs GNU gcc, and `gcc` on macOS is Apple's clang",
        "containment and hang proofs read /proc and cgroups: Linux only (hangs are then stopped by the timeout)",
    ],
    "windows": ["crashcourse runs on Linux: use WSL2 with Ubuntu, then the apt line"],
}


@dataclass
class OSInfo:
    system: str  # linux | darwin | windows | ...
    id: str  # debian, ubuntu, fedora, arch, macos, ...
    name: str  # what to show
    manager: str | None  # apt | dnf | pacman | brew | None

    def as_dict(self) -> dict:
        return {"system": self.system, "id": self.id, "name": self.name, "package_manager": self.manager}


def detect_os(os_release: Path = Path("/etc/os-release"), system: str | None = None) -> OSInfo:
    """This OS and its package manager, from /etc/os-release (ID, ID_LIKE) on Linux."""
    system = (system or platform.system()).lower()
    if system == "darwin":
        return OSInfo("darwin", "macos", f"macOS {platform.mac_ver()[0]}".strip(), "brew")
    if system != "linux":
        return OSInfo(system, system, platform.system(), None)
    fields: dict[str, str] = {}
    try:
        for line in os_release.read_text().splitlines():
            key, sep, value = line.partition("=")
            if sep:
                fields[key.strip()] = value.strip().strip('"')
    except OSError:
        pass
    ids = [fields.get("ID", "")] + fields.get("ID_LIKE", "").split()
    manager = next((m for i in ids for m, family in (("apt", {"debian", "ubuntu"}), ("dnf", {"fedora", "rhel", "centos"}),
                                                       ("pacman", {"arch"})) if i in family), None)  # fmt: skip
    return OSInfo("linux", fields.get("ID", "linux"), fields.get("PRETTY_NAME", "Linux"), manager)


def install_lines(osinfo: OSInfo, needs: list[str]) -> list[str]:
    """The command(s) that install what `needs` names on this OS, and what no package provides."""
    if osinfo.manager is None:
        return [f"install with your package manager: {', '.join(needs)}"] if needs else []
    table = PACKAGES[osinfo.manager]
    pkgs: list[str] = []
    other: list[str] = []
    for need in needs:
        pkg = table.get(need)
        if pkg:
            pkgs += [p for p in pkg.split() if p not in pkgs]
        elif (osinfo.manager, need) in OTHERWISE:
            other.append(OTHERWISE[(osinfo.manager, need)])
        else:
            other.append(f"{need}: no {osinfo.manager} package (see 'cannot work here')")
    sudo = "sudo " if osinfo.manager != "brew" and hasattr(os, "geteuid") and os.geteuid() != 0 else ""
    return ([f"{sudo}{INSTALL[osinfo.manager]} {' '.join(pkgs)}"] if pkgs else []) + other


# ---- the findings ---------------------------------------------------------------------------------------

@dataclass
class LensVerdict:
    lens: str
    runs: int = 0  # will run here
    fetch: int = 0  # will run once `crashcourse prepare` fetched what they build from
    skip_tool: Counter = field(default_factory=Counter)  # reason -> runs: the lens's tool or runtime is missing
    skip_machine: int = 0  # their expectation was observed on other machines only
    checks: list[str] = field(default_factory=list)  # the names of the checks it depends on
    broken: list[str] = field(default_factory=list)  # those that failed

    @property
    def ok(self) -> bool:
        return not self.skip_tool and not self.broken

    def as_dict(self) -> dict:
        return {"lens": self.lens, "ok": self.ok, "run": self.runs, "fetch_first": self.fetch,
                "skip_tool": sum(self.skip_tool.values()), "skip_machine": self.skip_machine,
                "reasons": dict(self.skip_tool), "depends_on": self.checks, "broken": self.broken}  # fmt: skip


@dataclass
class Findings:
    os: OSInfo
    corpus: Check
    compilers: list[Check]
    tools: list[Check]
    sanitizers: list[Check]
    system: list[Check]
    runtimes: list[dict]
    lenses: list[LensVerdict]
    cases: dict[str, int]
    needs: list[str]

    @property
    def ok(self) -> bool:
        return bool(self.corpus.ok) and all(v.ok for v in self.lenses)

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "os": self.os.as_dict(),
            "machine_key": machine.machine_key(),
            "cache": str(build.cache_root()),
            "corpus": self.corpus.as_dict(),
            "compilers": [c.as_dict() for c in self.compilers],
            "tools": [c.as_dict() for c in self.tools],
            "sanitizers": [c.as_dict() for c in self.sanitizers],
            "system": [c.as_dict() for c in self.system],
            "runtimes": self.runtimes,
            "lenses": [v.as_dict() for v in self.lenses],
            "cases": self.cases,
            "install": install_lines(self.os, self.needs),
            "cannot_work_here": CANNOT.get(self.os.system, []),
        }


def _corpus() -> tuple[Check, list[Case]]:
    from harness.corpus import discover

    try:
        cases = discover.load_all()
    except UsageError as e:  # no corpus, or a malformed manifest: said, and the rest still reported
        return Check("corpus", False, str(e).removeprefix("crashcourse: ")), []
    where = paths.cases_dir()
    kind = ("the copy installed with the package" if paths.installed() and not os.environ.get(paths.CASES_ENV)
            else "a git checkout: --bless writes here" if paths.is_clone(where) else "not a git checkout: --bless refuses")  # fmt: skip
    return Check("corpus", True, f"{len(cases)} cases in {where} ({kind})", path=str(where)), cases


def _sanitizer_compilers() -> dict[str, str | None]:
    """The compiler each sanitizer lens builds with here: the selected one, msan always a clang."""
    out: dict[str, str | None] = {}
    for san in ("asan", "ubsan", "lsan", "tsan", "msan"):
        family = build.PROFILE_FAMILY.get(san)
        out[san] = build.family_compiler(family) if family else machine.c_compiler()
    return out


def _sanitizer_checks(probe: bool) -> dict[str, Check]:
    out = {}
    for san, cc in _sanitizer_compilers().items():
        if cc is None:
            out[san] = Check(f"{san} (clang)", False, "no clang on PATH: MemorySanitizer is clang's")
            continue
        runtime = base.asan_runtime() if san == "asan" else base.sanitizer_runtime(cc, san)
        missing = base.missing_runtime(cc, san)
        if not probe:
            out[san] = Check(f"{san} ({cc})", runtime is not None, f"runtime {runtime} (not tried: --no-probe)" if runtime else missing,
                             path=runtime or "")  # fmt: skip
        else:
            out[san] = toolchain.sanitizer(cc, san, runtime, missing)
    return out


# which checks each lens depends on (besides its own unavailable(), which the counts ask)
def _lens_checks(compiler: Check, headers: Check, lupa: Check, tools: dict[str, Check], sans: dict[str, Check],
                 analyzer: Check) -> dict[str, list[Check]]:  # fmt: skip
    return {
        "plain": [compiler, headers, lupa], "asan": [sans["asan"], headers], "gdb": [tools["gdb"]],
        "valgrind": [tools["valgrind"]], "helgrind": [tools["valgrind"]], "drd": [tools["valgrind"]],
        "strace": [tools["strace"]], "tsan": [sans["tsan"]], "ubsan": [sans["ubsan"]], "lsan": [sans["lsan"]],
        "msan": [sans["msan"]], "fanalyzer": [analyzer], "asyncio-debug": [],
    }  # fmt: skip


def analyzer_check() -> Check:
    """gcc -fanalyzer (the fanalyzer lens is always gcc's)."""
    gcc = build.family_compiler("gcc")
    if gcc is None:
        return Check("gcc -fanalyzer", False, "no gcc on PATH: the fanalyzer lens is gcc's static analyzer")
    proc = toolchain._run([gcc, "-fanalyzer", "-fsyntax-only", "-x", "c", os.devnull], timeout=60)
    if proc is None or proc.returncode != 0:
        err = (proc.stderr.strip().splitlines() or ["?"])[-1] if proc else "did not finish"
        return Check("gcc -fanalyzer", False, f"{gcc} has no -fanalyzer (gcc 10 or newer has it): {err}")
    return Check("gcc -fanalyzer", True, f"{gcc} accepts -fanalyzer")


def examine(probe: bool = True, os_release: Path = Path("/etc/os-release")) -> Findings:
    osinfo = detect_os(os_release)
    corpus, cases = _corpus()
    selected = machine.c_compiler()
    compilers = [toolchain.compiler(n) for n in toolchain.compiler_names()]
    for c in compilers:
        if c.name == selected:
            c.detail = "selected: builds the cases (--cc or $CRASHCOURSE_CC to change)"
    sel = next(c for c in compilers if c.name == selected)
    tools = {n: toolchain.tool(n) for n in ("gdb", "valgrind", "strace")}
    sans = _sanitizer_checks(probe)
    headers, lupa = toolchain.python_headers(), toolchain.lupa_luajit()
    analyzer = analyzer_check()
    system = [toolchain.cgroups(), toolchain.ptrace_scope(), toolchain.core_pattern(cores_land_in_cwd()),
              toolchain.libc_debug(), headers, lupa, analyzer]  # fmt: skip

    lens_checks = _lens_checks(sel, headers, lupa, tools, sans, analyzer)
    lenses = all_lenses()
    verdicts = {name: LensVerdict(name, checks=[c.name for c in lens_checks[name]],
                                  broken=[c.name for c in lens_checks[name] if c.ok is False]) for name in LENS_INFO}  # fmt: skip
    recipes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for case in cases:
        for spec in case.runs():
            r = lenses[spec.lens].recipe(spec)
            if r and case.id not in recipes[r]:
                recipes[r].append(case.id)
    status = {r: build.runtime_status(*r) for r in recipes}
    per_case: dict[str, set[str]] = defaultdict(set)
    for case in cases:
        for spec in case.runs():
            v = verdicts[spec.lens]
            if case.expectation_for(spec)[0] is None:
                v.skip_machine += 1
                per_case[case.id].add("skip")
                continue
            reason = lenses[spec.lens].unavailable(spec)
            r = lenses[spec.lens].recipe(spec)
            if reason is None and r is not None and status[r][0] == "unavailable":
                reason = status[r][1]
            if reason is not None:
                v.skip_tool[reason] += 1
                per_case[case.id].add("skip")
            elif r is not None and status[r][0] == "fetch":
                v.fetch += 1
                per_case[case.id].add("fetch")
            else:
                v.runs += 1
                per_case[case.id].add("run")
    case_counts = {
        "all_run": sum(1 for c in cases if per_case[c.id] == {"run"}),
        "some_skip": sum(1 for c in cases if "skip" in per_case[c.id] and "run" in per_case[c.id]),
        "none_run": sum(1 for c in cases if "run" not in per_case[c.id]),
        "fetch_first": sum(1 for c in cases if "fetch" in per_case[c.id]),
    }
    runtimes = [{"recipe": r, "profile": p, "cases": cs, "status": status[(r, p)][0], "detail": status[(r, p)][1]}
                for (r, p), cs in sorted(recipes.items())]  # fmt: skip

    needs: list[str] = []

    def need(key: str) -> None:
        if key not in needs:
            needs.append(key)

    for c in compilers:
        if c.ok is False and c.name in ("gcc", "g++") or (c.name == selected and c.ok is False):
            need("clang" if machine.is_clang(c.name) else "g++" if "++" in c.name else "gcc")
    for name, c in tools.items():
        if c.ok is False and not c.path:  # not on PATH; a tool that is there but fails needs no package
            need(name)
    for san, c in sans.items():
        cc = _sanitizer_compilers()[san]
        if c.ok is False and (cc is None or not c.path):
            need("clang" if cc is None or machine.is_clang(cc) else san)
    if next(c for c in system if c.name == "libc debug symbols").ok is False:
        need("libc-dbg")
    if headers.ok is False:
        need("python-headers")
    if analyzer.ok is False and build.family_compiler("gcc") is None:
        need("gcc")
    return Findings(osinfo, corpus, compilers, list(tools.values()), list(sans.values()), system, runtimes,
                    list(verdicts.values()), case_counts, needs)  # fmt: skip


# ---- output ---------------------------------------------------------------------------------------------

MARK = {True: ("✔", "green"), False: ("✘", "red"), None: ("·", "dim")}


def lines(f: Findings) -> list[tuple[str, str | None]]:
    """The report as (text, style) lines: styled on a terminal, plain in a pipe or with NO_COLOR."""
    out: list[tuple[str, str | None]] = []

    def check(c: Check, width: int = 22) -> None:
        mark, style = MARK[c.ok]
        text = ": ".join(x for x in (c.version, c.detail) if x) + (" (cached)" if c.cached else "")
        out.append((f"  {mark} {c.name:<{width}} {text}", style if c.ok is False else None))

    def head(text: str) -> None:
        out.append(("", None))
        out.append((text, "bold"))

    out.append((f"crashcourse doctor · {f.os.name} · {platform.machine()} · machine key {machine.machine_key()}", "bold"))
    check(f.corpus, 8)
    out.append((f"  · {'cache':<8} {build.cache_root()} ($CRASHCOURSE_CACHE to move it)", None))
    head("compilers")
    for c in f.compilers:
        check(c, 12)
    head("debuggers and tracers (each runs a program)")
    for c in f.tools:
        check(c, 12)
    head("sanitizers (each builds and runs a planted bug; a success is cached per toolchain)")
    for c in f.sanitizers:
        check(c, 18)
    head("system")
    for c in f.system:
        check(c)
    if f.runtimes:
        head("runtimes the cases build from fetched sources")
        for r in f.runtimes:
            ok = {"built": True, "downloaded": True, "fetch": None, "unavailable": False}[r["status"]]
            mark, style = MARK[ok]
            what = {"built": f"built: {r['detail']}", "downloaded": "downloaded, not built: builds offline",
                    "fetch": f"not fetched: 'crashcourse prepare {' '.join(r['cases'])}' fetches and builds it (network once)",
                    "unavailable": f"cannot build here: {r['detail']}"}[r["status"]]  # fmt: skip
            out.append((f"  {mark} {r['recipe']} ({r['profile']}) for {', '.join(r['cases'])}: {what}",
                        "yellow" if ok is None else style if ok is False else None))  # fmt: skip
    if f.corpus.ok:
        head("lenses: the corpus's runs here (run / fetch first / skip: tool missing / skip: observed on other machines only)")
        for v in f.lenses:
            mark, style = MARK[v.ok]
            counts = f"{v.runs} run" + (f", {v.fetch} fetch first" if v.fetch else "") + (
                f", {sum(v.skip_tool.values())} skip (tool)" if v.skip_tool else "") + (
                f", {v.skip_machine} skip (other machines)" if v.skip_machine else "")  # fmt: skip
            broken = f"; failed check: {', '.join(v.broken)}" if v.broken else ""
            out.append((f"  {mark} {v.lens:<14} {counts}{broken}", style if not v.ok else None))
            for reason, n in v.skip_tool.most_common():
                out.append((f"      {n} skip: {reason}", "red"))
        c = f.cases
        out.append((f"  cases: {c['all_run']} run in full, {c['some_skip']} in part, {c['none_run']} not at all"
                    + (f"; {c['fetch_first']} need a fetch first (crashcourse prepare)" if c["fetch_first"] else ""), None))  # fmt: skip
    install = install_lines(f.os, f.needs)
    if install:
        head(f"install what is missing ({f.os.manager or 'your package manager'})")
        out += [(f"  {ln}", None) for ln in install]
    if CANNOT.get(f.os.system):
        head(f"cannot work here ({f.os.name})")
        out += [(f"  - {ln}", None) for ln in CANNOT[f.os.system]]
    out.append(("", None))
    if f.ok:
        out.append(("✔ every lens can run here", "green"))
    else:
        bad = [v.lens for v in f.lenses if not v.ok]
        why = f"{len(bad)} lens{'es' if len(bad) != 1 else ''} cannot run here: {', '.join(bad)}" if bad else "no corpus to run"
        out.append((f"✘ {why}", "red"))
    return out


def run(args) -> int:
    from harness.report.terminal import console

    findings = examine(probe=not getattr(args, "no_probe", False))
    if args.json:
        print(json.dumps(findings.as_dict(), indent=2, ensure_ascii=False))
    else:
        con = console()
        for text, style in lines(findings):
            con.print(text, style=style, markup=False, highlight=False, soft_wrap=True)
    return 0 if findings.ok else 1
