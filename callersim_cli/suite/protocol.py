"""The protocol between callersim and a bot under test: JSON objects with a ``type``, the same over every
transport (JSON Lines on a process's stdin/stdout, HTTP, and plain lines for the smallest bots).

callersim → bot: ``start``, ``caller`` (the caller's words, markers removed), ``dtmf`` (keys pressed),
``hangup``. bot → callersim: ``say``, ``listen`` (the bot yields the turn), ``transfer``, ``event``
(anything to assert), ``hangup``, ``log``. Every event callersim sends (but ``hangup``) is answered by the
bot's events up to one that yields or ends the turn: ``listen``, ``hangup`` or ``transfer``.

The bot's events are typed by the dataclasses below, and ``BOT_EVENTS`` is made from them: an event's
fields and their types are written once, in its class, and checked from there.
"""

from __future__ import annotations

import dataclasses
import json
import time
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Union

from callersim_cli.actions import CallerEvent, HangUp, Press, Speech, clean_spoken
from callersim_cli.suite.outcome import RunError

PROTOCOL_VERSION = 1

# --- what the bot sends -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Say:
    """Words the bot speaks; several may make one turn."""

    text: str


INPUTS = ("dtmf", "speech")


@dataclass(frozen=True)
class Listen:
    """The bot yields the turn, like TwiML's ``<Gather>``: ``input`` is what it takes ("dtmf", "speech" or
    both, space-separated), ``num_digits`` how many keys make one entry, ``timeout_ms`` how long it waits
    (accepted, and not used: the simulated caller always answers)."""

    input: str = "dtmf speech"
    timeout_ms: int | None = None
    num_digits: int | None = None

    @property
    def takes(self) -> frozenset[str]:
        return frozenset(self.input.replace(",", " ").split())


@dataclass(frozen=True)
class Transfer:
    """The bot hands the call to someone else: the caller's part of the call ends here."""

    to: str


@dataclass(frozen=True)
class BotEvent:
    """Anything the bot reports for a test to check (a tool call: ``place_order``)."""

    name: str
    data: Any = None


@dataclass(frozen=True)
class BotHangUp:
    """The bot ends the call."""

    reason: str | None = None


@dataclass(frozen=True)
class Log:
    """A note for the call log; never spoken."""

    message: str


FromBot = Union[Say, Listen, Transfer, BotEvent, BotHangUp, Log]  # noqa: UP007 - a runtime alias on 3.10
TURN_ENDS = (Listen, Transfer, BotHangUp)  # an answer is complete at one of these

# The wire name of each event: its class. Fields, their types and what is required come from the class.
BOT_EVENTS: dict[str, type] = {
    "say": Say,
    "listen": Listen,
    "transfer": Transfer,
    "event": BotEvent,
    "hangup": BotHangUp,
    "log": Log,
}

_JSON_KINDS: dict[type, str] = {str: "text", int: "a whole number"}


def parse_event(obj: Any, where: str) -> FromBot:
    """One of the bot's events from its JSON object; ``RunError("protocol")`` naming ``where`` (the line,
    the request) and what is wrong when it is not one."""
    if not isinstance(obj, dict):
        raise RunError("protocol", f"{where}: an event must be a JSON object, not {json.dumps(obj)[:60]}")
    kind = obj.get("type")
    event_class = BOT_EVENTS.get(kind) if isinstance(kind, str) else None
    if event_class is None:
        known = ", ".join(BOT_EVENTS)
        raise RunError("protocol", f"{where}: unknown event type {kind!r} (the bot may send {known})")
    hints = typing.get_type_hints(event_class)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(event_class):
        if f.name not in obj:
            if f.default is dataclasses.MISSING:
                raise RunError("protocol", f"{where}: a {kind} event needs '{f.name}'")
            continue
        value = obj[f.name]
        wanted = [t for t in typing.get_args(hints[f.name]) or (hints[f.name],) if t in _JSON_KINDS]
        if wanted and value is not None and not _is(value, wanted[0]):
            raise RunError(
                "protocol", f"{where}: '{f.name}' of a {kind} event must be {_JSON_KINDS[wanted[0]]}"
            )
        values[f.name] = value
    event: FromBot = event_class(**values)
    if isinstance(event, Listen) and (not event.takes or not event.takes <= set(INPUTS)):
        raise RunError(
            "protocol", f"{where}: listen's 'input' must be dtmf, speech or both, not {event.input!r}"
        )
    if isinstance(event, Listen) and event.num_digits is not None and event.num_digits < 1:
        raise RunError("protocol", f"{where}: listen's 'num_digits' must be 1 or more")
    return event


def _is(value: Any, kind: type) -> bool:
    return isinstance(value, kind) and not (kind is int and isinstance(value, bool))


@dataclass
class Answer:
    """The bot's events in answer to one of callersim's, up to the one that yields or ends the turn."""

    events: list[FromBot] = field(default_factory=list)
    first_say_s: float | None = None  # seconds from callersim's event to the bot's first words

    @property
    def words(self) -> str:
        return " ".join(e.text.strip() for e in self.events if isinstance(e, Say) and e.text.strip())

    @property
    def end(self) -> FromBot | None:
        return self.events[-1] if self.events and isinstance(self.events[-1], TURN_ENDS) else None


def read_answer(events: Iterable[FromBot], started: float) -> Answer:
    """Events taken until one ends the turn (the iterable may be a live stream: nothing after it is
    read); ``started`` is the ``time.monotonic()`` at which callersim's event went out."""
    answer = Answer()
    for event in events:
        if isinstance(event, Say) and answer.first_say_s is None:
            answer.first_say_s = time.monotonic() - started
        answer.events.append(event)
        if isinstance(event, TURN_ENDS):
            break
    return answer


# --- what callersim sends ---------------------------------------------------------------------------------


def start_event(call_id: str, case: str, caller_number: str | None, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "start",
        "call_id": call_id,
        "case": case,
        "from": caller_number,
        "data": data,
        "protocol": PROTOCOL_VERSION,
    }


def caller_event(text: str) -> dict[str, Any]:
    return {"type": "caller", "text": text}


def dtmf_event(digits: str) -> dict[str, Any]:
    return {"type": "dtmf", "digits": digits}


HANGUP_BY_CALLER: dict[str, Any] = {"type": "hangup", "by": "caller"}


def deliver(reply: Iterable[CallerEvent], listen: Listen) -> list[dict[str, Any]]:
    """What the bot hears of the caller's reply, in the order said, as its ``listen`` asked.

    Words come as one ``caller`` event between key presses; keys as one ``dtmf`` event per key, or per
    ``num_digits`` keys (a whole entry, as a ``<Gather numDigits>`` hands it over). What the bot does not
    take (words to a keys-only prompt) is not heard; when nothing is, the bot hears silence, an empty
    ``caller`` event, as a gather that timed out — unless the caller only hung up.
    """
    out: list[dict[str, Any]] = []
    words: list[str] = []

    def said() -> None:
        text = clean_spoken("".join(words))
        words.clear()
        if text and "speech" in listen.takes:
            out.append(caller_event(text))

    for event in reply:
        if isinstance(event, Speech):
            words.append(event.text)
        elif isinstance(event, Press):
            said()
            if "dtmf" in listen.takes:
                size = listen.num_digits or 1
                out += [dtmf_event(event.digits[i : i + size]) for i in range(0, len(event.digits), size)]
        elif isinstance(event, HangUp):
            said()
            return out
    said()
    return out or [caller_event("")]
