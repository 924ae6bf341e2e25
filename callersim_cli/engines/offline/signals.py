"""What kind of line the business said: goodbye, hold, read-back, re-prompt, success, refusal and the rest.

Each is one pattern of phone talk and a small function over it; ``reading.Line`` asks each once per line.
"""

from __future__ import annotations

import re

from callersim_cli.engines.offline.menus import parse_menu
from callersim_cli.engines.offline.text import (
    COMMON_WORDS,
    FILLERS,
    NUMBER_WORDS,
    normalize_line,
    plausible_word,
    sentences,
    stem,
    words,
)

_COMMON_STEMS = frozenset(stem(w) for w in COMMON_WORDS)

_GOODBYE = re.compile(
    r"\b(?:good-?\s?bye|bye(?: now| bye)?|have a (?:great|good|nice|wonderful|lovely|fantastic|blessed) "
    r"(?:day|night|evening|afternoon|weekend|one|flight|trip|stay|visit|time|meal|move|holiday|vacation|"
    r"show|game|event|drive|ride)|good luck|best of luck|ciao|cheers|take care(?! of)|adiós|adios|"
    r"this call will (?:now )?end|"
    r"safe travels|travel safe|drive safe(?:ly)?|enjoy your (?:trip|stay|flight|meal|visit|evening)|"
    # "I'll disconnect now" ends the call; "a disconnect notice", "the line is disconnected" do not.
    r"(?:will|'ll|now|going to|am) disconnect(?:ing)?(?! (?:your|the) (?:service|power|gas|water|line))|"
    r"disconnecting (?:you|now|the call|this call)|ending (?:the|this) call|"
    r"see you (?:then|soon|later|tomorrow|next \w+|on \w+|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)|you (?:may|can) (?:now )?hang up|feel free to hang up|"
    r"enjoy the rest of your (?:day|evening|night|week|weekend)|have a (?:great|good|"
    r"nice) rest of your \w+)\b",
    re.I,
)
_THANKS_CLOSING = re.compile(
    r"\bthanks? (?:you )?(?:for (?:calling|choosing|being|ordering|your call|contacting|"
    r"your patience and)|again)\b",
    re.I,
)


def is_goodbye(line: str, first_turn: bool) -> bool:
    """The business ends the call; a "thank you for calling" that opens a menu does not."""
    if _GOODBYE.search(line):
        return True
    if first_turn or "?" in line or parse_menu(line):
        return False
    return bool(_THANKS_CLOSING.search(line))


_ANYTHING_ELSE = re.compile(
    r"\b(?:anything else|something else|any other (?:questions?|thing)|else (?:i|we) can|else can (?:i|we)|"
    r"is that all|will that be all|that be everything|is that everything|will there be anything)\b",
    re.I,
)
_HOLD = re.compile(
    r"\b(?:please hold|hold on|hold please|hold the line|one moment|a moment|just a (?:second|sec|minute)|"
    r"bear with me|let me (?:check|look|pull|see|find|transfer|get|connect|put)|while i (?:check|"
    r"look|transfer|pull)|"
    r"transferring|i(?:'ll| will) (?:transfer|connect)|connecting you|please wait|stay on the line|"
    r"your call is (?:important|being)|all of our (?:agents|representatives|associates)|next available|"
    r"estimated wait|wait time|hold music|on hold)\b|♪|\[music\]|\(music\)",
    re.I,
)
_OPEN_QUESTION = re.compile(
    r"\b(?:how (?:can|may|might) (?:i|we) (?:help|assist|direct)|what can (?:i|we) (?:do|help)|"
    r"(?:what|why) (?:are )?you(?:'re| are)? calling|reason for (?:your |the |today's )?(?:call|visit)|"
    r"why you(?:'re| are) calling|tell me (?:what|why|how|about)|what brings (?:you|her|him|them|"
    r"\w+)|what can we do|"
    r"what (?:would|do) you (?:like|want|need)(?: to do| help with)?|in a (?:few|couple of) words|briefly|"
    r"what(?:'s| is) (?:this|your call|the call) (?:regarding|about|concerning)|how can we help|"
    r"what do you need|what seems to be|what(?:'s| is) going on|what(?:'s| is) the (?:problem|issue)|"
    r"describe (?:the|your) (?:problem|issue)|what can i get(?: started)?(?: for)? you|"
    r"what are you looking for|"
    r"what (?:are you|is it) you(?:'re)? (?:calling|looking)|how can i be of|what do you want|"
    r"help you (?:with )?today|what would you like|"
    # "What's prompting the call today?" asks why the caller calls; "what's prompting the change" a reason.
    r"what(?:'s| is| was) (?:prompting|behind) (?:the|your|this|today's) call|"
    r"what prompted (?:the|your|this) call)"
    r"\b|^(?:hello|hi|hey|yes)\W*$",
    re.I,
)
_READBACK = re.compile(
    r"\b(?:is that (?:correct|right|ok|okay)|is this (?:correct|right)|did i get (?:that|it|"
    r"everything) right|"
    r"correct\?|right\?|does that sound (?:right|correct|good)|just to confirm|to confirm|let me read|"
    r"i have you down|so that(?:'s| is| was)|you said|let me repeat|i have your|i've got you\b|reading back|"
    r"that's (?:a|an|one|two)\b.*\?|does that (?:look|sound) (?:right|correct|good)|is that the one|"
    r"is that (?:still )?(?:the )?(?:right|best|correct) \w+)",
    re.I,
)
# The question a read-back ends with: it asks for a yes or a no on what was read, nothing else.
_CONFIRMING = re.compile(
    r"\b(?:is (?:that|this|it) (?:correct|right|ok|okay|the one|(?:still )?(?:the )?(?:right|best|"
    r"correct) \w+)|"
    r"(?:does|did) (?:that|this|it|i) (?:look|sound|get)|is that all|have i got that)\b[^?]*\?$|"
    r"\b(?:correct|right|okay|ok)\s*\?$|^(?:(?:so|and|okay|ok),?\s+)?(?:that's|that is|that was)\b[^?]*\?$",
    re.I,
)


