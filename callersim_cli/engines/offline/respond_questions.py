"""Questions the goal answers: what, which, when, how many, what size, a preference, the thing itself."""

from __future__ import annotations

import re

from callersim_cli.engines.offline.knowledge import best_clause
from callersim_cli.engines.offline.moves import Move, speak
from callersim_cli.engines.offline.text import MONTHS, SIZES, WEEKDAYS, Terms, has_word, stem, words
from callersim_cli.engines.offline.turn import Turn

_PEOPLE = frozenset(
    [
        "person",
        "dentist",
        "doctor",
        "hygienist",
        "stylist",
        "barber",
        "technician",
        "provider",
        "physician",
        "nurse",
        "therapist",
        "agent",
        "specialist",
        "trainer",
        "groomer",
        "vet",
        "veterinarian",
        "mechanic",
        "instructor",
        "surgeon",
        "pharmacist",
        "representative",
        "advisor",
        "adviser",
        "counselor",
        "banker",
        "driver",
    ]
)
BAG_COLORS = ("black", "navy blue", "dark gray", "red", "dark green")
BAG_KINDS = ("roller suitcase", "hard-shell suitcase", "duffel bag", "medium-sized rolling bag")
BAG_BRANDS = ("Samsonite", "Travelpro", "American Tourister", "Delsey")
CAR_MAKES = (("Toyota", "Camry"), ("Honda", "Accord"), ("Ford", "Escape"), ("Subaru", "Outback"))
_DATE_NAMES = "|".join(
    (*WEEKDAYS, *MONTHS, "tomorrow", "tonight", "next week", "this week", "weekend", "nights?")
)


def describe(turn: Turn) -> Move | None:
    """Questions about the goal's own thing that a person answers from memory, not from a record.

    The goal's words first ("my 2019 Honda Civic", "delivered to my hotel"); what it does not say is
    made up once per call from the seed, as a real caller would know it ("a black roller suitcase").
    """
    line = turn.line.text.lower()
    task = turn.goal.task
    frame = turn.frame
    if re.search(r"\bdescribe\b|\b(?:color|colour)\b.*\b(?:type|brand|style)\b", line) and (
        known := best_clause(frame, line + " bag suitcase car vehicle color", least=2.0)
    ):
        return speak("sentence", "describe", text=known.clause).explained(
            f"the scenario says '{known.clause}'"
        )
    if re.search(r"\bdescribe\b.*\b(?:bag|luggage|suitcase)|\b(?:color|colour)\b.*\b(?:type|brand)\b", line):
        rng = frame.stable_rng("bag")
        color, kind, brand = rng.choice(BAG_COLORS), rng.choice(BAG_KINDS), rng.choice(BAG_BRANDS)
        return speak("bag", "describe", color=color, kind=kind, brand=brand).explained("described the bag")
    if re.search(r"\b(?:year|make|model)\b.*\b(?:vehicle|car|truck)\b|\bmake and model\b", line):
        return speak("vehicle", vehicle=vehicle(turn)).explained("described the car")
    if re.search(r"\bmileage\b|\bhow many miles\b|\bmiles (?:on|does)\b", line):
        year = re.search(r"\b((?:19|20)\d\d)\b", task)
        age = max(1, 2026 - int(year.group(1))) if year else frame.stable_rng("age").randint(3, 9)
        miles = round(age * frame.stable_rng("miles").randint(9_000, 13_000), -3)
        return speak("mileage", miles=f"{miles:,}").explained("guessed the mileage")
    request = turn.line.request
    if (
        re.search(r"\bwhere\b.*\b(?:deliver|send|ship|drop)\w*", line)
        # "Where should we deliver it, and what's the best number?": the detail act gives both.
        and not (request and set(request.slots) - {"address"})
        and (
            m := re.search(
                r"\b(?:deliver|sen[dt]|ship|brought|drop)\w*\s+(?:it\s+|them\s+)?to\s+((?:my|our|the)\s+\w+)",
                task,
                re.I,
            )
        )
    ):
        if "home" in m.group(1) and frame.persona.address:
            # "delivered to my home": the business needs the address itself.
            return speak("deliver_home", "where", place=m.group(1), address=frame.persona.address).explained(
                "where the goal says", "address"
            )
        return speak("deliver_to", "where", place=m.group(1)).explained("where the goal says")

    return None


