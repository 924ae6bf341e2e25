"""`callersim chat` through its entry point, with piped input, as a script would use it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from cli_helpers import PIZZA, read_jsonl, run_cli
from fake_openai import FakeOpenAI, Script

SECRET = "sk-test-SECRETKEY1234567890"


@pytest.fixture
def server():
    with FakeOpenAI() as fake:
        yield fake


def openai_env(server: FakeOpenAI, key: str | None = SECRET) -> dict[str, str]:
    env = {"OPENAI_BASE_URL": server.url}
    if key:
        env["OPENAI_API_KEY"] = key
    return env


def test_help_does_not_import_the_sdks() -> None:
    code = (
        "import sys, runpy; sys.argv = ['callersim', '{sub}', '--help']\n"
        "try:\n    runpy.run_module('callersim_cli', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = [m for m in ('openai', 'elevenlabs', 'piper', 'miniaudio', 'simpleaudio', 'pydub', "
        "'starlette', 'uvicorn') "
        "if m in sys.modules]\nprint('HEAVY', heavy)"
    )
    import subprocess

    for sub in ("chat", "calls", "serve"):
        out = subprocess.run(
            [sys.executable, "-c", code.replace("{sub}", sub)], capture_output=True, text=True
        )
        assert "HEAVY []" in out.stdout, out.stdout + out.stderr
    top = subprocess.run(
        [sys.executable, "-c", code.replace("'{sub}', ", "")], capture_output=True, text=True
    )
    assert "HEAVY []" in top.stdout and "chat" in top.stdout


COMMANDS = ("chat", "init", "calls", "show", "replay")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_takes_h_and_debug(command: str) -> None:
    result = run_cli(command, "-h")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Usage: callersim {command}") and "--debug" in result.stdout


def test_debug_shows_the_traceback_behind_the_one_line() -> None:
    quiet = run_cli("show", "pasta")
    loud = run_cli("show", "pasta", "--debug")
    assert quiet.returncode == loud.returncode == 2
    assert quiet.stderr.startswith("No kept call 'pasta'") and "Traceback" not in quiet.stderr
    assert (
        loud.stderr.startswith("No kept call 'pasta'") and "Traceback (most recent call last)" in loud.stderr
    )


def test_shell_completion_can_be_installed_and_completes_commands() -> None:
    assert "--install-completion" in run_cli("-h").stdout
    script = run_cli("--show-completion", "bash")
    assert script.returncode == 0 and "_CALLERSIM_COMPLETE" in script.stdout
    words = run_cli(
        env={"_CALLERSIM_COMPLETE": "complete_bash", "COMP_WORDS": "callersim ch", "COMP_CWORD": "1"}
    )
    assert words.stdout.split() == ["chat"]


def test_piped_lines_are_operator_turns_and_replies_print_plainly(server: FakeOpenAI, tmp_path: Path) -> None:
    server.enqueue("Hi! I'd like to order a large pepperoni pizza.", "Large, please.")
    transcript = tmp_path / "call.jsonl"
    result = run_cli(
        "chat",
        *PIZZA,
        "--no-audio",
        "--no-judge",
        "--transcript",
        str(transcript),
        input="Pizza Palace, how can I help?\nWhat size?\n",
        env=openai_env(server),
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["Hi! I'd like to order a large pepperoni pizza.", "Large, please."]
    assert "\x1b[" not in result.stdout  # no colour codes on a pipe
    sent = server.chat_requests[-1].body
    assert sent["model"] == "gpt-4o-mini"
    assert [m["role"] for m in sent["messages"]] == ["system", "user", "assistant", "user"]
    events = read_jsonl(transcript)
    assert [e["type"] for e in events] == ["context", "operator", "caller", "operator", "caller", "end"]
    assert events[0]["description"] == "We are a pizza restaurant."
    assert events[2] == {
        **events[2],
        "text": "Hi! I'd like to order a large pepperoni pizza.",
        "dtmf": None,
        "hangup": False,
    }
    assert {"first_text_s", "total_s"} <= set(events[2]["timings"])
    assert all("ts" in e for e in events)


def test_key_presses_and_hang_up_are_shown_and_the_call_ends(server: FakeOpenAI, tmp_path: Path) -> None:
    server.enqueue(Script(pieces=["Sure. [pre", "ss 1]"]), "Thanks, goodbye! [hang up]", "never sent")
    transcript = tmp_path / "call.jsonl"
    result = run_cli(
        "chat",
        *PIZZA,
        "--no-audio",
        "--no-judge",
        "--transcript",
        str(transcript),
        input="For delivery press 1.\nThanks for calling, goodbye.\nAre you still there?\n",
        env=openai_env(server),
    )
    assert result.returncode == 0
    assert result.stdout.splitlines()[:4] == ["Sure.", "☎ presses 1", "Thanks, goodbye!", "☎ hangs up"]
    assert len(server.chat_requests) == 2  # the caller hung up: the third line is not a turn
    callers = [e for e in read_jsonl(transcript) if e["type"] == "caller"]
    assert callers[0]["dtmf"] == "1" and callers[0]["text"] == "Sure."
    assert callers[1]["hangup"] is True
    assert "[" not in callers[1]["text"]


def test_a_failed_turn_stops_a_script_with_one_line_and_exit_3(server: FakeOpenAI, tmp_path: Path) -> None:
    server.enqueue("Hello, I'd like a pizza.")
    transcript = tmp_path / "call.jsonl"
    env = openai_env(server)
    args = ["chat", *PIZZA, "--no-audio", "--no-judge", "--transcript", str(transcript)]
    first = run_cli(*args, input="Hello?\n", env=env)
    assert first.returncode == 0
    server.fail(500, "kaboom", times=5)
    result = run_cli(*args, input="Hello?\nWhat size?\nAddress?\n", env=env, timeout=120)
    assert result.returncode == 3
    errors = [line for line in result.stderr.splitlines() if "500" in line]
    assert len(errors) == 1 and "Traceback" not in result.stderr
    assert result.stdout == ""
    # A script can't send the line again: it stops rather than answer the wrong lines.
    assert len([r for r in server.chat_requests if r.body["messages"][-1]["content"] == "What size?"]) == 0
    types = [e["type"] for e in read_jsonl(transcript)]
    assert types[-3:] == ["context", "operator", "error"]


def test_the_key_never_appears_in_output_or_transcript(server: FakeOpenAI, tmp_path: Path) -> None:
    server.require_key = "sk-a-different-key-000000000000"
    transcript = tmp_path / "call.jsonl"
    result = run_cli(
        "chat",
        *PIZZA,
        "--no-audio",
        "--transcript",
        str(transcript),
        input=f"Hello? my key is {SECRET}\n",
        env=openai_env(server),
    )
    assert "OPENAI_API_KEY" in result.stderr  # the 401 says what to fix ...
    assert SECRET not in result.stdout + result.stderr + transcript.read_text()  # ... and never shows it


def test_empty_description_exits_non_zero_with_one_line() -> None:
    result = run_cli("chat", "-d", "  ", "-s", "x", "--no-audio")
    assert result.returncode == 2
    assert result.stderr.strip() == "No description provided"


def test_missing_description_on_a_pipe_is_refused() -> None:
    result = run_cli("chat", "--no-audio", input="hello\n")
    assert result.returncode == 2 and result.stderr.strip() == "No description provided"


def test_bad_option_is_one_line_exit_2() -> None:
    result = run_cli("chat", *PIZZA, "--engine", "gpt9")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "--engine" in result.stderr


def test_openai_engine_without_key_or_server_is_refused() -> None:
    result = run_cli("chat", *PIZZA, "--engine", "openai", "--no-audio")
    assert result.returncode == 2 and "OPENAI_API_KEY" in result.stderr


def test_settings_come_from_a_dotenv_file(server: FakeOpenAI, tmp_path: Path) -> None:
    server.enqueue("Hello from the dotenv server.")
    (tmp_path / ".env").write_text(f"OPENAI_BASE_URL={server.url}\nOPENAI_API_KEY={SECRET}\n")
    result = run_cli("chat", *PIZZA, "--no-audio", "--no-judge", "--no-log", input="Hi\n", cwd=tmp_path)
    assert result.stdout.splitlines()[0] == "Hello from the dotenv server."
    assert server.chat_requests[0].bearer == SECRET


def test_slash_commands_work_in_scripts(server: FakeOpenAI, tmp_path: Path) -> None:
    server.enqueue("First answer.", "Second answer.", "Third answer.")
    transcript = tmp_path / "call.jsonl"
    result = run_cli(
        "chat",
        *PIZZA,
        "--no-audio",
        "--no-judge",
        "--transcript",
        str(transcript),
        input="Hello\n/history\n/retry\n/reset\nHello again\n/nonsense\n",
        env=openai_env(server),
    )
    assert result.returncode == 0
    out = result.stdout
    assert "business › Hello" in out and "caller › First answer." in out
    # /history: the call so far as a record, indented; the engine and goal first.
    history = out[out.index("goal") : out.index("Second answer.")]
    assert "order a large pepperoni pizza" in history and "engine" in history
    assert "  business › Hello\n  caller › First answer.\n" in history
    assert "Second answer." in out and "Third answer." in out
    # /reset started a new call: the last request carries only the new line.
    assert [m["role"] for m in server.chat_requests[-1].body["messages"]] == ["system", "user"]
    assert "Unknown command /nonsense" in result.stderr
    assert [e["type"] for e in read_jsonl(transcript)].count("context") == 2


def test_offline_engine_is_the_default_without_a_key(tmp_path: Path) -> None:
    transcript = tmp_path / "call.jsonl"
    result = run_cli(
        "chat",
        *PIZZA,
        "--no-audio",
        "--transcript",
        str(transcript),
        input="Thank you for calling Pizza Palace! How can I help you?\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Using the offline engine (the openai engine needs OPENAI_API_KEY" in result.stderr
    assert "pepperoni" in result.stdout.lower()
    assert read_jsonl(transcript)[0]["engine"] == "offline"


def test_calls_are_kept_by_default_in_the_data_dir(isolated: Path) -> None:
    result = run_cli("chat", *PIZZA, "--no-audio", input="Hello, how can I help?\n")
    assert result.returncode == 0
    kept = list((isolated / "home" / ".local" / "share" / "callersim" / "calls").glob("*.jsonl"))
    assert len(kept) == 1 and "order-a-large-pepperoni-pizza" in kept[0].name


def test_a_session_where_nothing_was_said_keeps_no_call(isolated: Path) -> None:
    result = run_cli("chat", *PIZZA, "--no-audio", input="\n")
    assert result.returncode == 0
    calls = isolated / "home" / ".local" / "share" / "callersim" / "calls"
    assert not list(calls.glob("*.jsonl"))


def test_comment_lines_in_a_script_are_not_said_to_the_caller(server: FakeOpenAI) -> None:
    server.enqueue("Hello.")
    result = run_cli(
        "chat",
        *PIZZA,
        "--no-audio",
        "--no-judge",
        "--no-log",
        input="# the greeting\nPizza Palace, hello!\n# end\n",
        env=openai_env(server),
    )
    assert result.returncode == 0
    assert [r.messages[-1]["content"] for r in server.chat_requests] == ["Pizza Palace, hello!"]


def test_seed_is_kept_in_the_transcript_and_reproduces_the_offline_caller(tmp_path: Path) -> None:
    script = "Hello, how can I help?\nCan I have your name?\nAnd your phone number?\nYour address?\n"
    first = run_cli("chat", *PIZZA, "--no-audio", "--transcript", str(tmp_path / "a.jsonl"), input=script)
    seed = read_jsonl(tmp_path / "a.jsonl")[0]["seed"]
    again = run_cli("chat", *PIZZA, "--no-audio", "--seed", str(seed), "--no-log", input=script)
    assert again.stdout == first.stdout
    other = run_cli("chat", *PIZZA, "--no-audio", "--seed", str(seed + 1), "--no-log", input=script)
    assert other.stdout != first.stdout  # another caller: another name, number and address


def test_each_call_of_a_session_is_kept_in_its_own_file_with_one_end(isolated: Path) -> None:
    result = run_cli("chat", *PIZZA, "--no-audio", input="Hello?\n/reset\nHello again?\n/hangup\n")
    assert result.returncode == 0
    kept = sorted((isolated / "home" / ".local" / "share" / "callersim" / "calls").glob("*.jsonl"))
    assert len(kept) == 2
    for path in kept:
        types = [e["type"] for e in read_jsonl(path)]
        assert types.count("context") == 1 and types.count("end") == 1
    ends = [read_jsonl(p)[-1]["end_reason"] for p in kept]
    assert sorted(ends) == ["business hung up", "new call"]


def test_retry_after_reset_asks_the_new_call_the_same_line(server: FakeOpenAI) -> None:
    server.enqueue("First caller.", "Second caller.")
    result = run_cli(
        "chat",
        *PIZZA,
        "--no-audio",
        "--no-judge",
        "--no-log",
        input="Pizza Palace?\n/reset\n/retry\n",
        env=openai_env(server),
    )
    assert result.stdout.splitlines()[-1] == "Second caller."
    assert [m["content"] for m in server.chat_requests[-1].messages[1:]] == ["Pizza Palace?"]


def test_sessions_started_in_the_same_second_keep_separate_files(isolated: Path) -> None:
    import subprocess

    env = {**os.environ, "COLUMNS": "200"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "callersim_cli", "chat", *PIZZA, "--no-audio", "--seed", str(i)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            text=True,
        )
        for i in range(6)
    ]
    for proc in procs:
        proc.communicate("Pizza Palace, how can I help?\n", timeout=60)
    kept = list((isolated / "home" / ".local" / "share" / "callersim" / "calls").glob("*.jsonl"))
    assert len(kept) == 6
    for path in kept:
        assert [e["type"] for e in read_jsonl(path)].count("context") == 1


def test_a_scenario_file_without_a_description_names_the_file(tmp_path: Path) -> None:
    scenario = tmp_path / "empty.toml"
    scenario.write_text('scenario = "order a pizza"\n')
    result = run_cli("chat", "--file", str(scenario), "--no-audio", input="Hello\n")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f'{scenario}: no description: add description = "the business the caller rings"'
    ]


def test_explain_says_after_each_offline_reply_what_the_caller_read_and_used() -> None:
    result = run_cli(
        "chat",
        "-d",
        "First Harbor Bank.",
        "-s",
        "report my debit card stolen and get it blocked",
        "--engine",
        "offline",
        "--no-audio",
        "--no-log",
        "--no-judge",
        "--explain",
        input="For balances, press 1. To report a lost or stolen card, press 3.\nWhat's your name?\n",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    pressed = next(i for i, line in enumerate(lines) if "3" in line and "why:" not in line)
    assert lines[pressed + 1].strip().startswith("why: menu:") and "stolen card" in lines[pressed + 1]
    assert any(line.strip().startswith("why: detail: asked for name (used: name)") for line in lines)


def test_why_explains_the_offline_reply_and_says_plainly_when_a_model_cannot(server: FakeOpenAI) -> None:
    offline = run_cli(
        "chat", *PIZZA, "--engine", "offline", "--no-audio", "--no-log", "--no-judge",
        input="/why\nWhat size would you like?\n/why\n",
    )  # fmt: skip
    assert "The caller has not replied yet." in offline.stderr
    assert "why: attribute: asked size" in offline.stdout
    server.enqueue("A large, please.")
    model = run_cli(
        "chat", *PIZZA, "--no-audio", "--no-log", "--no-judge", input="What size?\n/why\n",
        env=openai_env(server),
    )  # fmt: skip
    assert "A large, please." in model.stdout
    assert "The openai engine cannot say why it replies." in model.stderr
