"""What the voices are given: numbers, amounts, emails and spellings as a caller reads them aloud."""

from __future__ import annotations

import pytest

from callersim_cli.speakable import speakable


@pytest.mark.parametrize(
    "text, said",
    [
        ("It's 2-0-4-8-1-2-3-4.", "It's two zero four eight one two three four."),
        (
            "You can reach me at 312-555-0147.",
            "You can reach me at three one two, five five five, zero one four seven.",
        ),
        ("It's 4488 5973.", "It's four four eight eight, five nine seven three."),
        (
            "The account is 7720 1184 5593.",
            "The account is seven seven two zero, one one eight four, five five nine three.",
        ),
        ("My member ID is 90211458.", "My member ID is nine zero two one one four five eight."),
        ("It's $318.52.", "It's 318 dollars and 52 cents."),
        ("About $1,000, I think.", "About 1000 dollars, I think."),
        ("It's mwebb@outlook.com.", "It's mwebb at outlook dot com."),
        ("priya.nair82@examplemail.com", "priya dot nair eight two at examplemail dot com"),
        ("My name is Fischer, that's F-I-S-C-H-E-R.", "My name is Fischer, that's F, I, S, C, H, E, R."),
        ("Confirmation HX4P82, please.", "Confirmation H X four P eight two, please."),
        ("Born 03/09/2019.", "Born March 9, 2019."),
        ("Around 7:30 pm works.", "Around 7 30 p.m. works."),
        ("At 10:05 a.m.", "At 10 oh 5 a.m."),
    ],
)
def test_numbers_and_addresses_are_read_as_a_caller_reads_them(text: str, said: str) -> None:
    assert speakable(text) == said


@pytest.mark.parametrize(
    "text",
    [
        "I'd like a large pepperoni pizza, please.",
        "Flight 415 on May 4, 2026.",
        "Two nights, starting Friday.",
    ],
)
def test_ordinary_words_and_short_numbers_are_left_alone(text: str) -> None:
    assert speakable(text) == text
