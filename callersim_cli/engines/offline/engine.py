"""The offline caller: a scripted customer that needs no network and no model.

It reads the business's last line (a menu, a request for a detail, a read-back, a goodbye...) with the
pattern readers of ``offline_lines``, and answers from the goal (``offline_goal``) and a persona invented
once per call. Everything it knows is derived again on every turn from the history, the context and the
seed, so the engine is a pure function: a retried turn gives the same reply, and a seed replays a call.
Phrasings come from small pools, and a sentence already said in the call is not said again.
The persona's patience and talkativeness (``offline_manner``) change how a reply is said, not what it
does: the same keys, details and yes or no at every level, save that a caller with low patience asks a
machine for a person after it failed to understand twice.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
import re
from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from callersim_cli.actions import HANGUP_MARKER, parse_actions, press_marker
from callersim_cli.actions import Press as PressEvent
from callersim_cli.actions import Speech as SpeechEvent
from callersim_cli.conversation import Context, Message
from callersim_cli.engines.offline.facts import (
    GoalFacts,
    amounts,
    goal_facts,
    merchants,
    month_days,
    times_of_day,
)
from callersim_cli.engines.offline.goal import Goal, parse_goal
from callersim_cli.engines.offline.manner import (
    ASIDES,
    ASK_AGENT,
    CONFIRM_CHATTY,
    DECLINE_HURRIED,
    FIRM_AFTER,
    GOODBYES_CHATTY,
    GREETINGS,
    HOLD_CALM,
    HOLD_HURRIED,
    TRANSFER_CALM,
    TRANSFER_HURRIED,
    firm,
    terse,
)
from callersim_cli.engines.offline.menus import (
    MenuOption,
    offered_choices,
    parse_menu,
    say_choices,
    say_menu,
)
from callersim_cli.engines.offline.requests import (
    SLOT_PATTERNS,
    DetailRequest,
    detail_request,
)
from callersim_cli.engines.offline.signals import (
    attribute_question,
    embedded_wh,
    failure_phrase,
    is_anything_else,
    is_closed,
    is_gibberish,
    is_goodbye,
    is_hold,
    is_instruction,
    is_open_question,
    is_readback,
    is_reason_question,
    is_transfer,
    preference_question,
    presence_check,
    questions,
    reprompt_rest,
    success_phrase,
    yes_no_question,
)
from callersim_cli.engines.offline.text import (
    MONTHS,
    SIZES,
    VALUE_GROUPS,
    WEEKDAYS,
    Terms,
    content_words,
    digits_in,
    has_word,
    normalize_line,
    say_phone,
    sentences,
    spoken_digits,
    stem,
    words,
    wordset,
)
from callersim_cli.engines.offline.values import card_expiry, card_number, resized, security_code
from callersim_cli.persona import Persona, invent_persona, merge_personas

if TYPE_CHECKING:
    from callersim_cli.engines import EngineOptions

# Calls without a seed are still reproducible: the same call always gets the same caller.
DEFAULT_SEED = 20240611

_LABELS = {
    "name": "name", "phone": "phone number", "address": "address", "date_of_birth": "date of birth",
    "email": "email", "account_number": "account number", "zip": "ZIP code", "card_last4": "card number",
    "ssn_last4": "Social Security number", "pin": "PIN", "order": "order number",
    "confirmation": "confirmation number", "claim": "claim number", "policy": "policy number",
    "member": "member ID", "prescription": "prescription number", "card_number": "card number",
    "card_expiry": "expiration date", "cvv": "security code", "pet_name": "pet's name",
    "student": "student ID", "vin": "VIN", "iccid": "SIM number", "flight": "flight number",
}  # fmt: skip
SLOT_NAMES = frozenset(slot for slot, _ in SLOT_PATTERNS)
PET_NAMES = ("Max", "Bella", "Charlie", "Milo", "Daisy", "Cooper", "Lucy", "Bailey")
BAG_COLORS = ("black", "navy blue", "dark gray", "red", "dark green")
BAG_KINDS = ("roller suitcase", "hard-shell suitcase", "duffel bag", "medium-sized rolling bag")
BAG_BRANDS = ("Samsonite", "Travelpro", "American Tourister", "Delsey")
CAR_MAKES = (("Toyota", "Camry"), ("Honda", "Accord"), ("Ford", "Escape"), ("Subaru", "Outback"))

GOODBYES = (
    "Great, thank you so much. Bye!",
    "Thanks for your help. Goodbye!",
    "Thank you, bye now!",
    "Okay, thanks again. Goodbye!",
)
# Said back only to a business that wished the caller something ("have a great day", "take care").
WISHED_BACK = ("Thanks, you too. Goodbye!", "You too, thanks. Bye!", "Thank you, you too. Bye now!")
CALL_BACK = ("Okay, I'll call back then. Bye.", "Alright, I'll try again later. Thanks, bye.")
DONE_TASK = ("Okay... done.", "Alright, done.", "Okay, one second... okay, done.")
NOTHING_TO_ADD = ("No, none.", "No, nothing like that.", "Nope, nothing to add.")
NOT_FIXED = ("No, it's still not working.", "No, still the same.", "No, nothing changed.")
DONE = (
    "No, that's everything, thanks.",
    "No, that's all I needed. Thank you!",
    "Nope, that's it. Thanks for your help.",
    "No, I'm all set, thanks.",
    "No, that covers it. Thank you.",
)
HOLD = (
    "Sure, I'll hold.",
    "Okay, take your time.",
    "No problem, I'll wait.",
    "Okay, I'll stay on the line.",
    "Okay, I'm still here.",
    "Still holding, no rush.",
)
REPEAT = (
    "Sorry, I didn't catch that. Could you repeat it?",
    "Sorry, that didn't come through. Could you say it again?",
    "Sorry, you cut out there. Could you say that again?",
    "I'm sorry, I couldn't understand that. Can you repeat it, please?",
    "Hello? Sorry, could you say that one more time?",
    "Sorry, the line is bad on my end. What was that?",
)
UNCLEAR = (
    "Sorry, I'm not sure what you mean.",
    "I'm sorry, I don't think I understand the question.",
    "Sorry, could you put that another way?",
    "I'm not sure I follow, sorry.",
)
ACK = (
    "Okay, thank you.",
    "Got it, thanks.",
    "Alright, thanks for letting me know.",
    "Okay, that's good to know.",
    "I see, okay.",
)
GOOD_NEWS = ("Great, thank you!", "Perfect, thanks so much.", "Oh good, thank you.", "Wonderful, thanks.")
BAD_NEWS = (
    "Oh, okay. Is there anything else you can do?",
    "Hmm, that's a shame. What would you suggest?",
    "Oh no. Is there another option?",
)
YES = (
    "Yes, please.",
    "Yes.",
    "Yeah, that would be great.",
    "Sure, yes.",
    "Yes, thank you.",
    "Yep, please do.",
)
YES_PLAIN = ("Yes.", "Yes, that's right.", "Yeah.", "Correct.", "Yes, it is.", "That's right, yes.")
NO_THANKS = ("No, thank you.", "No thanks.", "No, I'm fine, thanks.", "Not today, thanks.")
CONFIRM = (
    "Yes, that's right.",
    "Yes, that's correct.",
    "Yep, that's it.",
    "Correct.",
    "Yes, exactly.",
    "That's right, thanks.",
)
TRANSFER = ("Okay, thanks.", "Sure, thank you.", "Great, thanks.", "Alright, thank you.", "Okay, I'll hold.")
STILL_HERE = (
    "Yes, I'm still here.",
    "Yes, I'm here.",
    "Yep, still here.",
    "Yes, still with you.",
    "Yeah, I'm here.",
)
NOT_SURE = ("I'm not sure exactly, sorry.", "Hmm, I don't know offhand.", "Not exactly, no, sorry.")
HEAR_YOU = ("Yes, I can hear you.", "Yes, I can hear you fine.", "Yep, loud and clear.", "Yes, I hear you.")
GIVE_UP = (
    "Okay, I understand. Thanks anyway. Goodbye.",
    "Alright, I'll look elsewhere then. Thanks for your time, bye.",
    "Okay, no problem. Thank you anyway. Goodbye!",
)
TRIED = (
    "Yes, I already restarted it, and it's still not working.",
    "Yeah, I unplugged it and plugged it back in twice. No luck.",
    "Yes, I've tried that already. Nothing changed.",
)

_PEOPLE = wordset(
    """person dentist doctor hygienist stylist barber technician provider physician nurse therapist agent
    specialist trainer groomer vet veterinarian mechanic instructor surgeon pharmacist representative
    advisor adviser counselor banker driver"""
)
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
_FIXED = re.compile(
    r"\b(?:sorry|apolog\w*|my (?:mistake|bad)|let me (?:fix|correct|change|update)|i(?:'ve| have) "
    r"(?:corrected|updated|changed|fixed)|corrected|updated that|got it,? (?:a|an|the)\b)",
    re.I,
)
# Steps a caller in a hurry skips: surveys and tours of offers. Not updates on the goal itself ("a text
# when your refill is ready"): a flow may count on those, and they cost the caller nothing now.
_OPTIONAL = re.compile(
    r"\b(?:survey|feedback|questionnaire|hear (?:about|more)|learn (?:about|more)|our (?:offers|specials|"
    r"promotions|deals|other (?:products|services))|newsletter|stay on the line)\b",
    re.I,
)
_EXTRA_REFUSED = re.compile(r"\b(?:out of|ran out|sold out|don't (?:have|carry) (?:any )?more)\b", re.I)
_STILL_HAVE = re.compile(
    r"\b(?:do you (?:still )?have (?:it|the card|your card|the \w+)|in your possession|have you found|"
    r"is it with you)\b",
    re.I,
)
TIME_OK = (
    "Yes, that works for me.",
    "Yes, that's fine.",
    "Sure, that works, thanks.",
    "Yes, that would be great.",
)
STILL_LOST = (
    "No, I don't have it. That's why I'm calling.",
    "No, it's gone, unfortunately.",
    "No, I haven't been able to find it.",
)
_TRIED = re.compile(
    # "Have you tried restarting it?", not "would you like to try our premium plan?"
    r"\b(?:(?:have|did) you (?:already |also )?(?:tried|try)|restart\w*|reboot\w*|unplug\w*|"
    r"turn(?:ed|ing)? (?:it )?off|reset\w*|power[- ]cycl\w*)\b",
    re.I,
)


# "If you are a provider ...", "if you're calling from a doctor's office ...": a menu that sorts callers.
_ROLE = re.compile(
    r"\b(?:you are|you're|you're calling (?:from|as|on behalf of)|calling (?:from|as|on behalf of)|are you)"
    r"\s+(?:an?\s+|the\s+)?(.+)",
    re.I,
)
_CUSTOMER_ROLE = re.compile(
    r"^(?:current |existing |new |plan |health plan |our |residential |home |personal |individual )?"
    r"(?:customer|member|patient|policy ?holder|"
    r"subscriber|client|guest|consumer|cardholder|card member|account ?holder|resident|homeowner|renter|"
    r"tenant|passenger|traveler|traveller|student|parent|individual|enrollee|beneficiary|insured|caller|"
    r"shopper|buyer)s?\b",
    re.I,
)
# The business read back what it heard the caller say: "I think you said billing. Is that right?"
_HEARD = re.compile(
    r"\b(?:i think you said|i heard|did you say|you said|it sounds like you(?:'re| are)? (?:calling about|"
    r"asking about|want|need)|you(?:'re| are) calling about|you want(?: to)?|you'd like(?: to)?)\s+(.+?)"
    r"(?:[.?!]|,?\s+(?:is that|right|correct|did i)\b|$)",
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
# A goal that asks something ("check whether my transcripts arrived") is met by the answer, good or bad.
_INQUIRY = re.compile(
    r"^(?:check|ask|find out|learn|know|see|inquire|verify|confirm)\b|\bwhether\b|\bstatus\b|\bwhere\b", re.I
)
_STATUS_GIVEN = re.compile(
    r"\b(?:is|are|was|were|has|have|had)(?: not|n't)?(?: yet)?(?: been)? (?:now |already |still )?"
    r"(?:complete|incomplete|received|arrived|approved|denied|pending|processed|shipped|delivered|on file|"
    r"missing|under review)\b|\barrived on\b|\bwe (?:have not|haven't|did not|didn't) (?:yet )?receive",
    re.I,
)
# An option for a matter already open ("an existing claim"), not for an existing customer or patient.
_EXISTING = re.compile(
    r"\b(?:existing|already (?:have|filed|open)|status of (?:a|an|your))\s+(?:\w+\s+)?"
    r"(?:claim|case|order|ticket|report|file|request|reservation|booking|dispute|application)",
    re.I,
)
_MATTER_NUMBERS = frozenset({"claim", "case", "reference", "ticket", "confirmation", "order", "tracking"})
_NEW_MATTER = re.compile(r"^(?:report|file|open|start|make|submit|book|schedule)\b|\bnew\b", re.I)
_ANYTHING_TO_ADD = re.compile(
    r"^(?:and\s+|also,?\s+|okay,?\s+)?(?:any|anything|are there any|is there anything|do you have any)\b"
    r".*\b(?:know|note|mention|aware|tell us|add|for us)\b",
    re.I,
)


def _normal(sentence: str) -> str:
    return " ".join(words(sentence))


def _spoken_sentences(text: str) -> list[str]:
    return [s for s in (_normal(p) for p in re.split(r"(?<=[.!?])\s+", text)) if s]


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def _strip_markers(raw: str) -> str:
    return " ".join(e.text for e in parse_actions([raw]) if isinstance(e, SpeechEvent))


def _pressed(raw: str) -> str:
    return "".join(e.digits for e in parse_actions([raw]) if isinstance(e, PressEvent))


def _clause(line: str, phrase: str) -> str:
    """The clause of ``line`` a verdict phrase sits in: a reason quotes what the business said, not a
    fragment ("claim number is ")."""
    for sentence in sentences(normalize_line(line)):
        if phrase.lower() in sentence.lower():
            if len(sentence) <= 90:
                return sentence.rstrip(".!?")
            for part in re.split(r",\s+|;\s+|\s+(?:and|but)\s+", sentence):
                if phrase.strip().lower() in part.lower():
                    return part.rstrip(".!?")
            return sentence.rstrip(".!?")
    return phrase.strip()


def _as_caller(choice: str) -> str:
    """A choice put to "you", in the caller's mouth: "you be waiting" -> "I'll be waiting"."""
    choice = re.sub(r"^(?:will |would )?you be (\w+ing)\b", r"I'll be \1", choice, flags=re.I)
    choice = re.sub(
        r"^(?:do |will |would )?you (need|want|like|prefer|have|take)\b", r"I'll \1", choice, flags=re.I
    )
    return re.sub(r"\byour\b", "my", choice, flags=re.I)


