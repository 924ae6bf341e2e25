"""The caller's goal as the offline caller says it, and the details the scenario itself gives.

A scenario is written as an instruction ("report a lost debit card ... Account number 55017342."); the
caller speaks it in the first person ("I'm calling to report a lost debit card ..."), keeps identity
details out of that sentence, and gives them only when asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from callersim_cli.engines.offline.scenario import Scenario, parse_scenario
from callersim_cli.engines.offline.text import (
    SIZES,
    WEEKDAYS,
    Terms,
    concepts_of,
    has_word,
    words,
    wordset,
)
from callersim_cli.persona import Persona

# Number kinds a scenario may state, by the word before the number, as named in Persona.numbers.
_NUMBER_KINDS = {
    "account": "account_number", "order": "order", "confirmation": "confirmation", "claim": "claim",
    "policy": "policy", "member": "member", "reservation": "confirmation", "booking": "confirmation",
    "prescription": "prescription", "rx": "prescription", "tracking": "tracking", "case": "case",
    "ticket": "ticket", "customer": "account_number", "pin": "pin", "zip": "zip", "invoice": "invoice",
    "group": "group", "patient": "patient", "record": "record", "license": "license", "plate": "plate",
    "flight": "flight", "loyalty": "member", "rewards": "member", "frequent": "member",
    # A citation is a ticket to the caller; one number has many names, the business may use any of them.
    "citation": "ticket", "violation": "ticket", "student": "student", "employee": "employee",
    "vin": "vin", "vehicle": "vin", "serial": "serial", "reference": "reference", "file": "reference",
    "shipment": "tracking", "package": "tracking", "parcel": "tracking", "incident": "case",
    "complaint": "case", "service request": "case", "work order": "order",
    "appointment": "confirmation", "application": "application", "loan": "loan", "meter": "meter",
    "registration": "registration", "permit": "permit", "iccid": "iccid", "imei": "imei",
}  # fmt: skip
KIND_WORDS = "|".join(sorted(_NUMBER_KINDS, key=len, reverse=True))
_NUMBER_RE = re.compile(
    r"\b(" + KIND_WORDS + r")(?:\s+flyer)?(?:\s+(?:number|no\.?|#|id|code|reference|ref\.?))?"
    r"(?:\s+(?:is|was|of))?\s*[:#]?\s*"
    # "flight SB 482": an airline's two letters, a space, the digits; otherwise one run with a digit in it.
    r"((?-i:[A-Z]{2})\s\d{1,4}\b|[A-Z0-9]*-?\d[A-Z0-9-]*)",
    re.I,
)


def number_kind(label: str) -> str:
    """The detail a labelled number is kept as: "citation" and "ticket" are the same number."""
    label = " ".join(label.lower().split())
    return _NUMBER_KINDS.get(label, label.replace(" ", "_"))


# Openers that turn an instruction into first-person speech.
_LIKE_VERBS = wordset(
    """order book schedule reschedule cancel change pay buy get make renew refill update add set open close
    return exchange transfer upgrade downgrade speak talk request reserve arrange apply sign start stop
    replace move activate set up confirm know learn see find track"""
)
_CALLING_VERBS = wordset(
    "report complain dispute follow inquire ask file let tell notify check contest appeal"
)
# Clauses that instruct the simulation rather than describe the caller's business.
_META_RE = re.compile(
    r"^(?:and\s+)?(?:avoid|don't|do not|try not|never|be\s|stay\s|keep\s|if possible|if asked|when asked|"
    r"only\s|give\s.*\bwhen asked|you are|act\s|pretend|play\s|"
    # The default goal's filler: a real caller calls for one thing, not "a typical customer task".
    r"complete (?:a |the |any )?(?:typical|usual|common|normal|standard)\b)",
    re.I,
)


@dataclass(frozen=True)
class Goal:
    """The goal in the caller's words, what it is about, and what the caller prefers when offered choices."""

    scenario: str
    task: str  # the instruction without identity details: "order a large pepperoni pizza for delivery"
    statement: str  # "Hi, I'd like to order a large pepperoni pizza for delivery."
    short: str  # the first part only, for "in a few words"
    item: str  # what is ordered or asked about: "a large pepperoni pizza for delivery"
    terms: Terms
    details: Persona  # what the scenario states about the caller
    action: Terms = field(default_factory=lambda: Terms(frozenset(), frozenset()))  # "cancel", "move"
    reason: str | None = None  # why, in the caller's words: "I'm moving"
    ends_service: bool = False  # the goal stops something (cancel, close, return): keep-offers go against it
    prefer_days: tuple[str, ...] = ()
    avoid_days: tuple[str, ...] = ()
    prefer_parts: tuple[str, ...] = ()  # morning / afternoon / evening
    next_week: bool = False
    values: dict[str, str] = field(default_factory=dict)  # chosen value per VALUE_GROUPS index
    also: str = ""  # what the caller adds after the item: "and I'll pay by card"
    terse_statement: str = ""  # the statement as a terse caller says it: "A large pepperoni pizza."
    terse_short: str = ""
    read: Scenario = field(default_factory=lambda: Scenario(""))  # the scenario's facts and constraints
    time: str = ""  # the time of day the caller wants, as the scenario says it: "after 5 pm", "7:30 pm"

    @property
    def is_problem(self) -> bool:
        """The goal reports something broken: a fix the business tries has not worked until it says so."""
        return bool(_PROBLEM.search(self.task)) or bool(self.terms.concepts & {"outage", "technical"})


