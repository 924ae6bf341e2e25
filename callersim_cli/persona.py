"""Who the caller is: the details it gives when asked, and how it behaves.

A persona comes from a scenario file, or is invented once per call (seeded, so a seed reproduces it)
by the engine. The same persona reaches the OpenAI engine as a system-prompt section and the offline
engine as the details it answers with.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from callersim_cli.conversation import Context

TRAIT_LEVELS = ("low", "medium", "high")


@dataclass(frozen=True)
class Persona:
    name: str | None = None
    phone: str | None = None
    address: str | None = None
    date_of_birth: str | None = None  # as the caller would say it, e.g. "March 4, 1988"
    email: str | None = None
    account_number: str | None = None
    # Other numbers a caller may be asked for: order, confirmation, claim, policy, member, card_last4,
    # ssn_last4, zip, pin ... keyed by a short name.
    numbers: dict[str, str] = field(default_factory=dict)
    patience: str = "medium"  # low: pushes to get things done; high: waits and repeats calmly
    talkativeness: str = "medium"  # low: terse answers; high: chatty, adds small talk

    def details(self) -> dict[str, str]:
        """Every detail that is set, by name, numbers included."""
        out = {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("numbers", "patience", "talkativeness") and getattr(self, f.name)
        }
        out.update(self.numbers)
        return out

    def prompt_section(self) -> str:
        lines = ["Your details (give them only when asked, exactly as written here):"]
        for key, value in self.details().items():
            lines.append(f"- {key.replace('_', ' ')}: {value}")
        lines.append(
            f"Your manner: patience {self.patience}, talkativeness {self.talkativeness}. "
            "Let this show in how you answer, not in what you claim about yourself."
        )
        return "\n".join(lines)


# Pools the invented persona draws from: ordinary, plainly fictional details that read well aloud.
_FIRST_NAMES = (
    "Jordan", "Maria", "Sam", "Priya", "Alex", "Grace", "Daniel", "Keisha", "Tom", "Elena", "Marcus", "Lucy",
    "Omar", "Hannah", "Victor", "Aiko", "Rosa", "Ben", "Nadia", "Carl",
)  # fmt: skip
_LAST_NAMES = (
    "Parker", "Nguyen", "Garcia", "Patel", "Kim", "Okafor", "Miller", "Rossi", "Cohen", "Silva", "Walsh",
    "Brooks", "Larsen", "Moreno", "Tanaka", "Reyes", "Hughes", "Fischer", "Boyd", "Shah",
)  # fmt: skip
_STREETS = (
    "Maple", "Oak", "Cedar", "Elm", "Pine", "Willow", "Lakeview", "Hillcrest", "Sunset", "River", "Park",
    "Highland", "Chestnut", "Birch", "Meadow", "Orchard",
)  # fmt: skip
_SUFFIXES = ("Street", "Avenue", "Road", "Lane", "Drive", "Court", "Way", "Boulevard")
_CITIES = (
    ("Springfield", "IL", "627"), ("Riverside", "CA", "925"), ("Madison", "WI", "537"),
    ("Franklin", "TN", "370"),
    ("Salem", "OR", "973"), ("Fairview", "TX", "750"), ("Greenville", "SC", "296"), ("Dayton", "OH", "454"),
)  # fmt: skip
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)  # fmt: skip
_AREA_CODES = ("312", "415", "512", "617", "646", "702", "773", "808", "919", "971")


# The card networks' published test numbers: they pass the Luhn check, and no payment system charges them.
TEST_CARDS = (
    "4111111111111111", "4242424242424242", "4012888888881881", "5555555555554444", "5105105105105100",
    "2223003122003222", "6011111111111117", "3566002020360505",
)  # fmt: skip


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def seeded_random(key: str) -> random.Random:
    """A generator that ``key`` always starts the same way: hashlib, not hash(), whose str hashes change
    between runs, and a seed must reproduce a call."""
    return random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big"))


def invent_persona(seed: int | str | None, context: Context | None = None) -> Persona:
    """A complete, consistent caller: name, phone, address, birth date, email and the usual numbers.

    The seed is combined with the context (business and goal), so the same seed gives the same caller for
    the same call and different callers for different calls. Details the context's own persona sets are kept
    as they are.
    """
    rng = seeded_random(
        f"{seed}\n{context.description if context else ''}\n{context.scenario if context else ''}"
    )
    first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
    city, state, zip_prefix = rng.choice(_CITIES)
    zip_code = zip_prefix + _digits(rng, 2)
    street = f"{rng.randint(12, 9899)} {rng.choice(_STREETS)} {rng.choice(_SUFFIXES)}"
    invented = Persona(
        name=f"{first} {last}",
        # 555-0100 to 555-0199 are set aside for fiction: a rehearsal never dials someone's real number.
        phone=f"{rng.choice(_AREA_CODES)}-555-01{rng.randint(0, 99):02d}",
        address=f"{street}, {city}, {state} {zip_code}",
        date_of_birth=f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}, {rng.randint(1958, 2001)}",
        email=f"{first.lower()}.{last.lower()}{rng.randint(10, 99)}@example.com",
        account_number=_digits(rng, 8),
        numbers={
            "zip": zip_code,
            # The last four of a card network's published test number, so the whole card can be that one.
            "card_last4": rng.choice(TEST_CARDS)[-4:],
            "ssn_last4": _digits(rng, 4),
            "pin": _digits(rng, 4),
            "order": _digits(rng, 6),
            "confirmation": "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(2))
            + _digits(rng, 4),
            "claim": _digits(rng, 9),
            "policy": _digits(rng, 9),
            "member": _digits(rng, 9),
            "prescription": _digits(rng, 7),
        },
        patience=rng.choice(TRAIT_LEVELS),
        talkativeness=rng.choice(TRAIT_LEVELS),
    )
    given = context.persona if context else None
    return merge_personas(given, invented) if given else invented


def merge_personas(first: Persona, fallback: Persona) -> Persona:
    """``first``'s details where it has them, ``fallback``'s elsewhere (numbers merged by name)."""
    values = {
        f.name: getattr(first, f.name) or getattr(fallback, f.name)
        for f in fields(Persona)
        if f.name not in ("numbers", "patience", "talkativeness")
    }
    return Persona(
        **values,
        numbers={**fallback.numbers, **first.numbers},
        patience=first.patience,
        talkativeness=first.talkativeness,
    )
