"""Numbers said in words, read as a caller reads them: codes read in pairs, prices, amounts of money.

A business that speaks reads "$49.99" as "forty-nine ninety-nine" and "TB305196" as "seventy-three,
sixteen, ..."; read-backs and offers are compared only once their words are numbers again.
"""

from __future__ import annotations

import re

from callersim_cli.engines.offline.text import NUMBER_WORDS

_UNITS = r"zero|oh|one|two|three|four|five|six|seven|eight|nine"
_TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_GROUP = rf"(?:(?:{'|'.join(_TENS)})(?:[- ](?:{_UNITS}))?|{'|'.join(_TEENS)}|{_UNITS}|\d+)"
_PAIRS = re.compile(rf"\b{_GROUP}(?:,?\s+{_GROUP}){{2,}}\b", re.I)


def _pair(word: str) -> str:
    """ "seventy-three" -> "73", "sixteen" -> "16", "twenty" -> "20", "four" -> "4"."""
    word = word.lower()
    if word in _TEENS:
        return str(10 + _TEENS.index(word))
    tens, _, unit = re.sub(r"[- ]", " ", word).partition(" ")
    if tens in _TENS:
        return f"{_TENS.index(tens) + 2}{NUMBER_WORDS[unit] if unit else '0'}"
    return NUMBER_WORDS.get(word, word)


def digit_words(text: str) -> str:
    """Number words read as digits: "four four one nine" -> "4 4 1 9", and a number read in pairs,
    "seventy-three, sixteen, zero four, eighty-two" -> "73 16 0 4 82". Tens and teens count only in a run
    of three groups or more, so "eleven thirty" stays a time."""
    text = re.sub(r"\b([A-Z]) as in [A-Z][a-z]+\b", r"\1", text)  # "N as in Nancy" is N
    text = _PAIRS.sub(
        lambda m: " ".join(_pair(g.group(0)) for g in re.finditer(_GROUP, m.group(0), re.I)), text
    )
    return re.sub(rf"\b(?:{_UNITS})\b", lambda m: NUMBER_WORDS[m.group(0).lower()], text, flags=re.I)


_SMALL = {w: int(NUMBER_WORDS[w]) for w in _UNITS.split("|")}
_SMALL.update({w: 10 + i for i, w in enumerate(_TEENS)})
_TENS_VALUE = {w: 20 + 10 * i for i, w in enumerate(_TENS)}
_SCALE = {"hundred": 100, "thousand": 1000}
_NUMBER_WORD = rf"(?:{'|'.join([*_SMALL, *_TENS_VALUE, *_SCALE])})"
_WORD_NUMBER = rf"{_NUMBER_WORD}(?:(?:[- ]|\s+and\s+){_NUMBER_WORD})*"
_DOLLARS = re.compile(
    rf"\b(?!and\b)({_WORD_NUMBER})[\s-]+dollars?(?:\s+and\s+({_WORD_NUMBER})\s+cents?)?\b", re.I
)
# "the sixteen-fifty toll", "six-fifty": dollars and cents in one hyphenated word (a tens word after
# the hyphen; "twenty-four" is one number).
_HYPHEN_PRICE = re.compile(
    r"(?<!\bat )(?<!\bby )(?<!\buntil )(?<!\baround )(?<!\bbefore )(?<!\bafter )(?<!\bfrom )"
    rf"\b({'|'.join(_TEENS)}|{_UNITS})-((?:{'|'.join(_TENS)})(?:-(?:{_UNITS}))?)\b"
    r"(?!\s*(?:a\.?m\b|p\.?m\b|o'clock|tonight|tomorrow|this|in the))",
    re.I,
)

_TWO_DIGITS = rf"(?:(?:{'|'.join(_TENS)})(?:-(?:{_UNITS}))?|{'|'.join(_TEENS)})"
# "forty-nine ninety-nine a month", "down to fifty-nine ninety-nine": a price, said as prices are.
_PRICE = re.compile(
    rf"(?:(?<=\bfrom )|(?<=\bto )|(?<=\bat )|(?<=\bfor )|(?<=\bis )|(?<=\bwas )|(?<=\bpay )|(?<=\bbe )|"
    rf"(?<=\bjust )|(?<=\bonly )|(?<=\bcosts )|(?<=\bcost )|(?<=\bdo )|(?<=: ))"
    rf"\b({_TWO_DIGITS}|(?:{_UNITS}))\s+({_TWO_DIGITS})\b(?!\s+(?:dollars|cents|years?|months?|days?))|"
    rf"\b({_TWO_DIGITS}|(?:{_UNITS}))\s+({_TWO_DIGITS})(?=\s+(?:a|per|each)\s+(?:month|year|week)\b)",
    re.I,
)


def number_value(words: str) -> int | None:
    """ "two thousand three hundred forty" -> 2340; None when the words are not one number."""
    total = current = 0
    seen = False
    for word in re.split(r"[\s-]+", words.lower()):
        if word == "and":
            continue
        if word in _SMALL:
            current += _SMALL[word]
        elif word in _TENS_VALUE:
            current += _TENS_VALUE[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word == "thousand":
            total += (current or 1) * 1000
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def money_words(text: str) -> str:
    """Amounts said in words written as amounts: "one hundred thirty-five dollars" -> "$135",
    "eleven dollars and fifty cents" -> "$11.50", "from forty-nine ninety-nine" -> "from $49.99"."""

    def dollars(m: re.Match[str]) -> str:
        whole, cents = number_value(m.group(1)), number_value(m.group(2)) if m.group(2) else 0
        if whole is None or cents is None:
            return m.group(0)
        return f"${whole:,}" + (f".{cents:02d}" if cents else "")

    def price(m: re.Match[str]) -> str:
        whole, cents = number_value(m.group(1) or m.group(3)), number_value(m.group(2) or m.group(4))

        return m.group(0) if whole is None or cents is None else f"${whole}.{cents:02d}"

    def hyphenated(m: re.Match[str]) -> str:
        whole, cents = number_value(m.group(1)), number_value(m.group(2))
        return m.group(0) if whole is None or cents is None else f"${whole}.{cents:02d}"

    return _HYPHEN_PRICE.sub(hyphenated, _PRICE.sub(price, _DOLLARS.sub(dollars, text)))
