"""Reading what the business says: menus, spoken choices, requests for details, read-backs and the rest.

Each reader looks for a pattern of phone talk (a key after "press"/"oprima", a detail noun after "what's
your"/"please enter", alternatives joined by "or"), not for fixed sentences, so new businesses and new
wordings are understood the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from callersim_cli.engines.offline.goal import KIND_WORDS, number_kind
from callersim_cli.engines.offline.text import (
    COMMON_WORDS,
    COUNT_WORDS,
    FILLERS,
    NUMBER_WORDS,
    Terms,
    has_word,
    normalize_line,
    plausible_word,
    sentences,
    stem,
    words,
)

_COMMON_STEMS = frozenset(stem(w) for w in COMMON_WORDS)

_COUNTS = "|".join(sorted(COUNT_WORDS, key=len, reverse=True))
_KEY_WORDS = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_KEY = rf"(?:[0-9]|[*#]|{_KEY_WORDS})"
_PRESS_VERB = (
    r"(?:press(?:\s+or\s+say)?|say\s+or\s+press|oprima|marque|pulse|presione|"
    r"dial|push|hit|select|choose|enter)"
)
_KEY_MENTION = re.compile(
    rf"\b{_PRESS_VERB}\s+(?:the\s+|el\s+|la\s+)?(?:number\s+|"
    rf"n[uú]mero\s+)?({_KEY})(?:\s+key)?\b(?!\s*(?:-?\s*digit|number))",
    re.I,
)
# "Press 1 for billing, 2 for support, or 3 for sales": keys listed after one verb.
_KEY_LISTED = re.compile(rf"(?:,\s*|\bor\s+)({_KEY})\s+(?=for\b|to\b|if\b|para\b)", re.I)
_LEAD_IN = re.compile(
    r"^(?:[,.;:\s]|or\b|and\b|now\b|please\b)*(?:for|to|if you(?:'re| are)? calling (?:about|to|"
    r"for|regarding)|"
    r"if you(?:'d| would) like to|if you want to|if you need to|if you have|if|para|si|to hear)?\s*",
    re.I,
)

HUMAN_WORDS = (
    "representative",
    "operator",
    "agent",
    "associate",
    "human",
    "person",
    "someone",
    "staff member",
)
OTHER_WORDS = ("all other", "other questions", "anything else", "everything else", "other inquiries", "other")
REPEAT_WORDS = (
    "repeat",
    "hear these",
    "hear this",
    "again",
    "main menu",
    "previous menu",
    "go back",
    "return to",
)


@dataclass(frozen=True)
class MenuOption:
    key: str
    text: str  # the option as the menu described it: "report a lost or stolen card"

    @property
    def terms(self) -> Terms:
        return Terms.of(self.text)

    @property
    def is_human(self) -> bool:
        return has_word(self.text, *HUMAN_WORDS)

    @property
    def is_other(self) -> bool:
        return has_word(self.text, *OTHER_WORDS)

    @property
    def is_repeat(self) -> bool:
        return has_word(self.text, *REPEAT_WORDS)

    @property
    def language(self) -> str | None:
        if has_word(self.text, "english", "inglés", "ingles"):
            return "english"
        if has_word(self.text, "español", "espanol", "spanish", "castellano"):
            return "spanish"
        return None


def _key(token: str) -> str:
    token = token.lower()
    return NUMBER_WORDS.get(token, token)


def _option_text(text: str) -> str:
    text = _LEAD_IN.sub("", text.strip(), count=1)
    return text.strip(" ,.;:!?").strip()


def parse_menu(line: str) -> list[MenuOption]:
    """The options of a keypad menu, in the order they were offered."""
    options: list[MenuOption] = []
    for sentence in sentences(line):
        # "enter your claim number, then press pound" ends an entry; it is not a menu option.
        mentions = [
            (m.start(), m.end(), _key(m.group(1)))
            for m in _KEY_MENTION.finditer(sentence)
            if not re.search(r"(?:then|followed by|and)\s*$", sentence[: m.start()], re.I)
        ]
        if mentions:
            mentions += [
                (m.start(), m.end(), _key(m.group(1)))
                for m in _KEY_LISTED.finditer(sentence)
                if not any(s <= m.start(1) < e for s, e, _ in mentions)
            ]
            mentions.sort()
        if not mentions:
            continue
        # The description sits before the key ("For billing, press 2") or after it ("press 2 for billing");
        # which one is decided by the first key: is there a description in front of it?
        before_first = _option_text(sentence[: mentions[0][0]])
        describe_before = bool(Terms.of(before_first).stems)
        for i, (start, end, key) in enumerate(mentions):
            if describe_before:
                text = sentence[mentions[i - 1][1] if i else 0 : start]
            else:
                text = sentence[end : mentions[i + 1][0] if i + 1 < len(mentions) else len(sentence)]
            options.append(MenuOption(key, _option_text(text)))
    return options


_SAY = re.compile(
    r"\b(?:please\s+|just\s+|you can\s+|simply\s+)?say\b(?!\s+or\b)(?:\s+things\s+like)?\s+(.+)", re.I
)


def _alternatives(text: str) -> list[str]:
    parts = [
        p.strip(" '\"“”.?!:") for p in re.split(r",\s*(?:or\s+)?|\s+or\s+", text) if p.strip(" '\"“”.?!")
    ]
    return [p for p in parts if p]


def say_choices(line: str) -> list[str]:
    """The words a speech menu asks for: "Please say debit or credit" -> ["debit", "credit"]."""
    for sentence in sentences(line):
        # "Tell me which you need: payments, repairs, or service changes" lists them after a colon.
        m = _SAY.search(sentence) or re.search(
            r"\b(?:which|choose|pick|select|options?|say|need|choices)\b[^:]*:\s*(.+)", sentence, re.I
        )
        if not m:
            continue
        rest = m.group(1)
        rest = re.split(
            r"[.?!]|,?\s*(?:or|and)\s+(?:press|oprima)\b|,?\s+(?:now|at any time|to continue)\b", rest
        )[0]
        if re.match(r"(?:your|the|it|that|a|an|my)\b", rest, re.I):
            continue  # "say your account number" asks for a detail, not a choice
        alts = _alternatives(rest)
        if (
            len(alts) >= 2
            and all(len(words(a)) <= 5 for a in alts)
            and {a.lower() for a in alts} != {"yes", "no"}
        ):
            return alts
    return []


_SAY_BEFORE = re.compile(
    r"^(?P<desc>.+?),?\s+(?:please\s+|just\s+)?say\s+(?P<word>['\"][^'\"]+['\"]|\w+)\W*$", re.I
)
_SAY_AFTER = re.compile(
    r"^(?:please\s+|or\s+)?say\s+(?P<word>['\"][^'\"]+['\"]|\w+(?:\s\w+)?)\s+(?:for|to|if)\s+(?P<desc>.+?)\W*$",
    re.I,
)


def say_menu(line: str) -> list[MenuOption]:
    """A speech menu told one option a sentence: "To report an outage, say 'outage'. For billing, say ...".

    Each option's "key" is the word to say; its text is what it is for, read like a keypad menu's.
    """
    options = []
    for sentence in sentences(line):
        m = _SAY_BEFORE.match(sentence) or _SAY_AFTER.match(sentence)
        if not m or re.match(r"(?:your|the|it|that|a|an|my|yes|no)\b", m.group("word").strip("'\""), re.I):
            continue
        word = m.group("word").strip("'\"")
        options.append(MenuOption(word, f"{_option_text(m.group('desc'))} {word}"))
    return options if len(options) >= 2 else []


_CHOICE_QUESTION = re.compile(
    r"\b(?:which (?:one |of those |of these |time |day |option )?(?:works|would|do you|is|suits|sounds)|"
    r"what works|what would you prefer|would you prefer|do you prefer|which do you|which would)\b",
    re.I,
)


# "Any allergies or special occasions?" asks whether there is anything at all: a yes/no question.
_ANY_QUESTION = re.compile(
    r"^(?:and\s+|also,?\s+|okay,?\s+)?(?:any|anything|are there any|is there (?:any|anything)|"
    r"do you have any|have you got any|did you have any)\b",
    re.I,
)
_OFFER = re.compile(
    r"\b(?:i can do|i can offer|i could (?:do|offer|give you|fit you in)|we could do|we can do|we have|"
    r"we've got|i have|i've got|there's|there is|available|you can choose|how about)\b",
    re.I,
)
# Words around the alternatives that are not part of them: "Are [mornings] or [afternoons] better for you?"
_CHOICE_LEAD = re.compile(
    r"^(?:(?:and|so|but|okay|ok|well)\b,?\s*)*(?:(?:is|are|was|would|will|do|does|did|should|can|could)\b\s*"
    r"(?:it\s+)?)?(?:(?:availability|openings?|slots?|appointments?|times?|space|room)\s+)?"
    r"(?:(?:on|at|for|either|with|in)\s+)?",
    re.I,
)
_CHOICE_TAIL = re.compile(
    r"\s+(?:(?:work|works|suit|suits|sound|sounds|is|are|would|will|be)\b.*|better\b.*|for you\b.*|"
    r"(?:which|what) (?:works|would|do|is|suits|sounds)\b.*|instead\b.*)$",
    re.I,
)


def offered_choices(line: str) -> list[str]:
    """Alternatives offered in a question ("debit or credit card?", "Tuesday at 9 or Wednesday at 2?")."""
    parts = sentences(line)
    for i, sentence in enumerate(parts):
        if (
            not re.search(r"\s+or\s+", sentence)
            or has_word(sentence, "yes or no")
            or _KEY_MENTION.search(sentence)
            or _ANY_QUESTION.match(sentence)
        ):
            continue
        # An offer after a refusal ("We don't have seven, but I could do 6:30 or 8") starts after "but".
        sentence = re.split(r"\bbut\s+(?=i\b|we\b)", sentence, flags=re.I)[-1]
        offer = _OFFER.search(sentence)
        asked = sentence.endswith("?") or bool(offer) or any(_CHOICE_QUESTION.search(p) for p in parts[i:])
        if not asked:
            continue
        body = re.sub(
            r"\b(?:which|what) (?:works|would you prefer|do you prefer).*$", "", sentence, flags=re.I
        )
        alts = _alternatives(body)
        if len(alts) < 2:
            continue
        # The first alternative carries the sentence's lead-in ("We have openings next Tuesday at 9 am"):
        # the words after the offer when there is one, else as many of its last words as the second has.
        if offer and offer.start() < len(alts[0]):
            alts[0] = alts[0][offer.end() - offer.start() + alts[0].lower().find(offer.group(0).lower()) :]
        else:
            n = max(len(alts[1].split()), 1)
            alts[0] = " ".join(alts[0].split()[-n:])
        # "Will you be dropping it off, or waiting?": both are what "you" will be doing, said whole.
        if be := re.match(r"^(?:and\s+|so\s+)?(?:will|would|are) you be\s+(\w+ing\b.*)$", body.strip(), re.I):
            alts[0] = f"you be {_alternatives(be.group(1))[0]}"
            alts[1:] = [f"you be {a}" if re.match(r"\w+ing\b", a) else a for a in alts[1:]]
        # "Would you prefer inside or on the patio?": the choice starts after the verb of wanting.
        alts[0] = re.sub(r"^.*\b(?:prefer|like|want|rather(?: have)?|choose)\s+", "", alts[0], flags=re.I)
        alts[0] = _CHOICE_LEAD.sub("", alts[0].strip(), count=1)
        alts[-1] = _CHOICE_TAIL.sub("", alts[-1])
        alts = [a.strip(" ,") for a in alts if a.strip(" ,")]
        if len(alts) >= 2 and all(len(a.split()) <= 7 for a in alts):
            return alts
    return []


_THING_NAMES = (
    r"(?:merchant|company|business|store|shop|vendor|seller|retailer|restaurant|hotel|pharmacy|doctor|"
    r"dentist|provider|clinic|hospital|drug|medication|medicine|product|item|plan|procedure|street|pet|"
    r"dog|cat|employer|school|bank|airline|app|website|service|program|file|user)"
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
        r"(?<!with your )(?<!with the )(?<!on your )(?<!on the )(?<!for your )(?<!for the )(?<!to your )"
        r"(?<!under your )(?<!under the )\baccount\b(?! holder| owner| on file)",
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
    ("pin", r"\bpin\b|passcode|pass code|access code"),
    ("tracking", r"tracking (?:number|#|id|code)"),
    ("license", r"licen[cs]e (?:number|#|id)|driver'?s? licen[cs]e|licen[cs]e plate"),
    (
        "phone",
        r"phone number|phone|mobile number|callback number|call ?back|contact number|best number|"
        r"number (?:where|to reach|we can)|\bcell\b",
    ),
    (
        "address",
        r"(?<!e-mail )(?<!email )address|where\b[^?.]*\b(?:deliver|send|ship)|street",
    ),
    (
        "name",
        rf"\bname\b(?! of (?:the |your |this |that )?{_THING_NAMES})|"
        r"who (?:am i|do i have|is) (?:speaking|on the line|calling)|who's calling|"
        r"who do i have the pleasure|who(?:'m| am) i (?:talking|speaking)|who(?:'s| is) this\b|"
        r"whom am i",
    ),
)
_LABELLED = re.compile(
    rf"\b({KIND_WORDS})(?:'s)?\s+(?:number|no\b|#|id\b|code\b|reference\b)|\b(vin|iccid|imei)\b", re.I
)
_REQUEST = re.compile(
    r"\b(?:what(?:'s| is| are)?|may i|can i|could i|could you|can you|would you|please|say|enter|"
    r"provide|give (?:me|us|your|the)|"
    r"tell|state|spell|verify|confirm|key in|type|need|i'll need|read me|let me have|"
    r"get (?:your|the|a|an))\b",
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


def detail_request(line: str) -> DetailRequest | None:
    """The caller details this line asks for, if it asks for any."""
    found: list[tuple[int, str]] = []
    press = pound = last_four = spell = False
    part: str | None = None
    for index, sentence in enumerate(sentences(line)):
        lowered = sentence.lower()
        if re.match(
            r"^(?:would you like|do you want|shall|should we|is it|is that|is this|are you|"
            # "Can you send us photos by email?" asks the caller to do something, not for its email.
            r"(?:can|could|would|will) you (?:send|upload|e-?mail|mail|fax|bring|forward|submit|do)\b)",
            lowered,
        ):
            continue  # an offer or a yes/no question that mentions a detail ("sent to the address on file?")
        # A request verb, or a bare question ("And the date of birth?", "Your ZIP code?").
        if not (_REQUEST.search(sentence) or sentence.endswith("?")):
            continue
        if len(re.sub(r"\D", "", sentence)) >= 4 and not re.search(r"\b(?:enter|say|what)\b", lowered):
            continue  # a read-back ("Is your number 415...?") is confirmed, not answered with the detail
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
                break
        # Any other labelled number ("your citation number", "the student ID", "flight number") is the goal's
        # number of that kind, whatever synonym the business uses for it.
        for m in _LABELLED.finditer(lowered):
            if not any(s <= m.start() < e for s, e in taken):
                taken.append(m.span())
                found.append((index * 10_000 + m.start(), number_kind(m.group(1) or m.group(2))))
    if not found:
        return None
    # How to give them may be said in a sentence of its own ("Please say it now, one character at a time").
    lowered = normalize_line(line).lower()
    press = bool(_PRESS_MODE.search(lowered)) and not re.search(r"\bsay\b", lowered)
    pound = bool(_POUND.search(lowered))
    last_four = bool(re.search(r"last (?:four|4)", lowered))
    spell = bool(re.search(r"\bspell\b|one (?:character|letter) at a time", lowered))
    if name_part := re.search(r"\b(first|last|sur)\s*name\b", lowered):
        part = "first" if name_part.group(1) == "first" else "last"
    slots = tuple(dict.fromkeys(slot for _, slot in sorted(found)))
    length = None
    if count := re.search(rf"\b(\d{{1,2}}|{_COUNTS})[\s-]+digits?\b", lowered):
        length = int(count.group(1)) if count.group(1).isdigit() else COUNT_WORDS[count.group(1)]
    after_tone = bool(re.search(r"\b(?:after|at) the (?:tone|beep)\b", lowered))
    return DetailRequest(slots, part, press, pound, last_four, spell, length, after_tone)


_GOODBYE = re.compile(
    r"\b(?:good-?\s?bye|bye(?: now| bye)?|have a (?:great|good|nice|wonderful|lovely|fantastic|blessed) "
    r"(?:day|night|evening|afternoon|weekend|one)|take care|adiós|adios|this call will (?:now )?end|"
    r"disconnect(?:ing)?|ending (?:the|this) call|see you (?:then|soon|later|tomorrow|next \w+|on \w+|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day))\b",
    re.I,
)
_THANKS_CLOSING = re.compile(
    r"\bthanks? (?:you )?(?:for (?:calling|choosing|being|ordering|your call|contacting|"
    r"your patience and)|again)\b",
    re.I,
)


def is_goodbye(line: str, first_turn: bool) -> bool:
    """The business ends the call; a "thank you for calling" that opens a menu does not."""
    if _GOODBYE.search(line):
        return True
    if first_turn or "?" in line or parse_menu(line):
        return False
    return bool(_THANKS_CLOSING.search(line))


_ANYTHING_ELSE = re.compile(
    r"\b(?:anything else|something else|any other (?:questions?|thing)|else (?:i|we) can|else can (?:i|we)|"
    r"is that all|will that be all|that be everything|is that everything|will there be anything)\b",
    re.I,
)
_HOLD = re.compile(
    r"\b(?:please hold|hold on|hold please|hold the line|one moment|a moment|just a (?:second|sec|minute)|"
    r"bear with me|let me (?:check|look|pull|see|find|transfer|get|connect|put)|while i (?:check|"
    r"look|transfer|pull)|"
    r"transferring|i(?:'ll| will) (?:transfer|connect)|connecting you|please wait|stay on the line|"
    r"your call is (?:important|being)|all of our (?:agents|representatives|associates)|next available|"
    r"estimated wait|wait time|hold music|on hold)\b|♪|\[music\]|\(music\)",
    re.I,
)
_OPEN_QUESTION = re.compile(
    r"\b(?:how (?:can|may|might) (?:i|we) (?:help|assist|direct)|what can (?:i|we) (?:do|help)|"
    r"(?:what|why) (?:are )?you(?:'re| are)? calling|reason for (?:your |the |today's )?(?:call|visit)|"
    r"why you(?:'re| are) calling|tell me (?:what|why|how|about)|what brings you|what can we do|"
    r"what (?:would|do) you (?:like|want|need)(?: to do| help with)?|in a (?:few|couple of) words|briefly|"
    r"what(?:'s| is) (?:this|your call|the call) (?:regarding|about|concerning)|how can we help|"
    r"what do you need|what seems to be|what(?:'s| is) going on|what(?:'s| is) the (?:problem|issue)|"
    r"describe (?:the|your) (?:problem|issue)|what can i get(?: started)?(?: for)? you|"
    r"what are you looking for|^(?:hello|hi|hey|yes)\W*$|"
    r"what (?:are you|is it) you(?:'re)? (?:calling|looking)|how can i be of|what do you want|"
    r"help you (?:with )?today|what would you like)\b",
    re.I,
)
_READBACK = re.compile(
    r"\b(?:is that (?:correct|right|ok|okay)|is this (?:correct|right)|did i get (?:that|it|"
    r"everything) right|"
    r"correct\?|right\?|does that sound (?:right|correct|good)|just to confirm|to confirm|let me read|"
    r"i have you down|so that(?:'s| is| was)|you said|let me repeat|i have your|i've got you|reading back|"
    r"that's (?:a|an|one|two)\b.*\?)",
    re.I,
)
_YES_NO_START = re.compile(
    # A short lead-in clause may come first: "Instead of cancelling, would you like to pause it?"
    r"^(?:[^,?]{1,60},\s*)?(?:and\s+|so\s+|okay,?\s+|ok,?\s+|also,?\s+|then\s+)?(?:would|do|does|did|is|"
    r"are|was|were|have|has|had|can|could|shall|should|will|may|want|need|any|how about|what about)\b",
    re.I,
)


def is_anything_else(line: str) -> bool:
    return bool(_ANYTHING_ELSE.search(line))


def is_hold(line: str) -> bool:
    return bool(_HOLD.search(line))


def is_open_question(line: str) -> bool:
    return bool(_OPEN_QUESTION.search(line))


def is_readback(line: str) -> bool:
    return bool(_READBACK.search(line))


def questions(line: str) -> list[str]:
    """The sentences that ask something: a question mark, or "please say yes or no"."""
    return [s for s in sentences(line) if s.endswith("?") or re.search(r"\bsay yes or no\b", s, re.I)]


def yes_no_question(line: str) -> str | None:
    """The yes/no question of the line, if its (last) question is one."""
    asked = questions(line)
    if not asked:
        return None
    last = asked[-1]
    if re.search(r"\bsay yes or no\b", last, re.I):
        earlier = [s for s in sentences(line) if s.endswith("?")]
        return earlier[-1] if earlier else last
    return last if _YES_NO_START.match(last) else None


def is_gibberish(line: str, known: frozenset[str] = frozenset()) -> bool:
    """Noise, a cut-off line, or letters that do not make words.

    ``known`` holds the call's own words (the business, the goal), which count as real words: a line
    is noise when few of its tokens are known words and many could not be English at all.
    """
    text = normalize_line(line)
    if re.search(
        r"\[(?:inaudible|static|garbled|unintelligible|noise|crosstalk)\]|\((?:static|inaudible)\)",
        text,
        re.I,
    ):
        return True
    tokens = [t for t in words(text) if not t.isdigit()]
    if not tokens:
        return not re.search(r"\d", text)
    known_stems = {stem(w) for w in known}

    def is_known(token: str) -> bool:
        return (
            len(token) == 1  # a letter spelled out: "N-G-U-Y-E-N"
            or token in COMMON_WORDS
            or token in FILLERS
            or token in NUMBER_WORDS
            or token in known
            or stem(token) in known_stems
            or stem(token) in _COMMON_STEMS
        )

    unknown = [t for t in tokens if not is_known(t)]
    if len(unknown) * 2 <= len(tokens):
        return False
    odd = sum(1 for t in unknown if not plausible_word(t))
    # Nothing recognisable at all in a line of several words is as good as noise to a caller.
    return odd * 3 >= len(tokens) or (len(unknown) == len(tokens) and len(tokens) >= 3)


_SUCCESS = re.compile(
    r"\b(?:you(?:'re| are) all set|all set|you(?:'re| are) (?:now )?(?:booked|scheduled|confirmed|registered|"
    r"covered|good to go)|(?:has|have) been (?:blocked|scheduled|booked|cancel+ed|"
    r"processed|submitted|"
    r"sent|updated|rescheduled|confirmed|placed|renewed|refilled|paid|received|reported|changed|"
    r"filed|approved|"
    r"moved|canceled|reserved|escalated|credited|applied|issued|frozen|locked|ordered)|"
    r"will (?:arrive|be there|be ready|"
    r"be delivered|be restored|be fixed|be sent|be mailed|be shipped|ship|be back|be processed|be out|"
    r"end|stop|"
    r"be (?:cancel+ed|closed|disconnected|terminated|deactivated|shut off|refunded|credited|done|completed))|"
    r"(?:it|that|your (?!wait|hold)\w+|the (?!wait|hold)\w+)(?:'ll| will) be (?:there |ready |here |done )?"
    r"(?:in )?(?:about |around |approximately |roughly )?\d+ (?:minutes|mins|hours)|"
    r"(?:is|are) (?:now )?(?:confirmed|booked|scheduled|ready|on (?:its|the) way|approved|processed|placed)|"
    r"(?:is|are) now (?:active|activated|live|enabled|working|unlocked|reset)|"
    r"confirmation (?:number|code) is|your total (?:is|comes)|expect (?:service|it|your)|restored by|"
    r"successfully|i(?:'ve| have) (?:booked|scheduled|placed|sent|submitted|moved|cancel+ed|updated|reserved|"
    r"put|set|processed|blocked|ordered|rescheduled)|we(?:'ll| will) (?:send|mail|ship|see you|deliver|have)|"
    r"thank you for your (?:payment|order)|payment (?:of .* )?(?:has been|was) (?:received|"
    r"processed|accepted)|"
    r"the status of your|is (?:currently |still )?(?:being processed|under review|in review|pending)|"
    r"see you (?:on|then|next)|"
    # A status given, or a number the business issues for what it did, means the thing was done.
    r"(?:was|it's|it is|that's|that is) (?:now |already )?(?:approved|cancel+ed|processed|confirmed|booked|"
    r"scheduled|filed|submitted|complete|completed|refunded|credited|shipped|delivered)|"
    r"i(?:'ve| have) (?:opened|filed|created|started|logged|raised|issued|approved|credited|refunded|"
    r"waived|opened up)|"
    r"(?:case|reference|cancellation|ticket|dispute|confirmation|claim|tracking) (?:number|code|id|#)"
    r"(?:\s+is|:)?\s+(?=[a-z ]{0,6}\d))",
    re.I,
)
_FAILURE = re.compile(
    r"\b(?:(?:we are|we're|office is|store is) (?:currently )?closed|unable to|can(?:not|"
    r"'t) (?:help|find|locate|do|process)|"
    r"not able to|invalid|no (?:appointments|availability|openings)|(?:is|are) not available|"
    r"we (?:don't|do not|no longer|doesn't|can't|cannot) (?:have|offer|do|carry|sell|provide|handle|support|"
    r"deliver|service|accept)|(?:that's|that is|it's|it is) not (?:something|a service|possible)|"
    r"(?:isn't|is not) (?:possible|something we)|not (?:possible|able)|no longer (?:available|offer)|"
    r"could not be|couldn't|please call back|try again later|"
    r"(?:was|been|is|has been) (?:denied|declined|rejected))\b",
    re.I,
)


def success_phrase(line: str) -> str | None:
    m = _SUCCESS.search(line)
    return m.group(0) if m else None


def failure_phrase(line: str) -> str | None:
    m = _FAILURE.search(line)
    return m.group(0) if m else None


_ATTRIBUTE = re.compile(
    # "What new pickup date ...?": a word or two may stand between "what" and the thing asked about.
    r"\b(?:what|which)\s+(?:kind of |type of |sort of )?(?:(?:new|other|different|pickup|pick-up|drop-off|"
    r"return|start|preferred|delivery|appointment|check-in|check-out|arrival|departure)\s+){0,2}"
    r"(size|times?|days?|dates?|kind|type|flavor|flavour|"
    r"toppings?|crust|color|colour|seat|room|class|drink|dressing|side|style|model|plan|card)\b|"
    r"\b(how many|when)\b",
    re.I,
)


def attribute_question(line: str) -> str | None:
    """What a "what size / how many / when" question asks about."""
    for sentence in reversed(questions(line) or sentences(line)[-1:]):
        if m := _ATTRIBUTE.search(sentence):
            return (m.group(1) or m.group(2)).lower()
    return None


_REASON_QUESTION = re.compile(
    r"\b(?:why (?:are|do|did|would|is|was|were|have)\b|may i ask why|can i ask why|"
    r"what(?:'s| is| was) the reason|"
    r"reason (?:for|why) (?:the |your )?(?:cancel\w*|leaving|closing|return\w*|change|switch\w*|"
    r"moving|refund|request)|what (?:made|makes|prompted|is prompting|led) you|"
    r"what(?:'s| is) wrong with|is there a reason|how come)\b",
    re.I,
)


def is_reason_question(line: str) -> bool:
    """ "May I ask why you are leaving?": asks for the caller's reason, never answered with a yes."""
    asked = questions(line)
    return bool(asked) and bool(_REASON_QUESTION.search(asked[-1])) and not is_open_question(asked[-1])


