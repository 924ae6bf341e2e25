"""Fault 1 of issue 10: a sound device that stops taking audio must not hang the call.

The ALSA file device of ``alsa.py`` is paused (its reader stops, the pipe fills, the player's writes
block), and a piped `callersim chat` with a voice and a player is run against it through the entry point.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alsa import AlsaFileDevice
from cli_helpers import PIZZA, read_jsonl, run_cli
from fake_elevenlabs import FakeElevenLabs
from test_players import PLAYERS, _require

from callersim_cli.speech import STALLED

ELEVEN_KEY = "sk_0123456789abcdef0123456789abcdef0123456789abcdef"


@pytest.fixture
def paused_device(tmp_path: Path) -> Iterator[AlsaFileDevice]:
    device = AlsaFileDevice(tmp_path / "alsa", bytes_per_second=22050 * 2)
    device.pause()
    yield device
    device.close()


@pytest.mark.player
@pytest.mark.parametrize("player", PLAYERS)
def test_a_stalled_device_is_abandoned_with_one_warning_and_the_call_goes_on(
    player: str, paused_device: AlsaFileDevice, tmp_path: Path
) -> None:
    _require(player)
    transcript = tmp_path / "call.jsonl"
    with FakeElevenLabs(seconds_per_char=0.02) as tts:
        env = {
            "ELEVENLABS_API_KEY": ELEVEN_KEY,
            "ELEVENLABS_BASE_URL": tts.base_url,
            "ALSA_CONFIG_PATH": str(paused_device.config_path),
        }
        args = ("chat", *PIZZA, "--engine", "offline", "--player", player, "--no-judge")
        lines = "Pizza Palace, how can I help you?\nWhat size?\nAnything else?\n"
        # The timeout is the hang this guards against, not a measure of speed.
        result = run_cli(*args, "--transcript", str(transcript), input=lines, env=env, timeout=120)

    assert result.returncode == 0, result.stderr
    assert result.stderr.count(STALLED) == 1, result.stderr
    events = read_jsonl(transcript)
    assert sum(e["type"] == "caller" for e in events) == 3  # every line was answered
    assert events[-1]["type"] == "end"
