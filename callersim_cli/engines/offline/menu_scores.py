"""How well a menu option fits the call: a table of rules, each a named weight with the reason it exists.

``option_score`` is the sum of the rules; ``score_parts`` names what each rule gave, for --explain and for
finding which rule is wrong when a flow picks the wrong key. A new consideration is one row.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from callersim_cli.engines.offline.menus import MenuOption
from callersim_cli.engines.offline.said_values import amounts_in
from callersim_cli.engines.offline.text import Terms, content_words, stem, words
from callersim_cli.engines.offline.turn import Turn

# "If you are a provider ...", "if you're calling from a doctor's office ...": a menu that sorts callers.
ROLE = re.compile(
    r"\b(?:you are|you're|you're calling (?:from|as|on behalf of)|calling (?:from|as|on behalf of)|are you)"
    r"\s+(?!\w+ing\b|calling\b|having\b)(?:an?\s+|the\s+)?(.+)",
    re.I,
)
CUSTOMER_ROLE = re.compile(
    r"^(?:current |existing |new |plan |health plan |our |residential |home |personal |individual )?"
    r"(?:customer|member|patient|policy ?holder|"
    r"subscriber|client|guest|consumer|cardholder|card member|account ?holder|resident|homeowner|renter|"
    r"tenant|passenger|traveler|traveller|student|parent|individual|enrollee|beneficiary|insured|caller|"
    r"shopper|buyer|borrower|owner|cardmember|account owner|driver|renter|guest)s?\b",
    re.I,
)
# An option for a matter already open ("an existing claim"), not for an existing customer or patient.
_EXISTING = re.compile(
    r"\b(?:existing|already (?:have|filed|open|made)|status of (?:a|an|your))\s+(?:\w+\s+)?"
    r"(?:claim|case|order|ticket|report|file|request|reservation|booking|dispute|application|repair|"
    r"appointment|work order)",
    re.I,
)
_NEW_MATTER = re.compile(r"^(?:report|file|open|start|make|submit|book|schedule)\b|\bnew\b", re.I)
_DIRECTORY = re.compile(r"\bextension\b|\bif you know\b|\bdirectory\b|\bdial (?:it|by name)\b", re.I)
_OPTION_VERB = re.compile(
    r"^(?:(?:i'd like|i want|i need) to\s+)?(pay|order|buy|check|report|cancel|make|start|stop|schedule|book|"
    r"reschedule|change|update|activate|refill|renew|file|track|return|speak|talk|leave|hear|get|open|close|"
    r"transfer|move|add|remove|enroll|apply|dispute|submit|find|request|keep|continue)\b",
    re.I,
)
_OTHER_AMOUNT = re.compile(r"\b(?:different|another|other|specific) amount\b", re.I)


_DEEDS = (
    frozenset({"mov", "reschedul", "chang", "rebook", "postpon", "switch"}),
    frozenset({"cancel", "terminat", "clos", "end", "stop", "disconnect"}),
    frozenset({"pay", "payment"}),
    frozenset({"report", "fil", "submit"}),
    frozenset({"mov", "transfer", "send"}),
    frozenset({"disput", "refund", "contest", "remov", "credit", "revers"}),
)


def same_deed(verb: str, action: frozenset[str]) -> bool:
    verb_stem = stem(verb.lower())
    return any(verb_stem in group and action & group for group in _DEEDS)


def first_person(text: str) -> str:
    text = re.sub(r"\byourself\b", "myself", text, flags=re.I)
    text = re.sub(r"\byour\b", "my", text, flags=re.I)
    return re.sub(r"\byou(?:'re| are)\b", "I'm", text, flags=re.I)


def _goal_verbs(turn: Turn) -> frozenset[str]:
    read = turn.frame.read
    text = " ".join((turn.goal.task, read.problem, *read.context))
    return frozenset(stem(w) for w in words(text))


_NEGATION = re.compile(r"\b(?:not|no|never|isn't|aren't|wasn't|nobody|none)\b", re.I)
TROUBLE = re.compile(
    r"\b(?:incomplete|missing|still waiting|waiting on|not (?:yet )?received|denied|declined|"
    r"problem|issue|sold out|"
    r"fully booked|no availability|not available|unavailable|"
    r"unable|can't|cannot|don't match|doesn't match|different from)\b",
    re.I,
)


def _pairs(text: str) -> set[tuple[str, str]]:
    stems = [stem(w) for w in content_words(text)]
    return set(itertools.pairwise(stems))


@dataclass(frozen=True)
class Option:
    """An option as the rules read it: its text in the caller's words and the terms of that text."""

    option: MenuOption
    text: str
    terms: Terms

    @classmethod
    def of(cls, option: MenuOption) -> Option:
        text = first_person(option.text)
        return cls(option, text, Terms.of(text))


