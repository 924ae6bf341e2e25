"""The incremental sentence splitter: the same sentences however the text is cut into stream pieces."""

from __future__ import annotations

import re

import pytest

from callersim_cli.sentences import SentenceSplitter


def split(text: str, pieces: str = "words", **options: int) -> list[str]:
    """Feed ``text`` as models stream it: words with the space before or after them, or char by char."""
    splitter = SentenceSplitter(**options)
    if pieces == "words":
        chunks = re.findall(r"\s*\S+|\s+$", text)
    elif pieces == "words+space":
        chunks = re.findall(r"\S+\s*|\s+", text)
    else:
        chunks = list(text)
    out: list[str] = []
    for chunk in chunks:
        out += splitter.feed(chunk)
    return out + splitter.flush()


CASES = [
    ("Hello there. How are you?", ["Hello there.", "How are you?"]),
    (
        "I spoke to Mr. Smith and Dr. Jones yesterday. They said Mrs. Lee would call.",
        ["I spoke to Mr. Smith and Dr. Jones yesterday.", "They said Mrs. Lee would call."],
    ),
    (
        "My appointment is at 9 a.m. on Tuesday. Is that right?",
        ["My appointment is at 9 a.m. on Tuesday.", "Is that right?"],
    ),
    ("It was at 9 a.m. Then I called back.", ["It was at 9 a.m.", "Then I called back."]),
    ("The total was $18.99, not 4.5 dollars. Okay.", ["The total was $18.99, not 4.5 dollars.", "Okay."]),
    ("My number is 4417. Thanks.", ["My number is 4417.", "Thanks."]),
    ("Well... let me check. Hmm... Okay.", ["Well... let me check.", "Hmm...", "Okay."]),
    ("Wait\u2026 What? Really?! Yes!", ["Wait\u2026", "What?", "Really?!", "Yes!"]),
    ('He said "call back tomorrow." So I did.', ['He said "call back tomorrow."', "So I did."]),
    (
        "\u201cThanks!\u201d Then I left. (Really.) Bye.",
        ["\u201cThanks!\u201d", "Then I left.", "(Really.)", "Bye."],
    ),
    ("It's order No. 5 of 6. No. I didn't get it.", ["It's order No. 5 of 6.", "No.", "I didn't get it."]),
    ("Ask for J. Smith please.", ["Ask for J. Smith please."]),
    ("It's Jordan's. That's it. Thanks.", ["It's Jordan's.", "That's it.", "Thanks."]),
    ("Acme Inc. is closed. Sorry.", ["Acme Inc. is closed.", "Sorry."]),
    ("For example, e.g. this one. Done", ["For example, e.g. this one.", "Done"]),
    ("No trailing punctuation", ["No trailing punctuation"]),
    ("   ", []),
    ("... ", []),
]


@pytest.mark.parametrize("pieces", ["words", "words+space", "chars"])
@pytest.mark.parametrize(("text", "expected"), CASES)
def test_splits_sentences_however_streamed(text: str, expected: list[str], pieces: str) -> None:
    assert split(text, pieces) == expected


def test_sentence_is_released_as_soon_as_the_next_word_shows_it_ended() -> None:
    splitter = SentenceSplitter()
    assert splitter.feed("Hi there.") == []  # could still be "Hi there.com" or "... a.m. on"
    assert splitter.feed(" I") == ["Hi there."]
    assert splitter.pending == "I"
    assert splitter.feed("'m calling.") == []
    assert splitter.flush() == ["I'm calling."]
    assert splitter.flush() == []


def test_a_plain_sentence_end_is_released_without_waiting_for_the_next_word() -> None:
    splitter = SentenceSplitter()
    assert splitter.feed("Hi there. ") == ["Hi there."]
    assert splitter.feed("Is it open? ") == ["Is it open?"]
    assert splitter.feed("Call me at 9 a.m. ") == []  # "a.m. on Tuesday" or "a.m. Then"?
    assert splitter.feed("Then") == ["Call me at 9 a.m."]


def test_abbreviation_waits_for_the_next_word_before_deciding() -> None:
    splitter = SentenceSplitter()
    assert splitter.feed("See you at 9 a.m. ") == []
    assert splitter.feed("tomorrow.") == []
    assert splitter.feed(" Bye") == ["See you at 9 a.m. tomorrow."]


def test_long_first_sentence_is_cut_at_a_comma_so_speech_starts_sooner() -> None:
    text = (
        "Hi, this is Jordan Smith calling about the order I placed last week, which still has not "
        "arrived at my house, and I would like to know where it is."
    )
    out = split(text, max_chars=80, first_max_chars=50)
    assert out == [
        "Hi, this is Jordan Smith calling about the order I placed last week,",
        "which still has not arrived at my house, and I would like to know where it is.",
    ]
    assert " ".join(out) == text


def test_sentences_within_the_limit_are_not_cut_at_commas() -> None:
    text = "Yes, that's right, it's me. Sure, go ahead."
    assert split(text, max_chars=30, first_max_chars=30) == ["Yes, that's right, it's me.", "Sure, go ahead."]


def test_run_on_without_any_break_is_cut_at_a_space() -> None:
    text = " ".join(["word"] * 60)
    out = split(text, max_chars=40, first_max_chars=40)
    assert len(out) > 1
    assert all(len(s) <= 81 for s in out)
    assert " ".join(out) == text


def test_decimal_split_across_pieces_is_not_an_end() -> None:
    splitter = SentenceSplitter()
    out = splitter.feed("It costs $18.") + splitter.feed("99 a month. ") + splitter.feed("Okay")
    assert out == ["It costs $18.99 a month."]
