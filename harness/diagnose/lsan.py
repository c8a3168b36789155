"""LeakSanitizer reports (standalone -fsanitize=leak, or ASan's leak check at exit).

    ==4242==ERROR: LeakSanitizer: detected memory leaks

    Direct leak of 16 byte(s) in 1 object(s) allocated from:
        #0 0x7f... in __interceptor_malloc ...
        #1 0x55... in main /x/lk.c:3

    Indirect leak of 32 byte(s) in 2 object(s) allocated from:
        ...
    SUMMARY: LeakSanitizer: 48 byte(s) leaked in 3 allocation(s).

Kind: `direct-leak` when the report lists a direct leak (a block nothing points to: the root cause),
`indirect-leak` when it lists only indirect ones (blocks reachable only from leaked blocks, e.g. a
cycle). Size and frames: the first direct leak's bytes and allocation stack. Metrics count both
(leak_direct_bytes, leak_direct_objects, leak_indirect_bytes, leak_indirect_objects): the rest of a
list whose head was lost shows as leak_indirect_objects.
"""

from __future__ import annotations

import re

from harness.diagnose.common import Report, san_frames

HEAD_RE = re.compile(r"^(?:==\d+==\s*)?(?:ERROR: )?LeakSanitizer: detected memory leaks\s*$", re.M)
BLOCK_RE = re.compile(r"^\s*(Direct|Indirect) leak of (\d+) byte\(s\) in (\d+) object\(s\) allocated from:\s*$", re.M)
SUMMARY_RE = re.compile(r"^SUMMARY: (?:Address|Leak|Memory|Thread|HWAddress)Sanitizer: (\d+) byte\(s\) leaked in (\d+) allocation\(s\)", re.M)


def parse(text: str) -> Report | None:
    blocks = list(BLOCK_RE.finditer(text))
    head = HEAD_RE.search(text)
    summary = SUMMARY_RE.search(text)
    if not blocks and not (head and summary):
        return None
    totals = {"direct": [0, 0], "indirect": [0, 0]}
    for b in blocks:
        t = totals[b.group(1).lower()]
        t[0] += int(b.group(2))
        t[1] += int(b.group(3))
    metrics = {
        "leak_direct_bytes": totals["direct"][0], "leak_direct_objects": totals["direct"][1],
        "leak_indirect_bytes": totals["indirect"][0], "leak_indirect_objects": totals["indirect"][1],
    }  # fmt: skip
    first = next((b for b in blocks if b.group(1) == "Direct"), blocks[0] if blocks else None)
    size = int(first.group(2)) if first else int(summary.group(1))
    kind = "direct-leak" if totals["direct"][1] or not blocks else "indirect-leak"
    frames = san_frames(text[first.end():].splitlines()) if first else []
    parts = [f"{n} byte(s) in {o} object(s) {w}" for w, (n, o) in totals.items() if o]
    message = "LeakSanitizer: detected memory leaks" + (": " + ", ".join(parts) if parts else "")
    if summary and not parts:
        message += f": {summary.group(1)} byte(s) leaked in {summary.group(2)} allocation(s)"
    return Report("lsan", kind, message, None, size or None, frames, metrics if blocks else {})
