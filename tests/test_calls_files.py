"""Several calls in one kept file (`chat --transcript PATH` with /reset): each is its own row of `calls`,
`show` prints them one after another, `-N` names one alone, and Markdown has each with its seed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_calls import DENTIST, PIZZA, Event, calls_dir, invoke, on_screen, record

# --- several calls in one file (--transcript PATH with /reset) ------------------------------------------

SEEDED_CONTEXT: dict[str, Any] = {
    "description": "Springfield Dental",
    "scenario": "move my appointment",
    "engine": "offline",
    "seed": 4242,
}
# What `chat --transcript one.jsonl` wrote: the pizza call (its end written twice, as older versions
# did), /reset, then a second call to the dentist that the business hung up on.
TWO_CALLS: list[Event] = [
    *PIZZA[:2],
    (2.0, "caller", {"text": "A large pepperoni, please.", "dtmf": None, "hangup": False, "timings": {}}),
    (
        3.0,
        "end",
        {"turns": 1, "end_reason": "interrupted", "goal_reached": False, "reason": "Cut short."},
    ),
    (
        3.5,
        "end",
        {"turns": 1, "end_reason": "new call", "goal_reached": True, "reason": "The order was taken."},
    ),
    (60.0, "context", SEEDED_CONTEXT),
    (61.0, "operator", {"text": "Dental office"}),
    (62.0, "caller", {"text": "I need to move my cleaning.", "dtmf": None, "hangup": False, "timings": {}}),
    (63.0, "operator", {"text": "We're closed, goodbye."}),
    (64.0, "caller", {"text": "Oh, okay.", "dtmf": None, "hangup": False, "timings": {}}),
    (
        65.0,
        "end",
        {"turns": 2, "end_reason": "business hung up", "goal_reached": False, "reason": "Not moved."},
    ),
]


@pytest.fixture
def two_calls() -> Path:
    return record(calls_dir() / "20250503-100000-order-a-large-pepperoni-pizza.jsonl", TWO_CALLS)


def test_calls_lists_each_call_of_a_file_as_its_own_row(
    two_calls: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")

    shown = on_screen("calls")

    rows = [line for line in shown.splitlines() if line.lstrip().startswith("-")]
    assert len(rows) == 2, shown
    # Newest first: the dentist call, 2 turns, not reached; then the pizza call, 1 turn, reached by
    # its last summary.
    assert "-1" in rows[0] and "Springfield Dental" in rows[0] and " 2 " in rows[0]
    assert "not reached" in rows[0]
    assert "-2" in rows[1] and "Joe's Pizza" in rows[1] and " 1 " in rows[1]
    assert "reached" in rows[1] and "not reached" not in rows[1]


def test_show_prints_the_calls_of_a_file_one_after_another(two_calls: Path) -> None:
    result = invoke("show", two_calls.stem)

    assert result.exit_code == 0, result.output
    out = result.stdout
    fragments = [
        "Joe's Pizza",
        "caller › A large pepperoni, please.",
        "call summary",
        "new call",  # the summary's "ended" row, then the rule between the calls
        "Springfield Dental",
        "4242",
        "business › Dental office",
        "caller › Oh, okay.",
        "business hung up",
        "goal not reached",
    ]
    positions = [out.index(fragment) for fragment in fragments]
    assert positions == sorted(positions)
    # Two summaries, one per call: the pizza call's first, superseded end is not shown.
    assert out.count("call summary") == 2
    assert "Cut short." not in out and "interrupted" not in out
    assert "The order was taken." in out


def test_minus_n_shows_that_row_of_calls_alone(two_calls: Path) -> None:
    newest = invoke("show", "-1")
    before = invoke("show", "-2")

    assert newest.exit_code == 0 and before.exit_code == 0
    assert f"{two_calls.stem} (call 2 of 2)" in newest.stdout
    assert "business › Dental office" in newest.stdout and "Joe's Pizza" not in newest.stdout
    assert f"{two_calls.stem} (call 1 of 2)" in before.stdout
    assert "Joe's Pizza" in before.stdout and "Dental office" not in before.stdout


def test_markdown_of_a_file_of_calls_has_each_call_and_its_seed(two_calls: Path) -> None:
    md = invoke("show", two_calls.stem, "--markdown").stdout

    assert md.startswith("# Call: order a large pepperoni pizza\n")
    assert md.count("### Summary") == 2
    assert "| why | The order was taken. |" in md and "Cut short." not in md
    assert "## New call" in md and "- **Business:** Springfield Dental" in md
    assert "- **Seed:** 4242" in md
    assert "| ended | business hung up |" in md
    assert md.index("A large pepperoni") < md.index("## New call") < md.index("Dental office")


def test_the_seed_is_shown_in_the_header_when_recorded(tmp_path: Path) -> None:
    seeded = record(tmp_path / "seeded.jsonl", [(0.0, "context", SEEDED_CONTEXT)])
    plain = record(tmp_path / "plain.jsonl", DENTIST)

    header = invoke("show", str(seeded)).stdout.splitlines()
    md = invoke("show", str(plain), "--markdown").stdout

    assert any(line.split() == ["seed", "4242"] for line in header), header
    assert "seed" not in invoke("show", str(plain)).stdout and "Seed" not in md
