"""A case's expectations: one row per ``expect`` key, with what it takes and how it is checked.

The suite file checks a case's ``expect`` table against these rows; after the call, each key the case
gives is checked against what happened (``CallFacts``). Words are matched as a listener would: case
and spacing do not matter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from callersim_cli.suite.outcome import Failure


@dataclass
class CallFacts:
    """What happened on a call, as the expectations see it. A turn is numbered by the caller reply it came
    before: the bot's greeting is heard at turn 1; words after the caller's last reply are at turns + 1."""

    turns: int = 0
    bot_lines: list[tuple[int, str]] = field(default_factory=list)  # (turn, the bot's words)
    events: list[tuple[int, str, Any]] = field(default_factory=list)  # (turn, name, data)
    transfer: tuple[int, str] | None = None  # (turn, to)
    first_reply_ms: float | None = None  # from the start event to the bot's first words
    goal_reached: bool | None = None  # the judge's verdict, None without one
    reason: str | None = None  # why, or why there is no verdict
    criteria: list[tuple[str, bool, str]] = field(default_factory=list)  # (criterion, met, why)


def _plain(text: str) -> str:
    return " ".join(text.lower().split())


def _said_where(facts: CallFacts, phrase: str) -> tuple[int, str] | None:
    wanted = _plain(phrase)
    return next(((turn, line) for turn, line in facts.bot_lines if wanted in _plain(line)), None)


def _goal_reached(expected: bool, facts: CallFacts) -> list[Failure]:
    if facts.goal_reached is None:
        return [Failure("judge", f"no verdict on the caller's goal: {facts.reason or 'the call was empty'}")]
    if facts.goal_reached == expected:
        return []
    state = "reached" if facts.goal_reached else "not reached"
    return [Failure("goal_reached", f"the caller's goal was {state}: {facts.reason}")]


def _bot_says(phrases: list[str], facts: CallFacts) -> list[Failure]:
    return [
        Failure("bot_says", f"the bot never said {phrase!r}")
        for phrase in phrases
        if _said_where(facts, phrase) is None
    ]


def _bot_never_says(phrases: list[str], facts: CallFacts) -> list[Failure]:
    failures = []
    for phrase in phrases:
        found = _said_where(facts, phrase)
        if found is not None:
            failures.append(Failure("bot_never_says", f"the bot said {phrase!r}: {found[1]!r}", found[0]))
    return failures


def _max_turns(most: int, facts: CallFacts) -> list[Failure]:
    if facts.turns <= most:
        return []
    return [Failure("max_turns", f"the call took {facts.turns} caller turns, more than {most}", most + 1)]


def _transfer(expected: bool | str, facts: CallFacts) -> list[Failure]:
    done = facts.transfer
    if expected is False and done is not None:
        return [Failure("transfer", f"the bot transferred the call to {done[1]!r}", done[0])]
    if expected is not False and done is None:
        return [Failure("transfer", "the bot never transferred the call")]
    if isinstance(expected, str) and done is not None and done[1] != expected:
        return [
            Failure("transfer", f"the bot transferred the call to {done[1]!r}, not {expected!r}", done[0])
        ]
    return []


def _bot_events(names: list[str], facts: CallFacts) -> list[Failure]:
    reported = {name for _, name, _ in facts.events}
    return [
        Failure("bot_events", f"the bot never reported {name!r}") for name in names if name not in reported
    ]


def _first_reply_ms(most: int, facts: CallFacts) -> list[Failure]:
    took = facts.first_reply_ms
    if took is None:
        return [Failure("first_reply_ms", "the bot never spoke", 1)]
    if took <= most:
        return []
    return [Failure("first_reply_ms", f"the bot first spoke after {took:.0f} ms, more than {most} ms", 1)]


def _criteria(criteria: list[str], facts: CallFacts) -> list[Failure]:
    return [Failure("criteria", f"{criterion!r}: {why}") for criterion, met, why in facts.criteria if not met]


def _is_texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


@dataclass(frozen=True)
class Expectation:
    key: str
    kind: str  # what it takes, as an error says it
    takes: Callable[[Any], bool]
    check: Callable[[Any, CallFacts], list[Failure]]


EXPECTATIONS: dict[str, Expectation] = {
    row.key: row
    for row in (
        Expectation("goal_reached", "true or false", lambda v: isinstance(v, bool), _goal_reached),
        Expectation("bot_says", "a list of texts in quotes", _is_texts, _bot_says),
        Expectation("bot_never_says", "a list of texts in quotes", _is_texts, _bot_never_says),
        Expectation("max_turns", "a whole number", _is_whole, _max_turns),
        Expectation("transfer", "true, false or where to", lambda v: isinstance(v, (bool, str)), _transfer),
        Expectation("bot_events", "a list of event names in quotes", _is_texts, _bot_events),
        Expectation("first_reply_ms", "a whole number of milliseconds", _is_whole, _first_reply_ms),
        Expectation("criteria", "a list of statements in quotes", _is_texts, _criteria),
    )
}


def check(expect: dict[str, Any], facts: CallFacts) -> list[Failure]:
    """Every expectation ``expect`` gives, checked against the call; the misses, in the table's order."""
    return [
        failure
        for key, row in EXPECTATIONS.items()
        if key in expect
        for failure in row.check(expect[key], facts)
    ]
