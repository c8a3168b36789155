"""AddressSanitizer reports (gcc's libasan, clang's compiler-rt, any platform).

    ==4242==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000 at pc ... bp ... sp ...
    WRITE of size 15 at 0x60200000001e thread T0
        #0 0x7f... in __interceptor_memcpy ../../../../src/libsanitizer/...
        #1 0x7f... in lj_cf_ffi_copy (/.../lupa/luajit21.so+0x...)
    ...
    SUMMARY: AddressSanitizer: heap-buffer-overflow /x/repro.c:12 in cc_main

The kind is ASan's own name for the bug: the first word of the headline, or the word ASan's SUMMARY
line uses where the headline is a sentence ('calloc parameters overflow' -> calloc-overflow). An
excerpt without the headline is read from its SUMMARY line, or failing that from the access line
and the description of the address (heap region freed / not freed, global variable, stack).
"""

from __future__ import annotations

import re

from harness.diagnose.common import Report, san_frames, san_function

HEAD_RE = re.compile(r"^(?:==\d+==\s*)?(?:ERROR: )?AddressSanitizer: (?!\d)(?!while reporting)(\S.*?)\s*$", re.M)
SUMMARY_RE = re.compile(r"^SUMMARY: AddressSanitizer: ([A-Za-z][\w-]*)(.*)$", re.M)
ACCESS_RE = re.compile(r"^\s*(READ|WRITE) of size (\d+) at ", re.M)
SIGNAL_ACCESS_RE = re.compile(r"The signal is caused by a (READ|WRITE) memory access")


def function_of(text: str | None) -> str:
    """The function name of an ASan/LSan frame's 'in ...' part, without its location or parameters."""
    return san_function(text)


# headlines that are sentences: (prefix, ASan's SUMMARY name)
SPECIAL = (
    ("attempting double-free", "double-free"),
    ("attempting free on address which was not malloc()-ed", "bad-free"),
    ("alloc-dealloc-mismatch", "alloc-dealloc-mismatch"),
    ("calloc parameters overflow", "calloc-overflow"),
    ("reallocarray parameters overflow", "reallocarray-overflow"),
    ("pvalloc parameters overflow", "pvalloc-overflow"),
    ("requested allocation size", "allocation-size-too-big"),
    ("requested allocation alignment", "invalid-allocation-alignment"),
    ("invalid alignment requested in aligned_alloc", "invalid-aligned-alloc-alignment"),
    ("invalid alignment requested in posix_memalign", "invalid-posix-memalign-alignment"),
    ("allocator is out of memory", "out-of-memory"),
    ("out of memory", "out-of-memory"),
    ("allocation-size-too-big", "allocation-size-too-big"),
    ("attempting to call malloc_usable_size()", "bad-malloc_usable_size"),
    ("attempting to call __sanitizer_get_allocated_size()", "bad-__sanitizer_get_allocated_size"),
)


def kind_of(headline: str) -> str:
    for prefix, kind in SPECIAL:
        if headline.startswith(prefix):
            return kind
    words = headline.split()
    return words[0].rstrip(":") if words else "unknown"


def stack_frames(lines: list[str]) -> list[str]:
    """Function names of the first stack in lines (until the first blank line after it began)."""
    return san_frames(lines)


def _infer(text: str) -> str | None:
    """The kind of a headless excerpt, from how ASan describes the address."""
    if re.search(r"is located .* of global variable", text):
        return "global-buffer-overflow"
    if re.search(r"-byte region \[", text):
        if re.search(r"^\s*freed by thread", text, re.M):
            return "heap-use-after-free"
        if re.search(r"is located \d+ bytes (?:to the right|to the left|after|before) of", text):
            return "heap-buffer-overflow"
    if re.search(r"(?:overflows|underflows) this variable", text):
        return "stack-buffer-overflow"
    return None


def parse(text: str) -> Report | None:
    m = HEAD_RE.search(text)
    sm = SUMMARY_RE.search(text)
    am = ACCESS_RE.search(text)
    if not m and not sm and not (am and "AddressSanitizer" in text or am and _infer(text)):
        return None
    if m:
        headline = m.group(1)
        kind = kind_of(headline)
        message = "AddressSanitizer: " + headline
        rest = text[m.end():]
    elif sm:
        kind = sm.group(1)
        message = "AddressSanitizer: " + (sm.group(1) + sm.group(2)).strip()
        before = text[: sm.start()]
        start = am.start() if am and am.start() < sm.start() else 0
        rest = before[start:] if ("#0" in before[start:]) else text[sm.end():]
    else:
        kind = _infer(text)
        message = "AddressSanitizer report without its headline" + (f": {kind}" if kind else "")
        rest = text[am.start():]
    access = size = None
    am = ACCESS_RE.search(rest[:2000])
    if am:
        access, size = am.group(1), int(am.group(2))
    else:
        sig = SIGNAL_ACCESS_RE.search(rest[:2000])
        if sig:
            access = sig.group(1)
    frames = stack_frames(rest.splitlines())
    if not frames and sm:
        fm = re.search(r"\sin (\S.*?)\s*$", sm.group(2))
        frames = [function_of(fm.group(1))] if fm else []
    return Report("asan", kind, message, access, size, frames)
