"""A stand-in sound card for player tests: ALSA's default device, for this process, writes to a file.

alsa-lib's ``file`` plugin copies everything played on the device to a file. Its slave ``null`` device
has no clock, though: a player would "play" a whole clip in a millisecond (simpleaudio) or be asked for
silence as fast as the CPU allows (miniaudio), and stopping mid-clip could not be tested. So the file is
a named pipe, read back at the clip's real rate by a thread here, which is what makes the device keep
time; what it reads is written to ``out.raw``. The pipe is shrunk to one page so the players cannot run
far ahead of the clock.

The configuration is given through ``ALSA_CONFIG_PATH`` rather than ``~/.asoundrc``: alsa-lib notices a
change of that path within one process (its cache is keyed on the top-level files), not a changed HOME.
Both simpleaudio (linked to alsa-lib) and miniaudio (which loads libasound.so.2 itself) use it.
"""

from __future__ import annotations

import fcntl
import os
import select
import threading
import time
from pathlib import Path

import pytest

_CONFIG = """\
pcm.!default {{
    type file
    slave.pcm {{ type null }}
    file "{fifo}"
    format "raw"
}}
"""

# A card that does not exist: opening the default device fails at once, as on a machine with no sound.
_MISSING_CONFIG = """\
pcm.!default { type hw; card 7; device 0 }
ctl.!default { type hw; card 7 }
"""


class AlsaFileDevice:
    """The file-backed default device; read ``out_path`` (raw PCM as the player sent it) or ``data``."""

    def __init__(self, folder: Path, bytes_per_second: int) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.config_path = folder / "asound.conf"
        self.out_path = folder / "out.raw"
        self._fifo = folder / "device.fifo"
        self._bytes_per_second = bytes_per_second
        os.mkfifo(self._fifo)
        # Opened for reading before any player opens it for writing, so their open() never blocks, and
        # kept open until close(), so their writes never fail.
        self._fd = os.open(self._fifo, os.O_RDONLY | os.O_NONBLOCK)
        fcntl.fcntl(self._fd, fcntl.F_SETPIPE_SZ, 4096)
        self.config_path.write_text(_CONFIG.format(fifo=self._fifo))
        self._lock = threading.Lock()
        self._data = bytearray()
        self._clock_start: float | None = None
        self._clock_bytes = 0
        self._closing = threading.Event()
        self._reset = threading.Event()
        self._paused = threading.Event()  # the device stops consuming: a player's writes block
        self._thread = threading.Thread(target=self._read, name="alsa-file-device", daemon=True)
        self._thread.start()

    @property
    def data(self) -> bytes:
        with self._lock:
            return bytes(self._data)

    def reset(self) -> None:
        """Forget what was played so far (e.g. a player's probe at construction)."""
        self._reset.set()
        deadline = time.monotonic() + 2
        while self._reset.is_set() and time.monotonic() < deadline:
            time.sleep(0.005)

    def pause(self) -> None:
        """Stop reading, as a stalled sound card stops taking samples: the pipe fills, writes block."""
        self._paused.set()

    def resume(self) -> None:
        self._paused.clear()

    def _read(self) -> None:
        with self.out_path.open("wb") as out:
            while not self._closing.is_set():
                if self._reset.is_set():
                    out.seek(0)
                    out.truncate()
                    with self._lock:
                        self._data.clear()
                        self._clock_start = None
                    self._reset.clear()
                if self._paused.is_set():
                    time.sleep(0.01)
                    continue
                ready, _, _ = select.select([self._fd], [], [], 0.01)
                if not ready:
                    continue
                now = time.monotonic()
                with self._lock:
                    if self._clock_start is None:
                        # Each clip starts the clock anew, allowing 10 ms ahead as a real buffer would.
                        self._clock_start, self._clock_bytes = now, len(self._data)
                    due = int((now - self._clock_start + 0.01) * self._bytes_per_second)
                    allowed = due - (len(self._data) - self._clock_bytes)
                if allowed <= 0:
                    time.sleep(0.002)
                    continue
                chunk = os.read(self._fd, min(allowed, 4096))
                if not chunk:  # no writer at the moment: the player closed the device
                    with self._lock:
                        self._clock_start = None
                    time.sleep(0.005)
                    continue
                with self._lock:
                    self._data += chunk
                out.write(chunk)
                out.flush()

    def close(self) -> None:
        self._closing.set()
        self._thread.join(timeout=5)
        os.close(self._fd)


def missing_device_config(folder: Path) -> Path:
    """An ALSA configuration whose default device is a sound card that is not there."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "asound-missing.conf"
    config.write_text(_MISSING_CONFIG)
    return config


def use_file_device(device: AlsaFileDevice, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(device.config_path))
