"""The yes/no questions a business asks, answered for the goal: offers, facts, tasks, times."""

from __future__ import annotations

import re

from callersim_cli.engines.offline.moves import Move, say, speak
from callersim_cli.engines.offline.said_values import amounts_in
from callersim_cli.engines.offline.text import WEEKDAYS, Terms, content_words, sentences
from callersim_cli.engines.offline.turn import Turn

_NOTIFY = re.compile(
    r"\b(?:text|sms|e-?mail|notif\w*|remind\w*|receipt|updates?|alert\w*|call you back|callback|"
    r"confirmation)\b",
    re.I,
)
_UPSELL = re.compile(
    r"\b(?:add|upgrade|special|offer|promotion|promo|survey|sign up|enroll|subscribe|newsletter|"
    r"donat\w*|dessert|"
    r"drink|side|paperless|autopay|membership|credit card offer|extended warranty|premium|free trial|"
    r"trial|rewards program|protection plan|cash back)\b",
    re.I,
)
UPSELL = _UPSELL
_KEEP_OFFER = re.compile(
    r"\b(?:if you stay|stay(?:ing)? with us|keep (?:your|the|it|you)|percent off|% off|discount\w*|"
    r"free (?:month|months|upgrade)|instead|reconsider|rather than|before you (?:go|cancel|leave)|pause|"
    r"suspend|downgrade|lower (?:rate|price|plan|bill)|cheaper|special (?:offer|rate|price|deal)|save you|"
    r"retention|remain|continue (?:your|with your|as a)|credit (?:of|to your))\b|\$\d",
    re.I,
)
_ENDS = re.compile(r"\b(?:cancel\w*|close|terminate|disconnect|return|refund|go ahead|proceed)\b", re.I)
_EXTRA = re.compile(
    r"^(?:and\s+)?(?:would you (?:like|care for)|do you want|can i (?:get|interest) you in|how about|"
    r"any interest in)\s+(?:a|an|some|any|to add|to include|to try|to hear about|to learn about|to sign up|"
    r"to join|to switch)\b",
    re.I,
)
# Steps a caller in a hurry skips: surveys and tours of offers. Not updates on the goal itself ("a text
# when your refill is ready"): a flow may count on those, and they cost the caller nothing now.
_OPTIONAL = re.compile(
    r"\b(?:survey|feedback|questionnaire|hear (?:about|more)|learn (?:about|more)|our (?:offers|specials|"
    r"promotions|deals|other (?:products|services))|newsletter|stay on the line)\b",
    re.I,
)
_STILL_HAVE = re.compile(
    r"\b(?:do you (?:still )?have (?:it|the card|your card|the \w+)|in your possession|have you found|"
    r"is it with you)\b",
    re.I,
)
_TRIED = re.compile(
    # "Have you tried restarting it?", not "would you like to try our premium plan?"
    r"\b(?:(?:have|did) you (?:already |also )?(?:tried|try)|restart\w*|reboot\w*|unplug\w*|"
    r"turn(?:ed|ing)? (?:it )?off|reset\w*|power[- ]cycl\w*)\b",
    re.I,
)
# "Did that fix it?", "Is the picture back now?": whether the business's fix worked.
_FIXED_YET = re.compile(
    r"\b(?:did (?:that|this|it|the \w+) (?:fix|solve|resolve|help|work|take care of)|"
    r"(?:is|are) (?:it|that|things|everything|the \w+|your \w+)(?: \w+)? (?:working|back|fixed|up|online|"
    r"resolved|better)|(?:does|do) (?:it|that|everything|the \w+|your \w+) work (?:now|again)|"
    r"(?:has|have) (?:that|this|it|the \w+) (?:fixed|solved|resolved)|working (?:again|now))\b",
    re.I,
)
_ANYTHING_TO_ADD = re.compile(
    r"^(?:and\s+|also,?\s+|okay,?\s+)?(?:any|anything|are there any|is there anything|do you have any)\b"
    r".*\b(?:know|note|mention|aware|tell us|add|for us)\b",
    re.I,
)
_HURT = re.compile(
    r"\b(?:anyone|anybody|someone|you|people) (?:get |got |been )?(?:hurt|injured)\b|\bany(?:one)? injur"
)
_CHANGED = re.compile(r"\bany (?:changes|allergies|new|other (?:symptoms|medications))|\bchanged\b")
_REPEAT_OFFER = re.compile(r"\b(?:would|do) you (?:like|want|need) me to repeat\b")
_DID = re.compile(r"(?:and |so )?did you (?!say|mean|want|need|get|receive)")
_ABOUT = re.compile(r"\b(?:calling about|is this (?:about|for|regarding)|is that (?:about|for))\b")
_HAVE_DETAIL = re.compile(r"\bdo you have (?:your|the|a|an)\b")
_TIMES = re.compile(
    r"\d\s*(?:am|pm)\b|\b(?:noon|morning|afternoon|evening|tomorrow)\b|\b(?:" + "|".join(WEEKDAYS) + r")\b"
)
_CAN_DO = re.compile(
    r"(?:and |so )?(?:can|could|will|would) you (?:do that|do this|send|upload|e-?mail|mail|fax|bring)\b"
)
_FACT_QUESTION = re.compile(r"(?:and |so )?(?:is|are|was|were|has|have|had|does|did)\b")


