"""Responders for the call itself: holds, noise, goodbyes, "are you there", closed lines, news taken."""

from __future__ import annotations

import re

from callersim_cli.engines.offline.moves import Move, press, say, speak
from callersim_cli.engines.offline.phrases import BANKS
from callersim_cli.engines.offline.reading import Line
from callersim_cli.engines.offline.state import normal
from callersim_cli.engines.offline.turn import Turn

_WISHED = re.compile(r"\b(?:have a|enjoy|take care|good (?:day|night|evening))\b", re.I)
_KEYS_ONLY = re.compile(r"\b(?:press|enter|keypad)\b", re.I)


def hold(turn: Turn) -> Move:
    """Hold music or a transfer: taken in a hurry, calmly, or as it comes, by patience."""
    if turn.line.is_transfer:
        return speak("transfer", "hold").explained("a transfer")
    started = any(line.is_hold for line in turn.state.lines[:-1])
    return speak("hold" if started else "hold_start", "hold").explained("a hold")


def repeat(turn: Turn) -> Move:
    return speak("repeat").explained("could not make out the line")


def goodbye(turn: Turn) -> Move:
    bank = "bye_wished" if _WISHED.search(turn.line.text) else "bye"
    bye = Move(says=(say(bank, "bye"),), hangup=True, why="the business said goodbye")
    if turn.line.is_anything_else:
        return Move(says=(say("all_done"),)).then(bye)
    return bye


def presence(turn: Turn) -> Move:
    bank = "hear_you" if turn.line.presence == "hear" else "still_here"
    return speak(bank, "presence").explained("asked whether the caller is there")


def closed(turn: Turn) -> Move:
    """Closed for the day: nothing to do on this call but to try again later."""
    return Move(says=(say("call_back", "closed"),), hangup=True, why="the business is closed")


def done(turn: Turn) -> Move:
    from callersim_cli.engines.offline.respond_goal import state_goal

    # "Were you just checking on it, or was there something else?" before the caller said what it wants:
    # the business asks what the call is for.
    if not turn.goal_stated and (
        not turn.state.replies or re.search(r"\bor (?:was|is) there (?:something|anything)\b", turn.line.text)
    ):
        return state_goal(turn)

    return speak("done").explained("nothing else is needed")


def instruction(turn: Turn) -> Move:
    """ "Unplug the modem, wait thirty seconds, plug it back in, and tell me when you're done."."""
    line = turn.line.text.lower()
    if re.search(r"\bplug\w* (?:it |them |\w+ )?back in\b", line):
        return speak("plugged_in", "task").explained("a step to do")
    if re.search(r"\b(?:turn|switch|power)\w* (?:it |them |\w+ )?back on|restart|reboot", line):
        return speak("back_on", "task").explained("a step to do")
    return speak("task_done", "task").explained("a step to do")


def cannot_help(turn: Turn) -> Move:
    """Ask once what else the business can do; told no again, thank them and end the call."""
    asked = any(
        line.failure
        and any(normal(p) in reply.normal for p in (*BANKS["bad_news"].plain, *BANKS["bad_news"].terse))
        for line, reply in turn.state.exchanges()
    )
    if asked:
        return Move(says=(say("give_up"),), hangup=True, why="refused twice")
    return speak("bad_news", "bad").explained("the business cannot do it")


def escalate(turn: Turn, prompt: Line) -> Move | None:
    """Low patience, told twice by a machine that it did not understand: ask for a person.

    A keypad menu with a person on it gets that key; a speech line gets "agent"; a keypad menu without
    a person, or a human who did not hear well, gets the answer again instead (returns None).
    """
    if not turn.frame.hurried or turn.state.misunderstood() < 2 or not prompt.automated:
        return None
    why = "the machine failed to understand twice"
    if prompt.menu:
        person = next((o for o in prompt.menu if o.is_human), None)
        return press(person.key, why) if person else None
    if prompt.spoken_menu:
        person = next((o for o in prompt.spoken_menu if o.is_human), None)
        if person:
            return speak("say_word", "say", word=person.key.lower()).explained(why)
    if _KEYS_ONLY.search(prompt.text) and not re.search(r"\bsay\b", prompt.text, re.I):
        return None  # keys only: it cannot hear "agent"
    return speak("ask_agent", "agent").explained(why)


