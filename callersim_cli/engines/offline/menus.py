"""Menus and choices in what the business says: keypad menus, speech menus, "say X or Y", offered options.

Each reader looks for a pattern of phone talk (a key after "press"/"oprima", alternatives joined by "or"),
not for fixed sentences, so new businesses and new wordings are understood the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from callersim_cli.engines.offline.text import COUNT_WORDS, NUMBER_WORDS, Terms, has_word, sentences, words

COUNTS = "|".join(sorted(COUNT_WORDS, key=len, reverse=True))
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
# "8 to 11 am" is a time, not key 8.
_KEY_LISTED = re.compile(rf"(?:,\s*|\bor\s+)({_KEY})\s+(?=for\b|to\b(?!\s+\d)|if\b|para\b)", re.I)
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
    "banker",
    "specialist",
    "advisor",
    "receptionist",
    "customer service",
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
    text = re.sub(r"[\s,]+or$", "", text.strip(" ,.;:!?"))  # "Press 1 for yes, or press 2 for no"
    return text.strip(" ,.;:!?").strip()


# A sentence that shows the format of an entry: "For example, for January 2026, enter 0 1 2 6."
EXAMPLE = re.compile(r"\b(?:for example|for instance|e\.g\.|such as)\b|\benter\s+\d(?:[\s,]+\d){2,}", re.I)


def parse_menu(line: str) -> list[MenuOption]:
    """The options of a keypad menu, in the order they were offered."""
    options: list[MenuOption] = []
    for sentence in sentences(line):
        if EXAMPLE.search(sentence):
            continue  # "For example, for agreement 0 3 2 2, enter 0 3 2 2 pound" shows how, it offers nothing
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
        describe_before = bool(words(before_first))
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
            and all(len(words(a)) <= (9 if re.search(r"\d", a) else 5) for a in alts)
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


_AUX_START = re.compile(
    r"^(?:and\s+|so\s+|okay,?\s+)?(?:have|has|did|do|does|was|were|is|are|can|could|will|would)\s+"
    r"(?:you|she|he|they|it|anyone|anybody|everyone|everybody|someone|somebody|there|your|her|his)\b",
    re.I,
)


def _yes_no_with_or(sentence: str) -> bool:
    """ "Have you given the card number or a passcode to anyone?", "Do you smell gas, or is an alarm going
    off?": a yes/no question with "or" inside, not a choice; "Is it a condo or a house?" is a choice."""
    if not _AUX_START.match(sentence):
        return False
    head, _, second = [*re.split(r"(,?\s+or\s+)", sentence, maxsplit=1), "", ""][:3]
    lead = _AUX_START.match(head)
    rest = (head[lead.end() :] if lead else head).strip()
    if re.search(r"\bany\b", head, re.I) or re.match(r"any(?:thing|one|body)?\b", second.strip(), re.I):
        return (
            True  # "Is she having any trouble breathing, chest pain, or confusion?": a checklist, yes or no
        )
    if re.match(r"(?:like|want|need) to (?:add|include|throw in)\b|(?:i|we) (?:add|include)\b", rest, re.I):
        return True  # "Would you like to add a mango lassi or some gulab jamun?": an offer, yes or no
    if not re.match(
        r"(?:and\s+|so\s+)?(?:will|would) you (?:be\b|like|prefer|rather)", head.strip(), re.I
    ) and re.match(
        r"(?:is|are|do|does|did|have|has|was|were|can|will)\s+(?:you|he|she|it|they|there|we|a|an|the|any)\b",
        second.strip(),
        re.I,
    ):
        return True  # "Do you smell gas, or is an alarm going off?": two yes/no questions in one
    # What follows "Is it" / "Are you" names the choices ("an apartment, a condo", "the sender", "calling
    # to renew ..., replace ..."); a verb there asks yes or no ("given the card number or a passcode"),
    # unless the other side is a deed too ("Will you drop it at the office, or mail it back?").
    names_choices = re.match(
        r"(?:a|an|the|my|your|his|her|their|this|that|these|those|one|two|\d|be\b|calling|looking|here|"
        r"for|with|in|on|at|by|going to|planning|still|prefer|like|want|rather|need|choose|take|"
        r"pick|interested|"
        r"lost|stolen|new|old|done|finished|ready|open|closed)\b|\w+ing\b",
        rest,
        re.I,
    )
    other_is_deed = bool(second.strip()) and not re.match(
        r"(?:a|an|the|my|your|his|her|their|this|that|some|any|one|two|\d)\b", second.strip(), re.I
    )
    return not names_choices and not other_is_deed


