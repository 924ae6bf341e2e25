"""Kept calls: `callersim calls` lists them, `callersim show` prints one as a conversation or Markdown,
whatever way the user names it, and a transcript torn by a killed process still shows."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from callersim_cli.cli import app
from callersim_cli.environment import Environment
from callersim_cli.records import TranscriptWriter

START = datetime(2025, 5, 1, 14, 15, 30, tzinfo=timezone.utc)

Event = tuple[float, str, dict[str, Any]]

PIZZA: list[Event] = [
    (
        0.0,
        "context",
        {
            "description": "Joe's Pizza, a takeaway",
            "scenario": "order a large pepperoni pizza",
            "engine": "offline",
            "model": "scripted",
            "persona": {"name": "Jordan Parker", "order": "004821"},
        },
    ),
    (1.0, "operator", {"text": "Thanks for calling Joe's, how can I help?"}),
    (
        2.0,
        "caller",
        {
            "text": "Hi, a large pepperoni [bold]please[/bold].",
            "dtmf": None,
            "hangup": False,
            "timings": {},
            "audio": "001-caller.mp3",
        },
    ),
    # The business typed over the caller a long minute later: a barge-in, then its line.
    (
        90.0,
        "audio",
        {"turn": 1, "file": "001-caller.mp3", "heard_s": 1.2, "duration_s": 3.4, "interrupted": True},
    ),
    (90.0, "operator", {"text": "Press 1 for delivery"}),
    (91.0, "caller", {"text": "", "dtmf": "1", "hangup": False, "timings": {}, "audio": "002-caller.mp3"}),
    (
        92.0,
        "audio",
        {"turn": 2, "file": "002-caller.mp3", "heard_s": 0.5, "duration_s": 0.5, "interrupted": False},
    ),
    (92.5, "error", {"message": "The caller engine timed out; send the line again"}),
    (93.0, "operator", {"text": "That's $20. Goodbye!"}),
    (94.0, "caller", {"text": "Thanks, bye!", "dtmf": None, "hangup": True, "timings": {}, "audio": None}),
    (
        95.0,
        "end",
        {
            "turns": 3,
            "duration_s": 95.0,
            "keys": ["1"],
            "hung_up": True,
            "end_reason": "caller hung up",
            "goal_reached": True,
            "reason": "The order was taken.",
        },
    ),
]

DENTIST: list[Event] = [
    (
        0.0,
        "context",
        {"description": "Springfield Dental", "scenario": "book a cleaning", "engine": "offline"},
    ),
    (1.0, "operator", {"text": "Dental office"}),
    (2.0, "caller", {"text": "I'd like a cleaning.", "dtmf": None, "hangup": False, "timings": {}}),
    (
        3.0,
        "end",
        {
            "turns": 1,
            "duration_s": 3.0,
            "keys": [],
            "hung_up": False,
            "end_reason": "end of input",
            "goal_reached": False,
            "reason": "Nothing booked.",
        },
    ),
]


def calls_dir() -> Path:
    """Where `callersim chat` keeps calls, for this test's environment."""
    return Environment.read().calls_dir


def record(path: Path, events: Iterable[Event], start: datetime = START) -> Path:
    """Write ``events`` with the real TranscriptWriter, each stamped ``start`` + its offset in seconds."""
    writer = TranscriptWriter(path)
    try:
        for offset, event_type, fields in events:
            stamp = (start + timedelta(seconds=offset)).isoformat(timespec="milliseconds")
            writer.write({"type": event_type, "ts": stamp.replace("+00:00", "Z"), **fields})
    finally:
        writer.close()
    return path


@pytest.fixture
def kept() -> dict[str, Path]:
    """Two kept calls in the calls folder, as `callersim chat` names them: pizza first, dentist newest."""
    folder = calls_dir()
    return {
        "pizza": record(folder / "20250501-141530-order-a-large-pepperoni-pizza.jsonl", PIZZA),
        "dentist": record(
            folder / "20250502-090000-book-a-cleaning.jsonl", DENTIST, START + timedelta(days=1)
        ),
    }


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def on_screen(*args: str) -> str:
    """What a person at a terminal reads: the command run with stdout a terminal, colours taken out."""
    result = CliRunner().invoke(app, list(args), obj=Environment(dict(os.environ), terminal=True))
    assert result.exit_code == 0, result.output
    return re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)