# "If that's the right order, say yes. Otherwise, say no.": a speech IVR's read-back, with no question mark.
_SAY_YES_IF_RIGHT = re.compile(
    r"\bif (?:that|this|it)(?:'s| is) (?:the )?(?:correct|right)\b[^.]*,\s*(?:please )?(?:say|press)\b", re.I
)


def asks_to_confirm(line: str) -> bool:
    """The line's last question only asks whether what was read back is right."""
    if _SAY_YES_IF_RIGHT.search(line):
        return True
    asked = questions(line)
    return bool(asked) and bool(_CONFIRMING.search(asked[-1]))


_YES_NO_START = re.compile(
    # A short lead-in clause may come first: "Instead of cancelling, would you like to pause it?"
    r"^(?:[^,?:]{1,60}[,:]\s*)?(?:and\s+|so\s+|okay,?\s+|ok,?\s+|also,?\s+|then\s+)?(?:would|do|does|did|is|"
    r"are|am|was|were|have|has|had|can|could|shall|should|will|may|want|need|any|how about|what about|"
    r"sounds? (?:good|right|okay|ok|fair)|okay with you|all good|still (?:want|need|interested|like))\b|"
    # "Interested?", "Okay?", "Okay to go ahead?": a yes or a no in a word or two, as a sentence of its own
    # (after "One moment while I pull that up, okay?" nothing is asked).
    r"^(?:so\s+|and\s+)?(?:interested|okay|ok|alright|all right|good|deal|fair|ready)(?=\s*\?|"
    r"\s+(?:to|with|if)\b)",
    re.I,
)


def is_anything_else(line: str) -> bool:
    return bool(_ANYTHING_ELSE.search(line))


def is_hold(line: str) -> bool:
    return bool(_HOLD.search(line))


def is_open_question(line: str) -> bool:
    return bool(_OPEN_QUESTION.search(line))


def is_readback(line: str) -> bool:
    return bool(_READBACK.search(line))


def questions(line: str) -> list[str]:
    """The sentences that ask something: a question mark, or "please say yes or no"."""
    return [s for s in sentences(line) if s.endswith("?") or re.search(r"\bsay yes or no\b", s, re.I)]


def yes_no_question(line: str) -> str | None:
    """The yes/no question of the line, if its (last) question is one."""
    asked = questions(line)
    if not asked:
        return None
    last = asked[-1]
    if re.search(r"\bsay yes or no\b", last, re.I):
        earlier = [s for s in sentences(line) if s.endswith("?")]
        return earlier[-1] if earlier else last
    if _YES_NO_START.match(last):
        return last
    # "And she was born here in Harlan County?": a statement said as a question asks for a yes or a no.
    lead = re.sub(
        r"^(?:and|so|okay|ok|alright|now|also|just to check|great|thanks),?\s+", "", last, flags=re.I
    )
    if _DECLARATIVE.match(lead) and not _WH_START.match(lead):
        return last
    return None


