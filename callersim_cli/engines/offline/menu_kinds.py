"""Kinds of keypad menu, each read and decided its own way; a menu of topics is the last kind.

A menu is not always a list of departments: "To confirm, press 1. To change, press 2" asks whether a
read-back was right; "To enroll, press 1. To skip, press 2" is an offer; "If you're finished, press 2"
asks whether the caller is done; "For a callback, press 1. To keep holding, press 2" asks how the
caller will wait; "If you were satisfied, press 1" is a survey. Each kind is a row: how to tell it,
how to decide it, and example menus it must take (``tests/test_offline_acts.py`` checks them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from callersim_cli.engines.offline.menus import MenuOption
from callersim_cli.engines.offline.moves import Move, press
from callersim_cli.engines.offline.text import sentences
from callersim_cli.engines.offline.turn import Turn


def _has(option: MenuOption, pattern: str) -> bool:
    return bool(re.search(pattern, option.text, re.I))


_CONFIRM = r"\b(?:confirm|correct|right|accept(?! a| the)|is correct|that's correct|yes)\b"
_UNDO = r"\b(?:re-?enter|change|make changes|different|incorrect|start over|try again|not correct|no|not)\b"
_ACCEPT = (
    r"\b(?:enroll|add|accept|yes|sign up|subscribe|opt in|upgrade|have (?:it|this)|deliver|you'd like|"
    r"you would like|you want)\b"
)

_SKIP = r"\b(?:skip|no|decline|not interested|continue without|no thanks|pick it up|otherwise)\b"

_FINISHED = r"\b(?:finished|all set|all done|done|that's all|that is all|end (?:this|the) call|no further)\b"
_CALLBACK = r"\bcall ?back\b|\bcallback\b|\bcall you back\b"
_HOLD = r"\b(?:hold|holding|wait|waiting|stay on the line|remain on the line)\b"
_SURVEY = re.compile(
    r"\b(?:satisf\w+|scale of|rate|rating|survey|feedback|recommend|how likely|"
    r"(?:issue|problem|question) was (?:resolved|answered))\b",
    re.I,
)
_FROM_OTHER_PHONE = re.compile(
    r"\bcalling (?:you )?from (?:my \w+'s|my work|another|a different|a friend's|someone else's|not my)\b|"
    r"\bfrom (?:my )?(?:wife|husband|mother|father|son|daughter|friend|work)'?s? phone\b|"
    r"\bnot my \w+ phone\b",
    re.I,
)


@dataclass(frozen=True)
class MenuKind:
    name: str
    recognise: Callable[[Turn, list[MenuOption]], bool]
    decide: Callable[[Turn, list[MenuOption]], Move | None]
    takes: tuple[str | tuple[str, ...], ...]


def _pair(menu: list[MenuOption], first: str, second: str) -> tuple[MenuOption, MenuOption] | None:
    a = next((o for o in menu if _has(o, first)), None)
    b = next((o for o in menu if o is not a and _has(o, second)), None)
    return (a, b) if a and b else None


def _offer_pair(menu: list[MenuOption]) -> tuple[MenuOption, MenuOption] | None:
    """The option that takes an offer and the one that passes: "To add it, press 1. To skip, press 2.";
    "If you'd like to make a new reservation, press 1. Otherwise, press 2." offers whatever comes first."""
    if pair := _pair(menu, _ACCEPT, _SKIP):
        return pair
    otherwise = next((o for o in menu if re.fullmatch(r"otherwise|if not|not now", o.text, re.I)), None)
    if otherwise is not None and len(menu) == 2:
        return next(o for o in menu if o is not otherwise), otherwise
    return None


def _done(turn: Turn) -> bool:
    """The business has said the goal's thing is done, or told what the caller called to find out."""
    from callersim_cli.engines.offline.judge import status_given

    return any(line.success or status_given(line.text) for line in turn.state.lines)


# --- deciders -------------------------------------------------------------------------------------------


def _confirm(turn: Turn, menu: list[MenuOption]) -> Move | None:
    from callersim_cli.engines.offline.respond_checks import readback_error

    pair = _pair(menu, _CONFIRM, _UNDO)
    assert pair is not None
    confirm, undo = pair
    if readback_error(turn):
        return press(undo.key, "what was read back is wrong")
    return press(confirm.key, "what was read back is right")