def vehicle(turn: Turn) -> str:
    """The goal's car as it names it ("my 2019 Honda Civic"), else one made up for the call."""
    m = re.search(r"\b((?:19|20)\d\d)\s+((?:[A-Z][\w-]*\s?){1,3})", turn.goal.task)
    if m:
        return f"{m.group(1)} {m.group(2).strip()}"
    rng = turn.frame.stable_rng("car")
    make, model = rng.choice(CAR_MAKES)
    return f"{rng.randint(2012, 2023)} {make} {model}"


def answer_fact(turn: Turn) -> Move | None:
    """Questions about the goal's subject: the charge, its amount, merchant and date, what it is for."""
    asks = turn.line.questions or [s for s in turn.line.sentences if _SAY_THE.search(s)]
    if not asks:
        return None
    q = asks[-1].lower()
    facts = turn.frame.facts
    task = turn.goal.task
    # "What happened, and when was the visit?": the goal's own event, with its date, says both.
    if re.search(r"\bwhat happened\b", q) and (
        event := re.search(r"\bfor ((?!(?:me|us|it|them|that|this)\b).+)$", task, re.I)
    ):
        return speak("it_was", "fact", value=event.group(1)).explained("what happened, from the goal")
    if re.search(r"\b(?:which|what) (?:charge|transaction|payment|purchase|item)\b", q) and (
        facts.amount or facts.merchant
    ):
        noun = next(n for n in ("charge", "transaction", "payment", "purchase", "item") if n in q)
        parts = [f"the {facts.amount or ''} {noun}".replace("  ", " ")]
        if facts.merchant:
            parts.append(f"from {facts.merchant}")
        if facts.date_text:
            parts.append(f"on {facts.date_text}")
        return speak("sentence", text=" ".join(parts)).explained("the charge, from the goal", "amount")
    if facts.amount and re.search(r"\b(?:amount|how much|the total|total (?:was|is)|cost)\b", q):
        # "from $5,000 to $8,000": the amount the caller wants is where it goes to.
        target = re.search(rf"\bto ({_MONEY.pattern})", task)
        # "How much are you able to pay today?" with "a balance of $412.87. I can pay $150 today": the
        # amount of the clause the question is about.
        value = target.group(1) if target else _amount_asked(turn, q) or facts.amount
        return speak("amount", "fact", value=value).explained("the amount, from the goal", "amount")

    if facts.merchant and re.search(
        r"\b(?:merchant|vendor|company|store|retailer|business|who (?:is|was) (?:the|it)|from whom)\b", q
    ):
        return speak("merchant", "fact", value=facts.merchant).explained("the merchant, from the goal")
    if (
        facts.date_text
        and re.search(r"\b(?:date|when|what day)\b", q)
        and not re.search(r"\b(?:birth|new|would you like|prefer)\b", q)
    ):
        return speak("date_was", "fact", value=facts.date_text).explained("the date, from the goal", "date")
    # "What procedure is the authorization for?" -> the goal's "for my knee MRI".
    if re.search(r"\b(?:what|which)\b.*\bfor\?$", q):
        found = re.search(
            r"\bfor (my|an?|the) ((?:[\w'-]+ ?){1,4}?)(?=$|[,.]| (?:and|because|that|which|on|at|from)\b)",
            task,
            re.I,
        )
        if found:
            thing = found.group(2).strip()
            article = "an" if thing[:1].lower() in "aeiou" else "a"
            return speak("for_thing", "fact", article=article, thing=thing).explained("what it is for")
    return None


