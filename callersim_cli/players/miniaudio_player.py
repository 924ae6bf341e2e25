"""The miniaudio player: a miniaudio playback device pulls the clip's PCM from a generator.

miniaudio is a core dependency with wheels for every platform and no compiler needed, and it finds the
system's audio (ALSA, PulseAudio, CoreAudio, WASAPI) at run time. A generator lets ``stop()`` end the
audio within one device period, mid-clip.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Generator
from typing import Any

from callersim_cli.audio import SAMPLE_WIDTH, Clip
from callersim_cli.errors import PlayerError

PERIOD_MS = 30  # the device asks for audio this often: the longest a stop() can take to be heard
# How long past a clip's end the player trusts the device before closing it anyway: a stalled device
# must not hang the conversation.
WAIT_MARGIN_S = 2.0
# Once the last samples are handed over they are still in the device's buffer (a few periods).
_DRAIN_S = 4 * PERIOD_MS / 1000


def _close_device(miniaudio: Any, device: Any) -> None:
    device.close()
    # pyminiaudio gives every device its own context and never frees it (it holds the loaded audio
    # libraries): without this a long call would leak one per reply.
    context = getattr(device, "_context", None)
    if context is not None:
        miniaudio.lib.ma_context_uninit(context)
        device._context = None


class MiniaudioPlayback:
    """One clip playing on its own miniaudio device, which is closed when the clip ends or is stopped."""

    def __init__(self, miniaudio: Any, clip: Clip) -> None:
        self._pcm = memoryview(clip.pcm)[: len(clip.pcm) - len(clip.pcm) % SAMPLE_WIDTH]
        self._miniaudio = miniaudio
        self._rate = clip.sample_rate
        self._duration_s = clip.duration_s
        self._fed = 0  # bytes handed to the device so far
        self._stop = threading.Event()
        self._fed_all = threading.Event()  # also set by stop(): either ends the wait for the last samples
        self._done = threading.Event()
        self._close_lock = threading.Lock()
        self._stopped_heard: float | None = None
        try:
            self._device = miniaudio.PlaybackDevice(
                output_format=miniaudio.SampleFormat.SIGNED16,
                nchannels=1,
                sample_rate=clip.sample_rate,
                buffersize_msec=PERIOD_MS,
                app_name="callersim",
            )
        except miniaudio.MiniaudioError as exc:
            raise PlayerError(f"no audio device: miniaudio could not open one ({exc.args[0]})") from exc
        feed = self._feed()
        next(feed)  # miniaudio wants the generator started
        self._started = time.monotonic()
        try:
            self._device.start(feed)
        except miniaudio.MiniaudioError as exc:
            self._close()
            raise PlayerError(f"no audio device: miniaudio could not start it ({exc.args[0]})") from exc
        threading.Thread(target=self._close_when_done, name="miniaudio-playback", daemon=True).start()

    def _feed(self) -> Generator[bytes, int, None]:
        # Runs on miniaudio's audio thread: each send() is the number of frames the device wants now.
        frames = yield b""
        while not self._stop.is_set() and self._fed < len(self._pcm):
            chunk = self._pcm[self._fed : self._fed + frames * SAMPLE_WIDTH]
            self._fed += len(chunk)
            frames = yield bytes(chunk)
        self._fed_all.set()

    def _close_when_done(self) -> None:
        self._fed_all.wait(timeout=self._duration_s + WAIT_MARGIN_S)
        if not self._stop.wait(timeout=_DRAIN_S):  # let the buffered tail be heard, unless stopped
            self._close()

    def _close(self) -> None:
        with self._close_lock:
            if not self._done.is_set():
                _close_device(self._miniaudio, self._device)
                self._done.set()

    @property
    def heard_s(self) -> float:
        """Seconds of the clip played so far: the clock, bounded by what the device was given."""
        if self._stopped_heard is not None:
            return self._stopped_heard
        elapsed = time.monotonic() - self._started
        return max(0.0, min(elapsed, self._fed / (SAMPLE_WIDTH * self._rate), self._duration_s))

    def is_playing(self) -> bool:
        return not self._done.is_set()

    def wait(self) -> None:
        if not self._done.wait(timeout=self._duration_s + WAIT_MARGIN_S + _DRAIN_S):
            self.stop()

    def stop(self) -> None:
        if self._done.is_set():
            return
        self._stopped_heard = self.heard_s
        self._stop.set()
        self._fed_all.set()
        self._close()  # stopping the device drops what it holds: the audio ends now


class MiniaudioPlayer:
    name = "miniaudio"

    def __init__(self) -> None:
        import miniaudio  # found by the registry first: its row says how to install it

        from callersim_cli.players._alsa import silence_alsa_errors

        silence_alsa_errors()
        self._miniaudio = miniaudio
        # Open a device once now, so the app can fall back to text at startup, not on the first reply.
        try:
            probe = miniaudio.PlaybackDevice(nchannels=1, sample_rate=44100, buffersize_msec=PERIOD_MS)
        except miniaudio.MiniaudioError as exc:
            raise PlayerError(f"no audio device: miniaudio could not open one ({exc.args[0]})") from exc
        backend = probe.backend
        _close_device(miniaudio, probe)
        # With no real backend miniaudio may settle on its "Null" one, which plays into the void.
        if backend.lower() == "null":
            raise PlayerError("no audio device: miniaudio found no sound system to play on")

    def play(self, clip: Clip) -> MiniaudioPlayback:
        return MiniaudioPlayback(self._miniaudio, clip)