def _survey(turn: Turn, menu: list[MenuOption]) -> Move | None:
    pleased = _done(turn)
    scale = re.search(r"\b(?:from|of|between)\s+(\d)\s+(?:to|and)\s+(\d{1,2})\b", turn.line.text)
    if scale:
        low, high = int(scale.group(1)), int(scale.group(2))
        top = re.search(
            rf"\b{high}\b[^.]*\b(?:very |extremely )?(?:satisfied|likely|best|excellent)\b",
            turn.line.text,
            re.I,
        )
        best = (
            high
            if top or not re.search(rf"\b{low}\b[^.]*\b(?:very )?satisfied\b", turn.line.text, re.I)
            else low
        )
        worst = low if best == high else high
        key = best if pleased else (best + worst) // 2
        return press(str(key), "a survey: how the call went")
    good = next(
        (o for o in menu if _has(o, r"\bsatisf|\bresolved|\banswered") and not _has(o, r"\b(?:not|dis|un)")),
        None,
    )
    bad = next((o for o in menu if _has(o, r"\b(?:not|dis|un)\w*\s*satisf|\bnot\b")), None)

    chosen = good if pleased or bad is None else bad
    return press(chosen.key, "a survey: how the call went") if chosen else None


def _offer(turn: Turn, menu: list[MenuOption]) -> Move | None:
    from callersim_cli.engines.offline.respond_yes_no import offer_decision, serves_goal

    pair = _offer_pair(menu)
    assert pair is not None
    accept, skip = pair
    declined = offer_decision(turn, turn.line.text)
    # What the accepting option does, and the sentence that offers it: not the news before it ("Your
    # reservation has been cancelled" shares the goal's word with no offer).
    offered = (
        " ".join(s for s in sentences(turn.line.text) if accept.text.lower() in s.lower()) or accept.text
    )
    if declined is not None or not serves_goal(turn, offered):
        return press(skip.key, declined.why if declined else "an offer the goal does not ask for")
    return press(accept.key, "an offer that serves the goal")


def _finished(turn: Turn, menu: list[MenuOption]) -> Move | None:
    done = next(o for o in menu if _has(o, _FINISHED))
    if _done(turn):
        return press(done.key, "the goal is done")
    return None  # not done yet: the topics decide


def _callback(turn: Turn, menu: list[MenuOption]) -> Move | None:
    pair = _pair(menu, _CALLBACK, _HOLD)
    assert pair is not None
    callback, hold = pair
    text = turn.frame.read.text
    wants_hold = re.search(
        r"\b(?:don't mind (?:holding|waiting)|rather (?:wait|hold)|wait on hold|not a call ?back)\b",
        text,
        re.I,
    )
    wants_callback = re.search(
        r"\b(?:take a call ?back|callback instead|call me back|prefer a call ?back)\b", text, re.I
    )
    if wants_hold:
        return press(hold.key, "the scenario would rather hold")
    if wants_callback or turn.frame.hurried:
        return press(callback.key, "a callback instead of waiting")
    return press(hold.key, "holds to get it done on this call")


def _phone_origin(turn: Turn, menu: list[MenuOption]) -> Move | None:
    other = next((o for o in menu if _has(o, r"\b(?:different|another|other)\b")), None)
    same = next((o for o in menu if o is not other), None)
    if other is None or same is None:
        return None
    if _FROM_OTHER_PHONE.search(turn.frame.read.text):
        return press(other.key, "the scenario calls from another phone")
    return press(same.key, "calling from the number in question")


def _yes_no_keys(turn: Turn, menu: list[MenuOption]) -> Move | None:
    """ "Would you like new cards for every member? Press 1 for yes, or 2 for no.": the question decides."""
    from callersim_cli.engines.offline.acts import decide
    from callersim_cli.engines.offline.realize import answer_of

    yes = next(o for o in menu if re.fullmatch(r"(?:say )?yes", o.text, re.I))
    no = next(o for o in menu if re.fullmatch(r"(?:say )?no", o.text, re.I))
    questions = turn.line.questions or [turn.line.sentences[0]]
    move = decide(turn.answering(questions[-1]))
    return press(no.key if answer_of(move) == "no" else yes.key, move.why)


