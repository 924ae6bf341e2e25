"""How well the offline caller handles call flows: turn checks and whole flows passed, per split and family.

    python bench/flow_score.py                     # every split, seeds None, 7 and 31337
    python bench/flow_score.py --split dev --failures   # what failed, turn by turn (never for heldout)

Splits are folders of tests/flows: ``samples`` (the four shared samples), ``own`` (the flows the engine
was first written against, tests/flows/*.json), ``dev`` (the corpus the engine may be tuned on) and
``heldout`` (the corpus it must never be tuned on: only its figures are printed, never its failures).
A turn not reached because the caller hung up early counts as failed; a flow passes whole when every
turn passes and the call ends with the flow's verdict.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from flowcheck import Flow, play_flow, report  # noqa: E402

from callersim_cli.conversation import Conversation  # noqa: E402
from callersim_cli.engines import EngineOptions  # noqa: E402
from callersim_cli.engines.offline import OfflineEngine  # noqa: E402

FLOWS = ROOT / "tests" / "flows"
SPLITS = {
    "samples": sorted((FLOWS / "samples").glob("*.json")),
    "own": sorted(FLOWS.glob("*.json")),
    "dev": sorted((FLOWS / "dev").glob("*.json")),
    "heldout": sorted((FLOWS / "heldout").glob("*.json")),
}
SEEDS = (None, 7, 31337)


def score(paths: list[Path], seeds: tuple[int | None, ...], failures: bool) -> dict[str, Counter[str]]:
    totals: Counter[str] = Counter()
    families: dict[str, Counter[str]] = {}
    for path in paths:
        flow = Flow.load(path)
        for seed in seeds:
            engine = OfflineEngine(EngineOptions(seed=seed))
            conv, results = play_flow(flow, engine)
            turn_ok = [not r.problems for r in results] + [False] * (len(flow.turns) - len(results))
            verdict_ok = True
            why = ""
            if flow.verdict is not None:
                reached, why = engine.verdict(conv.context, conv.messages)
                verdict_ok = reached == flow.verdict
                totals["verdicts"] += 1
                totals["verdicts_ok"] += verdict_ok
            totals["turns"] += len(turn_ok)
            totals["turns_ok"] += sum(turn_ok)
            totals["flows"] += 1
            whole = all(turn_ok) and verdict_ok
            totals["flows_ok"] += whole
            for turn, ok in zip(flow.turns, turn_ok, strict=True):
                family = families.setdefault(turn.get("family", "other"), Counter())
                family["turns"] += 1
                family["turns_ok"] += ok
            if failures and not whole:
                print(f"\n=== {path.parent.name}/{path.stem} seed={seed}")
                print(with_acts(report(results), conv, engine))
                if not verdict_ok:
                    print(f"  ! verdict: expected {flow.verdict}, got {not flow.verdict}: {why}")
    return {"total": totals, **families}


def with_acts(text: str, conv: Conversation, engine: OfflineEngine) -> str:
    """The report with the act that answered each turn: what --explain shows a user."""
    acts = []
    for i in range(len(conv.exchanges)):
        history = [*conv.messages[: 1 + 2 * i], {"role": "user", "content": conv.exchanges[i].operator}]
        acts.append(str(engine.explain(conv.context, history)))
    out, turn = [], -1
    for line in text.split("\n"):
        out.append(line)
        if line.startswith(("ok  ", "FAIL")):
            turn += 1
        elif line.lstrip().startswith("->") and 0 <= turn < len(acts):
            out.append(f"       ~ {acts[turn]}")
    return "\n".join(out)


def pct(ok: int, n: int) -> str:
    return f"{ok}/{n} ({100 * ok / n:.1f}%)" if n else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="all")
    parser.add_argument("--failures", action="store_true", help="print failed flows (not for heldout)")
    parser.add_argument("--families", action="store_true", help="turn checks per family")
    parser.add_argument("--seed", type=int, action="append", help="seeds (default: None, 7, 31337)")
    parser.add_argument("--only", help="only flows whose name contains this")
    args = parser.parse_args()
    seeds = tuple(args.seed) if args.seed else SEEDS
    names = list(SPLITS) if args.split == "all" else [args.split]
    print(f"seeds: {', '.join(str(s) for s in seeds)}")
    print(f"{'split':<8} {'flows':>5}  {'turn checks':>22}  {'flows whole':>20}  {'verdicts':>20}")
    for name in names:
        paths = [p for p in SPLITS[name] if not args.only or args.only in p.stem]
        if not paths:
            continue
        show = args.failures and name != "heldout"
        result = score(paths, seeds, show)
        t = result["total"]
        print(
            f"{name:<8} {len(paths):>5}  {pct(t['turns_ok'], t['turns']):>22}  "
            f"{pct(t['flows_ok'], t['flows']):>20}  {pct(t['verdicts_ok'], t['verdicts']):>20}"
        )
        if args.families:
            for family, c in sorted(result.items()):
                if family != "total":
                    print(f"    {family:<14} {pct(c['turns_ok'], c['turns']):>22}")


if __name__ == "__main__":
    main()