def line_index(lines: list[str], fragment: str) -> int:
    return next(i for i, line in enumerate(lines) if fragment in line)


# --- calls ----------------------------------------------------------------------------------------------


def test_calls_lists_newest_first_with_goal_turns_and_verdict(
    kept: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")

    rows = [line for line in on_screen("calls").splitlines() if line.lstrip().startswith("-")]

    assert len(rows) == 2
    assert "-1" in rows[0] and "Springfield Dental" in rows[0] and "book a cleaning" in rows[0]
    assert "not reached" in rows[0] and " 1 " in rows[0]
    assert "-2" in rows[1] and "Joe's Pizza" in rows[1] and " 3 " in rows[1] and "reached" in rows[1]
    assert "May 01" in rows[1] or "May 02" in rows[1]  # local time, whatever the zone


def test_calls_limit(kept: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")

    shown = on_screen("calls", "--limit", "1")

    assert "Springfield Dental" in shown
    assert "Joe's Pizza" not in shown


def test_calls_when_none_were_kept() -> None:
    result = invoke("calls")

    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No calls kept yet" in result.stderr


# --- show -----------------------------------------------------------------------------------------------


def test_show_prints_the_conversation_in_order(kept: dict[str, Path]) -> None:
    result = invoke("show", "20250501-141530-order-a-large-pepperoni-pizza")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    expected_order = [
        "20250501-141530-order-a-large-pepperoni-pizza",
        "Joe's Pizza, a takeaway",
        "order a large pepperoni pizza",
        "Jordan Parker",
        "business › Thanks for calling Joe's, how can I help?",
        "caller › Hi, a large pepperoni [bold]please[/bold].",  # as said, not as markup
        "⤺ the business cut the caller off after 1.2 s of 3.4 s",
        "business › Press 1 for delivery",
        "☎ presses 1",
        "✗ The caller engine timed out; send the line again",
        "business › That's $20. Goodbye!",
        "caller › Thanks, bye!",
        "☎ hangs up",
        "call summary",
        "caller hung up",
        "goal reached",
        "The order was taken.",
    ]
    positions = [line_index(lines, fragment) for fragment in expected_order]
    assert positions == sorted(positions)
    # A reply that was only a key press has no empty "caller ›" line.
    assert not any(line.rstrip() == "caller ›" for line in lines)


@pytest.mark.parametrize("ref", ["last", "-1", "20250502", "20250502-090000-book-a-cleaning.jsonl"])
def test_show_finds_a_call_by_any_name(kept: dict[str, Path], ref: str) -> None:
    result = invoke("show", ref)

    assert result.exit_code == 0, result.output
    assert "business › Dental office" in result.stdout
    assert "goal not reached" in result.stdout


def test_show_takes_a_path_anywhere(tmp_path: Path) -> None:
    path = record(tmp_path / "elsewhere.jsonl", DENTIST)

    result = invoke("show", str(path))

    assert result.exit_code == 0
    assert "caller › I'd like a cleaning." in result.stdout


def test_show_minus_two_is_the_call_before(kept: dict[str, Path]) -> None:
    result = invoke("show", "-2")

    assert result.exit_code == 0
    assert "business › Press 1 for delivery" in result.stdout


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("pasta", "No kept call 'pasta' in"),
        ("2025050", "'2025050' matches 2 calls"),
        ("-3", "There are only 2 kept calls; '-3' is not one of them"),
        ("./missing.jsonl", "No such transcript: ./missing.jsonl"),
    ],
)
def test_show_an_unknown_call_is_one_line_and_exit_2(kept: dict[str, Path], ref: str, message: str) -> None:
    result = invoke("show", ref)

    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), lines


def test_show_with_nothing_kept_says_so() -> None:
    result = invoke("show", "last")

    assert result.exit_code == 2
    assert result.stderr.startswith("No calls kept yet in ")


