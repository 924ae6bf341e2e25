"""How callersim reaches a bot under test: one small protocol, one file per transport, one table naming them.

A ``Transport`` is made once per suite run from the ``[bot]`` table; ``call()`` begins one call (a
process started fresh, or a call id on an HTTP server). Each event callersim ``send``s is answered by the
bot's events up to its ``listen``, ``hangup`` or ``transfer`` (``protocol.Answer``). Everything that goes
wrong is a ``RunError`` whose kind says what (``bot_start``, ``bot_crash``, ``bot_timeout``,
``protocol``). Modules are imported only when chosen: the http one loads httpx.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from callersim_cli.suite.protocol import Answer
    from callersim_cli.suite.suite_file import BotSpec


# Where a note in the call log comes from: the bot's stderr, or callersim about the bot.
NoteSource = Literal["stderr", "callersim"]


class BotCall(Protocol):
    """One call to the bot."""

    def send(self, event: dict[str, Any]) -> Answer:
        """Send ``start``, ``caller`` or ``dtmf``; the bot's answer, within the turn timeout."""
        ...

    def hang_up(self) -> None:
        """The caller hangs up: the bot is told, and let go."""
        ...

    def end(self) -> None:
        """Release what the call holds (the process, the call on the server); safe to call twice."""
        ...

    def abort(self) -> None:
        """Stop at once, from another thread, a call in flight (Ctrl-C); ``end()`` still follows."""
        ...

    def notes(self) -> list[tuple[NoteSource, str]]:
        """What the bot wrote beside the protocol since last asked, as (source, line): its stderr."""
        ...


class Transport(Protocol):
    def call(self, call_id: str) -> BotCall: ...

    def close(self) -> None: ...


# name -> "module:Class"; the class is built as Class(spec, environ).
TRANSPORTS: dict[str, str] = {
    "command": "callersim_cli.suite.transports.command:CommandTransport",  # JSON Lines on stdin/stdout
    "lines": "callersim_cli.suite.transports.lines:LinesTransport",  # plain lines, for the smallest bots
    "http": "callersim_cli.suite.transports.http:HttpTransport",
}


def open_transport(spec: BotSpec, environ: Mapping[str, str]) -> Transport:
    """The transport ``spec`` names, ready for calls; ``environ`` is what a bot process inherits."""
    module_name, _, class_name = TRANSPORTS[spec.transport].partition(":")
    transport: Transport = getattr(importlib.import_module(module_name), class_name)(spec, environ)
    return transport
