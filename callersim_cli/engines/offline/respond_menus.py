"""Responders for menus and choices: which key, which word, which of the offered options."""

from __future__ import annotations

import itertools
import re

from callersim_cli.engines.offline.facts import times_of_day
from callersim_cli.engines.offline.menus import MenuOption
from callersim_cli.engines.offline.moves import Move, press, say, speak
from callersim_cli.engines.offline.said_values import amounts_in
from callersim_cli.engines.offline.text import MONTHS, WEEKDAYS, Terms, content_words, has_word, stem, words
from callersim_cli.engines.offline.turn import Turn

# "If you are a provider ...", "if you're calling from a doctor's office ...": a menu that sorts callers.
_ROLE = re.compile(
    r"\b(?:you are|you're|you're calling (?:from|as|on behalf of)|calling (?:from|as|on behalf of)|are you)"
    r"\s+(?!\w+ing\b|calling\b|having\b)(?:an?\s+|the\s+)?(.+)",
    re.I,
)
_CUSTOMER_ROLE = re.compile(
    r"^(?:current |existing |new |plan |health plan |our |residential |home |personal |individual )?"
    r"(?:customer|member|patient|policy ?holder|"
    r"subscriber|client|guest|consumer|cardholder|card member|account ?holder|resident|homeowner|renter|"
    r"tenant|passenger|traveler|traveller|student|parent|individual|enrollee|beneficiary|insured|caller|"
    r"shopper|buyer|borrower|owner|cardmember|account owner|driver|renter|guest)s?\b",
    re.I,
)
# An option for a matter already open ("an existing claim"), not for an existing customer or patient.
_EXISTING = re.compile(
    r"\b(?:existing|already (?:have|filed|open)|status of (?:a|an|your))\s+(?:\w+\s+)?"
    r"(?:claim|case|order|ticket|report|file|request|reservation|booking|dispute|application)",
    re.I,
)
_NEW_MATTER = re.compile(r"^(?:report|file|open|start|make|submit|book|schedule)\b|\bnew\b", re.I)
_EXAMPLES = re.compile(r"\b(?:things like|for example|such as|in a few words|in your own words)\b", re.I)
_REQUEST_VERB = re.compile(r"(?:pay|talk|speak|get|make|check|report|cancel|upgrade|buy)\b", re.I)
# The business read back what it heard the caller say: "I think you said billing. Is that right?"
_HEARD = re.compile(
    r"\b(?:i think you said|i heard|did you say|you said|it sounds like you(?:'re| are)? (?:calling about|"
    r"asking about|want|need)|you(?:'re| are) calling about|"
    r"(?<!do )(?<!did )(?<!would )(?<!if )you want(?: to)?|"
    r"(?<!would )you'd like(?: to)?)\s+(.+?)"
    r"(?:[.?!]|,?\s+(?:is that|right|correct|did i)\b|$)",
    re.I,
)


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


def _same_deed(verb: str, action: frozenset[str]) -> bool:
    verb_stem = stem(verb.lower())
    return any(verb_stem in group and action & group for group in _DEEDS)


def _first_person(text: str) -> str:
    text = re.sub(r"\byourself\b", "myself", text, flags=re.I)
    text = re.sub(r"\byour\b", "my", text, flags=re.I)
    return re.sub(r"\byou(?:'re| are)\b", "I'm", text, flags=re.I)


def _goal_verbs(turn: Turn) -> frozenset[str]:
    read = turn.frame.read
    text = " ".join((turn.goal.task, read.problem, *read.context))
    return frozenset(stem(w) for w in words(text))