_EXAMPLES_AFTER = re.compile(r"^(?:for example|for instance|such as|e\.g\.),?\s+(.+?)[.?!]?$", re.I)
_WHICH_ONE = re.compile(r"^(?:so\s+|and\s+)?(?:which|what) (?:one|of (?:those|these|them)|\w+)\b.*\?$", re.I)
_LISTED = re.compile(
    r"\b(?:i(?:'ve| have) got|i have|we have|there(?:'s| is| are)|i can do|we can do)\s+"
    r"((?:an?|the|\d)[^.?!]*?\s+and\s+(?:an?|the|\d)[^.?!]*?)[.?!]?$",
    re.I,
)


def _listed_choices(parts: list[str]) -> list[str]:
    """Choices listed beside a which-question: "Which vaccine is it? For example, flu, COVID, or shingles.",
    "I've got an 8:15 a.m. and a 1:40 p.m. Which one do you want?"."""
    for i, sentence in enumerate(parts):
        before = parts[i - 1] if i else ""
        after = parts[i + 1] if i + 1 < len(parts) else ""
        if (m := _EXAMPLES_AFTER.match(sentence)) and _WHICH_ONE.match(before) and " or " in m.group(1):
            return _alternatives(m.group(1))
        if (m := _LISTED.search(sentence)) and (_WHICH_ONE.match(after) or _WHICH_ONE.match(before)):
            return [a.strip() for a in re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group(1)) if a.strip()]
    return []


def offered_choices(line: str) -> list[str]:
    """Alternatives offered in a question ("debit or credit card?", "Tuesday at 9 or Wednesday at 2?")."""
    parts = sentences(line)
    if listed := _listed_choices(parts):
        return listed
    for i, sentence in enumerate(parts):
        if (
            not re.search(r"\s+or\s+", sentence)
            or has_word(sentence, "yes or no")
            or _KEY_MENTION.search(sentence)
            or _ANY_QUESTION.match(sentence)
            # "Which lane or direction is it in?", "What's your rent or mortgage payment?" ask which or what.
            or (
                re.match(
                    r"^(?:and\s+|so\s+)?(?:what|how|where|when|who|which\s+(?!(?:one|would|do|of)\b))",
                    sentence,
                    re.I,
                )
                and ": " not in sentence
                # "Which account should it come from, checking or savings?": the choices follow a comma.
                and not re.search(
                    r",\s*(?:[\w'-]+\s+){0,3}[\w'-]+,?\s+or\s+[\w'-]+(?:\s+[\w'-]+){0,3}\?$", sentence
                )
            )
            or _yes_no_with_or(sentence)
        ):
            continue
        # "There's no charge, and I can ship it to you or you can pick it up": the offer is the last clause.
        sentence = re.split(r",\s+and\s+(?=(?:i|we|you)\b)", sentence, flags=re.I)[-1]
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
        # "Will you drop your card at the office, or mail it back?": two deeds, the first said whole.
        if (
            (aux := _AUX_START.match(body.strip()))
            and not _yes_no_with_or(body)
            and not re.match(r"(?:a|an|the|be)\b|\w+ing\b", body.strip()[aux.end() :].strip(), re.I)
        ):
            alts[0] = re.split(r",?\s+or\s+", body.strip()[aux.end() :].strip())[0]
        # "Will you be dropping it off, or waiting?": both are what "you" will be doing, said whole.
        if be := re.match(r"^(?:and\s+|so\s+)?(?:will|would|are) you be\s+(\w+ing\b.*)$", body.strip(), re.I):
            alts[0] = f"you be {_alternatives(be.group(1))[0]}"
            alts[1:] = [f"you be {a}" if re.match(r"\w+ing\b", a) else a for a in alts[1:]]
        # "Would you prefer inside or on the patio?": the choice starts after the verb of wanting.
        alts[0] = re.sub(r"^.*\b(?:prefer|like|want|rather(?: have)?|choose)\s+", "", alts[0], flags=re.I)
        alts[0] = _CHOICE_LEAD.sub("", alts[0].strip(), count=1)
        alts[0] = alts[0].split(": ")[-1]  # "I have two alternatives tonight: a 5:40 pm departure ..."
        # "Are you looking for today's hours, or ...": the choice is what follows the question's verb.
        if not alts[0].startswith("you be "):
            alts[0] = re.sub(r"^you\s+(?:\w+ing\s+(?:for|about|with|to|at|on)\s+)?(?=\S)", "", alts[0])
        if not alts[-1].startswith("you be "):
            alts[-1] = _CHOICE_TAIL.sub("", alts[-1])
        alts = [a.strip(" ,") for a in alts if a.strip(" ,")]
        # Alternatives may be whole clauses ("I can hold a spot for her at 5:30, or a provider can do a
        # video visit"), but not whole stories.
        if len(alts) >= 2 and all(len(a.split()) <= 14 for a in alts):
            return alts
    return []