def _topic(turn: Turn, o: Option) -> float:
    return turn.goal.terms.overlap(o.terms)


def _situation(turn: Turn, o: Option) -> float:
    # What happened and what the caller says besides the task count too, at half weight ("I was laid off
    # ... won't be able to make the May 1st payment" for "having difficulty making your payment"); in full
    # for an option that describes the caller's situation ("If you left something in a vehicle").
    if re.match(r"(?:if )?(?:you|your|you're|you've)\b", o.option.text, re.I):
        return 1.0 * turn.frame_terms.overlap(o.terms)
    return 0.5 * turn.frame_terms.overlap(o.terms) if _topic(turn, o) < 1 else 0.0


def _role(turn: Turn, o: Option) -> float:
    # "If you are a provider ...": a menu that sorts callers; the caller is a customer.
    if role := ROLE.search(o.option.text):
        return 4.0 if CUSTOMER_ROLE.search(role.group(1)) else -6.0
    return 0.0


def _deed(turn: Turn, o: Option) -> float:
    # What the caller wants done ("move my service") outweighs what it is about ("new apartment").
    action = turn.goal.action
    return 3.0 * len(action.stems & o.terms.stems) + len(action.concepts & o.terms.concepts)


_LIGHT_VERBS = {"make", "get", "have", "do"}  # "make a payment" is paying: the noun says what it is for


def _verb(turn: Turn, o: Option) -> float:
    # "To pay your bill" is not for getting a charge refunded: an option's own verb must be the goal's.
    action = turn.goal.action
    verb = _OPTION_VERB.match(o.text)
    if re.match(r"leave (?:a |your )?(?:\w+ )?message\b", o.text, re.I):
        # After hours, a message is how the caller reaches a person: no deed of its own to conflict.
        return 1.0 if turn.line.is_closed else 0.0
    if verb and same_deed(verb.group(1), action.stems):
        return 3.0  # "reschedule" for "move my appointment": the same deed in other words
    if (
        verb
        and verb.group(1).lower() not in _LIGHT_VERBS
        and not (action.stems & o.terms.stems)  # "schedule a repair" for "get my washer repaired"
        and stem(verb.group(1).lower()) not in _goal_verbs(turn)
        and not (Terms.of(verb.group(1)).concepts & action.concepts - {"billing", "order", "status"})
    ):
        return -3.0
    return 0.0


def acts_on_existing(turn: Turn) -> bool:
    """The goal changes or asks about something already made ("switch our dinner seating on the cruise",
    "I bought 3 tickets ... never got them"), not a new matter."""
    task, text = turn.goal.task, turn.frame.read.text
    return bool(
        _EXISTING.search(task)
        or re.search(r"\b(?:status|update|check|existing|already)\b", task, re.I)
        or (turn.goal.action.stems & _CHANGE_DEEDS)
        or _MY_MATTER.search(text)
        or re.search(r"\bI (?:bought|ordered|booked|placed|filed|reserved|purchased|made a)\b", text)
    )


_CHANGE_DEEDS = frozenset({"switch", "chang", "mov", "reschedul", "modify", "upgrad", "downgrad", "cancel"})
_MY_MATTER = re.compile(
    r"\b(?:my|our)\s+(?:[\w'-]+\s+){0,3}(?:order|booking|reservation|cruise|flight|trip|tickets?|claim|"
    r"seating|stay|subscription|membership|repair order|work order|service request|case|dispute|"
    r"application)\b",
    re.I,
)
_NEW_OPTION = re.compile(
    r"^(?:new|buy|rent|open a new|make a new|start a new)\b|\bnew (?:reservations?|accounts?)", re.I
)


def _existing(turn: Turn, o: Option) -> float:
    # "To check on an existing claim, press 3" is not for reporting a new loss: nothing exists yet; "If you
    # already have a booking" is for changing one, and "new reservations" is not.
    on_existing = acts_on_existing(turn)
    if _EXISTING.search(o.option.text):
        return 3.0 if on_existing else -4.0 if not _EXISTING.search(turn.goal.task) else 0.0
    if _NEW_OPTION.search(o.text) and on_existing and not _NEW_MATTER.search(turn.goal.task):
        return -3.0
    return 0.0


def _directory(turn: Turn, o: Option) -> float:
    return -5.0 if _DIRECTORY.search(o.option.text) else 0.0


def _way_out(turn: Turn, o: Option) -> float:
    # "to move your dates instead": the way out of what the caller called to end; "refill a prescription"
    # does the very thing the caller called to stop ("take my lisinopril off auto-refill").
    if not turn.goal.ends_service:
        return 0.0
    if re.search(r"\b(?:instead|keep|stay|pause|freeze)\b", o.text, re.I):
        return -5.0
    starts = r"(?:refill|order|buy|book|schedule|renew|start|add|activate|open|sign up|enroll)\b"
    return -4.0 if re.match(starts, o.text, re.I) else 0.0


