"""The lens catalogue: each lens's name, the languages it runs, its build profiles and what it shows.

This is data, not behaviour: a manifest is validated against it (lens names, which profiles a lens
may run), and `harness.lenses` implements each entry (a test checks that the two agree). Keeping it
here lets the corpus layer know the lenses without importing them.
"""

from __future__ import annotations

from harness.corpus.values import Value
from harness.errors import UsageError

LANGUAGES = ("c", "cpp", "lua", "python")
# The builds a C or C++ case can be made in (harness.execution.build has each one's flags).
C_PROFILES = ("O0", "O2", "asan", "tsan", "ubsan", "lsan", "msan")
NATIVE = ("c", "cpp")
# The profile a case runs in when its manifest names none, per language.
DEFAULT_PROFILE = {"c": "O0", "cpp": "O0", "lua": "luajit", "python": "cpython"}


class LensInfo(Value, frozen=True):
    name: str
    languages: tuple[str, ...]
    description: str
    # A fixed profile for every language (a sanitizer build, the analyzer), or None: the language's default.
    profile: str | None = None
    # The profiles a C/C++ case may choose instead (None: only `profile`, or any for the other languages).
    native_choices: tuple[str, ...] | None = None

    def default_profiles(self, language: str) -> list[str]:
        return [self.profile or DEFAULT_PROFILE[language]]

    def allowed_profiles(self, language: str) -> list[str] | None:
        """The profiles a manifest may name for this lens and language; None: any name (the child reads it)."""
        if self.profile is not None:
            return [self.profile]
        if language in NATIVE:
            return list(self.native_choices or C_PROFILES)
        return None


_O0_O2 = ("O0", "O2")

LENS_INFO: dict[str, LensInfo] = {
    info.name: info
    for info in (
        LensInfo("plain", LANGUAGES, "the program as it is: signal, exit status, glibc's or Python's last words, hangs",
                 native_choices=_O0_O2),
        LensInfo("asan", LANGUAGES, "AddressSanitizer: the bad access named where it happens, with its stacks", profile="asan"),
        LensInfo("gdb", NATIVE, "gdb on the core dump: the backtrace at the moment of the crash", native_choices=_O0_O2),
        LensInfo("valgrind", NATIVE, "valgrind memcheck: every invalid access and free, and the leaks, on the unmodified binary",
                 native_choices=_O0_O2),
        LensInfo("strace", ("c", "cpp", "python"), "strace: the system calls that tell the story, counted", native_choices=_O0_O2),
        LensInfo("tsan", NATIVE, "ThreadSanitizer: two threads touching the same memory without a lock", profile="tsan"),
        LensInfo("fanalyzer", NATIVE, "gcc -fanalyzer: the same bug found without running the program", profile="analyzer"),
        LensInfo("ubsan", NATIVE, "UndefinedBehaviorSanitizer: the undefined operation (overflow, shift, misaligned, "
                 "bounds...) named at its line", profile="ubsan"),
        LensInfo("lsan", NATIVE, "LeakSanitizer: the blocks no pointer reaches at exit, direct and indirect, with their "
                 "allocation stacks", profile="lsan"),
        LensInfo("msan", NATIVE, "MemorySanitizer (clang): a branch, index or call that depends on memory never "
                 "initialised, and where it came from", profile="msan"),
        LensInfo("helgrind", NATIVE, "valgrind helgrind: data races (happens-before) and lock-order violations, on the "
                 "unmodified binary", native_choices=_O0_O2),
        LensInfo("drd", NATIVE, "valgrind DRD: conflicting accesses between threads and lock misuse, on the unmodified binary",
                 native_choices=_O0_O2),
        LensInfo("asyncio-debug", ("python",), "asyncio debug mode (-X dev, PYTHONASYNCIODEBUG=1): slow callbacks, "
                 "never-awaited coroutines, lost tasks, cross-thread loop calls"),
    )  # fmt: skip
}
LENS_NAMES = tuple(LENS_INFO)


def lens_info(name: str) -> LensInfo:
    try:
        return LENS_INFO[name]
    except KeyError:
        raise UsageError(f"unknown lens '{name}'; known lenses: {', '.join(LENS_INFO)}") from None
