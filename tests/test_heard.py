"""The caller is heard: a whole call, piped through the entry point, played through a real player.

ALSA's default device writes to a file here (tests/alsa.py), so the samples that reached the "speakers"
can be counted without a sound card. Skips where piper or a player is missing, except under CI.
"""

from __future__ import annotations

import array
import importlib
import os
import time
from pathlib import Path

import pytest
from alsa import AlsaFileDevice
from cli_helpers import read_jsonl, run_cli

from callersim_cli.audio_codec import decode_mp3

RATE = 22_050  # the piper voice's rate: the player opens the device at the clip's rate


def require(module: str) -> None:
    try:
        importlib.import_module(module)
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail(f"{module} is missing, and CI must play a call for real")
        pytest.skip(f"{module} is not installed")


@pytest.mark.player
@pytest.mark.piper
@pytest.mark.parametrize("player", ["miniaudio", "simpleaudio"])
def test_a_piped_call_is_played_whole_on_the_default_device(player: str, tmp_path: Path) -> None:
    require("piper")
    require(player)
    device = AlsaFileDevice(tmp_path / "alsa", bytes_per_second=RATE * 2)
    try:
        result = run_cli(
            "chat",
            "-d",
            "Pizza Palace, a pizza restaurant.",
            "-s",
            "order a large pepperoni pizza",
            "--tts",
            "piper",
            "--player",
            player,
            "--save-mp3",
            str(tmp_path / "mp3"),
            "--transcript",
            str(tmp_path / "t.jsonl"),
            input="Pizza Palace, how can I help you?\n",
            env={"ALSA_CONFIG_PATH": str(device.config_path)},
            timeout=120,
        )
        played = device.data
    finally:
        device.close()
    assert result.returncode == 0, result.stderr
    assert "text-only" not in result.stderr and "No sound" not in result.stderr
    audio = next(e for e in read_jsonl(tmp_path / "t.jsonl") if e["type"] == "audio")
    # How soon it starts is bench/ttfa.py's to measure; here, that it was measured and played whole.
    assert audio["interrupted"] is False and audio["first_audio_s"] > 0

    saved = decode_mp3((tmp_path / "mp3" / audio["file"]).read_bytes())
    # The whole reply reached the device (a player may also send a short probe or some padding).
    played_s = len(played) / (RATE * 2)
    assert saved.duration_s - 0.1 <= played_s <= saved.duration_s + 0.6
    samples = array.array("h", played[: len(played) // 2 * 2])  # the device reads whole bytes, not samples
    assert max(abs(s) for s in samples) > 1000  # speech, not silence


@pytest.mark.player
@pytest.mark.piper
def test_typing_the_next_line_while_the_caller_speaks_cuts_it_off(tmp_path: Path) -> None:
    import sys

    import pexpect
    from test_repl_pty import expect

    require("piper")
    require("miniaudio")
    device = AlsaFileDevice(tmp_path / "alsa", bytes_per_second=RATE * 2)
    transcript = tmp_path / "t.jsonl"
    env = {**os.environ, "ALSA_CONFIG_PATH": str(device.config_path), "TERM": "xterm-256color"}
    try:
        child = pexpect.spawn(
            sys.executable,
            [
                "-m",
                "callersim_cli",
                "chat",
                "-d",
                "Skyline Fiber, home internet.",
                "-s",
                "report that my home internet has been down since this morning and find out when it will be "
                "fixed",
                "--tts",
                "piper",
                "--player",
                "miniaudio",
                "--transcript",
                str(transcript),
                "--no-judge",
            ],
            env=env,
            encoding="utf-8",
            timeout=30,
            dimensions=(40, 120),
        )
        expect(child, "business ›")
        child.sendline("Thanks for calling Skyline Fiber. In a few words, tell me what you're calling about.")
        expect(child, "business ›")  # the prompt is back while the caller is still speaking
        # Cut in once the caller has been heard for a while: how soon that is depends on the machine.
        deadline = time.monotonic() + 20
        while len(device.data) < RATE * 2 * 0.6 and time.monotonic() < deadline:
            child.expect([pexpect.TIMEOUT], timeout=0.1)

        child.sendline("Sorry, let me stop you there. What's your account number?")
        expect(child, "business ›")
        child.sendline("/quit")
        expect(child, pexpect.EOF)
    finally:
        device.close()
    audio = [e for e in read_jsonl(transcript) if e["type"] == "audio"]
    assert audio[0]["interrupted"] is True
    assert 0.3 < audio[0]["heard_s"] < audio[0]["duration_s"] - 0.5
    # What reached the device is what was heard: the cut reply, then the second reply.
    assert len(device.data) / (RATE * 2) < audio[0]["duration_s"] + audio[1]["duration_s"]