_PREFERENCE = re.compile(
    r"\b(?:(?:(?:do you have|have you got|is there|any) (?:a |any )?(?:particular |specific )?)?preference"
    r"(?: (?:on|for|as to) (?:the |a |your |which )?(\w+))?|"
    r"(?:is there|do you have) (?:a|an|any) (?:particular|specific|certain|preferred|favou?rite)\s+(\w+)|"
    r"(?:a|any) (\w+) (?:in particular|you(?:'d)? (?:prefer|like to see|usually see|want))|"
    r"who would you like to see|preferred (\w+))\b",
    re.I,
)


def preference_question(line: str) -> str | None:
    """What a "do you have a preference" question is about ("dentist", "location"), "" when unsaid."""
    for sentence in reversed(questions(line)):
        if m := _PREFERENCE.search(sentence):
            noun = next((g for g in m.groups() if g), "")
            return "person" if "who would" in m.group(0).lower() else noun.lower()
    return None


_PRESENCE = re.compile(
    r"^(?:(?:hello|hi)\W+)*(?:are you (?:still )?(?:there|with me|on the line)|"
    r"(?:can|could) you (?:still )?hear me(?: now| okay| ok| alright)?"
    r"|hello\W*(?:hello)?|you still there|still there|anyone there|is anyone there)\W*$",
    re.I,
)


