"""Benchmark: corpus wall time, and each run's overhead against a bare Python child.

    python bench/bench.py [--rounds 3] [-j N] [--json out.json] [crashcourse run filters...]

1. Floors: the median start-to-exit time of `sys.executable -c pass` and of the same child with
   gcc's libasan preloaded (what every plain and asan run pays before the case does anything).
2. One run: `crashcourse run <one plain C case, bug variant> --json`, the command's wall time minus
   its run's own duration (harness start, imports, manifest, build-cache check, planning, report). The
   command makes two runs (profiles O0 and O2) at once: the longer one is subtracted.
3. Corpus: `crashcourse run --json` over the corpus, `--rounds` times with a warm build cache;
   the median wall time, and for every run its median duration minus the floor of its kind.
4. Hangs: for every run that hung, what decided it (proof, window, timeout) and the detection
   latency (from the child's last output, or its start, to the decision), median over the rounds.
Medians, never means: one slow round on a shared machine should not move the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def floor(argv: list[str], env: dict | None = None, n: int = 30) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


# The harness as a user starts it: with its bytecode cached. (Some sandboxes export
# PYTHONDONTWRITEBYTECODE=1, which makes every start recompile the harness: ~50 ms that no user pays.
# The children are unaffected: the harness gives them their own environment.)
HARNESS_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def corpus_round(args: list[str]) -> tuple[float, list[dict]]:
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "harness", "run", "--json", *args], cwd=ROOT,
                          capture_output=True, text=True, env=HARNESS_ENV)  # fmt: skip
    wall = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        sys.exit(f"bench: crashcourse run failed: {proc.stderr.strip()}")
    return wall, json.loads(proc.stdout)


def import_times(args: list[str]) -> dict:
    """What a command's start-up imports cost (`python -X importtime`): the top 10 by cumulative time,
    and the sum of the harness's top-level imports (the CLI, and what it imports lazily)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "harness", *args], cwd=ROOT,
                          capture_output=True, text=True, env=HARNESS_ENV)  # fmt: skip
    rows = []
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)", line)
        if m:
            rows.append((int(m.group(2)), len(m.group(3)), m.group(4)))
    top = sorted(((us, name) for us, _depth, name in rows), reverse=True)[:10]
    total = sum(us for us, depth, name in rows if depth == 0 and name.startswith("harness"))  # each top-level harness import
    return {"top": top, "total_us": total, "count": len(rows)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3, help="corpus rounds (0: only the one-run figures)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--top", type=int, default=12, help="how many of the slowest runs to list")
    ap.add_argument("--one", type=int, default=10, help="how many times to time the one-run command")
    ap.add_argument("filters", nargs="*", help="case ids or globs (default: the whole corpus)")
    opts = ap.parse_args()

    asan = subprocess.run(["gcc", "-print-file-name=libasan.so"], capture_output=True, text=True).stdout.strip()
    bare = floor([sys.executable, "-c", "pass"])
    env = dict(os.environ, LD_PRELOAD=asan, ASAN_OPTIONS="detect_leaks=0")
    asan_floor = floor([sys.executable, "-c", "pass"], env) if os.path.isabs(asan) else None
    print(f"floor: bare `python -c pass` child          median {bare * 1000:7.1f} ms")
    if asan_floor is not None:
        print(f"floor: same with libasan preloaded          median {asan_floor * 1000:7.1f} ms")

    one = ["double-free", "--lens", "plain", "--variant", "bug"]
    corpus_round(one)  # warm
    overheads_one = []
    for _ in range(opts.one):
        wall, records = corpus_round(one)
        overheads_one.append(wall - max(r["duration_s"] for r in records))  # its runs are parallel: the longest
    one_med = statistics.median(overheads_one)
    print(f"one run: `crashcourse run {' '.join(one)}` beyond its run       median {one_med * 1000:7.1f} ms over {opts.one}")
    imports = import_times(["run", "--json", *one])
    print(f"  its imports (-X importtime, cumulative, top 10 of {imports['count']}; all harness imports: "
          f"{imports['total_us'] / 1000:.1f} ms):")
    for us, name in imports["top"]:
        print(f"    {us / 1000:7.1f} ms  {name}")

    if opts.rounds < 1:  # --rounds 0: only the one-run figures
        return 0
    corpus_round([*opts.filters, "-j", str(opts.jobs)])  # warm the build cache; not timed
    walls, per_run = [], {}
    for i in range(opts.rounds):
        wall, records = corpus_round([*opts.filters, "-j", str(opts.jobs)])
        walls.append(wall)
        for r in records:
            if r["skipped"]:
                continue
            key = f"{r['case']}[{r['variant']}-{r['lens']}-{r['profile']}]"
            entry = per_run.setdefault(key, {"lens": r["lens"], "d": [], "hang": []})
            entry["d"].append(r["duration_s"])
            if r["observed"].get("decided_by"):
                entry["hang"].append((r["observed"]["decided_by"], r["observed"].get("latency_s")))
        print(f"round {i + 1}: {len(records)} runs, wall {wall:.2f} s")
    wall_med = statistics.median(walls)
    print(f"\ncorpus wall time (-j {opts.jobs}, warm cache): median {wall_med:.2f} s over {opts.rounds} rounds")

    rows = []
    for key, v in per_run.items():
        med = statistics.median(v["d"])
        base = asan_floor if v["lens"] == "asan" and asan_floor is not None else bare
        rows.append((key, v["lens"], med, med - base))
    overheads = [r[3] for r in rows if r[1] in ("plain", "asan")]
    if overheads:
        print(f"per-run overhead over its floor (plain and asan runs): median {statistics.median(overheads) * 1000:.0f} ms")
    sum_runs = sum(r[2] for r in rows)
    print(f"sum of run medians: {sum_runs:.2f} s (parallel speed-up {sum_runs / wall_med:.2f}x)")
    print(f"\nslowest {opts.top} runs (median duration, overhead over floor):")
    for key, _lens, med, over in sorted(rows, key=lambda r: -r[2])[: opts.top]:
        print(f"  {med:7.2f} s  {over * 1000:+8.0f} ms  {key}")
    hangs = {}
    for key, v in sorted(per_run.items()):
        if v["hang"]:
            lat = [x for _, x in v["hang"] if x is not None]
            hangs[key] = {"decided_by": sorted({d for d, _ in v["hang"]}), "latency_median_s": statistics.median(lat) if lat else None,
                          "latency_max_s": max(lat) if lat else None}  # fmt: skip
    if hangs:
        print("\nhangs: what decided each, and the detection latency (last output -> decision; median, max):")
        for key, h in hangs.items():
            lat = f"{h['latency_median_s'] * 1000:6.0f} ms, max {h['latency_max_s'] * 1000:6.0f} ms" if h["latency_median_s"] is not None else "n/a"
            print(f"  {'/'.join(h['decided_by']):>12}  {lat}  {key}")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"floor_s": bare, "asan_floor_s": asan_floor, "one_run_overhead_s": one_med, "walls_s": walls,
                       "one_run_imports_s": imports["total_us"] / 1e6,
                       "wall_median_s": wall_med, "hangs": hangs,
                       "runs": [{"id": k, "lens": lens, "median_s": m, "overhead_s": o} for k, lens, m, o in rows]}, f, indent=2)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
