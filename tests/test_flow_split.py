"""The corpus split stays honest: which flows are held out is decided by a hash, not by how they score.

The held-out flows (tests/flows/heldout) are never used to tune the offline caller; moving a flow the
caller fails from there into dev would make the held-out figure a lie, so the rule is checked here.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path

FLOWS = Path(__file__).parent / "flows"
SALT = "callersim-heldout-2026-12:"


def test_the_held_out_third_is_the_one_the_hash_picks() -> None:
    # Each batch of flows is split on its own, by kind: a later batch never moves a flow the engine was
    # tuned on into the held-out set, nor a held-out flow out of it.
    by_kind: dict[tuple[str, int], list[Path]] = defaultdict(list)
    for split in ("dev", "heldout"):
        for path in (FLOWS / split).glob("*.json"):
            data = json.loads(path.read_text(encoding="utf-8"))
            by_kind[data["kind"], data.get("batch", 1)].append(path)
    assert len({kind for kind, _ in by_kind}) >= 15 and sum(map(len, by_kind.values())) >= 150
    assert not (FLOWS / "incoming").exists() or not any((FLOWS / "incoming").iterdir()), (
        "split incoming flows"
    )
    for kind, paths in by_kind.items():
        ranked = sorted(paths, key=lambda p: hashlib.sha256((SALT + p.stem).encode()).hexdigest())
        held = round(len(ranked) / 3)
        assert {p.parent.name for p in ranked[:held]} == {"heldout"}, kind
        assert {p.parent.name for p in ranked[held:]} <= {"dev"}, kind