_PRICED = re.compile(
    r"\$\s?\d|\b(?:\d+(?:\.\d\d)?|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)"
    r"(?:[- ]\w+)?)\s*(?:dollars|euros?|pounds|cents)\b|\b(?:fee|surcharge|extra charge|"
    r"per (?:day|month|night)|"
    r"a (?:day|month|night)|costs?)\b",
    re.I,
)
_MORE = re.compile(
    r"\b(?:also|as well|too|while we're at it|every|all (?:the|of)|another|additional|extra)\b", re.I
)
_DEFERRED = re.compile(r"\b(?:later|myself|himself|herself|themselves|on (?:my|his|her) own)\b", re.I)


_GENERIC_DECLINE = frozenset(
    [
        "any",
        "extra",
        "additional",
        "other",
        "more",
        "paid",
        "new",
        "anything",
        "else",
        "something",
        "services",
        "service",
        "products",
        "product",
        "things",
        "thing",
        "offers",
        "offer",
        "options",
        "option",
        "add-ons",
        "add-on",
        "addons",
        "alternative",
        "alternatives",
        "extras",
    ]
)


def _overlaps(a: str, b: str) -> bool:
    ta, tb = Terms.of(a), Terms.of(b)
    return bool(ta.stems & tb.stems) or bool(ta.concepts & tb.concepts - {"change", "account_change"})


_OFFER_CUE = re.compile(
    r"\b(?:add|upgrade|offer|special|can also|you can|i can|we can|would you like|want me to|"
    r"for (?:an extra |only )?\$|"
    r"for \d|a (?:day|month|night)|interested|eligible|set (?:one|it|that) up|fee|costs?|"
    r"more than)\b|\$\s?\d",
    re.I,
)


def offer_text(turn: Turn) -> str:
    """What is offered: the question and the sentence before it when that one holds the offer ("There's a
    seat with extra legroom for $29. Want me to move you?"), not a recap of the order before that."""
    parts = turn.line.sentences[-2:]
    if len(parts) == 2 and not _OFFER_CUE.search(parts[0]):
        parts = parts[1:]
    return " ".join(parts)


