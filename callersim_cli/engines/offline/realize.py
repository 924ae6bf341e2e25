"""Putting a move into words: a phrasing from each bank, in the caller's manner, never said twice.

The choice among a bank's phrases rotates by the call's seed, the turn and the purpose, so a retried turn
says the same and a seed replays a call; a phrase whose sentences the caller already said on this call is
passed over, and when every one was said, the caller says so ("Like I said, ..."). Patience and
talkativeness pick the bank's variants; two rules of manner are about the call, not the words: a caller
in a hurry who must say something again says it firmly, and a chatty one greets and adds an aside now and
then. A speech IVR that asks for "yes or no" hears just that.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence

from callersim_cli.actions import HANGUP_MARKER, press_marker
from callersim_cli.engines.offline.moves import Move, Say
from callersim_cli.engines.offline.phrases import BANKS as CALL_BANKS
from callersim_cli.engines.offline.phrases import Bank
from callersim_cli.engines.offline.phrases_facts import FACT_BANKS
from callersim_cli.engines.offline.state import spoken_sentences
from callersim_cli.engines.offline.turn import Turn

BANKS: dict[str, Bank] = {**CALL_BANKS, **FACT_BANKS}
_REPEAT_PREFIXES = ("Like I said, ", "Again, ", "As I mentioned, ", "Just to repeat, ", "Once more, ")
_FIRM_PREFIXES = ("As I said", "Like I said", "Again")
_FORMATTER = string.Formatter()


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def manners(turn: Turn) -> tuple[str, ...]:
    frame = turn.frame
    patience = "hurried" if frame.hurried else "calm" if frame.calm else ""
    talk = "terse" if frame.terse else "chatty" if frame.chatty else ""
    return tuple(m for m in (patience, talk) if m)


def _fill(template: str, values: dict[str, str]) -> str | None:
    """The phrase with its fields filled, or None when a field it needs is empty (no fragments)."""
    filled: dict[str, str] = {}
    for _, name, _, _ in _FORMATTER.parse(template):
        if name is None:
            continue
        value = values.get(name[:1].lower() + name[1:], "")
        if not value.strip():
            return None
        filled[name] = capitalize(value) if name[:1].isupper() else value
    return template.format(**filled)


def phrasings(turn: Turn, say: Say) -> list[str]:
    """The bank's phrases for this caller, filled, in the order this turn tries them."""
    bank = BANKS[say.bank]
    values = say.values
    options = [p for t in bank.variants(manners(turn)) if (p := _fill(t, values)) is not None]
    if not options:
        options = [p for t in bank.plain if (p := _fill(t, values)) is not None]
    if not options:
        raise ValueError(f"bank {say.bank!r} has no phrase for {sorted(values)}")
    start = turn.rng(say.choice).randrange(len(options))
    return [*options[start:], *options[:start]]


def _unsaid(turn: Turn, sentence_text: str) -> bool:
    return not any(s in turn.state.said for s in spoken_sentences(sentence_text))


def pick(turn: Turn, say: Say, repeat_prefix: bool = True) -> str:
    """A phrasing whose sentences were not said yet in this call."""
    ordered = phrasings(turn, say)
    for option in ordered:
        if _unsaid(turn, option):
            return option
    if turn.frame.terse or not repeat_prefix:
        return ordered[0]  # a terse caller says "Yes." again rather than "Like I said, yes."
    for prefix in _REPEAT_PREFIXES:
        for option in ordered:
            candidate = prefix + option[:1].lower() + option[1:]
            if _unsaid(turn, candidate):
                return candidate
    return ordered[0]


def answer_of(move: Move) -> str | None:
    """ "yes" or "no" when the reply opens with that answer, by the bank it opens with."""
    return BANKS[move.says[0].bank].answer if move.says else None


def _spoken(turn: Turn, says: Sequence[Say], repeat_prefix: bool) -> str:
    parts: list[str] = []
    for say in says:
        text = pick(turn, say, repeat_prefix)
        if BANKS[say.bank].joins and parts:
            parts[-1] = parts[-1].rstrip(".") + ", " + text[:1].lower() + text[1:]
        else:
            parts.append(text)
    return " ".join(parts)


def _firm(turn: Turn, move: Move, spoken: str) -> str:
    """The same answer with mild impatience: a yes or no stays in front, where it is heard."""
    if answer_of(move):
        return f"{spoken} {pick(turn, Say('firm_after'))}"
    start = turn.rng("firm").randrange(len(_FIRM_PREFIXES))
    for prefix in (*_FIRM_PREFIXES[start:], *_FIRM_PREFIXES[:start]):
        candidate = (
            f"{prefix}, {spoken}"
            if re.match(r"I\b", spoken)
            else f"{prefix}, {spoken[:1].lower()}{spoken[1:]}"
        )
        if _unsaid(turn, candidate):
            return candidate
    return candidate


def _chatty(turn: Turn, move: Move, spoken: str) -> str:
    """A greeting on the first spoken turn, an aside now and then; never to a machine."""
    if not turn.state.spoke and answer_of(move) is None:
        return f"{pick(turn, Say('greeting'))} {capitalize(spoken.removeprefix('Hi, '))}"
    # Not after a no or a question: the business should hear those alone.
    if answer_of(move) == "no" or "?" in spoken:
        return spoken
    if turn.rng("aside").random() < 0.5:
        aside = pick(turn, Say("aside"), repeat_prefix=False)
        if _unsaid(turn, aside):
            return f"{spoken} {aside}"
    return spoken


def realize(turn: Turn, move: Move) -> str:
    """The move as the caller says it, with its keys and hang-up as markers."""
    hurried_again = turn.frame.hurried and (turn.repeated_prompt or turn.state.misunderstood() >= 2)
    firm = hurried_again and not move.keys and not move.hangup and move.act != "ask-agent"
    spoken = _spoken(turn, move.says, repeat_prefix=not firm)
    if firm and spoken:
        spoken = _firm(turn, move, spoken)
    if turn.line.wants_bare_yes_no and not move.hangup and (answer := answer_of(move)):
        # A wrong number read back is put right in the same breath: "No, it's 415 555 0123."
        spoken = "Yes." if answer == "yes" else spoken if re.search(r"\d", spoken) else "No."
    elif turn.frame.chatty and spoken and not move.keys and not move.hangup and not turn.line.automated:
        spoken = _chatty(turn, move, spoken)
    markers = ([press_marker(move.keys)] if move.keys else []) + ([HANGUP_MARKER] if move.hangup else [])
    return " ".join([p for p in (spoken, *markers) if p])