def answer_again(turn: Turn) -> Move:
    """ "Sorry, I didn't get that": the last real prompt answered again, in other words."""
    from callersim_cli.engines.offline.acts import decide
    from callersim_cli.engines.offline.respond_goal import state_goal

    state = turn.state
    earlier = [i for i in range(turn.index) if state.lines[i].reprompt_rest != "" and i < len(state.replies)]
    if not earlier:
        return repeat(turn) if not turn.goal_stated else state_goal(turn)
    previous = earlier[-1]
    prompt = state.lines[previous]
    if agent := escalate(turn, prompt):
        return agent
    reply = state.replies[previous]
    if reply.pressed:
        return press(reply.pressed, "asked again: the same keys")  # keys are keys: the same ones again
    if turn.states_goal(reply.normal):
        return state_goal(turn)  # "what was that?" after the goal: the goal again, in other words
    return decide(turn.answering(prompt.text, rephrasing=True))


def reprompt_rest(turn: Turn) -> Move:
    """ "Sorry, I didn't understand. How can I help?": the rest of the line, answered as asked."""
    from callersim_cli.engines.offline.acts import decide

    rest = turn.answering(turn.line.reprompt_rest or "", reprompted=True)
    return escalate(rest, rest.line) or decide(rest)


_SCALE = re.compile(
    r"\b(?:on a scale|scale of|from|between)\s+(?:of\s+)?(\d{1,2})\s+(?:to|and)\s+(\d{1,2})\b", re.I
)
_SURVEY_ASK = re.compile(
    r"\b(?:how (?:satisfied|likely|would you rate)|rate (?:your|the|our|this)|on a scale)\b", re.I
)


def is_survey(turn: Turn) -> bool:
    return bool(_SURVEY_ASK.search(turn.line.text))


def survey(turn: Turn) -> Move:
    """ "On a scale of 1 to 5, how satisfied were you?": a rating by how the call went, keyed if asked to."""
    from callersim_cli.engines.offline.menu_kinds import _done

    scale = _SCALE.search(turn.line.text)
    low, high = (int(scale.group(1)), int(scale.group(2))) if scale else (1, 5)
    rating = high if _done(turn) else (low + high) // 2
    if re.search(r"\b(?:press|enter|key|keypad)\b", turn.line.text, re.I) and not re.search(
        r"\bsay\b", turn.line.text, re.I
    ):
        return press(str(rating), "a survey: how the call went")
    return speak("rating", "survey", rating=NUMBER_NAMES[rating]).explained("a survey: how the call went")


NUMBER_NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def whom_for(turn: Turn) -> Move:
    """ "Who is the appointment for?", "Who will be staying with us?": the person the call is for."""
    subject = turn.frame.subject
    doer = bool(
        re.search(r"\b(?:picking|driving|coming|flying|staying|travel+ing|going)\b", turn.line.last_ask)
    )
    if subject is None and doer:
        # "change the pickup person to your husband, Raymond": someone the scenario names does it.
        subject = next((p for p in turn.frame.read.people if p.name and p.relation != "pet"), None)
    if subject is None:
        return speak("doer_me" if doer else "for_me", "whom").explained("the call is for the caller")

    bank = ("doer" if doer else "for") + ("_person" if subject.name else "_relation")

    return speak(bank, "whom", relation=subject.relation, name=subject.name or "").explained(
        f"the call is for the caller's {subject.relation}"
    )


# "Am I speaking with the member?", "Is this the account holder?", "Are you Harold?": whether the caller is
# the person the call is about.
SPEAKING_WITH = re.compile(
    r"^(?i:(?:and |so |okay,? )?(?:am i (?:speaking|talking) (?:with|to)|is this|are you|would this be)\s+)"
    r"(?:(?i:(the (?:member|account ?holder|primary(?: account holder)?|patient|policy ?holder|card ?holder|"
    r"subscriber|insured|customer|owner|passenger|guest|student|resident|tenant|client|beneficiary)"
    r"(?: (?:yourself|on the account|on file|of record))?))|(?i:mr\.?|mrs\.?|ms\.?|miss|dr\.?)?\s*"
    r"([A-Z][a-z]+(?: [A-Z][a-z'-]+)?))\s*(?i:yourself|today|please)?\?$"
)


