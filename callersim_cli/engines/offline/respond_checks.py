"""Responders that check what the business read back against what the caller knows."""

from __future__ import annotations

import re

from callersim_cli.engines.offline.details import LABELS, known_values, spoken_value
from callersim_cli.engines.offline.facts import amounts, merchants, month_days
from callersim_cli.engines.offline.moves import Move, speak
from callersim_cli.engines.offline.text import VALUE_GROUPS, WEEKDAYS, digits_in, has_word
from callersim_cli.engines.offline.turn import Turn


def fact_error(turn: Turn) -> Move | None:
    """The goal's amount, date or merchant read back wrong ("$45.20 from Amazon" for a $54.20 charge)."""
    line, facts = turn.line.text, turn.frame.facts
    fixes = []
    if facts.amount and (read := amounts(line)) and amounts(facts.amount)[0] not in read:
        fixes.append(f"it's {facts.amount}")
    if facts.month_day and (days := month_days(line)) and facts.month_day not in days:
        fixes.append(f"it was on {facts.date_text}")
    names = merchants(line) if facts.merchant else []
    if facts.merchant and names and not any(facts.merchant.lower().split()[0] in n.lower() for n in names):
        fixes.append(f"it was from {facts.merchant}")
    if not fixes:
        return None
    return speak("fix_facts", "fix", fixes=", and ".join(fixes)).explained(
        "a fact of the goal read back wrong"
    )


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
            wanted = [v for v in group if has_word(wanted_text, v)]
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


def _number_error(turn: Turn) -> Move | None:
    """A known value whose digits are almost, but not exactly, what was read back."""
    line = turn.line.text
    lowered = line.lower()
    # "You entered 7, 7, 3, 1, 9, 2, 0": an IVR reads digits one by one, with commas between them.
    for run in re.findall(r"\d(?:(?:,\s*|[\s-])?\d){3,}", line):
        got = digits_in(run)
        values = {k: v for k, v in known_values(turn).items() if len(digits_in(v)) >= 4}
        if any(digits_in(v) == got or got in digits_in(v) for v in values.values()):
            continue
        for slot, found in values.items():
            want = digits_in(found)
            close = len(want) == len(got) and sum(a != b for a, b in zip(want, got, strict=True)) <= 2
            named = re.search(LABELS.get(slot, slot).split()[0].lower(), lowered)
            if close or (named and abs(len(want) - len(got)) <= 1):
                spoken = spoken_value(slot, found, 1)
                return Move(says=speak("fix_number", "fix", value=spoken).says,
                why=f"the {slot} read back wrong",
                            facts=(slot,))  # fmt: skip
    return None


def _name_error(turn: Turn) -> Move | None:
    name = turn.frame.persona.name or ""
    line = turn.line.text
    if name and (first := name.split()[0]) in line and name not in line:
        m = re.search(rf"{first}\s+([A-Z][a-z]+)", line)
        if m and m.group(1) != name.split()[-1]:
            spelled = "-".join(name.split()[-1].upper())
            return speak("fix_name", "fix", name=name, spelled=spelled).explained("the name read back wrong")
    return None


def readback_error(turn: Turn) -> Move | None:
    """A correction when the business read something back wrong, else None."""
    return fact_error(turn) or _value_group_error(turn) or _number_error(turn) or _name_error(turn)


def confirm_readback(turn: Turn) -> Move:
    return readback_error(turn) or speak("confirm").explained("what was read back is right")


_THEIRS = re.compile(r"\b(?:new|case|reference|ticket|cancellation|confirmation (?:number|code) is)\b", re.I)


def echo_error(turn: Turn, sure_only: bool = False) -> Move | None:
    """A detail the business repeated wrong in passing ("OK, H X 4 4 8 2 1, got it. And ...?").

    ``sure_only``: only a value the caller said on this call or the goal gives; a card the caller never
    named ("your card ending in 2231") is the business's to know, not a misreading to correct.
    """
    line = turn.line.text
    if _THEIRS.search(line):
        return None  # a number the business gives is its own, not an echo of ours
    said = digits_in(" ".join(r.spoken + " " + r.pressed for r in turn.state.replies))
    given = digits_in(turn.frame.context.scenario)
    for run in re.findall(r"(?:\b[A-Z](?:\s+|-))*\d(?:[\s-]*\d){2,}", line):
        got = digits_in(run)
        for slot, found in known_values(turn).items():
            want = digits_in(found)
            # A code with letters ("SB 221") is wrong by a digit as much as a long number is.
            shortest = 3 if re.search(r"[A-Za-z]", found) else 4
            if len(want) < shortest or len(want) != len(got) or want == got:
                continue
            if sure_only and want not in said and want not in given:
                continue
            if sum(a != b for a, b in zip(want, got, strict=True)) <= 2:
                # Said back the way the business said it: spaced out if it spelled it.
                spoken = " ".join(found.replace("-", "").upper()) if re.search(r"\d\s\d", run) else found
                bank = "echo_fix_no" if sure_only else "echo_fix"
                return Move(says=speak(bank, "echo", value=spoken).says, why=f"the {slot} echoed wrong",
                            facts=(slot,))  # fmt: skip
    return None