def presence_check(line: str) -> str | None:
    """ "Are you still there?" -> "there"; "Can you hear me?" -> "hear"."""
    asked = questions(line)
    text = asked[-1] if asked else normalize_line(line).strip()
    if not _PRESENCE.match(text):
        return None
    return "hear" if re.search(r"\bhear\b", text, re.I) else "there"


_REPROMPT = re.compile(
    r"\b(?:i (?:didn't|did not|couldn't|could not|don't) (?:quite )?"
    r"(?:get|catch|understand|hear|recogni[sz]e)"
    r"(?: (?:that|you|what you said|your (?:response|answer|entry)))?|"
    r"(?<!to )(?<!or )(?:please |let's )?try (?:that )?again(?! later)|come again|say that again|"
    r"(?:could|can|would) you (?:please )?repeat (?:that|yourself|it)|please repeat (?:that|yourself)|"
    r"i missed that|you(?:'re| are) breaking up|you cut out|what was that(?=\W*$)|"
    r"what did you (?:just )?say(?=\W*$)|"
    r"(?:the )?line(?:'s| is) (?:really |very |pretty )?bad|bad (?:line|connection)|say it again|"
    # A keypad IVR that did not take the key: the same key again, the line was bad, not the choice.
    r"(?:(?:is|was) )?not (?:a )?(?:valid|recogni[sz]ed)(?: (?:option|selection|entry|choice|response))?|"
    r"invalid (?:option|selection|entry|choice|response)|"
    r"no (?:input|entry) (?:was )?(?:received|detected)|"
    r"(?:did not|didn't) (?:receive|get|detect) (?:your|an?|any) (?:entry|input|selection|response))\b|"
    r"^(?:i'm )?(?:sorry|pardon)(?: me)?\W*$",
    re.I,
)


