"""Players: each plays audio on the speakers without blocking, and can be stopped (barge-in).

One file per player, one line per player in ``PLAYERS``, tried in that order; modules are imported
only when chosen.
"""

from __future__ import annotations

import importlib
from typing import Protocol

from callersim_cli.audio import Clip
from callersim_cli.errors import UsageError


class Playback(Protocol):
    """One clip being played."""

    def is_playing(self) -> bool: ...

    def wait(self) -> None:
        """Block until the clip has finished or was stopped."""
        ...

    def stop(self) -> None: ...


class Player(Protocol):
    name: str

    def play(self, clip: Clip) -> Playback:
        """Start playing ``clip`` and return at once. Raises ``PlayerError`` when there is no device."""
        ...


# name -> "module:class"; the class is built with no arguments and raises PlayerError if unusable.
PLAYERS: dict[str, str] = {
    "simpleaudio": "callersim_cli.players.simpleaudio_player:SimpleaudioPlayer",
    "miniaudio": "callersim_cli.players.miniaudio_player:MiniaudioPlayer",
}


def create_player(name: str) -> Player:
    if name not in PLAYERS:
        raise UsageError(f"Unknown player {name!r}; choose one of: auto, {', '.join(PLAYERS)}")
    module_name, _, class_name = PLAYERS[name].partition(":")
    return getattr(importlib.import_module(module_name), class_name)()
