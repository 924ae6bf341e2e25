"""Whole calls: barge-in in the transcript, the end of a call, the verdict, --check, kept transcripts."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
from cli_helpers import PIZZA, read_jsonl, run_cli, start_piped_chat
from conftest import SAMPLES_DIR
from fake_openai import FakeOpenAI, Script
from recording import RecordingPlayer
from scripted import ScriptedEngine
from test_speech import ToneVoice

from callersim_cli.conversation import Context, Conversation, system_prompt
from callersim_cli.records import TranscriptWriter
from callersim_cli.session import CallSession
from callersim_cli.speech import Speaker

SECRET = "sk-test-SECRETKEY1234567890"


@pytest.fixture
def server():
    with FakeOpenAI() as fake:
        yield fake


def sample(name: str) -> dict:
    path = SAMPLES_DIR / f"{name}.json"
    if not path.exists():
        pytest.fail(f"sample flow missing: {path}")
    return json.loads(path.read_text())


def test_business_talking_over_the_caller_cuts_it_off_and_the_transcript_says_so(tmp_path: Path) -> None:
    long = "This sentence is long enough to take well over a second to say out loud. " * 3
    engine = ScriptedEngine(long, "Short one.")
    player = RecordingPlayer()
    transcript = TranscriptWriter(tmp_path / "call.jsonl")
    speaker = Speaker(ToneVoice(seconds_per_char=0.02), player, tmp_path / "mp3", print)
    session = CallSession(
        Conversation(Context.create("A bank.", "x"), engine), speaker=speaker, transcript=transcript
    )
    list(session.turn("Hello?"))
    deadline = time.perf_counter() + 5
    while not player.playbacks and time.perf_counter() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)
    list(session.turn("Sorry, can you repeat?"))  # the business speaks while the caller still is
    session.end("quit")
    session.close()

    events = read_jsonl(tmp_path / "call.jsonl")
    assert [e["type"] for e in events] == [
        "context",
        "operator",
        "caller",
        "audio",
        "operator",
        "caller",
        "audio",
        "end",
    ]
    first_audio = events[3]
    assert first_audio["interrupted"] is True
    assert 0.2 < first_audio["heard_s"] < first_audio["duration_s"]
    assert events[2]["audio"] == first_audio["file"] == "001-caller.mp3"
    assert (tmp_path / "mp3" / "001-caller.mp3").exists()
    assert events[6]["interrupted"] is False  # the last reply was let finish
    assert events[0]["audio_dir"] == str((tmp_path / "mp3").resolve())
    end = events[-1]
    assert end["first_audio_median_s"] > 0 and end["first_audio_worst_s"] >= end["first_audio_median_s"]


def call_flow(flow: dict, *args: str, lines: int | None = None) -> subprocess.CompletedProcess[str]:
    """`callersim chat` for a sample flow's business and goal, with its operator lines piped in."""
    script = "".join(turn["operator"] + "\n" for turn in flow["turns"][:lines])
    return run_cli(
        "chat",
        "-d",
        flow["description"],
        "-s",
        flow["scenario"],
        "--no-audio",
        *args,
        input=script,
        timeout=120,
    )


def test_check_exit_code_carries_the_offline_verdict(tmp_path: Path) -> None:
    flow = sample("bank-lost-card")
    whole = call_flow(flow, "--check", "--transcript", str(tmp_path / "whole.jsonl"))
    assert whole.returncode == 0, whole.stderr
    assert "goal reached" in whole.stderr and "caller hung up" in whole.stderr
    end = read_jsonl(tmp_path / "whole.jsonl")[-1]
    assert end["type"] == "end" and end["goal_reached"] is True and end["reason"]

    # Only the menus: the caller never got its card blocked.
    partial = call_flow(flow, "--check", "--transcript", str(tmp_path / "partial.jsonl"), lines=2)
    assert partial.returncode == 1
    assert "goal not reached" in partial.stderr
    assert read_jsonl(tmp_path / "partial.jsonl")[-1]["goal_reached"] is False


def test_without_check_a_finished_call_exits_0_whatever_the_verdict() -> None:
    result = run_cli("chat", *PIZZA, "--no-audio", input="Hello?\n")
    assert result.returncode == 0 and "goal not reached" in result.stderr


def test_max_turns_ends_the_call(tmp_path: Path) -> None:
    result = run_cli(
        "chat",
        *PIZZA,
        "--no-audio",
        "--max-turns",
        "2",
        "--transcript",
        str(tmp_path / "t.jsonl"),
        input="Hello?\nWhat would you like?\nWhat size?\nAddress?\n",
    )
    assert result.returncode == 0
    events = read_jsonl(tmp_path / "t.jsonl")
    assert [e["type"] for e in events].count("caller") == 2
    assert events[-1]["end_reason"] == "max turns" and events[-1]["turns"] == 2


def judge_or_reply(body: dict) -> str:
    if body.get("response_format"):
        return json.dumps({"goal_reached": True, "reason": "The caller ordered a large pepperoni pizza."})
    return "One large pepperoni, please. Thanks, bye! [hang up]"


