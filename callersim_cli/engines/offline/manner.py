"""How the offline caller says things: the persona's patience and talkativeness.

The traits change the manner of a reply, never its content: the same keys are pressed, the same details
given and the same yes or no said whatever the persona. Talkativeness works on the finished words (a
terse caller drops fillers and pleasantries, a chatty one adds a short aside now and then); patience
decides how the caller takes a hold, a repeated prompt or a business that keeps failing to understand.
"""

from __future__ import annotations

import re

# The phrases here are checked against the flows' "says_none" lists in spirit: no goal words, no numbers,
# no yes or no at the start, nothing that names a day, a time, a choice or a person.

# --- talkativeness: low -----------------------------------------------------------------------------------

# A filler in front of the real answer: "Okay, I'll hold." -> "I'll hold.". Not "Yes," "Yeah," or "Sure,"
# before a yes: those are the answer. Not before "but"/"and"/"so", where dropping it leaves half a sentence.
_LEAD_FILLER = re.compile(
    r"^(?:(?:hi|hello|hi there|um|uh|well|so|okay|ok|alright|oh|great|perfect|wonderful|got it|thanks|"
    r"thank you)\s*(?:,|—|-)\s+(?!but\b|and\b|so\b|or\b)|sure,\s+(?=it's|that's|my\b|i\b|this\b))",
    re.I,
)
# What a terse caller leaves out before the goal: "I'd like to order ..." -> "Order ...".
_LEAD_WANT = re.compile(
    r"^(?:i'd like to|i would like to|i need to|i'm calling to|i am calling to|i'm trying to|i want to|"
    r"i'd like|can i get|i'll take|i'm looking at|i'm after|it would be|this is|"
    r"my [\w ]{0,20}?(?:number|name|address|birth|email|code|id|pin|date) is|"
    r"you can reach me at|you can email me at|it's|that's)\s+(?=\S)",
    re.I,
)
_TAIL_POLITE = re.compile(
    r",?\s+(?:please|thanks|thank you|if possible|thanks so much|thank you so much)(?=[.!?]$)", re.I
)
# A whole sentence that only thanks, greets or says goodbye politely: dropped when something else is said.
_PLEASANTRY = re.compile(
    r"^(?:(?:great|perfect|okay|oh good|wonderful|alright|thanks|thank you)(?:,|!|\.)?\s*)*"
    r"(?:thank you|thanks|great|perfect|wonderful|okay)(?: (?:so much|again|for your help|for your time|"
    r"for letting me know|anyway))?[.!]$",
    re.I,
)
# A bare yes or no keeps its word: "Yes, please." -> "Yes." (the tail goes, the answer stays).
_ANSWER_WORD = re.compile(r"^(?:yes|yeah|yep|no|nope|correct|right)\b", re.I)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def terse_sentence(sentence: str) -> str:
    """One sentence without its fillers: "Sure, it's 555-0199, thanks." -> "555-0199."."""
    out = sentence.strip()
    for _ in range(2):  # "Okay, sure, ..." has two fillers in front
        out = _LEAD_FILLER.sub("", out)
    if not _ANSWER_WORD.match(out):
        wanted = _LEAD_WANT.sub("", out, count=1)
        # Only when what is left still reads as an answer on its own ("order a pizza", "Rosa Diaz").
        if re.match(r"\S+@", wanted):
            out = f"It's {wanted}"  # an address cannot open a sentence: it is never said capitalised
        elif wanted != out and not re.match(r"(?:to|that|right|correct|it|all)\b", wanted, re.I):
            out = re.sub(r"\?$", ".", wanted)  # "Can I get a large pizza?" -> "A large pizza."
            # "Order a large pizza." is an order barked at the business; the thing alone is terse and polite.
            out = re.sub(
                r"^(?:order|buy|purchase|get)\s+(?=(?:a|an|one|two|three|some|the)\b)", "", out, flags=re.I
            )
    out = _TAIL_POLITE.sub("", out)
    if out and out[-1] not in ".!?":
        out += "."
    return _capitalize(out)


def terse(text: str) -> str:
    """A reply said tersely: fillers and polite tails dropped, pure pleasantries dropped if more is said."""
    if not text.strip():
        return text
    kept = [terse_sentence(s) for s in _sentences(text)]
    content = [s for s in kept if not _PLEASANTRY.match(s)]
    return " ".join(content or kept[-1:])


# --- talkativeness: high ----------------------------------------------------------------------------------

# A chatty caller's greeting, said before the goal on the first spoken turn.
GREETINGS = (
    "Hi there, hope your day's going well.",
    "Hello! Hope you're having a nice day.",
    "Oh hi, thanks so much for picking up.",
    "Hi! Appreciate you taking my call.",
)
# Short asides added after an answer now and then: no facts, nothing to contradict the goal or persona.
ASIDES = (
    "I appreciate your help with this.",
    "You're very kind, by the way.",
    "Thanks for being so patient with me.",
    "It's been one of those weeks, honestly.",
    "I really appreciate it.",
    "Sorry, I know I'm a bit chatty today.",
    "Thanks a lot for sorting this out.",
    "That's really helpful, thanks.",
    "You've been wonderful so far.",
    "Much appreciated.",
)
# A slightly longer yes to a read-back.
CONFIRM_CHATTY = (
    "Yes, that's exactly right, thank you for checking.",
    "Yes, that's all correct. Thanks for reading it back.",
    "Yep, you've got it all right there.",
    "Correct, that's everything, thanks for double-checking.",
)
GOODBYES_CHATTY = (
    "Thank you so much, you've been really helpful. Have a lovely day, bye!",
    "Thanks again for all your help, I really appreciate it. Goodbye!",
    "That's wonderful, thanks so much for your time. Take care, bye now!",
)

# --- patience ---------------------------------------------------------------------------------------------

HOLD_HURRIED = (
    "Sure, but I'm in a bit of a hurry.",
    "Okay, but please make it quick.",
    "Fine, but I don't have long.",
    "Alright. I'm short on time, though.",
    "Okay. Is it going to be much longer?",
)
HOLD_CALM = (
    "Of course, take all the time you need.",
    "That's fine, I'm happy to wait.",
    "No rush at all, I'll be right here.",
    "Sure, whenever you're ready.",
    "Absolutely, I'll stay right on the line.",
)
TRANSFER_HURRIED = (
    "Okay, thanks. Hopefully this is quick.",
    "Fine, as long as it's quick.",
    "Alright, but I hope I won't be waiting long.",
)
TRANSFER_CALM = (
    "Of course, thank you so much.",
    "Wonderful, thank you, I'll wait.",
    "Sure, thanks, take your time.",
)
# Said after a yes or no when the caller has to give the same answer again.
FIRM_AFTER = ("As I said.", "Like I said before.", "I did say that already.")
# Asking for a person when an automated line has failed to understand twice.
ASK_AGENT = (
    "Agent. I need to speak to a person, please.",
    "Representative, please. This isn't working.",
    "Operator. Can I just talk to someone, please?",
)
# A low-patience caller skips optional extras without being asked twice.
DECLINE_HURRIED = (
    "No thanks, I'm short on time.",
    "No, thanks. Let's just finish this.",
    "No, I'll skip that.",
)


def firm(reply: str, prefix: str) -> str:
    """The same answer, said again more firmly: "As I said, I need to report a lost card."."""
    # "I" stays capital in all its forms: "Again, I'm calling to ...", never "Again, i'm ...".
    return f"{prefix}, {reply}" if re.match(r"I\b", reply) else f"{prefix}, {reply[:1].lower()}{reply[1:]}"