def _second_to_first_person(text: str) -> str:
    """Scenarios are often written to the caller: "cancel your order" is said as "cancel my order"."""
    replacements = (
        (r"\byou're\b", "I'm"), (r"\byou are\b", "I am"), (r"\byou've\b", "I've"),
        (r"\byou have\b", "I have"),
        (r"\byou'd\b", "I'd"), (r"\byou\b", "I"), (r"\byours\b", "mine"), (r"\byour\b", "my"),
        (r"\byourself\b", "myself"),
    )  # fmt: skip
    for pattern, repl in replacements:
        text = re.sub(pattern, repl, text, flags=re.I)
    return text


def _first_person(task: str) -> str:
    task = _second_to_first_person(task)
    task = re.sub(r"^(?:the caller|caller|customer)\s+(?:wants|needs)\s+to\s+", "", task, flags=re.I)
    task = re.sub(
        r"^(?:I\s+)?(?:want|wants|need|needs|would like|am trying|try|trying)\s+to\s+", "", task, flags=re.I
    )
    task = re.sub(r"^(?:to|please)\s+", "", task, flags=re.I)
    return task


def _statement(task: str) -> str:
    main, also = _split_also(task)
    if also:
        return f"{_statement(main).rstrip('.')}, {also}."
    first = words(task)[:1]
    verb = first[0] if first else ""
    if re.match(r"^(?:I|I'm|I've|I'd|my)\b", task, re.I):
        return f"Hi, {task[0].lower() + task[1:] if task.startswith('My') else task}."
    if len(task) > 1 and task[1].islower():
        task = task[0].lower() + task[1:]  # "Pharmacy refill ..." is not a name
    if verb in _CALLING_VERBS:
        return f"Hi, I'm calling to {task}."
    if verb in _LIKE_VERBS:
        return f"Hi, I'd like to {task}."
    return f"Hi, I'm calling about {task}."


_TERSE_LEAD = re.compile(r"^(?:I'd like to|I'm calling to|I need to)\s+", re.I)


