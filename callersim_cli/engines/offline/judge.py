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
    r"\barrived on\b|\bwe (?:have not|haven't|did not|didn't) (?:yet )?receive|\bscheduled to (?:arrive|be delivered)\b|"
    r"\b(?:should|will) (?:arrive|be delivered|be there)\b",
    re.I,
)


def status_given(text: str) -> bool:
    """The business told how things stand: "it was approved", "your order is out for delivery"."""
    return bool(_STATUS_GIVEN.search(text))
_FIXED = re.compile(
    r"\b(?:sorry|apolog\w*|my (?:mistake|bad)|let me (?:fix|correct|change|update)|i(?:'ve| have) "
    r"(?:corrected|updated|changed|fixed)|corrected|updated that|got it,? (?:a|an|the)\b)",
    re.I,
)
_EXTRA_REFUSED = re.compile(r"\b(?:out of|ran out|sold out|don't (?:have|carry) (?:any )?more)\b", re.I)


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
    successes = [(i, line.success) for i, line in enumerate(lines) if line.success]
    if _INQUIRY.search(turn.goal.task):
        # A call to find something out is done when the business tells it ("We have not received it").
        status = [(i, m.group(0)) for i, line in enumerate(lines) if (m := _STATUS_GIVEN.search(line.text))]
        successes = sorted({*successes, *status})
    done = [(i, clause(lines[i].text, p)) for i, p in successes if p]
    failures = [
        (i, clause(line.text, line.failure))
        for i, line in enumerate(lines)
        if line.failure and refusal_counts(turn, line)
    ]
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