def option_score(turn: Turn, option: MenuOption) -> float:
    goal = turn.goal
    text = _first_person(option.text)
    terms = Terms.of(text)
    score = goal.terms.overlap(terms)
    # What happened and what the caller says besides the task count too, at half weight ("I was laid off
    # ... won't be able to make the May 1st payment" for "having difficulty making your payment").
    score += 0.5 * turn.frame_terms.overlap(terms) if score < 1 else 0
    if role := _ROLE.search(option.text):
        score += 4 if _CUSTOMER_ROLE.search(role.group(1)) else -6
    # What the caller wants done ("move my service") outweighs what it is about ("new apartment").
    score += 3 * len(goal.action.stems & terms.stems) + len(goal.action.concepts & terms.concepts)
    # "To pay your bill" is not for getting a charge refunded: an option's own verb must be the goal's.
    light = {"make", "get", "have", "do"}  # "make a payment" is paying: the noun says what it is for
    verb = _OPTION_VERB.match(text)
    if re.match(r"leave (?:a |your )?(?:\w+ )?message\b", text, re.I):
        # After hours, a message is how the caller reaches a person: no deed of its own to conflict.
        score += 1 if turn.line.is_closed else 0
    elif verb and _same_deed(verb.group(1), goal.action.stems):
        score += 3  # "reschedule" for "move my appointment": the same deed in other words
    elif (
        verb
        and verb.group(1).lower() not in light
        and stem(verb.group(1).lower()) not in _goal_verbs(turn)
        and not (Terms.of(verb.group(1)).concepts & goal.action.concepts - {"billing", "order", "status"})
    ):
        score -= 3
    # "To check on an existing claim, press 3" is not for reporting a new loss: nothing exists yet.
    if (
        _EXISTING.search(option.text)
        and not _EXISTING.search(goal.task)
        and (
            _NEW_MATTER.search(goal.task)
            or not re.search(r"\b(?:status|update|check|existing|already)\b", goal.task, re.I)
        )
    ):
        score -= 4
    if _DIRECTORY.search(option.text):
        score -= 5
    if goal.ends_service and re.search(r"\b(?:instead|keep|stay|pause|freeze)\b", text, re.I):
        score -= 5  # "to move your dates instead": the way out of what the caller called to end
    if _OTHER_AMOUNT.search(option.text) and turn.frame.facts.amount:
        # "$500" when the menu offers the minimum or the balance: another amount, unless it is one of them.
        said = {v.key for v in amounts_in(turn.line.text)}
        score += 0 if amounts_in(turn.frame.facts.amount)[0].key in said else 4
    if re.search(
        r"\d|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|morning|afternoon)\b", text, re.I
    ):
        score += choice_score(turn, text) - goal.terms.overlap(terms)  # a time offered as a key
    # "It's not an emergency": an option for what the scenario says is not so is not for this call.
    # Statements of fact only: "I don't want any extra services" declines; it says nothing is not so.
    negated = [
        c
        for c in turn.frame.read.clauses
        if _NEGATION.search(c) and not re.search(r"\b(?:want|need|like|interested|willing)\b", c, re.I)
    ]
    if any(terms.stems & Terms.of(re.sub(_NEGATION, " ", c)).stems - goal.terms.stems for c in negated):
        score -= 5
    # "If anything is missing, talk to an admissions counselor": a condition met by what the line says.
    for _, then in turn.frame.read.conditions:
        if then and _TROUBLE.search(turn.line.text) and terms.stems & Terms.of(then).stems:
            score += 6
    # "a payment plan" in the goal and in one option: two words together say more than each alone.
    score += 2 * len(_pairs(text) & _pairs(goal.task))
    if option.is_repeat:
        return -10.0
    if option.is_human and not turn.frame.wants_human:
        score -= 3
    return score


def _pairs(text: str) -> set[tuple[str, str]]:
    stems = [stem(w) for w in content_words(text)]
    return set(itertools.pairwise(stems))


def _fallback(options: list[MenuOption], best: MenuOption | None = None) -> MenuOption | None:
    """Nothing fits: a general line before a person, a person before a random topic (but not when a weak
    match is there to fall back from: then a general line or a person, or the weak match stands)."""
    general = next((o for o in options if o.is_other and not o.is_human), None)
    person = next((o for o in options if o.is_human), None)
    if best is not None:
        return general or person
    return general or person or next((o for o in options if not o.is_repeat), None)


_NEGATION = re.compile(r"\b(?:not|no|never|isn't|aren't|wasn't|nobody|none)\b", re.I)
_TROUBLE = re.compile(
    r"\b(?:incomplete|missing|still waiting|waiting on|not (?:yet )?received|denied|declined|"
    r"problem|issue|sold out|"
    r"fully booked|no availability|not available|unavailable|"
    r"unable|can't|cannot|don't match|doesn't match|different from)\b",
    re.I,
)


def _weak(turn: Turn, option: MenuOption) -> bool:
    """A best option that shares no word with the goal, only a broad topic ("make a payment" for a due
    date): a general line or a person is the better guess."""
    if (role := _ROLE.search(option.text)) and _CUSTOMER_ROLE.search(role.group(1)):
        return False
    terms = Terms.of(_first_person(option.text))
    if turn.frame_terms.stems & terms.stems:
        return False
    broad = {
        "billing",
        "change",
        "account_change",
        "book",
        "status",
        "order",
        "insurance",
        "account",
        "report",
    }
    return (
        not (turn.goal.terms.stems & terms.stems)
        and not (turn.goal.action.stems & terms.stems)
        and (turn.goal.terms.concepts & terms.concepts) <= broad
    )


