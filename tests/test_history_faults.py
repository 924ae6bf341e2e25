"""The REPL's prompt history under faults (issue 10): a key typed at the prompt is never stored, the file
is private, and a data folder that can't be written costs the history with one warning, not every Enter."""

from __future__ import annotations

import io
import stat
import subprocess
from pathlib import Path

import pexpect
import pytest
from cli_helpers import PIZZA
from fake_openai import FakeOpenAI
from test_repl_pty import expect, spawn, start_chat

PASTED_KEY = "sk-proj-PASTEDKEY0123456789abcdef"


@pytest.fixture
def server():
    with FakeOpenAI() as fake:
        yield fake


def test_a_key_typed_at_the_prompt_never_reaches_the_private_history(server: FakeOpenAI, isolated) -> None:
    server.enqueue("Thanks.")
    child = spawn(server)
    child.sendline(f"Your key is {PASTED_KEY} okay")
    expect(child, "Thanks.")
    child.sendline("/quit")
    expect(child, pexpect.EOF)
    child.close()
    history = isolated / "home" / ".local" / "share" / "callersim" / "prompt-history"
    text = history.read_text()
    assert "Your key is [redacted] okay" in text and PASTED_KEY not in text
    assert stat.S_IMODE(history.stat().st_mode) == 0o600


def test_a_read_only_data_folder_costs_the_history_with_one_warning(
    server: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "ro"
    data.mkdir()
    # Root writes through file modes: a read-only mount is what refuses it.
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(data)])
    if mounted.returncode != 0:
        pytest.skip("can't mount a read-only filesystem here")
    try:
        monkeypatch.setenv("CALLERSIM_HOME", str(data))
        server.enqueue("One.", "Two.")
        child = start_chat(server, *PIZZA, "--no-log")
        child.logfile_read = seen = io.StringIO()
        expect(child, "business ›")
        child.sendline("Hello")
        expect(child, "One.")
        child.sendline("Still there?")
        expect(child, "Two.")
        child.sendline("/quit")
        expect(child, pexpect.EOF)
        child.close()
        shown = seen.getvalue()
        assert child.exitstatus == 0
    finally:
        subprocess.run(["umount", "-l", str(data)])
    assert "Press ENTER" not in shown and "Traceback" not in shown
    assert shown.count("No prompt history") == 1