def reprompt_rest(line: str) -> str | None:
    """When the business did not get the last answer: what else the line says ("" if nothing), else None."""
    parts = sentences(line)
    kept = [p for p in parts if not _REPROMPT.search(p)]
    if len(kept) == len(parts):
        return None
    return " ".join(kept)


def is_transfer(line: str) -> bool:
    return bool(
        re.search(
            r"\b(?:transfer(?:ring)?|connect(?:ing)? you|put you through|patch you through)\b", line, re.I
        )
    )


def embedded_wh(question: str) -> bool:
    """ "Can you tell me which service you'd like to cancel?" is a wh-question in yes/no clothing."""
    return bool(
        re.match(
            r"^(?:and\s+|so\s+)?(?:can|could|would|will|may|do|did)\s+(?:you|i)\s+(?:please\s+|happen to\s+)?"
            r"(?:tell me|ask|know|say|explain|let me know|describe|share)\b.*"
            r"\b(?:what|which|why|how|where|when|who)\b",
            question,
            re.I,
        )
    )


_CLOSED = re.compile(
    r"\b(?:(?:we are|we're|office is|offices are|store is|clinic is|line is) (?:currently |now )?closed|"
    r"outside (?:of )?(?:our )?(?:normal |regular )?(?:business|office) hours|"
    r"please call (?:back|again) (?:during|between|tomorrow|on|after|when)|call back during)\b",
    re.I,
)


def is_closed(line: str) -> bool:
    """The business is closed: "Our office is currently closed ... please call back during business hours"."""
    return bool(_CLOSED.search(line))


_INSTRUCTION = re.compile(
    r"\b(?:(?:tell|let) me (?:know )?(?:when|once) (?:you(?:'re| are| have|'ve)|it(?:'s| is)|that's|"
    r"you've)|say (?:done|ready|continue|okay) (?:when|once)|when you(?:'re| are) (?:done|ready|finished)|"
    r"once you(?:'ve| have) done (?:that|this))\b",
    re.I,
)


def is_instruction(line: str) -> bool:
    """The business asks the caller to do something and say when it is done (troubleshooting steps)."""
    return bool(_INSTRUCTION.search(line))
