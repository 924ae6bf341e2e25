"""The facts a scenario states, each with its kind, its value as written, and whom it belongs to.

"book a follow-up for my father, Harold Brennan, born January 20, 1941. My number is 555-288-1930."
states a person (the caller's father, named, with a date of birth) and a phone number (the caller's).
A fact belongs to the caller unless the words around it tie it to someone else: a relation just before
it ("my mother Ruth Alvarez", "my daughter Maya's line, 503-555-0121"), or a pronoun that points at
the one other person the scenario names ("Her date of birth is ...", "he was born ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from callersim_cli.engines.offline.text import MONTHS

ME = "me"

# The people a caller calls for, by the word that names them; the pronoun that then points at them.
RELATIONS: dict[str, str] = {
    "mother": "she", "mom": "she", "father": "he", "dad": "he", "son": "he", "daughter": "she",
    "wife": "she", "husband": "he", "brother": "he", "sister": "she", "grandmother": "she",
    "grandfather": "he", "partner": "they", "friend": "they", "child": "they", "kid": "they",
    "aunt": "she", "uncle": "he", "niece": "she", "nephew": "he", "boss": "they", "tenant": "they",
    "employee": "they", "client": "they", "patient": "they", "grandson": "he", "granddaughter": "she",
}  # fmt: skip
PETS = ("dog", "cat", "puppy", "kitten", "pet", "bird", "rabbit", "horse", "parrot", "beagle", "labrador",
        "retriever", "terrier", "poodle", "hamster", "cats", "dogs")  # fmt: skip

_NAME = r"[A-Z][a-z]+(?:-[A-Z][a-z]+|'[A-Z][a-z]+)?"
_FULL_NAME = rf"{_NAME}(?:\s+(?:[A-Z]\.\s+)?{_NAME}){{0,2}}"
_MONTH = "|".join(m.capitalize() for m in MONTHS) + "|" + "|".join(MONTHS)
_DATE_TEXT = (
    rf"(?:(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|"
    r"\d{4}-\d{2}-\d{2})"
)
_NOT_NAMES = frozenset(
    {*(m.capitalize() for m in MONTHS), "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
     "Sunday", "I", "My", "The", "Her", "His", "She", "He", "It", "Dr", "Mr", "Mrs", "Ms", "Only", "No",
     "Just", "Apt", "Unit", "Suite", "Visa", "Mastercard", "Amex", "ZIP", "PIN", "If", "And", "But"}
)  # fmt: skip


@dataclass(frozen=True)
class Fact:
    kind: str  # the detail it answers: "phone", "date_of_birth", "order", "pin", "last_name", ...
    value: str  # as the scenario writes it
    owner: str = ME  # ME, or the relation of the person it belongs to ("mother", "son", "pet")
    label: str = ""  # the scenario's own words for it: "bag tag number", "routing number"
    start: int = 0  # where it sits in the scenario


@dataclass(frozen=True)
class Person:
    relation: str  # "mother", "son", "pet"
    name: str | None
    pronoun: str  # "he", "she", "they", "it"
    start: int = 0


# --- people -----------------------------------------------------------------------------------------------

_RELATION_WORDS = "|".join(sorted(RELATIONS, key=len, reverse=True))
_PET_WORDS = "|".join(sorted(PETS, key=len, reverse=True))
_PERSON = re.compile(
    rf"\b(?:[Mm]y|[Oo]ur|[Yy]our|[Hh]is|[Hh]er)\s+(?:(?:\d+[-\s][\w-]+|two|three|four)\s+)?"
    rf"(?:(?:older|younger|elderly|little|baby)\s+)?"
    rf"({_RELATION_WORDS}|{_PET_WORDS})(?:'s)?(?:,\s*|\s+is\s+|\s+)\(?((?:{_FULL_NAME})(?:\s+and\s+{_NAME})?)",
)
_SHE_IS = re.compile(rf"\b(She|He)(?:'s| is)\s+({_FULL_NAME})\b")
_POSSESSIVE_NAME = re.compile(rf"\b({_NAME})'s\s+(?:birthday|date of birth|dob)\b")


def people_of(scenario: str) -> list[Person]:
    people: list[Person] = []
    for m in _ROLE_PERSON.finditer(scenario):
        people.append(Person(m.group(1).lower().strip(), m.group(2), "they", m.start()))
    for m in _PERSON.finditer(scenario):
        relation = m.group(1).lower()
        name = m.group(2).strip()
        words = name.split()
        if words[0] in _NOT_NAMES:
            continue
        # "my son Theo Marsh" or "my dog Biscuit's"; a second capitalised word after a comma is not a name.
        pronoun = "it" if relation in PETS else RELATIONS.get(relation, "they")
        if relation in PETS:
            relation = "pet"
        people.append(Person(relation, name, pronoun, m.start()))
    named = {p.relation for p in people}
    # "my daughter Lily, who's on my plan": a relation named once; "my mother's SNAP interview ... She is
    # Ruth Alvarez": a relation named later by a pronoun.
    # A scenario may speak to the caller: "your son's pediatrician ... Your son is Eli Delgado".
    for m in re.finditer(rf"\b(?:[Mm]y|[Oo]ur|[Yy]our)\s+({_RELATION_WORDS})(?:'s)?\b", scenario):
        relation = m.group(1).lower()
        if relation in named:
            continue
        pronoun = RELATIONS[relation]
        later = _SHE_IS.search(scenario, m.end())
        name = later.group(2) if later and later.group(1).lower() == pronoun else None
        people.append(Person(relation, name, pronoun, m.start()))
        named.add(relation)
    return sorted(people, key=lambda p: p.start)


# --- facts ------------------------------------------------------------------------------------------------

# Number kinds by the words a scenario labels them with; the longest label that fits wins.
NUMBER_LABELS: dict[str, str] = {
    "account": "account_number", "account number": "account_number", "customer": "account_number",
    "guarantor account": "account_number", "checking account": "account_number",
    "order": "order", "order code": "order", "repair order": "order", "work order": "order",
    "confirmation": "confirmation", "confirmation code": "confirmation", "reservation": "confirmation",
    "booking": "confirmation", "booking reference": "confirmation", "record locator": "confirmation",
    "claim": "claim", "policy": "policy", "member": "member", "member id": "member",
    "membership": "member", "subscriber": "member", "subscriber id": "member", "loyalty": "member",
    "rewards": "member", "insurance member": "member", "prescription": "prescription", "rx": "prescription",
    "tracking": "tracking", "case": "case", "ticket": "ticket", "citation": "ticket", "violation": "ticket",
    "pin": "pin", "zip": "zip", "zip code": "zip", "billing zip": "zip", "property zip": "zip",
    "invoice": "invoice", "group": "group", "patient": "patient", "record": "record",
    "license": "license", "plate": "plate", "flight": "flight", "student": "student", "student id": "student",
    "applicant": "applicant", "applicant id": "applicant", "employee": "employee", "vin": "vin",
    "serial": "serial", "reference": "reference", "file": "reference", "shipment": "tracking",
    "package": "tracking", "parcel": "tracking", "incident": "case", "complaint": "case",
    "service request": "case", "appointment": "confirmation", "application": "application", "loan": "loan",
    "meter": "meter", "registration": "registration", "permit": "permit", "iccid": "iccid", "imei": "imei",
    "bag tag": "bag_tag", "claim tag": "bag_tag", "tag": "bag_tag", "agreement": "agreement",
    "rental agreement": "agreement", "participant": "participant", "juror participant": "participant",
    "juror": "participant", "workspace": "workspace", "workspace id": "workspace", "routing": "routing",
    "receipt": "receipt", "police report": "report", "report": "report", "room": "room",
    "transaction": "transaction", "confirmation number": "confirmation", "frequent flyer": "member",
    # The whole Social Security number; a request for its last four takes them from it.
    "ssn": "ssn_last4", "social security": "ssn_last4", "acct": "account_number",
    "unit": "unit", "apartment": "unit", "apt": "unit", "suite": "unit", "storage unit": "unit",


}  # fmt: skip
_LABELS = "|".join(sorted((re.escape(k) for k in NUMBER_LABELS), key=len, reverse=True))
# A code: runs of capitals and digits, grouped by spaces or hyphens ("1Z 9W2 R44 66 0312 8870",
# "DB-7H2K-4419", "88213-B", "7720 1184 5593"), with at least one digit.
_CODE = r"(?-i:(?:[A-Z]{1,4}[- ]?)?\d[A-Z0-9]*(?:[- ](?:[A-Z0-9]*\d[A-Z0-9]*|[A-Z]{1,3}\b(?![a-z])))*)"
_LABELLED = re.compile(
    rf"\b({_LABELS})(?:\s+(?:number|no\.?|#|id|code|reference|ref\.?|ending in|ends in|ending))?"
    rf"(?:\s+(?:is|are|was|of|shows|reads))?(?:,\s*(?:number|no\.?|#))?\s*[:#]?\s*({_CODE})",
    re.I,
)
_CARD_LAST4 = re.compile(
    r"\b(?:card|visa|mastercard|amex|discover|debit|credit)\b[^.;\d]{0,30}?"
    r"(?:ending(?:\s+in)?|ends\s+in|last\s+(?:four|4)(?:\s+digits)?(?:\s+(?:is|are))?)\s*(\d{4})\b",
    re.I,
)
_CARD_NUMBER = re.compile(r"\bcard(?:,)?\s+number\s+((?:\d{4}[\s-]?){3}\d{1,4})", re.I)
_EXPIRY = re.compile(r"\b(?:expir\w+|exp\.?|valid thru)\s+(?:date\s+)?(?:is\s+)?(\d{2}/\d{2,4})", re.I)
_SSN = re.compile(
    r"\b(?:ssn|social security(?: number)?)\b[^.;\d]{0,30}?(?:are|is|:)?\s*(\d{4})\b|"
    r"\blast (?:four|4)(?: digits)? of my (?:ssn|social(?: security)?(?: number)?)(?: are| is)?\s*(\d{4})\b",
    re.I,
)
# A word given as a passcode: "verbal passcode 'bluebird'", "the password is Marigold".
_PASSWORD = re.compile(
    r"\b(?:pass ?code|password|pass ?word|passphrase|code word|security word)\s+(?:is\s+)?[:'\"“‘]\s*"
    r"([A-Za-z][A-Za-z -]{2,24}?)\s*['\"”’]",
    re.I,
)
_NEW_PIN = re.compile(r"\b(?:set|change|reset)\s+(?:the|my|a)\s+(?:new\s+)?pin\s+(?:to|as)\s+(\d{4,6})", re.I)
_PHONE = re.compile(r"(?:\+?1[\s.-]?)?\(?\b\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}\b")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]*\w\b")
_STREET = (
    r"Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Way|Boulevard|Blvd|Court|Ct|Place|Pl|Terrace|Circle|"
    r"Parkway|Pkwy|Highway|Hwy|Route"
)
_ADDRESS = re.compile(
    rf"\b\d{{1,6}}\s+(?:[A-Z0-9][\w.']*\s+){{1,4}}(?:{_STREET})\b\.?"
    r"(?:,?\s*(?:Apt|Apartment|Unit|Suite|#)\.?\s*\w+)?"
    r"(?:,\s*(?!Apt|Unit|Suite)[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)?(?:,?\s+[A-Z]{2}\b)?(?:,?\s+\d{5})?"
)
_DOB = re.compile(
    rf"\b(?:date of birth|birth ?date|birthday|dob|born(?: on)?)(?:\s+(?:is|"
    rf"was))?[:,]?\s*({_DATE_TEXT}|\d{{4}})",
    re.I,
)
_MY_NAME = re.compile(
    rf"\b(?:(?i:my name is|name is|name:|the patient is me,|the account admin,|renter|(?:graduated|enrolled|"
    rf"registered|attended|known|married)(?: in \d{{4}})? as)|[Nn]ame|I am|I'm|[Tt]his is|"
    rf"me \()\s*({_FULL_NAME})"
)
# Others the scenario names by their part in the story: "The other driver is Carl Jensen".
_ROLE_PERSON = re.compile(
    rf"\b(?:[Tt]he|[Mm]y|[Yy]our)\s+((?:other |new |primary |)(?:driver|doctor|dentist|adjuster|landlord|"
    rf"recipient|"
    rf"advisor|contact|physician|vet|veterinarian|employer|manager|teacher|attorney|lawyer|agent))"
    rf"(?:\s+is|,)\s+((?:Dr\.\s+)?{_FULL_NAME})"
)
_LAST_NAME = re.compile(
    rf"\b(?:my last name is|last name|surname|under the (?:last )?name|under|"
    rf"name)\s+(?:of\s+)?({_NAME})\b(?!\s+{_NAME})"
)


_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|my|me|mine|our|we)\b", re.I)
_PRONOUN = re.compile(r"\b(she|her|he|his|him)\b", re.I)


def _owner_before(scenario: str, start: int, people: list[Person]) -> str:
    """Whom a fact at ``start`` belongs to: the nearest mention before it in its sentence decides.

    A person's name or relation ("my daughter Maya's line, 503-...", "my father, Harold Weiss (born
    1941)") or a pronoun for them ("Her date of birth is", "his member ID") makes it theirs; "I", "my"
    or nothing makes it the caller's. "my mom's birthday, under the name Kowalczyk" is the caller's:
    a relation that owns a thing ("mom's birthday") points at the thing, not at what follows.
    """
    sentence_start = max(scenario.rfind(". ", 0, start), scenario.rfind("; ", 0, start), -1) + 1
    before = scenario[sentence_start:start]
    anchors: list[tuple[int, str]] = [(m.end(), ME) for m in _FIRST_PERSON.finditer(before)]
    pronouns = {p.pronoun: p.relation for p in people if p.relation != "pet"}
    for m in _PRONOUN.finditer(before):
        word = m.group(1).lower()
        pronoun = {"her": "she", "his": "he", "him": "he"}.get(word, word)
        if pronoun in pronouns:
            anchors.append((m.end(), pronouns[pronoun]))
        elif len(pronouns) == 1:
            anchors.append((m.end(), next(iter(pronouns.values()))))
    for person in people:
        if person.relation == "pet":
            continue
        for word in {person.relation, *(person.name or "").split()}:
            for m in re.finditer(
                rf"\b{re.escape(word)}\b('s\s+[a-z]+)?", before, re.I if word == person.relation else 0
            ):
                if m.group(1) and word == person.relation:
                    continue  # "mom's birthday": the birthday is hers, not what comes after it
                anchors.append((m.end(), person.relation))
    if not anchors:
        return ME
    end, owner = max(anchors)
    if owner != ME and start - sentence_start - end > 60:
        return ME
    return owner


def _fact(kind: str, m: re.Match[str], group: int, label: str, scenario: str, people: list[Person]) -> Fact:
    return Fact(
        kind, m.group(group).strip(" ,.-"), _owner_before(scenario, m.start(), people), label, m.start()
    )


def facts_of(scenario: str, people: list[Person]) -> list[Fact]:
    facts: list[Fact] = []
    taken: list[tuple[int, int]] = []

    def add(fact: Fact, span: tuple[int, int]) -> None:
        if any(s < span[1] and span[0] < e for s, e in taken):
            return
        taken.append(span)
        facts.append(fact)

    for m in _NEW_PIN.finditer(scenario):
        add(Fact("new_pin", m.group(1), ME, "new PIN", m.start()), m.span(1))
    for m in _EMAIL.finditer(scenario):
        add(_fact("email", m, 0, "email", scenario, people), m.span())
    for m in _CARD_NUMBER.finditer(scenario):
        add(_fact("card_number", m, 1, "card number", scenario, people), m.span(1))
        digits = re.sub(r"\D", "", m.group(1))
        facts.append(Fact("card_last4", digits[-4:], ME, "card", m.start()))
    for m in _EXPIRY.finditer(scenario):
        add(_fact("card_expiry", m, 1, "expiration date", scenario, people), m.span(1))
    for m in _CARD_LAST4.finditer(scenario):
        add(_fact("card_last4", m, 1, "card", scenario, people), m.span(1))
    for m in _SSN.finditer(scenario):
        group = 1 if m.group(1) else 2
        add(_fact("ssn_last4", m, group, "Social Security number", scenario, people), m.span(group))
    for m in _DOB.finditer(scenario):
        add(_fact("date_of_birth", m, 1, "date of birth", scenario, people), m.span(1))
    for m in _PASSWORD.finditer(scenario):
        add(_fact("pin", m, 1, "passcode", scenario, people), m.span(1))
    for m in _ADDRESS.finditer(scenario):
        label = _address_label(scenario, m.start())
        owner = _owner_before(scenario, m.start(), people)
        add(Fact("address", m.group(0).rstrip(".,"), owner, label, m.start()), m.span())
    for m in _PHONE.finditer(scenario):
        owner = _owner_before(scenario, m.start(), people)
        add(Fact("phone", m.group(0).strip(), owner, _phone_label(scenario, m.start()), m.start()), m.span())
    for m in _LABELLED.finditer(scenario):
        label = " ".join(m.group(1).lower().split())
        kind = NUMBER_LABELS.get(label, label.replace(" ", "_"))
        value = m.group(2).strip(" -")
        if kind == "zip" and not re.fullmatch(r"\d{5}", value):
            continue
        if kind == "zip" and "near" in scenario[max(0, m.start() - 6) : m.start()]:
            label = "near"  # "near ZIP code 60614": where to search, not where the caller lives
        add(Fact(kind, value, _owner_before(scenario, m.start(), people), label, m.start()), m.span(2))
    for m in re.finditer(r"\b(?:zip(?: code)?|near)\s+(?:is\s+|code\s+)?(\d{5})\b", scenario, re.I):
        label = (
            "near"
            if m.group(0).lower().startswith("near") or "near" in scenario[max(0, m.start() - 6) : m.start()]
            else "ZIP code"
        )
        add(Fact("zip", m.group(1), ME, label, m.start()), m.span(1))
    if (
        (address := next((f for f in facts if f.kind == "address"), None))
        and (z := re.search(r"\b(\d{5})$", address.value))
        and not any(f.kind == "zip" for f in facts)
    ):
        facts.append(Fact("zip", z.group(1), address.owner, "ZIP code", address.start))
    facts += _names(scenario, people, taken)
    return sorted(facts, key=lambda f: f.start)


ADDRESS_LABELS = (
    "new apartment", "new address", "service address", "property", "deliver", "ship", "in front of", "near",
    "stop", "start", "lives at", "home",
)  # fmt: skip
PHONE_LABELS = (
    "text",
    "callback",
    "call-back",
    "call back",
    "cell",
    "line",
    "on my account",
    "on the account",
    "account",
)


def _address_label(scenario: str, start: int) -> str:
    before = scenario[max(0, start - 40) : start].lower()
    for label in ADDRESS_LABELS:
        if label in before:
            return label
    return "address"


def _phone_label(scenario: str, start: int) -> str:
    before = scenario[max(0, start - 40) : start].lower()
    for label in PHONE_LABELS:
        if label in before:
            return label
    return "phone"


def _names(scenario: str, people: list[Person], taken: list[tuple[int, int]]) -> list[Fact]:
    facts: list[Fact] = []
    for person in people:
        if person.name and person.relation != "pet":
            facts.append(Fact("name", person.name, person.relation, person.relation, person.start))
        elif person.name:
            facts.append(Fact("pet_name", person.name, "pet", "pet", person.start))
    for m in _MY_NAME.finditer(scenario):
        name = m.group(1)
        if name.split()[0] in _NOT_NAMES or any(p.name and name in p.name for p in people):
            continue
        if any(s <= m.start(1) < e for s, e in taken):
            continue
        words = name.split()
        if len(words) == 1 and not re.search(r"(?i)name", m.group(0)):
            continue  # "I'm Sorry" is not a name; a lone word needs the word "name"
        owner = _owner_before(scenario, m.start(), people)
        facts.append(Fact("name" if len(words) > 1 else "last_name", name, owner, "name", m.start()))
    for m in _LAST_NAME.finditer(scenario):
        name = m.group(1)
        if name in _NOT_NAMES or any(f.value.split()[-1] == name for f in facts if f.kind == "name"):
            continue
        if any(f.kind == "last_name" and f.value == name for f in facts):
            continue
        owner = _owner_before(scenario, m.start(), people)
        facts.append(Fact("last_name", name, owner, "last name", m.start()))
    return facts