def test_show_markdown(kept: dict[str, Path]) -> None:
    result = invoke("show", "-2", "--markdown")

    assert result.exit_code == 0, result.output
    md = result.stdout
    assert md.startswith("# Call: order a large pepperoni pizza\n")
    assert "- **Business:** Joe's Pizza, a takeaway" in md
    assert "- **Caller:** name: Jordan Parker; order: 004821" in md
    assert "**Business:** Thanks for calling Joe's, how can I help?" in md
    # Markup-looking text comes out literally, not as a link or HTML.
    assert r"**Caller:** Hi, a large pepperoni \[bold\]please\[/bold\]." in md
    assert "> ☎ *presses 1*" in md
    assert "> ☎ *hangs up*" in md
    assert "> ✗ **Error:** The caller engine timed out; send the line again" in md
    assert "| verdict | goal reached |" in md
    assert "| why | The order was taken. |" in md
    assert md.index("Thanks for calling") < md.index("Press 1") < md.index("Goodbye") < md.index("Summary")


def test_show_markdown_to_a_file(kept: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "calls" / "pizza.md"

    result = invoke("show", "-2", "--markdown", "-o", str(out))

    assert result.exit_code == 0
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8") == invoke("show", "-2", "--markdown").stdout


def test_output_without_markdown_is_refused(kept: dict[str, Path], tmp_path: Path) -> None:
    result = invoke("show", "-1", "-o", str(tmp_path / "x.md"))

    assert result.exit_code == 2
    assert "--markdown" in result.stderr
    assert not (tmp_path / "x.md").exists()


def test_a_torn_last_line_is_skipped() -> None:
    # Killed while writing the caller's second reply: the real writer's lines, then half of one, cut
    # inside a UTF-8 character.
    path = record(calls_dir() / "20250501-141530-order-a-large-pepperoni-pizza.jsonl", PIZZA[:5])
    with open(path, "ab") as f:
        f.write('{"type": "caller", "ts": "2025-05-01T14:17:01.000Z", "text": "Café'.encode()[:-1])

    shown = invoke("show", "last")
    listed = invoke("calls")
    md = invoke("show", "last", "--markdown")

    assert shown.exit_code == 0, shown.output
    assert "business › Press 1 for delivery" in shown.stdout
    assert "Caf" not in shown.stdout
    assert listed.exit_code == 0 and "Joe's Pizza" in listed.stdout
    assert md.exit_code == 0 and "Press 1 for delivery" in md.stdout and "Caf" not in md.stdout


def test_a_narrow_screen_cuts_business_and_goal_not_the_rest(
    kept: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")

    rows = [line for line in on_screen("calls").splitlines() if line.lstrip().startswith("-")]

    assert all(len(row) <= 80 for row in rows)
    assert "-1" in rows[0] and "not reached" in rows[0] and "Springfield Dent…" in rows[0]


# --- what is not a call, and where nothing can be read or written --------------------------------------


def one_line_exit_2(result: Any) -> str:
    """The single line a refused command printed on stderr, after checking it printed nothing else."""
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


@pytest.mark.parametrize("command", ["show", "replay"])
def test_a_file_that_is_not_a_call_is_refused_in_one_line(command: str) -> None:
    Path("pizza.toml").write_text('description = "Joe\'s"\n')
    Path("e.jsonl").write_bytes(b"")

    assert one_line_exit_2(invoke(command, "pizza.toml")) == "pizza.toml is not a kept call"
    assert one_line_exit_2(invoke(command, "e.jsonl")) == "e.jsonl is not a kept call (it is empty)"


@pytest.mark.parametrize("command", ["show", "replay"])
def test_a_folder_is_refused_in_one_line(command: str, tmp_path: Path) -> None:
    Path("pizza").mkdir()

    assert one_line_exit_2(invoke(command, "pizza")) == "pizza is a folder, not a kept call"
    assert one_line_exit_2(invoke(command, str(tmp_path))) == f"{tmp_path} is a folder, not a kept call"


@pytest.mark.skipif(not Path("/proc/self/mem").is_file(), reason="needs Linux's /proc")
def test_an_unreadable_transcript_is_one_line() -> None:
    # A file that exists but can't be read, even by root: reading /proc/self/mem from 0 fails.
    assert one_line_exit_2(invoke("show", "/proc/self/mem")).startswith("Can't read /proc/self/mem: ")


def test_calls_passes_over_files_that_are_not_calls(
    kept: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    folder = calls_dir()
    (folder / "20991231-235959-empty.jsonl").write_bytes(b"")  # newest of all by name
    (folder / "20991231-235958-notes.jsonl").write_text('{"type": "note", "text": "hi"}\n')
    (folder / "20991231-235957-folder.jsonl").mkdir()

    listed = invoke("calls")
    newest = invoke("show", "-1")

    assert listed.exit_code == 0 and listed.stderr == ""
    rows = [line for line in listed.stdout.splitlines() if line.lstrip().startswith("-")]
    assert len(rows) == 2 and "Springfield Dental" in rows[0] and "Joe's Pizza" in rows[1]
    # -1 is the first row, not the stray file that sorts before it.
    assert newest.exit_code == 0 and "business › Dental office" in newest.stdout


def test_markdown_to_a_folder_or_a_path_through_a_file_is_one_line(
    kept: dict[str, Path], tmp_path: Path
) -> None:
    Path("notes.txt").write_text("mine\n")

    into_folder = invoke("show", "-1", "--markdown", "-o", str(tmp_path))
    through_file = invoke("show", "-1", "--markdown", "-o", "notes.txt/call.md")

    assert one_line_exit_2(into_folder) == f"Can't write {tmp_path}: it is a folder; give a file name"
    assert one_line_exit_2(through_file) == (
        "Can't write notes.txt/call.md: a part of that path is a file, not a folder"
    )
    assert Path("notes.txt").read_text() == "mine\n"


# --- reading calls without a terminal -------------------------------------------------------------------


def test_kept_calls_are_found_and_read_without_rich(kept: dict[str, Path]) -> None:
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from callersim_cli.records import find_call, list_calls\n"
        "from callersim_cli.environment import Environment\n"
        "folder = Environment.read().calls_dir\n"
        "calls = list_calls(folder)\n"
        "print(len(calls), calls[0].scenario, len(find_call('-2', folder).events))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'typer', 'prompt_toolkit')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)

    assert result.stdout.splitlines() == [f"2 book a cleaning {len(PIZZA)}", "[]"]


# --- for scripts ----------------------------------------------------------------------------------------


def test_piped_calls_are_whole_tab_separated_rows_with_the_id(
    kept: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "40")  # a table would cut business and goal; rows for scripts do not

    result = invoke("calls")

    assert result.exit_code == 0
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert [row[:3] for row in rows] == [
        ["-1", "20250502-090000-book-a-cleaning", "1"],
        ["-2", "20250501-141530-order-a-large-pepperoni-pizza", "1"],
    ]
    assert rows[1][4:] == ["Joe's Pizza, a takeaway", "order a large pepperoni pizza", "3", "reached"]
    assert datetime.fromisoformat(rows[1][3]) == START
    # The ID is what show takes.
    assert "business › Press 1 for delivery" in invoke("show", rows[1][1]).stdout


def test_calls_json(kept: dict[str, Path], tmp_path: Path) -> None:
    listed = json.loads(invoke("calls", "--json").stdout)

    assert [(c["index"], c["id"], c["goal_reached"]) for c in listed] == [
        ("-1", "20250502-090000-book-a-cleaning", False),
        ("-2", "20250501-141530-order-a-large-pepperoni-pizza", True),
    ]
    assert (
        listed[1]["business"] == "Joe's Pizza, a takeaway" and listed[1]["reason"] == "The order was taken."
    )
    assert listed[1]["turns"] == 3 and Path(listed[1]["path"]) == kept["pizza"]
    nowhere = Environment({"CALLERSIM_HOME": str(tmp_path / "nothing-kept")})
    assert json.loads(CliRunner().invoke(app, ["calls", "--json"], obj=nowhere).stdout) == []


def test_show_json_has_the_summary_and_every_event(kept: dict[str, Path]) -> None:
    shown = json.loads(invoke("show", "-2", "--json").stdout)

    assert shown["id"] == "20250501-141530-order-a-large-pepperoni-pizza" and shown["goal_reached"] is True
    assert [e["type"] for e in shown["events"]] == [kind for _, kind, _ in PIZZA]
    assert shown["events"][2]["text"] == "Hi, a large pepperoni [bold]please[/bold]."
    assert (
        one_line_exit_2(invoke("show", "-1", "--json", "--markdown")) == "--json and --markdown: choose one"
    )
