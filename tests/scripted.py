"""A scripted caller engine for core tests (like llm's MockModel): replies are queued, requests recorded."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from callersim_cli.conversation import Context, Message
from callersim_cli.errors import EngineError


class ScriptedEngine:
    name = "scripted"
    model = "script"

    def __init__(self, *replies: str | Sequence[str] | Exception) -> None:
        self.queue: list[str | Sequence[str] | Exception] = list(replies)
        self.requests: list[list[Message]] = []

    def enqueue(self, *replies: str | Sequence[str] | Exception) -> None:
        self.queue.extend(replies)

    def close(self) -> None:
        self.closed = True

    def stream(self, context: Context, messages: Sequence[Message]) -> Iterator[str]:
        self.requests.append([dict(m) for m in messages])
        if not self.queue:
            raise EngineError("script exhausted")
        reply = self.queue.pop(0)
        if isinstance(reply, Exception):
            raise reply
        yield from ([reply] if isinstance(reply, str) else reply)
