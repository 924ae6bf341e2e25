"""The offline caller: a scripted customer that needs no network and no model.

Each turn, the business's line is read once (``reading``), the goal frame of the call is built once
(``frame``), the history is folded into the call so far (``state``), the first dialogue act that answers
the line decides a move (``acts``) and the move is put into words in the caller's manner (``realize``).
Everything derives from the context, the history and the seed, so the engine is a pure function: a
retried turn gives the same reply, and a seed replays a call.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from callersim_cli.conversation import Context, Message
from callersim_cli.engines.offline import judge
from callersim_cli.engines.offline.acts import decide
from callersim_cli.engines.offline.frame import frame_for
from callersim_cli.engines.offline.moves import Move
from callersim_cli.engines.offline.realize import realize
from callersim_cli.engines.offline.state import CallState
from callersim_cli.engines.offline.turn import Turn

if TYPE_CHECKING:
    from callersim_cli.engines import EngineOptions

# Calls without a seed are still reproducible: the same call always gets the same caller.
DEFAULT_SEED = 20240611


@dataclass(frozen=True)
class Explanation:
    """Why the caller answered as it did: the act chosen, what it read and decided, the details it used."""

    act: str
    why: str
    facts: tuple[str, ...]

    def __str__(self) -> str:
        used = f" (used: {', '.join(self.facts)})" if self.facts else ""
        return f"{self.act}: {self.why or 'answered'}{used}"


def _seed(options: EngineOptions | None) -> int:
    seed = options.seed if options is not None else None
    return DEFAULT_SEED if seed is None else seed


class OfflineEngine:
    """A deterministic scripted caller: the default when no model is configured, and the tests' caller."""

    name = "offline"
    model = "scripted"

    def __init__(self, options: EngineOptions | None = None) -> None:
        self.seed = _seed(options)

    def _turn(self, context: Context, messages: Sequence[Message]) -> Turn:
        state = CallState(messages)
        return Turn(frame_for(context, self.seed), state, state.current)

    def move(self, context: Context, messages: Sequence[Message]) -> tuple[Turn, Move]:
        turn = self._turn(context, messages)
        return turn, decide(turn)

    def reply(self, context: Context, messages: Sequence[Message]) -> str:
        """The whole next reply, markers included."""
        return realize(*self.move(context, messages))

    def stream(self, context: Context, messages: Sequence[Message]) -> Iterator[str]:
        # Word by word, as a model streams; no sleeping, the offline caller is instant.
        yield from re.findall(r"\S+\s*", self.reply(context, messages))

    def explain(self, context: Context, messages: Sequence[Message]) -> Explanation:
        """Why the reply to the last line of ``messages`` is what it is."""
        _, move = self.move(context, messages)
        return Explanation(move.act, move.why, move.facts)

    def verdict(self, context: Context, messages: Sequence[Message]) -> tuple[bool, str]:
        """Whether the caller got what it called for, and why, from what it saw on the call."""
        return judge.verdict(context, messages, self.seed)

    def close(self) -> None:
        """Nothing to release: the offline caller holds no connection."""


class OfflineJudge:
    """The offline verdict: whether the caller got what it called for, from what was said on the call."""

    name = "offline"

    def __init__(self, options: EngineOptions | None = None) -> None:
        self.seed = _seed(options)

    def verdict(self, context: Context, messages: Sequence[Message]) -> tuple[bool, str]:
        return judge.verdict(context, messages, self.seed)

    def close(self) -> None:
        """Nothing to release: the offline judge holds no connection."""
