"""Faults from outside, through the real entry point: bytes on stdin, control sequences from a model or
a file, bad bytes in .env, pathological transcript lines. Each test reproduces a fault of issue 10."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import PIZZA, read_jsonl, run_cli
from fake_openai import FakeOpenAI

SECRET = "sk-test-SECRETKEY1234567890"
# What a hostile reply holds: clear the screen, set the window title, a C1 CSI.
HOSTILE = "Sure\x1b[2J\x1b]0;pwned\x07 one \x9b31m large pizza."


def run_bytes(*args: str, input: bytes, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "callersim_cli", *args],
        input=input,
        capture_output=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=60,
        cwd=cwd,
    )


def no_control(text: str) -> bool:
    return not any(ch in text for ch in "\x1b\x07\x9b\r")


# --- 4: invalid UTF-8 on stdin ----------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["C", "C.UTF-8"])
def test_invalid_utf8_on_stdin_is_replaced_answered_and_kept(
    tmp_path: Path, locale: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LC_ALL", locale)
    transcript = tmp_path / "call.jsonl"
    args = ("chat", *PIZZA, "--engine", "offline", "--no-audio", "--no-judge")
    result = run_bytes(*args, "--transcript", str(transcript), input=b"Hello \xff there\n")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()  # the line was answered
    events = read_jsonl(transcript)
    assert [e["text"] for e in events if e["type"] == "operator"] == ["Hello \ufffd there"]
    assert events[-1]["type"] == "end"


# --- 5, 6: control sequences printed or exported -------------------------------------------------


def test_control_sequences_in_a_model_reply_never_reach_the_screen(tmp_path: Path) -> None:
    transcript = tmp_path / "call.jsonl"
    with FakeOpenAI() as server:
        server.enqueue(HOSTILE)
        env = {"OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": SECRET}
        args = ("chat", *PIZZA, "--engine", "openai", "--no-audio", "--no-judge")
        result = run_cli(*args, "--transcript", str(transcript), input="Hi \x1b]0;operator\x07\n", env=env)

    assert result.returncode == 0, result.stderr
    assert no_control(result.stdout) and no_control(result.stderr)
    assert "\\x1b[2J" in result.stdout  # shown, escaped, not dropped
    events = read_jsonl(transcript)
    assert [e["text"] for e in events if e["type"] == "caller"] == [HOSTILE]  # kept as received
    assert [e["text"] for e in events if e["type"] == "operator"] == ["Hi \x1b]0;operator\x07"]

    for extra in ([], ["--markdown"]):
        shown = run_cli("show", str(transcript), *extra)
        assert shown.returncode == 0, shown.stderr
        assert "pizza" in shown.stdout and "operator" in shown.stdout
        assert no_control(shown.stdout), extra


def test_control_sequences_in_a_kept_calls_goal_are_escaped_in_the_listing(tmp_path: Path) -> None:
    home = tmp_path / "data"
    env = {"CALLERSIM_HOME": str(home)}
    args = ("chat", "-d", "Pizza\x1b[2J shop", "-s", "order\x1b]0;x\x07 a pizza", "--engine", "offline")
    made = run_cli(*args, "--no-audio", "--no-judge", input="Hello\n", env=env)
    assert made.returncode == 0, made.stderr

    listed = run_cli("calls", env=env)
    assert listed.returncode == 0 and "pizza" in listed.stdout
    assert no_control(listed.stdout) and no_control(made.stderr)


# --- 7: a bad byte in .env --------------------------------------------------------------------------


def test_a_bad_byte_in_dotenv_skips_that_line_and_names_it(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"A=1\nBAD=\xff\xfe\nNUL=a\x00b\n")
    version = run_bytes("--version", input=b"", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith(b"callersim ")
    lines = version.stderr.decode().splitlines()
    assert len(lines) == 2 and "Traceback" not in version.stderr.decode()
    assert ".env, line 2" in lines[0] and ".env, line 3" in lines[1] and "NUL" in lines[1]

    with FakeOpenAI() as server:
        server.enqueue("Hello from the dotenv server.")
        settings = f"OPENAI_BASE_URL={server.url}\nBAD=\xff\nOPENAI_API_KEY={SECRET}\n".encode("latin-1")
        (tmp_path / ".env").write_bytes(settings)
        args = ("chat", *PIZZA, "--no-audio", "--no-judge", "--no-log")
        chat = run_bytes(*args, input=b"Hi\n", cwd=tmp_path)
    assert chat.returncode == 0, chat.stderr
    assert chat.stdout.decode().splitlines()[0] == "Hello from the dotenv server."  # the other lines hold


# --- 8: a pathological line in the calls folder -------------------------------------------------------


def test_a_line_nested_too_deep_is_skipped_not_a_crash(tmp_path: Path) -> None:
    home = tmp_path / "data"
    env = {"CALLERSIM_HOME": str(home)}
    made = run_cli("chat", *PIZZA, "--engine", "offline", "--no-audio", "--no-judge", input="Hi\n", env=env)
    assert made.returncode == 0, made.stderr
    (kept,) = (home / "calls").glob("*.jsonl")
    deep = "[" * 100_000 + "]" * 100_000 + "\n"
    with kept.open("a") as f:
        f.write(deep)
    (home / "calls" / "20200101-000000-deep.jsonl").write_text(deep)

    listed = run_cli("calls", env=env)
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == 1 and "pizza" in listed.stdout
    for ref in ("last", kept.stem):
        shown = run_cli("show", ref, env=env)
        assert shown.returncode == 0 and "pizza" in shown.stdout, shown.stderr
    bad = run_cli("show", "20200101-000000-deep", env=env)
    assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1 and "not a kept call" in bad.stderr


# --- a key over plain http --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("http://192.0.2.7:8000/v1", True),
        ("http://models.example:80/v1", True),
        ("https://192.0.2.7/v1", False),
    ],
)
def test_a_key_bound_for_a_remote_host_over_plain_http_is_warned_of_once(url: str, warned: bool) -> None:
    env = {"OPENAI_API_KEY": SECRET}
    # No line is sent, so nothing is requested: the warning is about what would be.
    result = run_cli(
        "chat", *PIZZA, "--engine", "openai", "--base-url", url, "--no-audio", "--no-log", env=env
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("sent unencrypted") == (1 if warned else 0), result.stderr
    assert SECRET not in result.stderr


def test_a_key_for_a_loopback_server_over_http_is_not_warned_of() -> None:
    with FakeOpenAI() as server:
        env = {"OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": SECRET}
        result = run_cli("chat", *PIZZA, "--engine", "openai", "--no-audio", "--no-log", env=env)
    assert result.returncode == 0 and "unencrypted" not in result.stderr
