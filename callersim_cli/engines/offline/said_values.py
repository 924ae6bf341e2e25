"""Values in what is said, each with a kind and a key to compare by: codes, amounts, dates, emails, names.

A business reads details back in its own way ("4 4 1 9, 0 2 7 3", "priya dot nair 2 8 at examplemail dot
com", "March 19th", "W-H-I-T-A-C-R-E"); these readers bring each to one key, so a read-back can be held
against what the caller knows, whoever wrote it and however it was spoken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from callersim_cli.engines.offline.spoken_numbers import money_words
from callersim_cli.engines.offline.text import COMMON_WORDS, MONTHS

_MONTH_RE = "|".join(MONTHS) + "|" + "|".join(m[:3] for m in MONTHS if len(m) > 3)
_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "thirtieth": 30,
}  # fmt: skip
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_DATE = re.compile(
    rf"\b({_MONTH_RE})\.?\s+(?:the\s+)?{_DAY}\b(?:,?\s+(\d{{4}}))?|\b(?:the\s+)?{_DAY}\s+of\s+({_MONTH_RE})\b"
    rf"(?:,?\s+(\d{{4}}))?|\b(\d{{1,2}})/(\d{{1,2}})/(\d{{2,4}})\b",
    re.I,
)
_AMOUNT = re.compile(r"\$\s?(\d[\d,]*(?:\.\d\d)?)|\b(\d[\d,]*(?:\.\d\d)?)\s+dollars\b", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_SPOKEN_DOMAIN = re.compile(r"\s+at\s+([a-z0-9-]+(?:\s+dot\s+[a-z]+)+)\b", re.I)
_LOCAL_STOP = frozenset(
    [
        "is",
        "at",
        "to",
        "me",
        "email",
        "e-mail",
        "address",
        "my",
        "it's",
        "its",
        "that's",
        "the",
        "on",
        "your",
        "use",
        "send",
        "and",
        "or",
        "is",
    ]
)
_SPOKEN_SYMBOLS = {"dot": ".", "underscore": "_", "dash": "-"}  # as an email's local part is said aloud
_CODE_TOKEN = re.compile(r"^(?:\d+|[A-Z]|[A-Z0-9]*\d[A-Z0-9]*|[A-Z]{2,3})$")
_SPELLED = re.compile(r"\b(?:[A-Z][-.,]?\s?){3,}[A-Z]\b")
_COUNT = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a dozen)\s+(?:(?:more|extra|adult|additional|"
    r"standard|large|small|medium|official|certified|checked)\s+)?(nights?|people|persons|guests|adults|"
    r"children|kids|seats?|rooms?|tickets?|pizzas?|days?|bags?|transcripts?|copies|lines?|passengers?|"
    r"glasses|units?|aids|cats|dogs)\b|\b(?:family size|party|household size|party size|group)\s+(?:of|is)\s+"
    r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b",
    re.I,
)
_COUNT_WORDS = {
    w: str(i)
    for i, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    )
}
_COUNT_WORDS["a dozen"] = "12"  # fmt: skip


@dataclass(frozen=True)
class Value:
    kind: str  # "code", "amount", "date", "email", "name", "count", "year", ...
    text: str  # as said or written
    key: str  # what it is compared by


def _month(token: str) -> int:
    token = token.lower()[:3]
    return next(i for i, m in enumerate(MONTHS, 1) if m.startswith(token))


def dates_in(text: str) -> list[Value]:
    found = []
    for m in _DATE.finditer(text):
        if m.group(1):
            month, day, year = _month(m.group(1)), int(m.group(2)), m.group(3) or ""
        elif m.group(5):
            month, day, year = _month(m.group(5)), int(m.group(4)), m.group(6) or ""
        else:
            month, day, year = int(m.group(7)), int(m.group(8)), m.group(9)
        if 1 <= month <= 12 and 1 <= day <= 31:
            found.append(Value("date", m.group(0).strip(), f"{month}-{day}-{year}"))
    return found


def amounts_in(text: str) -> list[Value]:
    found = []
    for m in _AMOUNT.finditer(money_words(text)):
        raw = (m.group(1) or m.group(2)).replace(",", "")
        if raw.endswith("."):
            raw = raw[:-1]
        cents = raw if "." in raw else f"{raw}.00"
        found.append(Value("amount", m.group(0).strip(), cents))
    return found


def emails_in(text: str) -> list[Value]:
    found = [Value("email", m.group(0), m.group(0).lower()) for m in _EMAIL.finditer(text)]
    # "m-a-l-i-k dot o-k-a-f-e-r at westbrook dot e-d-u": letters spelled out are one word; "clark, no E,"
    # remarks on the spelling and is not part of the address.
    text = re.sub(r"\b(?:[A-Za-z]-)+[A-Za-z]\b", lambda m: m.group(0).replace("-", ""), text)
    text = re.sub(r",\s+(?:no|with(?:out)?(?: an?)?)\s+[A-Z]\b,?", " ", text)

    for m in _SPOKEN_DOMAIN.finditer(text):
        # The local part runs back from "at" to the nearest comma, colon or word that is not part of it:
        # "the email on file: l n g u y e n 8 8 at ...", "I have priya dot nair 2 8 at ...".
        before = re.split(r"[,:;]", text[: m.start()])[-1].split()
        local: list[str] = []
        for token in reversed(before):
            word = token.lower()
            # "I found an account for lena dot hoffmann at ...": the sentence's own words end the address.
            if word in _LOCAL_STOP or (
                word in COMMON_WORDS and len(word) > 1 and word not in _SPOKEN_SYMBOLS
            ):
                break
            local.insert(0, _SPOKEN_SYMBOLS.get(word, word))
        if local:
            domain = re.sub(r"\s+dot\s+", ".", m.group(1).lower())
            found.append(Value("email", m.group(0), f"{''.join(local)}@{domain}"))
    return found


def codes_in(text: str, least: int = 3) -> list[Value]:
    """Digit strings and codes, with the amounts, dates, times and emails in ``text`` left out."""
    masked = text
    for pattern in (_AMOUNT, _DATE, _EMAIL):
        masked = pattern.sub(lambda m: " " * len(m.group(0)), masked)
    masked = re.sub(
        r"\b\d{1,2}(?::\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.)", lambda m: " " * len(m.group(0)), masked, flags=re.I
    )
    found: list[Value] = []
    run: list[str] = []

    def close_run() -> None:
        spelled = "".join(run).upper()
        # "Q, F, 7, K, 2, N": a booking code read one character at a time, few digits in it.
        if (
            all(len(t) == 1 for t in run)
            and len(spelled) >= 6
            and 1 <= sum(c.isdigit() for c in spelled) < least
        ):
            found.append(Value("code", " ".join(run), spelled))
            run.clear()
            return
        while run and not any(c.isdigit() for c in run[-1]):
            run.pop()  # a code ends in what it says last with a digit or a code letter group
        key = "".join(run).upper()
        if sum(c.isdigit() for c in key) >= least:
            found.append(Value("code", " ".join(run), key))
        run.clear()

    for token in re.split(r"[\s,]+|(?<=\w)-(?=\w)", masked):
        # "order A7-20931: two tickets": a colon or a sentence's end closes the code.
        ends = token.endswith((":", ";", ".", "?", "!"))
        token = token.strip(".:;()?!")
        if (
            token
            and _CODE_TOKEN.match(token)
            and token not in ("OK", "I", "ID", "PIN", "ZIP", "VIN", "OR", "AM", "PM")
        ):
            run.append(token)
            if ends:
                close_run()
        else:
            close_run()
    close_run()
    return found


_YEAR = re.compile(
    r"\b(?:(?:tax|model|plan|school|fiscal|calendar|policy|benefit)\s+)year\s+(?:of\s+)?((?:19|20)\d\d)\b|"
    r"\b((?:19|20)\d\d)\s+(?:tax\s+(?:year|return)|taxes|(?:state\s+|federal\s+)?(?:income\s+)?tax\s+return)\b",
    re.I,
)


def years_in(text: str) -> list[Value]:
    """The years a line names for what they are: "tax year 2022", "my 2021 tax return"."""
    return [Value("year", m.group(0), m.group(1) or m.group(2)) for m in _YEAR.finditer(text)]


_BARE_DAY = re.compile(rf"\bthe\s+(\d{{1,2}})(?:st|nd|rd|th)\b(?!\s+of\s+(?:{_MONTH_RE})\b)", re.I)


def days_in(text: str) -> list[Value]:
    """Days said without a month ("the 13th of this month", "on the 30th"), where a month is not named."""
    dated = [m.span() for m in _DATE.finditer(text)]
    return [
        Value("day", m.group(0), m.group(1))
        for m in _BARE_DAY.finditer(text)
        if not any(s <= m.start() < e for s, e in dated) and 1 <= int(m.group(1)) <= 31
    ]


def near_day(a: str, b: str) -> bool:
    """Two days a slip apart: "13th" for "30th" (thirteen, thirty), "12th" for "21st", "15th" for "16th"."""
    return a != b and (
        {a, b} in ({"13", "30"}, {"14", "40"}) or sorted(a) == sorted(b) or edit_distance(a, b) == 1
    )


def counts_in(text: str) -> list[Value]:

    found = []
    for m in _COUNT.finditer(text):
        number = (m.group(1) or m.group(3)).lower()
        noun = (m.group(2) or "size").lower().rstrip("s")
        found.append(Value("count", m.group(0), f"{noun}:{_COUNT_WORDS.get(number, number)}"))
    return found


def spelled_in(text: str) -> list[str]:
    """Names spelled out letter by letter: "W-H-I-T-A-C-R-E" -> "WHITACRE"."""
    return [re.sub(r"[^A-Z]", "", m.group(0)) for m in _SPELLED.finditer(text)]


def near_digits(a: str, b: str) -> bool:
    """Two codes one slip apart: a digit or two changed, two swapped, one dropped or added."""
    if a == b:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diffs) <= 2
    if abs(len(a) - len(b)) == 1:
        short, long = sorted((a, b), key=len)
        return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
    return False


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def near_name(a: str, b: str) -> bool:
    """ "Whitacre" for "Whitaker", "Alvarado" for "Alvarez": the same name misheard, not another name."""
    a, b = a.lower(), b.lower()
    if a == b or a[:1] != b[:1] or min(len(a), len(b)) < 4:
        return False
    if a[:4] == b[:4] and abs(len(a) - len(b)) <= 2:
        return True
    return edit_distance(a, b) <= max(2, min(len(a), len(b)) // 3)


_STREET_SUFFIX = {
    "street": "street", "st": "street", "avenue": "avenue", "ave": "avenue", "road": "road", "rd": "road",
    "lane": "lane", "ln": "lane", "drive": "drive", "dr": "drive", "way": "way", "boulevard": "boulevard",
    "blvd": "boulevard", "court": "court", "ct": "court", "place": "place", "pl": "place",
    "terrace": "terrace", "circle": "circle", "parkway": "parkway",
}  # fmt: skip
_STREET = re.compile(
    r"\b(\d{1,6})\s+((?:[A-Z][a-z]+\s+){1,3})(" + "|".join(s.capitalize() for s in _STREET_SUFFIX) + r")\b\.?"
)
_LABELLED_AMOUNT = re.compile(
    r"(\$\s?\d[\d,]*(?:\.\d\d)?)\s+(?:in\s+|of\s+)?(?:personal\s+)?([a-z]+)|\b([a-z]+)\s+of\s+(\$\s?\d[\d,]*(?:\.\d\d)?)",
    re.I,
)
_AMOUNT_NOUNS = frozenset(
    [
        "deductible",
        "deposit",
        "fee",
        "fees",
        "coverage",
        "limit",
        "payment",
        "balance",
        "refund",
        "credit",
        "charge",
        "premium",
        "rent",
        "income",
    ]
)
_PROPER = re.compile(r"\b([A-Z][a-z]+(?:\s+(?:[A-Z][a-z]+|&|of|and)){1,3})\b")
_NOT_PROPER_START = frozenset(
    [
        "I",
        "Okay",
        "Ok",
        "Great",
        "Thanks",
        "Thank",
        "Sorry",
        "Yes",
        "No",
        "So",
        "And",
        "But",
        "Hi",
        "Hello",
        "Well",
        "Sure",
        "Perfect",
        "Alright",
        "The",
        "A",
        "An",
        "My",
        "Your",
        "Our",
        "This",
        "That",
        "It",
        "Let",
        "Please",
        "Is",
        "Are",
        "Do",
        "Does",
        "Did",
        "Can",
        "Could",
        "Would",
        "Will",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
    ]
)


def addresses_in(text: str) -> list[Value]:
    found = []
    for m in _STREET.finditer(text):
        name = " ".join(m.group(2).lower().split())
        suffix = _STREET_SUFFIX[m.group(3).lower()]
        found.append(Value("address", m.group(0).rstrip("."), f"{m.group(1)}|{name}|{suffix}"))
    return found


def labelled_amounts_in(text: str) -> list[Value]:
    """Amounts with what they are: "a $1,000 deductible", "$20,000 of personal property coverage"."""
    found = []
    for m in _LABELLED_AMOUNT.finditer(text):
        amount, noun = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        noun = noun.lower().rstrip("s") if noun.lower() != "fees" else "fee"
        if noun in _AMOUNT_NOUNS or noun + "s" in _AMOUNT_NOUNS:
            raw = amount.lstrip("$ ").replace(",", "")
            found.append(Value("priced", m.group(0), f"{noun}:{raw if '.' in raw else raw + '.00'}"))
    return found


def propers_in(text: str) -> list[Value]:
    """Names of places and businesses, two words or more: "Heart Partners", "Bella Notte Trattoria"."""
    found = []
    for m in _PROPER.finditer(text):
        words_ = m.group(1).split()
        while words_ and words_[0] in _NOT_PROPER_START:
            words_ = words_[1:]
        if len(words_) >= 2:
            phrase = " ".join(words_)
            found.append(Value("proper", phrase, phrase.lower()))
    return found
