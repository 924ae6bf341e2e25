"""Faults 2 and 3 of issue 10: the disk fills before or during a call. The call goes on, one line says
it can't be kept, and what is left is a valid JSONL prefix of the call (or nothing at all)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import PIZZA
from disk import TinyDisk, tiny_disk

CHAT = ("chat", *PIZZA, "--engine", "offline", "--no-audio", "--no-judge")


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[TinyDisk]:
    with tiny_disk(tmp_path / "disk") as mounted:
        yield mounted


def start_chat(*args: str, home: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "COLUMNS": "200", "CALLERSIM_HOME": str(home)}
    return subprocess.Popen(
        [sys.executable, "-m", "callersim_cli", *CHAT, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_a_disk_full_before_the_call_leaves_nothing_and_the_call_goes_on(disk: TinyDisk) -> None:
    calls = disk.root / "home" / "calls"
    calls.mkdir(parents=True)
    disk.fill()

    chat = start_chat(home=disk.root / "home")
    out, err = chat.communicate("Hello\nWhat size?\n", timeout=60)

    assert chat.returncode == 0, err
    assert len(out.splitlines()) == 2  # both lines answered
    lost = [line for line in err.splitlines() if "Can't keep this call" in line]
    assert len(lost) == 1 and "No space left on device" in lost[0], err
    assert "Traceback" not in err and "unexpected error" not in err
    assert list(calls.iterdir()) == []  # no 0-byte transcript left behind


def test_a_disk_full_during_the_call_says_so_once_and_leaves_a_valid_prefix(disk: TinyDisk) -> None:
    transcript = disk.root / "call.jsonl"
    chat = start_chat("--transcript", str(transcript), home=disk.root / "home")
    assert chat.stdin is not None and chat.stdout is not None
    chat.stdin.write("Hello\n")
    chat.stdin.flush()
    assert chat.stdout.readline().strip()  # answered, so the first turn is written
    disk.fill()
    # Lines long enough that the transcript needs new pages: the disk has none left.
    lines = [f"Line {n}: " + "please hold while I look that up " * 10 for n in range(40)]
    out, err = chat.communicate("".join(line + "\n" for line in lines), timeout=120)

    assert chat.returncode == 0, err
    assert len(out.splitlines()) == len(lines)  # the call went on
    lost = [line for line in err.splitlines() if "Can't keep this call" in line]
    assert len(lost) == 1 and "No space left on device" in lost[0], err
    raw = transcript.read_bytes()
    assert raw.endswith(b"\n")
    events = [json.loads(line) for line in raw.splitlines()]  # every line whole
    assert events[0]["type"] == "context"
    assert next(e["text"] for e in events if e["type"] == "operator") == "Hello"