def is_speaking_with(turn: Turn) -> bool:
    return bool(turn.frame.subject) and bool(
        SPEAKING_WITH.match(turn.line.questions[-1] if turn.line.questions else "")
    )


def speaking_with(turn: Turn) -> Move | None:
    """ "Am I speaking with the member?" on a call about the caller's father: no, it is his son calling."""
    subject = turn.frame.subject
    m = SPEAKING_WITH.match(turn.line.questions[-1])
    if subject is None or m is None or subject.relation == "pet":
        return None
    if m.group(2):
        asked = m.group(2).split()[0].lower()
        mine = (turn.frame.persona.name or "").lower().split()
        if mine and asked == mine[0]:
            return speak("yes_that", "yes").explained("the business named the caller")
        if not (subject.name and asked in subject.name.lower().split()):
            return None
    bank = "not_them_person" if subject.name else "not_them_relation"
    return speak(bank, "whom", relation=subject.relation, name=subject.name or "").explained(
        f"the call is about the caller's {subject.relation}"
    )


def relationship(turn: Turn) -> Move:
    """ "What's your relationship to the member?": who they are to the caller."""
    subject = turn.frame.subject
    if subject is None:
        return speak("self", "relation").explained("the caller is the one on the account")
    pronoun = {"he": "He", "she": "She"}.get(subject.pronoun, "They")
    return speak("relation", "relation", pronoun=pronoun, relation=subject.relation).explained(
        f"the caller's {subject.relation}"
    )


_VOICEMAIL = re.compile(
    r"\b(?:leave|record|say)\b[^.?!]*\b(?:message|description|what you need)\b[^.?!]*|"
    r"\bmessage\b[^.?!]*\b(?:after|at) the (?:tone|beep)\b",
    re.I,
)
_RECORDING_CUE = re.compile(
    r"\b(?:after|at) the (?:tone|beep)\b|\bwhen you(?:'re| are) (?:finished|done)\b", re.I
)
_END_KEY = re.compile(
    r"\bwhen you(?:'re| are) (?:finished|done)\b[^.?!]*\bpress (?:the )?(pound|#|star|\*)", re.I
)


def is_voicemail(turn: Turn) -> bool:
    """ "After the tone, please leave your name, phone number and a brief message": a recording starts."""
    text = turn.line.text
    return bool(_VOICEMAIL.search(text) and _RECORDING_CUE.search(text))


def leave_message(turn: Turn) -> Move:
    """What a caller leaves on a machine: who they are, the details asked for, why they call; then the key
    that ends the recording, if the line names one. Name and number go in even when not asked: a message
    nobody can return is wasted."""
    import dataclasses

    from callersim_cli.engines.offline.details import give_details
    from callersim_cli.engines.offline.requests import DetailRequest, detail_request
    from callersim_cli.engines.offline.respond_goal import goal_first

    asked = detail_request(turn.line.text)
    slots = tuple(dict.fromkeys(("name", *(asked.slots if asked else ()), "phone")))
    request = (
        dataclasses.replace(asked, slots=slots, press=False, pound=False, after_tone=False)
        if asked
        else DetailRequest(slots, None, False, False, False, False)
    )
    move = give_details(turn, request).then(Move(says=(goal_first(turn),)))
    end = _END_KEY.search(turn.line.text)
    keys = {"pound": "#", "star": "*"}.get(end.group(1).lower(), end.group(1)) if end else None
    return dataclasses.replace(move, keys=keys, why="left a message: " + move.why)


SPELL_ASK = re.compile(
    r"\bhow (?:do|would) you spell\b|\b(?:can|could|would) you spell (?:that|it)\b|^spell (?:that|it)\b", re.I
)


def spell_last_name(turn: Turn) -> Move:
    """ "How do you spell that?": the name just given, letter by letter — the last one the caller said, or
    its own surname."""
    frame = turn.frame
    known = [
        *(frame.persona.name or "").split(),
        *(w for p in frame.read.people for w in (p.name or "").split()),
    ]
    said = turn.state.replies[-1].spoken if turn.state.replies else ""
    named = [w for w in re.findall(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?", said) if w in known]
    word = named[-1] if named else (known[-1] if known else "")
    if not word:
        return speak("unclear").explained("asked to spell, and the caller gave no name")
    return speak("spell_word", "spell", spelled="-".join(word.replace("-", "").upper())).explained(
        f"spelled {word}", "name"
    )
