"""A player for tests: plays nothing, records every clip it is handed and when, by a real or a fake clock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from callersim_cli.audio import Clip
from callersim_cli.errors import PlayerError


class RecordedPlayback:
    """Plays for the clip's duration by the player's clock, unless stopped."""

    def __init__(self, player: RecordingPlayer, clip: Clip) -> None:
        self.player = player
        self.clip = clip
        self.started = player.clock()
        self.stopped_at: float | None = None
        self._stop = threading.Event()

    def is_playing(self) -> bool:
        return not self._stop.is_set() and self.player.clock() < self.started + self.clip.duration_s

    def wait(self) -> None:
        remaining = self.started + self.clip.duration_s - self.player.clock()
        if remaining > 0:
            self.player.pause(self._stop, remaining)
        if self.stopped_at is None:
            self.player.log.append(("ended", round(self.clip.duration_s, 2)))

    def stop(self) -> None:
        if self.stopped_at is None:
            self.stopped_at = self.player.clock()
            self.player.log.append(("stopped after", round(self.stopped_at - self.started, 2)))
        self._stop.set()

    @property
    def heard_s(self) -> float:
        end = self.stopped_at if self.stopped_at is not None else self.player.clock()
        return max(0.0, min(end - self.started, self.clip.duration_s))


@dataclass
class RecordingPlayer:
    """``clock`` and ``sleep`` are a fake clock's, or by default real time (where ``stop`` cuts a wait
    short); ``log`` keeps what was played, ended and stopped, for a test to set beside what was shown."""

    clock: Callable[[], float] = time.perf_counter
    sleep: Callable[[float], None] | None = None
    fail_with: str | None = None
    log: list[tuple[str, Any]] = field(default_factory=list)
    playbacks: list[RecordedPlayback] = field(default_factory=list)
    name: str = "recording"

    def play(self, clip: Clip) -> RecordedPlayback:
        if self.fail_with is not None:
            raise PlayerError(self.fail_with)
        self.log.append(("play", round(clip.duration_s, 2)))
        playback = RecordedPlayback(self, clip)
        self.playbacks.append(playback)
        return playback

    def pause(self, stopped: threading.Event, seconds: float) -> None:
        if self.sleep is not None:
            self.sleep(seconds)
        else:
            stopped.wait(seconds)

    @property
    def clips(self) -> list[Clip]:
        return [p.clip for p in self.playbacks]