def _other_amount(turn: Turn, o: Option) -> float:
    # "$500" when the menu offers the minimum or the balance: another amount, unless it is one of them.
    if _OTHER_AMOUNT.search(o.option.text) and turn.frame.facts.amount:
        said = {v.key for v in amounts_in(turn.line.text)}
        return 0.0 if amounts_in(turn.frame.facts.amount)[0].key in said else 4.0
    return 0.0


def _time(turn: Turn, o: Option) -> float:
    # A time offered as a key: scored as an offered time, in place of its words.
    from callersim_cli.engines.offline.respond_menus import choice_score

    if re.search(
        r"\d|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|morning|afternoon)\b", o.text, re.I
    ):
        return choice_score(turn, o.text) - turn.goal.terms.overlap(o.terms)
    return 0.0


def _not_so(turn: Turn, o: Option) -> float:
    # "It's not an emergency": an option for what the scenario says is not so is not for this call.
    # Statements of fact only: "I don't want any extra services" declines; it says nothing is not so.
    negated = [
        c
        for c in turn.frame.read.clauses
        if _NEGATION.search(c) and not re.search(r"\b(?:want|need|like|interested|willing)\b", c, re.I)
    ]
    goal = turn.goal.terms.stems
    # What is denied is what follows the negation ("not an emergency", "never had an account"), not the rest
    # of the clause ("a collection account on my credit report ... that isn't mine").
    denied = [
        m.group(1)
        for c in negated
        for m in re.finditer(rf"{_NEGATION.pattern}\s+((?:\S+\s*){{1,4}})", c, re.I)
    ]
    return -5.0 if any(o.terms.stems & Terms.of(d).stems - goal for d in denied) else 0.0


def _condition(turn: Turn, o: Option) -> float:
    # "If anything is missing, talk to an admissions counselor": a condition met by what the line says.
    met = [
        then
        for _, then in turn.frame.read.conditions
        if then and TROUBLE.search(turn.line.text) and o.terms.stems & Terms.of(then).stems
    ]
    return 6.0 * len(met)


def _phrase(turn: Turn, o: Option) -> float:
    # "a payment plan" in the goal and in one option: two words together say more than each alone.
    return 2.0 * len(_pairs(o.text) & _pairs(turn.goal.task))


_TEMPORARY = re.compile(
    r"\b(?:temporar\w*|for (?:a|the) (?:set|specific|limited|certain) (?:period|time|number of days)|"
    r"for now|for a (?:few|couple of) (?:days|weeks|months)|until|through (?:the )?\w+ \d|for (?:\d+|a|one|"
    r"two|three) (?:days?|weeks?|months?))\b",
    re.I,
)
_PERMANENT = re.compile(r"\b(?:permanent\w*|for good|forever|completely|altogether)\b", re.I)


def _duration(turn: Turn, o: Option) -> float:
    # "Temporarily lift your freeze through June 9" is the set period, not the permanent removal.
    goal = turn.frame.read.text
    wants = "temporary" if _TEMPORARY.search(goal) else "permanent" if _PERMANENT.search(goal) else ""
    offers = "temporary" if _TEMPORARY.search(o.text) else "permanent" if _PERMANENT.search(o.text) else ""
    if not wants or not offers:
        return 0.0
    return 3.0 if wants == offers else -4.0


def _person(turn: Turn, o: Option) -> float:
    return -3.0 if o.option.is_human and not turn.frame.wants_human else 0.0


Rule = Callable[[Turn, Option], float]
OPTION_RULES: tuple[tuple[str, Rule], ...] = (
    ("topic", _topic), ("situation", _situation), ("role", _role), ("deed", _deed), ("verb", _verb),
    ("existing", _existing), ("directory", _directory), ("way-out", _way_out),
    ("other-amount", _other_amount), ("time", _time), ("not-so", _not_so), ("condition", _condition),
    ("phrase", _phrase), ("duration", _duration), ("person", _person),
)  # fmt: skip


def score_parts(turn: Turn, option: MenuOption) -> list[tuple[str, float]]:
    """What each rule gave this option, the ones that gave anything."""
    o = Option.of(option)
    return [(name, value) for name, rule in OPTION_RULES if (value := rule(turn, o))]


def option_score(turn: Turn, option: MenuOption) -> float:
    if option.is_repeat:
        return -10.0  # pressed before for this same menu, and it came back: not that one again
    return sum(value for _, value in score_parts(turn, option))
