"""Details the offline caller makes up on demand, consistent with its persona for the whole call.

A persona knows a card's last four digits; a payment line wants the whole card, its expiry and the code on
its back. A persona's account number has 8 digits; a bank's IVR asks for 10. These helpers derive such
values from a seeded generator, so the same call always gets the same card and the same account number,
and the made-up card agrees with the last four digits the caller gives elsewhere.
"""

from __future__ import annotations

import random

# Expiry years are fixed, not read from a clock: the engine is a pure function of the call and the seed.
# They are far enough ahead to be a valid future date for years to come.
EXPIRY_YEARS = (2029, 2030, 2031, 2032)


def luhn_ok(number: str) -> bool:
    """Whether a card number passes the Luhn check, as payment systems test it before anything else."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card_number(rng: random.Random, last4: str) -> str:
    """A card number that ends in ``last4`` and passes the Luhn check: a network's published test number
    when one ends so (the invented persona's cards always do), else a Visa-style number made to fit."""
    from callersim_cli.persona import TEST_CARDS

    if test := next((card for card in TEST_CARDS if card.endswith(last4[-4:])), None):
        return test
    digits = [4] + [rng.randint(0, 9) for _ in range(10)] + [0] + [int(c) for c in last4[-4:].zfill(4)]
    # One free digit is solved for the check: position 11 from the left is undoubled (5th from the right).
    for candidate in range(10):
        digits[11] = candidate
        if luhn_ok("".join(map(str, digits))):
            break
    return "".join(map(str, digits))


def card_expiry(rng: random.Random) -> str:
    """An expiry date as printed on a card: "MM/YY"."""
    return f"{rng.randint(1, 12):02d}/{rng.choice(EXPIRY_YEARS) % 100:02d}"


def security_code(rng: random.Random, amex: bool = False) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(4 if amex else 3))


def resized(digits: str, length: int, rng: random.Random) -> str:
    """``digits`` cut or extended to ``length``: the same prefix, so a shorter and a longer ask agree."""
    if len(digits) >= length:
        return digits[:length]
    return digits + "".join(str(rng.randint(0, 9)) for _ in range(length - len(digits)))
