"""Requests for the caller's details: which details a line asks for, and how they are to be given."""

from __future__ import annotations

import re
from dataclasses import dataclass

from callersim_cli.engines.offline.goal import number_kind
from callersim_cli.engines.offline.menus import COUNTS
from callersim_cli.engines.offline.scenario_facts import NUMBER_LABELS
from callersim_cli.engines.offline.text import COUNT_WORDS, normalize_line, sentences

_THING_NAMES = (
    r"(?:merchant|company|business|store|shop|vendor|seller|retailer|restaurant|hotel|pharmacy|doctor|"
    r"dentist|provider|clinic|hospital|drug|medication|medicine|product|item|plan|procedure|street|pet|"
    r"dog|cat|employer|school|bank|airline|app|website|service|program|file|user|office|location|branch|town|"
    r"city|department|facility|hotel|shop|vaccine|medication|insurance|insurer|carrier|lender)"
)
# Details a business asks for, the words that name them, most specific first.
SLOT_PATTERNS: tuple[tuple[str, str], ...] = (
    ("ssn_last4", r"social security|\bssn\b"),
    (
        "card_last4",
        r"(?:last (?:four|4)(?: digits)?(?: of)? (?:your |the )?(?:debit |credit )?card)|card ending",
    ),
    # The whole card, its expiry and the code on its back: asked when a payment is taken by phone.
    ("card_number", r"card(?:'s)? number|number on (?:the front of )?(?:your |the )card|full card"),
    ("card_expiry", r"expiration|expiry|exp\.? date|valid (?:thru|through)"),
    ("cvv", r"\bcvv2?\b|\bcvc\b|security code|verification (?:code|number|value)|code on the back"),
    ("date_of_birth", r"date of birth|birth ?date|birthday|\bdob\b|when were you born"),
    # "Email it to claims at pawsure dot com" gives the business's address; it asks for none of ours.
    ("email", r"e-?mail(?!\s+(?:it|them|us|this|that|a copy)\b|\s+to\b)"),
    ("pet_name", r"\b(?:pet|dog|cat|puppy|kitten|animal)(?:'s)? name|name of (?:your|the) (?:pet|dog|cat)"),
    ("zip", r"\bzip\b|postal code"),
    # "associated with your account", "the account holder's name": the account only qualifies another detail.
    (
        "account_number",
        r"account (?:number|id|#)|customer (?:number|id)|"
        # A bare "account" only when it is what is asked for ("What's your account?"); "is the account not
        # yours", "which account", "a Garnet Rewards account" ask for no number.
        r"(?<!with your )(?<!with the )(?<!on your )(?<!on the )(?<!for your )(?<!for the )(?<!to your )"
        r"(?<!under your )(?<!under the )(?:(?<=your )|(?<=the ))\baccount\b(?=\s*(?:[?,.]|please\b|$))",
    ),
    ("order", r"order (?:number|id|#)"),
    (
        "confirmation",
        r"confirmation (?:number|code|#)|reservation (?:number|code)|booking (?:number|reference|"
        r"code)|record locator",
    ),
    ("claim", r"claim (?:number|id|#)"),
    ("policy", r"policy (?:number|id|#)"),
    ("member", r"member(?:ship)? (?:number|id|#)|\bmember id\b|loyalty number|rewards number"),
    ("prescription", r"prescription (?:number|#)|\brx (?:number|#)"),
    (
        "new_pin",
        r"\bnew (?:[\w-]+ )?pin\b|\b(?:choose|create|pick|select|set) (?:a |"
        r"your )?(?:new )?(?:\w+-digit )?pin\b",
    ),
    ("pin", r"\bpin\b|passcode|pass code|access code"),
    ("tracking", r"tracking (?:number|#|id|code)"),
    ("vin", r"vehicle identification number|\bvin\b"),
    ("meter", r"meter reading|\bthe reading\b|reading (?:on|from) (?:your|the) meter"),
    ("license", r"licen[cs]e (?:number|#|id)|driver'?s? licen[cs]e|licen[cs]e plate"),
    (
        "phone",
        r"(?:tele)?phone number|\b(?:tele)?phone\b(?!\s+(?:banking|keypad|pin))|mobile number|"
        r"callback number|"
        # "Please call back when the work is done" tells the caller what to do; it asks for no number.
        r"call ?back (?:number|#)|call you back|contact number|best number|"
        r"number (?:where|to reach|we can)|\bcell\b|what number (?:should|can|do|will|would)\b",
    ),
    (
        "address",
        r"(?<!e-mail )(?<!email )address|where\b[^?.]*\b(?:deliver|send|ship)|street",
    ),
    (
        "name",
        rf"\bname\b(?! of (?:the |your |this |that )?(?:[\w-]+ ){{0,2}}{_THING_NAMES})|"
        r"who (?:am i|do i have|is) (?:speaking|on the line|calling)|who's calling|"
        r"who do i have the pleasure|who(?:'m| am) i (?:talking|speaking)|who(?:'s| is) this\b|"
        r"whom am i",
    ),
)
_LABEL_WORDS = "|".join(sorted((re.escape(k) for k in NUMBER_LABELS), key=len, reverse=True))
_LABELLED = re.compile(
    rf"\b({_LABEL_WORDS})(?:'s)?\s+(?:number|no\b|#|id\b|code\b|reference\b)|\b(vin|iccid|imei|"
    rf"bag tag|claim tag)\b",
    re.I,
)
# Whose detail is asked for: "your" is the caller's; "his", "her", "the patient's", "the name on the
# account" are the person the call is for, when there is one.
_THEIRS = re.compile(
    r"\b(?:his|her|their|him)\b|\b(?:the\s+)?(?:patient|passenger|member|account ?holder|"
    r"primary(?: account holder)?|"
    r"insured|policy ?holder|guest|student|child|beneficiary|applicant|traveler|traveller|deceased|"
    r"head of household|recipient|subscriber|driver|pet|animal)(?:'s|\s+name\b|\s+(?:date of birth|"
    r"birth ?date|dob)\b)|"
    r"\bof the (?:patient|passenger|member|account holder|insured|policyholder|guest|student|child|"
    r"head of household|deceased)\b|\bname (?:on|for) the (?:account|reservation|booking|policy|"
    r"room|prescription)\b|"
    r"\bwho (?:is|will be|'s) (?:the \w+ )?(?:for|staying|traveling|travelling|flying)\b",
    re.I,
)
_MINE = re.compile(r"\byour\b|\bwho (?:am i|is calling|do i have|'s calling)|\bcaller\b", re.I)
_REQUEST = re.compile(
    r"\b(?:what(?:'s| is| are)?|may i|can i|could i|could you|can you|would you|please|"
    r"(?<!okay to )(?<!ok to )(?<!permission to )enter|"
    r"(?:please |now |just )?say (?:your|the|it|a|an|that|or enter)|^say\b|provide|give (?:me|us|your|the)|"
    r"tell|state|spell|verify|confirm|key in|type|i need|we need|i'll need|read me|let me have|"
    r"(?:can|could|may) i (?:get|have)|let me get|go ahead with)\b",
    re.I,
)
# Sentences that mention a detail without asking for it now: yes/no questions about it ("Have you given the
# card number to anyone?"), things to bring or have ready, the format a speech line takes ("You can say a
# town or a ZIP code"), and what the business will send ("You'll get a confirmation email").
_NOT_ASKING = re.compile(
    r"^(?:and\s+|so\s+|okay,?\s+)?(?:would you like|do you want|shall|should|is it|is that|is this|are you|"
    r"(?!have you got\b|did you get\b)(?:have|has|did|does|is|are|was|were)\s+(?:you|your|anyone|"
    r"someone|somebody|it|"
    r"the|that|this|they)\b|"
    r"(?:can|could|would|will) you (?:send|upload|e-?mail|mail|fax|bring|forward|submit|do)\b)|"
    r"\bplease (?:bring|have|gather|keep|remember)\b|\bhave your [\w\s]+ ready\b|\byou can (?:also )?say\b|"
    r"\byou(?:'ll| will) (?:get|receive|need to bring)\b|\b(?:we|i) (?:can't|cannot|don't|"
    r"do not) (?:take|accept)\b",
    re.I,
)
_PRESS_MODE = re.compile(
    r"\b(?:enter|key in|keypad|touch-?tone|type in|using your (?:phone|keypad)|dial pad)\b", re.I
)
_POUND = re.compile(r"\b(?:followed by|then press|and then|then)\s+(?:the\s+)?(?:pound|hash|#)", re.I)