_WH_START = re.compile(r"^(?:what|which|who|whom|whose|where|when|why|how)\b", re.I)
_DECLARATIVE = re.compile(
    r"^(?:you|you're|your|he|she|it|it's|they|that|that's|this|the|his|her|their|there's|we|i)\b[^?]*\b"
    r"(?:is|are|was|were|has|have|had|will|would|did|do|does|can|could|\w+ed)\b",
    re.I,
)


def is_gibberish(line: str, known: frozenset[str] = frozenset()) -> bool:
    """Noise, a cut-off line, or letters that do not make words.

    ``known`` holds the call's own words (the business, the goal), which count as real words: a line
    is noise when few of its tokens are known words and many could not be English at all.
    """
    text = normalize_line(line)
    if re.search(
        r"\[(?:inaudible|static|garbled|unintelligible|noise|crosstalk)\]|\((?:static|inaudible)\)",
        text,
        re.I,
    ):
        return True
    tokens = [t for t in words(text) if not t.isdigit()]
    if not tokens:
        return not re.search(r"\d", text)
    known_stems = {stem(w) for w in known}

    def is_known(token: str) -> bool:
        return (
            len(token) == 1  # a letter spelled out: "N-G-U-Y-E-N"
            or token in COMMON_WORDS
            or token in FILLERS
            or token in NUMBER_WORDS
            or token in known
            or stem(token) in known_stems
            or stem(token) in _COMMON_STEMS
        )

    unknown = [t for t in tokens if not is_known(t)]
    if len(unknown) * 2 <= len(tokens):
        return False
    odd = sum(1 for t in unknown if not plausible_word(t))
    # Nothing recognisable at all in a line of several words is as good as noise to a caller.
    return odd * 3 >= len(tokens) or (len(unknown) == len(tokens) and len(tokens) >= 3)


_SUCCESS = re.compile(
    r"\b(?:you(?:'re| are) all set|all set|you(?:'re| are) (?:now )?(?:booked|scheduled|confirmed|registered|"
    r"covered|good to go)|(?:has|have) been (?:blocked|scheduled|booked|cancel+ed|"
    r"processed|submitted|"
    r"sent|updated|rescheduled|confirmed|placed|renewed|refilled|paid|received|reported|changed|"
    r"filed|approved|"
    r"moved|canceled|reserved|escalated|credited|applied|issued|frozen|locked|ordered)|"
    r"will (?:arrive|be there|be ready|"
    r"be delivered|be restored|be fixed|be sent|be mailed|be shipped|ship|be back|be processed|be out|"
    r"end|stop|"
    r"be (?:cancel+ed|closed|disconnected|terminated|deactivated|shut off|refunded|credited|done|completed))|"
    r"(?:it|that|your (?!wait|hold)\w+|the (?!wait|hold)\w+)(?:'ll| will) be (?:there |ready |here |done )?"
    r"(?:in )?(?:about |around |approximately |roughly )?\d+ (?:minutes|mins|hours)|"
    r"(?:is|are) (?:now )?(?:confirmed|booked|scheduled|ready|on (?:its|the) way|approved|processed|placed)|"
    r"(?:is|are) now (?:active|activated|live|enabled|working|unlocked|reset)|"
    r"confirmation (?:number|code) is|your total (?:is|comes)|expect (?:service|it|your)|restored by|"
    r"successfully|i(?:'ve| have) (?:booked|scheduled|placed|sent|submitted|moved|cancel+ed|updated|reserved|"
    r"put|set|processed|blocked|ordered|rescheduled)|we(?:'ll| will) (?:send|mail|ship|see you|deliver|have)|"
    r"thank you for your (?:payment|order)|payment (?:of .* )?(?:has been|was) (?:received|"
    r"processed|accepted)|"
    r"the status of your|is (?:currently |still )?(?:being processed|under review|in review|pending)|"
    r"see you (?:on|then|next)|"
    # A status given, or a number the business issues for what it did, means the thing was done.
    r"(?:was|it's|it is|that's|that is) (?:now |already )?(?:approved|cancel+ed|processed|confirmed|booked|"
    r"scheduled|filed|submitted|complete|completed|refunded|credited|shipped|delivered)|"
    r"i(?:'ve| have) (?:opened|filed|created|started|logged|raised|issued|approved|credited|refunded|"
    r"waived|opened up)|"
    r"(?:case|reference|cancellation|ticket|dispute|confirmation|claim|tracking) (?:number|code|id|#)"
    r"(?:\s+is|:)?\s+(?=[a-z ]{0,6}\d))",
    re.I,
)
_FAILURE = re.compile(
    r"\b(?:(?:we are|we're|office is|store is) (?:currently )?closed|unable to|can(?:not|"
    r"'t) (?:help|find|locate|do|process)|"
    r"not able to|invalid|no (?:appointments|availability|openings)|(?:is|are) not available|"
    r"we (?:don't|do not|no longer|doesn't|can't|cannot) (?:have|offer|do|carry|sell|provide|handle|support|"
    r"deliver|service|accept)|(?:that's|that is|it's|it is) not (?:something|a service|possible)|"
    r"(?:isn't|is not) (?:possible|something we)|not (?:possible|able)|no longer (?:available|offer)|"
    r"could not be|couldn't|please call back|try again later|"
    r"(?:was|been|is|has been) (?:denied|declined|rejected))\b",
    re.I,
)


