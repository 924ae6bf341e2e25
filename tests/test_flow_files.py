"""Every call flow in the repository is well formed: a flow with a misspelt key would check nothing."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from flowcheck import EXPECT_KEYS, FLOW_KEYS

from callersim_cli.persona import Persona

FLOWS = Path(__file__).parent / "flows"
ALL_FLOWS = sorted(FLOWS.rglob("*.json"))
CORPUS = [p for p in ALL_FLOWS if p.parent.name in ("corpus", "dev", "heldout", "incoming")]
PERSONA_KEYS = {f.name for f in dataclasses.fields(Persona)}
# What a turn tests, so results can be reported per family (the families of issue 7).
FAMILIES = {
    "opening", "menu", "entry", "facts", "two_questions", "readback", "either_or", "offer", "hold",
    "ending", "other",
}  # fmt: skip
EXPECT_TYPES = {
    "press": str,
    "says_any": list,
    "says_all": list,
    "says_none": list,
    "digits_at_least": int,
    "gives_digits": str,
    "affirms": bool,
    "denies": bool,
    "hangs_up": bool,
}


def test_expect_types_cover_every_expect_key() -> None:
    assert set(EXPECT_TYPES) == EXPECT_KEYS


@pytest.mark.parametrize("path", ALL_FLOWS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_flow_file_is_well_formed(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data) <= FLOW_KEYS, f"unknown keys {set(data) - FLOW_KEYS}"
    assert data["description"].strip() and data["scenario"].strip()
    assert data["turns"], "a flow needs turns"
    assert set(data.get("persona", {})) <= PERSONA_KEYS, "unknown persona keys"
    assert data.get("verdict") in (None, True, False)
    for i, turn in enumerate(data["turns"], 1):
        assert set(turn) <= {"operator", "expect", "family", "note"}, f"turn {i}: unknown keys"
        assert turn.get("family", "other") in FAMILIES, f"turn {i}: unknown family {turn['family']!r}"
        assert turn["operator"].strip(), f"turn {i}: empty operator line"
        for key, value in turn.get("expect", {}).items():
            assert key in EXPECT_TYPES, f"turn {i}: unknown expect key {key!r}"
            assert isinstance(value, EXPECT_TYPES[key]), f"turn {i}: {key} should be {EXPECT_TYPES[key]}"
            if key == "press":
                assert re.fullmatch(r"[0-9*#]*", value), f"turn {i}: keys are digits, * and #"
            if key == "gives_digits":
                assert value.isdigit(), f"turn {i}: gives_digits holds digits only"


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_corpus_flow_names_its_kind_and_sources(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data.get("name") == path.stem
    assert isinstance(data.get("kind"), str) and data["kind"]
    assert isinstance(data.get("sources"), list) and all(isinstance(s, str) and s for s in data["sources"])
    assert data["sources"], "say where the flow comes from"
    assert data.get("verdict") in (True, False), "a corpus flow says how the call must end"