@dataclass(frozen=True)
class DetailRequest:
    slots: tuple[str, ...]  # in the order asked
    part: str | None  # "first" or "last" for a name
    press: bool  # "enter ... using your keypad": press the digits instead of saying them
    pound: bool  # "followed by the pound key"
    last_four: bool
    spell: bool
    length: int | None = None  # "your 10-digit account number": how many digits the business expects
    after_tone: bool = False  # "state your name after the tone": the answer alone, as a recording wants it
    whose: str = ""  # "mine" (the caller's), "theirs" (the person the call is for), or "" when unsaid
    about: str = ""  # the sentence that asked, lower-case: "and the other driver's name?"


def detail_request(line: str) -> DetailRequest | None:
    """The caller details this line asks for, if it asks for any."""
    found: list[tuple[int, str]] = []
    whose = about = ""
    press = pound = last_four = spell = False
    part: str | None = None
    for index, sentence in enumerate(sentences(line)):
        lowered = sentence.lower()
        if _NOT_ASKING.search(lowered) or re.search(
            r",\s*(?:[\w-]+\s+){0,2}[\w-]+ or [\w-]+(?:\s+[\w-]+)?\?$", lowered
        ):
            continue  # an offer or a yes/no question that mentions a detail ("sent to the address on file?")
        # A request verb, or a bare question ("And the date of birth?", "Your ZIP code?").
        if not (_REQUEST.search(sentence) or sentence.endswith("?")):
            continue
        if len(re.sub(r"\D", "", sentence)) >= 4 and not re.search(
            r"\b(?:(?<!okay to )enter|say|what)\b", lowered
        ):
            continue  # a read-back ("Is your number 415...?") is confirmed, not answered with the detail
        # "Is mwebb at outlook dot com still the best email?", "And the unit is 5B?": read back to confirm.
        if sentence.endswith("?") and (
            re.search(r"\bat [a-z0-9-]+ dot [a-z]+\b|@", lowered)
            or re.search(r"\b(?:is|was|are)\s+[\w-]*\d[\w-]*\?$", lowered)
        ):
            continue
        taken: list[tuple[int, int]] = []
        for slot, pattern in SLOT_PATTERNS:
            for m in re.finditer(pattern, lowered):
                if any(s <= m.start() < e for s, e in taken):
                    continue
                if slot == "address" and re.search(r"address on file|same address", lowered):
                    continue
                # "the merchant name", "the name of the pharmacy" name a business or a thing, not the caller.
                if slot == "name" and re.search(rf"\b{_THING_NAMES}(?:'s)?\s+$", lowered[: m.start()]):
                    continue
                taken.append(m.span())
                found.append((index * 10_000 + m.start(), slot))
                whose = whose or (
                    "theirs" if _THEIRS.search(lowered) else "mine" if _MINE.search(lowered) else ""
                )
                about = about or lowered
                break
        # Any other labelled number ("your citation number", "the student ID", "flight number") is the goal's
        # number of that kind, whatever synonym the business uses for it.
        for m in _LABELLED.finditer(lowered):
            if not any(s <= m.start() < e for s, e in taken):
                taken.append(m.span())
                label = " ".join((m.group(1) or m.group(2)).lower().split())
                found.append((index * 10_000 + m.start(), NUMBER_LABELS.get(label, number_kind(label))))
    if not found:
        return None
    # How to give them may be said in a sentence of its own ("Please say it now, one character at a time").
    lowered = normalize_line(line).lower()
    press = bool(_PRESS_MODE.search(lowered)) and not re.search(r"\bsay\b", lowered)
    pound = bool(_POUND.search(lowered))
    last_four = bool(re.search(r"last (?:four|4)", lowered))
    spell = bool(re.search(r"\bspell\b|one (?:character|letter) at a time", lowered))
    if re.search(r"\bfirst and last name|\blast(?: name)?,? (?:and )?first name|\bfull name", lowered):
        part = None  # "the patient's last name, first name, and date of birth": the whole name
    elif name_part := re.search(r"\b(first|last|sur)\s*name\b", lowered):
        part = "first" if name_part.group(1) == "first" else "last"
    slots = tuple(dict.fromkeys(slot for _, slot in sorted(found)))
    length = None
    if re.search(r"\b(?:two|2) digits (?:each|for each)\b", lowered) and "date_of_birth" in slots:
        length = 6  # "month, day, and year, using two digits each"
    elif count := re.search(rf"\b(\d{{1,2}}|{COUNTS})[\s-]+digits?\b", lowered):
        length = int(count.group(1)) if count.group(1).isdigit() else COUNT_WORDS[count.group(1)]
    after_tone = bool(re.search(r"\b(?:after|at) the (?:tone|beep)\b", lowered))
    return DetailRequest(slots, part, press, pound, last_four, spell, length, after_tone, whose, about)
