"""The players, for real, through ALSA onto a file-backed device (see tests/alsa.py): no sound card needed.

Where a player's library is missing these tests skip, except under CI (``CI`` set), where a skipped
player test would hide that the players were never tested: there they fail.
"""

from __future__ import annotations

import array
import ctypes.util
import importlib
import math
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alsa import AlsaFileDevice, missing_device_config, use_file_device

from callersim_cli.audio import Clip
from callersim_cli.errors import PlayerError
from callersim_cli.players import Player, create_player

RATE = 22050
PLAYERS = ("simpleaudio", "miniaudio")


def _require(module: str) -> None:
    """Skip when ``module`` or alsa-lib is missing here; fail under CI, which must test every player."""
    missing = None
    try:
        importlib.import_module(module)
    except ImportError:
        missing = f"{module} is not installed"
    if missing is None and sys.platform.startswith("linux") and not ctypes.util.find_library("asound"):
        missing = "alsa-lib (libasound2) is not installed"
    if missing is None and not sys.platform.startswith("linux"):
        missing = "the file-backed test device is ALSA's, on Linux only"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}, and CI must test every player")
        pytest.skip(missing)


def _tone(seconds: float, freq: float = 440.0, rate: int = RATE) -> Clip:
    n = round(seconds * rate)
    samples = array.array("h", (round(8000 * math.sin(2 * math.pi * freq * i / rate)) for i in range(n)))
    return Clip(pcm=samples.tobytes(), sample_rate=rate)


def _rms(pcm: bytes) -> float:
    samples = array.array("h", pcm[: len(pcm) - len(pcm) % 2])
    return math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0


@pytest.fixture
def device(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AlsaFileDevice]:
    dev = AlsaFileDevice(tmp_path / "alsa", bytes_per_second=RATE * 2)
    use_file_device(dev, monkeypatch)
    yield dev
    dev.close()


def _player(name: str, device: AlsaFileDevice) -> Player:
    _require(name)
    player = create_player(name)
    device.reset()  # the constructor's probe may have played a moment of silence
    return player


@pytest.mark.player
@pytest.mark.parametrize("name", PLAYERS)
def test_the_whole_clip_reaches_the_device_in_real_time(name: str, device: AlsaFileDevice) -> None:
    player = _player(name, device)
    clip = _tone(1.0)

    started = time.monotonic()
    playback = player.play(clip)
    returned = time.monotonic() - started
    assert playback.is_playing()
    playback.wait()
    elapsed = time.monotonic() - started
    time.sleep(0.1)  # the device's last period on its way to the file

    assert returned < 0.2, "play() must not block"
    assert 0.85 <= elapsed < 2.0, "wait() returns when the clip has been played, not before"
    assert not playback.is_playing()
    played = device.out_path.read_bytes()
    expected = len(clip.pcm)
    # Every sample reached the device; at most a few device periods of silence follow them.
    assert expected * 0.98 <= len(played) <= expected + RATE * 2 * 0.3
    assert _rms(played[:expected]) > 0.9 * _rms(clip.pcm), "the device got the tone, not silence"
    assert playback.heard_s == pytest.approx(1.0, abs=0.1)


@pytest.mark.player
@pytest.mark.parametrize("name", PLAYERS)
def test_stop_cuts_the_clip_short(name: str, device: AlsaFileDevice) -> None:
    player = _player(name, device)
    playback = player.play(_tone(3.0))
    time.sleep(0.5)

    asked = time.monotonic()
    playback.stop()
    stop_took = time.monotonic() - asked
    playback.wait()
    wait_took = time.monotonic() - asked
    time.sleep(0.2)

    assert stop_took < 0.3, "stop() returns at once"
    assert wait_took < 0.6, "wait() after stop() does not wait for the rest of the clip"
    assert not playback.is_playing()
    played_s = len(device.out_path.read_bytes()) / (RATE * 2)
    # The user barged in at 0.5 s: what the device got stops soon after (its buffer), far from 3 s.
    assert 0.4 <= played_s <= 1.1
    assert playback.heard_s == pytest.approx(0.5, abs=0.15)


@pytest.mark.player
@pytest.mark.parametrize("name", PLAYERS)
def test_clips_play_one_after_another(name: str, device: AlsaFileDevice) -> None:
    player = _player(name, device)
    for _ in range(2):
        playback = player.play(_tone(0.3))
        playback.wait()
        assert not playback.is_playing()
    time.sleep(0.1)
    assert len(device.out_path.read_bytes()) >= 2 * 0.3 * RATE * 2 * 0.98


@pytest.mark.player
@pytest.mark.parametrize("name", PLAYERS)
def test_no_device_is_a_player_error_at_once(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _require(name)
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(missing_device_config(tmp_path / "alsa")))
    started = time.monotonic()
    with pytest.raises(PlayerError, match=r"^no audio device"):
        create_player(name)
    assert time.monotonic() - started < 2.0, "the app must not hang looking for a device"


def test_simpleaudio_missing_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "simpleaudio", None)  # as if not installed
    with pytest.raises(PlayerError) as caught:
        create_player("simpleaudio")
    assert (
        str(caught.value) == "The simpleaudio player is not installed: pip install 'callersim[simpleaudio]'"
    )


def test_miniaudio_missing_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "miniaudio", None)
    with pytest.raises(PlayerError, match=r"^The miniaudio player is not installed: pip install miniaudio$"):
        create_player("miniaudio")
