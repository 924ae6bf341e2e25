"""A scenario read into what the caller will do, what it knows, and what it will and won't accept.

"cancel my gym membership because I'm moving. My member ID is 88014326. Decline any offers to keep me."
is a task (cancel the membership, for a reason), a fact (the member ID) and a constraint (no offers).
Each sentence is one of these: constraints by how they start ("No ...", "I don't want ...", "If ...,
...", "Only ...", "... is fine"), facts when nothing but details is left once the details are taken out,
and the task otherwise. Every clause is also kept in the caller's words, so a question the caller has no
rule for can be answered from the clause that fits it best ("Which lane?" -> "in the eastbound lane").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from callersim_cli.engines.offline.scenario_facts import ME, Fact, Person, facts_of, people_of
from callersim_cli.engines.offline.text import words

# Kinds of fact that say who the caller is or which record is theirs: given when asked, never volunteered.
IDENTITY_KINDS = frozenset(
    {"name", "last_name", "phone", "email", "date_of_birth", "ssn_last4", "pin", "new_pin", "card_number",
     "card_expiry", "card_last4", "zip"}
)  # fmt: skip
_SENTENCE_END = re.compile(
    r"(?<!\bDr\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bMrs\.)(?<!\bSt\.)(?<=[.!?;])\s+"
    # "at 2 p.m. I'm moving" ends a sentence; "at 2 p.m. tomorrow" does not.
    r"(?:(?<![ap]\.m\.)|(?=[A-Z])(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b))"
)

_DECLINE = (
    re.compile(r"^(?:no|without)\s+(?P<what>.+)$", re.I),
    re.compile(r"\bI (?:don't|do not|won't) (?:want|need)(?: to)?\s+(?P<what>.+)$", re.I),
    # "Will not sign a 2-year agreement", "won't accept a store credit": what the caller refuses to do.
    re.compile(
        r"^(?:I\s+)?(?:won't|will not|wouldn't|would not|refuse to)\s+(?:sign|accept|agree to|take|pay for|"
        r"commit to|go with|do)\s+(?P<what>.+)$",
        re.I,
    ),
    # "Anything under $60 is fine IF there's no contract": no contract, whatever else is fine.
    re.compile(r"\bif there(?:'s| is) no\s+(?P<what>.+)$", re.I),
    re.compile(r"^(?:decline|turn down|refuse|say no to)\s+(?P<what>.+)$", re.I),
    re.compile(r"\b(?:not|never) (?:interested in|willing to)\s+(?P<what>.+)$", re.I),
    re.compile(r"^(?:please )?don't (?:add|sign me up for|offer|give)\s+(?P<what>.+)$", re.I),
)
_ONLY = re.compile(r"^(?:only|just)\s+(?P<what>.+?)(?:,\s*(?:not|nothing)\b.*)?$", re.I)
_NOTHING_ELSE = re.compile(
    r"\bnothing (?:else|extra|more)\b|\b(?:no|any) (?:extras?|add-?ons?|upsells?)\b", re.I
)
_ACCEPT = (
    re.compile(r"^(?P<what>.+?)\s+(?:is|are|would be) (?:fine|okay|ok|good)\b", re.I),
    re.compile(r"^(?!I\b)(?:either\s+)?(?P<what>.+?)\s+(?:works|would work)\b", re.I),
    re.compile(r"\bI(?:'m| am) (?:fine|ok|okay|happy)(?: with)?\s+(?P<what>.+)$", re.I),
    re.compile(r"\bI (?:don't|do not) mind\s+(?P<what>.+)$", re.I),
)
_PREFER = (
    re.compile(r"\bI(?:'d| would) rather\s+(?P<this>.+?)\s+than\s+(?P<that>.+)$", re.I),
    re.compile(r"^(?P<this>.+?),?\s+(?:instead of|rather than)\s+(?P<that>.+)$", re.I),
    re.compile(r"^(?P<this>.+?),\s+not\s+(?P<that>.+)$", re.I),
)
_CONDITION = re.compile(r"^(?:but\s+)?(?:if|when|in case)\s+(?P<if>[^,]+),\s*(?P<then>.+)$", re.I)
_AS_LONG_AS = re.compile(r"\bas long as\s+(?P<if>[^;,]+)(?:[;,]\s*otherwise,?\s*(?P<else>.+))?", re.I)


@dataclass(frozen=True)
class Scenario:
    text: str
    people: tuple[Person, ...] = ()
    facts: tuple[Fact, ...] = ()
    task: str = ""  # what the caller will say it calls for: no identity details
    problem: str = ""  # what happened, when the scenario starts there ("my phone was stolen")
    clauses: tuple[str, ...] = ()  # every clause, in the caller's words, details kept
    declines: tuple[str, ...] = ()  # what the caller does not want: "travel insurance", "any offers"
    accepts: tuple[str, ...] = ()  # what the caller is fine with: "a small fare difference"
    prefers: tuple[tuple[str, str], ...] = ()  # (this, over that): ("a refund", "a travel credit")
    conditions: tuple[tuple[str, str], ...] = ()  # (if, then)
    only: tuple[str, ...] = ()  # "only the front brakes": the caller wants this and nothing besides
    nothing_else: bool = False
    context: tuple[str, ...] = field(default=())  # sentences that tell what happened, not what to do

    def facts_of(self, owner: str = ME) -> list[Fact]:
        return [f for f in self.facts if f.owner == owner]

    def person(self, relation: str) -> Person | None:
        return next((p for p in self.people if p.relation == relation), None)

    @property
    def subject(self) -> Person | None:
        """The person the call is for when it is not the caller: the first one the task names ("for my
        father", "my mother's account"), unless it names them only to say whose something else is ("for
        my mom's birthday", "from my wife's phone")."""
        first = sentences_of(self.text)[0] if self.text else ""
        for person in self.people:
            # Named later ("Your son is Eli Delgado") but first met in the task ("your son's pediatrician").
            met = re.search(rf"\b(?:my|your|our|his|her)\s+{re.escape(person.relation)}\b", first, re.I)
            start = person.start if person.start < len(first) else met.start() if met else None
            if person.relation == "pet" or start is None:
                continue
            after = self.text[start : start + 60].lower()

            if re.match(
                rf"\w+ {person.relation}'s (?:birthday|anniversary|party|wedding|phone|job|car|"
                rf"house party)\b",
                after,
            ):
                continue
            return person
        return None


def sentences_of(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def _first_person(text: str) -> str:
    """Scenarios are often written to the caller: "cancel your order" is said "cancel my order"."""
    for pattern, repl in (
        (r"\byou're\b", "I'm"), (r"\byou are\b", "I am"), (r"\byou've\b", "I've"),
        (r"\byou have\b", "I have"),
        (r"\byou'd\b", "I'd"), (r"\byourself\b", "myself"), (r"\byours\b", "mine"), (r"\byour\b", "my"),
        (r"\byou\b", "I"),
    ):  # fmt: skip
        text = re.sub(pattern, repl, text, flags=re.I)
    return text


def _strip_end(text: str) -> str:
    return text.strip().rstrip(".!;:,").strip()


_LABEL_BEFORE = re.compile(
    r",?\s*(?:(?:under|with)\s+)?(?:(?:the|my|her|his)\s+)?(?:(?:last|first|full)\s+)?(?:[\w'-]+\s+)?"
    r"(?:number|no\.?|#|id|code|name|pin|phone|email|zip)\s*(?:is|are|of|:)?\s*\x00",
    re.I,
)
_ENDING_BEFORE = re.compile(r"\s*(?:ending(?: in)?|ends in|last (?:four|4)(?: digits)?)\s*\x00", re.I)
_BORN_BEFORE = re.compile(r",?\s*\(?(?:born|date of birth|birthday)(?: is| was)?\s*\x00\)?", re.I)


def _span_with_label(sentence: str, fact: Fact) -> tuple[int, int] | None:
    """Where a detail and the words that label it sit: "repair order 77120", ", born March 9, 2019,"."""
    at = sentence.find(fact.value)
    if at < 0:
        return None
    end = at + len(fact.value)
    if fact.kind == "new_pin":
        return at, end  # "set the PIN to 5082": the task stays, the PIN is given when asked
    labels = [re.escape(w) for w in (fact.label, fact.kind.replace("_", " ")) if w] + [
        r"(?:[\w'-]+\s+)?(?:number|no\.?|#|id|code|pin|phone|email|zip(?: code)?)",
        r"(?:(?:last|first|full)\s+)?name",
    ]
    # An appositive goes whole, label and all: "my Silverado, repair order 77120, is finished".
    lead = re.search(
        rf"(,\s*|\s*\(\s*|^)(?:(?:under|with)\s+)?(?:(?:the|my|her|his)\s+)?(?:{'|'.join(labels)})"
        r"(?:\s+(?:number|no\.?|#|id|code))?(?:\s+(?:is|are|of))?\s*[:#]?\s*$",
        sentence[:at],
        re.I,
    )
    if lead is None:
        # A detail inside a phrase keeps the phrase: "pay parking ticket number 7731902" -> "pay parking
        # ticket"; words that only introduce the value go with it ("ending in", "born", "expiring").
        lead = re.search(
            r"(\s*)(?:,?\s*(?:born|date of birth|birthday|expiring|expires|ending(?: in)?|ends in|"
            r"last (?:four|4)(?: digits)?|under the (?:last )?name|under)|\s+(?:number|no\.?|#|id|code))"
            r"(?:\s+(?:is|are|of))?\s*[:#]?\s*$",
            sentence[:at],
            re.I,
        )
    start = lead.start() if lead else at
    if lead and lead.group(1).startswith(",") and sentence[end : end + 1] == ",":
        end += 1  # the appositive's closing comma goes with it
    return start, end


def _without_identity(sentence: str, facts: list[Fact]) -> str:
    """The sentence with the caller's identity details taken out, and the words that labelled them."""
    spans: list[tuple[int, int]] = []
    for fact in facts:
        if fact.kind in ("flight", "address", "room", "pet_name") or fact.label == "near":
            continue  # "on flight 415", "in front of 1480 Calloway Street": what the task is about
        if fact.kind == "name" and fact.owner != ME:
            continue  # "for my son Theo Marsh": the name says who the task is for
        if span := _span_with_label(sentence, fact):
            spans.append(span)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    for start, end in reversed(merged):
        sentence = sentence[:start] + "\x00" + sentence[end:]
    # A parenthesis that only held details goes whole: "(confirmation \x00, last name \x00)".
    sentence = re.sub(r"\s*\((?:[^()]*\x00[^()]*)\)", "", sentence)
    sentence = re.sub(r"\s*\x00\s*\)?", " ", sentence)
    sentence = re.sub(r",?\s+(?:in|at|on|of|with|to)\s*(?=,|$)", "", sentence)  # "near my office, in,"
    sentence = re.sub(r"\s+([,.;:])", r"\1", sentence)
    sentence = re.sub(r",\s*,", ",", sentence)
    sentence = re.sub(r",?\s+(?:and|or|but)\s*$", "", sentence.strip())
    return " ".join(sentence.split()).strip(" ,")


def _clauses(sentence: str) -> list[str]:
    parts = re.split(
        r";\s+|\s+—\s+|\s+-\s+|:\s+|,\s+(?:and|but|so)\s+|\s+but\s+|,\s+(?=[a-z]+ing\b)|"
        r"\s+and\s+(?=(?:I|I'm|my|it|it's|she|he|they|there|the)\b)",
        sentence,
    )
    return [_first_person(_strip_end(p)) for p in parts if len(words(p)) >= 2]


def parse_scenario(text: str) -> Scenario:
    people = people_of(text)
    facts = facts_of(text, people)
    declines: list[str] = []
    accepts: list[str] = []
    prefers: list[tuple[str, str]] = []
    conditions: list[tuple[str, str]] = []
    only: list[str] = []
    nothing_else = False
    tasks: list[str] = []
    context: list[str] = []
    problem = ""
    clauses: list[str] = []
    offset = 0
    for sentence in sentences_of(text):
        offset = text.find(sentence, offset)
        body = _without_identity(_strip_end(sentence), facts)
        # Clauses are answers to what the business asks: identity details stay out of them.
        clauses += [c for c in _clauses(body) if c and not _only_labels(c)]
        constraint = False
        for part in re.split(r",\s+(?:and\s+)?|\s+and\s+(?=no\b|don't\b|not\b|nothing\b)|;\s+", body):
            part = _strip_end(part)
            if _NOTHING_ELSE.search(part) and re.match(
                r"(?:and\s+)?(?:nothing|no|just|only|please)\b|.*\b(?:just|only)\b", part, re.I
            ):
                nothing_else = constraint = True
            if m := _CONDITION.match(part) or _CONDITION.match(body):
                conditions.append((_first_person(m.group("if")), _first_person(_strip_end(m.group("then")))))
                constraint = True
                break
            if m := _AS_LONG_AS.search(part):
                conditions.append((_first_person(m.group("if")), _first_person(m.group("else") or "")))
            for pattern in _DECLINE:
                if m := pattern.search(part):
                    declines.append(_first_person(_strip_end(m.group("what"))))
                    constraint = True
                    break
            if m := _ONLY.match(part):
                only.append(_first_person(m.group("what")))
                constraint = True
            for pattern in _ACCEPT:
                if (m := pattern.search(part)) and len(words(m.group("what"))) <= 8:
                    accepts.append(_first_person(m.group("what")))
                    constraint = constraint or pattern is not _ACCEPT[1] or len(tasks) > 0
                    break
            for pattern in _PREFER:
                if m := pattern.search(part):
                    prefers.append(
                        (_first_person(m.group("this")), _first_person(_strip_end(m.group("that"))))
                    )
                    break
        for pattern in _PREFER:
            if (m := pattern.search(body)) and (
                pair := (_first_person(m.group("this")), _first_person(_strip_end(m.group("that"))))
            ) not in prefers:
                prefers.append(pair)
                break
        if constraint and tasks:
            continue
        cleaned = body
        if len(words(cleaned)) < 2 or _only_labels(cleaned):
            continue  # a sentence of details only: "Account number 40-1182-07, under the name Whitfield."
        if is_task(cleaned):
            tasks.append(cleaned)
        elif not tasks and later_want(cleaned):
            tasks.append(cleaned)  # what happened stays with the want: it says what the want is for

        else:
            context.append(cleaned)
            if not tasks and not problem:
                problem = _first_person(cleaned)  # the scenario starts with what happened
    task = _first_person(tasks[0]) if tasks else ""
    return Scenario(
        text, tuple(people), tuple(facts), task, problem, tuple(clauses), tuple(declines), tuple(accepts),
        tuple(prefers), tuple(conditions), tuple(only), nothing_else, tuple(context),
    )  # fmt: skip


_IMPERATIVE = re.compile(
    r"^(?:please\s+)?(?:book|schedule|reschedule|cancel|change|pay|buy|get|make|renew|refill|update|add|set|"
    r"open|close|return|exchange|transfer|upgrade|downgrade|speak|talk|request|reserve|arrange|apply|sign|"
    r"start|stop|replace|move|activate|confirm|know|learn|see|find|track|report|complain|dispute|follow|"
    r"inquire|ask|file|let|tell|notify|check|contest|appeal|order|switch|suspend|block|submit|send|have|"
    r"enroll|extend|postpone|dispute|remove|give|pick|collect|hold|waive|lower|increase|reduce|fix|repair|"
    r"install|treat|take|see|pause|freeze|delete|claim|register|verify|reset|unlock|port|keep)\b",
    re.I,
)


_WANT = (
    r"(?:really\s+)?(?:want|need|would like|'d like|am hoping|'m hoping|am trying|'m trying|"
    r"am looking|'m looking)\b"
)
# "You can't pay it all at once and want a monthly payment plan": the want after what happened.
_LATER_WANT = re.compile(rf"(?:,\s*|\s+)(?:and|but|so)\s+(?:I\s+|you\s+)?({_WANT}.*)$", re.I)


def is_task(sentence: str) -> bool:
    return bool(_IMPERATIVE.match(sentence) or re.match(rf"^(?:I|we|you)\s+{_WANT}", sentence, re.I))


def later_want(sentence: str) -> str | None:
    """The want in a sentence that starts with what happened, as the caller says it: "I want a ..."."""
    m = _LATER_WANT.search(sentence)
    return f"I {m.group(1)}" if m and not re.search(r"\b(?:not|n't)\s*$", sentence[: m.start(1)]) else None


def _only_labels(sentence: str) -> bool:
    filler = {
        "my", "the", "a", "an", "is", "are", "number", "no", "id", "code", "and", "under", "name", "last",
        "first", "of", "his", "her", "their", "it's", "its", "on", "file", "account", "phone", "callback",
        "call-back", "reference", "booking", "confirmation", "i'm", "i", "am", "me",
    }  # fmt: skip
    return all(w in filler or not w.isalpha() for w in words(sentence))