def offer_decision(turn: Turn, offer: str) -> Move | None:
    """An offer weighed against the scenario: what it declines, what it only wants, what it will pay."""
    from callersim_cli.engines.offline.knowledge import best_clause
    from callersim_cli.engines.offline.respond_goal import keep_goal

    read = turn.frame.read
    serves = serves_goal(turn, offer)
    generic = False
    # "month to month, no agreement": what the offer says it is without is not in it.
    kept = re.sub(r"\b(?:no|without(?: an?| any)?|not an?|zero)\s+[\w-]+", " ", offer, flags=re.I)
    for declined in read.declines:
        specific = [w for w in content_words(declined) if w not in _GENERIC_DECLINE]
        if not specific:
            generic = True  # "I don't want any extra services": nothing beyond what was asked for
        elif _overlaps(" ".join(specific), kept):
            return speak("no_thanks", "no").explained(f"the scenario declines '{declined}'")
    if (read.only or read.nothing_else or generic) and (_MORE.search(offer) or not serves):
        return speak("no_thanks", "no").explained("the scenario wants only what it asked for")
    if budget := _budget(read.text):
        asked = [float(v.key) for v in amounts_in(offer)]
        if asked and max(asked) > budget:
            return speak("no_thanks", "no").explained(f"more than the ${budget:g} the scenario allows")
    # "I can credit back $19.99" when the goal wants the whole $24.99: less than asked for is not taken.
    if re.search(r"\b(?:full|fully|entire|whole|all of)\b", turn.goal.task, re.I) and (
        want := amounts_in(read.text)
    ):
        offered = [float(v.key) for v in amounts_in(offer)]
        if offered and max(offered) < max(float(v.key) for v in want):
            return keep_goal(turn).explained("less than the goal asks for")
    for _, then in read.conditions:
        if then and _overlaps(then, offer):
            return speak("yes_please", "yes-please").explained(
                f"the scenario wants '{then}' if it comes to that"
            )
    known = best_clause(turn.frame, offer, least=2.0, cover=0.3)
    if known is not None and _DEFERRED.search(known.clause):
        return speak("no_thanks", "no").explained(f"the scenario says '{known.clause}'")
    paying = re.search(
        r"\b(?:pay|charge|put|cover)\b.*\b(?:fee|total|balance|amount|it|that|this)\b", offer, re.I
    )
    if (
        _PRICED.search(offer)
        and not (serves or paying)
        and not any(_overlaps(a, offer) for a in read.accepts)
    ):
        return speak("no_thanks", "no").explained("a paid extra the goal does not ask for")
    return None


def _budget(text: str) -> float | None:
    m = re.search(
        r"\b(?:no more than|up to|under|at most|less than|not more than)\s+\$\s?(\d[\d,]*(?:\.\d\d)?)",
        text,
        re.I,
    )
    return float(m.group(1).replace(",", "")) if m else None


_OFFERS = re.compile(
    r"\b(?:will that work|would that work|does that work for you|is that (?:okay|ok|acceptable)|"
    r"would you (?:also |still )?like|do you (?:also )?want|want me to|shall i|should i|"
    r"can i (?:add|offer|interest)|"
    r"would you be interested|are you interested|how about|i can (?:also )?(?:add|offer|transfer|"
    r"set|move|email|send)|^interested|^(?:do you )?still want)\b",
    re.I,
)


_SPEAKING_WITH = re.compile(
    r"\b(?:am i (?:speaking|talking) (?:with|to)|do i have|is this|are you)\s+(?:the\s+)?"
    r"((?:[Mm]r\.?|[Mm]rs\.?|[Mm]s\.?|[Dd]r\.?)\s*[A-Z][\w'-]*|[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?|"
    r"(?i:member|account ?holder|policy ?holder|patient|cardholder|insured|owner|customer|"
    r"account admin|admin))\s*\?"
)
_HANDY = re.compile(
    r"\bdo you have (?:your|the|a|an)\b.*\b(?:handy|with you|in front of you|ready|available|nearby)\b"
)
_NEEDS = re.compile(
    r"\bany (?:special )?(?:requests|needs|accommodations)\b|\bany (?:children|kids|pets|animals)\b|"
    r"\banything (?:we|i) should know\b",
    re.I,
)
_NEED_CLAUSE = re.compile(
    r"\b(?:needs?|requires?|must|has a|have a|allerg\w*|vegan|accessible|wheelchair|dog|cat|pet|"
    r"children|kids)\b",
    re.I,
)