def _proposition(turn: Turn, menu: list[MenuOption]) -> Move | None:
    """ "If you made this transaction, press 1. If you did not, press 9.": is it so, by what the caller
    knows."""
    from callersim_cli.engines.offline.knowledge import best_clause
    from callersim_cli.engines.offline.readback import Memory
    from callersim_cli.engines.offline.respond_checks import readback_error

    no = next(o for o in menu if _NOT_OPTION.fullmatch(o.text))
    yes = next(o for o in menu if o is not no)
    if readback_error(turn):
        return press(no.key, "what was read back is wrong")
    known = best_clause(turn.frame, turn.line.text, least=2.0)
    # "If you made this transaction" asks about the world: what the scenario says of it comes before
    # whether the amount was read right. "If this is correct" asks only about the reading.
    if known is not None and not re.search(r"\b(?:correct|right)\b", yes.text, re.I):
        return press(no.key if known.negative else yes.key, f"the scenario says '{known.clause}'")
    if Memory(turn).confirms(turn.line.text):
        return press(yes.key, "what was read back is right")
    if known is not None:
        key = no.key if known.negative else yes.key
        return press(key, f"the scenario says '{known.clause}'")
    return press(yes.key, f"'{yes.text}' holds, as far as the caller knows")


def _recording(turn: Turn, menu: list[MenuOption]) -> Move | None:
    keep = next(o for o in menu if _has(o, r"\b(?:send|keep|save|submit|deliver)\b"))
    return press(keep.key, "the message is said: keep it")


_NOT_OPTION = re.compile(
    r"(?:if )?(?:not|no|it's not|this is not|that's not|you did not|you didn't|it isn't|it is not|"
    r"this isn't|that isn't)(?: (?:correct|right|you|your \w+|mine))?",
    re.I,
)
_MESSAGE_KEPT = r"\b(?:send|keep|save)\b.*\bmessage\b|\bmessage\b.*\b(?:send|keep)"


MENU_KINDS: tuple[MenuKind, ...] = (
    MenuKind("yes-no-keys", lambda t, m: any(re.fullmatch(r"(?:say )?yes", o.text, re.I) for o in m)
             and any(re.fullmatch(r"(?:say )?no", o.text, re.I) for o in m), _yes_no_keys,
             takes=("Would you like a replacement card? Press 1 for yes, or press 2 for no.",)),
    MenuKind("survey", lambda t, m: bool(_SURVEY.search(t.line.text)), _survey,
             takes=("If you were satisfied with this call, press 1. If not, press 2.",)),
    MenuKind("proposition", lambda t, m: len(m) == 2 and any(_NOT_OPTION.fullmatch(o.text) for o in m),
             _proposition,
             takes=("I found a 2018 Kia Sorento. If this is your vehicle, press 1. If not, press 2.",)),
    MenuKind("recording", lambda t, m: any(_has(o, _MESSAGE_KEPT) for o in m)
             and any(_has(o, r"re-?record|listen") for o in m), _recording,
             takes=("To send your message, press 1. To listen to it, press 2. To re-record, press 3.",)),
    MenuKind("read-back", lambda t, m: _pair(m, _CONFIRM, _UNDO) is not None, _confirm,
             takes=("You entered 4 4 1 7. If this is correct, press 1. To re-enter, press 2.",)),
    MenuKind("offer", lambda t, m: _offer_pair(m) is not None, _offer,
             takes=("You can add a hotspot pass for $10 a month. To add it, press 1. To skip, press 2.",)),
    MenuKind("finished", lambda t, m: any(_has(o, _FINISHED) for o in m), _finished,
             takes=(("How can I help?", "Your card has been blocked. To hear more options, press 1. "
                     "If you're "
                     "all set, press 2."),)),
    MenuKind("callback", lambda t, m: _pair(m, _CALLBACK, _HOLD) is not None, _callback,
             takes=("To get a call back, press 1. To continue holding, press 2.",)),
    MenuKind("phone-origin", lambda t, m: all(_has(o, r"\bcalling from\b") for o in m[:2]) and len(m) >= 2,
             _phone_origin,
             takes=("If you're calling from the number on the account, press 1. If you're calling from a "
                    "different phone, press 2.",)),
)  # fmt: skip
