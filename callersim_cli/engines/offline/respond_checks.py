"""Responders that check what the business read back against what the caller knows."""

from __future__ import annotations

import re

from callersim_cli.engines.offline.facts import merchants
from callersim_cli.engines.offline.moves import Move, speak
from callersim_cli.engines.offline.readback import Known, Memory
from callersim_cli.engines.offline.text import VALUE_GROUPS, WEEKDAYS, has_word
from callersim_cli.engines.offline.turn import Turn


def fact_error(turn: Turn) -> Move | None:
    """The goal's amount, date or merchant read back wrong ("$45.20 from Amazon" for a $54.20 charge)."""
    line, facts = turn.line.text, turn.frame.facts
    fixes = []  # amounts and dates are held against the caller's memory (readback.py); merchants here
    names = merchants(line) if facts.merchant else []
    if facts.merchant and names and not any(facts.merchant.lower().split()[0] in n.lower() for n in names):
        fixes.append(f"it was from {facts.merchant}")
    if not fixes:
        return None
    return speak("fix_facts", "fix", fixes=", and ".join(fixes)).explained(
        "a fact of the goal read back wrong"
    )


# A count in digits ("2 tickets"), not a part of a time, price, date, code or "2-year-old".
_COUNT_DIGIT = re.compile(r"(?<![\d:$.,/-])\b[1-6]\b(?![\d:.,/]\d|-)")


def _counts_in_words(text: str, counts: tuple[str, ...]) -> str:
    """ "2 tickets" -> "two tickets", in the words of the value group of counts ("one" .. "six")."""
    return _COUNT_DIGIT.sub(lambda m: counts[int(m.group(0)) - 1], text)


def _value_group_error(turn: Turn) -> Move | None:
    """A size, day, count or kind read back that the goal or the caller named otherwise."""
    lowered = turn.line.text.lower()
    said = turn.state.all_spoken.lower()
    goal = turn.goal
    wanted_text = goal.task.lower() + " " + said
    for group in VALUE_GROUPS:
        heard = [v for v in group if has_word(lowered, v)]
        if not heard:
            continue
        if group == WEEKDAYS:
            wanted = [d for d in (*goal.prefer_days, *WEEKDAYS) if has_word(said, d)] or list(
                goal.prefer_days
            )
            if any(d in goal.avoid_days for d in heard) and not wanted:
                return speak("fix_day", "fix", day=heard[0].capitalize()).explained("a day the goal avoids")
        else:
            # "You bought 2 tickets": a count the goal gives in digits is the same count in words.
            text = _counts_in_words(wanted_text, group) if group[0] == "one" else wanted_text
            wanted = [v for v in group if has_word(text, v)]
            if group[0] == "one" and not wanted and re.search(r"\b(?:a|an)\b", goal.task):
                wanted = ["one"]
        if wanted and not set(heard) & set(wanted):
            correct = wanted[0]
            after = re.search(rf"\b{re.escape(heard[0])}\s+([a-z]+)", lowered)
            noun = after.group(1) if after and after.group(1) not in ("and", "or", "for", "at", "on") else ""
            article = (
                ""
                if group in (WEEKDAYS,) or group[0] == "one"
                else ("an " if correct[0] in "aeiou" else "a ")
            )
            display = correct.capitalize() if group == WEEKDAYS else correct
            phrase = f"{article}{display} {noun}".strip()
            return speak("fix", phrase=phrase).explained(f"read back {heard[0]}, the goal says {correct}")
    return None


def _said(known: Known) -> str:
    """A correct value as the caller says it to put a slip right: names spelled, emails read out."""
    if known.slot in ("name", "last_name") or known.value.kind == "name":
        surname = known.say.split()[-1]
        return f"{known.say}, {'-'.join(surname.upper())}"
    if known.value.kind == "email":
        # "priya dot nair 82 at examplemail dot com": the part a listener may have missed, said apart.
        spoken = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", known.say.lower())
        return spoken.replace("@", " at ").replace(".", " dot ")
    return known.say


def value_mistakes(turn: Turn) -> Move | None:
    """Details read back or repeated a slip away from what the caller knows, each put right."""
    mistakes = Memory(turn).mistakes(turn.line.text)
    if not mistakes:
        return None
    fixes = ", and ".join(dict.fromkeys(_said(m.right) for m in mistakes))
    why = "; ".join(f"heard {m.heard!r} for {m.right.say!r}" for m in mistakes)
    return Move(says=speak("fix_value", "fix", value=fixes).says, why=why,
                facts=tuple(m.right.slot for m in mistakes if m.right.slot))  # fmt: skip


def readback_error(turn: Turn) -> Move | None:
    """A correction when the business read something back wrong, else None."""
    return value_mistakes(turn) or fact_error(turn) or _value_group_error(turn)


def confirm_readback(turn: Turn) -> Move:
    return readback_error(turn) or speak("confirm").explained("what was read back is right")


def echo_error(turn: Turn, sure_only: bool = False) -> Move | None:
    """A detail the business repeated wrong in passing ("OK, H X 4 4 8 2 1, got it. And ...?")."""
    mistakes = Memory(turn).mistakes(turn.line.text)
    if not mistakes:
        return None
    value = ", and ".join(dict.fromkeys(_said(m.right) for m in mistakes))
    bank = "echo_fix_no" if sure_only else "echo_fix"
    return Move(says=speak(bank, "echo", value=value).says, why=f"{mistakes[0].heard!r} echoed wrong")