def success_phrase(line: str) -> str | None:
    m = _SUCCESS.search(line)
    return m.group(0) if m else None


def failure_phrase(line: str) -> str | None:
    m = _FAILURE.search(line)
    return m.group(0) if m else None


_ATTRIBUTE = re.compile(
    # "What new pickup date ...?": a word or two may stand between "what" and the thing asked about.
    r"\b(?:what|which)\s+(?:kind of |type of |sort of )?(?:(?:new|other|different|pickup|pick-up|drop-off|"
    r"return|start|preferred|delivery|appointment|check-in|check-out|arrival|departure)\s+){0,2}"
    r"(size|times?|days?|dates?|kind|type|flavor|flavour|"
    r"toppings?|crust|color|colour|seat|room|class|drink|dressing|side|style|model|plan|card)\b|"
    r"\b(how many|when)\b",
    re.I,
)


def attribute_question(line: str) -> str | None:
    """What a "what size / how many / when" question asks about."""
    for sentence in reversed(questions(line) or sentences(line)[-1:]):
        if m := _ATTRIBUTE.search(sentence):
            return (m.group(1) or m.group(2)).lower()
    return None


_REASON_QUESTION = re.compile(
    r"\b(?:why (?:are|do|did|would|is|was|were|have)\b|may i ask why|can i ask why|"
    r"what(?:'s| is| was) the reason|"
    r"reason (?:for|why) (?:the |your )?(?:cancel\w*|leaving|closing|return\w*|change|switch\w*|"
    r"moving|refund|request)|what (?:made|makes|prompted|is prompting|led) you|what(?:'s| is) making you|"
    r"what(?:'s| is| was) (?:prompting|behind|driving) (?:the|your|this) (?!call\b)|"
    r"what prompted (?:the|your|this) (?!call\b)|"
    r"what(?:'s| is) wrong with|is there a reason|how come)\b",
    re.I,
)


def is_reason_question(line: str) -> bool:
    """ "May I ask why you are leaving?": asks for the caller's reason, never answered with a yes."""
    asked = questions(line)
    return bool(asked) and bool(_REASON_QUESTION.search(asked[-1])) and not is_open_question(asked[-1])


_PREFERENCE = re.compile(
    r"\b(?:(?:(?:do you have|have you got|is there|any) (?:a |any )?(?:particular |specific )?)?preference"
    r"(?: (?:on|for|as to) (?:the |a |your |which )?(\w+))?|"
    r"(?:is there|do you have) (?:a|an|any) (?:particular|specific|certain|preferred|favou?rite)\s+(\w+)|"
    r"(?:a|any) (\w+) (?:in particular|you(?:'d)? (?:prefer|like to see|usually see|want))|"
    r"who would you like to see|preferred (\w+))\b",
    re.I,
)


def preference_question(line: str) -> str | None:
    """What a "do you have a preference" question is about ("dentist", "location"), "" when unsaid."""
    for sentence in reversed(questions(line)):
        if m := _PREFERENCE.search(sentence):
            noun = next((g for g in m.groups() if g), "")
            return "person" if "who would" in m.group(0).lower() else noun.lower()
    return None


