"""Text as a caller says it aloud, for the voices: numbers digit by digit, emails with "at" and "dot".

A voice reads "2-0-4-8-1-2-3-4" as "two dash zero dash ...", "312-555-0147" as "three hundred twelve dash
...", "4488 5973" as "four thousand four hundred ...". A person reading a number to a business says it
digit by digit in its groups, an amount in dollars and cents, an email with "at" and "dot", a spelled name
letter by letter. This changes only what the voice is given: the transcript keeps the caller's words.
"""

from __future__ import annotations

import re

_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)  # fmt: skip


def digits_aloud(digits: str) -> str:
    """ "0147" -> "zero one four seven"."""
    return " ".join(_DIGIT_WORDS[int(d)] for d in digits if d.isdigit())


def _groups_aloud(text: str) -> str:
    """A number in its groups, each group digit by digit, a pause between groups."""
    groups = [g for g in re.split(r"[\s.-]+", text) if g]
    return ", ".join(digits_aloud(g) if g.isdigit() else _code_aloud(g) for g in groups)


def _code_aloud(code: str) -> str:
    """ "HX4P82" -> "H X four P eight two": letters one by one, digits as words."""
    return " ".join(_DIGIT_WORDS[int(c)] if c.isdigit() else c.upper() for c in code if c.isalnum())


def _email_aloud(m: re.Match[str]) -> str:
    local, domain = m.group(1), m.group(2)

    def part(text: str) -> str:
        pieces = re.split(r"([._-])", text)
        said = []
        for piece in pieces:
            if piece == ".":
                said.append("dot")
            elif piece in "_-" and piece:
                said.append("underscore" if piece == "_" else "dash")
            elif piece.isdigit():
                said.append(digits_aloud(piece))
            elif piece:
                said.append(re.sub(r"(\d+)", lambda d: " " + digits_aloud(d.group(1)) + " ", piece).strip())
        return " ".join(said)

    return f"{part(local)} at {part(domain)}"


def _amount_aloud(m: re.Match[str]) -> str:
    whole, cents = m.group(1).replace(",", ""), m.group(2)
    dollars = f"{int(whole)} dollar" + ("" if int(whole) == 1 else "s")
    if cents and int(cents):
        return f"{dollars} and {int(cents)} cent" + ("" if int(cents) == 1 else "s")
    return dollars


_EMAIL = re.compile(r"\b([\w.+-]+)@([\w-]+(?:\.[\w-]+)+)\b")
_AMOUNT = re.compile(r"\$\s?(\d[\d,]*)(?:\.(\d\d))?\b")
_PHONE = re.compile(r"(?<![\d-])\(?(\d{3})\)?[\s.-](\d{3})[\s.-](\d{4})(?![\d-])")
_SLASH_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_SPELLED = re.compile(r"\b(?:[A-Za-z]-){2,}[A-Za-z]\b")
_DASHED_DIGITS = re.compile(r"\b\d(?:-\d){3,}\b")
# A run of digits grouped by spaces or dashes, or one long run: an account, a code, a card.
_GROUPED = re.compile(r"(?<![\w$.,])\d{2,5}(?:[ -]\d{2,5})+(?![\w.,]\d)|(?<![\w$.,])\d{5,}(?![\w.,]\d)")
_CODE = re.compile(r"\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{4,}\b")
_CLOCK = re.compile(r"\b(\d{1,2}):(\d\d)\s*([ap])\.?\s?m\b\.?", re.I)


def _clock_aloud(m: re.Match[str]) -> str:
    hour, minute, half = int(m.group(1)), int(m.group(2)), m.group(3).lower()
    said = f"{hour}" if minute == 0 else f"{hour} {'oh ' if minute < 10 else ''}{minute}"
    return f"{said} {half}.m."


def speakable(text: str) -> str:
    """``text`` as the caller would read it aloud."""
    text = _EMAIL.sub(_email_aloud, text)
    text = _AMOUNT.sub(_amount_aloud, text)
    text = _SLASH_DATE.sub(
        lambda m: (
            f"{_MONTHS[int(m.group(1)) - 1]} {int(m.group(2))}, {m.group(3)}"
            if 1 <= int(m.group(1)) <= 12
            else m.group(0)
        ),
        text,
    )
    text = _CLOCK.sub(_clock_aloud, text)
    text = _PHONE.sub(lambda m: _groups_aloud(" ".join(m.groups())), text)
    text = _SPELLED.sub(lambda m: ", ".join(m.group(0).upper().split("-")), text)
    text = _DASHED_DIGITS.sub(lambda m: digits_aloud(m.group(0)), text)
    text = _GROUPED.sub(lambda m: _groups_aloud(m.group(0)), text)
    return _CODE.sub(lambda m: _code_aloud(m.group(0)), text)