def terse_form(statement: str) -> str:
    """The goal said without the polite frame: "Hi, I'd like to order a large pizza." -> "A large pizza."."""
    text = statement.removeprefix("Hi, ")
    text = _TERSE_LEAD.sub("", text, count=1)
    # "Order a large pizza." is an order barked at the business; the thing alone is terse and polite.
    text = re.sub(
        r"^(?:order|buy|purchase|get)\s+(?=(?:a|an|one|two|three|some|the)\b)", "", text, flags=re.I
    )
    return text[:1].upper() + text[1:]


def _item(task: str) -> str:
    """What the goal asks for: "order a large pepperoni pizza" -> "a large pepperoni pizza"."""
    m = re.match(r"^(?:order|buy|get|book|reserve|request|purchase|refill)\s+(.*)$", task, re.I)
    return _split_also(m.group(1))[0] if m else task


_ALSO = re.compile(r"^(.*?),?\s+and\s+((?:pay|paying|I'll pay|use|charge)\b.*)$", re.I)


def _split_also(text: str) -> tuple[str, str]:
    """ "a large pizza for delivery and pay by card" -> the thing, and "and I'll pay by card" after it."""
    m = _ALSO.match(text)
    if not m:
        return text, ""
    rest = re.sub(r"^(?:paying|I'll pay)\b", "pay", m.group(2), flags=re.I)
    rest = re.sub(r"^pay\b", "I'll pay", rest) if rest.startswith("pay") else f"I'd also like to {rest}"
    return m.group(1), f"and {rest}"


_DAY_MARKERS = wordset("from not instead except than to on for until till but")