def answer_menu(turn: Turn) -> Move | None:
    from callersim_cli.engines.offline.menu_kinds import MENU_KINDS

    menu = turn.line.menu
    languages = [o for o in menu if o.language]
    if languages:
        want = "spanish" if has_word(turn.goal.scenario, "spanish", "español", "espanol") else "english"
        chosen = next((o for o in languages if o.language == want), None)
        if chosen and len(languages) >= len(menu) - 1:
            return press(chosen.key, f"the {want} option")
    others = [o for o in menu if not o.language]
    if not others:
        return None  # only a language we do not want ("para español, oprima nueve"): listen on
    for kind in MENU_KINDS:
        if kind.recognise(turn, others) and (move := kind.decide(turn, others)) is not None:
            return move
    # "Sorry, that is not a valid option. For billing, press 1...": the key did not register, the choice
    # was right; only a menu that comes back unasked means the option led nowhere.
    tried = set() if turn.reprompted else turn.state.keys_tried_for(turn.line)
    candidates = [o for o in others if o.key not in tried] or others
    best = sorted(candidates, key=lambda o: -option_score(turn, o))[0]  # stable: ties keep order
    score = option_score(turn, best)
    if score <= 0 or (_weak(turn, best) and _fallback(candidates, best)):
        if score <= 0 and any(line.success for line in turn.state.lines):
            done = Move(says=(say("menu_done"), say("bye_short", "bye")), hangup=True)
            return done.explained("the goal was already done")
        fallback = _fallback(candidates, best)
        if fallback is None:
            # Nothing fits and there is no general line: the nearest option, as a caller would guess.
            return None if best.is_repeat else press(best.key, f"'{best.text}' is the nearest to the goal")
        return press(fallback.key, f"nothing fits the goal: '{fallback.text}'")
    return press(best.key, f"'{best.text}' fits the goal best")


def best_option(turn: Turn, menu: list[MenuOption]) -> MenuOption:
    """The option that fits the goal; nothing fits: a general line, then a person, then the first."""
    best = max(menu, key=lambda o: option_score(turn, o))  # max keeps the first of ties
    if option_score(turn, best) > 0:
        return best
    return (
        next((o for o in menu if o.is_other and not o.is_human), None)
        or next((o for o in menu if o.is_human), None)
        or best
    )


def spoken_menu(turn: Turn) -> Move:
    # A speech menu is a menu even when one option is "for anything else, say other".
    option = best_option(turn, turn.line.spoken_menu)
    return speak("say_word", "say", word=option.key.lower()).explained(f"'{option.text}' fits the goal")


def choice_score(turn: Turn, alternative: str) -> float:
    goal = turn.goal
    score = goal.terms.overlap(Terms.of(alternative))
    lowered = alternative.lower()
    score += 3 * sum(1 for d in goal.prefer_days if d in lowered)
    score -= 5 * sum(1 for d in goal.avoid_days if d in lowered)
    if goal.next_week and re.search(r"\bnext\b", lowered):
        score += 1
    for part in goal.prefer_parts:
        hour = re.search(r"\b(\d{1,2})(?::\d\d)?\s*(am|pm)\b", lowered)
        if part in lowered:
            score += 2
        elif hour:
            h = int(hour.group(1)) % 12 + (12 if hour.group(2) == "pm" else 0)
            slot = "morning" if h < 12 else "afternoon" if h < 17 else "evening"
            score += 2 if slot == part else 0
    if (size := goal.values.get("size")) and size in lowered:
        score += 3
    # "I could do six thirty or eight forty-five" for a 7 pm table: the nearest time wins.
    if (wanted := turn.frame.facts.minutes) is not None and (
        offered := times_of_day(lowered, evening=wanted >= 720)
    ):
        score += max(0.0, 4 - abs(offered[0] - wanted) / 60)
    score += _scenario_leaning(turn, alternative)
    # "transfer funds" for "move $500 from my savings": the same deed in other words.
    if (first := re.match(r"\w+", lowered)) and _same_deed(
        first.group(0),
        goal.action.stems | {stem(words(goal.task)[0])} if words(goal.task) else goal.action.stems,
    ):
        score += 3
    # "my reservation" is one that exists: "new reservation" is not it.
    for word, weight in (("new", -4), ("existing", 3)):
        noun = re.search(rf"\b{word}\s+(\w+)", lowered)
        if noun and re.search(rf"\bmy (?:\w+\s+){{0,3}}{re.escape(noun.group(1))}", goal.task, re.I):
            score += weight
    # The goal's action ("change my flight") outweighs its topic when options share the topic.
    action = Terms.of(" ".join(words(goal.task)[:1]))

    score += 2 * len(action.stems & Terms.of(alternative).stems)
    if goal.action.overlap(Terms.of(alternative)):
        score += 2
    return score