_PRESENCE = re.compile(
    r"^(?:(?:hello|hi)\W+)*(?:are you (?:still )?(?:there|with me|on the line)|"
    r"(?:can|could) you (?:still )?hear me(?: now| okay| ok| alright)?"
    r"|hello\W*(?:hello)?|you still there|still there|anyone there|is anyone there)\W*$",
    re.I,
)


def presence_check(line: str) -> str | None:
    """ "Are you still there?" -> "there"; "Can you hear me?" -> "hear"."""
    asked = questions(line)
    text = asked[-1] if asked else normalize_line(line).strip()
    if not _PRESENCE.match(text):
        return None
    return "hear" if re.search(r"\bhear\b", text, re.I) else "there"


_REPROMPT = re.compile(
    r"\b(?:i (?:didn't|did not|couldn't|could not|don't) (?:quite )?"
    r"(?:get|catch|understand|hear|recogni[sz]e)"
    r"(?: (?:that|you|what you said|your (?:response|answer|entry)))?|"
    r"(?<!to )(?<!or )(?:please |let's )?try (?:that )?again(?! later)|come again|say that again|"
    r"(?:could|can|would) you (?:please )?repeat (?:that|yourself|it)|please repeat (?:that|yourself)|"
    r"i missed that|you(?:'re| are) breaking up|you cut out|what was that(?=\W*$)|"
    r"what did you (?:just )?say(?=\W*$)|"
    r"(?:the )?line(?:'s| is) (?:really |very |pretty )?bad|bad (?:line|connection)|say it again|"
    # A keypad IVR that did not take the key: the same key again, the line was bad, not the choice.
    r"(?:(?:is|was) )?not (?:a )?(?:valid|recogni[sz]ed)(?: (?:option|selection|entry|choice|response))?|"
    r"invalid (?:option|selection|entry|choice|response)|"
    r"no (?:input|entry) (?:was )?(?:received|detected)|"
    r"(?:did not|didn't) (?:receive|get|detect) (?:your|an?|any) (?:entry|input|selection|response))\b|"
    r"^(?:i'm )?(?:sorry|pardon)(?: me)?\W*$",
    re.I,
)


def reprompt_rest(line: str) -> str | None:
    """When the business did not get the last answer: what else the line says ("" if nothing), else None."""
    parts = sentences(line)
    kept = [p for p in parts if not _REPROMPT.search(p)]
    if len(kept) == len(parts):
        return None
    return " ".join(kept)


def is_transfer(line: str) -> bool:
    return bool(
        re.search(
            r"\b(?:transfer(?:ring)?|connect(?:ing)? you|put you through|patch you through)\b", line, re.I
        )
    )


def embedded_wh(question: str) -> bool:
    """ "Can you tell me which service you'd like to cancel?" is a wh-question in yes/no clothing."""
    return bool(
        re.match(
            r"^(?:and\s+|so\s+)?(?:can|could|would|will|may|do|did)\s+(?:you|i)\s+(?:please\s+|happen to\s+)?"
            r"(?:tell me|ask|know|say|explain|let me know|describe|share)\b.*"
            r"\b(?:what|which|why|how|where|when|who)\b",
            question,
            re.I,
        )
    )


_CLOSED = re.compile(
    r"\b(?:(?:we are|we're|office is|offices are|store is|clinic is|line is) (?:currently |now )?closed|"
    r"outside (?:of )?(?:our )?(?:normal |regular )?(?:business|office) hours|"
    r"please call (?:back|again) (?:during|between|tomorrow|on|after|when)|call back during)\b",
    re.I,
)


def is_closed(line: str) -> bool:
    """The business is closed: "Our office is currently closed ... please call back during business hours"."""
    return bool(_CLOSED.search(line))


_INSTRUCTION = re.compile(
    r"\b(?:(?:tell|let) me (?:know )?(?:when|once) (?:you(?:'re| are| have|'ve)|it(?:'s| is)|that's|"
    r"you've)|say (?:done|ready|continue|okay) (?:when|once)|when you(?:'re| are) (?:done|ready|finished)|"
    r"once you(?:'ve| have) done (?:that|this))\b",
    re.I,
)


def is_instruction(line: str) -> bool:
    """The business asks the caller to do something and say when it is done (troubleshooting steps)."""
    return bool(_INSTRUCTION.search(line))
