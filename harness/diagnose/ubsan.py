"""UndefinedBehaviorSanitizer reports (gcc's libubsan, clang's compiler-rt).

    ub.c:15:22: runtime error: signed integer overflow: 2147483647 + 1 cannot be represented in type 'int'
        #0 0x557ca26b32e3 in main /tmp/ub.c:15           <- only with UBSAN_OPTIONS=print_stacktrace=1
        ...
    SUMMARY: UndefinedBehaviorSanitizer: undefined-behavior ub.c:15:22 in   <- clang (report_error_type=1 names it)

The kind is UBSan's own error-type name (what clang prints in SUMMARY with report_error_type=1),
read from the wording of the runtime error, which gcc and clang share. The message keeps the source
location (file name, line, column) in front of 'runtime error: ...'. The first error of the text
is the one reported; frames come from print_stacktrace, else from SUMMARY's 'in function'.
"""

from __future__ import annotations

import re

from harness.diagnose.common import Report, san_frames, san_function

ERROR_RE = re.compile(r"^(?:(?P<loc>[^\n]*?):(?P<line>\d+)(?::(?P<col>\d+))?:\s|[^\n]*?)runtime error: (?P<msg>.+?)\s*$", re.M)
SUMMARY_RE = re.compile(r"^SUMMARY: UndefinedBehaviorSanitizer: (?P<type>[\w-]+)(?P<rest>.*)$", re.M)
DEADLY_RE = re.compile(r"^(?:==\d+==\s*)?ERROR: UndefinedBehaviorSanitizer: (?P<msg>(?P<kind>\w+) on unknown address.*?)\s*$", re.M)

# (pattern on the message, kind): first match wins
KINDS: list[tuple[re.Pattern, str]] = [(re.compile(p), k) for p, k in [
    (r"^signed integer overflow", "signed-integer-overflow"),
    (r"^negation of .* cannot be represented", "signed-integer-overflow"),
    (r"^division of .* by -1 cannot be represented", "signed-integer-overflow"),
    (r"^unsigned integer overflow", "unsigned-integer-overflow"),
    (r"^division by zero", "integer-divide-by-zero"),
    (r"^shift exponent ", "invalid-shift-exponent"),
    (r"^left shift of ", "invalid-shift-base"),
    (r"misaligned address", "misaligned-pointer-use"),
    (r"^(?:load of|store to|member access within|member call on|reference binding to|upcast of|downcast of) null pointer", "null-pointer-use"),
    (r"^index -?\d+ out of bounds", "out-of-bounds-index"),
    (r"^load of value .*, which is not a valid value for type '(?:_Bool|bool)'", "invalid-bool-load"),
    (r"^load of value .*, which is not a valid value for type", "invalid-enum-load"),
    (r"is outside the range of representable values", "float-cast-overflow"),
    (r"^applying (?:non-zero |zero )?offset .*to null pointer", "nullptr-with-offset"),
    (r"^(?:pointer index expression with base|addition of unsigned offset|subtraction of unsigned offset|applying non-zero offset)", "pointer-overflow"),
    (r"with insufficient space for an object of type", "insufficient-object-size"),
    (r"^execution reached (?:an unreachable program point|a __builtin_unreachable)", "unreachable-call"),
    (r"^execution reached the end of a value-returning function", "missing-return"),
    (r"^variable length array bound evaluates to non-positive value", "non-positive-vla-index"),
    (r"^null pointer passed as argument", "invalid-null-argument"),
    (r"^null pointer returned from function declared to never return null", "invalid-null-return"),
    (r"which does not point to an object of type|^dynamic operation on", "dynamic-type-mismatch"),
    (r"through pointer to incorrect function type", "function-type-mismatch"),
    (r"^implicit conversion from type", "implicit-conversion"),
    (r"^passing zero to \w+\(\), which is not a valid argument", "invalid-builtin-use"),
    (r"^control flow integrity check", "cfi-bad-type"),
    (r"alignment assumption", "alignment-assumption"),
    (r"^load of value .* is not a valid value for type", "invalid-enum-load"),
]]


def kind_of(msg: str, summary_type: str | None = None) -> str:
    for pattern, kind in KINDS:
        if pattern.search(msg):
            return kind
    if summary_type and summary_type != "undefined-behavior":
        return summary_type
    return "undefined-behavior"


def parse(text: str) -> Report | None:
    m = ERROR_RE.search(text)
    sm = SUMMARY_RE.search(text)
    if not m:
        dm = DEADLY_RE.search(text)
        if dm:  # UBSan's own handler for a fatal signal
            return Report("ubsan", dm.group("kind"), "UndefinedBehaviorSanitizer: " + dm.group("msg"),
                          frames=san_frames(text[dm.end():].splitlines()))  # fmt: skip
        if not sm:
            return None
        where = sm.group("rest").strip()
        fm = re.search(r"\sin (\S.*?)\s*$", " " + where)
        return Report("ubsan", kind_of("", sm.group("type")), "UndefinedBehaviorSanitizer: " + (sm.group("type") + " " + where).strip(),
                      frames=[san_function(fm.group(1))] if fm else [])  # fmt: skip
    msg = m.group("msg")
    loc = m.group("loc")
    if loc:
        loc = re.split(r"[/\\]", loc.strip())[-1]
        loc += f":{m.group('line')}" + (f":{m.group('col')}" if m.group("col") else "")
    message = (f"{loc}: " if loc else "") + "runtime error: " + msg
    after = text[m.end():]
    nxt = ERROR_RE.search(after)
    frames = san_frames((after[: nxt.start()] if nxt else after).splitlines()[:80])
    if not frames and sm and sm.start() > m.start():
        fm = re.search(r"\sin (\S.*?)\s*$", sm.group("rest"))
        frames = [san_function(fm.group(1))] if fm else []
    return Report("ubsan", kind_of(msg, sm.group("type") if sm else None), message, frames=frames)
