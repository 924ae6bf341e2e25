"""Responders for menus and choices: which key, which word, which of the offered options."""

from __future__ import annotations

import re

from callersim_cli.engines.offline.facts import times_of_day
from callersim_cli.engines.offline.menu_scores import (
    CUSTOMER_ROLE,
    ROLE,
    TROUBLE,
    first_person,
    option_score,
    same_deed,
)
from callersim_cli.engines.offline.menus import MenuOption
from callersim_cli.engines.offline.moves import Move, press, say, speak
from callersim_cli.engines.offline.spoken_numbers import digit_words
from callersim_cli.engines.offline.text import MONTHS, WEEKDAYS, Terms, has_word, stem, words
from callersim_cli.engines.offline.turn import Turn

_EXAMPLES = re.compile(r"\b(?:things like|for example|such as|in a few words|in your own words)\b", re.I)
_REQUEST_VERB = re.compile(r"(?:pay|talk|speak|get|make|check|report|cancel|upgrade|buy)\b", re.I)
# The business read back what it heard the caller say: "I think you said billing. Is that right?"
_HEARD = re.compile(
    r"\b(?:i think you said|i heard|did you say|you said|it sounds like you(?:'re| are)? (?:calling about|"
    r"asking about|want|need)|you(?:'re| are) calling about|"
    # "So you want to cancel, right?" says back what was heard; "what's making you want to leave?" asks why.
    r"(?<!do )(?<!did )(?<!would )(?<!if )(?<!making )(?<!makes )(?<!made )you want(?: to)?|"
    r"(?<!would )you'd like(?: to)?)\s+(.+?)"
    r"(?:[.?!]|,?\s+(?:is that|right|correct|did i)\b|$)",
    re.I,
)


def _fallback(options: list[MenuOption], best: MenuOption | None = None) -> MenuOption | None:
    """Nothing fits: a general line before a person, a person before a random topic (but not when a weak
    match is there to fall back from: then a general line or a person, or the weak match stands)."""
    general = next((o for o in options if o.is_other and not o.is_human), None)
    person = next((o for o in options if o.is_human), None)
    if best is not None:
        return general or person
    return general or person or next((o for o in options if not o.is_repeat), None)


def _weak(turn: Turn, option: MenuOption) -> bool:
    """A best option that shares no word with the goal, only a broad topic ("make a payment" for a due
    date): a general line or a person is the better guess."""
    if (role := ROLE.search(option.text)) and CUSTOMER_ROLE.search(role.group(1)):
        return False
    terms = Terms.of(first_person(option.text))
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
    best = max(candidates, key=lambda o: _rank(turn, o))  # max keeps the first of ties
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


def _rank(turn: Turn, option: MenuOption) -> tuple[float, int]:
    """The score, then on a tie the goal's own words over its topics ("boarding" over "appointments")."""
    words_shared = len(turn.goal.terms.stems & Terms.of(first_person(option.text)).stems)
    return option_score(turn, option), words_shared


def best_option(turn: Turn, menu: list[MenuOption]) -> MenuOption:
    """The option that fits the goal; nothing fits: a general line, then a person, then the first."""
    best = max(menu, key=lambda o: _rank(turn, o))  # max keeps the first of ties
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
    if (first := re.match(r"\w+", lowered)) and same_deed(
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
    terms = Terms.of(first_person(alternative))
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
        if then and TROUBLE.search(turn.line.text) and terms.stems & Terms.of(then).stems:
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
    if not m or re.search(r"\d", digit_words(m.group(1))):
        return None  # a number read back, in digits or words, is checked digit by digit elsewhere
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
