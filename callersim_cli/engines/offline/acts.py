"""The offline caller's dialogue acts: one row each, tried in order, the first that answers wins.

A row names what it recognises (a cheap test of the line and the call so far), the responder that
decides the move, example lines it must take and lines it must leave to a later row. The order is the
only precedence there is, and ``tests/test_offline_acts.py`` checks it: every example is classified, and
a row that takes another row's example fails naming the pair. A responder may still decline (return
None) when a closer look shows the line is not its kind after all; the next row then gets it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from callersim_cli.engines.offline import respond_call as call
from callersim_cli.engines.offline import respond_checks as checks
from callersim_cli.engines.offline import respond_goal as goal
from callersim_cli.engines.offline import respond_menus as menus
from callersim_cli.engines.offline import respond_questions as questions
from callersim_cli.engines.offline import respond_yes_no as yes_no
from callersim_cli.engines.offline.details import give_details, holds
from callersim_cli.engines.offline.moves import Move, speak
from callersim_cli.engines.offline.moves import press as press_move
from callersim_cli.engines.offline.readback import Memory, values_in
from callersim_cli.engines.offline.reading import read
from callersim_cli.engines.offline.signals import embedded_wh
from callersim_cli.engines.offline.text import Terms
from callersim_cli.engines.offline.turn import Turn

Example = str | tuple[str, ...]  # a line, or earlier lines played first and then the line


@dataclass(frozen=True)
class Act:
    name: str
    recognise: Callable[[Turn], bool]
    respond: Callable[[Turn], Move | None]
    takes: tuple[Example, ...]
    leaves: tuple[Example, ...] = ()
    scenario: str = "report a lost debit card"  # the goal the examples are read under

    def take(self, turn: Turn) -> Move | None:
        if not self.recognise(turn):
            return None
        move = self.respond(turn)
        return None if move is None else replace(move, act=self.name)


def _always(turn: Turn) -> bool:
    return True


def _has_menu_or_question(turn: Turn) -> bool:
    return bool(turn.line.menu or turn.line.questions)


_WHOM = re.compile(
    r"^(?:and )?who(?:'s| is| are| will)? (?:(?:the|this|that) \w+(?: \w+)? )?(?:going to |gonna )?(?:be )?"
    r"(?:for|staying|traveling|travelling|flying|coming|the patient|seeing the doctor|picking|"
    r"the (?:passenger|guest|driver|student|member))\b",
    re.I,
)
# "Are you calling for yourself or for someone else?": whom the call is for, said as the choice it offers.
_SELF_OR_OTHER = re.compile(r"\bfor (?:yourself|you)\b.*\bor\b.*\b(?:someone|somebody) else\b", re.I)
_RELATION = re.compile(r"\b(?:relationship to|related to|relation to)\b", re.I)
_HAVE = re.compile(
    r"(?:and |so )?(?:do you (?:already |still |happen to )?have|have you got|did you get|you got)\b", re.I
)

_DO_YOU_KNOW = re.compile(r"\b(?:do you (?:happen to |still )?(?:know|remember)|any idea)\b", re.I)


def _asks_if_caller_has(turn: Turn) -> bool:
    return bool(turn.line.request) and bool(_HAVE.match(turn.line.yes_no or ""))


def _have_detail(turn: Turn) -> Move:
    """ "Do you already have a file reference number?" for a loss reported now: no such number yet."""
    request = turn.line.request
    assert request is not None
    if not holds(turn, request):
        return speak("no_number_yet", "no-number").explained("no such number exists yet")
    return speak("yes_lead").then(give_details(turn, request))


def _detail(turn: Turn) -> Move:
    request = turn.line.request
    assert request is not None
    move = give_details(turn, request)
    # A value the business just echoed wrong ("H X 4 4 8 2 1, got it") is put right first.
    if not request.press and (echo := checks.echo_error(turn)):
        move = echo.then(give_details(turn, request, also=True))
    # "And the flight number and date?": the date asked with the detail is the goal's own.
    if (
        not request.press
        and "date_of_birth" not in request.slots
        and re.search(r"\b(?:number|code|name)\s+and\s+(?:the\s+)?(?:date|day)\b", turn.line.text, re.I)
        and (date := turn.frame.facts.date_text)
    ):
        move = move.then(speak("date_was", "fact", value=date).explained("the date, from the goal", "date"))
    # "Can I get your name and what you're calling about?": both questions get an answer.
    if turn.line.is_open_question and not turn.goal_stated and not request.press:
        move = move.then(goal.state_goal(turn))
    return move


def _wrong_value(turn: Turn) -> Move | None:
    """A detail said back a slip away from what the caller knows: put right first, then the rest answered."""
    fix = checks.value_mistakes(turn)
    if fix is None:
        return None
    line = turn.line
    if line.questions and not line.is_readback and not line.yes_no:
        return fix.then(decide(turn, after="wrong-value"))
    return fix


_PROPOSAL = re.compile(r"^(?:and |so )?(?:what if|how about|what about|suppose|if)\b", re.I)


def _several_asks(turn: Turn) -> bool:
    asks = turn.line.asks
    # A menu is one choice, and so are choices offered across the parts ("pay now by card, or when you pick
    # up?"); choices offered in one part ("Is it an apartment or a house? And how many units?") leave the
    # rest to answer.
    if len(asks) < 2 or turn.line.menu:
        return False
    if turn.line.offered and len({bool(read(a).offered) for a in asks}) == 1:
        return False
    # "What if we dropped your rate? Want to do that?" asks one thing: the second points back at a proposal
    # ("How much, and should it come from checking?" points back at nothing).
    if (read(asks[0]).yes_no or _PROPOSAL.match(asks[0])) and any(
        len(a.split()) <= 7 and re.search(r"\b(?:that|this|it|those|them)\b", a, re.I) for a in asks[1:]
    ):
        return False
    requests = [read(a).request for a in asks]
    if not all(requests):
        return True
    # Details asked together ("What's your name? And your date of birth?") are one request, said in one go,
    # unless they are different people's ("the account holder's name, and your name as well?").
    whole = turn.line.request
    asked = {(slot, r.whose) for r in requests if r is not None for slot in r.slots}
    return whole is None or not asked <= {(slot, whole.whose) for slot in whole.slots}


def _each_ask(turn: Turn) -> Move | None:
    """Two questions in one line, both answered, in order; an ask no act can answer is left out."""
    moves = [
        decide(turn.answering(ask, reprompted=turn.reprompted), after="two-questions")
        for ask in turn.line.asks
    ]
    answered = [m for m in moves if m.act not in ("question", "ack", "goal-unsaid")]
    if not answered:
        return None
    combined: Move | None = None
    for move in answered or moves:
        if combined is None:
            combined = move
        elif move.says != combined.says[-len(move.says) :] and move.keys is None:
            combined = combined.then(move)
    return combined


_WHY_CALLING = re.compile(
    r"^(?:and |so |okay )?(?:is (?:that|this) (?:why|what) you(?:'re| are| re)? calling\b|"
    r"are you calling (?:about|because|regarding)\b)",
    re.I,
)
_AGAIN = re.compile(
    r"\b(?:enter|say|type|key) (?:it|that|them|the same \w+) (?:again|once more)\b|\bre-?enter (?:it|that)\b",
    re.I,
)


def _why_calling(turn: Turn) -> Move:
    """ "We see your flight was cancelled. Is that why you're calling?": yes when that is the goal."""
    from callersim_cli.engines.offline.judge import about_goal

    # What happened counts as much as the goal: "your rate went from $49.99 to $84.99" is why it calls.
    told = Terms.of(turn.line.text)
    if (
        about_goal(turn, turn.line.text)
        or Memory(turn).confirms(turn.line.text)
        or len(turn.frame_terms.stems & told.stems) >= 2
    ):
        return speak("yes_that", "yes").explained("the business guessed why the caller calls")

    return speak("no_actually").then(goal.state_goal(turn))


def _again(turn: Turn) -> Move | None:
    """ "Please enter it again to confirm": the keys or the detail just given, once more."""
    last = turn.state.replies[-1]
    if last.pressed:
        return press_move(last.pressed, "the same entry again")
    previous = turn.state.lines[-2] if len(turn.state.lines) >= 2 else None
    if previous is not None and previous.request:
        return give_details(turn, previous.request)
    return None


def _is_readback(turn: Turn) -> bool:
    """Details said back for the caller to confirm: a read-back's words, or a value and "is that right?"."""
    line = turn.line
    if line.is_readback:
        return line.asks_to_confirm or (not line.questions and not line.is_hold)
    return line.asks_to_confirm and bool(values_in(line.text))


