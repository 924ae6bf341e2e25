"""The call so far, folded from the history: the business's lines, read, and what the caller did on each.

The history (Chat Completions messages) is the only memory the engine has, which keeps it a pure function:
a retried turn sees the same state and gives the same reply. Each line is read through ``reading.read``
and each reply parsed once per text, so folding a long call costs little more than its length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from callersim_cli.actions import HANGUP_MARKER, parse_actions
from callersim_cli.actions import Press as PressEvent
from callersim_cli.actions import Speech as SpeechEvent
from callersim_cli.conversation import Message
from callersim_cli.engines.offline.reading import Line, read
from callersim_cli.engines.offline.text import words


def normal(sentence: str) -> str:
    """A sentence as compared with others: its words, lower-case, one space apart."""
    return " ".join(words(sentence))


def spoken_sentences(text: str) -> list[str]:
    return [s for s in (normal(p) for p in re.split(r"(?<=[.!?])\s+", text)) if s]


@dataclass(frozen=True)
class CallerReply:
    """One of the caller's replies: as kept in the history, as heard, and as keys."""

    raw: str
    spoken: str
    pressed: str
    hung_up: bool

    @cached_property
    def normal(self) -> str:
        return normal(self.spoken)

    @cached_property
    def sentences(self) -> list[str]:
        return spoken_sentences(self.spoken)

    @cached_property
    def answer_word(self) -> str | None:
        """ "no" when the reply starts by saying no ("No, it's HX44821"), "yes" for a yes, else None."""
        if re.match(r"(?:no|nope|not quite)\b", self.spoken, re.I):
            return "no"
        if re.match(r"(?:yes|yeah|yep|correct|that's right|sure)\b", self.spoken, re.I):
            return "yes"
        return None


@lru_cache(maxsize=4096)
def parse_reply(raw: str) -> CallerReply:
    events = list(parse_actions([raw]))
    spoken = " ".join(e.text for e in events if isinstance(e, SpeechEvent))
    pressed = "".join(e.digits for e in events if isinstance(e, PressEvent))
    return CallerReply(raw, spoken, pressed, HANGUP_MARKER in raw)


class CallState:
    """The lines before the one being answered, each with the caller's reply, and what follows from them."""

    def __init__(self, messages: Sequence[Message]) -> None:
        turns = [m for m in messages if m.get("role") in ("user", "assistant")]
        self.lines: list[Line] = [read(m["content"]) for m in turns if m["role"] == "user"]
        self.replies: list[CallerReply] = [
            parse_reply(m["content"]) for m in turns if m["role"] == "assistant"
        ]

    @property
    def index(self) -> int:
        """The number of the line being answered, from 0."""
        return len(self.lines) - 1

    @property
    def current(self) -> Line:
        return self.lines[-1] if self.lines else read("")

    @property
    def earlier(self) -> list[Line]:
        """The lines already answered, in order (one per reply)."""
        return self.lines[: len(self.replies)]

    def exchanges(self) -> list[tuple[Line, CallerReply]]:
        return list(zip(self.lines, self.replies, strict=False))

    @cached_property
    def said(self) -> frozenset[str]:
        """Every sentence the caller has said on this call, as compared."""
        return frozenset(s for reply in self.replies for s in reply.sentences)

    @cached_property
    def spoke(self) -> bool:
        return any(r.spoken for r in self.replies)

    @cached_property
    def all_spoken(self) -> str:
        return " ".join(r.spoken for r in self.replies)

    def keys_tried_for(self, line: Line) -> set[str]:
        """Keys already pressed for this same menu: it came back, so that choice did not get us on."""
        return {
            reply.pressed
            for earlier, reply in self.exchanges()
            if earlier.menu_signature == line.menu_signature
        }

    def misunderstood(self) -> int:
        """How many times in a row, up to the current line, the business said it did not understand."""
        count = 0
        for line in reversed(self.lines[1:]):
            if line.reprompt_rest is None:
                break
            count += 1
        return count
