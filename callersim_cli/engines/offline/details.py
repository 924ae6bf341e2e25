"""The caller's details: which value answers a request, and how it is given (pressed, said, spelled).

A detail comes from the frame's persona (the scenario's own details first); one the persona lacks is made
up once per call from the seed and kept for the rest of it, at the length the business asked for.
"""

from __future__ import annotations

import re

from callersim_cli.engines.offline.moves import Move, say
from callersim_cli.engines.offline.requests import SLOT_PATTERNS, DetailRequest
from callersim_cli.engines.offline.scenario_facts import ME, RELATIONS
from callersim_cli.engines.offline.text import MONTHS, digits_in, has_word, say_phone, spoken_digits
from callersim_cli.engines.offline.turn import Turn
from callersim_cli.engines.offline.values import card_expiry, card_number, resized, security_code

LABELS = {
    "name": "name", "phone": "phone number", "address": "address", "date_of_birth": "date of birth",
    "email": "email", "account_number": "account number", "zip": "ZIP code", "card_last4": "card number",
    "ssn_last4": "Social Security number", "pin": "PIN", "order": "order number",
    "confirmation": "confirmation number", "claim": "claim number", "policy": "policy number",
    "member": "member ID", "prescription": "prescription number", "card_number": "card number",
    "card_expiry": "expiration date", "cvv": "security code", "pet_name": "pet's name",
    "student": "student ID", "vin": "VIN", "iccid": "SIM number", "flight": "flight number",
}  # fmt: skip
SLOT_NAMES = frozenset(slot for slot, _ in SLOT_PATTERNS)
MATTER_NUMBERS = frozenset({"claim", "case", "reference", "ticket", "confirmation", "order", "tracking"})
NEW_MATTER = re.compile(r"^(?:report|file|open|start|make|submit|book|schedule)\b|\bnew\b", re.I)
PET_NAMES = ("Max", "Bella", "Charlie", "Milo", "Daisy", "Cooper", "Lucy", "Bailey")
_DETAIL_BANKS = {"email": "detail_email", "name": "detail_name", "phone": "detail_phone"}


def label(slot: str) -> str:
    """How the caller names a detail: any number kind the goal labelled is "my <kind> number"."""
    if slot in LABELS:
        return LABELS[slot]
    if slot in SLOT_NAMES:
        return slot.replace("_", " ")
    return f"{slot.replace('_', ' ')} number"


def asked_lengths(turn: Turn) -> dict[str, int]:
    """Digit counts the business named so far ("your 10-digit account number"), by detail."""
    lengths: dict[str, int] = {}
    for line in turn.state.lines:
        request = line.request
        if request and request.length and not request.last_four:
            lengths[request.slots[0]] = request.length
    return lengths


def pet_name(turn: Turn) -> str:
    """ "my cat Luna's vet visit" -> "Luna"; a pet the goal does not name gets a name of its own."""
    m = re.search(
        r"\b(?:my|our)\s+(?:cat|dog|pet|puppy|kitten|bird|rabbit|horse|parrot)(?:,)?\s+([A-Z][a-z]+)",
        turn.goal.scenario,
    )
    return m.group(1) if m else turn.frame.stable_rng("pet").choice(PET_NAMES)


_CHILDREN = frozenset({"son", "daughter", "child", "kid", "grandson", "granddaughter", "niece", "nephew"})
_ELDERS = frozenset({"mother", "mom", "father", "dad", "grandmother", "grandfather", "aunt", "uncle"})


def owner_of(turn: Turn, request: DetailRequest, slot: str) -> str:
    """Whose detail answers the request: the caller's, or the person the call is for."""
    frame = turn.frame
    # "the other driver's name": whoever the scenario names by that part, whether or not the call is for them.
    for person in frame.read.people:
        if person.relation not in ("pet", *RELATIONS) and re.search(
            rf"\b{re.escape(person.relation)}\b", request.about
        ):
            return person.relation
    subject = frame.subject
    if (
        subject is None
        or request.whose == "mine"
        or (slot in ("phone", "email") and request.whose != "theirs")
    ):
        return ME
    if request.whose == "theirs" or frame.fact(slot, subject.relation) is not None:
        return subject.relation
    if slot in ("name", "date_of_birth") and re.search(
        r"\b(?:patient|passenger|member|insured)\b", turn.line.text, re.I
    ):
        return subject.relation
    return ME