def answer_which(turn: Turn) -> Move | None:
    """ "Which service would you like to cancel?" -> the goal's own words: "My internet service." """
    if not turn.line.questions:
        return None
    m = re.search(r"\b(?:which|what)\s+(?:kind of |type of )?([a-z]+)", turn.line.questions[-1].lower())
    if not m or m.group(1) in ("is", "are", "was", "would", "do", "did", "can", "you", "time", "day"):
        return None
    noun = stem(m.group(1))
    fact = next((f for f in turn.frame.read.facts if stem(f.kind) == noun or noun in f.label.split()), None)
    if fact is not None and fact.kind not in ("name", "last_name"):
        # "Which flight were you on?" -> the goal's flight, with where it went when the scenario says.
        after = re.match(
            r"\s+(?:from\s+[A-Z]\w+(?:\s+to\s+[A-Z]\w+)?|on\s+\w+\s+\d{1,2})",
            turn.frame.read.text[fact.start + len(fact.label) + 1 + len(fact.value) :] if fact.label else "",
        )
        phrase = f"{fact.label} {fact.value}{after.group(0) if after else ''}" if fact.label else fact.value
        return speak("which", phrase=phrase).explained(f"the scenario's {fact.label or fact.kind}", fact.kind)
    found = re.search(
        rf"\b((?:my|the|a|an|our)\s+(?:[\w'-]+\s+){{0,3}}?{re.escape(noun)}\w*)", turn.goal.task, re.I
    )
    if not found:
        return None
    return speak("which", phrase=found.group(1)).explained(f"the goal's {noun}")


def named_choice(turn: Turn) -> str | None:
    """Someone the goal asks for by name: "with Dr. Patel" -> "Dr. Patel"."""
    m = re.search(
        r"\bwith ((?:Dr\.?|Doctor|Nurse|Mr\.?|Mrs\.?|Ms\.?)\s+[A-Z][a-z]+|[A-Z][a-z]+)\b", turn.goal.task
    )
    if not m or m.group(1).lower() in (*WEEKDAYS, *MONTHS):
        return None
    return m.group(1)


def state_preference(turn: Turn) -> Move:
    """ "Is there a particular dentist you prefer?": the one the goal names, else no preference."""
    about = turn.line.preference or ""
    if about in ("time", "times", "day", "days", "date", "dates"):
        return answer_attribute(turn, "time")
    if about in ("bed", "beds", "room", "size") and turn.goal.values.get("size"):
        return answer_attribute(turn, "size")
    why = f"asked for a preferred {about or 'choice'}"
    if about in ("location", "locations", "branch", "store", "office", "clinic", "pharmacy", "site"):
        return speak("prefer_location", "prefer").explained(why)
    named = named_choice(turn)
    people = not about or about in _PEOPLE
    if named and people:
        return speak("prefer_named", "prefer", named=named).explained(why)
    return speak("prefer_anyone" if people and about else "prefer_anything", "prefer").explained(why)


def goal_when(turn: Turn) -> str:
    """The goal's own words about dates: "arriving Friday June 13, for two nights"."""
    parts = [
        p.strip()
        for p in re.split(r",|\band\b", turn.goal.task)
        if re.search(rf"\b(?:{_DATE_NAMES})\b", p, re.I)
    ]
    return ", ".join(parts)


def answer_attribute(turn: Turn, attribute: str | None = None) -> Move:
    goal = turn.goal
    attribute = attribute or turn.line.attribute or ""
    why = f"asked {attribute}"
    if attribute == "size":
        size = goal.values.get("size")
        if not size:
            offered = [s for s in SIZES if has_word(turn.frame.context.description, s)]
            size = "medium" if "medium" in offered or not offered else offered[0]
        return speak("size", size=size).explained(why)
    if attribute == "how many":
        # "How many units are in the building?" -> the scenario's "12 units", not the first number said.
        noun = re.search(r"\bhow many (\w+)", turn.line.text, re.I)
        counted = noun and re.search(
            rf"\b(\d+|{_COUNT_WORD})[\s-]+(?:[\w]+\s+){{0,2}}{re.escape(stem(noun.group(1).lower()))}",
            turn.frame.read.text,
            re.I,
        )
        m = counted or re.search(r"\b(\d+|two|three|four|five|six|a dozen)\b", goal.task)
        return speak("count", count=m.group(1) if m else "one").explained(why)
    # "What new date would you like?" for "move my pickup from Friday to Saturday": just "Saturday".
    if (
        attribute in ("date", "dates", "day", "days")
        and goal.prefer_days
        and (
            (len(words(goal_when(turn))) > 6 and goal.avoid_days)
            or re.search(r"\b(?:new|instead|different|other)\b", turn.line.text, re.I)
        )
    ):
        return speak("day", "dates", day=goal.prefer_days[0].capitalize()).explained(why)
    if attribute in ("date", "dates") and (when := goal_when(turn)):
        return speak("dates", when=when).explained(why)
    if attribute in ("time", "times", "day", "days", "date", "dates", "when"):
        parts = []
        if goal.prefer_days:
            parts.append(goal.prefer_days[0].capitalize())
        elif goal.next_week:
            parts.append("sometime next week")
        if goal.time and re.search(r"\btime\b|\bwhen\b|\bwhat time\b", turn.line.text, re.I):
            parts.append(
                goal.time
                if re.match(r"(?:after|before|by|around|at|between|from)\b", goal.time)
                else f"at {goal.time}"
            )
        elif goal.prefer_parts:
            parts.append(f"in the {goal.prefer_parts[0]}")
        if parts:
            return speak("when", when=" ".join(parts)).explained(why)
        return speak("soonest", "when").explained(why)
    return speak("item", "attr", item=goal.item).explained(why)


