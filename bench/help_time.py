"""Wall time of `callersim --help` and `callersim chat --help`, which must not import the SDKs.

    python bench/help_time.py [--runs 20]

Prints the median and best of N runs of the installed console script (or `python -m callersim_cli`).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time


def time_command(argv: list[str], runs: int) -> list[float]:
    subprocess.run(argv, capture_output=True, check=True)  # warm the OS file cache first
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    script = shutil.which("callersim")
    base = [script] if script else [sys.executable, "-m", "callersim_cli"]
    print(f"{'command':<28} {'median':>8} {'best':>8}   ({args.runs} runs, {' '.join(base)})")
    for extra in (["--help"], ["chat", "--help"], ["--version"]):
        times = time_command([*base, *extra], args.runs)
        label = "callersim " + " ".join(extra)
        print(f"{label:<28} {statistics.median(times) * 1000:>6.0f} ms {min(times) * 1000:>5.0f} ms")


if __name__ == "__main__":
    main()
