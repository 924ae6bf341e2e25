"""The interactive REPL in a real pseudo-terminal: what only a terminal does (prompt, Ctrl-C, Ctrl-D)."""

from __future__ import annotations

import os
import sys

import pexpect
import pytest
from cli_helpers import PIZZA
from fake_openai import FakeOpenAI, Script


@pytest.fixture
def server():
    with FakeOpenAI() as fake:
        yield fake


def spawn(server: FakeOpenAI, *extra: str) -> pexpect.spawn:
    env = {
        **os.environ,
        "OPENAI_BASE_URL": server.url,
        "OPENAI_API_KEY": "sk-test-pty",
        "TERM": "xterm-256color",
    }
    child = pexpect.spawn(
        sys.executable,
        ["-m", "callersim_cli", "chat", *PIZZA, "--no-audio", "--no-judge", *extra],
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 120),
    )
    expect(child, "business ›")
    return child


CPR_REQUEST = r"\x1b\[6n"


def expect(child: pexpect.spawn, pattern: object, timeout: float = 20) -> None:
    """Expect ``pattern``, answering the cursor-position requests a real terminal would answer.

    prompt_toolkit draws the bottom toolbar only once it knows where the cursor is.
    """
    while True:
        if child.expect([pattern, CPR_REQUEST], timeout=timeout) == 0:
            return
        child.send("\x1b[5;1R")


def test_ctrl_c_cancels_a_slow_turn_and_the_call_goes_on(server: FakeOpenAI) -> None:
    server.enqueue(Script(text="This reply is far too slow.", ttft_s=30), "Hi, a large pepperoni please.")
    child = spawn(server)
    expect(child, "engine: openai")  # the bottom line names the engine and model
    child.sendline("Pizza Palace, how can I help?")
    # Wait until the request is in flight, then interrupt it.
    for _ in range(100):
        if server.chat_requests:
            break
        child.expect([pexpect.TIMEOUT], timeout=0.05)
    child.sendintr()
    expect(child, "Turn cancelled")
    expect(child, "business ›")
    child.sendline("Pizza Palace, how can I help?")
    expect(child, "Hi, a large pepperoni please.")
    expect(child, "business ›")
    # The cancelled line was not kept: the retry carries one operator line.
    roles = [m["role"] for m in server.chat_requests[-1].body["messages"]]
    assert roles == ["system", "user"]
    child.sendeof()
    expect(child, "call summary")
    expect(child, pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_ctrl_c_during_a_turn_then_ctrl_c_at_the_prompt_leaves(server: FakeOpenAI) -> None:
    server.enqueue(Script(text="Too slow.", ttft_s=30))
    child = spawn(server)
    child.sendline("Hello?")
    for _ in range(100):
        if server.chat_requests:
            break
        child.expect([pexpect.TIMEOUT], timeout=0.05)
    child.sendintr()
    expect(child, "Turn cancelled")
    expect(child, "business ›")
    child.sendintr()
    expect(child, pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_empty_line_is_refused_and_two_ctrl_c_leave_with_130(server: FakeOpenAI) -> None:
    child = spawn(server)
    child.sendline("   ")
    expect(child, "No message provided")
    expect(child, "business ›")
    child.sendintr()
    expect(child, "Ctrl-C again")
    child.sendintr()
    expect(child, pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert server.chat_requests == []


def test_help_and_history_of_typed_lines(server: FakeOpenAI, isolated) -> None:
    server.enqueue("Hello there.")
    child = spawn(server)
    child.sendline("/help")
    expect(child, "/retry")
    child.sendline("Hi, Pizza Palace.")
    expect(child, "Hello there.")
    child.sendline("/quit")
    expect(child, pexpect.EOF)
    child.close()
    history = isolated / "home" / ".local" / "share" / "callersim" / "prompt-history"
    assert "Hi, Pizza Palace." in history.read_text()