_OFFER_QUESTION = re.compile(
    r"^(?:and\s+|so\s+|okay,?\s+)?(?:would you (?:also |still )?like|do you (?:also )?want|would you want|"
    r"shall i|should i|(?:do you )?want me to|"
    r"can i (?:get|offer|interest|add|set|sign|put|book|send|schedule)|may i|could i|how about|"
    r"would you be interested|are you interested|would (?:that|this|it) change your mind|"
    r"(?:would|does) (?:that|this) (?:help|work|make you)|interested|want to)\b",
    re.I,
)


def known_yes_no(turn: Turn) -> Move | None:
    """A yes/no question the scenario answers: "Is anyone hurt?" when it says "Nobody was hurt"."""
    question = turn.line.yes_no or ""
    if _OFFER_QUESTION.match(question):
        return None  # an offer is weighed against the goal, not looked up
    known = best_clause(turn.frame, question, least=2.0, cover=0.4)
    if known is None:
        return None
    why = f"the scenario says '{known.clause}'"
    if known.negative:
        return speak("known_no", "known", clause=_lower_first(known.clause)).explained(why)
    return speak("known_yes", "known", clause=_lower_first(known.clause)).explained(why)


def known_answer(turn: Turn) -> Move | None:
    """A question the scenario answers in its own words: "Which lane?" -> "In the eastbound lane."."""
    if not turn.line.questions:
        return None
    known = best_clause(turn.frame, turn.line.questions[-1])
    if known is None:
        return None
    # "Ask them to send my records to Lakeview Dental" tells the caller what to ask: it asks it.
    text = re.sub(r"^(?:ask|tell) (?:them|the \w+) to\s+", "Please ", known.clause, flags=re.I)
    return speak("sentence", "known", text=text).explained(f"the scenario says '{known.clause}'")


def _lower_first(text: str) -> str:
    return text if re.match(r"I\b|I'", text) else text[:1].lower() + text[1:]


_PROBLEM_QUESTION = re.compile(
    r"\bwhat(?:'s| is| was)? (?:going on|happening|happened|wrong|the (?:problem|issue|matter|trouble))\b|"
    r"\bwhat(?:'s| is) (?:it|he|she|the \w+) doing\b|\bwhat brings (?:you|her|him|them)\b|"
    r"\bwhat seems to be\b|\bdescribe (?:the|your|what)\b|\bwhat symptoms\b",
    re.I,
)


def _is_task_clause(clause: str) -> bool:
    from callersim_cli.engines.offline.scenario import is_task

    return is_task(clause)


_TROUBLE_WORDS = re.compile(
    r"\b(?:laid off|lost my job|fired|unemployed|can't afford|behind on|past due|overdue|"
    r"won't|doesn't|isn't|stopped|broken|broke|not working|no (?:signal|heat|power|water|"
    r"service)|down|out|"
    r"pain|ache|earache|sick|fever|damaged|crushed|leak\w*|overcharged|charged|missing|lost|stolen|never|"
    r"ate|vomit\w*|hurt|flat|dead|cancel+ed|late|wrong|error)\b",
    re.I,
)


def is_problem_question(turn: Turn) -> bool:
    return bool(turn.line.questions) and bool(_PROBLEM_QUESTION.search(turn.line.questions[-1]))