def _stated_need(turn: Turn) -> str | None:
    """What the scenario says the business should know: "she needs an accessible room", "I have a dog"."""
    for clause in turn.frame.read.clauses:
        if _NEED_CLAUSE.search(clause) and not re.search(r"\b(?:don't|do not|no)\b", clause, re.I):
            return clause[:1].lower() + clause[1:] if not clause.startswith("I") else clause
    return None


def _speaking_with(turn: Turn, who: str) -> Move:
    """ "Am I speaking with the member?", "Is this Gloria?": yes if that is the caller, else who calls."""
    frame = turn.frame
    name = (frame.persona.name or "").lower()
    who = who.lower().strip()
    subject = frame.subject
    mine = bool(name) and any(part in name.split() for part in who.replace(".", "").split() if len(part) > 2)
    theirs = (
        subject is not None
        and subject.name
        and any(
            part in subject.name.lower().split() for part in who.replace(".", "").split() if len(part) > 2
        )
    )
    role = re.search(
        r"\b(?:member|account ?holder|policy ?holder|patient|cardholder|insured|owner|customer|admin)", who
    )
    if mine or (role and subject is None):
        return speak("yes", "yes").explained("the caller is who they asked for")
    if subject is not None and (theirs or role):
        bank = "not_them_named" if subject.name else "not_them"
        return speak(bank, "not-them", relation=subject.relation, name=subject.name or "").explained(
            f"the call is for the caller's {subject.relation}"
        )
    return speak("yes", "yes").explained("a yes/no question")


def serves_goal(turn: Turn, offer: str) -> bool:
    """A sales pitch serves the goal only if it shares the goal's own verb or more than its topic word."""
    terms = Terms.of(offer)
    return bool(turn.goal.action.stems & terms.stems) or len(turn.goal.terms.stems & terms.stems) >= 2


def slot_conflict(turn: Turn, offer: str) -> Move | None:
    """A single time offered ("Does 10 am tomorrow work?") on a day or at a time the goal rules out."""
    goal = turn.goal
    days = [d for d in WEEKDAYS if re.search(rf"\b{d}\b", offer)]
    if days and all(d in goal.avoid_days for d in days):
        return speak("day_conflict", "slot").explained("a day the goal rules out")
    hour = re.search(r"\b(\d{1,2})(?::\d\d)?\s*(am|pm)\b", offer)
    if goal.prefer_parts and hour:
        h = int(hour.group(1)) % 12 + (12 if hour.group(2) == "pm" else 0)
        part = "morning" if h < 12 else "afternoon" if h < 17 else "evening"
        if part not in goal.prefer_parts:
            return speak("part_conflict", "slot", part=goal.prefer_parts[0]).explained(
                "a time the goal rules out"
            )
    return None