def _unplaced_question(turn: Turn) -> Move:
    # Not yet said why we call: that is the most useful answer to a question we cannot place.
    if turn.goal_stated:
        return speak("unclear").explained("a question the caller cannot place")
    return goal.state_goal(turn)


def _fresh(turn: Turn) -> bool:
    """Answering the line as said, not a prompt a re-prompt pointed back to."""
    return turn.index > 0 and not turn.rephrasing and not turn.reprompted


ACTS: tuple[Act, ...] = (
    Act("answer-again", lambda t: _fresh(t) and t.line.reprompt_rest == "", call.answer_again,
        takes=(("How can I help?", "Sorry, I didn't catch that."), ("What's your name?", "Pardon?")),
        leaves=("Sorry, I didn't catch that.", "Sorry for the wait. How can I help?")),
    Act("reprompt", lambda t: _fresh(t) and bool(t.line.reprompt_rest), call.reprompt_rest,
        takes=(("Hello.", "Sorry, I didn't understand. How can I help you today?"),),
        leaves=("I'm sorry to hear that. What's the account number?",)),
    Act("hold", lambda t: t.line.is_hold and not _has_menu_or_question(t) and not t.line.request, call.hold,
        takes=("Please hold.", "One moment please.", "Please hold while I transfer you."),
        leaves=("Can you hold for a moment?", "Let me check. What's your date of birth?",
                "Let me check the log. To release it, I'll need the name on the ID inside.")),
    Act("noise", lambda t: not t.line.text or t.line.is_gibberish(t.frame.known_words), call.repeat,
        takes=("[static]", "asdf qwer zxcv", "Xkcd brrrp vvvt?"),
        leaves=("Thank you for calling First Harbor Bank.",)),
    Act("goodbye", lambda t: t.line.is_goodbye(t.first_turn), call.goodbye,
        takes=("Thanks for calling. Goodbye!", "Have a great day!", "Anything else? No? Okay, bye now."),
        leaves=("Thank you for calling First Harbor Bank. For balances, press 1.",)),
    Act("presence", lambda t: bool(t.line.presence) and (t.line.presence == "hear" or bool(t.state.replies)),
        call.presence, takes=("Can you hear me?", ("How can I help?", "Are you still there?"))),
    Act("voicemail", call.is_voicemail, call.leave_message,
        takes=("Please leave your name, number and a brief message after the tone.",
               ("For all other requests, press 2.", "After the tone, please leave your name and a brief "
                "message. When you're finished, press pound.")),
        leaves=("Please enter your account number, then press pound.", "Please hold after the tone.")),
    Act("closed", lambda t: t.line.is_closed and not _has_menu_or_question(t), call.closed,

        takes=("Our office is currently closed. Please call back during business hours.",),
        leaves=("We're closed right now. For our hours, press 1.",)),
    Act("menu", lambda t: bool(t.line.menu), menus.answer_menu,
        takes=("For balances, press 1. To report a lost card, press 3.",
        "Press 1 for English, 2 for Spanish.",
               "Para español, oprima dos. For English, press 1."),
        leaves=("Please enter your account number, then press pound.",)),
    Act("spoken-menu", lambda t: bool(t.line.spoken_menu), menus.spoken_menu,
        takes=("To report an outage, say outage. For billing, say billing.",)),
    Act("say-choice", lambda t: bool(t.line.say_choices), menus.say_choice,
        takes=("Is the card debit or credit? Please say debit or credit.",),
        leaves=("Please say your account number.", "Please say yes or no.")),
    Act("misheard", menus.heard_wrong, menus.misheard,
        takes=(("How can I help?", "I think you said billing. Is that right?"),)),
    Act("survey", call.is_survey, call.survey,
        takes=("On a scale of 1 to 5, how satisfied were you with today's call? Press a number now.",
               "How likely are you to recommend us, from 0 to 10?")),
    Act("again", lambda t: bool(_AGAIN.search(t.line.text)) and bool(t.state.replies), _again,
        takes=(("Please enter your new four-digit PIN.", "Please enter it again to confirm."),),
        scenario="activate my card and set the PIN to 5082"),
    Act("wrong-value", lambda t: not t.rephrasing, _wrong_value,
        takes=(("What's your phone number?", "Okay, I have your number as 312-555-0174."),
               "I have your son Theo, born March 19, 2019. Is that correct?"),
        leaves=("Your claim number is 4 4 7 1 9 2.",),
        scenario="book a visit for my son Theo, born March 9, 2019. My phone is 312-555-0147."),
    Act("instruction", lambda t: t.line.is_instruction, call.instruction,
        takes=("Unplug the modem, then plug it back in and tell me when you're done.",)),
    Act("closing-question", lambda t: t.line.is_anything_else and bool(t.line.success), call.done,
        takes=(("How can I help?", "Your card has been blocked. Is there anything else?"),)),
    Act("two-questions", _several_asks, _each_ask,
        takes=("Which flight were you on, and what date did you land?",
               "Can I get your name and what you're calling about?"),
        leaves=("What's your name? And your date of birth?",),
        scenario="report that my bag didn't arrive on flight 880 from Atlanta on June 11"),
    Act("describe", _always, questions.describe,
        takes=("Can you describe the bag?", "What's the make and model of the vehicle?")),
    Act("have-detail", _asks_if_caller_has, _have_detail,
        takes=("Do you already have a claim number?",), leaves=("What's your claim number?",)),
    Act("whom-for", lambda t: bool(_WHOM.search(t.line.last_ask) or _SELF_OR_OTHER.search(t.line.last_ask)),
        call.whom_for, takes=("Who is the appointment for?", "Who will be staying with us?",
                              "Are you calling for yourself or for someone else?"),
        scenario="book a visit for my father, Harold Brennan"),
    Act("speaking-with", call.is_speaking_with, call.speaking_with,
        takes=("Am I speaking with the member?", "Is this Harold?"),
        leaves=("Is this for a new appointment?",),
        scenario="check my father Harold Brennan's claim"),
    Act("relationship", lambda t: bool(_RELATION.search(t.line.last_ask)), call.relationship,
        takes=("What's your relationship to the member?", "How are you related to the patient?"),
        scenario="check my father's claim. His name is Harold Brennan"),
    Act("spell", lambda t: bool(call.SPELL_ASK.search(t.line.last_ask)) and not t.line.request,
        call.spell_last_name, takes=(("What's the last name?", "How do you spell that?"),),
        leaves=("Could you spell your last name for me?",)),
    Act("detail", lambda t: bool(t.line.request), _detail,

        takes=("What's your date of birth?", "Please enter your account number, followed by the pound key."),
        leaves=("Would you like a replacement sent to the address on file?",)),
    Act("readback", _is_readback,
        checks.confirm_readback, takes=("So that's a large pepperoni for delivery, is that correct?",)),
    Act("offered", lambda t: bool(t.line.offered), menus.choose,
        takes=("I have Tuesday at 9 or Wednesday at 2. Which works?", "Delivery or pickup?")),
    Act("anything-else", lambda t: t.line.is_anything_else, call.done, takes=("Is there anything else?",)),
    Act("why-calling", lambda t: bool(_WHY_CALLING.match(t.line.last_ask)), _why_calling,
        takes=("We see your flight was cancelled today. Is that why you're calling?",),
        scenario="my flight was cancelled today; get rebooked tonight"),
    Act("problem", questions.is_problem_question, questions.tell_problem,
        takes=(("How can I help?", "And what's it doing?"),),
        scenario="get my washer repaired under warranty. It won't drain."),
    Act("open-question", lambda t: t.line.is_open_question, goal.state_goal,
        takes=("How can I help you today?", "What brings you in?", "Hello?")),
    Act("reason", lambda t: t.line.is_reason_question, goal.give_reason,
        takes=("May I ask why you're cancelling?",)),
    Act("preference", lambda t: t.line.preference is not None, questions.state_preference,
        takes=("Do you have a preference for the location?",)),
    Act("known-yes-no", lambda t: bool(t.line.yes_no) and not embedded_wh(t.line.yes_no or ""),
        questions.known_yes_no,
        takes=("Is anyone hurt?", "Do you still have the card?"),
        leaves=("Would you like a replacement card?",),
        scenario="report a lost card. Nobody was hurt. I still have the card."),
    Act("yes-no", lambda t: bool(t.line.yes_no) and not embedded_wh(t.line.yes_no or ""),
    yes_no.answer_yes_no,
        takes=("Would you like a replacement card?", "Is this your first visit?"),
        leaves=("Can you tell me which service you'd like to cancel?",)),
    Act("fact", _always, questions.answer_fact, takes=("What was the amount?", "And the merchant?"),
        scenario="dispute a $54.20 charge from Amazon"),
    Act("attribute", lambda t: bool(t.line.attribute), questions.answer_attribute,
        takes=("What size would you like?", "How many people?")),
    Act("hold-late", lambda t: t.line.is_hold, call.hold, takes=("One moment while I pull that up, okay?",)),
    Act("which", _always, questions.answer_which, takes=("Which service would you like to cancel?",),
        scenario="cancel my internet service"),
    Act("do-you-know", lambda t: bool(_DO_YOU_KNOW.search(t.line.text)), lambda t: speak("not_sure",
    "not-sure"),
        takes=("Do you happen to know what the amount was?",)),
    Act("known-answer", lambda t: bool(t.line.questions), questions.known_answer,
        takes=("Where did the accident happen?",),
        scenario="report a new claim: I was rear-ended yesterday at a red light on Route 9 in Framingham."),

    Act("say-what", lambda t: not t.line.questions, questions.say_what,
        takes=("Please say the month you would like to serve.",),
        scenario="postpone my jury service. Any week in April works."),
    Act("question", lambda t: bool(t.line.questions), _unplaced_question
,
    takes=("Where is the nearest moon?",)),
    Act("good-news", lambda t: bool(t.line.success) and bool(t.state.replies),
    lambda t: speak("good_news", "good"),
        takes=(("How can I help?", "Your claim was approved."),)),
    Act("goal-unsaid", lambda t: not t.goal_stated, goal.state_goal, takes=("Thank you for calling Acme.",)),
    Act("bad-news", lambda t: bool(t.line.failure), call.cannot_help,
        takes=(("How can I help?", "We are unable to do that."),)),
    Act("ack", _always, lambda t: speak("ack"), takes=(("How can I help?", "Okay."),)),
)  # fmt: skip


def decide(turn: Turn, after: str | None = None) -> Move:
    """The move of the first act that answers the line (the first after ``after``, when it is named)."""
    acts = ACTS if after is None else ACTS[[a.name for a in ACTS].index(after) + 1 :]
    for act in acts:
        if (move := act.take(turn)) is not None:
            return move
    raise AssertionError("the last act answers every line")  # pragma: no cover