def their_value(turn: Turn, slot: str, relation: str) -> str:
    """A detail of the person the call is for: the scenario's, else one a relative would know."""
    frame = turn.frame
    if (given := frame.fact(slot, relation)) is not None:
        return given
    person = frame.read.person(relation)
    mine = value(turn, "name").split()
    if slot == "name":
        rng = frame.stable_rng(f"name:{relation}")
        first = rng.choice(("Ruth", "Leo", "Maya", "Sam", "Ella", "Noah", "Rose", "Ben"))
        return person.name if person and person.name else f"{first} {mine[-1]}"
    if slot == "last_name":
        return person.name.split()[-1] if person and person.name else mine[-1]
    if slot == "date_of_birth":
        rng = frame.stable_rng(f"dob:{relation}")
        years = (
            (2008, 2020) if relation in _CHILDREN else (1938, 1958) if relation in _ELDERS else (1960, 1995)
        )
        return f"{MONTHS[rng.randrange(12)].capitalize()} {rng.randint(1, 28)}, {rng.randint(*years)}"
    return value(turn, slot)


ACCOUNT_LIKE = frozenset(
    {"account_number", "member", "policy", "patient", "subscriber", "customer", "student"}
)


def _given_account(turn: Turn) -> str | None:
    """The one account-like number the scenario or the user's persona gives, if there is exactly one."""
    frame = turn.frame
    given = {f.value for f in frame.read.facts_of() if f.kind in ACCOUNT_LIKE}
    if frame.context.persona is not None:
        details = frame.context.persona.details()
        given |= {v for k, v in details.items() if k in ACCOUNT_LIKE}
    return next(iter(given)) if len(given) == 1 else None


def value(turn: Turn, slot: str) -> str:
    frame = turn.frame
    persona = frame.persona
    if slot == "card_number" and slot not in persona.numbers:
        return card_number(frame.stable_rng("card"), value(turn, "card_last4"))
    if slot == "card_expiry" and slot not in persona.numbers:
        return card_expiry(frame.stable_rng("expiry"))
    if slot == "cvv":
        amex = has_word(frame.context.scenario, "amex", "american express")
        return security_code(frame.stable_rng("cvv"), amex)
    if slot == "pet_name":
        return pet_name(turn)
    direct = {
        "name": persona.name, "phone": persona.phone, "address": persona.address,
        "date_of_birth": persona.date_of_birth, "email": persona.email,
        "account_number": persona.account_number,
    }  # fmt: skip
    if slot in ACCOUNT_LIKE and slot not in frame.given_slots and (given := _given_account(turn)):
        # One number the user gave for the account answers whatever the business calls it ("member ID"),
        # before a number of that kind made up for the call.
        found = given
    elif direct.get(slot):
        found = str(direct[slot])
    elif slot in persona.numbers:
        found = persona.numbers[slot]

    else:
        # A number kind the persona lacks: made up, the same all call.
        found = str(frame.stable_rng(f"number:{slot}").randint(10_000_000, 99_999_999))
    # An invented number takes the length the business asked for, and keeps it for the rest of the call.
    want = asked_lengths(turn).get(slot)
    if want and slot not in frame.given_slots and found.isdigit() and len(found) != want:
        found = resized(found, want, frame.stable_rng(f"resize:{slot}"))
    return found


def known_values(turn: Turn) -> dict[str, str]:
    known = turn.frame.persona.details()
    known.update({slot: value(turn, slot) for slot in asked_lengths(turn)})
    return known


def keypad_digits(slot: str, found: str, length: int | None = None) -> str:
    if slot == "date_of_birth":
        # Keyed month, day, year: "August 19, 1952", "1952-08-19" and "8/19/1952" alike.
        m = re.match(r"([A-Za-z]+)\.?\s+(\d{1,2})\D+(\d{4})", found)
        iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", found)
        us = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", found)
        month_day_year = (
            (MONTHS.index(m.group(1).lower()) + 1, int(m.group(2)), m.group(3))
            if m and m.group(1).lower() in MONTHS
            else (int(iso.group(2)), int(iso.group(3)), iso.group(1))
            if iso
            else (int(us.group(1)), int(us.group(2)), us.group(3))
            if us
            else None
        )
        if month_day_year:
            month, day, year = month_day_year
            return f"{month:02d}{day:02d}{year[-2:] if length == 6 else year}"
    if slot == "card_expiry" and length == 6:
        return found[:2] + "20" + found[-2:]
    return digits_in(found)