def tell_problem(turn: Turn) -> Move | None:
    """ "What's going on with the system?", "What brings her in?": what happened, not the goal again."""
    read = turn.frame.read
    said = turn.state.all_spoken.lower()
    question = turn.line.questions[-1]
    # What happened, in the scenario's words: not the task ("get my daughter seen today"), not told yet,
    # and the clause that fits the question best first ("what was the problem with the charge?").
    told = [
        c
        for c in dict.fromkeys((read.problem, *read.context, *read.clauses))
        if c and _TROUBLE_WORDS.search(c) and not _is_task_clause(c) and c.lower() not in said
    ]
    told.sort(key=lambda c: -len(Terms.of(c).stems & Terms.of(question).stems))
    if told:
        move = speak("sentence", "problem", text=told[0]).explained(f"what happened: '{told[0]}'")
        if not turn.goal_stated:
            from callersim_cli.engines.offline.respond_goal import state_goal

            return state_goal(turn).then(move)  # what the call is for, then what happened
        return move
    if not turn.goal_stated:
        return None  # the goal first: it says what the call is about

    # "get my daughter seen today for an earache": the goal says what for.
    if m := re.search(r"\bfor (?:a |an |her |his |my )?((?:\w+ ){0,2}\w+)$", turn.goal.task):
        thing = m.group(1)
        article = "an" if thing[:1].lower() in "aeiou" else "a"
        return speak("for_thing", "problem", article=article, thing=thing).explained("what it is for")
    return None


# "Please say the month you would like to serve", "say or enter the new amount": asked with no question mark.
_SAY_THE = re.compile(
    r"\b(?:please\s+)?(?:say|tell me|enter)\s+(?:or enter\s+)?(?:the|your)\s+(?!.*\b(?:number|code|"
    r"pin|zip)\b)",
    re.I,
)


def say_what(turn: Turn) -> Move | None:
    """ "Please say the name of the office you would like": what the scenario says, in its words."""
    asked = next((s for s in turn.line.sentences if _SAY_THE.search(s)), None)
    if asked is None:
        return None
    if fact := answer_fact(turn):
        return fact
    read = turn.frame.read
    for wanted in (*read.accepts, *read.only, *(t for t, _ in read.prefers)):
        if best_clause_in((wanted,), asked):
            return speak("sentence", "say-what", text=wanted).explained(f"the scenario wants '{wanted}'")
    known = best_clause(turn.frame, asked, least=2.0)
    if known is None:
        return None
    return speak("sentence", "say-what", text=known.clause).explained(f"the scenario says '{known.clause}'")


def best_clause_in(clauses: tuple[str, ...], question: str) -> bool:
    from callersim_cli.engines.offline.knowledge import overlaps

    return any(overlaps(c, question) for c in clauses)


_COUNT_WORD = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a dozen"
_MONEY = re.compile(r"\$\s?\d[\d,]*(?:\.\d\d)?")
_AMOUNT_WORDS = frozenset(
    stem(w) for w in ("how", "much", "amount", "the", "a", "can", "you", "i", "my", "is")
)


def _amount_asked(turn: Turn, question: str) -> str | None:
    """Of the scenario's amounts, the one whose neighbouring words the question shares most: "How much can
    you pay each month?" is the "$200 a month", not the "$2,340" balance; None when none is nearer."""
    text = turn.frame.read.text
    asked = {stem(w) for w in words(question)} - _AMOUNT_WORDS
    scored = []
    found = list(_MONEY.finditer(text))
    for i, m in enumerate(found):
        # Its own words: from the sentence's start or the amount before, to its end or the amount after.
        start = max(text.rfind(". ", 0, m.start()) + 1, found[i - 1].end() if i else 0)
        end = min(found[i + 1].start() if i + 1 < len(found) else len(text), *_ends_after(text, m.end()))
        near = words(text[start:end])
        scored.append((len(asked & {stem(w) for w in near}), -m.start(), m.group(0)))
    if len(scored) < 2:
        return None
    best = max(scored)
    return best[2] if best[0] > 0 and sum(s[0] == best[0] for s in scored) == 1 else None


def _ends_after(text: str, at: int) -> list[int]:
    ends = [text.find(mark, at) for mark in (". ", "; ", "? ")]
    return [e for e in ends if e >= 0] or [len(text)]
