"""The facts a goal states about its subject: an amount, a merchant, a date, a time of day, a thing.

A goal like "dispute a $54.20 Amazon charge from March 3" answers the business's questions about it
("What was the amount?", "Who is the merchant?", "And the date?") and lets the caller catch a read-back
that gets one of them wrong ("$45.20 from Amazon on March 3rd"). Times are read from digits and from words
("six thirty", "eight forty-five") so that offered times can be compared with the one the goal asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from callersim_cli.engines.offline.text import COUNT_WORDS, MONTHS, WEEKDAYS

_AMOUNT = re.compile(r"\$\s?(\d[\d,]*(?:\.\d\d)?)|\b(\d[\d,]*(?:\.\d\d)?)\s+dollars\b", re.I)
_MONTH_DAY = re.compile(
    r"\b(" + "|".join(MONTHS) + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b|\b(\d{1,2})/(\d{1,2})\b", re.I
)
# Capitalised words after "from"/"at"/"with", or just before "charge": the business charged, not a person.
_MERCHANT = re.compile(
    r"\b(?:from|at|by)\s+((?:[A-Z][\w'&.-]*)(?:\s+(?:[A-Z][\w'&.-]*))*)"
    r"|\b((?:[A-Z][\w'&.-]*)(?:\s+[A-Z][\w'&.-]*)*)\s+(?:charge|purchase|transaction|payment|order)\b"
)
_NOT_MERCHANT = {*(m.capitalize() for m in MONTHS), *(d.capitalize() for d in WEEKDAYS), "I", "My", "The"}
_MINUTE_WORDS = {
    "fifteen": 15, "thirty": 30, "forty-five": 45, "forty five": 45, "oh five": 5, "ten": 10,
    "twenty": 20, "twenty-five": 25, "forty": 40, "fifty": 50, "o'clock": 0, "oh": 0,
}  # fmt: skip
_HOUR_WORDS = "|".join(w for w, n in COUNT_WORDS.items() if 1 <= n <= 12)
_CLOCK = re.compile(
    r"\b(\d{1,2})(?::(\d\d))?\s*(am|pm)?\b|\b(noon|midnight)\b"
    rf"|\b({_HOUR_WORDS})(?:[\s-]+(forty[\s-]five|fifteen|thirty|twenty[\s-]five|twenty|ten|forty|fifty|"
    r"oh five|o'clock))?(?:\s*(am|pm))?\b",
    re.I,
)


@dataclass(frozen=True)
class GoalFacts:
    amount: str | None = None  # "$54.20", as the goal wrote it
    merchant: str | None = None  # "Amazon"
    month_day: tuple[int, int] | None = None  # (3, 3) for March 3
    date_text: str | None = None  # "March 3rd"
    minutes: int | None = None  # the time of day the goal asks for, in minutes after midnight


def amounts(text: str) -> list[str]:
    """Money amounts as digits with their cents: "$1,204.33" -> "1204.33"; "$54" -> "54.00"."""
    found = []
    for m in _AMOUNT.finditer(text):
        value = (m.group(1) or m.group(2)).replace(",", "")
        found.append(value if "." in value else f"{value}.00")
    return found


def month_days(text: str) -> list[tuple[int, int]]:
    found = []
    for m in _MONTH_DAY.finditer(text):
        if m.group(1):
            found.append((MONTHS.index(m.group(1).lower()) + 1, int(m.group(2))))
        elif 1 <= int(m.group(3)) <= 12:
            found.append((int(m.group(3)), int(m.group(4))))
    return found


def merchants(text: str) -> list[str]:
    found = []
    for m in _MERCHANT.finditer(text):
        name = m.group(1) or m.group(2)
        kept = [w for w in name.split() if w not in _NOT_MERCHANT and not w[0].isdigit()]
        if kept and (m.group(2) or len(kept) == len(name.split())):
            found.append(" ".join(kept))
    return found


def times_of_day(text: str, evening: bool = False) -> list[int]:
    """Clock times in minutes after midnight; a bare hour takes the afternoon when ``evening`` is set.

    "Six thirty" at a restaurant that was asked for 7 pm is 18:30, not 6:30 in the morning.
    """
    found = []
    for m in _CLOCK.finditer(text):
        if m.group(4):
            found.append(12 * 60 if m.group(4).lower() == "noon" else 0)
            continue
        if m.group(1):
            if not (m.group(2) or m.group(3)):
                continue  # a bare number ("table for 4", "8 to 12") is not surely a time
            hour, minute, half = int(m.group(1)), int(m.group(2) or 0), (m.group(3) or "").lower()
        else:
            hour = COUNT_WORDS[m.group(5).lower()]
            minute_word = (m.group(6) or "").lower().replace("-", " ")
            minute = _MINUTE_WORDS.get(minute_word, _MINUTE_WORDS.get(minute_word.replace(" ", "-"), 0))
            half = (m.group(7) or "").lower()
            if not (m.group(6) or half):
                continue  # "four" alone is a party size more often than a time
        if hour > 12 or minute > 59:
            continue
        if hour < 12 and (half == "pm" or (not half and evening)):
            hour += 12
        elif half == "am" and hour == 12:
            hour = 0
        found.append(hour * 60 + minute)
    return found


def goal_facts(task: str) -> GoalFacts:
    amount = m.group(0).strip() if (m := _AMOUNT.search(task)) else None
    date = _MONTH_DAY.search(task) or re.search(r"\b(?:on )?the \d{1,2}(?:st|nd|rd|th)\b", task)
    days = month_days(task)
    names = merchants(task)
    times = times_of_day(task, evening=True)
    return GoalFacts(
        amount=amount,
        merchant=names[0] if names else None,
        month_day=days[0] if days else None,
        date_text=date.group(0).removeprefix("on ") if date else None,
        minutes=times[0] if times else None,
    )