class _Turn:
    """Everything the caller knows on one turn, derived from the context, the history and the seed."""

    def __init__(self, context: Context, messages: Sequence[Message], seed: int) -> None:
        self.context = context
        turns = [m for m in messages if m.get("role") in ("user", "assistant")]
        self.operator_lines = [m["content"] for m in turns if m["role"] == "user"]
        self.replies = [m["content"] for m in turns if m["role"] == "assistant"]
        self.line = normalize_line(self.operator_lines[-1]) if self.operator_lines else ""
        self.index = len(self.operator_lines) - 1
        key = f"{seed}\n{context.description}\n{context.scenario}"
        self.call_seed = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
        self.goal: Goal = parse_goal(context.scenario)
        invented = invent_persona(seed, context)
        # The manner is the user's to choose: a persona without one (or no persona) is "medium" on both,
        # never a seeded draw, so that a seed changes who the caller is but not how a rehearsal feels.
        given = context.persona or Persona()
        # The scenario's own details win over a given persona, which wins over invented ones.
        self.persona: Persona = dataclasses.replace(
            merge_personas(self.goal.details, invented),
            patience=given.patience,
            talkativeness=given.talkativeness,
        )
        self.terse = self.persona.talkativeness == "low"
        self.chatty = self.persona.talkativeness == "high"
        self.hurried = self.persona.patience == "low"
        self.calm = self.persona.patience == "high"
        self.said = {s for reply in self.replies for s in _spoken_sentences(_strip_markers(reply))}
        self.rephrasing = False  # answering a prompt again after "sorry, I didn't get that"
        self.reprompted = False  # this line is the last prompt again after "sorry, not a valid option"
        # The call's own words are real words even when no word list knows them ("Skyline", "lisinopril").
        self.known_words = frozenset(words(f"{context.description} {context.scenario}"))

    # --- choosing words -------------------------------------------------------------------------------

    def rng(self, purpose: str) -> random.Random:
        digest = hashlib.sha256(f"{self.call_seed}:{self.index}:{purpose}".encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))

    def pick(self, pool: Sequence[str], purpose: str) -> str:
        """A phrasing from the pool whose sentences were not said yet in this call."""
        start = self.rng(purpose).randrange(len(pool))
        ordered = [*pool[start:], *pool[:start]]
        if self.terse:
            # Judged as it will be said: a terse "Yes." is the same sentence whichever phrasing it came from.
            ordered = [terse(option) for option in ordered]
        for option in ordered:
            if not any(s in self.said for s in _spoken_sentences(option)):
                return option
        if self.terse:
            return ordered[0]  # a terse caller says "Yes." again rather than "Like I said, yes."
        for prefix in ("Like I said, ", "Again, ", "As I mentioned, ", "Just to repeat, ", "Once more, "):
            for option in ordered:
                candidate = prefix + option[:1].lower() + option[1:]
                if not any(s in self.said for s in _spoken_sentences(candidate)):
                    return candidate
        return ordered[0]

    # --- what happened so far -------------------------------------------------------------------------

    @cached_property
    def facts(self) -> GoalFacts:
        return goal_facts(self.goal.task)

    @cached_property
    def goal_stated(self) -> bool:
        core = _normal(self.goal.short.removeprefix("Hi, "))[:40]
        task_words = set(Terms.of(self.goal.task).stems)
        for reply in self.replies:
            spoken = _normal(_strip_markers(reply))
            if core and core in spoken:
                return True
            if task_words and len(task_words & Terms.of(spoken).stems) >= max(2, len(task_words) // 2):
                return True
        return False

    def states_goal(self, reply: str) -> bool:
        spoken = _normal(_strip_markers(reply))
        core = _normal(self.goal.short.removeprefix("Hi, "))[:40]
        terse_core = _normal(terse(self.goal.short))[:40]  # "Order a large pizza." says the goal too
        return bool(core) and (core in spoken or terse_core in spoken)

    def keys_tried_for(self, menu: list[MenuOption]) -> set[str]:
        """Keys already pressed for this same menu: it came back, so that choice did not get us on."""
        signature = {(o.key, o.text.lower()) for o in menu}
        tried = set()
        for line, reply in zip(self.operator_lines[:-1], self.replies, strict=False):
            if {(o.key, o.text.lower()) for o in parse_menu(line)} == signature:
                tried.add(_pressed(reply))
        return tried

    # --- the reply ------------------------------------------------------------------------------------

    def respond(self) -> str:
        reply = self.respond_freely()
        if self.hurried and (self.repeated_prompt() or self.misunderstood() >= 2):
            reply = self.firmly(reply)
        if re.search(r"\bsay (?:yes or no|yes or say no)\b", self.line, re.I) and HANGUP_MARKER not in reply:
            # A speech IVR that asks for yes or no understands exactly that word.
            if re.match(r"(?:yes|yeah|yep|sure|correct|that's right|right)\b", reply, re.I):
                return "Yes."
            if re.match(r"(?:no|nope|not)\b", reply, re.I):
                # A wrong number read back is put right in the same breath: "No, it's 415 555 0123."
                return reply if re.search(r"\d", reply) else "No."
        if self.terse:
            return self.tersely(reply)
        if self.chatty:
            return self.chattily(reply)
        return reply

    # --- manner: the persona's traits -----------------------------------------------------------------

    def automated(self, line: str) -> bool:
        """A line only a machine says: a menu, "say X or Y", "press", "enter", "after the tone"."""
        return bool(
            parse_menu(line)
            # A recorded "please stay on the line" is no one to greet; "in a few words" is a speech IVR.
            or (is_hold(line) and not questions(line))
            or re.search(r"\b(?:in a few words|briefly|in your own words)\b", line, re.I)
            or say_menu(line)
            or say_choices(line)
            or re.search(r"\b(?:press|say|enter|keypad|after the tone|yes or no)\b", line, re.I)
        )

    def repeated_prompt(self) -> bool:
        """The business asked the very same thing again right after the caller answered it."""
        return (
            self.index > 0
            and not parse_menu(self.line)  # a menu heard again means the choice did not help, not "deaf"
            and bool(questions(self.line) or detail_request(self.line))
            and self.last_ask(self.operator_lines[-2]) == self.last_ask(self.operator_lines[-1])
            # Asked again after the caller's "No, it's HX44821": the business is checking the fix, not deaf.
            and not re.match(r"(?:no|nope|not quite)\b", _strip_markers(self.replies[-1]), re.I)
        )

    @staticmethod
    def last_ask(line: str) -> str:
        """What a line asks last: "Okay, 6:30 for four. Name for the reservation?" -> its question."""
        asked = questions(normalize_line(line))
        return _normal(asked[-1] if asked else line)

    def misunderstood(self) -> int:
        """How many times in a row, up to this line, the business said it did not understand."""
        count = 0
        for line in reversed(self.operator_lines[1 : self.index + 1]):
            if reprompt_rest(normalize_line(line)) is None:
                break
            count += 1
        return count

    def firmly(self, reply: str) -> str:
        """The same answer with mild impatience; keys, a hang-up or a request for a person are left alone."""
        if "[" in reply or reply in ASK_AGENT or not reply:
            return reply
        # "Sure, yes." is an answer word too; "Sure, it's Rosa Diaz." is a detail, said firmly as a whole.
        if re.match(
            r"(?:yes|yeah|yep|no|nope|correct|right)\b|sure(?:\W*$|,?\s+(?:yes|yeah|no)\b)", reply, re.I
        ):
            # The yes or no stays in front, where it is heard; the impatience comes after it.
            return f"{reply} {self.pick(FIRM_AFTER, 'firm')}"
        reply = re.sub(
            r"^(?:(?:as|like) i (?:said|mentioned),?|again,|just to repeat,|once more,)\s*",
            "",
            reply,
            flags=re.I,
        )
        return self.pick([firm(reply, p) for p in ("As I said", "Like I said", "Again")], "firm")

    def escalate(self, prompt: str) -> str | None:
        """Low patience, told twice by a machine that it did not understand: ask for a person.

        A keypad menu with a person on it gets that key; a speech line gets "agent"; a keypad menu without
        a person, or a human who did not hear well, gets the answer again instead (returns None).
        """
        if not self.hurried or self.misunderstood() < 2 or not self.automated(prompt):
            return None
        if menu := parse_menu(prompt):
            person = next((o for o in menu if o.is_human), None)
            return press_marker(person.key) if person else None
        if spoken := say_menu(prompt):
            person = next((o for o in spoken if o.is_human), None)
            if person:
                return f"{_capitalize(person.key)}."
        if re.search(r"\b(?:press|enter|keypad)\b", prompt, re.I) and not re.search(r"\bsay\b", prompt, re.I):
            return None  # keys only: it cannot hear "agent"
        return self.pick(ASK_AGENT, "agent")

    def tersely(self, reply: str) -> str:
        """A reply with fillers and pleasantries dropped; keys and a hang-up kept where they were."""
        markers = re.findall(r"\[[^\]]*\]", reply)
        spoken = _strip_markers(reply)
        if not spoken:
            return reply
        return " ".join([terse(spoken), *markers])

    def chattily(self, reply: str) -> str:
        """A greeting on the first spoken turn, an aside now and then; never with keys or to a machine."""
        if "[" in reply or not reply or self.automated(self.line):
            return reply
        answer_word = re.match(r"(?:yes|yeah|yep|no|nope|correct|right|sure|not)\b", reply, re.I)
        first_words = not any(_strip_markers(r) for r in self.replies)
        if first_words and not answer_word:
            greeting = self.pick(GREETINGS, "greeting")
            return f"{greeting} {_capitalize(reply.removeprefix('Hi, '))}"
        # Not after a correction or a question: the business should hear those alone.
        if re.match(r"(?:no|nope|not)\b", reply, re.I) or "?" in reply:
            return reply
        if self.rng("aside").random() < 0.5:
            aside = self.pick(ASIDES, "aside")
            if not any(s in self.said for s in _spoken_sentences(aside)):
                return f"{reply} {aside}"
        return reply

    def hold(self, line: str) -> str:
        """Hold music or a transfer: taken in a hurry, calmly, or as it comes, by patience."""
        pool: Sequence[str]
        if is_transfer(line):
            pool = TRANSFER_HURRIED if self.hurried else TRANSFER_CALM if self.calm else TRANSFER
        else:
            pool = HOLD_HURRIED if self.hurried else HOLD_CALM if self.calm else HOLD
            if pool is HOLD and not any(is_hold(earlier) for earlier in self.operator_lines[:-1]):
                pool = HOLD[
                    :4
                ]  # "I'm still here" and "still holding" answer a hold that went on, not its start
        return self.pick(pool, "hold")

    def respond_freely(self) -> str:
        rest = reprompt_rest(self.line)
        if rest is not None and self.index > 0:
            # "Sorry, I didn't get that": answer the last real prompt again, in other words; a line that
            # goes on to ask something ("Sorry, I didn't understand. How can I help?") is answered as asked.
            if not rest:
                return self.answer_again()
            self.line = rest
            self.reprompted = True
            if agent := self.escalate(rest):
                return agent
        return self.answer()

    def answer_again(self) -> str:
        earlier = [
            i
            for i in range(self.index)
            if reprompt_rest(self.operator_lines[i]) != "" and i < len(self.replies)
        ]
        if not earlier:
            return self.pick(REPEAT, "repeat") if not self.goal_stated else self.state_goal()
        previous = earlier[-1]
        if agent := self.escalate(normalize_line(self.operator_lines[previous])):
            return agent
        if pressed := _pressed(self.replies[previous]):
            return press_marker(pressed)  # keys are keys: the same ones again
        if self.states_goal(self.replies[previous]):
            return self.state_goal()  # "what was that?" after the goal: the goal again, in other words
        self.line = normalize_line(self.operator_lines[previous])
        self.rephrasing = True
        return self.answer()

    def answer(self) -> str:
        line = self.line
        if is_hold(line) and not questions(line) and not parse_menu(line):
            # Hold music is not noise to complain about; a transfer is thanked for.
            return self.hold(line)
        if not line or is_gibberish(line, self.known_words):
            return self.pick(REPEAT, "repeat")
        if is_goodbye(line, first_turn=self.index == 0):
            return self.goodbye()
        if (presence := presence_check(line)) and (presence == "hear" or self.replies):
            return self.pick(HEAR_YOU if presence == "hear" else STILL_HERE, "presence")
        if is_closed(line) and not parse_menu(line) and not questions(line):
            # Closed for the day: nothing to do on this call but to try again later.
            return f"{self.pick(CALL_BACK, 'closed')} {HANGUP_MARKER}"
        menu = parse_menu(line)
        if menu and (reply := self.answer_menu(menu)):
            return reply
        if spoken_menu := say_menu(line):
            # A speech menu is a menu even when one option is "for anything else, say other".
            word = _capitalize(self.best_option(spoken_menu).key)
            return self.pick([f"{word}.", f"{word}, please.", f"Um, {word.lower()}."], "say")
        if choices := say_choices(line):
            return self.say_choice(choices)
        if misheard := self.misheard():
            return misheard
        if yes_no_question(line) and (echo := self.echo_error(sure_only=True)):
            # "I have confirmation H X 4 4 8 1 2. Should I cancel it?" for HX44821: not that one, so no.
            return f"No, sorry — {echo.removeprefix('Sorry, ')}"
        if is_instruction(line):
            return self.do_instruction()
        if is_anything_else(line) and success_phrase(line):
            # "The new SIM is now active. ... Is there anything else?": the closing question, whatever the
            # line said before it ("restart your phone" is not a request for the phone number).
            return self.done()
        if described := self.describe():
            return described
        request = detail_request(line)
        have = yes_no_question(line) or ""
        if request and re.match(r"(?:and |so )?do you (?:already |still |happen to )?have\b", have, re.I):
            # "Do you already have a file reference number?" for a loss being reported now: no such number.
            if not self.holds(request):
                return self.pick(("No, I don't have one yet.", "No, not yet.", "No, I don't."), "no-number")
            return f"Yes. {self.give_details(request)}"
        if request:
            reply = self.give_details(request)
            # A value the business just echoed wrong ("H X 4 4 8 2 1, got it") is put right first.
            if not request.press and (echo := self.echo_error()):
                reply = f"{echo} {self.give_details(request, also=True)}"
            # "Can I get your name and what you're calling about?": both questions get an answer.
            if is_open_question(line) and not self.goal_stated and not request.press:
                reply = f"{reply} {self.state_goal()}"
            return reply
        if is_readback(line) and (questions(line) or not is_hold(line)):
            return self.confirm_readback()
        if offered := offered_choices(line):
            return self.choose(offered)
        if is_anything_else(line):
            return self.done()
        if is_open_question(line):
            return self.state_goal()
        if is_reason_question(line):
            return self.give_reason()
        if (preference := preference_question(line)) is not None:
            return self.state_preference(preference)
        if (yes_no := yes_no_question(line)) and not embedded_wh(yes_no):
            return self.answer_yes_no(yes_no)
        if questions(line) and (fact := self.answer_fact(questions(line)[-1])):
            return fact
        if attribute := attribute_question(line):
            return self.answer_attribute(attribute)
        if is_hold(line):
            return self.hold(line)
        if questions(line) and (which := self.answer_which(questions(line)[-1])):
            return which
        if re.search(r"\b(?:do you (?:happen to |still )?(?:know|remember)|any idea)\b", line, re.I):
            # "Do you happen to know what the amount was?" with nothing in the goal to say: honestly unsure.
            return self.pick(NOT_SURE, "not-sure")
        if questions(line):
            unclear = self.pick(UNCLEAR, "unclear")
            # Not yet said why we call: that is the most useful answer to a question we cannot place.
            return unclear if self.goal_stated else self.state_goal()
        if success_phrase(line) and self.replies and not questions(line):
            return self.pick(
                GOOD_NEWS, "good"
            )  # "Your claim was approved": the news is taken, not talked over
        if not self.goal_stated:
            return self.state_goal()
        if success_phrase(line):
            return self.pick(GOOD_NEWS, "good")
        if failure_phrase(line):
            return self.cannot_help()
        return self.pick(ACK, "ack")

    def describe(self) -> str | None:
        """Questions about the goal's own thing that a person answers from memory, not from a record.

        The goal's words first ("my 2019 Honda Civic", "delivered to my hotel"); what it does not say is
        made up once per call from the seed, as a real caller would know it ("a black roller suitcase").
        """
        line = self.line.lower()
        task = self.goal.task
        if re.search(
            r"\bdescribe\b.*\b(?:bag|luggage|suitcase)|\b(?:color|colour)\b.*\b(?:type|brand)\b", line
        ):
            rng = self.stable_rng("bag")
            color, kind, brand = rng.choice(BAG_COLORS), rng.choice(BAG_KINDS), rng.choice(BAG_BRANDS)
            return self.pick([f"A {color} {kind}, {brand}.", f"It's a {color} {brand} {kind}."], "describe")
        if re.search(r"\b(?:year|make|model)\b.*\b(?:vehicle|car|truck)\b|\bmake and model\b", line):
            return f"It's a {self.vehicle()}."
        if re.search(r"\bmileage\b|\bhow many miles\b|\bmiles (?:on|does)\b", line):
            year = re.search(r"\b((?:19|20)\d\d)\b", task)
            age = max(1, 2026 - int(year.group(1))) if year else self.stable_rng("age").randint(3, 9)
            miles = round(age * self.stable_rng("miles").randint(9_000, 13_000), -3)
            return self.pick(
                [f"Not exactly — around {miles:,} miles, I think.", f"Roughly {miles:,} miles, I'd say."],
                "mileage",
            )
        if re.search(r"\bwhere\b.*\b(?:deliver|send|ship|drop)\w*", line) and (
            m := re.search(
                r"\b(?:deliver|sen[dt]|ship|brought|drop)\w*\s+(?:it\s+|them\s+)?to\s+((?:my|our|the)\s+\w+)",
                task,
                re.I,
            )
        ):
            return self.pick([f"To {m.group(1)}, please.", f"{_capitalize(m.group(1))}, please."], "where")
        return None

    def vehicle(self) -> str:
        """The goal's car as it names it ("my 2019 Honda Civic"), else one made up for the call."""
        m = re.search(r"\b((?:19|20)\d\d)\s+((?:[A-Z][\w-]*\s?){1,3})", self.goal.task)
        if m:
            return f"{m.group(1)} {m.group(2).strip()}"
        rng = self.stable_rng("car")
        make, model = rng.choice(CAR_MAKES)
        return f"{rng.randint(2012, 2023)} {make} {model}"

    def misheard(self) -> str | None:
        """ "I think you said billing. Is that right?" when the caller asked for something else."""
        if not questions(self.line):
            return None
        m = _HEARD.search(self.line)
        if not m or re.search(r"\d", m.group(1)):
            return None  # a number read back is checked digit by digit elsewhere
        heard = Terms.of(m.group(1))
        last = _strip_markers(self.replies[-1]) if self.replies else ""
        if not heard.stems or heard.overlap(Terms.of(last)) or heard.overlap(self.goal.terms):
            return None
        wanted = last.rstrip(".!?").removesuffix(", please") if len(words(last)) <= 6 else ""
        if wanted and not re.match(r"(?:sorry|hi|hello|yes|no|okay)\b", wanted, re.I):
            return self.pick(
                [f"No — {wanted[:1].lower()}{wanted[1:]}, please.", f"No, I said {wanted}."], "heard"
            )
        return f"No, that's not it. {self.goal_pool(short=True)[1]}"

    def do_instruction(self) -> str:
        """ "Unplug the modem, wait thirty seconds, plug it back in, and tell me when you're done."."""
        line = self.line.lower()
        if re.search(r"\bplug\w* (?:it |them |\w+ )?back in\b", line):
            return self.pick(
                ("Alright, it's plugged back in.", "Okay... done. It's plugged back in."), "task"
            )
        if re.search(r"\b(?:turn|switch|power)\w* (?:it |them |\w+ )?back on|restart|reboot", line):
            return self.pick(("Okay... done. It's back on.", "Alright, it's back on now."), "task")
        return self.pick(DONE_TASK, "task")

    def echo_error(self, sure_only: bool = False) -> str | None:
        """A detail the business repeated wrong in passing ("OK, H X 4 4 8 2 1, got it. And ...?").

        ``sure_only``: only a value the caller said on this call or the goal gives; a card the caller never
        named ("your card ending in 2231") is the business's to know, not a misreading to correct.
        """
        line = self.line
        said = digits_in(" ".join(_strip_markers(r) + " " + _pressed(r) for r in self.replies))
        given = digits_in(self.context.scenario)
        if re.search(
            r"\b(?:new|case|reference|ticket|cancellation|confirmation (?:number|code) is)\b", line, re.I
        ):
            return None  # a number the business gives is its own, not an echo of ours
        for run in re.findall(r"(?:\b[A-Z](?:\s+|-))*\d(?:[\s-]*\d){2,}", line):
            got = digits_in(run)
            for value in self.known_values().values():
                want = digits_in(value)
                # A code with letters ("SB 221") is wrong by a digit as much as a long number is.
                shortest = 3 if re.search(r"[A-Za-z]", value) else 4
                if len(want) < shortest or len(want) != len(got) or want == got:
                    continue
                if sure_only and want not in said and want not in given:
                    continue
                if sum(a != b for a, b in zip(want, got, strict=True)) <= 2:
                    # Said back the way the business said it: spaced out if it spelled it.
                    spoken = " ".join(value.replace("-", "").upper()) if re.search(r"\d\s\d", run) else value
                    return self.pick([f"Sorry, it's {spoken}.", f"Sorry, that's {spoken}."], "echo")
        return None

    def answer_fact(self, question: str) -> str | None:
        """Questions about the goal's subject: the charge, its amount, merchant and date, what it is for."""
        q = question.lower()
        facts = self.facts
        # "What happened, and when was the visit?": the goal's own event, with its date, says both.
        if re.search(r"\bwhat happened\b", q) and (
            event := re.search(r"\bfor ((?!(?:me|us|it|them|that|this)\b).+)$", self.goal.task, re.I)
        ):
            return f"It was {event.group(1)}."
        if re.search(r"\b(?:which|what) (?:charge|transaction|payment|purchase|item)\b", q) and (
            facts.amount or facts.merchant
        ):
            noun = next(n for n in ("charge", "transaction", "payment", "purchase", "item") if n in q)
            parts = [f"the {facts.amount or ''} {noun}".replace("  ", " ")]
            if facts.merchant:
                parts.append(f"from {facts.merchant}")
            if facts.date_text:
                parts.append(f"on {facts.date_text}")
            return f"{_capitalize(' '.join(parts))}."
        if facts.amount and re.search(r"\b(?:amount|how much)\b", q):
            return self.pick([f"It was {facts.amount}.", f"{facts.amount}."], "fact")
        if facts.merchant and re.search(
            r"\b(?:merchant|vendor|company|store|retailer|business|who (?:is|was) (?:the|it)|from whom)\b",
            q,
        ):
            return self.pick([f"{facts.merchant}.", f"It's {facts.merchant}."], "fact")
        if (
            facts.date_text
            and re.search(r"\b(?:date|when|what day)\b", q)
            and not re.search(r"\b(?:birth|new|would you like|prefer)\b", q)
        ):
            return self.pick([f"{_capitalize(facts.date_text)}.", f"It was {facts.date_text}."], "fact")
        # "What procedure is the authorization for?" -> the goal's "for my knee MRI".
        if m := re.search(r"\b(?:what|which)\b.*\bfor\?$", q):
            found = re.search(
                r"\bfor (my|an?|the) ((?:[\w'-]+ ?){1,4}?)"
                r"(?=$|[,.]| (?:and|because|that|which|on|at|from)\b)",
                self.goal.task,
                re.I,
            )
            if found and m:
                thing = found.group(2).strip()
                article = "an" if thing[:1].lower() in "aeiou" else "a"
                return self.pick([f"{_capitalize(article)} {thing}.", f"It's for my {thing}."], "fact")
        return None

    def cannot_help(self) -> str:
        """Ask once what else the business can do; told no again, thank them and end the call."""
        asked = any(
            # The question as said: a terse caller asked it without the "Oh, okay."
            failure_phrase(line) and any(_normal(terse(b)) in _normal(reply) for b in BAD_NEWS)
            for line, reply in zip(self.operator_lines[:-1], self.replies, strict=False)
        )
        if asked:
            return f"{self.pick(GIVE_UP, 'give-up')} {HANGUP_MARKER}"
        return self.pick(BAD_NEWS, "bad")

    def goodbye(self) -> str:
        wished = re.search(r"\b(?:have a|enjoy|take care|good (?:day|night|evening))\b", self.line, re.I)
        words_ = self.pick(GOODBYES_CHATTY if self.chatty else WISHED_BACK if wished else GOODBYES, "bye")
        if is_anything_else(self.line):
            words_ = "No, that's all. " + words_
        return f"{words_} {HANGUP_MARKER}"

    def done(self) -> str:
        if not self.goal_stated and not self.replies:
            return self.state_goal()
        return self.pick(DONE, "done")

    # --- the goal -------------------------------------------------------------------------------------

    def goal_pool(self, short: bool = False) -> list[str]:
        goal = self.goal
        statement = goal.short if short else goal.statement
        task = statement.removeprefix("Hi, ").rstrip(".")
        pool = [statement]
        m = re.match(r"^I(?:'d like|'m calling) to (.*)$", task)
        if m:
            rest = m.group(1)
            pool += [
                f"I need to {rest}.",
                f"I'm calling to {rest}.",
                f"I'd like to {rest}, please.",
                f"I'm trying to {rest}.",
            ]
        elif task.startswith("I'm calling about "):
            rest = task.removeprefix("I'm calling about ")
            pool += [f"It's about {rest}.", f"I have a question about {rest}.", f"I'm calling about {rest}."]
        else:
            pool += [f"{_capitalize(task)}.", f"Well, {task}.", f"So, {task}."]
        return pool

    def state_goal(self) -> str:
        line = self.line.lower()
        if (
            re.search(r"\border\b|get (?:for|started)|what would you like(?! to do)", line)
            and self.goal.item != self.goal.task
        ):
            item, also = self.goal.item, self.goal.also
            if also:  # "... for delivery, and I'll pay by card": the rest of the goal after the item
                return self.pick(
                    [f"I'd like to order {item}, {also}.", f"Can I get {item}? {_capitalize(also[4:])}."],
                    "item",
                )
            return self.pick(
                [f"I'd like {item}, please.", f"Can I get {item}?", f"{_capitalize(item)}, please."], "item"
            )
        short = bool(re.search(r"\b(?:few words|briefly|short)\b", line))
        pool = self.goal_pool(short)
        # The first time, the plain statement; rephrasings are for when the business asks again.
        return (
            pool[0]
            if not self.goal_stated and _normal(pool[0]) not in self.said
            else self.pick(pool[1:], "goal")
        )

    def goal_object(self) -> str:
        """What the goal acts on: "cancel my internet service because ..." -> "my internet service"."""
        task = re.split(r"\s+(?:because|since|as|due to|so that|now that)\s+", self.goal.task)[0]
        rest = task.split(maxsplit=1)[1] if len(task.split()) > 1 else ""
        rest = re.split(r"\s+(?:to|for|from|at|on|by|with|before|after|and)\s+", rest)[0]
        return rest or "it"

    def give_reason(self) -> str:
        """Why the caller wants this, from the goal; a goal without a reason is its own reason."""
        goal, reason = self.goal, self.goal.reason
        if reason:
            thing = self.goal_object()
            first = (
                f"{_capitalize(reason)}, so I won't need {thing} anymore."
                if goal.ends_service
                else f"Because {reason}."
            )
            if _normal(first) not in self.said:
                return first  # the plain reason the first time; other words when asked again
            pool = [f"Well, {reason}.", f"It's just that {reason}.", f"Like I said, {reason}."]
            return self.pick(pool, "reason")
        if goal.ends_service:
            return self.pick(
                [
                    "I just don't need it anymore.",
                    "It's just not something I use anymore.",
                    "I've decided I don't need it, that's all.",
                ],
                "reason",
            )
        return self.state_goal()

    def named_choice(self) -> str | None:
        """Someone the goal asks for by name: "with Dr. Patel" -> "Dr. Patel"."""
        m = re.search(
            r"\bwith ((?:Dr\.?|Doctor|Nurse|Mr\.?|Mrs\.?|Ms\.?)\s+[A-Z][a-z]+|[A-Z][a-z]+)\b", self.goal.task
        )
        if not m or m.group(1).lower() in (*WEEKDAYS, *MONTHS):
            return None
        return m.group(1)

    def state_preference(self, about: str) -> str:
        """ "Is there a particular dentist you prefer?": the one the goal names, else no preference."""
        if about in ("time", "times", "day", "days", "date", "dates"):
            return self.answer_attribute("time")
        if about in ("location", "locations", "branch", "store", "office", "clinic", "pharmacy", "site"):
            return self.pick(
                ("Whichever location is closest is fine.", "No preference, any location works."), "prefer"
            )
        named = self.named_choice()
        people = not about or about in _PEOPLE
        if named and people:
            return self.pick(
                (f"Yes, {named}, if possible.", f"{named}, please.", f"I'd like {named}."), "prefer"
            )
        if people and about:
            pool = (
                "No preference, whoever is available is fine.",
                "No, whoever's available is fine.",
                "Not really, anyone is fine.",
            )
        else:
            pool = (
                "No preference, whatever's available is fine.",
                "No, anything is fine.",
                "Not really, whatever works.",
            )
        return self.pick(pool, "prefer")

    # --- menus and choices ----------------------------------------------------------------------------

    def option_score(self, option: MenuOption, wants_human: bool) -> float:
        score = self.goal.terms.overlap(option.terms)
        # "If you are a provider, press 1. If you are a member, press 2": the caller is the customer.
        if role := _ROLE.search(option.text):
            score += 4 if _CUSTOMER_ROLE.search(role.group(1)) else -6
        # What the caller wants done ("move my service") outweighs what it is about ("new apartment").
        if self.goal.action.overlap(option.terms):
            score += 3
        # "To check on an existing claim, press 3" is not for reporting a new loss: nothing exists yet.
        if (
            _EXISTING.search(option.text)
            and not _EXISTING.search(self.goal.task)
            and _NEW_MATTER.search(self.goal.task)
        ):
            score -= 4
        if option.is_repeat:
            return -10.0
        if option.is_human and not wants_human:
            score -= 3
        return score

    def answer_menu(self, menu: list[MenuOption]) -> str | None:
        languages = [o for o in menu if o.language]
        if languages:
            want = "spanish" if has_word(self.goal.scenario, "spanish", "español", "espanol") else "english"
            chosen = next((o for o in languages if o.language == want), None)
            if chosen and len(languages) >= len(menu) - 1:
                return press_marker(chosen.key)
        # "Sorry, that is not a valid option. For billing, press 1...": the key did not register, the choice
        # was right; only a menu that comes back unasked means the option led nowhere.
        tried = set() if self.reprompted else self.keys_tried_for(menu)
        wants_human = has_word(
            self.goal.task, "representative", "operator", "agent", "person", "human", "someone"
        )
        candidates = [o for o in menu if o.key not in tried and not o.language] or [
            o for o in menu if not o.language
        ]
        if not candidates:
            return None  # only a language we do not want ("para español, oprima nueve"): listen on
        # A read-back's "correct, press 1; re-enter, press 2" is judged afresh every time it is read back.
        if reply := self.answer_confirm_menu([o for o in menu if not o.language]):
            return reply
        scored = sorted(
            candidates, key=lambda o: -self.option_score(o, wants_human)
        )  # stable: ties keep order
        best = scored[0]
        if self.option_score(best, wants_human) <= 0:
            if success_phrase(" ".join(self.operator_lines)):
                thanks = self.pick(
                    ("Thanks, that was all I needed.", "Great, that takes care of it."), "menu-done"
                )
                return f"{thanks} {self.pick(('Goodbye!', 'Bye!', 'Bye now!'), 'bye')} {HANGUP_MARKER}"
            # Nothing fits: a general line before a person, a person before a random topic.
            fallback = (
                next((o for o in candidates if o.is_other and not o.is_human), None)
                or next((o for o in candidates if o.is_human), None)
                or next((o for o in candidates if not o.is_repeat), None)
            )
            if fallback is None:
                return None
            best = fallback
        return press_marker(best.key)

    def best_option(self, menu: list[MenuOption]) -> MenuOption:
        """The option that fits the goal; nothing fits: a general line, then a person, then the first."""
        wants_human = has_word(self.goal.task, "representative", "operator", "agent", "person", "human")
        best = max(menu, key=lambda o: self.option_score(o, wants_human))  # max keeps the first of ties
        if self.option_score(best, wants_human) > 0:
            return best
        return (
            next((o for o in menu if o.is_other and not o.is_human), None)
            or next((o for o in menu if o.is_human), None)
            or best
        )

    def answer_confirm_menu(self, menu: list[MenuOption]) -> str | None:
        """ "To confirm, press 1. To cancel, press 2": confirm what was read back right, else go back."""
        confirm = next(
            (o for o in menu if has_word(o.text, "confirm", "correct", "accept", "continue", "proceed")), None
        )
        undo = next(
            (o for o in menu if has_word(o.text, "cancel", "change", "re-enter", "start over", "incorrect")),
            None,
        )
        if (
            confirm is None
            or undo is None
            or self.goal.terms.overlap(undo.terms) > self.goal.terms.overlap(confirm.terms)
        ):
            return None
        return press_marker(undo.key if self.readback_error() else confirm.key)

    def choice_score(self, alternative: str) -> float:
        goal = self.goal
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
        if (wanted := self.facts.minutes) is not None and (
            offered := times_of_day(lowered, evening=wanted >= 720)
        ):
            score += max(0.0, 4 - abs(offered[0] - wanted) / 60)
        # The goal's action ("change my flight") outweighs its topic when options share the topic.
        action = Terms.of(" ".join(words(goal.task)[:1]))
        score += 2 * len(action.stems & Terms.of(alternative).stems)
        if goal.action.overlap(Terms.of(alternative)):
            score += 2
        return score

    def best_choice(self, alternatives: list[str]) -> str:
        # Asked the same thing again right after answering: the first answer did not take, try the next one.
        repeated = (
            self.index > 0 and not self.rephrasing and _normal(self.operator_lines[-2]) == _normal(self.line)
        )
        ranked = sorted(alternatives, key=lambda a: -self.choice_score(a))
        if repeated and len(ranked) > 1 and self.choice_score(ranked[0]) <= 0:
            return ranked[1]
        return ranked[0]

    def say_choice(self, choices: list[str]) -> str:
        choice = self.best_choice(choices)
        # "Tell me why you're calling. You can say things like pay my bill, or upgrade my phone": examples,
        # not a closed list. An example that is not what the caller wants is not said; the goal is, briefly.
        if re.search(
            r"\b(?:things like|for example|such as|in a few words|in your own words)\b", self.line, re.I
        ):
            terms = Terms.of(choice)
            if not self.goal.action.overlap(terms) and self.goal.terms.overlap(terms) < 3:
                return self.pick(self.goal_pool(short=True), "goal")
        return self.pick(
            [
                f"{_capitalize(choice)}.",
                f"{_capitalize(choice)}, please.",
                # "It's debit." names a thing; "It's pay my bill." does not, a request is said as it is.
                f"It's {choice}."
                if not self.goal.action.overlap(Terms.of(choice.split()[0]))
                and not re.match(
                    r"(?:pay|talk|speak|get|make|check|report|cancel|upgrade|buy)\b", choice, re.I
                )
                else f"{_capitalize(choice)}, thanks.",
                f"{_capitalize(choice)}, thanks.",
            ],
            "say",
        )

    def choose(self, alternatives: list[str]) -> str:
        choice = self.best_choice(alternatives)
        if (mine := _as_caller(choice)) != choice:
            # "Will you be waiting, or do you need a shuttle?" is answered "I'll be waiting.", not echoed.
            return self.pick([f"{_capitalize(mine)}.", f"{_capitalize(mine)}, thanks."], "choose")
        timely = any(re.search(r"\d|\b(?:" + "|".join(WEEKDAYS) + r")\b", a.lower()) for a in alternatives)
        if timely:
            pool = [
                f"{_capitalize(choice)} works for me.",
                f"Let's do {choice}.",
                f"I'll take {choice}, please.",
                f"{_capitalize(choice)} would be great.",
            ]
        else:
            # "It's a debit card." names a thing; "It's inside." says nothing, so only things get "It's".
            thing = re.match(r"(?:a|an|the|my)\b", choice, re.I)
            pool = [
                f"{_capitalize(choice)}, please.",
                f"{_capitalize(choice)}.",
                f"It's {choice}." if thing else f"{_capitalize(choice)}, I think.",
                f"I'd go with {choice}.",
            ]
        return self.pick(pool, "choose")

    # --- details --------------------------------------------------------------------------------------

    def stable_rng(self, purpose: str) -> random.Random:
        """A generator for a value made up once per call, the same on every turn."""
        digest = hashlib.sha256(f"{self.call_seed}:{purpose}".encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))

    @cached_property
    def given_slots(self) -> frozenset[str]:
        """Details the scenario or the user's persona state: said as written, never reshaped."""
        given = set(self.goal.details.details())
        if self.context.persona is not None:
            given |= set(self.context.persona.details())
        return frozenset(given)

    @cached_property
    def asked_lengths(self) -> dict[str, int]:
        """Digit counts the business named so far ("your 10-digit account number"), by detail."""
        lengths: dict[str, int] = {}
        for line in self.operator_lines:
            request = detail_request(normalize_line(line))
            if request and request.length and not request.last_four:
                lengths[request.slots[0]] = request.length
        return lengths

    def value(self, slot: str) -> str:
        persona = self.persona
        if slot == "card_number":
            return card_number(self.stable_rng("card"), self.value("card_last4"))
        if slot == "card_expiry":
            return card_expiry(self.stable_rng("expiry"))
        if slot == "cvv":
            amex = has_word(self.context.scenario, "amex", "american express")
            return security_code(self.stable_rng("cvv"), amex)
        direct = {
            "name": persona.name, "phone": persona.phone, "address": persona.address,
            "date_of_birth": persona.date_of_birth, "email": persona.email,
            "account_number": persona.account_number,
        }  # fmt: skip
        if slot == "pet_name":
            return self.pet_name()
        if direct.get(slot):
            value = str(direct[slot])
        elif slot in persona.numbers:
            value = persona.numbers[slot]
        else:
            # A number kind the persona lacks: made up, the same all call.
            value = str(self.stable_rng(f"number:{slot}").randint(10_000_000, 99_999_999))
        # An invented number takes the length the business asked for, and keeps it for the rest of the call.
        want = self.asked_lengths.get(slot)
        if want and slot not in self.given_slots and value.isdigit() and len(value) != want:
            value = resized(value, want, self.stable_rng(f"resize:{slot}"))
        return value

    def keypad_digits(self, slot: str, value: str, length: int | None = None) -> str:
        if slot == "date_of_birth":
            m = re.match(r"([A-Za-z]+)\.?\s+(\d{1,2})\D+(\d{4})", value)
            if m and m.group(1).lower() in MONTHS:
                year = m.group(3)[-2:] if length == 6 else m.group(3)
                return f"{MONTHS.index(m.group(1).lower()) + 1:02d}{int(m.group(2)):02d}{year}"
        if slot == "card_expiry" and length == 6:
            return value[:2] + "20" + value[-2:]
        return digits_in(value)

    def spoken_value(self, slot: str, value: str, variant: int) -> str:
        if slot == "phone":
            return say_phone(value)
        if slot == "email":
            return value.lower()
        if slot in ("name", "address", "date_of_birth", "card_expiry"):
            return value
        digits = digits_in(value)
        if digits == value and len(digits) >= 6:
            # Digits grouped on the first asking, one by one when asked again: how people repeat a number.
            group = 3 if len(digits) % 4 and not len(digits) % 3 else 4
            return spoken_digits(digits, group if variant == 0 else 0)
        return value

    def give_details(self, request: DetailRequest, also: bool = False) -> str:
        values = []
        for slot in request.slots:
            value = self.value(slot)
            if slot == "name" and request.part:
                value = value.split()[0] if request.part == "first" else value.split()[-1]
            if request.last_four and not slot.endswith("last4"):
                value = digits_in(value)[-4:] or value
            values.append((slot, value))
        if request.press:
            # One value per entry: an IVR takes one number at a time, and two run together are neither.
            slot, v = next(
                ((sl, v) for sl, v in values if self.keypad_digits(sl, v, request.length)), values[0]
            )
            if digits := self.keypad_digits(slot, v, request.length):
                return press_marker(digits + ("#" if request.pound else ""))
        asked_before = sum(1 for line in self.operator_lines[:-1] if detail_request(line) == request)
        spoken = [(slot, self.spoken_value(slot, v, asked_before)) for slot, v in values]
        first_slot, first = spoken[0]
        label = self.label(first_slot)
        if request.spell and first_slot == "name":
            last = first.split()[-1]
            first = f"{first}, that's {'-'.join(last.upper())}"
        elif request.spell and re.fullmatch(r"[A-Za-z0-9-]+", first):
            first = "-".join(first.replace("-", "").upper())
        if request.after_tone and len(spoken) == 1:
            return f"{_capitalize(first)}."  # a recording wants the detail alone
        if also:  # after a correction: "Sorry, it's H X 4 4 8 1 2. And my last name is Patel."
            part = f"{request.part} name" if first_slot == "name" and request.part else label
            return f"And my {part} is {first}."
        pool = [f"It's {first}.", f"Sure, it's {first}.", f"My {label} is {first}.", f"That's {first}."]
        if request.last_four:
            # Asked for the last four, the caller says the last four: "My card number is 4417" is not true.
            pool[2] = f"The last four are {first}."
        if first_slot == "email":
            pool.append(f"You can email me at {first}.")  # an address is never said capitalised
        else:
            pool.append(f"{_capitalize(first)}.")
        if first_slot == "name":
            pool.append(f"This is {first}.")
        if first_slot == "phone":
            pool.append(f"You can reach me at {first}.")
        reply = self.pick(pool, "detail")
        for slot, value in spoken[1:]:
            reply = reply.rstrip(".") + f", and my {self.label(slot)} is {value}."
        return reply

    @staticmethod
    def label(slot: str) -> str:
        """How the caller names a detail: any number kind the goal labelled is "my <kind> number"."""
        if slot in _LABELS:
            return _LABELS[slot]
        if slot in SLOT_NAMES:
            return slot.replace("_", " ")
        return f"{slot.replace('_', ' ')} number"

    def pet_name(self) -> str:
        """ "my cat Luna's vet visit" -> "Luna"; a pet the goal does not name gets a name of its own."""
        m = re.search(
            r"\b(?:my|our)\s+(?:cat|dog|pet|puppy|kitten|bird|rabbit|horse|parrot)(?:,)?\s+([A-Z][a-z]+)",
            self.goal.scenario,
        )
        return m.group(1) if m else self.stable_rng("pet").choice(PET_NAMES)

    def holds(self, request: DetailRequest) -> bool:
        """Whether the caller has every detail asked for: its own, the goal's, or a card it pays with."""
        own = set(self.persona.details()) | {"card_number", "card_expiry", "cvv", "pet_name"}
        if _NEW_MATTER.match(self.goal.task):
            # Filing a claim or reporting a loss now: no claim or file number exists yet unless the goal says.
            own = {slot for slot in own if slot in self.given_slots or slot not in _MATTER_NUMBERS}
            return all(slot in own for slot in request.slots)
        return all(slot in own or slot in SLOT_NAMES for slot in request.slots)

    # --- read-backs -----------------------------------------------------------------------------------

    def known_values(self) -> dict[str, str]:
        known = self.persona.details()
        known.update({slot: self.value(slot) for slot in self.asked_lengths})
        return known

    def readback_error(self) -> str | None:
        """A correction when the business read something back wrong, else None."""
        line = self.line
        lowered = line.lower()
        said = " ".join(_strip_markers(r) for r in self.replies).lower()
        wanted_text = self.goal.task.lower() + " " + said
        if fact := self.fact_error():
            return fact
        for group in VALUE_GROUPS:
            heard = [v for v in group if has_word(lowered, v)]
            if not heard:
                continue
            if group == WEEKDAYS:
                wanted = [d for d in (*self.goal.prefer_days, *WEEKDAYS) if has_word(said, d)] or list(
                    self.goal.prefer_days
                )
                if any(d in self.goal.avoid_days for d in heard) and not wanted:
                    return f"No, not {heard[0].capitalize()} — I need to move it to another day."
            else:
                wanted = [v for v in group if has_word(wanted_text, v)]
                if group[0] == "one" and not wanted and re.search(r"\b(?:a|an)\b", self.goal.task):
                    wanted = ["one"]
            if wanted and not set(heard) & set(wanted):
                correct = wanted[0]
                after = re.search(rf"\b{re.escape(heard[0])}\s+([a-z]+)", lowered)
                noun = (
                    after.group(1) if after and after.group(1) not in ("and", "or", "for", "at", "on") else ""
                )
                article = (
                    ""
                    if group in (WEEKDAYS,) or group[0] == "one"
                    else ("an " if correct[0] in "aeiou" else "a ")
                )
                display = correct.capitalize() if group == WEEKDAYS else correct
                phrase = f"{article}{display} {noun}".strip()
                return self.pick(
                    [f"No — {phrase}.", f"No, that should be {phrase}.", f"Not quite — it's {phrase}."], "fix"
                )
        # Numbers read back: a known value whose digits are almost, but not exactly, what was read.
        # "You entered 7, 7, 3, 1, 9, 2, 0": an IVR reads digits one by one, with commas between them.
        for run in re.findall(r"\d(?:(?:,\s*|[\s-])?\d){3,}", line):
            got = digits_in(run)
            values = {k: v for k, v in self.known_values().items() if len(digits_in(v)) >= 4}
            if any(digits_in(v) == got or got in digits_in(v) for v in values.values()):
                continue
            for slot, value in values.items():
                want = digits_in(value)
                close = len(want) == len(got) and sum(a != b for a, b in zip(want, got, strict=True)) <= 2
                named = re.search(_LABELS.get(slot, slot).split()[0].lower(), lowered)
                if close or (named and abs(len(want) - len(got)) <= 1):
                    spoken = self.spoken_value(slot, value, 1)
                    return self.pick(
                        [f"No, that's not right. It's {spoken}.", f"No, sorry — it's {spoken}."], "fix"
                    )
        name = self.persona.name or ""
        if name and (first := name.split()[0]) in line and name not in line:
            m = re.search(rf"{first}\s+([A-Z][a-z]+)", line)
            if m and m.group(1) != name.split()[-1]:
                return f"No, it's {name}: {'-'.join(name.split()[-1].upper())}."
        return None

    def fact_error(self) -> str | None:
        """The goal's amount, date or merchant read back wrong ("$45.20 from Amazon" for a $54.20 charge)."""
        line, facts = self.line, self.facts
        fixes = []
        if facts.amount and (read := amounts(line)) and amounts(facts.amount)[0] not in read:
            fixes.append(f"it's {facts.amount}")
        if facts.month_day and (days := month_days(line)) and facts.month_day not in days:
            fixes.append(f"it was on {facts.date_text}")
        names = merchants(line) if facts.merchant else []
        if (
            facts.merchant
            and names
            and not any(facts.merchant.lower().split()[0] in n.lower() for n in names)
        ):
            fixes.append(f"it was from {facts.merchant}")
        if not fixes:
            return None
        return self.pick(
            [f"No — {', and '.join(fixes)}.", f"No, that's not right: {', and '.join(fixes)}."], "fix"
        )

    def refusal_counts(self, line: str) -> bool:
        about_goal = self.goal.terms.overlap(Terms.of(line)) > 0
        about_extra = bool(_UPSELL.search(line) or _EXTRA_REFUSED.search(line))
        return about_goal or not about_extra

    def untaken_offer(self, index: int) -> str | None:
        """ "We don't have seven, but I could do six thirty or eight": the alternatives, if none was taken."""
        offered = offered_choices(self.operator_lines[index])
        if not offered:
            return None
        later = " ".join(_strip_markers(r) for r in self.replies[index:]).lower()
        if any(has_word(later, a) for a in offered):
            return None
        return " or ".join(f'"{a}"' for a in offered)

    def unacknowledged_correction(self, before: int) -> str | None:
        """The caller's last correction of a read-back before line ``before``, if the business never took it.

        Taken means a later business line names the corrected value ("My apologies, a king room") or says
        it fixed something; a bare "okay" or going straight on to "you're all set" does not count.
        """
        lines = self.operator_lines
        for i in range(min(before, len(self.replies)) - 1, -1, -1):
            reply = _strip_markers(self.replies[i])
            if not (is_readback(lines[i]) and re.match(r"(?:no|nope|not quite)\b", reply, re.I)):
                continue
            new = set(content_words(reply)) - set(words(lines[i])) - {"no", "nope", "quite", "right", "sorry"}
            new |= {d for d in re.findall(r"\d{3,}", digits_in(reply))}
            for later in lines[i + 1 : before + 1]:
                said = set(words(later)) | {digits_in(later)}
                # Asking for the detail again ("Please say the mobile number again") takes the "no" on board.
                if new & said or _FIXED.search(later) or detail_request(normalize_line(later)):
                    return None
            return reply
        return None

    def confirm_readback(self) -> str:
        return self.readback_error() or self.pick(CONFIRM_CHATTY if self.chatty else CONFIRM, "confirm")

    # --- yes/no and attributes ------------------------------------------------------------------------

    def answer_yes_no(self, question: str) -> str:
        q = question.lower()
        # "Would you like that?" points back at the offer made before it: judge the offer, not the pronoun.
        anaphoric = (
            re.search(r"\b(?:that|this|it|those|them|interest\w*)\b", q) and len(sentences(self.line)) > 1
        )
        offer = self.line.lower() if anaphoric else q
        related = self.goal.terms.overlap(Terms.of(offer)) > 0
        if _ANYTHING_TO_ADD.search(q) and not self.goal.terms.stems & Terms.of(q).stems:
            return self.pick(NOTHING_TO_ADD, "nothing")
        if re.search(r"\b(?:would|do) you (?:like|want|need) me to repeat\b", q):
            return self.pick(("No, I got it, thanks.", "No, I've got it. Thank you."), "no-repeat")
        if re.search(r"\bany (?:changes|allergies|new|other (?:symptoms|medications))|\bchanged\b", q):
            return self.pick(
                ("No, nothing's changed.", "No, nothing new.", "No, it's all the same."), "no-change"
            )
        if re.search(
            r"\b(?:anyone|anybody|someone|you|people) (?:get |got |been )?(?:hurt|injured)\b|"
            r"\bany(?:one)? injur",
            q,
        ) and not re.search(r"\binjur|\bhurt", self.goal.task, re.I):
            return self.pick(("No, nobody was hurt.", "No, thankfully nobody got hurt."), "hurt")
        if _FIXED_YET.search(q) and self.goal.is_problem:
            # A rehearsal caller whose problem is the goal keeps the call going toward getting it fixed.
            return self.pick(NOT_FIXED, "not-fixed")
        if _TRIED.search(q):
            if self.goal.is_problem:
                return self.pick(TRIED, "tried")
            return self.pick(YES_PLAIN, "yes")
        if re.match(r"(?:and |so )?did you (?!say|mean|want|need|get|receive)", q):
            # "Did you ask your school to send it?": something the caller would have done toward the goal.
            return self.pick(("Yes, I did.", "Yes, I did, a couple of weeks ago.", "Yeah, I did."), "did")
        if re.search(r"\b(?:calling about|is this (?:about|for|regarding)|is that (?:about|for))\b", q):
            if related:
                return self.pick(YES_PLAIN, "yes")
            return f"No, actually. {self.state_goal()}"
        if "lost" in self.goal.terms.concepts and _STILL_HAVE.search(q):
            return self.pick(STILL_LOST, "lost")
        if re.search(r"\bdo you have (?:your|the|a|an)\b", q) and (request := detail_request(question + "?")):
            return f"Yes. {self.give_details(request)}"
        # Taking a deal to stay would undo a goal that ends something: decline and say the goal again.
        # "Are you sure you want to cancel?" goes on with the goal; "instead of cancelling, ..." does not.
        proceeds = _ENDS.search(re.sub(r"\b(?:instead of|rather than|before)\s+\w+", "", q))
        if self.goal.ends_service and _KEEP_OFFER.search(offer) and not proceeds:
            return self.keep_goal()
        if conflict := self.slot_conflict(offer):
            return conflict
        if self.hurried and _OPTIONAL.search(q) and not self.serves_goal(q):
            return self.pick(DECLINE_HURRIED, "no")  # in a hurry: no updates, surveys or tours of offers
        if _UPSELL.search(offer) and not self.serves_goal(offer):
            return self.pick(NO_THANKS, "no")
        # An extra ("would you like some garlic knots?") the goal never asked for is declined.
        if _EXTRA.search(q) and not related and not _NOTIFY.search(q):
            return self.pick(NO_THANKS, "no")
        if re.search(r"\d\s*(?:am|pm)\b|\b(?:noon|morning|afternoon|evening|tomorrow)\b", q) or any(
            re.search(rf"\b{d}\b", q) for d in WEEKDAYS
        ):
            return self.pick(TIME_OK, "time-ok")  # a time offered that nothing in the goal rules out
        if re.match(
            r"(?:and |so )?(?:can|could|will|would) you "
            r"(?:do that|do this|send|upload|e-?mail|mail|fax|bring)\b",
            q,
        ):
            # "Upload the invoice ... Can you do that?": a task for the caller, agreed to as a task.
            return self.pick(("Yes, I can do that.", "Yeah, I can do that.", "Yes, no problem."), "can-do")
        if re.match(r"(?:and |so )?(?:is|are|was|were|has|have|had|does|did)\b", q) and not _NOTIFY.search(q):
            return self.pick(YES_PLAIN, "yes")  # "Is this his first visit?" asks a fact: no "please do"
        if _NOTIFY.search(q) or related or re.search(r"\bwould you like\b", q):
            return self.pick(YES, "yes-please")
        return self.pick(YES_PLAIN, "yes")

    def serves_goal(self, offer: str) -> bool:
        """A sales pitch serves the goal only if it shares the goal's action or more than its topic word."""
        terms = Terms.of(offer)
        return bool(self.goal.action.overlap(terms)) or len(self.goal.terms.stems & terms.stems) >= 2

    def answer_which(self, question: str) -> str | None:
        """ "Which service would you like to cancel?" -> the goal's own words: "My internet service." """
        m = re.search(r"\b(?:which|what)\s+(?:kind of |type of )?([a-z]+)", question.lower())
        if not m or m.group(1) in ("is", "are", "was", "would", "do", "did", "can", "you", "time", "day"):
            return None
        noun = stem(m.group(1))
        found = re.search(
            rf"\b((?:my|the|a|an|our)\s+(?:[\w'-]+\s+){{0,3}}?{re.escape(noun)}\w*)", self.goal.task, re.I
        )
        if not found:
            return None
        phrase = found.group(1)
        return self.pick([f"{_capitalize(phrase)}.", f"It's {phrase}.", f"Just {phrase}."], "which")

    def keep_goal(self) -> str:
        task = re.split(r"\s+(?:because|since|as|due to)\s+", self.goal.task)[0]
        return self.pick(
            [
                f"No, thank you. I'd still like to {task}.",
                f"No thanks, I appreciate it, but I still want to {task}.",
                f"No, thanks. Please go ahead and {task}.",
            ],
            "keep-goal",
        )

    def slot_conflict(self, offer: str) -> str | None:
        """A single time offered ("Does 10 am tomorrow work?") on a day or at a time the goal rules out."""
        goal = self.goal
        days = [d for d in WEEKDAYS if re.search(rf"\b{d}\b", offer)]
        if days and all(d in goal.avoid_days for d in days):
            return self.pick(
                (
                    "No, that day doesn't work for me. Do you have another day?",
                    "Sorry, not that day. Anything else?",
                ),
                "slot",
            )
        hour = re.search(r"\b(\d{1,2})(?::\d\d)?\s*(am|pm)\b", offer)
        if goal.prefer_parts and hour:
            h = int(hour.group(1)) % 12 + (12 if hour.group(2) == "pm" else 0)
            part = "morning" if h < 12 else "afternoon" if h < 17 else "evening"
            if part not in goal.prefer_parts:
                want = goal.prefer_parts[0]
                return self.pick(
                    (
                        f"Hmm, I was hoping for the {want}. Do you have anything then?",
                        f"Not really, the {want} works better for me. Is there an opening in the {want}?",
                    ),
                    "slot",
                )
        return None

    def goal_when(self) -> str:
        """The goal's own words about dates: "arriving Friday June 13, for two nights"."""
        names = "|".join(
            (*WEEKDAYS, *MONTHS, "tomorrow", "tonight", "next week", "this week", "weekend", "nights?")
        )
        parts = [
            p.strip()
            for p in re.split(r",|\band\b", self.goal.task)
            if re.search(rf"\b(?:{names})\b", p, re.I)
        ]
        return ", ".join(parts)

    def answer_attribute(self, attribute: str) -> str:
        goal = self.goal
        if attribute == "size":
            size = goal.values.get("size")
            if not size:
                offered = [s for s in SIZES if has_word(self.context.description, s)]
                size = "medium" if "medium" in offered or not offered else offered[0]
            return self.pick(
                [
                    f"{_capitalize(size)}, please.",
                    f"A {size}.",
                    f"{_capitalize(size)}.",
                    f"Make it a {size}.",
                ],
                "size",
            )
        if attribute == "how many":
            m = re.search(r"\b(\d+|two|three|four|five|six|a dozen)\b", goal.task)
            count = m.group(1) if m else "one"
            return self.pick(
                [f"Just {count}.", f"{_capitalize(count)}, please.", f"{_capitalize(count)}."], "count"
            )
        # "What new date would you like?" for "move my pickup from Friday to Saturday": just "Saturday".
        if (
            attribute in ("date", "dates", "day", "days")
            and goal.prefer_days
            and (
                len(words(self.goal_when())) > 6
                or re.search(r"\b(?:new|instead|different|other)\b", self.line, re.I)
            )
        ):
            day = goal.prefer_days[0].capitalize()
            return self.pick([f"{day}.", f"{day}, please.", f"{day} would be great."], "dates")
        if attribute in ("date", "dates") and (when := self.goal_when()):
            return self.pick(
                [f"{_capitalize(when)}.", f"I'm looking at {when}.", f"It would be {when}."], "dates"
            )
        if attribute in ("time", "times", "day", "days", "date", "dates", "when"):
            parts = []
            if goal.prefer_days:
                parts.append(goal.prefer_days[0].capitalize())
            elif goal.next_week:
                parts.append("sometime next week")
            if goal.prefer_parts:
                parts.append(f"in the {goal.prefer_parts[0]}")
            if parts:
                when = " ".join(parts)
                return self.pick(
                    [
                        f"{_capitalize(when)}, if possible.",
                        f"{_capitalize(when)} would be best.",
                        f"Ideally {when}.",
                    ],
                    "when",
                )
            return self.pick(
                [
                    "Whatever's earliest works for me.",
                    "As soon as possible, please.",
                    "The first opening you have is fine.",
                ],
                "when",
            )
        return self.pick(
            [f"{_capitalize(goal.item)}, please.", f"It's for {goal.item}.", f"I'm after {goal.item}."],
            "attr",
        )