_EARLIEST = re.compile(
    r"\b(?:earliest|soonest|first available|as soon as possible|asap|whichever .* earliest)\b", re.I
)


def _scenario_leaning(turn: Turn, alternative: str) -> float:
    """What the rest of the scenario says for or against an alternative: what it would rather have, what it
    declines, what it is fine with, and what happened."""
    read = turn.frame.read
    terms = Terms.of(_first_person(alternative))
    lean = 0.5 * len(turn.frame_terms.stems & terms.stems)
    # "Which account should the money come from?" for "move $500 from my savings": said after that word.
    for prep in ("from", "to", "into", "at", "for"):
        if re.search(rf"\b{prep}\b", turn.line.text, re.I) and re.search(
            rf"\b{prep}\s+(?:my\s+|the\s+)?{re.escape(alternative.split()[-1])}\b", read.text, re.I
        ):
            lean += 3
    # What the goal does not name costs a little: "a king with a harbor view at $189" over "a standard king".
    extra = [
        s
        for s in terms.stems
        if s not in turn.goal.terms.stems and not s.isdigit() and s not in turn.frame_terms.stems
    ]
    lean -= 1.0 * len(extra)

    for _, then in read.conditions:
        if then and _TROUBLE.search(turn.line.text) and terms.stems & Terms.of(then).stems:
            lean += 6
    for this, that in read.prefers:
        lean += 3 * len(Terms.of(this).stems & terms.stems) - 4 * len(Terms.of(that).stems & terms.stems)
    for declined in read.declines:
        lean -= 4 * len(Terms.of(declined).stems & terms.stems)
    for accepted in read.accepts:
        lean += 2 * len(Terms.of(accepted).stems & terms.stems)
    for kept in read.only:
        lean += 2 * len(Terms.of(kept).stems & terms.stems)
    return lean


def best_choice(turn: Turn, alternatives: list[str]) -> str:
    # Asked the same thing again right after answering: the first answer did not take, try the next one.
    state = turn.state
    repeated = turn.index > 0 and not turn.rephrasing and state.lines[-2].normal == turn.line.normal
    ranked = sorted(alternatives, key=lambda a: -choice_score(turn, a))
    if _EARLIEST.search(turn.frame.read.text) and choice_score(turn, ranked[0]) <= choice_score(
        turn, alternatives[0]
    ):
        ranked = [
            alternatives[0],
            *[a for a in ranked if a != alternatives[0]],
        ]  # the first offered is the earliest
    if repeated and len(ranked) > 1 and choice_score(turn, ranked[0]) <= 0:
        return ranked[1]
    return ranked[0]


def say_choice(turn: Turn) -> Move:
    from callersim_cli.engines.offline.respond_goal import goal_again

    choices = turn.line.say_choices
    # "You can say 'today' or a date, like 'September 15th'": a placeholder asks for the goal's own value.
    for choice in choices:
        if re.match(r"(?:a|an|the)\s+(date|time|day|amount|number)\b", choice, re.I) and (
            value := _goal_value(turn, choice.split()[1].lower())
        ):
            return speak("say_choice", "say", choice=value).explained(f"the goal's {choice.split()[1]}")
    choice = best_choice(turn, [c for c in choices if not re.match(r"like\b", c, re.I)] or choices)
    # "Tell me why you're calling. You can say things like pay my bill, or upgrade my phone": examples,
    # not a closed list. An example that is not what the caller wants is not said; the goal is, briefly.
    if _EXAMPLES.search(turn.line.text):
        terms = Terms.of(choice)
        if not turn.goal.action.overlap(terms) and turn.goal.terms.overlap(terms) < 3:
            return Move(says=(goal_again(turn, short=True),), why="no example fits: the goal in brief")
    # "It's debit." names a thing; "It's pay my bill." does not, a request is said as it is.
    request = bool(turn.goal.action.overlap(Terms.of(choice.split()[0]))) or bool(_REQUEST_VERB.match(choice))
    bank = "say_request" if request else "say_choice"
    return speak(bank, "say", choice=choice).explained(f"said '{choice}', the choice that fits the goal")