def _weekday_preferences(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    prefer: list[str] = []
    avoid: list[str] = []
    tokens = words(text)
    for i, token in enumerate(tokens):
        day = token.rstrip("s")
        if day in WEEKDAYS:
            # The nearest marker decides: "from Thursday to Sunday" avoids Thursday and wants Sunday.
            before = tokens[max(0, i - 3) : i]
            marker = next((t for t in reversed(before) if t in _DAY_MARKERS), "")
            (avoid if marker in {"from", "not", "instead", "except", "than", "but"} else prefer).append(day)
    return tuple(prefer), tuple(avoid)


_PROBLEM = re.compile(
    r"\b(?:down|not working|broken|outage|out|stopped|won't|doesn't|can't|no (?:service|signal|power|"
    r"heat|hot water)|fix|fixed|repair|leak\w*|slow)\b",
    re.I,
)
_ENDING = re.compile(
    r"\b(?:cancel\w*|close|closing|terminate|discontinue|disconnect|stop|end|return|refund|unsubscribe|"
    r"opt out|get rid of|quit|leave|take (?:\w+ ){1,3}off|turn off)\b",
    re.I,
)
_REASON = re.compile(r"\b(?:because|since|as|due to|so that|now that)\s+(.+)$", re.I)


# Concepts that say what the caller needs done, not what it is about: a goal without a leading verb ("I was
# charged twice for my last order") takes its first such word as its action.
_INTENT_CONCEPTS = frozenset(
    {"billing", "technical", "outage", "lost", "returns", "account_change", "claim", "refill", "change"}
)


_MORE_VERBS = wordset(
    "submit enroll extend postpone remove waive lower increase reduce fix repair install treat pause freeze "
    "delete register reset unlock port keep suspend block switch send reschedule schedule"
)
_DONE_TO = re.compile(
    r"\b(removed|refunded|fixed|repaired|replaced|cancell?ed|delivered|sent|held|moved|changed|reviewed|waived|"
    r"credited|disputed|rebooked|transferred|reinstated|unlocked|reset|installed|treated|seen|filled|shipped)\b",
    re.I,
)


def _action(task: str) -> Terms:
    """The goal's verb, or its first problem word: it outweighs the goal's topic when reading menus."""
    tokens = words(task)
    # "find out why my data is so slow": a verb that only asks defers to the problem it asks about.
    weak = wordset("find know learn see check ask get talk speak inquire have")
    verbs = _LIKE_VERBS | _CALLING_VERBS | _MORE_VERBS
    if tokens and tokens[0] in verbs and tokens[0] not in weak:
        return Terms.of(tokens[0])
    # "get the charge removed and refunded", "have my package held": the deed is the participle.
    if tokens and tokens[0] in ("get", "have") and (done := _DONE_TO.search(task)):
        return Terms.of(done.group(1))
    # "Take my lisinopril off auto-refill", "turn off autopay": the deed is stopping it.
    if re.match(r"(?:take|get|turn|switch)\b.*\boff\b", task, re.I):
        return Terms(frozenset({"stop", "remov"}), frozenset())
    # "get a leak adjustment on my May water bill": what is to be got is the deed, not the bill.
    if got := re.match(
        r"(?:get|request|ask for)\s+(?:a|an|the|my|some)\s+(?:[\w-]+\s+){0,3}?([a-z]{4,})"
        r"(?=\s+(?:on|for|of|to|from|at|about|with|because|so|since|before|after|by|and)\b|[,.;]|$)",
        task,
        re.I,
    ):
        return Terms.of(got.group(1))
    if (
        tokens
        and tokens[0] in ("check", "see", "know")
        and re.search(r"\b(?:whether|if|status|when|where)\b", task)
    ):
        return Terms(frozenset({"check", "status"}), frozenset({"status"}))
    for token in tokens:
        if concepts_of(token) & _INTENT_CONCEPTS:
            return Terms.of(token)
    if tokens and tokens[0] in ("check", "find", "see", "know", "learn", "ask", "inquire"):
        # "check whether my payment was sent": a question about how things stand.
        return Terms(frozenset({"check", "status"}), frozenset({"status"}))
    if tokens and tokens[0] in weak:
        return Terms.of(tokens[0])
    return Terms(frozenset(), frozenset())


def _reason(task: str) -> str | None:
    """ "cancel my internet because I am moving" -> "I'm moving"; "since this morning" is no reason."""
    m = _REASON.search(task)
    if not m:
        return None
    reason = m.group(1).strip().rstrip(".")
    if m.group(0).lower().startswith("since") and not re.match(r"(?:I|my|we|our|it|the)\b", reason, re.I):
        return None
    if m.group(0).lower().startswith("as") and not re.match(r"(?:I|we)\b", reason):
        return None
    if m.group(0).lower().startswith("due to"):
        reason = "it's due to " + reason
    reason = re.sub(r"\bI am\b", "I'm", reason)
    reason = re.sub(r"\bit is\b", "it's", reason)
    reason = re.sub(r"\bwe are\b", "we're", reason)
    return reason


def _spoken_task(read: Scenario) -> str:
    """The task as the caller says it: the scenario's task, without instructions to the actor."""
    clauses = [c for c in re.split(r",\s+", read.task or read.problem) if c and not _META_RE.match(c)]
    task = _first_person(", ".join(clauses)).strip().rstrip(".")
    # "pay parking ticket" is said "pay my parking ticket".
    return re.sub(
        rf"^(\w+)\s+(?!(?:my|the|a|an|our|this|that|your|on|to|of|for|about|with)\b)"
        rf"(?=(?:[a-z]+\s+)?(?:{KIND_WORDS})\b)",
        r"\1 my ",
        task,
    )


def details_of(read: Scenario) -> Persona:
    """The caller's own details the scenario states, as a persona with only those set."""
    own = {f.kind: f.value for f in reversed(read.facts_of())}
    numbers = {k: v for k, v in own.items() if k not in _PERSONA_FIELDS and k != "name"}
    return Persona(
        name=own.get("name"), phone=own.get("phone"), address=own.get("address"),
        date_of_birth=own.get("date_of_birth"), email=own.get("email"),
        account_number=own.get("account_number"), numbers=numbers,
    )  # fmt: skip


_PERSONA_FIELDS = frozenset({"phone", "address", "date_of_birth", "email", "account_number"})


_CLOCK = r"\d{1,2}(?::\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.)"
_TIME_PHRASE = re.compile(
    rf"\b(?:(?:after|before|by|around|at|between|from|no later than)\s+)?{_CLOCK}"
    rf"(?:\s+(?:and|to|-)\s+{_CLOCK})?|\b(?:after|before|by|around|at)\s+\d{{1,2}}(?::\d\d)?\b(?!\s*(?:days?|people|nights))",
    re.I,
)


def wanted_time(scenario: str) -> str:
    """The time the caller wants: the new one of "from 2 pm to 6:30 pm", else the first one it names."""
    if m := re.search(rf"\bfrom\s+{_CLOCK}\s+to\s+({_CLOCK})", scenario, re.I):
        return m.group(1)
    m = _TIME_PHRASE.search(scenario)
    return m.group(0).strip() if m else ""


def parse_goal(scenario: str) -> Goal:
    read = parse_scenario(scenario)
    task = _spoken_task(read) or "ask a quick question"
    # "In a few words" wants the what, not the why: "activate a new SIM card", without "because ...".
    short_task = re.split(
        r",|\s+and\s+(?=find|ask|get|see|check|learn|know|make)|\s+(?:because|since|due to)\s+", task
    )[0].strip()
    prefer_days, avoid_days = _weekday_preferences(task)
    lowered = " ".join(words(task))
    # Parts of the day the caller wants, from anywhere in the scenario ("mornings are the best time to reach
    # me"), not those that say when something happened ("since this morning").
    whole = " ".join(words(scenario))
    # "She can't do Wednesday morning": a part of the day ruled out is not one the caller wants.
    negated = " ".join(
        c.lower()
        for c in re.split(r"[.;]|,\s+(?:but|and)\s+", scenario)
        if re.search(r"\b(?:can't|cannot|not|no|don't)\b", c, re.I)
    )
    parts = tuple(
        p
        for p in ("morning", "afternoon", "evening")
        if not re.search(rf"\b{p}s?\b", negated)
        and (
            (
                re.search(rf"\b{p}s?\b", whole)
                and not re.search(
                    rf"(?:since|this|yesterday|last|in the) {p}\b(?!s? (?:only|is|works|would))", whole
                )
            )
            or re.search(rf"\b{p}s? (?:only|is|are|works|would be)\b|\b(?:in|for) the {p}\b", whole)
        )
    )
    values = {}
    for size in SIZES:
        if has_word(task, size):
            values["size"] = size
            break
    statement, short = _statement(task), _statement(short_task)
    if read.problem and read.task:
        # "My phone was stolen this afternoon. I need to suspend my line.": what happened, then the ask.
        problem = _first_person(read.problem).rstrip(".")
        statement = f"Hi, {problem[:1].lower() + problem[1:] if not problem.startswith('I') else problem}. "
        statement += _statement(task).removeprefix("Hi, ")
    return Goal(
        scenario=scenario,
        task=task,
        statement=statement,
        short=short,
        terse_statement=terse_form(statement),
        terse_short=terse_form(short),
        item=_item(task),
        also=_split_also(task)[1],
        # "on flight SB 482" names which bag, not what the call is about: the menu's "flight status" is no
        # match for a lost bag. A labelled number and its label are left out of what the goal is about.
        # What the goal is about, without what it says it is not about ("not as a travel credit").
        terms=Terms.of(
            re.sub(
                r"\bother\b|,?\s*\b(?:not|instead of|rather than)\s+[^,.;]+", " ", _NUMBER_RE.sub(" ", task)
            )
        ),
        details=details_of(read),
        read=read,
        prefer_days=prefer_days,
        avoid_days=avoid_days,
        prefer_parts=parts,
        next_week="next week" in lowered,
        values=values,
        action=_action(task),
        reason=_reason(task),
        ends_service=bool(_ENDING.search(task)),
        time=wanted_time(scenario),
    )
