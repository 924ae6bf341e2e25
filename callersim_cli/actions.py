"""The caller's phone actions, written inside its reply: ``[press 2]``, ``[press 4417#]``, ``[hang up]``.

Both engines produce this one convention; the parser here takes the markers out of the streamed text, so
what is spoken never contains them, and turns them into events. Markers may be split across stream
pieces ("[pre" + "ss 2]"), so the parser holds back text from an opening bracket until it can decide.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Speech:
    """A piece of what the caller says out loud."""

    text: str


@dataclass(frozen=True)
class Press:
    """The caller presses these keys (digits, * and #)."""

    digits: str


@dataclass(frozen=True)
class HangUp:
    """The caller ends the call."""


CallerEvent = Speech | Press | HangUp

_PRESS = re.compile(
    r"^\[\s*(?:press(?:es|ing)?|dial(?:s)?|enter(?:s)?|key(?:s)?)\s*:?\s*([0-9*#][0-9*#\s,.\-]*)\]$", re.I
)
_HANGUP = re.compile(r"^\[\s*(?:hangs?|hung)[\s_-]*up\s*\.?\]$", re.I)
# Longest marker we wait for before deciding a bracket is just text.
_MAX_MARKER = 48


def press_marker(digits: str) -> str:
    """The marker an engine writes to press ``digits``."""
    return f"[press {digits}]"


HANGUP_MARKER = "[hang up]"


def _marker_event(marker: str) -> Press | HangUp | None:
    if m := _PRESS.match(marker):
        digits = re.sub(r"[^0-9*#]", "", m.group(1))
        return Press(digits) if digits else None
    if _HANGUP.match(marker):
        return HangUp()
    return None


class ActionParser:
    """Turns streamed reply text into speech, key-press and hang-up events, in order."""

    def __init__(self) -> None:
        self._held = ""  # text from an unclosed "[" that may still become a marker
        self.hung_up = False

    def feed(self, piece: str) -> Iterator[CallerEvent]:
        if self.hung_up:
            return  # nothing a caller "says" after hanging up reaches the line
        text = self._held + piece
        self._held = ""
        out = ""
        i = 0
        while i < len(text):
            start = text.find("[", i)
            if start < 0:
                out += text[i:]
                break
            out += text[i:start]
            end = text.find("]", start)
            if end < 0:
                if len(text) - start <= _MAX_MARKER:
                    self._held = text[start:]
                else:
                    out += text[start:]
                break
            marker = text[start : end + 1]
            event = _marker_event(marker)
            if event is None:
                out += marker
            else:
                if out:
                    yield Speech(out)
                    out = ""
                yield event
                if isinstance(event, HangUp):
                    self.hung_up = True
                    return
            i = end + 1
        if out:
            yield Speech(out)

    def close(self) -> Iterator[CallerEvent]:
        if self._held and not self.hung_up:
            yield Speech(self._held)
        self._held = ""


def parse_actions(pieces: Iterable[str]) -> Iterator[CallerEvent]:
    """All events of a whole streamed reply."""
    parser = ActionParser()
    for piece in pieces:
        yield from parser.feed(piece)
    yield from parser.close()


def clean_spoken(text: str) -> str:
    """Spoken text as one tidy line: markers leave double spaces and stray space before punctuation."""
    text = " ".join(text.split())
    return re.sub(r"\s+([,.!?;:])", r"\1", text).strip()