def test_openai_verdict_comes_from_the_judge_call_and_check_uses_it(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    server.reply_with(judge_or_reply)
    env = {"OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": SECRET}
    result = run_cli(
        "chat",
        *PIZZA,
        "--no-audio",
        "--check",
        "--transcript",
        str(tmp_path / "t.jsonl"),
        input="Pizza Palace, what can I get you?\n",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "goal reached" in result.stderr and "large pepperoni pizza" in result.stderr
    judge = server.chat_requests[-1].body
    assert judge["response_format"]["type"] == "json_schema"
    assert "One large pepperoni, please." in json.dumps(judge["messages"])  # it judged this call
    end = read_jsonl(tmp_path / "t.jsonl")[-1]
    assert end["goal_reached"] is True and end["reason"] == "The caller ordered a large pepperoni pizza."

    server.reset()
    server.reply_with(judge_or_reply)
    skipped = run_cli("chat", *PIZZA, "--no-audio", "--no-judge", "--no-log", input="Hi\n", env=env)
    assert skipped.returncode == 0 and "verdict" not in skipped.stderr
    assert not [r for r in server.chat_requests if r.body.get("response_format")]


def test_scenario_file_persona_reaches_the_openai_system_prompt(server: FakeOpenAI, tmp_path: Path) -> None:
    scenario = tmp_path / "pizza.toml"
    scenario.write_text(
        'description = "We are a pizza restaurant."\nscenario = "order a large pepperoni pizza"\n'
        '[persona]\nname = "Dana Lee"\nphone = "312-555-0147"\npatience = "low"\n'
    )
    server.enqueue("Hi, it's Dana.")
    env = {"OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": SECRET}
    result = run_cli(
        "chat", "--file", str(scenario), "--no-audio", "--no-judge", "--no-log", input="Name?\n", env=env
    )
    assert result.returncode == 0, result.stderr
    prompt = server.chat_requests[0].body["messages"][0]["content"]
    original = system_prompt(Context.create("We are a pizza restaurant.", "order a large pepperoni pizza"))
    assert prompt.startswith(original)  # the original wording first, then the persona
    persona_part = prompt[len(original) :]
    assert "Dana Lee" in persona_part and "312-555-0147" in persona_part and "patience low" in persona_part


def test_a_killed_call_leaves_every_line_so_far_intact(server: FakeOpenAI, tmp_path: Path) -> None:
    server.enqueue("Hello, I'd like a pizza.", "Large, please.", Script(text="never finished", ttft_s=30))
    transcript = tmp_path / "t.jsonl"
    proc = start_piped_chat(
        server.url, SECRET, transcript, "Hi there.\nWhat size?\nAnd the address?\n", output=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 20
    while len(server.chat_requests) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    proc.stdin.close()
    events = read_jsonl(transcript)  # every line parses
    assert [e["type"] for e in events] == ["context", "operator", "caller", "operator", "caller", "operator"]
    assert events[4]["text"] == "Large, please."
    assert events[5]["text"] == "And the address?"


def test_save_mp3_folder_that_cannot_be_written_is_refused_before_the_call(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_cli("chat", *PIZZA, "--no-audio", "--save-mp3", str(blocker / "mp3"), input="Hello\n")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("Can't write MP3s to") and "Traceback" not in result.stderr
    assert "Hello" not in result.stdout  # the call did not begin


@pytest.mark.piper
def test_no_audio_save_mp3_keeps_every_reply_with_the_offline_voice(tmp_path: Path) -> None:
    pytest.importorskip("piper", reason="the offline voice is not installed")
    from callersim_cli.audio_codec import decode_mp3

    flow = sample("pizza-delivery")
    mp3 = tmp_path / "mp3"
    result = call_flow(flow, "--save-mp3", str(mp3), "--transcript", str(tmp_path / "t.jsonl"))
    assert result.returncode == 0, result.stderr
    callers = [e for e in read_jsonl(tmp_path / "t.jsonl") if e["type"] == "caller"]
    files = sorted(p.name for p in mp3.glob("*.mp3"))
    assert files == [f"{i:03d}-caller.mp3" for i in range(1, len(callers) + 1)]
    assert [e["audio"] for e in callers] == files
    for name in files:
        clip = decode_mp3((mp3 / name).read_bytes())
        assert clip.duration_s > 0.1  # speech, or the key tones of the first reply
    # The first reply only pressed 1: its file is the DTMF tone, far shorter than any spoken reply.
    assert decode_mp3((mp3 / files[0]).read_bytes()).duration_s < 0.6


@pytest.mark.piper
def test_a_kept_call_is_found_listed_and_exported_with_its_saved_audio(tmp_path: Path) -> None:
    pytest.importorskip("piper", reason="the offline voice is not installed")
    from callersim_cli.audio_codec import decode_mp3

    flow = sample("dentist-reschedule")
    mp3 = tmp_path / "elsewhere" / "mp3"
    made = call_flow(flow, "--save-mp3", str(mp3))
    assert made.returncode == 0, made.stderr
    listed = run_cli("calls")
    assert "Bright Smile Dental" in listed.stdout and "reached" in listed.stdout
    shown = run_cli("show", "last")
    assert "Dana Lee" in shown.stdout and "☎ presses 2" in shown.stdout

    export = tmp_path / "call.mp3"
    exported = run_cli("replay", "last", "--export", str(export), timeout=120)
    assert exported.returncode == 0, exported.stderr
    caller_audio = sum(decode_mp3(p.read_bytes()).duration_s for p in mp3.glob("*.mp3"))
    # Both sides: every saved caller reply, plus the business's lines between them.
    assert decode_mp3(export.read_bytes()).duration_s > caller_audio + 0.4 * len(flow["turns"])


def test_a_call_lasts_from_its_first_line_not_from_when_the_prompt_opened() -> None:
    now = [100.0]
    session = CallSession(
        Conversation(Context.create("A bank.", "x"), ScriptedEngine("Hello.", "Bye. [hang up]")),
        clock=lambda: now[0],
    )
    now[0] += 600  # the user read the docs before typing the first line
    list(session.turn("First Harbor Bank, how can I help?"))
    now[0] += 4.5
    list(session.turn("Goodbye."))
    assert session.end("caller hung up").duration_s == 4.5
    session.new_call()
    now[0] += 60
    assert session.end("quit").duration_s == 0.0  # nothing was said on the new call