def answer_yes_no(turn: Turn) -> Move:
    from callersim_cli.engines.offline.details import give_details
    from callersim_cli.engines.offline.requests import detail_request
    from callersim_cli.engines.offline.respond_goal import keep_goal, state_goal

    question = turn.line.yes_no or ""
    q = question.lower()
    goal = turn.goal
    # "Would you like that?" points back at the offer made before it: judge the offer, not the pronoun.
    anaphoric = (
        re.search(r"\b(?:that|this|it|those|them|interest\w*)\b", q) and len(sentences(turn.line.text)) > 1
    )
    offer = turn.line.text.lower() if anaphoric else q
    related = goal.terms.overlap(Terms.of(offer)) > 0
    if _HANDY.search(q):
        # "Do you have the receipt handy? There's a twelve-digit receipt number at the bottom.": read it out.
        asked = next(
            (r for s in sentences(turn.line.text) if (r := detail_request(s.rstrip(".?!") + "?"))), None
        )
        if asked and asked.slots[0] in turn.frame.given_slots:
            return Move(says=(say("yes_lead"),)).then(give_details(turn, asked))
        return speak("yes_handy", "handy").explained("the caller has it to hand")

    if speaking := _SPEAKING_WITH.search(question):
        return _speaking_with(turn, speaking.group(1))
    if _NEEDS.search(q) and (need := _stated_need(turn)):
        return speak("known_yes", "known", clause=need).explained(f"the scenario says '{need}'")
    if _ANYTHING_TO_ADD.search(q) and not goal.terms.stems & Terms.of(q).stems:
        return speak("nothing_to_add", "nothing").explained("asked for anything to add")
    if _REPEAT_OFFER.search(q):
        return speak("no_repeat", "no-repeat").explained("offered to repeat")
    if _CHANGED.search(q):
        return speak("no_change", "no-change").explained("asked about changes")
    if re.search(r"\bemergency\b", q) and not re.search(r"\bemergency\b", offer.replace(q.lower(), "")):
        urgent = re.search(
            r"(?<!not an )(?<!not a )\b(?:emergency|urgent|leak\w*|smell gas|no heat)\b",
            turn.frame.read.text,
            re.I,
        )
        return speak("yes" if urgent else "not_emergency", "emergency").explained(
            "asked whether it is an emergency"
        )
    if _HURT.search(q) and not re.search(r"\binjur|\bhurt", goal.task, re.I):
        return speak("nobody_hurt", "hurt").explained("asked whether anyone was hurt")
    if _FIXED_YET.search(q) and goal.is_problem:
        # A rehearsal caller whose problem is the goal keeps the call going toward getting it fixed.
        return speak("not_fixed", "not-fixed").explained("asked whether the problem is fixed")
    if _TRIED.search(q):
        if goal.is_problem:
            return speak("tried", "tried").explained("asked whether a fix was tried")
        return speak("yes", "yes").explained("a question of fact")
    if _DID.match(q):
        # "Did you ask your school to send it?": something the caller would have done toward the goal.
        return speak("did", "did").explained("asked whether the caller did something")
    if _ABOUT.search(q):
        if related:
            return speak("yes", "yes").explained("asked whether the call is about the goal")
        return Move(says=(say("no_actually"),)).then(state_goal(turn))
    if "lost" in goal.terms.concepts and _STILL_HAVE.search(q):
        return speak("still_lost", "lost").explained("asked whether the lost thing is found")
    if _HAVE_DETAIL.search(q) and (request := detail_request(question + "?")):
        return Move(says=(say("yes_lead"),)).then(give_details(turn, request))
    # Taking a deal to stay would undo a goal that ends something: decline and say the goal again.
    # "Are you sure you want to cancel?" goes on with the goal; "instead of cancelling, ..." does not.
    proceeds = _ENDS.search(re.sub(r"\b(?:instead of|rather than|before)\s+\w+", "", q))
    if goal.ends_service and _KEEP_OFFER.search(offer) and not proceeds:
        return keep_goal(turn)
    if conflict := slot_conflict(turn, offer):
        return conflict
    if _OFFERS.search(q) and (decided := offer_decision(turn, offer_text(turn))):
        return decided
    if turn.frame.hurried and _OPTIONAL.search(q) and not serves_goal(turn, q):
        return speak("no_thanks", "no").explained("an optional step, and the caller is in a hurry")
    if _UPSELL.search(offer) and not serves_goal(turn, offer):
        return speak("no_thanks", "no").explained("an offer the goal does not want")
    # An extra ("would you like some garlic knots?") the goal never asked for is declined.
    if _EXTRA.search(q) and not related and not _NOTIFY.search(q):
        return speak("no_thanks", "no").explained("an extra the goal does not want")
    if _TIMES.search(q):
        return speak("time_ok", "time-ok").explained("a time nothing in the goal rules out")
    if _CAN_DO.match(q):
        # "Upload the invoice ... Can you do that?": a task for the caller, agreed to as a task.
        return speak("can_do", "can-do").explained("a task for the caller")
    if _FACT_QUESTION.match(q) and not _NOTIFY.search(q):
        return speak("yes", "yes").explained(
            "a question of fact"
        )  # "Is this his first visit?": no "please do"
    if _NOTIFY.search(q) or related or re.search(r"\bwould you like\b", q):
        return speak("yes_please", "yes-please").explained("an offer that serves the goal")
    return speak("yes", "yes").explained("a yes/no question")
