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


def start_chat(server: FakeOpenAI, *args: str) -> pexpect.spawn:
    """`callersim chat ARGS --no-audio --no-judge` in a pseudo-terminal, pointed at the fake server."""
    env = {
        **os.environ,
        "OPENAI_BASE_URL": server.url,
        "OPENAI_API_KEY": "sk-test-pty",
        "TERM": "xterm-256color",
    }
    return pexpect.spawn(
        sys.executable,
        ["-m", "callersim_cli", "chat", *args, "--no-audio", "--no-judge"],
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 120),
    )


def spawn(server: FakeOpenAI, *extra: str) -> pexpect.spawn:
    """The pizza call, at its first prompt."""
    child = start_chat(server, *PIZZA, *extra)
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


def interrupt_in_flight(child: pexpect.spawn, server: FakeOpenAI) -> None:
    """Ctrl-C once the turn's request has reached the server (the reply is still to come)."""
    for _ in range(100):
        if server.chat_requests:
            break
        child.expect([pexpect.TIMEOUT], timeout=0.05)
    child.sendintr()


def test_ctrl_c_cancels_a_slow_turn_and_the_call_goes_on(server: FakeOpenAI) -> None:
    server.enqueue(Script(text="This reply is far too slow.", ttft_s=30), "Hi, a large pepperoni please.")
    child = spawn(server)
    expect(child, "engine: openai")  # the bottom line names the engine and model
    child.sendline("Pizza Palace, how can I help?")
    interrupt_in_flight(child, server)
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
    interrupt_in_flight(child, server)
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


def test_a_failed_turn_is_one_red_line_and_the_call_goes_on(server: FakeOpenAI) -> None:
    server.fail(500, "kaboom", times=5)
    child = spawn(server)
    child.sendline("Hello?")
    expect(child, "server error")
    expect(child, "business ›")
    server.enqueue("Hi, a large pepperoni please.")
    child.sendline("/retry")
    expect(child, "Hi, a large pepperoni please.")
    # The failed line was not kept twice: the retry carries one operator line.
    assert [m["role"] for m in server.chat_requests[-1].body["messages"]] == ["system", "user"]
    child.sendline("/quit")
    expect(child, pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_keys_typed_while_the_reply_streams_do_not_garble_it(server: FakeOpenAI) -> None:
    server.enqueue(
        Script(text="Hi there, I'd like to order a large pepperoni pizza.", token_delay_s=0.15), "Large."
    )
    child = spawn(server)
    child.sendline("Hello?")
    expect(child, "Hi there,")
    child.send("What size")  # typed ahead, before the caller has finished
    expect(child, "pepperoni pizza.")
    assert "What size" not in child.before  # not echoed into the middle of the reply
    expect(child, "business ›")
    child.sendline("?")  # the typed-ahead text reached the prompt: this completes "What size?"
    expect(child, "Large.")
    assert server.chat_requests[-1].body["messages"][-1]["content"] == "What size?"
    child.sendline("/quit")
    expect(child, pexpect.EOF)


def test_without_a_description_it_asks_for_the_business_and_the_goal(server: FakeOpenAI, isolated) -> None:
    server.enqueue("Hello, I'd like a cleaning.")
    child = start_chat(server)
    expect(child, "Business description")
    child.sendline("")  # empty: asked again
    expect(child, "Business description")
    child.sendline("Bright Smile Dental")
    expect(child, "Caller goal")
    child.sendline("book a cleaning")
    expect(child, "business ›")
    child.sendline("Bright Smile Dental, how can I help?")
    expect(child, "I'd like a cleaning.")
    system = server.chat_requests[-1].body["messages"][0]["content"]
    assert "Bright Smile Dental" in system and "book a cleaning" in system
    child.sendline("/quit")
    expect(child, pexpect.EOF)


def test_a_long_reply_wraps_between_words_under_its_prefix(server: FakeOpenAI) -> None:
    import re

    reply = (
        "I would like to order a large pepperoni pizza for delivery to my apartment on Maple Street please."
    )
    server.enqueue(reply)
    child = spawn(server)
    child.setwinsize(40, 50)
    child.sendline("Hello?")
    expect(child, "please.")
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before + child.after).replace("\r", "")
    expect(child, "business ›")
    start = screen.index("caller › ")
    lines = screen[start : screen.index("please.") + len("please.")].split("\n")
    assert len(lines) > 1
    assert all(len(line) <= 50 for line in lines)
    assert all(line.startswith(" " * len("caller › ")) for line in lines[1:])  # indented under the prefix
    assert " ".join(line.strip() for line in lines).removeprefix("caller › ") == reply  # no word cut in two
    child.sendline("/quit")
    expect(child, pexpect.EOF)


def test_ctrl_c_at_the_first_question_leaves_with_130(server: FakeOpenAI) -> None:
    child = start_chat(server)  # no description: it asks for one
    expect(child, "Business description")
    child.sendintr()
    expect(child, pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "No description provided" not in (child.before or "")
    assert server.chat_requests == []


def test_tab_completes_a_slash_command(server: FakeOpenAI) -> None:
    server.enqueue("Hello there.")
    child = spawn(server)
    child.sendline("Hi, Pizza Palace.")
    expect(child, "Hello there.")
    expect(child, "business ›")
    child.send("/hi\t")  # Tab: /history
    expect(child, "/history")
    child.send("\r")
    expect(child, "order a large pepperoni pizza")  # the call so far, as a record: its goal, then its lines
    expect(child, "Hi, Pizza Palace")
    expect(child, "Hello there")
    child.sendline("/quit")
    expect(child, pexpect.EOF)