def spoken_value(slot: str, found: str, variant: int) -> str:
    if slot == "phone":
        return say_phone(found)
    if slot == "email":
        return found.lower()
    if slot in ("name", "address", "date_of_birth", "card_expiry"):
        return found
    digits = digits_in(found)
    if digits == found and len(digits) >= 6:
        # Digits grouped on the first asking, one by one when asked again: how people repeat a number.
        group = 3 if len(digits) % 4 and not len(digits) % 3 else 4
        return spoken_digits(digits, group if variant == 0 else 0)
    return found


def holds(turn: Turn, request: DetailRequest) -> bool:
    """Whether the caller has every detail asked for: its own, the goal's, or a card it pays with."""
    own = set(turn.frame.persona.details()) | {"card_number", "card_expiry", "cvv", "pet_name"}
    if NEW_MATTER.match(turn.goal.task):
        # "the police report number is 24-11873": a number the scenario states is the caller's to give.
        own |= {fact.kind for fact in turn.frame.read.facts}
        # Filing a claim or reporting a loss now: no claim or file number exists yet unless the goal says.
        own = {slot for slot in own if slot in turn.frame.given_slots or slot not in MATTER_NUMBERS}
        return all(slot in own for slot in request.slots)
    return all(slot in own or slot in SLOT_NAMES for slot in request.slots)


_POSSESSIVE = {"he": "his", "she": "her", "it": "its"}


def _whose(turn: Turn, owner: str) -> str:
    """ "my", or "his"/"her"/"their" for the person the detail belongs to."""
    if owner == ME:
        return "my"
    person = turn.frame.read.person(owner)
    return _POSSESSIVE.get(person.pronoun, "their") if person else "their"


def give_details(turn: Turn, request: DetailRequest, also: bool = False) -> Move:
    values = []
    owners: dict[str, str] = {}
    for slot in request.slots:
        owner = owners[slot] = owner_of(turn, request, slot)
        found = value(turn, slot) if owner == ME else their_value(turn, slot, owner)
        if slot == "name" and request.part:
            found = found.split()[0] if request.part == "first" else found.split()[-1]
        if request.last_four:
            found = digits_in(found)[-4:] or found
        values.append((slot, found))
    slots = tuple(slot for slot, _ in values)
    if request.press:
        # One value per entry: an IVR takes one number at a time, and two run together are neither.
        slot, v = next(((sl, v) for sl, v in values if keypad_digits(sl, v, request.length)), values[0])
        if digits := keypad_digits(slot, v, request.length):
            keys = digits + ("#" if request.pound else "")
            return Move(keys=keys, why=f"keyed in the {label(slot)}", facts=(slot,))
    asked_before = sum(1 for line in turn.state.earlier if line.request == request)
    spoken = [(slot, spoken_value(slot, v, asked_before)) for slot, v in values]
    first_slot, first = spoken[0]
    first_label = label(first_slot)
    why = f"asked for {', '.join(label(s) for s in slots)}"
    if request.after_tone and len(spoken) == 1:
        return Move(says=(say("detail_alone", value=first),), why=why, facts=slots)
    if also:  # after a correction: "Sorry, it's H X 4 4 8 1 2. And my last name is Patel."
        part = f"{request.part} name" if first_slot == "name" and request.part else first_label
        return Move(says=(say("also_detail", label=part, value=first),), why=why, facts=slots)
    if request.spell and first_slot == "name":
        spelled = "-".join(first.split()[-1].upper())
        first_say = say("detail_spelled_name", "detail", value=first, label=first_label, spelled=spelled)
    else:
        if request.spell and re.fullmatch(r"[A-Za-z0-9-]+", first):
            first = "-".join(first.replace("-", "").upper())
        bank = "detail_last_four" if request.last_four else _DETAIL_BANKS.get(first_slot, "detail")
        first_say = say(bank, "detail", value=first, label=first_label)
    more = tuple(
        say("and_detail", label=label(slot), value=v, whose=_whose(turn, owners[slot]))
        for slot, v in spoken[1:]
    )
    return Move(says=(first_say, *more), why=why, facts=slots)
