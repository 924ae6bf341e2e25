"""Numbers a business says in words, read back as the caller compares them."""

from __future__ import annotations

import pytest

from callersim_cli.engines.offline.spoken_numbers import digit_words, money_words, number_value


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("your rate went from forty-nine ninety-nine to eighty-four ninety-nine.", "from $49.99 to $84.99."),
        ("I can do fifty-nine ninety-nine a month", "I can do $59.99 a month"),
        ("a late filing penalty of one hundred thirty-five dollars", "a late filing penalty of $135"),
        ("a balance of eleven dollars and fifty cents", "a balance of $11.50"),
        ("two thousand three hundred forty dollars for tax year 2023", "$2,340 for tax year 2023"),
        (
            "moving the sixteen-fifty toll and removing the five-dollar fee",
            "moving the $16.50 toll and removing the $5 fee",
        ),
    ],
)
def test_amounts_said_in_words_are_read_as_amounts(said: str, read: str) -> None:
    assert read in money_words(said)


@pytest.mark.parametrize(
    "said",
    [
        "twenty twenty-two",
        "in nineteen ninety-nine",
        "twenty-four months",
        "at six-thirty tonight",
        "six-thirty p.m.",
    ],
)
def test_years_times_and_counts_are_not_amounts(said: str) -> None:
    assert "$" not in money_words(said)


def test_a_number_read_in_pairs_is_its_digits_and_a_time_stays_a_time() -> None:
    assert digit_words("I heard seventy-three, sixteen, zero four, eighty-two.") == "I heard 73 16 0 4 82."
    assert digit_words("four four one nine") == "4 4 1 9"
    assert digit_words("N as in Nancy") == "N"
    assert digit_words("at eleven thirty") == "at eleven thirty"


def test_number_words_have_their_value() -> None:
    assert number_value("two thousand three hundred forty") == 2340
    assert number_value("one hundred and five") == 105
    assert number_value("banana") is None