def _goal_value(turn: Turn, kind: str) -> str | None:
    text = turn.frame.read.text
    if kind in ("date", "day"):
        m = re.search(
            r"\b(?:on|by|for)\s+((?:" + "|".join(MONTHS) + r")\s+\d{1,2}(?:st|nd|rd|th)?)", text, re.I
        )
        return m.group(1) if m else None
    if kind == "time":
        return turn.goal.time or None
    if kind == "amount":
        return turn.frame.facts.amount
    return None


def as_caller(choice: str) -> str:
    """A choice put to "you", in the caller's mouth: "you be waiting" -> "I'll be waiting", "you can pick it
    up at the store" -> "I'll pick it up at the store", "I can ship it to you" -> "Ship it to me"."""
    choice = re.sub(r"^(?:I|we) (?:can|could) (?:also )?", "", choice, flags=re.I)
    choice = re.sub(r"^you (?:can|could) (?:also )?", "I'll ", choice, flags=re.I)
    choice = re.sub(r"\bto you\b", "to me", choice, flags=re.I)
    choice = re.sub(r"^(?:will |would )?you be (\w+ing)\b", r"I'll be \1", choice, flags=re.I)
    choice = re.sub(
        r"^(?:do |will |would )?you (need|want|like|prefer|have|take)\b", r"I'll \1", choice, flags=re.I
    )
    return re.sub(r"\byour\b", "my", choice, flags=re.I)


_SOMEONE_ELSE = re.compile(
    r"\b(?:someone else|somebody else|another person|a family member|a relative|a child)\b", re.I
)


def choose(turn: Turn) -> Move:
    alternatives = turn.line.offered
    if any(_SOMEONE_ELSE.search(a) for a in alternatives) and any(
        re.match(r"(?:for )?(?:you|yourself)\b", a, re.I) for a in alternatives
    ):
        # "Is this for you, or for someone else?": whom the call is for.
        subject = turn.frame.subject
        if subject is None:
            return speak("for_me", "choose").explained("the call is for the caller")
        return speak("for_them", "choose", relation=subject.relation).explained(
            f"the call is for the {subject.relation}"
        )
    choice = best_choice(turn, alternatives)
    why = f"chose '{choice}' of {len(alternatives)} offered"
    if (mine := as_caller(choice)) != choice:
        # "Will you be waiting, or do you need a shuttle?" is answered "I'll be waiting.", not echoed.
        return speak("choose_mine", "choose", mine=mine).explained(why)
    timely = any(re.search(r"\d|\b(?:" + "|".join(WEEKDAYS) + r")\b", a.lower()) for a in alternatives)
    if timely:
        return speak("choose_time", "choose", choice=choice).explained(why)
    # "It's a debit card." names a thing; "It's inside." says nothing, so only things get "It's".
    thing = re.match(r"(?:a|an|the|my)\b", choice, re.I)
    return speak("choose_thing" if thing else "choose_other", "choose", choice=choice).explained(why)


def misheard(turn: Turn) -> Move | None:
    """ "I think you said billing. Is that right?" when the caller asked for something else."""
    from callersim_cli.engines.offline.respond_goal import goal_again

    m = _HEARD.search(turn.line.text)
    if not m or re.search(r"\d", m.group(1)):
        return None  # a number read back is checked digit by digit elsewhere
    heard = Terms.of(m.group(1))
    last = turn.state.replies[-1].spoken if turn.state.replies else ""
    if not heard.stems or heard.overlap(Terms.of(last)) or heard.overlap(turn.goal.terms):
        return None
    why = f"the business heard '{m.group(1)}'"
    wanted = last.rstrip(".!?").removesuffix(", please") if len(words(last)) <= 6 else ""
    if wanted and not re.match(r"(?:sorry|hi|hello|yes|no|okay)\b", wanted, re.I):
        return speak("heard_wrong", "heard", wanted=wanted[:1].lower() + wanted[1:]).explained(why)
    return Move(says=(say("not_that"), goal_again(turn, short=True)), why=why)


def heard_wrong(turn: Turn) -> bool:
    return bool(turn.line.questions) and misheard(turn) is not None
