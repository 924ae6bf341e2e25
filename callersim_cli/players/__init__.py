"""Players: each plays audio on the speakers without blocking, and can be stopped (barge-in).

One file per player, one row per player in ``PLAYERS``; "auto" takes the first that opens a device.
Modules are imported only when chosen.
"""

from __future__ import annotations

from typing import Protocol

from callersim_cli.audio import Clip
from callersim_cli.backends import Backend, Needs, Registry
from callersim_cli.errors import CallersimError, PlayerError


class Playback(Protocol):
    """One clip being played."""

    def is_playing(self) -> bool: ...

    def wait(self) -> None:
        """Block until the clip has finished or was stopped."""
        ...

    def stop(self) -> None: ...

    @property
    def heard_s(self) -> float:
        """Seconds of the clip played so far (where it was cut, once stopped)."""
        ...


class Player(Protocol):
    name: str

    def play(self, clip: Clip) -> Playback:
        """Start playing ``clip`` and return at once. Raises ``PlayerError`` when there is no device."""
        ...


PLAYERS = Registry(
    "player",
    Backend(
        "player",
        "simpleaudio",
        "callersim_cli.players.simpleaudio_player:SimpleaudioPlayer",
        needs=Needs(modules=("simpleaudio",), extra="simpleaudio"),
        error=PlayerError,
    ),
    Backend(
        "player",
        "miniaudio",
        "callersim_cli.players.miniaudio_player:MiniaudioPlayer",
        needs=Needs(modules=("miniaudio",)),
        error=PlayerError,
    ),
)


def create_player(name: str) -> Player:
    """The player ``name``; raises ``PlayerError`` when it has no library or no device here."""
    player: Player = PLAYERS[name].build()
    return player


def open_player(name: str) -> tuple[Player | None, str | None]:
    """The player ``name`` (or the first that opens a device, for ``auto``), or None and why not."""
    reasons = []
    for candidate in PLAYERS.names() if name == "auto" else [name]:
        try:
            return create_player(candidate), None
        except CallersimError as exc:
            reasons.append(str(exc))
    return None, reasons[-1] if reasons else "no player"