class OfflineEngine:
    """A deterministic scripted caller: the default when no model is configured, and the tests' caller."""

    name = "offline"
    model = "scripted"

    def __init__(self, options: EngineOptions | None = None) -> None:
        seed = options.seed if options is not None else None
        self.seed = DEFAULT_SEED if seed is None else seed

    def reply(self, context: Context, messages: Sequence[Message]) -> str:
        """The whole next reply, markers included."""
        return _Turn(context, messages, self.seed).respond()

    def stream(self, context: Context, messages: Sequence[Message]) -> Iterator[str]:
        # Word by word, as a model streams; no sleeping, the offline caller is instant.
        yield from re.findall(r"\S+\s*", self.reply(context, messages))

    def verdict(self, context: Context, messages: Sequence[Message]) -> tuple[bool, str]:
        """Whether the caller got what it called for, and why, from what it saw on the call."""
        # A placeholder line makes the finished call look like one more turn, so the same reading applies.
        turn = _Turn(context, [*messages, {"role": "user", "content": "."}], self.seed)
        lines, replies = turn.operator_lines[:-1], turn.replies
        if not replies:
            return False, "The call never started: the caller has not said anything yet."
        hung_up = HANGUP_MARKER in replies[-1]
        ending = "and the caller ended the call politely" if hung_up else "though the call is still going"
        successes = [(i, p) for i, line in enumerate(lines) if (p := success_phrase(line))]
        if _INQUIRY.search(turn.goal.task):
            # A call to find something out is done when the business tells it ("We have not received it").
            successes = sorted(
                {
                    *successes,
                    *((i, m.group(0)) for i, line in enumerate(lines) if (m := _STATUS_GIVEN.search(line))),
                }
            )
        successes = [(i, _clause(lines[i], p)) for i, p in successes]
        # A refusal counts when it is about the goal or says nothing of what it refuses ("we can't do
        # that"); "we don't have garlic knots" after the pizza was ordered is about an extra, not the goal.
        failures = [
            (i, p)
            for i, line in enumerate(lines)
            if (p := failure_phrase(line)) and turn.refusal_counts(line)
        ]
        failures = [(i, _clause(lines[i], p)) for i, p in failures]
        # The whole call decides, in order: a confirmation after a refusal wins, a refusal after it loses.
        if successes and (not failures or successes[-1][0] > failures[-1][0]):
            if (ignored := turn.unacknowledged_correction(successes[-1][0])) is not None:
                # The business said "done" without taking the caller's correction on board: what it did may
                # not be what the caller asked for, so this is not counted as a success.
                return False, (
                    f'The business confirmed something ("{successes[-1][1]}"), but never acknowledged the '
                    f'caller\'s correction ("{ignored}"), so it may not be what the caller asked for.'
                )
            if failures and (untaken := turn.untaken_offer(failures[-1][0])):
                return False, (
                    f"The business could not do what was asked and offered {untaken} instead, but the caller "
                    "never agreed to any of it."
                )
            earlier = f" after {len(failures)} setback(s)" if failures else ""
            return True, f'The business confirmed it ("{successes[-1][1]}"){earlier}, {ending}.'
        if failures:
            return False, f'The business could not do it ("{failures[-1][1]}").'
        if all(parse_menu(line) for line in lines):
            return False, "The call never got past the menu."
        if hung_up and len(replies) <= 2:
            return False, "The caller hung up before anything happened."
        if turn.goal_stated:
            return False, "The caller stated the goal, but the business never confirmed it was done."
        return False, "The caller never got to say what it wanted."


class OfflineJudge:
    """The offline verdict: whether the caller got what it called for, from what was said on the call."""

    name = "offline"

    def __init__(self, options: EngineOptions | None = None) -> None:
        self._engine = OfflineEngine(options)

    def verdict(self, context: Context, messages: Sequence[Message]) -> tuple[bool, str]:
        return self._engine.verdict(context, messages)
