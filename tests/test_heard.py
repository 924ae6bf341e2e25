"""The caller is heard: a whole call, piped through the entry point, played through a real player.

ALSA's default device writes to a file here (tests/alsa.py), so the samples that reached the "speakers"
can be counted without a sound card. Skips where piper or a player is missing, except under CI.
"""

from __future__ import annotations

import array
import importlib
import os
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
    assert audio["interrupted"] is False and audio["first_audio_s"] < 1.0
    saved = decode_mp3((tmp_path / "mp3" / audio["file"]).read_bytes())
    # The whole reply reached the device (a player may also send a short probe or some padding).
    played_s = len(played) / (RATE * 2)
    assert saved.duration_s - 0.1 <= played_s <= saved.duration_s + 0.6
    samples = array.array("h", played)
    assert max(abs(s) for s in samples) > 1000  # speech, not silence
