"""How fast `callersim test` makes calls, and what it costs per turn itself.

    python bench/suite_speed.py              # 200 calls at --jobs 1 and --jobs 8, 3 runs each
    python bench/suite_speed.py --runs 5 --calls 100 --jobs 1 2 8

The calls are the offline caller against the shipped example bot (``examples/pizza-suite.toml``, its two
order cases repeated: ``--case delivery-card --case pickup-cash --repeat N``), each bot a fresh process
as in real use. Every run is a new Python process that runs the command in-process, so its own CPU
time (``getrusage(RUSAGE_SELF)``: the caller engine, the protocol, the call logs, the threads) is told
apart from the bots' (``RUSAGE_CHILDREN``). Prints, per --jobs, the minimum and median over the runs of:

- calls/s: calls finished per second of wall time, start-up included;
- wall per turn: the whole run's wall time over its caller turns;
- callersim CPU per turn: its own CPU time over the turns, start-up (imports) included;
- bots' CPU per turn: the example bot's processes (start-up is most of it);
- engine per reply: the median of the caller replies' ``timings.total_s`` in the call logs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "examples" / "pizza-suite.toml"
CASES = ("delivery-card", "pickup-cash")


def child(out: Path, jobs: int, calls: int) -> None:
    """One measured run, in this process; prints its figures as one JSON line."""
    sys.path.insert(0, str(ROOT))
    from callersim_cli.cli import app
    from callersim_cli.environment import Environment

    args = ["test", str(SUITE), "--out", str(out), "--jobs", str(jobs), "--repeat", str(calls // len(CASES))]
    for case in CASES:
        args += ["--case", case]
    started = time.perf_counter()
    code = app(args, standalone_mode=False, obj=Environment.read(), prog_name="callersim")
    wall = time.perf_counter() - started
    own, bots = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    replies = []
    for line in lines:
        for raw in Path(line["call_log"]).read_text().splitlines():
            event = json.loads(raw)
            if event["type"] == "caller":
                replies.append(event["timings"]["total_s"])
    figures = {
        "code": code,
        "calls": len(lines),
        "passed": sum(1 for line in lines if line["status"] == "pass"),
        "turns": sum(line["turns"] for line in lines),
        "wall_s": wall,
        "own_cpu_s": own.ru_utime + own.ru_stime,
        "bots_cpu_s": bots.ru_utime + bots.ru_stime,
        "reply_median_s": statistics.median(replies),
    }
    print(json.dumps(figures))


def measure(jobs: int, calls: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="callersim-bench-") as folder:
        env = {**os.environ, "CALLERSIM_HOME": folder}
        for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "CALLERSIM_ENGINE"):
            env.pop(name, None)  # the offline caller, whatever this shell has set
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(Path(folder) / "out"), str(jobs), str(calls)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
    figures: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    if figures["passed"] != figures["calls"]:
        raise SystemExit(f"only {figures['passed']} of {figures['calls']} calls passed: {done.stderr[-500:]}")
    return figures


def row(label: str, values: list[float], unit: str, scale: float = 1.0) -> str:
    low, mid = min(values) * scale, statistics.median(values) * scale
    return f"  {label:<24} min {low:>8.2f} {unit:<6} median {mid:>8.2f} {unit}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), int(args.child[1]), int(args.child[2]))
        return
    print(f"callersim test: {args.calls} offline calls against examples/pizza_bot.py, {args.runs} runs each")
    print(f"  ({os.cpu_count()} CPUs; {' '.join(CASES)} repeated {args.calls // len(CASES)} times)")
    for jobs in args.jobs:
        runs = [measure(jobs, args.calls) for _ in range(args.runs)]
        turns = runs[0]["turns"]
        print(f"--jobs {jobs}: {runs[0]['calls']} calls, {turns} caller turns")
        print(row("calls/s", [r["calls"] / r["wall_s"] for r in runs], ""))
        print(row("wall per turn", [r["wall_s"] / r["turns"] for r in runs], "ms", 1000))
        print(row("callersim CPU per turn", [r["own_cpu_s"] / r["turns"] for r in runs], "ms", 1000))
        print(row("bots' CPU per turn", [r["bots_cpu_s"] / r["turns"] for r in runs], "ms", 1000))
        print(row("engine per reply", [r["reply_median_s"] for r in runs], "ms", 1000))


if __name__ == "__main__":
    main()
