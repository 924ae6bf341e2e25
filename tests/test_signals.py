"""SIGTERM and SIGHUP sent to a real `callersim chat` process: the call is kept, ended, and the terminal
given back as it was; a Ctrl-C in a piped call records the cancelled turn before the call's end."""

from __future__ import annotations

import signal
import subprocess
import termios
import time
from pathlib import Path

import pexpect
import pytest
from cli_helpers import PIZZA, read_jsonl, start_piped_chat
from fake_openai import FakeOpenAI, Script
from test_repl_pty import expect, start_chat


@pytest.fixture
def server():
    with FakeOpenAI() as fake:
        yield fake


def wait_for_requests(server: FakeOpenAI, count: int) -> None:
    """Until ``count`` chat requests have reached the server (the turn is then in flight)."""
    deadline = time.monotonic() + 20
    while len(server.chat_requests) < count:
        assert time.monotonic() < deadline, "the call never sent its request"
        time.sleep(0.05)


def piped_call(server: FakeOpenAI, transcript: Path, lines: str) -> subprocess.Popen[str]:
    return start_piped_chat(server.url, "sk-test-signals", transcript, lines)


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)])
def test_a_signal_mid_turn_in_a_piped_call_ends_and_keeps_it(
    server: FakeOpenAI, tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    server.enqueue("Hello, I'd like a pizza.", Script(text="never finished", ttft_s=30))
    transcript = tmp_path / "t.jsonl"
    proc = piped_call(server, transcript, "Hi there.\nWhat size?\n")  # the stdin pipe stays open
    wait_for_requests(server, 2)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == code, err
    events = read_jsonl(transcript)
    assert [e["type"] for e in events] == ["context", "operator", "caller", "operator", "error", "end"]
    assert events[4]["message"] == "Turn cancelled"
    assert events[5]["turns"] == 1
    assert "call summary" in err and "Traceback" not in err
    # The judge is not asked to judge a call being stopped: the process exits promptly.
    if sig != signal.SIGINT:
        assert events[5]["end_reason"] == "terminated"
        assert events[5]["verdict_error"] == "skipped (terminated)"


def test_sigterm_while_a_piped_call_waits_for_its_next_line(server: FakeOpenAI, tmp_path: Path) -> None:
    server.enqueue("Hello, I'd like a pizza.")
    transcript = tmp_path / "t.jsonl"
    proc = piped_call(server, transcript, "Hi there.\n")
    assert proc.stderr is not None
    wait_for_requests(server, 1)
    while '"caller"' not in (transcript.read_text() if transcript.exists() else ""):
        time.sleep(0.05)  # the reply is kept: the call now waits on stdin
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=20)
    assert proc.returncode == 143
    events = read_jsonl(transcript)
    assert [e["type"] for e in events] == ["context", "operator", "caller", "end"]


def echo_is_on(child: pexpect.spawn) -> bool:
    """Whether the pseudo-terminal echoes typed keys (its settings, read through our end of it)."""
    return bool(termios.tcgetattr(child.child_fd)[3] & termios.ECHO)


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_at_the_prompt_gives_the_terminal_back_and_keeps_the_call(
    server: FakeOpenAI, tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    server.enqueue("Hello, I'd like a pizza.")
    transcript = tmp_path / "t.jsonl"
    child = start_chat(server, *PIZZA, "--transcript", str(transcript))
    expect(child, "business ›")
    child.sendline("Hi there.")
    expect(child, "a pizza.")
    expect(child, "business ›")
    child.kill(sig)
    expect(child, "call summary")
    expect(child, pexpect.EOF)
    assert echo_is_on(child)
    child.close()
    assert child.exitstatus == code
    events = read_jsonl(transcript)
    assert [e["type"] for e in events] == ["context", "operator", "caller", "end"]


def test_sigterm_mid_turn_in_the_repl_restores_echo_and_ends_the_call(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    server.enqueue("Hello, I'd like a pizza.", Script(text="never finished", ttft_s=30))
    transcript = tmp_path / "t.jsonl"
    child = start_chat(server, *PIZZA, "--transcript", str(transcript))
    expect(child, "business ›")
    child.sendline("Hi there.")
    expect(child, "a pizza.")
    expect(child, "business ›")
    child.sendline("What size?")
    wait_for_requests(server, 2)  # typed keys are not echoed while the caller answers
    child.kill(signal.SIGTERM)
    expect(child, "call summary")
    expect(child, pexpect.EOF)
    assert echo_is_on(child)
    child.close()
    assert child.exitstatus == 143
    events = read_jsonl(transcript)
    assert [e["type"] for e in events] == ["context", "operator", "caller", "operator", "error", "end"]
