"""The simpleaudio player: hands the whole clip to simpleaudio, which plays it from its own thread.

simpleaudio is an optional extra (it compiles against the ALSA headers on Linux). Its ``stop()`` lets
the device play out what it already holds, at most its 0.1 s buffer, then closes it.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from callersim_cli.audio import SAMPLE_WIDTH, Clip
from callersim_cli.errors import PlayerError

# The rates simpleaudio accepts; other clips are resampled to the next one up.
_RATES = (8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000, 192000)
# How long past a clip's end wait() trusts the device before giving up on it: a stalled device must not
# hang the conversation.
WAIT_MARGIN_S = 2.0
_POLL_S = 0.01


class SimpleaudioPlayback:
    """One clip playing through simpleaudio."""

    def __init__(self, play_object: Any, duration_s: float) -> None:
        self._play = play_object
        self._duration_s = duration_s
        self._started = time.monotonic()
        self._stopped_at: float | None = None
        self._lock = threading.Lock()

    @property
    def heard_s(self) -> float:
        """Seconds of the clip played so far (by the clock: simpleaudio reports no position)."""
        end = self._stopped_at if self._stopped_at is not None else time.monotonic()
        return min(self._duration_s, end - self._started)

    def is_playing(self) -> bool:
        return self._play is not None and self._play.is_playing()

    def wait(self) -> None:
        deadline = self._started + self._duration_s + WAIT_MARGIN_S
        while self.is_playing():
            if time.monotonic() > deadline:
                self.stop()
                return
            time.sleep(_POLL_S)

    def stop(self) -> None:
        with self._lock:
            if self._stopped_at is None and self.is_playing():
                self._stopped_at = time.monotonic()
                self._play.stop()


class SimpleaudioPlayer:
    name = "simpleaudio"

    def __init__(self) -> None:
        import simpleaudio  # found by the registry first: its row says how to install it
        from simpleaudio._simpleaudio import SimpleaudioError

        from callersim_cli.players._alsa import silence_alsa_errors

        silence_alsa_errors()
        self._sa = simpleaudio
        self._error: type[Exception] = SimpleaudioError  # not re-exported by the package
        # simpleaudio opens the device only when asked to play: a 10 ms silence finds out now, so the app
        # can fall back to text at startup rather than fail on the first reply.
        self._open(Clip(pcm=b"\x00" * (SAMPLE_WIDTH * 441), sample_rate=44100)).wait()

    def play(self, clip: Clip) -> SimpleaudioPlayback:
        return self._open(clip)

    def _open(self, clip: Clip) -> SimpleaudioPlayback:
        if clip.sample_rate not in _RATES:
            from callersim_cli.audio_codec import resample

            clip = resample(clip, next((r for r in _RATES if r >= clip.sample_rate), _RATES[-1]))
        pcm = clip.pcm[: len(clip.pcm) - len(clip.pcm) % SAMPLE_WIDTH]
        if not pcm:
            return SimpleaudioPlayback(None, 0.0)
        try:
            play_object = self._sa.play_buffer(pcm, 1, SAMPLE_WIDTH, clip.sample_rate)
        except self._error as exc:
            raise PlayerError(
                f"no audio device: simpleaudio could not open one ({_first_line(exc)})"
            ) from exc
        return SimpleaudioPlayback(play_object, clip.duration_s)


def _first_line(exc: BaseException) -> str:
    # simpleaudio words it "Error opening PCM device. -- CODE: -2 -- MSG: No such file or directory".
    return " ".join(str(exc).split()) or type(exc).__name__
