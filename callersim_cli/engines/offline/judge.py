"""The offline verdict: whether the caller got what it called for, and why, from what was said on the call.

The whole call decides, in order: a confirmation after a refusal wins, a refusal after it loses; a
"done" that never took the caller's correction on board is not a success; a call to find something
out is done when the business tells it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from callersim_cli.conversation import Context, Message
from callersim_cli.engines.offline.frame import frame_for
from callersim_cli.engines.offline.menus import offered_choices
from callersim_cli.engines.offline.reading import Line
from callersim_cli.engines.offline.respond_yes_no import UPSELL
from callersim_cli.engines.offline.signals import success_phrase as signals_success
from callersim_cli.engines.offline.state import CallState
from callersim_cli.engines.offline.text import Terms, content_words, digits_in, has_word, sentences, words
from callersim_cli.engines.offline.turn import Turn

# A goal that asks something ("check whether my transcripts arrived") is met by the answer, good or bad.
_INQUIRY = re.compile(
    r"^(?:check|ask|find out|learn|know|see|inquire|verify|confirm)\b|\bwhether\b|\bstatus\b|\bwhere\b", re.I
)
_STATUS_GIVEN = re.compile(
    r"\b(?:is|are|was|were|has|have|had)(?: not|n't)?(?: yet)?(?: been)? (?:now |already |still )?"
    r"(?:complete|incomplete|received|arrived|approved|denied|pending|processed|shipped|delivered|on file|"
    r"missing|under review|ready|finished|out for delivery|in transit|on (?:its|the) way|posted|sent|open)\b|"
    r"\barrived on\b|\bwe (?:have not|haven't|did not|didn't) (?:yet )?receive|"
    r"\bscheduled to (?:arrive|be delivered)\b|"
    r"\b(?:should|will) (?:arrive|be delivered|be there)\b",
    re.I,
)


def status_given(text: str) -> bool:
    """The business told how things stand: "it was approved", "your order is out for delivery"."""
    return bool(_STATUS_GIVEN.search(text))


_FIXED = re.compile(
    r"\b(?:sorry|apolog\w*|my (?:mistake|bad)|let me (?:fix|correct|change|update)|i(?:'ve| have) "
    r"(?:corrected|updated|changed|fixed)|corrected|updated|fixed|got it,? (?:a|an|the)\b|"
    r"thanks for catching|"
    r"good catch|you're right|you are right|i misheard|i misread)",
    re.I,
)
_EXTRA_REFUSED = re.compile(r"\b(?:out of|ran out|sold out|don't (?:have|carry) (?:any )?more)\b", re.I)


# A sentence that says the thing is done, in the many ways a business says it.
_DONE = re.compile(
    r"^(?:(?:okay|ok|alright|all right|great|perfect|good news|wonderful|excellent|thanks|thank you|"
    r"sure)\W+)*"
    r"(?:done|confirmed|all set|updated|fixed|sent|booked|approved|set|you're (?:all )?set|"
    r"that's (?:all )?done|"
    r"it's done|got it set up)\b|"
    r"\bi(?:'ve| have) (?:got|put) (?:you|[A-Z]\w+(?: [A-Z]\w+)?) down\b|"
    r"\b(?:i|we)(?:'ve| have) (?:\w+ )?(?:\w+ed|sent|set|put|made|got|done)\b|"
    r"\b(?:i|we)(?:'ll| will) (?:\w+ )?(?:rebill|refund|credit|send|mail|ship|text|email|call|"
    r"process|deliver|"
    r"submit|schedule|reach out|contact|review|fax|have)\b|"
    r"\b(?:a|an|the|our|your) [\w-]+(?: [\w-]+)? will (?:call|text|email|contact|reach|be (?:there|"
    r"out|mailed|sent))\b|"
    r"\b(?:is|are|has been|have been) (?:now )?(?:set|active|booked|scheduled|confirmed|approved|"
    r"done|cancel+ed|"
    r"effective|updated|added|removed|extended|moved|changed|reinstated|suspended|blocked)\b|"
    r"\bi have the \w+ (?:effective|set|scheduled|booked|for)\b|\b(?:goes|went) out\b|\bshould arrive\b|"
    r"\b(?:request|reference|confirmation|claim|case|ticket|tracking|order|dispute) (?:number |"
    r"reference |id )?(?:is|:)",
    re.I,
)
_BARE_DONE = re.compile(
    r"^(?:(?:okay|ok|alright|great|perfect|good news|wonderful)\W+)*(?:done|confirmed|all set|you're all set|"
    r"updated|that's done)\b",
    re.I,
)
_INFORMATIVE = re.compile(
    r"\d|\b(?:is|are|was|were|has|have) (?:\w+ )?(?:ready|open|closed|covered|in network|"
    r"approved|pending|complete|incomplete|posted|sent|received|on file)\b",
    re.I,
)
_BROAD = frozenset(
    {"billing", "change", "account_change", "book", "status", "order", "account", "report", "human"}
)


def _statements(line: Line) -> list[str]:
    return [s for s in line.sentences if not s.endswith("?")]


def about_goal(turn: Turn, sentence: str) -> bool:
    return _about_goal(turn, sentence)


def _about_goal(turn: Turn, sentence: str) -> bool:
    terms = Terms.of(sentence)
    goal = turn.goal.terms
    return bool(goal.stems & terms.stems) or bool((goal.concepts & terms.concepts) - _BROAD)


def done_in(turn: Turn, line: Line, after_refusal: bool) -> str | None:
    """The sentence of ``line`` that says the goal was done (or, for a question, answered), if any.

    A deed counts when it is about the goal ("I've moved Otis to the 18th") or is a bare "Done." after
    the goal was taken up; after a refusal, only a deed that does what the goal asks turns the call round.
    """
    inquiry = bool(_INQUIRY.search(turn.goal.task))
    for sentence in _statements(line):
        about = _about_goal(turn, sentence)
        # After a refusal, a consolation ("In the meantime, I've put a note on the shipment") is not the goal.
        if after_refusal and re.match(
            r"(?:in the meantime|meanwhile|instead|for now|what i can do|however)\b", sentence, re.I
        ):
            continue
        # "We can't move it from the 1st to the 15th", "If your flight was cancelled, you do not need to
        # call": a refusal or a condition, whatever success words it holds.
        if _NOT_DONE.search(sentence) or re.match(r"if\b", sentence, re.I):
            continue
        # "Your message has been sent", "a specialist will call you back": a stand-in for the goal, done
        # only when a message or a callback is what the caller wanted.
        if _STAND_IN.search(sentence) and not _STAND_IN.search(turn.goal.task):
            continue
        strong = bool(
            _ISSUED.search(sentence)
        )  # a confirmation number, a payment accepted: done, whatever words
        success = signals_success(sentence)
        if success or (_DONE.search(sentence) and (about or strong or _BARE_DONE.search(sentence))):
            return sentence.rstrip(".!")
        # A call to find something out is done when the business tells how things stand.
        if (
            inquiry
            and (about or _STATUS_GIVEN.search(sentence))
            and (_INFORMATIVE.search(sentence) or _STATUS_GIVEN.search(sentence))
        ):
            return sentence.rstrip(".!")
    return None


_NOT_DONE = re.compile(
    r"\b(?:can't|cannot|can not|couldn't|unable to|not able to|won't be able|do not need to|don't need to|"
    r"no need to)\b",
    re.I,
)
_STAND_IN = re.compile(
    r"\b(?:messages?|call ?backs?|call you back|(?:made|put|left|added) a note|noted)\b", re.I
)
_ISSUED = re.compile(
    r"\b(?:confirmation|reference|claim|case|ticket|tracking|request|cancellation) (?:number |code |"
    r"id )?(?:is|:)|"
    r"\b(?:has been|was|have been) (?:accepted|processed|approved|confirmed|submitted|scheduled|booked)\b",
    re.I,
)
# A refusal to find or verify something the caller gave is a lookup, not a refusal of what it called for.
_LOOKUP = re.compile(
    r"\b(?:couldn't|could not|can't|cannot|unable to) (?:find|locate|verify|match|pull up)\b", re.I
)


def clause(line: str, phrase: str) -> str:
    """The clause of ``line`` a verdict phrase sits in: a reason quotes what the business said, not a
    fragment ("claim number is ")."""
    for sentence in sentences(line):
        if phrase.lower() in sentence.lower():
            if len(sentence) <= 90:
                return sentence.rstrip(".!?")
            for part in re.split(r",\s+|;\s+|\s+(?:and|but)\s+", sentence):
                if phrase.strip().lower() in part.lower():
                    return part.rstrip(".!?")
            return sentence.rstrip(".!?")
    return phrase.strip()


def refusal_counts(turn: Turn, line: Line) -> bool:
    """A refusal counts when it is about the goal or says nothing of what it refuses ("we can't do that");
    "we don't have garlic knots" after the pizza was ordered is about an extra, not the goal."""
    if _LOOKUP.search(line.text):
        return False
    about_goal = turn.goal.terms.overlap(Terms.of(line.text)) > 0
    about_extra = bool(UPSELL.search(line.text) or _EXTRA_REFUSED.search(line.text))
    return about_goal or not about_extra


def untaken_offer(state: CallState, index: int) -> str | None:
    """ "We don't have seven, but I could do six thirty or eight": the alternatives, if none was taken."""
    offered = offered_choices(state.lines[index].text)
    if not offered:
        return None
    later = " ".join(r.spoken for r in state.replies[index:]).lower()
    if any(has_word(later, a) for a in offered):
        return None
    return " or ".join(f'"{a}"' for a in offered)


def unacknowledged_correction(state: CallState, before: int) -> str | None:
    """The caller's last correction of a read-back before line ``before``, if the business never took it.

    Taken means a later business line names the corrected value ("My apologies, a king room") or says it
    fixed something; a bare "okay" or going straight on to "you're all set" does not count.
    """
    lines = state.lines
    for i in range(min(before, len(state.replies)) - 1, -1, -1):
        reply = state.replies[i].spoken
        if not (lines[i].is_readback and re.match(r"(?:no|nope|not quite)\b", reply, re.I)):
            continue
        new = (
            set(content_words(reply)) - set(words(lines[i].text)) - {"no", "nope", "quite", "right", "sorry"}
        )
        new |= set(re.findall(r"\d{3,}", digits_in(reply)))
        for later in lines[i + 1 : before + 1]:
            said = set(words(later.text)) | {digits_in(later.text)}
            # Asking for the detail again ("Please say the mobile number again") takes the "no" on board.
            if new & said or _FIXED.search(later.text) or later.request:
                return None
        return reply
    return None


def verdict(context: Context, messages: Sequence[Message], seed: int) -> tuple[bool, str]:
    # A placeholder line makes the finished call look like one more turn, so the same reading applies.
    state = CallState([*messages, {"role": "user", "content": "."}])
    turn = Turn(frame_for(context, seed), state, state.current)
    lines, replies = state.lines[:-1], state.replies
    if not replies:
        return False, "The call never started: the caller has not said anything yet."
    hung_up = replies[-1].hung_up
    ending = "and the caller ended the call politely" if hung_up else "though the call is still going"
    failures = [
        (i, clause(line.text, line.failure))
        for i, line in enumerate(lines)
        if line.failure and refusal_counts(turn, line)
    ]
    done = []
    for i, line in enumerate(lines):
        refused_before = any(f < i for f, _ in failures)
        if (said := done_in(turn, line, refused_before)) is not None:
            done.append((i, clause(line.text, said)))
    if done and (not failures or done[-1][0] > failures[-1][0]):
        if (ignored := unacknowledged_correction(state, done[-1][0])) is not None:
            # The business said "done" without taking the caller's correction on board: what it did may
            # not be what the caller asked for, so this is not counted as a success.
            return False, (
                f'The business confirmed something ("{done[-1][1]}"), but never acknowledged the '
                f'caller\'s correction ("{ignored}"), so it may not be what the caller asked for.'
            )
        if failures and (untaken := untaken_offer(state, failures[-1][0])):
            return False, (
                f"The business could not do what was asked and offered {untaken} instead, but the caller "
                "never agreed to any of it."
            )
        earlier = f" after {len(failures)} setback(s)" if failures else ""
        return True, f'The business confirmed it ("{done[-1][1]}"){earlier}, {ending}.'
    if failures:
        return False, f'The business could not do it ("{failures[-1][1]}").'
    if all(line.menu for line in lines):
        return False, "The call never got past the menu."
    if hung_up and len(replies) <= 2:
        return False, "The caller hung up before anything happened."
    if turn.goal_stated:
        return False, "The caller stated the goal, but the business never confirmed it was done."
    return False, "The caller never got to say what it wanted."
