"""Holding what the business read back against what the caller knows, for every kind of detail.

What the caller knows for sure: the scenario's facts (its own and those of the person it calls for), the
details of a persona the user gave, and anything the caller said on this call. A value in the business's
line that is *almost* one of those (a digit or two off, two digits swapped, the same month on another
day, the same name misspelt) and equal to none of them is a mistake to correct; a value that matches is
confirmed; a value unlike anything the caller knows is the business's own (a fee, a case number) and is
left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from callersim_cli.engines.offline.said_values import (
    Value,
    addresses_in,
    amounts_in,
    codes_in,
    counts_in,
    dates_in,
    days_in,
    edit_distance,
    emails_in,
    labelled_amounts_in,
    near_day,
    near_digits,
    near_name,
    propers_in,
    spelled_in,
    years_in,
)
from callersim_cli.engines.offline.spoken_numbers import digit_words
from callersim_cli.engines.offline.text import COMMON_WORDS, MONTHS, WEEKDAYS
from callersim_cli.engines.offline.turn import Turn

_OFFERING = re.compile(
    r"\b(?:i|we) (?:can|could) (?:do|offer|give|get you|bring you|lower|drop)\b|\bhow about\b|"
    r"\bwould you like\b|\bthe best (?:i|we) can\b",
    re.I,
)
_NAME_WORD = re.compile(r"\b[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?\b")


@dataclass(frozen=True)
class Known:
    """A value the caller knows, and how to say it when putting the business right."""

    value: Value
    say: str
    slot: str = ""  # the detail it is, when it is one ("phone", "account_number")


@dataclass(frozen=True)
class Mistake:
    heard: str  # what the business said
    right: Known


def values_in(text: str) -> list[Value]:
    """Every value a line says: codes, amounts, dates, emails, counts."""
    return _all_values(text)


def _all_values(text: str) -> list[Value]:
    spoken = digit_words(text)
    return [
        *dates_in(text), *amounts_in(text), *emails_in(text), *codes_in(spoken), *counts_in(text),
        *addresses_in(text), *labelled_amounts_in(text), *propers_in(text), *years_in(text), *days_in(text),
    ]  # fmt: skip


class Memory:
    """Everything the caller knows for sure on this turn, as values to compare against."""

    def __init__(self, turn: Turn) -> None:
        self.turn = turn

    @cached_property
    def known(self) -> list[Known]:
        frame = self.turn.frame
        found: list[Known] = []
        for fact in frame.read.facts:
            named = fact.kind in ("name", "last_name", "pet_name")
            # A code with too few digits to read as one ("QF7K2M") is still a code, compared as one.
            plain = (
                Value("name", fact.value, fact.value.lower())
                if named or not re.search(r"\d", fact.value)
                else Value("code", fact.value, re.sub(r"[^A-Z0-9]", "", fact.value.upper()))
            )
            for value in _all_values(fact.value) or [plain]:
                kind = "name" if named else value.kind

                found.append(Known(Value(kind, value.text, value.key), fact.value, fact.kind))
        scenario = frame.context.scenario
        people = " ".join(p.name or "" for p in frame.read.people)
        for value in [
            *dates_in(scenario), *amounts_in(scenario), *counts_in(scenario), *addresses_in(scenario),
            *labelled_amounts_in(scenario), *years_in(scenario), *days_in(scenario),
            # Places and businesses the scenario names; people's names are checked as names.
            *(v for v in propers_in(scenario) if not any(w in people.split() for w in v.text.split())),
        ]:  # fmt: skip
            found.append(Known(value, value.text))
        given = frame.context.persona
        if given is not None:
            for slot, detail in given.details().items():
                for value in _all_values(detail):
                    found.append(Known(value, detail, slot))
        # What the caller said on this call is known too, made up or not ("my number is 614-555-0147").
        persona = frame.persona.details()
        said = self.turn.state.all_spoken + " " + " ".join(r.pressed for r in self.turn.state.replies)
        for slot, detail in persona.items():
            for value in _all_values(detail):
                if value.kind == "code" and value.key in re.sub(r"[^A-Z0-9]", "", digit_words(said).upper()):
                    found.append(Known(value, detail, slot))
        return found

    @cached_property
    def names(self) -> list[str]:
        frame = self.turn.frame
        names = [f.value for f in frame.read.facts if f.kind in ("name", "last_name", "pet_name")]
        if frame.persona.name and (
            (frame.context.persona and frame.context.persona.name) or self._said_name()
        ):
            names.append(frame.persona.name)
        return names

    def _said_name(self) -> bool:
        name = self.turn.frame.persona.name or ""
        return bool(name) and name.split()[-1] in self.turn.state.all_spoken

    def mistakes(self, text: str) -> list[Mistake]:
        """The values in ``text`` that are slips of values the caller knows, each with the right one."""
        found: list[Mistake] = []
        known = self.known
        values = _all_values(text)
        # A value the line confirms is not the one another value in it got wrong ("from September 5th
        # through September 9th" for the 5th to the 19th: the 9th is the 19th misheard).
        confirmed = {id(k) for h in values for k in known if k.value.kind == h.kind and _same(h, k.value)}
        let_stand = self._let_stand()
        offering = bool(_OFFERING.search(text)) and not self.turn.line.asks_to_confirm

        for heard in values:
            same_kind = [k for k in known if k.value.kind == heard.kind]
            if any(_same(heard, k.value) for k in same_kind) or (heard.kind, heard.key) in let_stand:
                continue
            if heard.kind in ("proper", "day") and not self.turn.line.asks_to_confirm:
                continue  # "Okay, Fenwick Rewards": a business naming its own desk is not a read-back
            if heard.kind in ("amount", "priced") and offering:
                continue  # "I can do $59.99 a month": a price offered, not the caller's amount misread

            near = [k for k in same_kind if id(k) not in confirmed and _near(heard, k.value)]
            # "I have 12 Oak Street, is that right?" when the caller lives at 6175 Oak Avenue: its own
            # address or email read back as another, however unlike, is wrong.
            if not near and heard.kind in ("address", "email") and self.turn.line.asks_to_confirm:
                own = [k for k in same_kind if k.slot in ("address", "email") and id(k) not in confirmed]
                near = own if len(own) == 1 else []
            if near:
                found.append(Mistake(heard.text, min(near, key=lambda k: _distance(heard, k.value))))

        found += self._name_mistakes(text)
        return found

    def _let_stand(self) -> set[tuple[str, str]]:
        """Values the business said before that the caller heard and did not put right: its own (a price
        it offered and the caller took), not slips to correct when they come back in a summary."""
        return {
            (v.kind, v.key)
            for line, reply in self.turn.state.exchanges()
            if reply.answer_word != "no"
            for v in _all_values(line.text)
        }

    def confirms(self, text: str) -> bool:
        """Whether ``text`` reads back at least one value the caller knows, exactly."""
        return any(_same(h, k.value) for h in _all_values(text) for k in self.known if k.value.kind == h.kind)

    def _name_mistakes(self, text: str) -> list[Mistake]:
        found = []
        # "M as in Mike" spells a letter; Mike is no one's name here.
        plain = re.sub(r"\b[A-Z] as in [A-Z][a-z]+\b", " ", text)
        heard_names = set(_NAME_WORD.findall(plain)) | {s.capitalize() for s in spelled_in(text)}

        for name in self.names:
            parts = name.split()
            surname = parts[-1]
            if surname in heard_names or surname.upper() in spelled_in(text):
                continue
            right = Known(Value("name", name, name.lower()), name, "name")
            # "So I've changed the pickup person to Raymond Archer. Is that right?": the first name right,
            # another surname after it, read back for the caller to confirm.
            whole = re.search(rf"\b{re.escape(parts[0])}\s+([A-Z][a-z]+)", plain) if len(parts) > 1 else None
            if whole and self.turn.line.asks_to_confirm and whole.group(1).lower() not in _NOT_NAMES:
                found.append(Mistake(whole.group(0), right))
                continue
            for heard in heard_names:
                if heard.lower() not in _NOT_NAMES and near_name(heard, surname):
                    found.append(Mistake(heard, right))
                    break
        return found


_NOT_NAMES = frozenset([*MONTHS, *WEEKDAYS, *COMMON_WORDS])


def _distance(heard: Value, known: Value) -> int:
    return edit_distance(heard.key, known.key)


def _same(heard: Value, known: Value) -> bool:
    if heard.key == known.key:
        return True
    if heard.kind == "code":
        digits_h, digits_k = re.sub(r"\D", "", heard.key), re.sub(r"\D", "", known.key)
        if re.search(r"[A-Z]", heard.key) and re.search(r"[A-Z]", known.key):
            # "QF7K2N" for "QF7K2M": codes with letters are the same letter for letter, or its rest is
            # ("4 F 8 ..." after "the 1 Z").
            return len(heard.key) >= 4 and known.key.endswith(heard.key)

        # "ending in 4 4 7 8": the last digits of a number the caller knows.

        return digits_h == digits_k or (len(digits_h) >= 4 and digits_k.endswith(digits_h))
    if heard.kind == "date":
        hm, hd, hy = heard.key.split("-")
        km, kd, ky = known.key.split("-")
        return (hm, hd) == (km, kd) and (not hy or not ky or hy == ky)
    return False


def _near(heard: Value, known: Value) -> bool:
    if heard.kind == "code":
        h, k = re.sub(r"[^A-Z0-9]", "", heard.key), re.sub(r"[^A-Z0-9]", "", known.key)
        digits_h, digits_k = re.sub(r"\D", "", h), re.sub(r"\D", "", k)
        if len(digits_k) < 4:  # a booking code of letters and a few digits: one slip in the whole of it
            return len(k) >= 6 and len(h) == len(k) and sum(a != b for a, b in zip(h, k, strict=True)) == 1
        return near_digits(h, k) or near_digits(digits_h, digits_k)

    if heard.kind == "amount":
        # "$168.40" for "$186.40" is a slip; "$30" against "$40" is two prices, not a misreading.
        h, k = heard.key.replace(".", ""), known.key.replace(".", "")
        exact = not heard.key.endswith(".00") or len(heard.key.split(".")[0]) >= 3
        cents = not heard.key.endswith(".00") and not known.key.endswith(".00")
        if h != k and h.rstrip("0") == k.rstrip("0"):
            return True  # "$5,000" for "$500": a zero too many
        return exact and near_digits(h, k) and (len(h) == len(k) or cents)
    if heard.kind == "date":
        hm, hd, hy = heard.key.split("-")
        km, kd, ky = known.key.split("-")
        if hy and ky and hy != ky:
            return (hm, hd) == (km, kd)  # the same day in another year: a year misheard
        return (hm == km) != (hd == kd) and (hm == km or bool(hy and ky))
    if heard.kind == "email":
        hl, _, hd = heard.key.partition("@")
        kl, _, kd = known.key.partition("@")
        return hd == kd or hl == kl
    if heard.kind == "day":
        return near_day(heard.key, known.key)
    if heard.kind == "year":
        return abs(int(heard.key) - int(known.key)) <= 3  # "tax year 2021" for 2022
    if heard.kind == "count":
        return heard.key.split(":")[0] == known.key.split(":")[0]
    if heard.kind == "priced":
        # "a $1,000 deductible" for a $500 one: the same thing at another price.
        return heard.key.split(":")[0] == known.key.split(":")[0]
    if heard.kind == "address":
        hn, hs, hx = heard.key.split("|")
        kn, ks, kx = known.key.split("|")
        return (hn == kn and hs == ks) or (hs == ks and hx == kx and near_digits(hn, kn))
    if heard.kind == "proper":
        hw, kw = heard.key.split(), known.key.split()
        return hw != kw and (hw[0] == kw[0] or hw[-1] == kw[-1]) and len(hw) >= 2 and len(kw) >= 2
    return False
